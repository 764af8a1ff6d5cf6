// Parses arbitrary text as an ICE candidate attribute (RFC 8839 §5.1). Whatever parses must
// serialize to a line that parses back to the same candidate, and its accessors must not crash.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ice/candidate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto candidate = parley::ice::Candidate::Parse(text);
  if (!candidate.ok()) {
    if (candidate.error().kind() != parley::ErrorKind::kSyntaxError) std::abort();
    return 0;
  }
  (void)candidate->ip();
  (void)candidate->socket_address();
  (void)candidate->related_socket_address();
  (void)candidate->is_mdns();
  (void)candidate->extension("ufrag");
  const std::string line = candidate->ToString();
  auto again = parley::ice::Candidate::Parse(line);
  if (!again.ok() || !(*again == *candidate) || again->ToString() != line) std::abort();
  return 0;
}
