// The DNS codec for mDNS candidate resolution (RFC 1035 §4, RFC 6762): queries, responses with
// A/AAAA records, name compression (and its loops), truncation loops; and the resolver's query
// schedule.
#include "ice/mdns.h"

#include <gtest/gtest.h>

#include <array>

#include "base/random.h"
#include "ice/mdns_resolver.h"

namespace parley::ice {
namespace {

using mdns::record_type::kA;
using mdns::record_type::kAaaa;

constexpr const char* kName = "e7f9c4a3-3b5d-4f7e-9a3e-1c2b3d4e5f60.local";

TEST(MdnsTest, QueryWireFormat) {
  const std::array<uint16_t, 1> types = {kA};
  const Bytes query = mdns::BuildQuery(0x1234, "ab.local", types, /*unicast_response=*/true);
  const Bytes expected = {0x12, 0x34, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                          0x00, 0x00, 0x00, 2,    'a',  'b',  5,    'l',  'o',
                          'c',  'a',  'l',  0,    0x00, 0x01, 0x80, 0x01};  // QTYPE A, QCLASS IN
                                                                            // with the QU bit.
  EXPECT_EQ(query, expected);
  auto parsed = mdns::Parse(query);
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(parsed->is_response());
  ASSERT_EQ(parsed->questions.size(), 1u);
  EXPECT_EQ(parsed->questions[0], (mdns::Question{"ab.local", kA, mdns::kClassIn, true}));
}

TEST(MdnsTest, ResponseRoundTripAndLookup) {
  mdns::Message response;
  response.flags = mdns::kFlagResponse | mdns::kFlagAuthoritative;
  response.answers.push_back(
      mdns::ResourceRecord::Address(kName, *IpAddress::Parse("192.168.1.5"), 120));
  response.additionals.push_back(
      mdns::ResourceRecord::Address(kName, *IpAddress::Parse("2001:db8::5"), 120));
  const Bytes wire = response.Serialize();
  auto parsed = mdns::Parse(wire);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, response);
  EXPECT_TRUE(parsed->answers[0].cache_flush);
  EXPECT_EQ(mdns::FindAddress(*parsed, kName), IpAddress::Parse("192.168.1.5"));
  // Case-insensitive, trailing dot ignored.
  EXPECT_EQ(mdns::FindAddress(*parsed, "E7F9C4A3-3B5D-4F7E-9A3E-1C2B3D4E5F60.LOCAL."),
            IpAddress::Parse("192.168.1.5"));
  EXPECT_EQ(mdns::FindAddress(*parsed, "other.local"), std::nullopt);
}

TEST(MdnsTest, CompressedNamesAreFollowedBackwards) {
  // Question "ab.local", answer name = pointer to offset 12 (the question's name).
  Bytes wire = {0x00, 0x00, 0x84, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 2,    'a',
                'b',  5,    'l',  'o',  'c',  'a',  'l',  0,    0x00, 0x01, 0x00, 0x01, 0xC0, 12,
                0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x04, 10,   0,    0,    7};
  auto parsed = mdns::Parse(wire);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->answers.size(), 1u);
  EXPECT_EQ(parsed->answers[0].name, "ab.local");
  EXPECT_EQ(parsed->answers[0].address(), IpAddress::Parse("10.0.0.7"));
  // A label followed by a pointer into itself loops: rejected.
  Bytes loop = wire;
  loop[26] = 0xC0;
  loop[27] = 26;
  EXPECT_FALSE(mdns::Parse(loop));
  // A forward pointer: rejected.
  Bytes forward = wire;
  forward[27] = 40;
  EXPECT_FALSE(mdns::Parse(forward));
}

