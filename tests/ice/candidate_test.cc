// RFC 8839 §5.1 candidate attributes: real lines from Chromium, Firefox and aiortc parse, keep
// every field and extension, and (Chromium's) serialize back byte for byte; malformed lines give
// a SyntaxError naming the field; every truncation of a valid line is handled cleanly.
#include "ice/candidate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley::ice {
namespace {

struct Fixture {
  const char* source;
  const char* line;
};

// Lines as the browsers and libraries emit them (addresses changed to documentation ranges).
const Fixture kChromium[] = {
    {"chromium host",
     "candidate:3885250869 1 udp 2122260223 192.168.1.5 56143 typ host generation 0 ufrag EsAw "
     "network-id 1"},
    {"chromium srflx hidden base",
     "candidate:842163049 1 udp 1677729535 203.0.113.7 62104 typ srflx raddr 0.0.0.0 rport 0 "
     "generation 0 ufrag Vrg4 network-id 1 network-cost 10"},
    {"chromium relay",
     "candidate:1853887674 1 udp 33562367 198.51.100.20 49152 typ relay raddr 203.0.113.7 rport "
     "62104 generation 0 ufrag Vrg4 network-id 1 network-cost 10"},
    {"chromium mdns host",
     "candidate:1387637174 1 udp 2122260223 e7f9c4a3-3b5d-4f7e-9a3e-1c2b3d4e5f60.local 54321 typ "
     "host generation 0 ufrag 6dbU network-id 1 network-cost 10"},
    {"chromium tcp active",
     "candidate:2999745851 1 tcp 1518280447 192.168.1.5 9 typ host tcptype active generation 0 "
     "ufrag EsAw network-id 1"},
    {"chromium ipv6 host",
     "candidate:2216937011 1 udp 2122197247 2001:db8:85a3::8a2e:370:7334 55021 typ host "
     "generation 0 ufrag EsAw network-id 2"},
    {"chromium prflx",
     "candidate:1510613869 1 udp 1845501695 203.0.113.9 61000 typ prflx raddr "
     "192.168.1.5 rport 56143 generation 0 ufrag EsAw network-id 1"},
};

TEST(CandidateTest, ChromiumLinesRoundTripExactly) {
  for (const Fixture& f : kChromium) {
    SCOPED_TRACE(f.source);
    Result<Candidate> c = Candidate::Parse(f.line);
    ASSERT_TRUE(c.ok()) << c.error();
    EXPECT_EQ(c->ToString(), f.line);
    // With "a=" and a CRLF, as in SDP.
    Result<Candidate> sdp = Candidate::Parse(std::string("a=") + f.line + "\r\n");
    ASSERT_TRUE(sdp.ok()) << sdp.error();
    EXPECT_EQ(*sdp, *c);
  }
}

TEST(CandidateTest, ChromiumSrflxFields) {
  Result<Candidate> c = Candidate::Parse(kChromium[1].line);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->foundation, "842163049");
  EXPECT_EQ(c->component, 1);
  EXPECT_EQ(c->transport, TransportProtocol::kUdp);
  EXPECT_EQ(c->priority, 1677729535u);
  EXPECT_EQ(c->address, "203.0.113.7");
  EXPECT_EQ(c->port, 62104);
  EXPECT_EQ(c->type, CandidateType::kServerReflexive);
  EXPECT_EQ(c->related_address, "0.0.0.0");
  EXPECT_EQ(c->related_port, 0);
  EXPECT_EQ(c->socket_address(), SocketAddress::Parse("203.0.113.7:62104"));
  const std::vector<CandidateExtension> extensions = {
      {"generation", "0"}, {"ufrag", "Vrg4"}, {"network-id", "1"}, {"network-cost", "10"}};
  EXPECT_EQ(c->extensions, extensions);
  EXPECT_EQ(c->extension("ufrag"), "Vrg4");
  EXPECT_EQ(c->extension("nope"), std::nullopt);
  EXPECT_FALSE(c->is_fqdn());
}

