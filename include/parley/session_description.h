// RTCSessionDescription and RTCIceCandidate (webrtc-pc §4.8, §4.8.2), and the state enums of
// RTCPeerConnection, with their W3C strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley {

enum class SdpType { kOffer, kPranswer, kAnswer, kRollback };
std::string_view ToString(SdpType type);  // "offer", "pranswer", "answer", "rollback"
std::optional<SdpType> ParseSdpType(std::string_view name);

struct SessionDescription {
  SdpType type = SdpType::kOffer;
  std::string sdp;
};

// RTCIceCandidateInit. An empty `candidate` is the end-of-candidates indication.
struct IceCandidate {
  std::string candidate;  // "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host"
  std::optional<std::string> sdp_mid;
  std::optional<int> sdp_mline_index;
  std::optional<std::string> username_fragment;
};

enum class SignalingState {
  kStable,
  kHaveLocalOffer,
  kHaveRemoteOffer,
  kHaveLocalPranswer,
  kHaveRemotePranswer,
  kClosed,
};
enum class IceGatheringState { kNew, kGathering, kComplete };
enum class IceConnectionState {
  kNew,
  kChecking,
  kConnected,
  kCompleted,
  kDisconnected,
  kFailed,
  kClosed,
};
enum class PeerConnectionState { kNew, kConnecting, kConnected, kDisconnected, kFailed, kClosed };

std::string_view ToString(SignalingState state);       // "have-local-offer", ...
std::string_view ToString(IceGatheringState state);    // "gathering", ...
std::string_view ToString(IceConnectionState state);   // "checking", ...
std::string_view ToString(PeerConnectionState state);  // "connecting", ...

}  // namespace parley
