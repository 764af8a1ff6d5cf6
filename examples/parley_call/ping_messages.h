// The data-channel chat of parley-call: each side sends "ping N" (N = 1, 2, ...) every 500 ms
// and answers each "ping N" it receives with "echo:ping N", so both directions are checked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::examples {

std::string PingMessage(uint64_t number);
// "echo:" + the ping as received.
std::string EchoMessage(std::string_view ping);

enum class ChatMessageKind { kPing, kEcho, kOther };
// kPing for "ping N", kEcho for "echo:ping N" (N a decimal number), kOther for anything else.
ChatMessageKind ClassifyChatMessage(std::string_view text);

}  // namespace parley::examples