TEST(CandidateTest, MdnsHostnameIsKeptAsAName) {
  Result<Candidate> c = Candidate::Parse(kChromium[3].line);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->is_fqdn());
  EXPECT_TRUE(c->is_mdns());
  EXPECT_EQ(c->address, "e7f9c4a3-3b5d-4f7e-9a3e-1c2b3d4e5f60.local");
  EXPECT_EQ(c->socket_address(), std::nullopt);
  Result<Candidate> dns = Candidate::Parse("candidate:1 1 udp 1 turn.example.com 3478 typ host");
  ASSERT_TRUE(dns.ok());
  EXPECT_TRUE(dns->is_fqdn());
  EXPECT_FALSE(dns->is_mdns());
}

TEST(CandidateTest, TcpAndIpv6) {
  Result<Candidate> tcp = Candidate::Parse(kChromium[4].line);
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ(tcp->transport, TransportProtocol::kTcp);
  EXPECT_EQ(tcp->tcp_type, TcpType::kActive);
  Result<Candidate> v6 = Candidate::Parse(kChromium[5].line);
  ASSERT_TRUE(v6.ok());
  ASSERT_TRUE(v6->ip());
  EXPECT_TRUE(v6->ip()->is_v6());
}

TEST(CandidateTest, FirefoxLines) {
  struct Case {
    const char* line;
    CandidateType type;
    TransportProtocol transport;
  };
  const Case cases[] = {
      {"candidate:0 1 UDP 2122252543 192.168.1.5 49203 typ host", CandidateType::kHost,
       TransportProtocol::kUdp},
      {"candidate:1 1 UDP 1686052863 203.0.113.7 49203 typ srflx raddr 192.168.1.5 rport 49203",
       CandidateType::kServerReflexive, TransportProtocol::kUdp},
      {"candidate:2 1 TCP 2105524479 192.168.1.5 9 typ host tcptype active", CandidateType::kHost,
       TransportProtocol::kTcp},
      {"candidate:3 1 UDP 92216831 198.51.100.20 55012 typ relay raddr 198.51.100.20 rport 55012",
       CandidateType::kRelay, TransportProtocol::kUdp},
      {"candidate:0 1 UDP 2122252543 4c5b2e8d-1f0e-4b9d-8c77-2f1e3a5b6c7d.local 51790 typ host",
       CandidateType::kHost, TransportProtocol::kUdp},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    Result<Candidate> parsed = Candidate::Parse(c.line);
    ASSERT_TRUE(parsed.ok()) << parsed.error();
    EXPECT_EQ(parsed->type, c.type);
    EXPECT_EQ(parsed->transport, c.transport);
    // Serialized as Chromium would: lower-case transport; otherwise identical.
    std::string expected = c.line;
    const size_t at = expected.find(c.transport == TransportProtocol::kUdp ? "UDP" : "TCP");
    expected.replace(at, 3, c.transport == TransportProtocol::kUdp ? "udp" : "tcp");
    EXPECT_EQ(parsed->ToString(), expected);
  }
}

TEST(CandidateTest, AiortcLines) {
  // aioice: 32-hex-digit foundations (MD5), no extensions.
  const char* host =
      "candidate:6815297761b1b3f5d7d1f5ab2a0b1bd1 1 udp 2130706431 192.168.1.5 45678 typ host";
  const char* srflx =
      "candidate:ad8fe7b1b0b6b2e8dfd8fd77e3b4b7b4 1 udp 1694498815 203.0.113.7 45678 typ srflx "
      "raddr 192.168.1.5 rport 45678";
  for (const char* line : {host, srflx}) {
    Result<Candidate> c = Candidate::Parse(line);
    ASSERT_TRUE(c.ok()) << c.error();
    EXPECT_EQ(c->foundation.size(), 32u);
    EXPECT_EQ(c->ToString(), line);
  }
}

TEST(CandidateTest, MakeAndCanonicalAddresses) {
  const Candidate c = Candidate::Make("1", CandidateType::kServerReflexive, 100,
                                      *SocketAddress::Parse("[2001:DB8::1]:5000"),
                                      SocketAddress::Parse("[2001:db8::2]:6000"));
  EXPECT_EQ(c.ToString(),
            "candidate:1 1 udp 100 2001:db8::1 5000 typ srflx raddr 2001:db8::2 rport 6000");
  // Parse canonicalizes IPv6 text (upper case, uncompressed forms).
  Result<Candidate> parsed =
      Candidate::Parse("candidate:1 1 udp 100 2001:DB8:0:0:0:0:0:1 5000 typ host");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->address, "2001:db8::1");
}

