// The negotiation surface of media (webrtc-pc §5): MediaStreamTrack, RTCRtpTransceiver and its
// direction. Tracks here carry identity and state; sources (camera, microphone, files, test
// patterns) and sinks attach to them with the media layer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/result.h"

namespace parley {

enum class MediaKind { kAudio, kVideo };
std::string_view ToString(MediaKind kind);  // "audio", "video"

enum class TransceiverDirection { kSendRecv, kSendOnly, kRecvOnly, kInactive, kStopped };
std::string_view ToString(TransceiverDirection direction);  // "sendrecv", ...

enum class TrackState { kLive, kEnded };

// MediaStreamTrack. Thread-safe.
class MediaStreamTrack {
 public:
  // A new local track with a random id (a UUID-like string) unless `id` is given.
  static std::shared_ptr<MediaStreamTrack> Create(MediaKind kind, std::string id = {});
  virtual ~MediaStreamTrack() = default;

  virtual MediaKind kind() const = 0;
  virtual const std::string& id() const = 0;
  virtual bool enabled() const = 0;
  virtual void set_enabled(bool enabled) = 0;
  virtual bool muted() const = 0;
  virtual TrackState ready_state() const = 0;
  // Ends the track for good (readyState "ended"); on_ended does not fire for a local stop().
  virtual void Stop() = 0;
  virtual void SetOnEnded(std::function<void()> on_ended) = 0;
};

// RTCRtpCodec (for setCodecPreferences and stats).
struct RtpCodec {
  std::string mime_type;  // "video/VP9", "audio/opus"
  uint32_t clock_rate = 0;
  std::optional<uint16_t> channels;
  std::string sdp_fmtp_line;  // "profile-id=0"
};

struct TransceiverInit {
  TransceiverDirection direction = TransceiverDirection::kSendRecv;
  std::vector<std::string> stream_ids;
};

// RTCRtpTransceiver. Thread-safe; changes take effect through the next negotiation
// (on_negotiation_needed fires).
class RtpTransceiver {
 public:
  virtual ~RtpTransceiver() = default;

  virtual MediaKind kind() const = 0;
  // Null until negotiated.
  virtual std::optional<std::string> mid() const = 0;
  virtual TransceiverDirection direction() const = 0;
  // TypeError for kStopped (use Stop()), InvalidStateError once stopped.
  virtual Result<void> SetDirection(TransceiverDirection direction) = 0;
  virtual std::optional<TransceiverDirection> current_direction() const = 0;
  virtual Result<void> Stop() = 0;
  // What the sender sends (null: nothing) and the track the receiver delivers.
  virtual std::shared_ptr<MediaStreamTrack> sender_track() const = 0;
  virtual std::shared_ptr<MediaStreamTrack> receiver_track() const = 0;
  // RTCRtpSender.replaceTrack: no renegotiation. TypeError for a track of the other kind.
  virtual Result<void> ReplaceTrack(std::shared_ptr<MediaStreamTrack> track) = 0;
  // InvalidModificationError for a codec we do not support; empty restores the default order.
  virtual Result<void> SetCodecPreferences(std::vector<RtpCodec> codecs) = 0;
  // The codecs negotiated for sending, in the peer's preference order (empty before).
  virtual std::vector<RtpCodec> negotiated_codecs() const = 0;
};

}  // namespace parley