TEST(MdnsTest, MalformedInputsAreRejected) {
  EXPECT_FALSE(mdns::Parse(Bytes{}));
  EXPECT_FALSE(mdns::Parse(Bytes(11, 0)));
  // Claims one question but has none.
  EXPECT_FALSE(mdns::Parse(Bytes{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
  // A reserved label type (0x40).
  EXPECT_FALSE(mdns::Parse(Bytes{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 'a', 0, 0, 1, 0, 1}));
  // A malformed A record (rdata of 3 bytes) parses but yields no address.
  mdns::ResourceRecord bad = mdns::ResourceRecord::Address("x.local", IpAddress::V4(1, 2, 3, 4));
  bad.rdata.pop_back();
  EXPECT_EQ(bad.address(), std::nullopt);
}

TEST(MdnsTest, EveryTruncationFailsCleanly) {
  mdns::Message response;
  response.id = 7;
  response.flags = mdns::kFlagResponse;
  response.questions.push_back({kName, kA, mdns::kClassIn, false});
  response.answers.push_back(mdns::ResourceRecord::Address(kName, IpAddress::V4(10, 0, 0, 1)));
  response.additionals.push_back(
      mdns::ResourceRecord::Address(kName, *IpAddress::Parse("fe80::1")));
  const Bytes wire = response.Serialize();
  ASSERT_TRUE(mdns::Parse(wire));
  for (size_t n = 0; n < wire.size(); ++n) {
    EXPECT_FALSE(mdns::Parse(ByteView(wire.data(), n))) << n;
  }
}

TEST(MdnsTest, ResolverQueriesRetransmitsAndGivesUp) {
  SeededRandom random(1);
  MdnsResolver resolver;
  const std::vector<SocketAddress> sockets = {*SocketAddress::Parse("192.168.1.5:5000"),
                                              *SocketAddress::Parse("[2001:db8::5]:5000")};
  const Timestamp t0 = Timestamp::Seconds(100);
  ASSERT_TRUE(resolver.Resolve(t0, kName, sockets, random));
  // One A query to 224.0.0.251:5353 from the IPv4 socket, one AAAA to [ff02::fb]:5353.
  auto v4 = resolver.PollTransmit();
  auto v6 = resolver.PollTransmit();
  ASSERT_TRUE(v4 && v6);
  EXPECT_EQ(v4->destination, *SocketAddress::Parse("224.0.0.251:5353"));
  EXPECT_EQ(v4->source, sockets[0]);
  EXPECT_EQ(v6->destination, *SocketAddress::Parse("[ff02::fb]:5353"));
  EXPECT_EQ(mdns::Parse(v6->payload)->questions[0].type, kAaaa);
  EXPECT_FALSE(resolver.PollTransmit());
  // Retransmissions at +1 s and +3 s, failure at +5 s.
  std::vector<int64_t> sends;
  while (auto next = resolver.NextTimeout()) {
    resolver.HandleTimeout(*next);
    while (resolver.PollTransmit())
      sends.push_back((*next - t0).ms());
  }
  EXPECT_EQ(sends, (std::vector<int64_t>{1000, 1000, 3000, 3000}));
  auto result = resolver.PollResult();
  ASSERT_TRUE(result);
  EXPECT_TRUE(std::holds_alternative<MdnsFailed>(*result));
}

TEST(MdnsTest, ResolverAcceptsAnswer) {
  SeededRandom random(2);
  MdnsResolver resolver;
  ASSERT_TRUE(resolver.Resolve(Timestamp::Seconds(1), kName,
                               {*SocketAddress::Parse("192.168.1.5:5000")}, random));
  mdns::Message response;
  response.flags = mdns::kFlagResponse;
  response.answers.push_back(mdns::ResourceRecord::Address(kName, IpAddress::V4(192, 168, 1, 9)));
  EXPECT_TRUE(
      resolver.HandleDatagram({*SocketAddress::Parse("192.168.1.9:5353"),
                               *SocketAddress::Parse("192.168.1.5:5000"), response.Serialize()}));
  auto result = resolver.PollResult();
  ASSERT_TRUE(result);
  ASSERT_TRUE(std::holds_alternative<MdnsResolved>(*result));
  EXPECT_EQ(std::get<MdnsResolved>(*result).address, IpAddress::V4(192, 168, 1, 9));
  EXPECT_TRUE(resolver.empty());
  EXPECT_FALSE(resolver.NextTimeout());
}

}  // namespace
}  // namespace parley::ice
