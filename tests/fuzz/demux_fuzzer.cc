// Classifies arbitrary bytes (RFC 7983). The classification must be a pure function of the
// first two bytes and the length, agree with the ranges, and never read past the input.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "demux/packet_kind.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using parley::demux::PacketKind;
  const std::span<const uint8_t> packet(data, size);
  const PacketKind kind = parley::demux::Classify(packet);
  if (size == 0 && kind != PacketKind::kUnknown) std::abort();
  if (kind == PacketKind::kRtp || kind == PacketKind::kRtcp) {
    if (size < 2 || data[0] < 128 || data[0] > 191) std::abort();
    if ((kind == PacketKind::kRtcp) != parley::demux::IsRtcpPacketType(data[1])) std::abort();
  }
  if (kind == PacketKind::kDtls && (data[0] < 20 || data[0] > 63)) std::abort();
  if (kind == PacketKind::kStun && data[0] > 3) std::abort();
  return 0;
}
