#include "ice/server_uri.h"

#include <gtest/gtest.h>

namespace parley::ice {
namespace {

TEST(ServerUriTest, StunDefaultsAndPorts) {
  auto uri = ParseServerUri("stun:stun.example.org");
  ASSERT_TRUE(uri.ok()) << uri.error();
  EXPECT_EQ(uri->scheme, ServerScheme::kStun);
  EXPECT_EQ(uri->host, "stun.example.org");
  EXPECT_EQ(uri->port, 3478);
  EXPECT_EQ(uri->transport, turn::Transport::kUdp);
  EXPECT_FALSE(uri->literal_address());

  auto stuns = ParseServerUri("STUNS:192.0.2.1:443");
  ASSERT_TRUE(stuns.ok()) << stuns.error();
  EXPECT_EQ(stuns->scheme, ServerScheme::kStuns);
  EXPECT_EQ(stuns->port, 443);
  EXPECT_EQ(stuns->transport, turn::Transport::kTls);
  EXPECT_EQ(stuns->literal_address(), SocketAddress::Parse("192.0.2.1:443"));
}

TEST(ServerUriTest, TurnTransports) {
  struct Case {
    const char* text;
    ServerScheme scheme;
    uint16_t port;
    turn::Transport transport;
  };
  for (const Case& c : {
           Case{"turn:192.0.2.1", ServerScheme::kTurn, 3478, turn::Transport::kUdp},
           Case{"turn:192.0.2.1?transport=udp", ServerScheme::kTurn, 3478, turn::Transport::kUdp},
           Case{"turn:192.0.2.1:80?transport=tcp", ServerScheme::kTurn, 80, turn::Transport::kTcp},
           Case{"turn:h.example?Transport=TCP", ServerScheme::kTurn, 3478, turn::Transport::kTcp},
           Case{"turns:h.example", ServerScheme::kTurns, 5349, turn::Transport::kTls},
           Case{"turns:h.example:443?transport=tcp", ServerScheme::kTurns, 443,
                turn::Transport::kTls},
           Case{"turn:[2001:db8::1]:3479?transport=udp", ServerScheme::kTurn, 3479,
                turn::Transport::kUdp},
       }) {
    auto uri = ParseServerUri(c.text);
    ASSERT_TRUE(uri.ok()) << c.text << ": " << uri.error();
    EXPECT_EQ(uri->scheme, c.scheme) << c.text;
    EXPECT_EQ(uri->port, c.port) << c.text;
    EXPECT_EQ(uri->transport, c.transport) << c.text;
    EXPECT_TRUE(uri->is_turn());
  }
  auto v6 = ParseServerUri("turn:[2001:db8::1]:3479");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "2001:db8::1");
  EXPECT_EQ(v6->literal_address(), SocketAddress::Parse("[2001:db8::1]:3479"));
}

TEST(ServerUriTest, RejectsMalformedWithSyntaxErrorNamingTheProblem) {
  struct Case {
    const char* text;
    const char* says;
  };
  for (const Case& c : {
           Case{"stun.example.org", "no scheme"},
           Case{"http://example.org", "scheme must be"},
           Case{"stun:", "no host"},
           Case{"turn:?transport=udp", "no host"},
           Case{"stun:h.example?transport=udp", "take no query"},
           Case{"turn:h.example?foo=bar", "only query"},
           Case{"turn:h.example?transport=sctp", "udp or tcp"},
           Case{"turn:h.example:", "empty port"},
           Case{"turn:h.example:0", "port must be"},
           Case{"turn:h.example:65536", "port must be"},
           Case{"turn:h.example:34x", "port must be"},
           Case{"turn:[2001:db8::1", "unterminated"},
           Case{"turn:[192.0.2.1]", "IPv6"},
           Case{"turn:[::1]x", "after ']'"},
           Case{"turn:user@h.example", "not allowed"},
           Case{"turn:h.example/path", "not allowed"},
       }) {
    auto uri = ParseServerUri(c.text);
    ASSERT_FALSE(uri.ok()) << c.text;
    EXPECT_EQ(uri.error().kind(), ErrorKind::kSyntaxError) << c.text;
    EXPECT_NE(uri.error().message().find(c.says), std::string::npos)
        << c.text << " -> " << uri.error();
    EXPECT_NE(uri.error().message().find(c.text), std::string::npos) << uri.error();
  }
}

TEST(ServerUriTest, TurnsOverUdpIsNotSupported) {
  auto uri = ParseServerUri("turns:h.example?transport=udp");
  ASSERT_FALSE(uri.ok());
  EXPECT_EQ(uri.error().kind(), ErrorKind::kNotSupportedError);
}

TEST(ServerUriTest, ToStringRoundTrips) {
  for (const char* text :
       {"stun:192.0.2.1:3478", "stuns:h.example:5349", "turn:[2001:db8::1]:3478?transport=udp",
        "turn:h.example:3478?transport=tcp", "turns:h.example:443?transport=tcp"}) {
    auto uri = ParseServerUri(text);
    ASSERT_TRUE(uri.ok()) << text;
    EXPECT_EQ(uri->ToString(), text);
  }
}

// Every prefix of a valid URI either parses (to something else) or fails cleanly.
TEST(ServerUriTest, TruncatedInputLoop) {
  const std::string full = "turn:[2001:db8::abcd]:34780?transport=tcp";  // No defaults.
  ASSERT_TRUE(ParseServerUri(full).ok());
  for (size_t n = 0; n < full.size(); ++n) {
    auto uri = ParseServerUri(std::string_view(full).substr(0, n));
    if (uri.ok()) {
      EXPECT_NE(uri->ToString(), ParseServerUri(full)->ToString()) << n;
    }
  }
}

TEST(ServerUriTest, MakesTurnServerConfig) {
  auto uri = ParseServerUri("turns:turn.example.org:443");
  ASSERT_TRUE(uri.ok());
  const auto resolved = *SocketAddress::Parse("192.0.2.10:443");
  const turn::ServerConfig config = MakeTurnServerConfig(*uri, resolved, "user", "pass");
  EXPECT_EQ(config.server, resolved);
  EXPECT_EQ(config.transport, turn::Transport::kTls);
  EXPECT_EQ(config.username, "user");
  EXPECT_EQ(config.password, "pass");
  EXPECT_EQ(config.tls_server_name, "turn.example.org");
  EXPECT_FALSE(config.tls_insecure_skip_verify);
  auto plain = ParseServerUri("turn:192.0.2.10?transport=tcp");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(MakeTurnServerConfig(*plain, resolved, "u", "p").transport, turn::Transport::kTcp);
}

}  // namespace
}  // namespace parley::ice
