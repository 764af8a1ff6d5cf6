// Opening channels: in-band (DCEP) from either side with stream ids by DTLS role, negotiated
// channels, channels created before Start(), what DATA_CHANNEL_OPEN carries, and many channels
// on one association.
#include <gtest/gtest.h>

#include "datachannel/dc_harness.h"
#include "sim/sim_test.h"

namespace parley::datachannel {
namespace {

using testing::AsText;
using testing::DcPair;
using testing::Text;

class DataChannelOpenTest : public sim::SimTest {};

TEST_F(DataChannelOpenTest, InBandFromEachSideWithIdsByRole) {
  DcPair pair(sim());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  const ChannelHandle a1 = pair.Create(pair.a(), "a1");
  const ChannelHandle a2 = pair.Create(pair.a(), "a2");
  const ChannelHandle b1 = pair.Create(pair.b(), "b1");
  const ChannelHandle b2 = pair.Create(pair.b(), "b2");
  // RFC 8832 §6: the DTLS client (alice) takes even ids, the server (bob) odd ones.
  EXPECT_EQ(pair.a().transport().channel(a1)->id, 0);
  EXPECT_EQ(pair.a().transport().channel(a2)->id, 2);
  EXPECT_EQ(pair.b().transport().channel(b1)->id, 1);
  EXPECT_EQ(pair.b().transport().channel(b2)->id, 3);
  // The opener is open at once (without waiting for the ACK).
  EXPECT_EQ(pair.a().transport().channel(a1)->state, ChannelState::kOpen);
  EXPECT_EQ(pair.a().recorded().States(a1), std::vector<ChannelState>{ChannelState::kOpen});

  const auto at_bob = pair.WaitForOpened(pair.b(), "a2");
  const auto at_alice = pair.WaitForOpened(pair.a(), "b2");
  ASSERT_TRUE(at_bob && at_alice);
  ASSERT_TRUE(pair.b().Opened("a1") && pair.a().Opened("b1"));
  EXPECT_EQ(pair.b().transport().channel(*at_bob)->id, 2);
  EXPECT_EQ(pair.a().transport().channel(*at_alice)->id, 3);
  EXPECT_EQ(pair.b().transport().channel(*at_bob)->state, ChannelState::kOpen);
  EXPECT_EQ(pair.b().recorded().States(*at_bob), std::vector<ChannelState>{ChannelState::kOpen});
  EXPECT_FALSE(pair.b().transport().channel(*at_bob)->negotiated);

  // Both ways on each.
  ASSERT_TRUE(pair.SendText(pair.a(), a2, "to bob").ok());
  ASSERT_TRUE(pair.SendText(pair.a(), *at_alice, "reply on b2").ok());
  ASSERT_TRUE(pair.SendText(pair.b(), *at_bob, "to alice").ok());
  sim().RunFor(TimeDelta::Millis(200));
  ASSERT_EQ(pair.b().recorded().MessagesOn(*at_bob).size(), 1u);
  EXPECT_EQ(AsText(pair.b().recorded().MessagesOn(*at_bob)[0].data), "to bob");
  ASSERT_EQ(pair.b().recorded().MessagesOn(b2).size(), 1u);
  EXPECT_EQ(AsText(pair.b().recorded().MessagesOn(b2)[0].data), "reply on b2");
  ASSERT_EQ(pair.a().recorded().MessagesOn(a2).size(), 1u);
  EXPECT_EQ(AsText(pair.a().recorded().MessagesOn(a2)[0].data), "to alice");
  EXPECT_EQ(pair.a().transport().stats().channels_opened, 4u);
  EXPECT_EQ(pair.b().transport().stats().channels_opened, 4u);
}

TEST_F(DataChannelOpenTest, OpenerMaySendBeforeTheAck) {
  DcPair pair(sim(), {}, {});
  pair.SetLinks({.latency = TimeDelta::Millis(30)});
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  // Unordered: until the ACK the messages still go ordered, behind the OPEN (RFC 8832 §6).
  const ChannelHandle chat = pair.Create(pair.a(), "chat", {.ordered = false});
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(pair.SendText(pair.a(), chat, "early " + std::to_string(i)).ok());
  const auto at_bob = pair.WaitForOpened(pair.b(), "chat");
  ASSERT_TRUE(at_bob);
  ASSERT_TRUE(sim().RunUntil([&] { return pair.b().recorded().messages.size() == 5; },
                             TimeDelta::Seconds(1)));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(pair.b().recorded().messages[i].handle, *at_bob);
    EXPECT_EQ(AsText(pair.b().recorded().messages[i].data), "early " + std::to_string(i));
  }
  EXPECT_EQ(pair.b().transport().stats().dropped_no_channel, 0u);
}

TEST_F(DataChannelOpenTest, NegotiatedChannelsOnBothSides) {
  DcPair pair(sim());
  // Created before Start on one side and after connecting on the other; no DCEP either way.
  const ChannelHandle a = pair.Create(pair.a(), "sync", {.negotiated = true, .id = 7});
  EXPECT_EQ(pair.a().transport().channel(a)->id, 7);
  EXPECT_EQ(pair.a().transport().channel(a)->state, ChannelState::kConnecting);
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  EXPECT_EQ(pair.a().transport().channel(a)->state, ChannelState::kOpen);
  const ChannelHandle b = pair.Create(pair.b(), "sync", {.negotiated = true, .id = 7});
  EXPECT_EQ(pair.b().transport().channel(b)->state, ChannelState::kOpen);
  ASSERT_TRUE(pair.SendText(pair.a(), a, "ping").ok());
  ASSERT_TRUE(pair.SendText(pair.b(), b, "pong").ok());
  sim().RunFor(TimeDelta::Millis(100));
  ASSERT_EQ(pair.b().recorded().MessagesOn(b).size(), 1u);
  EXPECT_EQ(AsText(pair.b().recorded().MessagesOn(b)[0].data), "ping");
  ASSERT_EQ(pair.a().recorded().MessagesOn(a).size(), 1u);
  EXPECT_EQ(AsText(pair.a().recorded().MessagesOn(a)[0].data), "pong");
  EXPECT_TRUE(pair.a().recorded().opened.empty());
  EXPECT_TRUE(pair.b().recorded().opened.empty());
  EXPECT_TRUE(pair.a().transport().channel(a)->negotiated);
  EXPECT_EQ(pair.b().transport().stats().unexpected_dcep, 0u);
}

TEST_F(DataChannelOpenTest, NegotiatedIdSkippedByAllocation) {
  DcPair pair(sim());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  pair.Create(pair.a(), "n0", {.negotiated = true, .id = 0});
  const ChannelHandle next = pair.Create(pair.a(), "in-band");
  EXPECT_EQ(pair.a().transport().channel(next)->id, 2);
}

TEST_F(DataChannelOpenTest, DcepCarriesLabelProtocolPriorityAndReliability) {
  DcPair pair(sim());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  struct Case {
    std::string label;
    ChannelInit init;
  };
  const std::string utf8_label = "caf\xC3\xA9 \xF0\x9F\x98\x80";
  std::vector<Case> cases = {
      {"reliable", {.protocol = "json", .priority = Priority::kHigh}},
      {"unordered", {.ordered = false, .protocol = "", .priority = Priority::kVeryLow}},
      {"rexmit", {.max_retransmits = 3, .priority = Priority::kMedium}},
      {"rexmit-unordered", {.ordered = false, .max_retransmits = 0}},
      {"timed", {.max_packet_lifetime = TimeDelta::Millis(1500), .protocol = "x"}},
      {"timed-unordered", {.ordered = false, .max_packet_lifetime = TimeDelta::Millis(1)}},
      {utf8_label, {.protocol = std::string(300, 'p')}},
      {"", {}},
  };
  for (const Case& c : cases)
    pair.Create(pair.a(), c.label, c.init);
  sim().RunFor(TimeDelta::Millis(200));
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    const auto handle = pair.b().Opened(c.label);
    ASSERT_TRUE(handle);
    const ChannelInfo& info = *pair.b().transport().channel(*handle);
    EXPECT_EQ(info.label, c.label);
    EXPECT_EQ(info.protocol, c.init.protocol);
    EXPECT_EQ(info.priority, c.init.priority);
    EXPECT_EQ(info.ordered, c.init.ordered);
    EXPECT_EQ(info.max_retransmits, c.init.max_retransmits);
    EXPECT_EQ(info.max_packet_lifetime, c.init.max_packet_lifetime);
    EXPECT_FALSE(info.negotiated);
  }
}

