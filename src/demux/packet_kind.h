// RFC 7983 (updated by RFC 9443) demultiplexing of the protocols that share one ICE-selected
// 5-tuple in WebRTC: STUN, ZRTP, DTLS, TURN ChannelData and RTP/RTCP, told apart by the first
// byte; RTP and RTCP are then told apart by the payload-type octet (RFC 5761 §4). Stateless and
// allocation-free: it sits on every packet's path.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/byte_io.h"

namespace parley::demux {

enum class PacketKind : uint8_t {
  kStun,             // first byte 0..3 (RFC 8489 §5: the two leading bits are zero)
  kZrtp,             // 16..19 (RFC 6189); never used by WebRTC
  kDtls,             // 20..63 (RFC 6347 record content types)
  kTurnChannelData,  // 64..79 (RFC 8656 §12: channel numbers 0x4000..0x4FFF)
  kRtp,              // 128..191 (version 2) and not RTCP
  kRtcp,             // 128..191 and payload-type octet 192..223 (RFC 5761 §4)
  kUnknown,          // anything else, or too short to be what its first byte says
};

std::string_view ToString(PacketKind kind);

// Minimum sizes below which a packet cannot be what its first byte says; such packets are
// kUnknown so callers drop them without parsing further.
inline constexpr size_t kMinStunSize = 20;        // RFC 8489 §5 header
inline constexpr size_t kMinDtlsSize = 13;        // RFC 6347 §4.1 record header
inline constexpr size_t kMinChannelDataSize = 4;  // RFC 8656 §12.4 header
inline constexpr size_t kMinRtpSize = 12;         // RFC 3550 §5.1 fixed header
inline constexpr size_t kMinRtcpSize = 8;         // RFC 3550 §6.4.1 header + SSRC

PacketKind Classify(ByteView packet);

// RFC 5761 §4: with rtcp-mux, RTCP packet types 192..223 occupy the payload-type octet that RTP
// payload types 64..95 (with the marker bit set) would; those RTP payload types must not be used.
inline bool IsRtcpPacketType(uint8_t second_byte) {
  return second_byte >= 192 && second_byte <= 223;
}

}  // namespace parley::demux
