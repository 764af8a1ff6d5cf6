// Link impairments, each checked against its configuration over enough packets that the bounds
// hold for any seed (tolerances are several standard deviations wide).
#include "sim/link.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include "sim/sample_stats.h"
#include "sim/sim_test.h"

namespace parley::sim {
namespace {

struct Arrival {
  uint32_t seq;
  Timestamp sent;
  Timestamp at;
};

// One link fed by the test; records arrivals and delivery info.
class LinkTest : public SimTest {
 protected:
  LinkTest()
      : link_(sim().events(), "test.link", DeriveSeed(seed(), "test.link"),
              [this](Datagram d) { OnArrival(d); }) {
    link_.SetDeliveryObserver([this](const DeliveryInfo& info) { deliveries_.push_back(info); });
  }

  void Configure(const LinkConfig& config) { link_.set_config(config); }

  // Sends `count` packets of `size` bytes, one every `interval`, then drains the link.
  void SendPackets(int count, TimeDelta interval, size_t size = 100) {
    for (int i = 0; i < count; ++i) {
      SendOne(size);
      sim().RunFor(interval);
    }
    sim().RunFor(TimeDelta::Seconds(60));
  }

  void SendOne(size_t size = 100) {
    Bytes payload(std::max<size_t>(size, 12), 0);
    const uint32_t seq = next_seq_++;
    const int64_t sent = sim().now().us();
    for (int b = 0; b < 4; ++b)
      payload[b] = static_cast<uint8_t>(seq >> (24 - 8 * b));
    for (int b = 0; b < 8; ++b)
      payload[4 + b] = static_cast<uint8_t>(sent >> (56 - 8 * b));
    link_.Send(Datagram{Addr("192.0.2.1:1000"), Addr("192.0.2.2:2000"), std::move(payload)});
  }

  void OnArrival(const Datagram& d) {
    uint32_t seq = 0;
    int64_t sent = 0;
    for (int b = 0; b < 4; ++b)
      seq = (seq << 8) | d.payload[b];
    for (int b = 0; b < 8; ++b)
      sent = (sent << 8) | d.payload[4 + b];
    arrivals_.push_back({seq, Timestamp::Micros(sent), sim().now()});
  }

  // Arrivals whose sequence number is below one already received.
  int LateArrivals() const {
    int late = 0;
    int64_t highest = -1;
    for (const Arrival& a : arrivals_) {
      if (static_cast<int64_t>(a.seq) < highest) ++late;
      highest = std::max<int64_t>(highest, a.seq);
    }
    return late;
  }

