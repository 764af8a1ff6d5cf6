#include "sctp/packet_inspect.h"

#include "base/sequence_number.h"

namespace parley::sctp {

std::optional<CommonHeader> ParseCommonHeader(ByteView packet) {
  ByteReader r(packet);
  auto source = r.ReadU16();
  auto destination = r.ReadU16();
  auto tag = r.ReadU32();
  auto checksum = r.ReadU32();
  if (!checksum) return std::nullopt;
  return CommonHeader{*source, *destination, *tag, *checksum};
}

void ForEachChunk(ByteView packet, const std::function<bool(const ChunkView&)>& fn) {
  if (packet.size() < kCommonHeaderSize) return;
  ByteReader r(packet.subspan(kCommonHeaderSize));
  while (r.remaining() >= 4) {
    const uint8_t type = *r.ReadU8();
    const uint8_t flags = *r.ReadU8();
    const uint16_t length = *r.ReadU16();
    if (length < 4) return;
    auto value = r.ReadBytes(length - 4u);
    if (!value) return;
    if (!fn(ChunkView{type, flags, *value})) return;
    r.Skip((4 - length % 4) % 4);  // padding; may be absent after the last chunk
  }
}

bool HasChunk(ByteView packet, ChunkType type) {
  bool found = false;
  ForEachChunk(packet, [&](const ChunkView& chunk) {
    found = chunk.type == static_cast<uint8_t>(type);
    return !found;
  });
  return found;
}

std::optional<uint32_t> DataChunkTsn(const ChunkView& chunk) {
  if (chunk.type != static_cast<uint8_t>(ChunkType::kData) &&
      chunk.type != static_cast<uint8_t>(ChunkType::kIData)) {
    return std::nullopt;
  }
  return ByteReader(chunk.value).ReadU32();
}

std::optional<uint32_t> ForwardTsnCumulative(const ChunkView& chunk) {
  if (chunk.type != static_cast<uint8_t>(ChunkType::kForwardTsn) &&
      chunk.type != static_cast<uint8_t>(ChunkType::kIForwardTsn)) {
    return std::nullopt;
  }
  return ByteReader(chunk.value).ReadU32();
}

void RetransmissionCounter::OnPacket(ByteView packet) {
  ForEachChunk(packet, [&](const ChunkView& chunk) {
    if (auto tsn = DataChunkTsn(chunk)) {
      if (newest_ && !IsNewer(*tsn, *newest_)) {
        ++count_;
      } else {
        newest_ = *tsn;
      }
    }
    return true;
  });
}

std::string DescribeAbort(ByteView abort_chunk) {
  constexpr uint16_t kUserInitiatedAbort = 12;
  ByteReader r(abort_chunk);
  if (!r.Skip(4)) return "no cause";  // chunk header
  std::string codes;
  while (r.remaining() >= 4) {
    const uint16_t code = *r.ReadU16();
    const uint16_t length = *r.ReadU16();
    if (length < 4) break;
    auto value = r.ReadBytes(length - 4u);
    if (!value) break;
    if (code == kUserInitiatedAbort) return std::string(value->begin(), value->end());
    if (!codes.empty()) codes += ", ";
    codes += "cause " + std::to_string(code);
    r.Skip((4 - length % 4) % 4);
  }
  return codes.empty() ? "no cause" : codes;
}

}  // namespace parley::sctp
