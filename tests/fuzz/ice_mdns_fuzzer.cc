// Parses arbitrary bytes as a DNS/mDNS message (RFC 1035 §4, RFC 6762) as the ICE agent does for
// ".local" candidates. Never crashes or reads out of bounds; whatever parses re-serializes (names
// uncompressed) to something that parses again.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "ice/mdns.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto message = parley::ice::mdns::Parse(std::span<const uint8_t>(data, size));
  if (!message) return 0;
  for (const auto& record : message->answers)
    (void)record.address();
  (void)parley::ice::mdns::FindAddress(*message, "a.local");
  if (!message->questions.empty()) {
    (void)parley::ice::mdns::FindAddress(*message, message->questions[0].name);
  }
  if (!parley::ice::mdns::Parse(message->Serialize())) std::abort();
  return 0;
}
