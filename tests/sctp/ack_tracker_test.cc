// AckTracker on hand-made packets: gap-acknowledged chunks (RFC 9260 §3.3.4) count until the
// cumulative ack or a FORWARD-TSN (RFC 3758) passes them, abandoned messages' chunks never do, and
// chunk headers are counted apart.
#include "sctp/ack_tracker.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "sctp/packet_inspect.h"

namespace parley::sctp {
namespace {

constexpr uint8_t kBegin = 0x02;
constexpr uint8_t kEnd = 0x01;

class Packet {
 public:
  Packet() {
    ByteWriter w;
    w.WriteU16(5000).WriteU16(5000).WriteU32(1).WriteU32(0);
    bytes_ = std::move(w).Take();
  }
  // A DATA (or I-DATA) chunk of `payload` bytes.
  Packet& Data(uint32_t tsn, uint16_t stream, uint8_t flags, size_t payload, bool idata = false) {
    ByteWriter w;
    w.WriteU32(tsn).WriteU16(stream).WriteU16(0).WriteU32(53);
    if (idata) w.WriteU32(0);  // I-DATA: reserved + MID take 6 bytes, PPID/FSN 4 (20-byte header)
    w.WriteBytes(Bytes(payload, 0xab));
    return Chunk(idata ? ChunkType::kIData : ChunkType::kData, flags, std::move(w).Take());
  }
  Packet& Sack(uint32_t cumulative, const std::vector<std::pair<uint16_t, uint16_t>>& gaps) {
    ByteWriter w;
    w.WriteU32(cumulative).WriteU32(1 << 20).WriteU16(static_cast<uint16_t>(gaps.size()));
    w.WriteU16(0);
    for (auto [start, end] : gaps)
      w.WriteU16(start).WriteU16(end);
    return Chunk(ChunkType::kSack, 0, std::move(w).Take());
  }
  Packet& ForwardTsn(uint32_t cumulative) {
    ByteWriter w;
    w.WriteU32(cumulative);
    return Chunk(ChunkType::kForwardTsn, 0, std::move(w).Take());
  }
  const Bytes& bytes() const { return bytes_; }

