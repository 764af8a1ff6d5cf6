// The JSEP vocabulary (RFC 8829) with the W3C webrtc-pc strings: description types, signaling
// states, media kinds and RTCRtpTransceiverDirection, and the direction algebra of offer/answer
// (RFC 3264 §6.1, JSEP §5.3.1).
#pragma once

#include <optional>
#include <ostream>
#include <string_view>

#include "sdp/attributes.h"

namespace parley::jsep {

// RTCSdpType.
enum class SdpType { kOffer, kPranswer, kAnswer, kRollback };
std::string_view ToString(SdpType type);  // "offer", "pranswer", "answer", "rollback"
std::optional<SdpType> ParseSdpType(std::string_view name);

// RTCSignalingState (webrtc-pc §4.3.1): JSEP §3.2's offer/answer state machine.
enum class SignalingState {
  kStable,
  kHaveLocalOffer,
  kHaveRemoteOffer,
  kHaveLocalPranswer,
  kHaveRemotePranswer,
  kClosed,
};
std::string_view ToString(SignalingState state);  // "stable", "have-local-offer", ...

enum class MediaKind { kAudio, kVideo };
std::string_view ToString(MediaKind kind);  // "audio", "video" (also the m= media token)

// RTCRtpTransceiverDirection. kStopped is a transceiver's state, never an SDP direction.
enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive, kStopped };
std::string_view ToString(Direction direction);  // "sendrecv", ...

std::ostream& operator<<(std::ostream& os, SdpType type);
std::ostream& operator<<(std::ostream& os, SignalingState state);
std::ostream& operator<<(std::ostream& os, MediaKind kind);
std::ostream& operator<<(std::ostream& os, Direction direction);

bool HasSend(Direction direction);
bool HasRecv(Direction direction);
Direction MakeDirection(bool send, bool recv);
// The peer's point of view: sendonly <-> recvonly (kStopped stays).
Direction Reverse(Direction direction);
// JSEP §5.3.1: what an answerer whose transceiver wants `ours` answers to `offered` (the
// offer's direction, from the offerer's point of view): send only if we want to and the offerer
// receives, receive only if we want to and the offerer sends.
Direction AnswerDirection(Direction ours, Direction offered);

// Between the SDP attribute and the W3C value; kStopped writes as inactive.
sdp::Direction ToSdp(Direction direction);
Direction FromSdp(sdp::Direction direction);

}  // namespace parley::jsep
