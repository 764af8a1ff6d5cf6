// Media direction attributes (RFC 8866 §6.7).
#include <algorithm>

#include "sdp/attributes.h"

namespace parley::sdp {
namespace {

std::optional<Direction> FirstDirection(const std::vector<Attribute>& attributes) {
  for (const Attribute& attribute : attributes) {
    if (auto direction = ParseDirection(attribute.name)) return direction;
  }
  return std::nullopt;
}

}  // namespace

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
  }
  return "?";
}

std::optional<Direction> ParseDirection(std::string_view name) {
  if (name == "sendrecv") return Direction::kSendRecv;
  if (name == "sendonly") return Direction::kSendOnly;
  if (name == "recvonly") return Direction::kRecvOnly;
  if (name == "inactive") return Direction::kInactive;
  return std::nullopt;
}

std::optional<Direction> DirectionOf(const MediaDescription& media) {
  return FirstDirection(media.attributes);
}

std::optional<Direction> DirectionOf(const SessionDescription& session) {
  return FirstDirection(session.attributes);
}

void SetDirection(MediaDescription& media, Direction direction) {
  auto& attributes = media.attributes;
  auto is_direction = [](const Attribute& a) { return ParseDirection(a.name).has_value(); };
  auto first = std::find_if(attributes.begin(), attributes.end(), is_direction);
  if (first == attributes.end()) {
    attributes.push_back(Attribute{std::string(ToString(direction)), std::nullopt});
    return;
  }
  *first = Attribute{std::string(ToString(direction)), std::nullopt};
  attributes.erase(std::remove_if(first + 1, attributes.end(), is_direction), attributes.end());
}

}  // namespace parley::sdp
