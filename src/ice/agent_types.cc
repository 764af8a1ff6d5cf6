#include "ice/agent_types.h"

namespace parley::ice {

std::string_view ToString(Role role) {
  return role == Role::kControlling ? "controlling" : "controlled";
}

std::string_view ToString(ConnectionState state) {
  switch (state) {
    case ConnectionState::kNew:
      return "new";
    case ConnectionState::kChecking:
      return "checking";
    case ConnectionState::kConnected:
      return "connected";
    case ConnectionState::kCompleted:
      return "completed";
    case ConnectionState::kFailed:
      return "failed";
    case ConnectionState::kDisconnected:
      return "disconnected";
    case ConnectionState::kClosed:
      return "closed";
  }
  return "?";
}

std::string_view ToString(GatheringState state) {
  switch (state) {
    case GatheringState::kNew:
      return "new";
    case GatheringState::kGathering:
      return "gathering";
    case GatheringState::kComplete:
      return "complete";
  }
  return "?";
}

std::string_view ToString(PairState state) {
  switch (state) {
    case PairState::kFrozen:
      return "frozen";
    case PairState::kWaiting:
      return "waiting";
    case PairState::kInProgress:
      return "in-progress";
    case PairState::kSucceeded:
      return "succeeded";
    case PairState::kFailed:
      return "failed";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, Role role) {
  return os << ToString(role);
}
std::ostream& operator<<(std::ostream& os, ConnectionState state) {
  return os << ToString(state);
}
std::ostream& operator<<(std::ostream& os, GatheringState state) {
  return os << ToString(state);
}
std::ostream& operator<<(std::ostream& os, PairState state) {
  return os << ToString(state);
}

}  // namespace parley::ice