 private:
  Packet& Chunk(ChunkType type, uint8_t flags, const Bytes& value) {
    ByteWriter w;
    w.WriteU8(static_cast<uint8_t>(type)).WriteU8(flags);
    w.WriteU16(static_cast<uint16_t>(4 + value.size())).WriteBytes(value).PadTo(4);
    const Bytes chunk = std::move(w).Take();
    bytes_.insert(bytes_.end(), chunk.begin(), chunk.end());
    return *this;
  }
  Bytes bytes_;
};

// Chunk length = 16-byte DATA header + payload.
constexpr size_t kPayload = 200;
constexpr size_t kChunk = 16 + kPayload;

// Five one-chunk messages (TSNs 100-104) on stream 1, contexts 1-5.
void SendFive(AckTracker& tracker) {
  Packet packet;
  for (uint32_t i = 0; i < 5; ++i) {
    tracker.OnHanded(1, 1 + i);
    packet.Data(100 + i, 1, kBegin | kEnd, kPayload);
  }
  tracker.OnSent(packet.bytes());
}

TEST(AckTrackerTest, GapAckedChunksCountUntilTheCumulativeAckPassesThem) {
  AckTracker tracker;
  SendFive(tracker);
  EXPECT_EQ(tracker.tracked(), 5u);
  EXPECT_EQ(tracker.selectively_acked(), 0u);
  EXPECT_EQ(tracker.unacknowledged_headers(), 5 * 16u);
  // 100 acknowledged cumulatively, 102-104 by a gap block; 101 missing.
  tracker.OnReceived(Packet().Sack(100, {{2, 4}}).bytes());
  EXPECT_EQ(tracker.tracked(), 4u);
  EXPECT_EQ(tracker.selectively_acked(), 3 * kChunk);
  EXPECT_EQ(tracker.unacknowledged_headers(), 16u);
  // A retransmission of 101 is not a new chunk; an older SACK changes nothing.
  tracker.OnSent(Packet().Data(101, 1, kBegin | kEnd, kPayload).bytes());
  tracker.OnReceived(Packet().Sack(99, {}).bytes());
  EXPECT_EQ(tracker.selectively_acked(), 3 * kChunk);
  EXPECT_EQ(tracker.unacknowledged_headers(), 16u);
  tracker.OnReceived(Packet().Sack(104, {}).bytes());
  EXPECT_EQ(tracker.tracked(), 0u);
  EXPECT_EQ(tracker.selectively_acked(), 0u);
  EXPECT_EQ(tracker.unacknowledged_headers(), 0u);
}

TEST(AckTrackerTest, ForwardTsnForgetsWhatItSkips) {
  AckTracker tracker;
  SendFive(tracker);
  tracker.OnReceived(Packet().Sack(99, {{3, 3}, {5, 5}}).bytes());  // 102 and 104
  EXPECT_EQ(tracker.selectively_acked(), 2 * kChunk);
  tracker.OnAbandoned(1);
  tracker.OnAbandoned(2);
  tracker.OnSent(Packet().ForwardTsn(102).bytes());  // skips 100 and 101, passes 102
  EXPECT_EQ(tracker.tracked(), 2u);
  EXPECT_EQ(tracker.selectively_acked(), kChunk);
  EXPECT_EQ(tracker.unacknowledged_headers(), 16u);  // 103
}

TEST(AckTrackerTest, AChunkAbandonedBeforeItsGapAckIsNotHeld) {
  AckTracker tracker;
  SendFive(tracker);
  // 101 abandoned (its SACK was lost), then a SACK shows the peer had it.
  tracker.OnAbandoned(2);
  EXPECT_EQ(tracker.unacknowledged_headers(), 4 * 16u);
  tracker.OnReceived(Packet().Sack(99, {{2, 3}}).bytes());  // 101 and 102
  EXPECT_EQ(tracker.selectively_acked(), kChunk);
  EXPECT_EQ(tracker.unacknowledged_headers(), 3 * 16u);
}

TEST(AckTrackerTest, AbandonmentFreesAMessageFromItsFirstUnacknowledgedChunk) {
  AckTracker tracker;
  // Message 7: four I-DATA chunks (TSNs 10-13), then message 8 (TSN 14), on stream 3.
  tracker.OnHanded(3, 7);
  tracker.OnHanded(3, 8);
  constexpr size_t kIChunk = 20 + kPayload;
  Packet packet;
  packet.Data(10, 3, kBegin, kPayload, true)
      .Data(11, 3, 0, kPayload, true)
      .Data(12, 3, 0, kPayload, true)
      .Data(13, 3, kEnd, kPayload, true)
      .Data(14, 3, kBegin | kEnd, kPayload, true);
  tracker.OnSent(packet.bytes());
  // 10, 12 and 14 acknowledged by gap blocks, 11 and 13 missing.
  tracker.OnReceived(Packet().Sack(9, {{1, 1}, {3, 3}, {5, 5}}).bytes());
  EXPECT_EQ(tracker.selectively_acked(), 3 * kIChunk);
  EXPECT_EQ(tracker.unacknowledged_headers(), 2 * 20u);
  // usrsctp abandons message 7 at 11: it frees 11, 12 and 13; 10 stays until acknowledged
  // cumulatively.
  tracker.OnAbandoned(7);
  EXPECT_EQ(tracker.selectively_acked(), 2 * kIChunk);  // 10 and 14
  EXPECT_EQ(tracker.unacknowledged_headers(), 0u);
  tracker.OnAbandoned(7);  // reported again (one event per chunk): no change
  EXPECT_EQ(tracker.selectively_acked(), 2 * kIChunk);
}

TEST(AckTrackerTest, AMessageAbandonedBeforeItsChunksAreSeen) {
  AckTracker tracker;
  tracker.OnHanded(1, 0);  // a reliable message first
  tracker.OnHanded(1, 9);
  tracker.OnAbandoned(9);  // the caller polls the packets only afterwards
  tracker.OnSent(Packet()
                     .Data(1, 1, kBegin | kEnd, kPayload)
                     .Data(2, 1, kBegin, kPayload)
                     .Data(3, 1, kEnd, kPayload)
                     .bytes());
  EXPECT_EQ(tracker.unacknowledged_headers(), 16u);  // the reliable one's
  tracker.OnReceived(Packet().Sack(0, {{2, 3}}).bytes());
  EXPECT_EQ(tracker.selectively_acked(), 0u);
}

TEST(AckTrackerTest, TsnWrapAndClear) {
  AckTracker tracker;
  Packet packet;
  for (uint32_t tsn : {0xfffffffeu, 0xffffffffu, 0u, 1u}) {
    tracker.OnHanded(2, 0);
    packet.Data(tsn, 2, kBegin | kEnd, kPayload);
  }
  tracker.OnSent(packet.bytes());
  tracker.OnReceived(Packet().Sack(0xfffffffeu, {{2, 3}}).bytes());  // 0 and 1
  EXPECT_EQ(tracker.tracked(), 3u);
  EXPECT_EQ(tracker.selectively_acked(), 2 * kChunk);
  tracker.OnReceived(Packet().Sack(1, {}).bytes());
  EXPECT_EQ(tracker.tracked(), 0u);
  EXPECT_EQ(tracker.selectively_acked(), 0u);
  tracker.OnSent(Packet().Data(2, 2, kBegin | kEnd, kPayload).bytes());
  EXPECT_EQ(tracker.unacknowledged_headers(), 16u);
  tracker.Clear();
  EXPECT_EQ(tracker.tracked(), 0u);
  EXPECT_EQ(tracker.unacknowledged_headers(), 0u);
}

}  // namespace
}  // namespace parley::sctp
