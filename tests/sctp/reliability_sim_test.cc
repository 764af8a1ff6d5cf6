// Delivery guarantees in the simulator: reliable ordered and unordered transfer under loss and
// reordering (retransmissions driven by virtual time), and partial reliability by retransmission
// count and by lifetime (RFC 3758).
#include <gtest/gtest.h>

#include <map>
#include <optional>
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

// Partially reliable channels after loss, with DATA and with I-DATA (RFC 8260).
class SctpPartialReliabilityTest : public sim::SimTestWithParam<bool> {
 protected:
  void Connect(SctpPair& pair) {
    pair.SetLinks({.latency = TimeDelta::Millis(20)});
    pair.Start();
    ASSERT_TRUE(pair.RunUntilConnected());
    ASSERT_EQ(pair.a().association().interleaving(), GetParam());
  }
  AssociationConfig Config() {
    AssociationConfig config;
    config.message_interleaving = GetParam();
    return config;
  }
};

// bufferedAmount counts what the peer has acknowledged by gap blocks as acknowledged, and an
// abandoned message leaves it when usrsctp abandons it, not when the cumulative ack passes it:
// usrsctp holds gap-acknowledged chunks until then, and behind a lost chunk of a partially
// reliable message that waits for a FORWARD-TSN and the SACK answering it to get through. Here no
// FORWARD-TSN ever does.
TEST_P(SctpPartialReliabilityTest, SelectivelyAckedAndAbandonedBytesLeaveBufferedAmount) {
  SctpPair pair(sim(), Config(), Config());
  Connect(pair);
  std::optional<uint32_t> lost_tsn;
  pair.a().drop_sent = [&](const Bytes& packet) {
    bool drop = false;
    ForEachChunk(packet, [&](const ChunkView& chunk) {
      if (auto tsn = DataChunkTsn(chunk); tsn && (!lost_tsn || *tsn == *lost_tsn)) {
        lost_tsn = *tsn;  // the first message's, every time
        drop = true;
      }
      if (chunk.type == static_cast<uint8_t>(ChunkType::kForwardTsn) ||
          chunk.type == static_cast<uint8_t>(ChunkType::kIForwardTsn)) {
        drop = true;
      }
      return true;
    });
    return drop;
  };
  constexpr uint32_t kCount = 10;
  constexpr size_t kSize = 200;
  for (uint32_t i = 0; i < kCount; ++i) {
    ASSERT_TRUE(pair.Send(pair.a(), 2, Ppid::kBinary, NumberedPayload(i, kSize),
                          {.unordered = true, .max_retransmits = 1})
                    .ok());
    sim().RunFor(TimeDelta::Millis(5));
  }
  ASSERT_TRUE(sim().RunUntil([&] { return pair.b().recorded().messages.size() == kCount - 1; },
                             TimeDelta::Seconds(1)));
  // The SACKs are back, the first message was fast-retransmitted (and lost again); the others
  // are acknowledged by gap blocks.
  sim().RunFor(TimeDelta::Millis(100));
  EXPECT_EQ(pair.a().association().buffered_amount(2), kSize);
  EXPECT_EQ(pair.a().association().stats().abandoned, 0u);
  // The first message is abandoned at the retransmission timeout.
  ASSERT_TRUE(sim().RunUntil([&] { return pair.a().association().stats().abandoned == 1; },
                             TimeDelta::Seconds(2)));
  EXPECT_EQ(pair.a().association().buffered_amount(2), 0u);
  sim().RunFor(TimeDelta::Seconds(2));
  EXPECT_EQ(pair.a().association().buffered_amount(2), 0u);
  EXPECT_EQ(pair.a().association().stats().abandoned, 1u);
  // Once FORWARD-TSNs get through, the association goes on as usual.
  pair.a().drop_sent = nullptr;
  ASSERT_TRUE(pair.Send(pair.a(), 3, Ppid::kBinary, NumberedPayload(100, kSize)).ok());
  ASSERT_TRUE(sim().RunUntil([&] { return pair.b().recorded().messages.size() == kCount; },
                             TimeDelta::Seconds(5)));
  ASSERT_TRUE(sim().RunUntil([&] { return pair.a().association().buffered_amount(3) == 0; },
                             TimeDelta::Seconds(5)));
}

// Timed messages are handed to usrsctp whenever its flight is below the congestion window, not
// only when they fit under it: usrsctp grows the window only while it is fully used (RFC 9260
// §7.2.1), so a window that a timeout shrank to one MTU stayed there, and messages expired in our
// queue on a clean path: at 100 messages/s of 300 bytes, a few per round trip got through.
TEST_P(SctpPartialReliabilityTest, TimedMessagesAllArriveOnACleanPathAfterATimeout) {
  SctpPair pair(sim(), Config(), Config());
  Connect(pair);
  // A timeout: the congestion window drops to one MTU (RFC 9260 §7.2.3).
  pair.alice_host().SetUdpBlocked(true);
  ASSERT_TRUE(pair.Send(pair.a(), 1, Ppid::kBinary, NumberedPayload(0, 100)).ok());
  sim().RunFor(TimeDelta::Millis(1500));
  pair.alice_host().SetUdpBlocked(false);
  ASSERT_TRUE(sim().RunUntil([&] { return pair.a().association().buffered_amount(1) == 0; },
                             TimeDelta::Seconds(5)));
  constexpr uint32_t kCount = 100;
  for (uint32_t i = 0; i < kCount; ++i) {
    ASSERT_TRUE(pair.Send(pair.a(), 4, Ppid::kBinary, NumberedPayload(1 + i, 300),
                          {.unordered = true, .max_lifetime = TimeDelta::Millis(150)})
                    .ok());
    sim().RunFor(TimeDelta::Millis(10));
  }
  sim().RunFor(TimeDelta::Seconds(1));
  EXPECT_EQ(pair.b().recorded().messages.size(), 1 + kCount);
  EXPECT_EQ(pair.a().association().stats().abandoned, 0u);
  EXPECT_EQ(pair.a().association().buffered_amount(4), 0u);
}

