// Parses arbitrary text as a signaling message (docs/signaling.md). Whatever parses must emit
// JSON that parses back to the same message.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "signaling/signaling_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley::examples;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto message = ParseSignalingMessage(text);
  if (!message || message->type == SignalingMessage::Type::kUnknown) return 0;
  auto again = ParseSignalingMessage(ToJson(*message));
  if (!again || *again != *message) std::abort();
  return 0;
}
