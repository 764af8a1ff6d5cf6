// Fuzzes the textual address parsers. Anything that parses must format back to text that parses
// to the same address.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/socket_address.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto ip = parley::IpAddress::Parse(text)) {
    if (parley::IpAddress::Parse(ip->ToString()) != ip) std::abort();
  }
  if (auto address = parley::SocketAddress::Parse(text)) {
    if (parley::SocketAddress::Parse(address->ToString()) != address) std::abort();
  }
  return 0;
}
