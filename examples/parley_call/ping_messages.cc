#include "parley_call/ping_messages.h"

#include <charconv>

namespace parley::examples {
namespace {

constexpr std::string_view kPingPrefix = "ping ";
constexpr std::string_view kEchoPrefix = "echo:";

bool IsPing(std::string_view text) {
  if (!text.starts_with(kPingPrefix)) return false;
  const std::string_view digits = text.substr(kPingPrefix.size());
  uint64_t number = 0;
  const char* end = digits.data() + digits.size();
  const auto [stop, error] = std::from_chars(digits.data(), end, number);
  return !digits.empty() && error == std::errc() && stop == end;
}

}  // namespace

std::string PingMessage(uint64_t number) {
  return std::string(kPingPrefix) + std::to_string(number);
}

std::string EchoMessage(std::string_view ping) {
  return std::string(kEchoPrefix) + std::string(ping);
}

ChatMessageKind ClassifyChatMessage(std::string_view text) {
  if (IsPing(text)) return ChatMessageKind::kPing;
  if (text.starts_with(kEchoPrefix) && IsPing(text.substr(kEchoPrefix.size()))) {
    return ChatMessageKind::kEcho;
  }
  return ChatMessageKind::kOther;
}

}  // namespace parley::examples
