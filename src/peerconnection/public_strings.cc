// The W3C strings of the public enums.
#include <optional>
#include <string_view>

#include "parley/configuration.h"
#include "parley/data_channel.h"
#include "parley/media.h"
#include "parley/session_description.h"

namespace parley {

std::string_view ToString(IceTransportPolicy policy) {
  return policy == IceTransportPolicy::kRelay ? "relay" : "all";
}

std::string_view ToString(BundlePolicy policy) {
  switch (policy) {
    case BundlePolicy::kBalanced:
      return "balanced";
    case BundlePolicy::kMaxCompat:
      return "max-compat";
    case BundlePolicy::kMaxBundle:
      break;
  }
  return "max-bundle";
}

std::string_view ToString(SdpType type) {
  switch (type) {
    case SdpType::kOffer:
      return "offer";
    case SdpType::kPranswer:
      return "pranswer";
    case SdpType::kAnswer:
      return "answer";
    case SdpType::kRollback:
      break;
  }
  return "rollback";
}

std::optional<SdpType> ParseSdpType(std::string_view name) {
  for (SdpType type : {SdpType::kOffer, SdpType::kPranswer, SdpType::kAnswer, SdpType::kRollback}) {
    if (ToString(type) == name) return type;
  }
  return std::nullopt;
}

std::string_view ToString(SignalingState state) {
  switch (state) {
    case SignalingState::kStable:
      return "stable";
    case SignalingState::kHaveLocalOffer:
      return "have-local-offer";
    case SignalingState::kHaveRemoteOffer:
      return "have-remote-offer";
    case SignalingState::kHaveLocalPranswer:
      return "have-local-pranswer";
    case SignalingState::kHaveRemotePranswer:
      return "have-remote-pranswer";
    case SignalingState::kClosed:
      break;
  }
  return "closed";
}

std::string_view ToString(IceGatheringState state) {
  switch (state) {
    case IceGatheringState::kNew:
      return "new";
    case IceGatheringState::kGathering:
      return "gathering";
    case IceGatheringState::kComplete:
      break;
  }
  return "complete";
}

std::string_view ToString(IceConnectionState state) {
  switch (state) {
    case IceConnectionState::kNew:
      return "new";
    case IceConnectionState::kChecking:
      return "checking";
    case IceConnectionState::kConnected:
      return "connected";
    case IceConnectionState::kCompleted:
      return "completed";
    case IceConnectionState::kDisconnected:
      return "disconnected";
    case IceConnectionState::kFailed:
      return "failed";
    case IceConnectionState::kClosed:
      break;
  }
  return "closed";
}

std::string_view ToString(PeerConnectionState state) {
  switch (state) {
    case PeerConnectionState::kNew:
      return "new";
    case PeerConnectionState::kConnecting:
      return "connecting";
    case PeerConnectionState::kConnected:
      return "connected";
    case PeerConnectionState::kDisconnected:
      return "disconnected";
    case PeerConnectionState::kFailed:
      return "failed";
    case PeerConnectionState::kClosed:
      break;
  }
  return "closed";
}

std::string_view ToString(DataChannelState state) {
  switch (state) {
    case DataChannelState::kConnecting:
      return "connecting";
    case DataChannelState::kOpen:
      return "open";
    case DataChannelState::kClosing:
      return "closing";
    case DataChannelState::kClosed:
      break;
  }
  return "closed";
}

std::string_view ToString(MediaKind kind) {
  return kind == MediaKind::kAudio ? "audio" : "video";
}

std::string_view ToString(TransceiverDirection direction) {
  switch (direction) {
    case TransceiverDirection::kSendRecv:
      return "sendrecv";
    case TransceiverDirection::kSendOnly:
      return "sendonly";
    case TransceiverDirection::kRecvOnly:
      return "recvonly";
    case TransceiverDirection::kInactive:
      return "inactive";
    case TransceiverDirection::kStopped:
      break;
  }
  return "stopped";
}

}  // namespace parley
