// Fuzzes the stun:/turn: URI parser: anything that parses must print to a URI that parses to
// the same thing.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ice/server_uri.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto uri = parley::ice::ParseServerUri(text);
  if (!uri.ok()) return 0;
  auto again = parley::ice::ParseServerUri(uri->ToString());
  if (!again.ok() || again->ToString() != uri->ToString()) std::abort();
  return 0;
}