// Under continuing loss most timed messages still make it: a message goes as soon as the window
// lets usrsctp send it, and a lost one is retransmitted within its lifetime when the SACKs allow.
// (What is lost beyond the first transmissions is mostly the time a retransmission timeout
// stalls the window: 400 ms and more, longer than the lifetime.)
TEST_P(SctpPartialReliabilityTest, TimedMessagesUnderLossMostlyArrive) {
  SctpPair pair(sim(), Config(), Config());
  Connect(pair);
  pair.SetLinks({.latency = TimeDelta::Millis(20), .loss = 0.25});
  constexpr uint32_t kCount = 400;
  for (uint32_t i = 0; i < kCount; ++i) {
    ASSERT_TRUE(pair.Send(pair.a(), 4, Ppid::kBinary, NumberedPayload(i, 300),
                          {.unordered = true, .max_lifetime = TimeDelta::Millis(150)})
                    .ok());
    sim().RunFor(TimeDelta::Millis(10));
  }
  sim().RunFor(TimeDelta::Seconds(5));
  const size_t delivered = pair.b().recorded().messages.size();
  const auto stats = pair.a().association().stats();
  std::cout << "[ sctp     ] " << delivered << " of " << kCount
            << " timed messages delivered at 25 % loss, " << stats.abandoned << " abandoned\n";
  // Mostly 300-395; 121 at worst in 3000 runs; 39 when a timed message had to fit the window.
  EXPECT_GT(delivered, kCount / 4);
  EXPECT_LE(stats.abandoned, kCount);
  EXPECT_GE(delivered + stats.abandoned, kCount);
  EXPECT_EQ(pair.a().association().buffered_amount(4), 0u);
}

// Stats::abandoned counts each abandoned message once: usrsctp reports every chunk it drops
// (several per message) but not the part of a message it had not yet cut into chunks.
TEST_P(SctpPartialReliabilityTest, AbandonedCountsEachMultiChunkMessageOnce) {
  SctpPair pair(sim(), Config(), Config());
  Connect(pair);
  pair.SetLinks({.latency = TimeDelta::Millis(20), .loss = 0.3});
  constexpr uint32_t kCount = 100;
  for (uint32_t i = 0; i < kCount; ++i) {
    ASSERT_TRUE(pair.Send(pair.a(), 2, Ppid::kBinary, NumberedPayload(i, 4000),
                          {.unordered = true, .max_retransmits = 0})
                    .ok());
    sim().RunFor(TimeDelta::Millis(20));
  }
  ASSERT_TRUE(sim().RunUntil([&] { return pair.a().association().buffered_amount(2) == 0; },
                             TimeDelta::Seconds(60)));
  // What the peer has but waits to deliver (the last messages, behind ones whose abandonment it
  // has yet to learn) arrives once the FORWARD-TSNs get through.
  pair.SetLinks({.latency = TimeDelta::Millis(20)});
  sim().RunFor(TimeDelta::Seconds(5));
  const size_t delivered = pair.b().recorded().messages.size();
  const uint64_t abandoned = pair.a().association().stats().abandoned;
  std::cout << "[ sctp     ] " << delivered << " delivered, " << abandoned << " abandoned\n";
  EXPECT_LT(delivered, kCount);
  EXPECT_LE(abandoned, kCount);
  // Every message was delivered or abandoned (a delivered one too if its SACK was lost).
  EXPECT_GE(delivered + abandoned, kCount);
}

INSTANTIATE_TEST_SUITE_P(IData, SctpPartialReliabilityTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "On" : "Off"; });

// What usrsctp gives up as the association goes down is not PR-SCTP abandonment.
TEST_F(SctpReliabilityTest, PeerAbortIsNotCountedAsAbandonment) {
  SctpPair pair(sim());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  pair.a().association().set_buffered_amount_low_threshold(2, 0);
  pair.alice_host().uplink().set_config({.loss = 1.0});
  for (uint32_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(
        pair.Send(pair.a(), 2, Ppid::kBinary, NumberedPayload(i, 2000), {.max_retransmits = 20})
            .ok());
  }
  sim().RunFor(TimeDelta::Millis(100));
  pair.b().association().Abort(sim().now(), "bye");
  pair.Kick(pair.b());
  ASSERT_TRUE(sim().RunUntil([&] { return pair.a().recorded().Has(State::kClosed); },
                             TimeDelta::Seconds(2)));
  EXPECT_EQ(pair.a().association().stats().abandoned, 0u);
}

}  // namespace
}  // namespace parley::sctp
