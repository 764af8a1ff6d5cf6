// Delivery guarantees in the simulator: reliable ordered and unordered transfer under loss and
// reordering (retransmissions driven by virtual time), and partial reliability by retransmission
// count and by lifetime (RFC 3758).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "sctp/packet_inspect.h"
#include "sctp/sctp_harness.h"
#include "sim/sim_test.h"

namespace parley::sctp {
namespace {

using testing::NumberedPayload;
using testing::PayloadIndex;
using testing::SctpPair;

class SctpReliabilityTest : public sim::SimTest {
 protected:
  // Sizes from 1 byte to 3 packets, and now and then a 20 KB message.
  size_t MessageSize(uint32_t i) {
    if (i % 97 == 0) return 20'000;
    return 1 + sim().random().Uniform(0, 3500);
  }
  // Sends `count` messages from alice on stream 1, as fast as the queue allows.
  void SendMany(SctpPair& pair, uint32_t count, const SendOptions& options) {
    for (uint32_t i = 0; i < count; ++i)
      ASSERT_TRUE(
          pair.Send(pair.a(), 1, Ppid::kBinary, NumberedPayload(i, MessageSize(i)), options).ok());
  }
  std::vector<uint32_t> Received(testing::SctpEndpoint& side) {
    std::vector<uint32_t> indices;
    for (const auto& [at, m] : side.recorded().messages) {
      auto index = PayloadIndex(m.data);
      EXPECT_TRUE(index.has_value()) << "corrupted message of " << m.data.size() << " bytes";
      if (index) indices.push_back(*index);
    }
    return indices;
  }
};

TEST_F(SctpReliabilityTest, OrderedMessagesArriveOnceAndInOrderUnderLossAndReordering) {
  SctpPair pair(sim());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  pair.SetLinks({.latency = TimeDelta::Millis(20),
                 .jitter = TimeDelta::Millis(2),
                 .loss = 0.1,
                 .reorder = 0.05});
  constexpr uint32_t kCount = 1200;
  SendMany(pair, kCount, {});
  const Timestamp start = sim().now();
  ASSERT_TRUE(sim().RunUntil([&] { return pair.b().recorded().messages.size() >= kCount; },
                             TimeDelta::Seconds(300)));
  sim().RunFor(TimeDelta::Seconds(1));  // no duplicates trickle in later
  std::vector<uint32_t> expected(kCount);
  for (uint32_t i = 0; i < kCount; ++i)
    expected[i] = i;
  EXPECT_EQ(Received(pair.b()), expected);
  const auto stats = pair.a().association().stats();
  EXPECT_GT(stats.retransmissions, 50u);
  EXPECT_EQ(stats.messages_sent, kCount);
  EXPECT_EQ(pair.a().association().buffered_amount(1), 0u);
  EXPECT_EQ(pair.a().association().state(), State::kConnected);
  std::cout << "[ sctp     ] " << kCount << " messages under 10% loss in " << (sim().now() - start)
            << " virtual, " << stats.retransmissions << " retransmitted chunks\n";
}

TEST_F(SctpReliabilityTest, UnorderedMessagesArriveExactlyOnce) {
  SctpPair pair(sim());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  pair.SetLinks({.latency = TimeDelta::Millis(20), .loss = 0.1, .reorder = 0.1});
  constexpr uint32_t kCount = 1000;
  SendMany(pair, kCount, {.unordered = true});
  ASSERT_TRUE(sim().RunUntil([&] { return pair.b().recorded().messages.size() >= kCount; },
                             TimeDelta::Seconds(120)));
  sim().RunFor(TimeDelta::Seconds(1));
  std::vector<uint32_t> received = Received(pair.b());
  ASSERT_EQ(received.size(), kCount);
  EXPECT_EQ(std::set<uint32_t>(received.begin(), received.end()).size(), kCount);
  EXPECT_FALSE(std::is_sorted(received.begin(), received.end())) << "loss should reorder some";
}

TEST_F(SctpReliabilityTest, ZeroRetransmitsUnderHeavyLossAbandonsWithoutRetransmitting) {
  SctpPair pair(sim());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  pair.a().record_sent = true;
  pair.SetLinks({.latency = TimeDelta::Millis(20), .loss = 0.2});
  constexpr uint32_t kCount = 300;
  for (uint32_t i = 0; i < kCount; ++i) {
    ASSERT_TRUE(pair.Send(pair.a(), 2, Ppid::kBinary, NumberedPayload(i, 200),
                          {.unordered = true, .max_retransmits = 0})
                    .ok());
    sim().RunFor(TimeDelta::Millis(5));
  }
  // Until every message is acknowledged or abandoned.
  // (Slow under this much loss: each abandonment waits for a timeout, by then backed off to
  // RTO.Max, and FORWARD-TSN and SACKs get lost too.)
  ASSERT_TRUE(sim().RunUntil([&] { return pair.a().association().buffered_amount(2) == 0; },
                             TimeDelta::Seconds(180)));
  const size_t delivered = pair.b().recorded().messages.size();
  EXPECT_LT(delivered, kCount);
  EXPECT_GT(delivered, kCount / 2);
  const auto stats = pair.a().association().stats();
  EXPECT_GT(stats.abandoned, 0u);
  EXPECT_GE(delivered + stats.abandoned,
            kCount);  // a delivered one may be abandoned too (lost SACK)
  EXPECT_EQ(stats.retransmissions, 0u);
  // On the wire: each TSN at most once (max_retransmits = 0).
  std::map<uint32_t, int> copies;
  for (const auto& [at, packet] : pair.a().sent) {
    ForEachChunk(packet, [&](const ChunkView& chunk) {
      if (auto tsn = DataChunkTsn(chunk)) ++copies[*tsn];
      return true;
    });
  }
  EXPECT_EQ(copies.size(), kCount);
  for (const auto& [tsn, n] : copies)
    EXPECT_EQ(n, 1) << "TSN " << tsn;
  // The association recovered from the gaps (FORWARD-TSN) and still carries reliable data.
  pair.SetLinks({.latency = TimeDelta::Millis(20)});
  ASSERT_TRUE(pair.Send(pair.a(), 3, Ppid::kString, NumberedPayload(7, 10)).ok());
  ASSERT_TRUE(sim().RunUntil([&] { return pair.b().recorded().messages.back().second.stream == 3; },
                             TimeDelta::Seconds(5)));
}

TEST_F(SctpReliabilityTest, LimitedRetransmitsAreNeverExceeded) {
  SctpPair pair(sim());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  pair.a().record_sent = true;
  pair.SetLinks({.latency = TimeDelta::Millis(20), .loss = 0.4});
  for (uint32_t i = 0; i < 200; ++i) {
    ASSERT_TRUE(
        pair.Send(pair.a(), 2, Ppid::kBinary, NumberedPayload(i, 200), {.max_retransmits = 2})
            .ok());
    sim().RunFor(TimeDelta::Millis(5));
  }
  sim().RunFor(TimeDelta::Seconds(10));
  std::map<uint32_t, int> copies;
  for (const auto& [at, packet] : pair.a().sent) {
    ForEachChunk(packet, [&](const ChunkView& chunk) {
      if (auto tsn = DataChunkTsn(chunk)) ++copies[*tsn];
      return true;
    });
  }
  int most = 0;
  for (const auto& [tsn, n] : copies)
    most = std::max(most, n);
  EXPECT_LE(most, 3) << "sent more than 1 + max_retransmits times";
  EXPECT_GT(pair.a().association().stats().retransmissions, 0u);
}

TEST_F(SctpReliabilityTest, ExpiredLifetimeMessagesAreNotDeliveredAfterAnOutage) {
  SctpPair pair(sim());
  pair.SetLinks({.latency = TimeDelta::Millis(10)});
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  // A 300 ms outage; messages with a 100 ms lifetime sent during its first 50 ms.
  pair.alice_host().SetUdpBlocked(true);
  const Timestamp outage_start = sim().now();
  for (uint32_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(pair.Send(pair.a(), 4, Ppid::kBinary, NumberedPayload(i, 500),
                          {.max_lifetime = TimeDelta::Millis(100)})
                    .ok());
    sim().RunFor(TimeDelta::Millis(5));
  }
  sim().RunTo(outage_start + TimeDelta::Millis(300));
  pair.alice_host().SetUdpBlocked(false);
  // After the outage, a fresh one (delivered) and a reliable one (delivered, after the others).
  ASSERT_TRUE(pair.Send(pair.a(), 4, Ppid::kBinary, NumberedPayload(100, 500),
                        {.max_lifetime = TimeDelta::Millis(500)})
                  .ok());
  ASSERT_TRUE(pair.Send(pair.a(), 5, Ppid::kBinary, NumberedPayload(101, 500)).ok());
  sim().RunFor(TimeDelta::Seconds(5));
  std::set<uint32_t> received;
  for (const auto& [at, m] : pair.b().recorded().messages)
    received.insert(*PayloadIndex(m.data));
  EXPECT_EQ(received, (std::set<uint32_t>{100, 101}));
  EXPECT_EQ(pair.a().association().stats().abandoned, 10u);
  EXPECT_EQ(pair.a().association().buffered_amount(4), 0u);
}

TEST_F(SctpReliabilityTest, LifetimeCountsFromSendWhileQueuedBehindOtherData) {
  // A slow link keeps messages in our own queue; those that outlive their lifetime there are
  // dropped before reaching SCTP.
  AssociationConfig config;
  config.send_buffer = 64 * 1024;
  SctpPair pair(sim(), config);
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  pair.SetLinks({.latency = TimeDelta::Millis(10), .rate_bps = 1'000'000});
  // 512 KB of bulk data: ~4 s at 1 Mbit/s.
  for (uint32_t i = 0; i < 16; ++i)
    ASSERT_TRUE(pair.Send(pair.a(), 1, Ppid::kBinary, NumberedPayload(i, 32 * 1024)).ok());
  // Behind them on the same stream (our queue is FIFO per stream).
  ASSERT_TRUE(pair.Send(pair.a(), 1, Ppid::kBinary, NumberedPayload(1000, 100),
                        {.max_lifetime = TimeDelta::Millis(200)})
                  .ok());
  sim().RunFor(TimeDelta::Seconds(10));
  EXPECT_EQ(pair.b().recorded().messages.size(), 16u);
  EXPECT_EQ(pair.a().association().stats().abandoned, 1u);
}

}  // namespace
}  // namespace parley::sctp
