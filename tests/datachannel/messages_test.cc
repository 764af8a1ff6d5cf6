// Messages: text, binary and empty ones both ways with their PPIDs (RFC 8831 §6.6), the peer's
// max-message-size, and the per-channel counters of RTCDataChannelStats.
#include <gtest/gtest.h>

#include "datachannel/dc_harness.h"
#include "sim/sim_test.h"

namespace parley::datachannel {
namespace {

using testing::AsText;
using testing::DcPair;
using testing::RawPair;
using testing::Text;

class DataChannelMessagesTest : public sim::SimTest {};

TEST_F(DataChannelMessagesTest, TextBinaryAndEmptyBothWays) {
  DcPair pair(sim());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  const ChannelHandle a = pair.Create(pair.a(), "mixed");
  const auto b = pair.WaitForOpened(pair.b(), "mixed");
  ASSERT_TRUE(b);
  const Bytes binary = {0x00, 0xFF, 0x10, 0x00};
  ASSERT_TRUE(pair.SendText(pair.a(), a, "h\xC3\xA9llo").ok());
  ASSERT_TRUE(pair.Send(pair.a(), a, true, binary).ok());
  ASSERT_TRUE(pair.Send(pair.a(), a, false, {}).ok());
  ASSERT_TRUE(pair.Send(pair.a(), a, true, {}).ok());
  ASSERT_TRUE(pair.Send(pair.b(), *b, true, binary).ok());
  ASSERT_TRUE(pair.Send(pair.b(), *b, false, {}).ok());
  sim().RunFor(TimeDelta::Millis(100));

  const auto at_bob = pair.b().recorded().MessagesOn(*b);
  ASSERT_EQ(at_bob.size(), 4u);
  EXPECT_FALSE(at_bob[0].binary);
  EXPECT_EQ(AsText(at_bob[0].data), "h\xC3\xA9llo");
  EXPECT_TRUE(at_bob[1].binary);
  EXPECT_EQ(at_bob[1].data, binary);
  EXPECT_FALSE(at_bob[2].binary);
  EXPECT_TRUE(at_bob[2].data.empty());
  EXPECT_TRUE(at_bob[3].binary);
  EXPECT_TRUE(at_bob[3].data.empty());
  const auto at_alice = pair.a().recorded().MessagesOn(a);
  ASSERT_EQ(at_alice.size(), 2u);
  EXPECT_EQ(at_alice[0].data, binary);
  EXPECT_FALSE(at_alice[1].binary);
  EXPECT_TRUE(at_alice[1].data.empty());

  const ChannelInfo& sent = *pair.a().transport().channel(a);
  EXPECT_EQ(sent.messages_sent, 4u);
  EXPECT_EQ(sent.bytes_sent, 6u + 4u);  // empty messages count no bytes
  EXPECT_EQ(sent.messages_received, 2u);
  EXPECT_EQ(sent.bytes_received, 4u);
  const ChannelInfo& received = *pair.b().transport().channel(*b);
  EXPECT_EQ(received.messages_received, 4u);
  EXPECT_EQ(received.bytes_received, 10u);
}

TEST_F(DataChannelMessagesTest, WirePpidsAndTheEmptyStandIn) {
  RawPair pair(sim());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  const ChannelHandle a = pair.Create(pair.a(), "wire");
  ASSERT_TRUE(pair.Send(pair.a(), a, false, Text("t")).ok());
  ASSERT_TRUE(pair.Send(pair.a(), a, true, Text("b")).ok());
  ASSERT_TRUE(pair.Send(pair.a(), a, false, {}).ok());
  ASSERT_TRUE(pair.Send(pair.a(), a, true, {}).ok());
  sim().RunFor(TimeDelta::Millis(100));
  const auto& got = pair.b().messages;
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0].ppid, sctp::Ppid::kDcep);
  EXPECT_EQ(got[1].ppid, sctp::Ppid::kString);
  EXPECT_EQ(got[2].ppid, sctp::Ppid::kBinary);
  EXPECT_EQ(got[3].ppid, sctp::Ppid::kStringEmpty);
  EXPECT_EQ(got[3].data, Bytes{0});
  EXPECT_EQ(got[4].ppid, sctp::Ppid::kBinaryEmpty);
  EXPECT_EQ(got[4].data, Bytes{0});
  for (const auto& m : got)
    EXPECT_EQ(m.stream, 0);
}

TEST_F(DataChannelMessagesTest, MessageOfExactlyTheRemoteMaxSizeOneByteMoreIsATypeError) {
  TransportConfig alice;
  alice.association.remote_max_message_size = 100'000;
  TransportConfig bob;
  bob.association.max_message_size = 100'000;
  DcPair pair(sim(), alice, bob);
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  EXPECT_EQ(pair.a().transport().max_message_size(), 100'000u);
  const ChannelHandle a = pair.Create(pair.a(), "big");
  const Bytes largest(100'000, 0x5A);
  const Bytes too_large(100'001, 0x5A);
  ASSERT_TRUE(pair.Send(pair.a(), a, true, largest).ok());
  const auto refused = pair.Send(pair.a(), a, true, too_large);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind(), ErrorKind::kTypeError);
  EXPECT_EQ(pair.a().transport().channel(a)->messages_sent, 1u);
  EXPECT_EQ(pair.a().transport().buffered_amount(a), largest.size());
  ASSERT_TRUE(pair.SendText(pair.a(), a, "after").ok());
  ASSERT_TRUE(sim().RunUntil([&] { return pair.b().recorded().messages.size() == 2; },
                             TimeDelta::Seconds(2)));
  EXPECT_EQ(pair.b().recorded().messages[0].data, largest);
  EXPECT_EQ(AsText(pair.b().recorded().messages[1].data), "after");
  EXPECT_EQ(pair.a().transport().channel(a)->state, ChannelState::kOpen);
}

}  // namespace
}  // namespace parley::datachannel
