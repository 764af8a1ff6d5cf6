// The WebSocket endpoint of parley-signal: a request target "/ws/<room>" (a query is ignored).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace parley::examples {

// Room names are 1 to 64 URL-unreserved characters (RFC 3986 §2.3: A-Z a-z 0-9 - . _ ~), so
// they need no escaping in a URL and fit in a WebSocket close reason.
inline constexpr size_t kMaxRoomNameLength = 64;

// The room a target such as "/ws/demo" or "/ws/demo?peer=1" names; nullopt when the target is
// not under /ws/ or the name is empty, too long, has another "/" or a character outside the set.
std::optional<std::string> RoomNameFromTarget(std::string_view target);

}  // namespace parley::examples
