#include "demux/packet_kind.h"

namespace parley::demux {

std::string_view ToString(PacketKind kind) {
  switch (kind) {
    case PacketKind::kStun:
      return "stun";
    case PacketKind::kZrtp:
      return "zrtp";
    case PacketKind::kDtls:
      return "dtls";
    case PacketKind::kTurnChannelData:
      return "turn-channel-data";
    case PacketKind::kRtp:
      return "rtp";
    case PacketKind::kRtcp:
      return "rtcp";
    case PacketKind::kUnknown:
      return "unknown";
  }
  return "unknown";
}

// RFC 7983 §7 (as updated by RFC 9443 §3):
//                  +----------------+
//                  |        [0..3] -+--> forward to STUN
//                  |      [16..19] -+--> forward to ZRTP
//      packet -->  |      [20..63] -+--> forward to DTLS
//                  |      [64..79] -+--> forward to TURN Channel
//                  |    [128..191] -+--> forward to RTP/RTCP
//                  +----------------+
PacketKind Classify(ByteView packet) {
  if (packet.empty()) return PacketKind::kUnknown;
  const uint8_t first = packet[0];
  auto at_least = [&](size_t size, PacketKind kind) {
    return packet.size() >= size ? kind : PacketKind::kUnknown;
  };
  if (first <= 3) return at_least(kMinStunSize, PacketKind::kStun);
  if (first >= 16 && first <= 19) return PacketKind::kZrtp;
  if (first >= 20 && first <= 63) return at_least(kMinDtlsSize, PacketKind::kDtls);
  if (first >= 64 && first <= 79)
    return at_least(kMinChannelDataSize, PacketKind::kTurnChannelData);
  if (first >= 128 && first <= 191) {
    if (packet.size() < 2) return PacketKind::kUnknown;
    return IsRtcpPacketType(packet[1]) ? at_least(kMinRtcpSize, PacketKind::kRtcp)
                                       : at_least(kMinRtpSize, PacketKind::kRtp);
  }
  return PacketKind::kUnknown;
}

}  // namespace parley::demux
