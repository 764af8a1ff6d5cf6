#include "signaling/room_path.h"

#include <algorithm>

namespace parley::examples {
namespace {

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::optional<std::string> RoomNameFromTarget(std::string_view target) {
  constexpr std::string_view kPrefix = "/ws/";
  target = target.substr(0, target.find('?'));
  if (!target.starts_with(kPrefix)) return std::nullopt;
  const std::string_view name = target.substr(kPrefix.size());
  if (name.empty() || name.size() > kMaxRoomNameLength) return std::nullopt;
  if (!std::all_of(name.begin(), name.end(), IsUnreserved)) return std::nullopt;
  return std::string(name);
}

}  // namespace parley::examples
