// Flow control as the JS API sees it (W3C webrtc-pc §6.2): bufferedAmount grows synchronously in
// Send(), shrinks as the peer acknowledges, excludes our DCEP messages and empty messages' stand-in
// byte, and bufferedamountlow fires once per fall through the threshold.
#include <gtest/gtest.h>

#include "datachannel/dc_harness.h"
#include "sim/sim_test.h"

namespace parley::datachannel {
namespace {

using testing::DcPair;
using testing::NumberedPayload;

class DataChannelFlowTest : public sim::SimTest {};

TEST_F(DataChannelFlowTest, BufferedAmountAndLowThresholdSequence) {
  DcPair pair(sim());
  pair.SetLinks({.latency = TimeDelta::Millis(10), .rate_bps = 2'000'000});
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  const ChannelHandle a = pair.Create(pair.a(), "bulk");
  // The OPEN just queued on the stream does not count.
  EXPECT_EQ(pair.a().transport().buffered_amount(a), 0u);
  pair.a().transport().set_buffered_amount_low_threshold(a, 64 * 1024);
  EXPECT_EQ(pair.a().transport().buffered_amount_low_threshold(a), 64u * 1024);

  // 512 KiB at once: Send() returns at once; bufferedAmount counts every byte right away.
  const Timestamp t0 = sim().now();
  size_t queued = 0;
  for (uint32_t i = 0; i < 16; ++i) {
    ASSERT_TRUE(pair.Send(pair.a(), a, true, NumberedPayload(i, 32 * 1024)).ok());
    queued += 32 * 1024;
    EXPECT_EQ(pair.a().transport().buffered_amount(a), queued);
  }
  ASSERT_TRUE(pair.Send(pair.a(), a, true, {}).ok());  // empty: adds nothing
  EXPECT_EQ(pair.a().transport().buffered_amount(a), queued);
  EXPECT_EQ(sim().now(), t0);
  EXPECT_TRUE(pair.a().recorded().low.empty());

  // It only shrinks while draining, and the event fires once, when it crosses 64 KiB.
  size_t last = queued;
  bool monotonic = true;
  std::optional<size_t> at_event;
  pair.a().on_event = [&](Timestamp, const Event& event) {
    if (std::holds_alternative<BufferedAmountLow>(event)) {
      at_event = pair.a().transport().buffered_amount(a);
    }
  };
  while (pair.a().transport().buffered_amount(a) > 0 && sim().now() - t0 < TimeDelta::Seconds(10)) {
    sim().RunFor(TimeDelta::Millis(10));
    const size_t now_buffered = pair.a().transport().buffered_amount(a);
    monotonic = monotonic && now_buffered <= last;
    last = now_buffered;
  }
  EXPECT_TRUE(monotonic);
  EXPECT_EQ(pair.a().transport().buffered_amount(a), 0u);
  ASSERT_EQ(pair.a().recorded().low.size(), 1u);
  ASSERT_TRUE(at_event);
  EXPECT_LE(*at_event, 64u * 1024);
  // 512 KiB at 2 Mbit/s take about two seconds: the event came late, not early.
  EXPECT_GT(pair.a().recorded().low[0].first - t0, TimeDelta::Millis(1500));
  ASSERT_TRUE(sim().RunUntil([&] { return pair.b().recorded().messages.size() == 17; },
                             TimeDelta::Seconds(5)));

  // Threshold 0: fires when a small message is acknowledged. Raising the threshold above the
  // current amount fires nothing by itself.
  pair.a().transport().set_buffered_amount_low_threshold(a, 0);
  ASSERT_TRUE(pair.Send(pair.a(), a, true, NumberedPayload(100, 1000)).ok());
  EXPECT_EQ(pair.a().transport().buffered_amount(a), 1000u);
  pair.a().transport().set_buffered_amount_low_threshold(a, 5000);
  sim().RunFor(TimeDelta::Millis(500));
  EXPECT_EQ(pair.a().recorded().low.size(), 1u);
  pair.a().transport().set_buffered_amount_low_threshold(a, 0);
  ASSERT_TRUE(pair.Send(pair.a(), a, true, NumberedPayload(101, 1000)).ok());
  sim().RunFor(TimeDelta::Millis(500));
  EXPECT_EQ(pair.a().recorded().low.size(), 2u);
  EXPECT_EQ(pair.a().transport().buffered_amount(a), 0u);
}

TEST_F(DataChannelFlowTest, ChannelsAreAccountedSeparately) {
  DcPair pair(sim());
  pair.SetLinks({.latency = TimeDelta::Millis(10), .rate_bps = 1'000'000});
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  const ChannelHandle one = pair.Create(pair.a(), "one");
  const ChannelHandle two = pair.Create(pair.a(), "two");
  ASSERT_TRUE(pair.Send(pair.a(), one, true, NumberedPayload(1, 20'000)).ok());
  ASSERT_TRUE(pair.Send(pair.a(), two, true, NumberedPayload(2, 5'000)).ok());
  EXPECT_EQ(pair.a().transport().buffered_amount(one), 20'000u);
  EXPECT_EQ(pair.a().transport().buffered_amount(two), 5'000u);
  ASSERT_TRUE(sim().RunUntil(
      [&] {
        return pair.a().transport().buffered_amount(one) == 0 &&
               pair.a().transport().buffered_amount(two) == 0;
      },
      TimeDelta::Seconds(5)));
  ASSERT_EQ(pair.a().recorded().low.size(), 2u);
}

TEST_F(DataChannelFlowTest, ClosedChannelKeepsItsBufferedAmount) {
  DcPair pair(sim());
  pair.SetLinks({.latency = TimeDelta::Millis(10), .rate_bps = 100'000});
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  const ChannelHandle a = pair.Create(pair.a(), "x");
  ASSERT_TRUE(pair.Send(pair.a(), a, true, NumberedPayload(1, 10'000)).ok());
  pair.a().transport().Close(sim().now());  // with the message still queued
  pair.Kick(pair.a());
  // W3C: the value does not reset to zero once the channel closes.
  EXPECT_EQ(pair.a().transport().buffered_amount(a), 10'000u);
  sim().RunFor(TimeDelta::Seconds(3));
  EXPECT_EQ(pair.a().transport().buffered_amount(a), 10'000u);
  EXPECT_TRUE(pair.a().recorded().low.empty());
  EXPECT_EQ(pair.a().transport().buffered_amount(ChannelHandle{999}), 0u);
}

}  // namespace
}  // namespace parley::datachannel
