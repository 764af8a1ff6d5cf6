// A peer that breaks the rules, played by a bare association: OPENs of the wrong parity, malformed
// DCEP, unknown PPIDs, deprecated partial messages, refusing our OPEN, aborting. Whatever it
// does, the other channels and the association keep working.
#include <gtest/gtest.h>

#include "datachannel/dc_harness.h"
#include "dcep/message.h"
#include "sim/sim_test.h"

namespace parley::datachannel {
namespace {

using testing::AsText;
using testing::RawPair;
using testing::Text;

Bytes OpenMessage(const std::string& label) {
  return dcep::Serialize(dcep::Open{.label = label});
}

bool ResetSeenByBob(RawPair& pair, uint16_t stream) {
  for (const auto& event : pair.b().events) {
    if (const auto* reset = std::get_if<sctp::IncomingStreamsReset>(&event)) {
      for (uint16_t s : reset->streams)
        if (s == stream) return true;
    }
  }
  return false;
}

class DataChannelBadPeerTest : public sim::SimTest {
 protected:
  void Connect(RawPair& pair) {
    pair.Start();
    ASSERT_TRUE(pair.RunUntilConnected());
  }
  // bob opens stream 1 properly; returns alice's handle.
  ChannelHandle BobOpens(RawPair& pair, uint16_t stream, const std::string& label) {
    EXPECT_TRUE(pair.RawSend(stream, sctp::Ppid::kDcep, OpenMessage(label)).ok());
    sim().RunFor(TimeDelta::Millis(50));
    auto handle = pair.a().Opened(label);
    EXPECT_TRUE(handle.has_value());
    return handle.value_or(ChannelHandle{});
  }
};

TEST_F(DataChannelBadPeerTest, OpenAcknowledgedOnThePeersStream) {
  RawPair pair(sim());
  Connect(pair);
  const ChannelHandle chat = BobOpens(pair, 1, "chat");
  ASSERT_EQ(pair.b().messages.size(), 1u);
  EXPECT_EQ(pair.b().messages[0].stream, 1);
  EXPECT_EQ(pair.b().messages[0].ppid, sctp::Ppid::kDcep);
  EXPECT_EQ(pair.b().messages[0].data, Bytes{0x02});  // DATA_CHANNEL_ACK
  EXPECT_EQ(pair.a().transport().channel(chat)->id, 1);
}

TEST_F(DataChannelBadPeerTest, WrongParityOpenIsRefused) {
  RawPair pair(sim());
  Connect(pair);
  // bob is the DTLS server: even ids are alice's.
  ASSERT_TRUE(pair.RawSend(2, sctp::Ppid::kDcep, OpenMessage("sneaky")).ok());
  ASSERT_TRUE(sim().RunUntil([&] { return ResetSeenByBob(pair, 2); }, TimeDelta::Seconds(2)));
  sim().RunFor(TimeDelta::Millis(200));
  EXPECT_TRUE(pair.a().recorded().opened.empty());
  EXPECT_EQ(pair.a().transport().stats().wrong_parity_opens, 1u);
  for (const auto& m : pair.b().messages)
    EXPECT_NE(m.ppid, sctp::Ppid::kDcep) << "no ACK for a refused OPEN";
  // Once both directions are reset, the id is alice's to use again.
  const auto c0 = pair.a().transport().CreateChannel(sim().now(), "c0");
  const auto c2 = pair.a().transport().CreateChannel(sim().now(), "c2");
  ASSERT_TRUE(c0.ok() && c2.ok());
  EXPECT_EQ(pair.a().transport().channel(*c2)->id, 2);
  // The association is fine.
  const ChannelHandle good = BobOpens(pair, 3, "good");
  EXPECT_EQ(pair.a().transport().channel(good)->state, ChannelState::kOpen);
}

TEST_F(DataChannelBadPeerTest, MalformedDcepAndUnknownPpidAreDroppedWithoutHarm) {
  RawPair pair(sim());
  Connect(pair);
  const ChannelHandle chat = BobOpens(pair, 1, "chat");
  // On a channel's stream: dropped, counted, the channel carries on.
  ASSERT_TRUE(pair.RawSend(1, sctp::Ppid::kDcep, Bytes{0x03, 0x00, 0x01}).ok());  // truncated
  ASSERT_TRUE(pair.RawSend(1, sctp::Ppid::kDcep, Bytes{0x07}).ok());              // unknown type
  ASSERT_TRUE(pair.RawSend(1, static_cast<sctp::Ppid>(99), Text("who knows")).ok());
  ASSERT_TRUE(pair.RawSend(1, static_cast<sctp::Ppid>(0), Text("unspecified")).ok());
  // A second OPEN on a used stream, an ACK for nothing.
  ASSERT_TRUE(pair.RawSend(1, sctp::Ppid::kDcep, OpenMessage("again")).ok());
  ASSERT_TRUE(pair.RawSend(5, sctp::Ppid::kDcep, Bytes{0x02}).ok());
  // User data on a stream without a channel.
  ASSERT_TRUE(pair.RawSend(7, sctp::Ppid::kString, Text("stray")).ok());
  // Malformed DCEP on an unused stream: most likely an OPEN; refused.
  ASSERT_TRUE(pair.RawSend(9, sctp::Ppid::kDcep, Bytes{0x03, 0x81}).ok());
  ASSERT_TRUE(pair.RawSend(1, sctp::Ppid::kString, Text("still here")).ok());
  ASSERT_TRUE(sim().RunUntil([&] { return ResetSeenByBob(pair, 9); }, TimeDelta::Seconds(2)));
  sim().RunFor(TimeDelta::Millis(100));

  const auto& stats = pair.a().transport().stats();
  EXPECT_EQ(stats.malformed_dcep, 3u);
  EXPECT_EQ(stats.dropped_unknown_ppid, 2u);
  EXPECT_EQ(stats.unexpected_dcep, 2u);
  EXPECT_EQ(stats.dropped_no_channel, 1u);
  ASSERT_EQ(pair.a().recorded().messages.size(), 1u);
  EXPECT_EQ(AsText(pair.a().recorded().messages[0].data), "still here");
  EXPECT_EQ(pair.a().recorded().opened.size(), 1u);
  EXPECT_EQ(pair.a().transport().channel(chat)->state, ChannelState::kOpen);
  EXPECT_EQ(pair.a().transport().association().state(), sctp::State::kConnected);
  ASSERT_TRUE(pair.a().transport().Send(sim().now(), chat, false, Text("back")).ok());
  pair.Kick(pair.a());
  sim().RunFor(TimeDelta::Millis(100));
  EXPECT_EQ(AsText(pair.b().messages.back().data), "back");
}

TEST_F(DataChannelBadPeerTest, EmptyMessagePayloadIsIgnored) {
  RawPair pair(sim());
  Connect(pair);
  const ChannelHandle chat = BobOpens(pair, 1, "chat");
  ASSERT_TRUE(pair.RawSend(1, sctp::Ppid::kStringEmpty, Bytes{0}).ok());
  ASSERT_TRUE(pair.RawSend(1, sctp::Ppid::kBinaryEmpty, Bytes{0xAA, 0xBB}).ok());
  sim().RunFor(TimeDelta::Millis(100));
  const auto messages = pair.a().recorded().MessagesOn(chat);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_FALSE(messages[0].binary);
  EXPECT_TRUE(messages[0].data.empty());
  EXPECT_TRUE(messages[1].binary);
  EXPECT_TRUE(messages[1].data.empty());
}

TEST_F(DataChannelBadPeerTest, DeprecatedPartialMessagesAreReassembled) {
  RawPair pair(sim());
  Connect(pair);
  const ChannelHandle chat = BobOpens(pair, 1, "chat");
  auto send = [&](sctp::Ppid ppid, const std::string& text) {
    ASSERT_TRUE(pair.RawSend(1, ppid, Text(text)).ok());
  };
  send(sctp::Ppid::kBinaryPartialDeprecated, "ab");
  send(sctp::Ppid::kBinaryPartialDeprecated, "cd");
  send(sctp::Ppid::kBinary, "ef");
  send(sctp::Ppid::kStringPartialDeprecated, "x");
  send(sctp::Ppid::kString, "y");
  send(sctp::Ppid::kStringPartialDeprecated, "lost");  // then a binary end: kinds mixed
  send(sctp::Ppid::kBinary, "q");
  sim().RunFor(TimeDelta::Millis(100));
  const auto messages = pair.a().recorded().MessagesOn(chat);
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_TRUE(messages[0].binary);
  EXPECT_EQ(AsText(messages[0].data), "abcdef");
  EXPECT_FALSE(messages[1].binary);
  EXPECT_EQ(AsText(messages[1].data), "xy");
  EXPECT_TRUE(messages[2].binary);
  EXPECT_EQ(AsText(messages[2].data), "q");
  EXPECT_EQ(pair.a().transport().stats().partial_fragments, 4u);
  EXPECT_EQ(pair.a().transport().stats().dropped_partial, 1u);
}

TEST_F(DataChannelBadPeerTest, PeerRefusingOurOpenErrorsTheChannel) {
  RawPair pair(sim());
  Connect(pair);
  auto chat = pair.a().transport().CreateChannel(sim().now(), "chat");
  ASSERT_TRUE(chat.ok());
  pair.Kick(pair.a());
  ASSERT_TRUE(sim().RunUntil([&] { return !pair.b().messages.empty(); }, TimeDelta::Seconds(1)));
  // bob refuses (RFC 8832 §6): resets the stream instead of answering with an ACK.
  ASSERT_TRUE(pair.b().association().ResetStreams(sim().now(), {0}).ok());
  pair.Kick(pair.b());
  ASSERT_TRUE(sim().RunUntil(
      [&] { return pair.a().transport().channel(*chat)->state == ChannelState::kClosed; },
      TimeDelta::Seconds(2)));
  ASSERT_EQ(pair.a().recorded().errors.size(), 1u);
  EXPECT_EQ(pair.a().recorded().errors[0].reason, "the peer refused the data channel");
  EXPECT_EQ(pair.a().recorded().States(*chat),
            (std::vector<ChannelState>{ChannelState::kOpen, ChannelState::kClosing,
                                       ChannelState::kClosed}));
  // The reset exchange settles (bob answers every reset; we answer an unknown one only once).
  auto resets_at_bob = [&] {
    size_t n = 0;
    for (const auto& event : pair.b().events)
      n += std::holds_alternative<sctp::IncomingStreamsReset>(event) ? 1 : 0;
    return n;
  };
  sim().RunFor(TimeDelta::Seconds(1));
  const size_t settled = resets_at_bob();
  EXPECT_LE(settled, 2u);
  sim().RunFor(TimeDelta::Seconds(2));
  EXPECT_EQ(resets_at_bob(), settled) << "resets ping-ponging";
  // And the stream is free again.
  auto next = pair.a().transport().CreateChannel(sim().now(), "next");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(pair.a().transport().channel(*next)->id, 0);
}

TEST_F(DataChannelBadPeerTest, AbortErrorsEveryChannel) {
  RawPair pair(sim());
  Connect(pair);
  const ChannelHandle mine = pair.Create(pair.a(), "mine");
  const ChannelHandle theirs = BobOpens(pair, 1, "theirs");
  pair.b().association().Abort(sim().now(), "going away");
  pair.Kick(pair.b());
  ASSERT_TRUE(sim().RunUntil(
      [&] { return pair.a().transport().channel(mine)->state == ChannelState::kClosed; },
      TimeDelta::Seconds(2)));
  EXPECT_EQ(pair.a().transport().channel(theirs)->state, ChannelState::kClosed);
  ASSERT_EQ(pair.a().recorded().errors.size(), 2u);
  EXPECT_EQ(pair.a().recorded().errors[0].reason,
            "SCTP association failed: peer aborted: going away");
  auto again = pair.a().transport().CreateChannel(sim().now(), "late");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind(), ErrorKind::kInvalidStateError);
}

}  // namespace
}  // namespace parley::datachannel
