// Two associations in the simulator: simultaneous open, messages of every PPID both ways, close
// and abort from either side, reliability under loss and reordering, partial reliability, message
// size limits, many streams, stream resets, flow control, interleaving, memory, bad input and
// timers in virtual time.
#include <gtest/gtest.h>

#include "sctp/packet_inspect.h"
#include "sctp/sctp_harness.h"
#include "sim/sim_test.h"

namespace parley::sctp {
namespace {

using testing::NumberedPayload;
using testing::PayloadIndex;
using testing::SctpPair;

class SctpSimTest : public sim::SimTest {};

TEST_F(SctpSimTest, SimultaneousOpenConnectsAndCarriesEveryPpidBothWays) {
  SctpPair pair(sim());
  pair.SetLinks({.latency = TimeDelta::Millis(20)});
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  for (auto* side : {&pair.a(), &pair.b()}) {
    const Association& association = side->association();
    EXPECT_EQ(association.outbound_streams(), AssociationConfig{}.streams);
    EXPECT_EQ(association.inbound_streams(), AssociationConfig{}.streams);
    EXPECT_TRUE(association.interleaving());
    ASSERT_EQ(side->recorded().states.size(), 2u);
    EXPECT_EQ(side->recorded().states[0].second.state, State::kConnecting);
    EXPECT_EQ(side->recorded().states[1].second.state, State::kConnected);
  }
  const Ppid ppids[] = {Ppid::kDcep,       Ppid::kString,      Ppid::kBinaryPartialDeprecated,
                        Ppid::kBinary,     Ppid::kStringEmpty, Ppid::kStringPartialDeprecated,
                        Ppid::kBinaryEmpty};
  uint16_t stream = 0;
  for (Ppid ppid : ppids) {
    const Bytes data = NumberedPayload(stream, 100 + stream);
    ASSERT_TRUE(pair.Send(pair.a(), stream, ppid, data).ok());
    ASSERT_TRUE(pair.Send(pair.b(), stream + 100, ppid, data).ok());
    ++stream;
  }
  sim().RunFor(TimeDelta::Millis(200));
  for (auto* side : {&pair.a(), &pair.b()}) {
    const auto& messages = side->recorded().messages;
    ASSERT_EQ(messages.size(), std::size(ppids));
    for (size_t i = 0; i < messages.size(); ++i) {
      const MessageReceived& m = messages[i].second;
      EXPECT_EQ(m.ppid, ppids[i]);
      EXPECT_EQ(m.stream, side == &pair.a() ? i + 100 : i);
      EXPECT_EQ(PayloadIndex(m.data), i);
    }
  }
  EXPECT_EQ(pair.a().association().stats().messages_sent, std::size(ppids));
  EXPECT_EQ(pair.b().association().stats().messages_received, std::size(ppids));
}

enum class Side { kAlice, kBob };

class SctpCloseTest : public sim::SimTestWithParam<Side> {
 protected:
  void Connect() {
    pair_ = std::make_unique<SctpPair>(sim());
    pair_->SetLinks({.latency = TimeDelta::Millis(15)});
    pair_->Start();
    ASSERT_TRUE(pair_->RunUntilConnected());
  }
  testing::SctpEndpoint& closer() { return GetParam() == Side::kAlice ? pair_->a() : pair_->b(); }
  testing::SctpEndpoint& peer() { return GetParam() == Side::kAlice ? pair_->b() : pair_->a(); }
  bool BothClosed() {
    return closer().association().state() == State::kClosed &&
           peer().association().state() == State::kClosed;
  }

  std::unique_ptr<SctpPair> pair_;
};

TEST_P(SctpCloseTest, CloseShutsDownGracefullyAfterQueuedData) {
  Connect();
  // Queued data goes out before the SHUTDOWN (RFC 9260 §9.2).
  for (uint32_t i = 0; i < 20; ++i)
    ASSERT_TRUE(pair_->Send(closer(), 1, Ppid::kBinary, NumberedPayload(i, 5000)).ok());
  closer().association().Close(sim().now());
  pair_->Kick(closer());
  EXPECT_EQ(closer().association().Send(sim().now(), 1, Ppid::kBinary, Bytes{1}, {}).error().kind(),
            ErrorKind::kInvalidStateError);
  ASSERT_TRUE(sim().RunUntil([&] { return BothClosed(); }, TimeDelta::Seconds(5)));
  EXPECT_EQ(peer().recorded().messages.size(), 20u);
  EXPECT_EQ(closer().recorded().Reason(), "closed (SHUTDOWN complete)");
  EXPECT_EQ(peer().recorded().Reason(), "peer closed the association (SHUTDOWN)");
  EXPECT_FALSE(closer().association().NextTimeout().has_value());
  EXPECT_FALSE(peer().association().NextTimeout().has_value());
}

TEST_P(SctpCloseTest, AbortSendsTheReasonToThePeer) {
  Connect();
  closer().association().Abort(sim().now(), "user went away");
  pair_->Kick(closer());
  EXPECT_EQ(closer().association().state(), State::kClosed);
  EXPECT_EQ(closer().recorded().Reason(), "user went away");
  ASSERT_TRUE(sim().RunUntil([&] { return BothClosed(); }, TimeDelta::Seconds(1)));
  EXPECT_EQ(peer().recorded().Reason(), "peer aborted: user went away");
  // Exactly one terminal state each.
  for (auto* side : {&closer(), &peer()}) {
    size_t terminal = 0;
    for (const auto& [at, change] : side->recorded().states)
      terminal += change.state == State::kClosed || change.state == State::kFailed;
    EXPECT_EQ(terminal, 1u);
  }
}

INSTANTIATE_TEST_SUITE_P(FromEitherSide, SctpCloseTest, ::testing::Values(Side::kAlice, Side::kBob),
                         [](const auto& info) {
                           return info.param == Side::kAlice ? "Alice" : "Bob";
                         });

TEST_F(SctpSimTest, PeerThatNeverAnswersFailsTheAssociation) {
  SctpPair pair(sim());
  pair.a().association().Start(sim().now());
  pair.Kick(pair.a());  // bob never starts: with no listener his side stays silent
  pair.bob_host().SetUdpBlocked(true);
  ASSERT_TRUE(sim().RunUntil([&] { return pair.a().association().state() == State::kFailed; },
                             TimeDelta::Seconds(60)));
  EXPECT_EQ(pair.a().recorded().Reason(),
            "association setup failed: no answer to INIT or COOKIE-ECHO");
}

TEST_F(SctpSimTest, InitThatArrivesBeforeStartIsReplayed) {
  SctpPair pair(sim());
  pair.SetLinks({.latency = TimeDelta::Millis(10)});
  pair.a().association().Start(sim().now());
  pair.Kick(pair.a());
  sim().RunFor(TimeDelta::Millis(50));  // alice's INIT reached bob, who has not started
  EXPECT_EQ(pair.b().association().state(), State::kNew);
  const Timestamp started = sim().now();
  pair.b().association().Start(sim().now());
  pair.Kick(pair.b());
  ASSERT_TRUE(pair.RunUntilConnected());
  // Well before alice's INIT would have been retransmitted (1 s).
  EXPECT_LT(sim().now() - started, TimeDelta::Millis(200));
}

}  // namespace
}  // namespace parley::sctp
