#include "sim/addresses.h"

#include <cstdio>
#include <cstdlib>

namespace parley::sim {

IpAddress Ip(std::string_view text) {
  auto ip = IpAddress::Parse(text);
  if (!ip) {
    std::fprintf(stderr, "parley sim: bad IP literal \"%.*s\"\n", static_cast<int>(text.size()),
                 text.data());
    std::abort();
  }
  return *ip;
}

SocketAddress Addr(std::string_view text) {
  auto address = SocketAddress::Parse(text);
  if (!address) {
    std::fprintf(stderr, "parley sim: bad address literal \"%.*s\"\n",
                 static_cast<int>(text.size()), text.data());
    std::abort();
  }
  return *address;
}

}  // namespace parley::sim
