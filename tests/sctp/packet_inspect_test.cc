// Packet inspection on hand-made packets (RFC 9260 §3): headers, chunk walking over padding and
// truncation, retransmission counting with TSN wrap-around, ABORT causes.
#include "sctp/packet_inspect.h"

#include <gtest/gtest.h>

namespace parley::sctp {
namespace {

Bytes Header(uint16_t source, uint16_t destination) {
  ByteWriter w;
  w.WriteU16(source).WriteU16(destination).WriteU32(0x01020304).WriteU32(0);
  return std::move(w).Take();
}

void AddChunk(Bytes& packet, uint8_t type, uint8_t flags, ByteView value) {
  ByteWriter w;
  w.WriteU8(type).WriteU8(flags).WriteU16(static_cast<uint16_t>(4 + value.size()));
  w.WriteBytes(value).PadTo(4);
  const Bytes chunk = std::move(w).Take();
  packet.insert(packet.end(), chunk.begin(), chunk.end());
}

Bytes DataChunkValue(uint32_t tsn) {
  ByteWriter w;
  w.WriteU32(tsn).WriteU16(1).WriteU16(0).WriteU32(53).WriteU8(0xab);  // one payload byte
  return std::move(w).Take();
}

TEST(PacketInspectTest, CommonHeader) {
  const Bytes packet = Header(5000, 5001);
  auto header = ParseCommonHeader(packet);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->source_port, 5000);
  EXPECT_EQ(header->destination_port, 5001);
  EXPECT_EQ(header->verification_tag, 0x01020304u);
  EXPECT_FALSE(ParseCommonHeader(ByteView(packet).first(11)));
}

TEST(PacketInspectTest, ChunksWithPaddingAndATruncatedTail) {
  Bytes packet = Header(1, 2);
  AddChunk(packet, 0, 3, DataChunkValue(7));  // 17-byte chunk, 3 bytes of padding
  AddChunk(packet, static_cast<uint8_t>(ChunkType::kSack), 0, Bytes(12, 0));
  std::vector<std::pair<uint8_t, size_t>> seen;
  ForEachChunk(packet, [&](const ChunkView& c) {
    seen.emplace_back(c.type, c.value.size());
    return true;
  });
  EXPECT_EQ(seen, (std::vector<std::pair<uint8_t, size_t>>{{0, 13}, {3, 12}}));
  EXPECT_TRUE(HasChunk(packet, ChunkType::kSack));
  EXPECT_FALSE(HasChunk(packet, ChunkType::kInit));
  // Truncated inside the second chunk: only the first is reported.
  seen.clear();
  ForEachChunk(ByteView(packet).first(packet.size() - 1), [&](const ChunkView& c) {
    seen.emplace_back(c.type, c.value.size());
    return true;
  });
  EXPECT_EQ(seen.size(), 1u);
  // Every truncation of every length is safe.
  for (size_t n = 0; n <= packet.size(); ++n)
    ForEachChunk(ByteView(packet).first(n), [](const ChunkView&) { return true; });
}

TEST(PacketInspectTest, RetransmissionsAcrossTsnWrap) {
  RetransmissionCounter counter;
  for (uint32_t tsn : {0xfffffffeu, 0xffffffffu, 0u, 0xffffffffu, 1u, 0u}) {
    Bytes packet = Header(1, 2);
    AddChunk(packet, static_cast<uint8_t>(ChunkType::kIData), 3, DataChunkValue(tsn));
    counter.OnPacket(packet);
  }
  EXPECT_EQ(counter.count(), 2u);
}

TEST(PacketInspectTest, AbortReason) {
  Bytes abort;
  ByteWriter w;
  w.WriteU8(6).WriteU8(0).WriteU16(4 + 4 + 6 + 2);
  w.WriteU16(12).WriteU16(4 + 6).WriteString("bye ok").PadTo(4);
  abort = std::move(w).Take();
  EXPECT_EQ(DescribeAbort(abort), "bye ok");
  ByteWriter other;
  other.WriteU8(6).WriteU8(0).WriteU16(12).WriteU16(3).WriteU16(4).WriteU16(13).WriteU16(4);
  EXPECT_EQ(DescribeAbort(std::move(other).Take()), "cause 3, cause 13");
  EXPECT_EQ(DescribeAbort(Bytes{6, 0, 0, 4}), "no cause");
  EXPECT_EQ(DescribeAbort(Bytes{}), "no cause");
}

}  // namespace
}  // namespace parley::sctp
