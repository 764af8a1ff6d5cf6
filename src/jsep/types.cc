#include "jsep/types.h"

namespace parley::jsep {

std::string_view ToString(SdpType type) {
  switch (type) {
    case SdpType::kOffer:
      return "offer";
    case SdpType::kPranswer:
      return "pranswer";
    case SdpType::kAnswer:
      return "answer";
    case SdpType::kRollback:
      return "rollback";
  }
  return "?";
}

std::optional<SdpType> ParseSdpType(std::string_view name) {
  for (SdpType type : {SdpType::kOffer, SdpType::kPranswer, SdpType::kAnswer, SdpType::kRollback})
    if (ToString(type) == name) return type;
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
      return "closed";
  }
  return "?";
}

std::string_view ToString(MediaKind kind) {
  return kind == MediaKind::kAudio ? "audio" : "video";
}

std::string_view ToString(Direction direction) {
  switch (direction) {
    case Direction::kSendRecv:
      return "sendrecv";
    case Direction::kSendOnly:
      return "sendonly";
    case Direction::kRecvOnly:
      return "recvonly";
    case Direction::kInactive:
      return "inactive";
    case Direction::kStopped:
      return "stopped";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, SdpType type) {
  return os << ToString(type);
}
std::ostream& operator<<(std::ostream& os, SignalingState state) {
  return os << ToString(state);
}
std::ostream& operator<<(std::ostream& os, MediaKind kind) {
  return os << ToString(kind);
}
std::ostream& operator<<(std::ostream& os, Direction direction) {
  return os << ToString(direction);
}

bool HasSend(Direction direction) {
  return direction == Direction::kSendRecv || direction == Direction::kSendOnly;
}

bool HasRecv(Direction direction) {
  return direction == Direction::kSendRecv || direction == Direction::kRecvOnly;
}

Direction MakeDirection(bool send, bool recv) {
  if (send && recv) return Direction::kSendRecv;
  if (send) return Direction::kSendOnly;
  if (recv) return Direction::kRecvOnly;
  return Direction::kInactive;
}

Direction Reverse(Direction direction) {
  if (direction == Direction::kStopped) return direction;
  return MakeDirection(HasRecv(direction), HasSend(direction));
}

Direction AnswerDirection(Direction ours, Direction offered) {
  return MakeDirection(HasSend(ours) && HasRecv(offered), HasRecv(ours) && HasSend(offered));
}

sdp::Direction ToSdp(Direction direction) {
  switch (direction) {
    case Direction::kSendRecv:
      return sdp::Direction::kSendRecv;
    case Direction::kSendOnly:
      return sdp::Direction::kSendOnly;
    case Direction::kRecvOnly:
      return sdp::Direction::kRecvOnly;
    case Direction::kInactive:
    case Direction::kStopped:
      return sdp::Direction::kInactive;
  }
  return sdp::Direction::kInactive;
}

Direction FromSdp(sdp::Direction direction) {
  switch (direction) {
    case sdp::Direction::kSendRecv:
      return Direction::kSendRecv;
    case sdp::Direction::kSendOnly:
      return Direction::kSendOnly;
    case sdp::Direction::kRecvOnly:
      return Direction::kRecvOnly;
    case sdp::Direction::kInactive:
      return Direction::kInactive;
  }
  return Direction::kInactive;
}

}  // namespace parley::jsep