TEST(CandidateTest, SyntaxErrorsNameTheField) {
  struct Case {
    const char* line;
    const char* mentions;
  };
  const Case cases[] = {
      {"", "candidate:"},
      {"a=foo:1 1 udp 1 1.2.3.4 5 typ host", "candidate:"},
      {"candidate:", "foundation"},
      {"candidate:abc!def 1 udp 1 1.2.3.4 5 typ host", "foundation"},
      {"candidate:123456789012345678901234567890123 1 udp 1 1.2.3.4 5 typ host", "foundation"},
      {"candidate:1", "component"},
      {"candidate:1 0 udp 1 1.2.3.4 5 typ host", "component"},
      {"candidate:1 257 udp 1 1.2.3.4 5 typ host", "component"},
      {"candidate:1 x udp 1 1.2.3.4 5 typ host", "component"},
      {"candidate:1 1 sctp 1 1.2.3.4 5 typ host", "transport"},
      {"candidate:1 1 udp 4294967296 1.2.3.4 5 typ host", "priority"},
      {"candidate:1 1 udp -1 1.2.3.4 5 typ host", "priority"},
      {"candidate:1 1 udp 1 1.2.3.400 5 typ host", "connection-address"},
      {"candidate:1 1 udp 1 fe80::1%eth0 5 typ host", "connection-address"},
      {"candidate:1 1 udp 1 1.2.3.4 65536 typ host", "port"},
      {"candidate:1 1 udp 1 1.2.3.4 5", "typ"},
      {"candidate:1 1 udp 1 1.2.3.4 5 type host", "typ"},
      {"candidate:1 1 udp 1 1.2.3.4 5 typ", "candidate type"},
      {"candidate:1 1 udp 1 1.2.3.4 5 typ stun", "candidate type"},
      {"candidate:1 1 udp 1 1.2.3.4 5 typ srflx raddr", "raddr"},
      {"candidate:1 1 udp 1 1.2.3.4 5 typ srflx raddr a..b rport 1", "raddr"},
      {"candidate:1 1 udp 1 1.2.3.4 5 typ srflx raddr 1.2.3.4 rport x", "rport"},
      {"candidate:1 1 tcp 1 1.2.3.4 5 typ host tcptype sideways", "tcptype"},
      {"candidate:1 1 udp 1 1.2.3.4 5 typ host generation", "generation"},
      {"candidate:1 1 udp 1 1.2.3.4 5 typ host na=me 1", "extension"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    Result<Candidate> parsed = Candidate::Parse(c.line);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().kind(), ErrorKind::kSyntaxError);
    EXPECT_NE(parsed.error().message().find(c.mentions), std::string::npos)
        << parsed.error().message();
  }
}

TEST(CandidateTest, EveryTruncationParsesOrFailsCleanly) {
  std::vector<std::string> lines;
  for (const Fixture& f : kChromium)
    lines.emplace_back(f.line);
  lines.emplace_back(
      "a=candidate:1 1 UDP 92216831 198.51.100.20 55012 typ relay raddr 198.51.100.20 rport 55012");
  for (const std::string& line : lines) {
    for (size_t n = 0; n <= line.size(); ++n) {
      const std::string_view prefix(line.data(), n);
      Result<Candidate> c = Candidate::Parse(prefix);
      if (c.ok()) {
        // Whatever parses must serialize to something that parses to the same candidate.
        Result<Candidate> again = Candidate::Parse(c->ToString());
        ASSERT_TRUE(again.ok()) << prefix;
        EXPECT_EQ(*again, *c) << prefix;
      } else {
        EXPECT_EQ(c.error().kind(), ErrorKind::kSyntaxError) << prefix;
      }
    }
  }
}

TEST(CandidateTest, TypeNames) {
  EXPECT_EQ(ToString(CandidateType::kHost), "host");
  EXPECT_EQ(ToString(CandidateType::kServerReflexive), "srflx");
  EXPECT_EQ(ToString(CandidateType::kPeerReflexive), "prflx");
  EXPECT_EQ(ToString(CandidateType::kRelay), "relay");
  EXPECT_EQ(ToString(TcpType::kSimultaneousOpen), "so");
}

}  // namespace
}  // namespace parley::ice
