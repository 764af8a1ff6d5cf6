// Bad input, timers and memory: garbage and truncated packets are dropped and counted, INIT and
// DATA retransmissions follow the simulator's virtual clock at the configured RTO schedule, and
// an idle connected association stays within its memory budget.
#include <gtest/gtest.h>
#include <malloc.h>

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "sctp/packet_inspect.h"
#include "sctp/sctp_harness.h"
#include "sctp/usrsctp_stack.h"
#include "sim/sim_test.h"

namespace parley::sctp {
namespace {

using testing::NumberedPayload;
using testing::SctpPair;

class SctpRobustnessTest : public sim::SimTest {};

std::vector<Timestamp> TimesOf(const testing::SctpEndpoint& side, ChunkType type) {
  std::vector<Timestamp> times;
  for (const auto& [at, packet] : side.sent)
    if (HasChunk(packet, type)) times.push_back(at);
  return times;
}

// Bitwise CRC32c (RFC 9260 Appendix A: reflected polynomial 0x1EDC6F41), the reference for the
// SSE4.2 code in usrsctp_stack.cc.
uint32_t ReferenceCrc32c(ByteView data) {
  uint32_t crc = 0xffffffff;
  for (uint8_t byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ (0x82f63b78 & (0u - (crc & 1)));
  }
  return ~crc;
}

TEST(SctpChecksumTest, PacketChecksumIsTheCrc32cOfThePacketWithAZeroChecksumField) {
  constexpr std::string_view kCheck = "123456789";  // the standard check value
  EXPECT_EQ(
      ReferenceCrc32c(ByteView(reinterpret_cast<const uint8_t*>(kCheck.data()), kCheck.size())),
      0xe3069283u);
  SeededRandom random(1);
  for (size_t size : {size_t{12}, size_t{13}, size_t{19}, size_t{20}, size_t{100}, size_t{1131}}) {
    Bytes packet(size);
    random.Fill(packet);
    Bytes zeroed = packet;
    std::memset(zeroed.data() + 8, 0, 4);
    // Stored as is on little-endian hosts: the first wire byte is the low byte.
    uint32_t expected = ReferenceCrc32c(zeroed);
    uint8_t wire[4] = {uint8_t(expected), uint8_t(expected >> 8), uint8_t(expected >> 16),
                       uint8_t(expected >> 24)};
    std::memcpy(&expected, wire, 4);
    EXPECT_EQ(usrsctp_stack::PacketChecksum(packet), expected) << size << " bytes";
  }
}

TEST_F(SctpRobustnessTest, GarbageAndTruncatedPacketsAreDroppedCountedAndHarmless) {
  SctpPair pair(sim());
  pair.a().record_sent = true;
  pair.SetLinks({.latency = TimeDelta::Millis(10)});
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  ASSERT_TRUE(pair.Send(pair.a(), 1, Ppid::kBinary, NumberedPayload(1, 3000)).ok());
  sim().RunFor(TimeDelta::Millis(100));
  Association& bob = pair.b().association();
  const auto before = bob.stats();

  // Real packets of alice's, truncated at every length and with flipped bytes (CRC32c fails),
  // plus random bytes, some with our ports so that usrsctp sees them.
  std::vector<Bytes> bad;
  for (const auto& [at, packet] : pair.a().sent) {
    for (size_t n = 0; n < packet.size(); n += 7)
      bad.emplace_back(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(n));
    for (size_t i = 0; i < packet.size(); i += 11) {
      Bytes flipped = packet;
      flipped[i] ^= 0x5a;
      bad.push_back(flipped);
    }
  }
  for (int i = 0; i < 300; ++i) {
    Bytes random(sim().random().Uniform(0, 1500));
    sim().random().Fill(random);
    if (i % 2 == 0 && random.size() >= 4) {
      random[0] = random[2] = 0x13;  // ports 5000 (0x1388) both ways
      random[1] = random[3] = 0x88;
    }
    bad.push_back(random);
  }
  for (const Bytes& packet : bad)
    bob.HandlePacket(sim().now(), packet);
  pair.Kick(pair.b());
  const auto after = bob.stats();
  EXPECT_EQ(after.dropped_malformed - before.dropped_malformed, bad.size());
  EXPECT_EQ(after.packets_received, before.packets_received);
  EXPECT_EQ(bob.state(), State::kConnected);

  // Still works both ways.
  ASSERT_TRUE(pair.Send(pair.a(), 1, Ppid::kBinary, NumberedPayload(2, 3000)).ok());
  ASSERT_TRUE(pair.Send(pair.b(), 1, Ppid::kBinary, NumberedPayload(3, 3000)).ok());
  sim().RunFor(TimeDelta::Millis(200));
  EXPECT_EQ(pair.b().recorded().messages.size(), 2u);
  EXPECT_EQ(pair.a().recorded().messages.size(), 1u);
}

TEST_F(SctpRobustnessTest, InitRetransmissionsFollowTheRtoScheduleInVirtualTime) {
  SctpPair pair(sim());
  pair.a().record_sent = true;
  pair.bob_host().SetUdpBlocked(true);  // nothing reaches bob
  const Timestamp t0 = sim().now();
  pair.a().association().Start(t0);
  pair.Kick(pair.a());
  ASSERT_TRUE(sim().RunUntil([&] { return pair.a().association().state() == State::kFailed; },
                             TimeDelta::Seconds(60)));
  const std::vector<Timestamp> inits = TimesOf(pair.a(), ChunkType::kInit);
  // RTO.Initial 1 s, doubling (RFC 9260 §6.3.3 E2) up to RTO.Max 3 s; 1 + 8 retransmissions.
  const int64_t expected_gaps_ms[] = {1000, 2000, 3000, 3000, 3000, 3000, 3000, 3000};
  ASSERT_EQ(inits.size(), std::size(expected_gaps_ms) + 1);
  EXPECT_EQ(inits[0], t0);
  for (size_t i = 0; i < std::size(expected_gaps_ms); ++i) {
    const TimeDelta gap = inits[i + 1] - inits[i];
    EXPECT_GE(gap, TimeDelta::Millis(expected_gaps_ms[i])) << "retransmission " << i + 1;
    EXPECT_LE(gap, TimeDelta::Millis(expected_gaps_ms[i] + 10)) << "retransmission " << i + 1;
  }
}

TEST_F(SctpRobustnessTest, DataRetransmissionWaitsForTheRtoInVirtualTime) {
  SctpPair pair(sim());
  pair.a().record_sent = true;
  pair.SetLinks({.latency = TimeDelta::Millis(50)});
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  // Warm up the RTT estimate (100 ms RTT, so the RTO is at its 400 ms minimum).
  for (uint32_t i = 0; i < 20; ++i) {
    ASSERT_TRUE(pair.Send(pair.a(), 1, Ppid::kBinary, NumberedPayload(i, 100)).ok());
    sim().RunFor(TimeDelta::Millis(150));
  }
  pair.a().sent.clear();
  pair.bob_host().SetUdpBlocked(true);
  const Timestamp sent_at = sim().now();
  ASSERT_TRUE(pair.Send(pair.a(), 1, Ppid::kBinary, NumberedPayload(99, 100)).ok());
  sim().RunFor(TimeDelta::Seconds(4));
  const std::vector<Timestamp> data = TimesOf(pair.a(), ChunkType::kIData);
  // Sent, then retransmitted after 0.4 s, 0.8 s, 1.6 s (doubling, RFC 9260 §6.3.3).
  ASSERT_GE(data.size(), 4u);
  EXPECT_EQ(data[0], sent_at);
  const int64_t expected_ms[] = {400, 800, 1600};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_GE(data[i + 1] - data[i], TimeDelta::Millis(expected_ms[i])) << i;
    EXPECT_LE(data[i + 1] - data[i], TimeDelta::Millis(expected_ms[i] + 10)) << i;
  }
  // Back to normal once the path is.
  pair.bob_host().SetUdpBlocked(false);
  ASSERT_TRUE(sim().RunUntil([&] { return pair.b().recorded().messages.size() == 21; },
                             TimeDelta::Seconds(5)));
}

// Moves packets between two associations directly (no network) until neither has any.
void Exchange(Association& a, Association& b, Timestamp now) {
  bool moved = true;
  while (moved) {
    moved = false;
    while (auto packet = a.PollTransmit()) {
      b.HandlePacket(now, *packet);
      moved = true;
    }
    while (auto packet = b.PollTransmit()) {
      a.HandlePacket(now, *packet);
      moved = true;
    }
  }
}

size_t IdleAssociationHeap(uint16_t streams, int pairs) {
  AssociationConfig config;
  config.streams = streams;
  Timestamp now = Timestamp::Seconds(5000);
  std::vector<std::unique_ptr<Association>> associations;
  associations.reserve(2 * static_cast<size_t>(pairs));
  const size_t before = mallinfo2().uordblks;
  for (int i = 0; i < pairs; ++i) {
    associations.push_back(std::make_unique<Association>(config));
    associations.push_back(std::make_unique<Association>(config));
    Association& a = *associations[associations.size() - 2];
    Association& b = *associations.back();
    a.Start(now);
    b.Start(now);
    Exchange(a, b, now);
    EXPECT_EQ(a.state(), State::kConnected);
    while (a.PollEvent() || b.PollEvent()) {
    }
  }
  // Settle: delayed SACKs and the like are done.
  now += TimeDelta::Seconds(2);
  for (size_t i = 0; i < associations.size(); i += 2) {
    associations[i]->HandleTimeout(now);
    associations[i + 1]->HandleTimeout(now);
    Exchange(*associations[i], *associations[i + 1], now);
  }
  const size_t after = mallinfo2().uordblks;
  return (after - before) / associations.size();
}

TEST(SctpMemoryTest, IdleConnectedAssociationStaysWithinTheBudget) {
  // Everything usrsctp and we allocate goes through malloc: the heap's growth over 20 idle,
  // connected pairs, per association, once the per-process allocations (usrsctp's global
  // tables, our thread-local read buffer) exist. usrsctp's per-stream state dominates
  // (AssociationConfig::streams): the budget is 16 KiB + 112 bytes per stream.
  IdleAssociationHeap(16, 1);
  for (uint16_t streams : {uint16_t{16}, uint16_t{256}, AssociationConfig{}.streams}) {
    const size_t per_association = IdleAssociationHeap(streams, 20);
    std::cout << "[ sctp     ] idle connected association with " << streams
              << " streams: " << per_association / 1024.0 << " KiB of heap\n";
    EXPECT_LT(per_association, 16 * 1024 + 112 * size_t{streams}) << streams << " streams";
  }
}

TEST_F(SctpRobustnessTest, IdleAssociationWakesOncePerSecond) {
  SctpPair pair(sim());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  sim().RunFor(TimeDelta::Seconds(1));
  const uint64_t before = pair.a().timeouts;
  sim().RunFor(TimeDelta::Seconds(10));
  EXPECT_LE(pair.a().timeouts - before, 10u);
  EXPECT_GE(pair.a().timeouts - before, 9u);
}

}  // namespace
}  // namespace parley::sctp