TEST_F(DataChannelOpenTest, ChannelsCreatedBeforeStartGetIdsAtStartAndOpenOnConnect) {
  DcPair pair(sim());
  const ChannelHandle a1 = pair.Create(pair.a(), "early-a1");
  const ChannelHandle a2 = pair.Create(pair.a(), "early-a2", {.ordered = false});
  const ChannelHandle b1 = pair.Create(pair.b(), "early-b1");
  EXPECT_FALSE(pair.a().transport().channel(a1)->id.has_value());
  EXPECT_EQ(pair.a().transport().channel(a1)->state, ChannelState::kConnecting);
  // Sending before open is refused.
  EXPECT_EQ(pair.a().transport().Send(sim().now(), a1, false, Text("x")).error().kind(),
            ErrorKind::kInvalidStateError);
  pair.Start();
  EXPECT_EQ(pair.a().transport().channel(a1)->id, 0);
  EXPECT_EQ(pair.a().transport().channel(a2)->id, 2);
  EXPECT_EQ(pair.b().transport().channel(b1)->id, 1);
  ASSERT_TRUE(pair.RunUntilConnected());
  EXPECT_EQ(pair.a().transport().channel(a1)->state, ChannelState::kOpen);
  EXPECT_EQ(pair.a().recorded().States(a1), std::vector<ChannelState>{ChannelState::kOpen});
  ASSERT_TRUE(pair.WaitForOpened(pair.b(), "early-a2"));
  ASSERT_TRUE(pair.WaitForOpened(pair.b(), "early-a1"));
  ASSERT_TRUE(pair.WaitForOpened(pair.a(), "early-b1"));
}

