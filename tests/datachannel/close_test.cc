// Closing (RFC 8831 §6.7): from either side both reach closed after both directions of the
// stream are reset, queued messages first, and the id is free again; closing before the
// association is up; closing the whole transport.
#include <gtest/gtest.h>

#include "datachannel/dc_harness.h"
#include "sim/sim_test.h"

namespace parley::datachannel {
namespace {

using testing::AsText;
using testing::DcPair;
using testing::TransportEndpoint;

const std::vector<ChannelState> kOpenClosingClosed = {ChannelState::kOpen, ChannelState::kClosing,
                                                      ChannelState::kClosed};

class DataChannelCloseTest : public sim::SimTestWithParam<bool> {
 protected:
  // The parameter: alice (true) or bob closes.
  TransportEndpoint& Closer(DcPair& pair) { return GetParam() ? pair.a() : pair.b(); }
  TransportEndpoint& Other(DcPair& pair) { return GetParam() ? pair.b() : pair.a(); }
};

TEST_P(DataChannelCloseTest, BothSidesReachClosedAndTheIdIsReused) {
  DcPair pair(sim());
  pair.SetLinks({.latency = TimeDelta::Millis(10)});
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  const ChannelHandle a = pair.Create(pair.a(), "chat");
  const auto b = pair.WaitForOpened(pair.b(), "chat");
  ASSERT_TRUE(b);
  const ChannelHandle closer = GetParam() ? a : *b;
  const ChannelHandle other = GetParam() ? *b : a;
  // Sent just before close(): still delivered (the reset follows the queued messages).
  ASSERT_TRUE(pair.SendText(Closer(pair), closer, "last words").ok());
  pair.Close(Closer(pair), closer);
  EXPECT_EQ(Closer(pair).transport().channel(closer)->state, ChannelState::kClosing);
  EXPECT_EQ(Closer(pair).transport().Send(sim().now(), closer, false, {}).error().kind(),
            ErrorKind::kInvalidStateError);
  ASSERT_TRUE(sim().RunUntil(
      [&] {
        return pair.a().transport().channel(a)->state == ChannelState::kClosed &&
               pair.b().transport().channel(*b)->state == ChannelState::kClosed;
      },
      TimeDelta::Seconds(2)));
  EXPECT_EQ(Closer(pair).recorded().States(closer), kOpenClosingClosed);
  EXPECT_EQ(Other(pair).recorded().States(other), kOpenClosingClosed);
  ASSERT_EQ(Other(pair).recorded().MessagesOn(other).size(), 1u);
  EXPECT_EQ(AsText(Other(pair).recorded().MessagesOn(other)[0].data), "last words");
  EXPECT_TRUE(pair.a().recorded().errors.empty());
  EXPECT_TRUE(pair.b().recorded().errors.empty());
  // Closing again is harmless.
  pair.Close(Closer(pair), closer);

  // Stream 0 is free: alice's next channel takes it, and bob announces it.
  const ChannelHandle again = pair.Create(pair.a(), "again");
  EXPECT_EQ(pair.a().transport().channel(again)->id, 0);
  const auto again_at_bob = pair.WaitForOpened(pair.b(), "again");
  ASSERT_TRUE(again_at_bob);
  EXPECT_EQ(pair.b().transport().channel(*again_at_bob)->id, 0);
  ASSERT_TRUE(pair.SendText(pair.b(), *again_at_bob, "hi again").ok());
  sim().RunFor(TimeDelta::Millis(100));
  ASSERT_EQ(pair.a().recorded().MessagesOn(again).size(), 1u);
  // The closed channels are still there to query until released.
  EXPECT_EQ(pair.a().transport().channel(a)->messages_sent +
                pair.a().transport().channel(a)->messages_received,
            1u);
  pair.a().transport().Release(a);
  EXPECT_EQ(pair.a().transport().channel(a), nullptr);
  pair.a().transport().Release(again);  // not closed: ignored
  EXPECT_NE(pair.a().transport().channel(again), nullptr);
}

TEST_P(DataChannelCloseTest, NegotiatedChannelClosesOnBothSides) {
  DcPair pair(sim());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  const ChannelHandle a = pair.Create(pair.a(), "n", {.negotiated = true, .id = 42});
  const ChannelHandle b = pair.Create(pair.b(), "n", {.negotiated = true, .id = 42});
  pair.Close(Closer(pair), GetParam() ? a : b);
  ASSERT_TRUE(sim().RunUntil(
      [&] {
        return pair.a().transport().channel(a)->state == ChannelState::kClosed &&
               pair.b().transport().channel(b)->state == ChannelState::kClosed;
      },
      TimeDelta::Seconds(2)));
  // Id 42 can be negotiated again.
  pair.Create(pair.a(), "n2", {.negotiated = true, .id = 42});
  pair.Create(pair.b(), "n2", {.negotiated = true, .id = 42});
}

INSTANTIATE_TEST_SUITE_P(FromEitherSide, DataChannelCloseTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Alice" : "Bob"; });

class DataChannelShutdownTest : public sim::SimTest {};

TEST_F(DataChannelShutdownTest, CloseBeforeTheAssociationIsUp) {
  DcPair pair(sim());
  const ChannelHandle early = pair.Create(pair.a(), "early");
  pair.Close(pair.a(), early);
  EXPECT_EQ(pair.a().recorded().States(early),
            (std::vector<ChannelState>{ChannelState::kClosing, ChannelState::kClosed}));
  const ChannelHandle kept = pair.Create(pair.a(), "kept");
  pair.Start();
  EXPECT_FALSE(pair.a().transport().channel(early)->id.has_value());
  EXPECT_EQ(pair.a().transport().channel(kept)->id, 0);
  ASSERT_TRUE(pair.RunUntilConnected());
  ASSERT_TRUE(pair.WaitForOpened(pair.b(), "kept"));
  EXPECT_FALSE(pair.b().Opened("early"));
}

TEST_F(DataChannelShutdownTest, ClosingTheTransportClosesEveryChannel) {
  DcPair pair(sim());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  const ChannelHandle a1 = pair.Create(pair.a(), "one");
  const ChannelHandle a2 = pair.Create(pair.a(), "two", {.negotiated = true, .id = 9});
  const auto b1 = pair.WaitForOpened(pair.b(), "one");
  ASSERT_TRUE(b1);
  pair.a().transport().Close(sim().now());
  pair.Kick(pair.a());
  EXPECT_EQ(pair.a().transport().channel(a1)->state, ChannelState::kClosed);
  EXPECT_EQ(pair.a().transport().channel(a2)->state, ChannelState::kClosed);
  EXPECT_EQ(pair.a().recorded().States(a1),
            (std::vector<ChannelState>{ChannelState::kOpen, ChannelState::kClosed}));
  auto late = pair.a().transport().CreateChannel(sim().now(), "late");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().kind(), ErrorKind::kInvalidStateError);
  // The peer sees a graceful SHUTDOWN: its channels close without error.
  ASSERT_TRUE(sim().RunUntil(
      [&] { return pair.b().transport().channel(*b1)->state == ChannelState::kClosed; },
      TimeDelta::Seconds(2)));
  EXPECT_TRUE(pair.b().recorded().errors.empty());
  EXPECT_TRUE(pair.a().recorded().errors.empty());
  EXPECT_EQ(pair.a().transport().association().state(), sctp::State::kClosed);
}

}  // namespace
}  // namespace parley::datachannel
