// RTCRtpTransceiver as negotiation sees it (webrtc-pc §5.4, JSEP §3.4.1): a read-only view the
// Negotiator keeps up to date, and what offer/answer settled for it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "jsep/types.h"

namespace parley::jsep {

// A codec both sides agreed on, with the payload types to use on the wire.
struct NegotiatedCodec {
  uint8_t payload_type = 0;
  std::string name{};
  uint32_t clock_rate = 0;
  std::optional<uint16_t> channels{};
  std::vector<std::pair<std::string, std::string>> parameters{};  // fmtp
  std::vector<std::string> feedback{};                            // agreed a=rtcp-fb values
  std::optional<uint8_t> rtx_payload_type{};                      // RFC 4588, apt = payload_type

  bool operator==(const NegotiatedCodec&) const = default;
};

// RFC 8285: a header extension and its id.
struct NegotiatedExtension {
  uint16_t id = 0;
  std::string uri{};

  bool operator==(const NegotiatedExtension&) const = default;
};

using TransceiverId = uint32_t;

// RTCRtpTransceiverInit plus the sender's track (addTrack / addTransceiver(track)).
struct TransceiverInit {
  Direction direction = Direction::kSendRecv;
  std::vector<std::string> stream_ids{};
  std::optional<std::string> track_id{};
};

struct Transceiver {
  TransceiverId id = 0;
  MediaKind kind = MediaKind::kAudio;
  // The m-section it is associated with (JSEP §3.4.1): set by setLocalDescription(offer) or
  // setRemoteDescription(offer), cleared again by their rollback.
  std::optional<std::string> mid{};
  std::optional<size_t> mline_index{};
  Direction direction = Direction::kSendRecv;  // [[Direction]]: what we want
  // [[CurrentDirection]]: what the last applied answer settled (our point of view); kStopped
  // once stopped.
  std::optional<Direction> current_direction{};
  bool stopping = false;  // Stop() called (or the peer rejected it), not yet negotiated away
  bool stopped = false;   // the m-section is rejected for good; stays listed with this flag
  // The local sender: its track (the msid track id; absent: a generated id is signalled) and
  // streams (a=msid stream ids).
  std::optional<std::string> track_id{};
  std::vector<std::string> stream_ids{};
  uint32_t ssrc = 0;      // random, the sender's media SSRC
  uint32_t rtx_ssrc = 0;  // random, its RTX SSRC (signalled for video with RTX)
  // After an answer applied: what we send with (the remote's payload types, in the remote's
  // order of preference; we receive the same codecs under the same types) and the header
  // extensions, with the remote's ids.
  std::vector<NegotiatedCodec> codecs{};
  std::vector<NegotiatedExtension> extensions{};
  // The remote sender, from its description (a=ssrc, a=msid).
  std::vector<uint32_t> remote_ssrcs{};
  std::vector<std::string> remote_stream_ids{};
  std::optional<std::string> remote_track_id{};
  bool created_by_remote = false;  // made for an m-section of a remote offer (recvonly)

  bool operator==(const Transceiver&) const = default;
};

}  // namespace parley::jsep