TEST_F(DataChannelOpenTest, AThousandChannelsOnOneAssociation) {
  TransportConfig config;
  config.association.streams = 2048;
  DcPair pair(sim(), config, config);
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  constexpr uint32_t kChannels = 1000;
  std::vector<ChannelHandle> handles;
  for (uint32_t i = 0; i < kChannels; ++i) {
    handles.push_back(pair.Create(pair.a(), "ch" + std::to_string(i)));
    ASSERT_TRUE(pair.SendText(pair.a(), handles.back(), "hello " + std::to_string(i)).ok());
  }
  EXPECT_EQ(pair.a().transport().channel(handles.back())->id, 2 * (kChannels - 1));
  ASSERT_TRUE(sim().RunUntil([&] { return pair.b().recorded().messages.size() == kChannels; },
                             TimeDelta::Seconds(10)));
  EXPECT_EQ(pair.b().recorded().opened.size(), kChannels);
  for (const auto& message : pair.b().recorded().messages) {
    const ChannelInfo* info = pair.b().transport().channel(message.handle);
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(AsText(message.data), "hello " + info->label.substr(2));
  }
}

TEST_F(DataChannelOpenTest, NoMoreChannelsThanStreams) {
  TransportConfig config;
  config.association.streams = 8;
  DcPair pair(sim(), config, config);
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  EXPECT_EQ(pair.a().transport().max_channels(), 8);
  // Alice's parity leaves her 4 ids (0, 2, 4, 6).
  for (int i = 0; i < 4; ++i)
    pair.Create(pair.a(), "c" + std::to_string(i));
  auto fifth = pair.a().transport().CreateChannel(sim().now(), "c4");
  ASSERT_FALSE(fifth.ok());
  EXPECT_EQ(fifth.error().kind(), ErrorKind::kOperationError);
  // Negotiated ids fill the rest, up to the stream count.
  for (uint16_t id : {1, 3, 5, 7})
    pair.Create(pair.a(), "n", {.negotiated = true, .id = id});
  auto ninth = pair.a().transport().CreateChannel(sim().now(), "n", {.negotiated = true, .id = 9});
  ASSERT_FALSE(ninth.ok());
  EXPECT_EQ(ninth.error().kind(), ErrorKind::kOperationError);
}

}  // namespace
}  // namespace parley::datachannel