  Link link_;
  std::vector<Arrival> arrivals_;
  std::vector<DeliveryInfo> deliveries_;
  uint32_t next_seq_ = 0;
};

TEST_F(LinkTest, LatencyIsAppliedExactly) {
  Configure({.latency = TimeDelta::Millis(37)});
  SendPackets(50, TimeDelta::Millis(3));
  ASSERT_EQ(arrivals_.size(), 50u);
  for (const Arrival& a : arrivals_)
    EXPECT_EQ(a.at - a.sent, TimeDelta::Millis(37));
  EXPECT_EQ(LateArrivals(), 0);
  EXPECT_EQ(link_.stats().sent, 50u);
  EXPECT_EQ(link_.stats().delivered, 50u);
}

TEST_F(LinkTest, ZeroLatencyStillDeliversThroughAnEvent) {
  SendOne();
  EXPECT_TRUE(arrivals_.empty()) << "delivery must not happen inside Send()";
  sim().Step();
  ASSERT_EQ(arrivals_.size(), 1u);
  EXPECT_EQ(arrivals_[0].at, arrivals_[0].sent);
}

TEST_F(LinkTest, JitterStaysWithinBoundsAndKeepsOrderWhenConfigured) {
  Configure({.latency = TimeDelta::Millis(50), .jitter = TimeDelta::Millis(20)});
  SendPackets(3000, TimeDelta::Millis(5));
  ASSERT_EQ(arrivals_.size(), 3000u);
  TimeDelta lo = TimeDelta::Max();
  TimeDelta hi = TimeDelta::Zero();
  for (const Arrival& a : arrivals_) {
    lo = std::min(lo, a.at - a.sent);
    hi = std::max(hi, a.at - a.sent);
  }
  EXPECT_GE(lo, TimeDelta::Millis(30));
  EXPECT_LE(hi, TimeDelta::Millis(70));
  EXPECT_GT(hi - lo, TimeDelta::Millis(30)) << "jitter should actually vary the delay";
  EXPECT_EQ(LateArrivals(), 0);
}

TEST_F(LinkTest, JitterReordersWhenAllowed) {
  Configure(
      {.latency = TimeDelta::Millis(50), .jitter = TimeDelta::Millis(20), .jitter_reorders = true});
  SendPackets(3000, TimeDelta::Millis(5));
  ASSERT_EQ(arrivals_.size(), 3000u);
  for (const Arrival& a : arrivals_) {
    EXPECT_GE(a.at - a.sent, TimeDelta::Millis(30));
    EXPECT_LE(a.at - a.sent, TimeDelta::Millis(70));
  }
  EXPECT_GT(LateArrivals(), 300);
}

TEST_F(LinkTest, RandomLossMatchesProbability) {
  Configure({.loss = 0.05});
  SendPackets(10'000, TimeDelta::Millis(1));
  const double lost = 1.0 - static_cast<double>(arrivals_.size()) / 10'000;
  EXPECT_NEAR(lost, 0.05, 0.01);
  EXPECT_EQ(link_.stats().lost_random + arrivals_.size(), 10'000u);
  EXPECT_EQ(link_.stats().lost_burst, 0u);
}

TEST_F(LinkTest, GilbertElliottLosesInBurstsOfMeanLengthOneOverR) {
  const GilbertElliott ge{.p = 0.01, .r = 0.25, .loss_good = 0, .loss_bad = 1};
  Configure({.burst_loss = ge});
  const int n = 100'000;
  SendPackets(n, TimeDelta::Millis(1));

  std::vector<bool> received(n, false);
  for (const Arrival& a : arrivals_)
    received[a.seq] = true;
  int bursts = 0;
  int lost = 0;
  for (int i = 0; i < n; ++i) {
    if (received[i]) continue;
    ++lost;
    if (i == 0 || received[i - 1]) ++bursts;
  }
  ASSERT_GT(bursts, 0);
  // Tolerances are ~5 standard deviations (0.16 % and 0.12 packets at this n).
  EXPECT_NEAR(static_cast<double>(lost) / n, ge.StationaryLossRate(), 0.008);  // p/(p+r)≈3.8%.
  EXPECT_NEAR(static_cast<double>(lost) / bursts, 1 / ge.r, 0.6);
  // Independent loss at the same rate would give bursts of ~1.04 packets.
  EXPECT_EQ(link_.stats().lost_burst, static_cast<uint64_t>(lost));
}

TEST_F(LinkTest, ExplicitReorderingHappensAtConfiguredRate) {
  Configure(
      {.latency = TimeDelta::Millis(20), .reorder = 0.1, .reorder_delay = TimeDelta::Millis(10)});
  SendPackets(10'000, TimeDelta::Millis(1));
  ASSERT_EQ(arrivals_.size(), 10'000u);
  EXPECT_NEAR(static_cast<double>(link_.stats().reordered) / 10'000, 0.1, 0.015);
  // Each held-back packet is overtaken by the ones sent in the next 10 ms, so the receiver sees
  // the reordered packets arrive late; only those among the last few have nothing behind them.
  const uint64_t late = static_cast<uint64_t>(LateArrivals());
  EXPECT_LE(late, link_.stats().reordered);
  EXPECT_GE(late + 10, link_.stats().reordered);
}

TEST_F(LinkTest, DuplicatesAtConfiguredRate) {
  Configure({.latency = TimeDelta::Millis(5), .duplicate = 0.03});
  SendPackets(10'000, TimeDelta::Millis(1));
  std::map<uint32_t, int> copies;
  for (const Arrival& a : arrivals_)
    ++copies[a.seq];
  int doubles = 0;
  for (const auto& [seq, count] : copies) {
    ASSERT_LE(count, 2);
    doubles += count == 2;
  }
  EXPECT_EQ(copies.size(), 10'000u);
  EXPECT_EQ(static_cast<uint64_t>(doubles), link_.stats().duplicated);
  EXPECT_EQ(link_.stats().delivered, 10'000u + link_.stats().duplicated);
  EXPECT_NEAR(doubles / 10'000.0, 0.03, 0.008);
}

TEST_F(LinkTest, RateLimitSerializesAndQueueDelayGrowsLinearly) {
  // 1000-byte packets at 1 Mbit/s take 8 ms each; a burst of 100 leaves one every 8 ms and the
  // n-th waits n * 8 ms in the queue.
  Configure({.latency = TimeDelta::Millis(10), .rate_bps = 1'000'000});
  for (int i = 0; i < 100; ++i)
    SendOne(1000);
  EXPECT_EQ(link_.queued_bytes(), 100'000u);
  sim().RunFor(TimeDelta::Seconds(5));
  ASSERT_EQ(arrivals_.size(), 100u);
  ASSERT_EQ(deliveries_.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(arrivals_[i].seq, static_cast<uint32_t>(i));
    EXPECT_EQ(arrivals_[i].at - arrivals_[i].sent, TimeDelta::Millis(8 * (i + 1) + 10));
    EXPECT_EQ(deliveries_[i].queue_delay, TimeDelta::Millis(8 * i));
  }
  EXPECT_EQ(link_.queued_bytes(), 0u);
}

TEST_F(LinkTest, SustainedOverloadRunsAtRateAndTailDropsAtQueueBound) {
  // Offer 2 Mbit/s to a 1 Mbit/s bottleneck with a 20 kB queue for 10 s.
  Configure({.latency = TimeDelta::Millis(10), .rate_bps = 1'000'000, .queue_bytes = 20'000});
  const Timestamp start = sim().now();
  SendPackets(2500, TimeDelta::Millis(4), 1000);

  const LinkStats& stats = link_.stats();
  EXPECT_EQ(stats.sent, 2500u);
  EXPECT_EQ(stats.delivered + stats.dropped_queue, 2500u);
  EXPECT_NEAR(static_cast<double>(stats.dropped_queue) / 2500, 0.5, 0.02);
  // Throughput over the busy period equals the bottleneck rate.
  const TimeDelta busy = arrivals_.back().at - arrivals_.front().at;
  const double bps = static_cast<double>((stats.bytes_delivered - 1000) * 8) / busy.seconds();
  EXPECT_NEAR(bps, 1'000'000, 5'000);
  // A full 20 kB queue drains in 160 ms; a packet waits behind at most 19 others (152 ms).
  std::vector<TimeDelta> delays;
  for (const DeliveryInfo& d : deliveries_)
    delays.push_back(d.queue_delay);
  EXPECT_LE(*std::max_element(delays.begin(), delays.end()), TimeDelta::Millis(152));
  EXPECT_GE(Percentile(delays, 0.95), TimeDelta::Millis(140));
  EXPECT_GT(arrivals_.back().at - start, TimeDelta::Seconds(10));
}

TEST_F(LinkTest, QueueDelayGrowsWithModestOverload) {
  // 1.25x the rate with an unbounded queue: the backlog grows by 0.25 s of traffic per second.
  Configure({.rate_bps = 800'000});
  SendPackets(1000, TimeDelta::Millis(8), 1000);  // 1 Mbit/s for 8 s into 0.8 Mbit/s.
  ASSERT_EQ(deliveries_.size(), 1000u);
  EXPECT_EQ(link_.stats().dropped_queue, 0u);
  const TimeDelta last = deliveries_.back().queue_delay;
  EXPECT_NEAR(last.seconds(), 2.0, 0.02);  // 8 s * 0.25.
  EXPECT_NEAR(deliveries_[500].queue_delay.seconds(), 1.0, 0.02);
}

TEST_F(LinkTest, OverheadCountsAgainstRate) {
  Configure({.rate_bps = 1'000'000, .overhead_bytes = 28});
  for (int i = 0; i < 10; ++i)
    SendOne(972);  // 1000 bytes on the wire: 8 ms each.
  sim().RunFor(TimeDelta::Seconds(1));
  ASSERT_EQ(arrivals_.size(), 10u);
  EXPECT_EQ(arrivals_.back().at - arrivals_.back().sent, TimeDelta::Millis(80));
}

TEST(LinkDeterminismTest, SameSeedSameFateDifferentSeedDifferent) {
  auto run = [](uint64_t seed) {
    EventQueue events(Timestamp::Seconds(1));
    std::vector<int64_t> trace;
    Link link(events, "l", seed,
              [&](Datagram d) { trace.push_back(events.now().us() * 1000 + d.payload[0]); });
    link.set_config({.latency = TimeDelta::Millis(30),
                     .jitter = TimeDelta::Millis(10),
                     .jitter_reorders = true,
                     .loss = 0.05,
                     .burst_loss = {.p = 0.02, .r = 0.3},
                     .reorder = 0.05,
                     .duplicate = 0.02,
                     .rate_bps = 2'000'000,
                     .queue_bytes = 8000});
    for (int i = 0; i < 2000; ++i) {
      link.Send(Datagram{{}, {}, Bytes(500, static_cast<uint8_t>(i))});
      events.RunFor(TimeDelta::Millis(i % 3));
    }
    events.RunFor(TimeDelta::Seconds(10));
    return trace;
  };
  EXPECT_EQ(run(42), run(42));
  EXPECT_NE(run(42), run(43));
}

}  // namespace
}  // namespace parley::sim
