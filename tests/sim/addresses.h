// Address literals for tests: Ip("192.0.2.1"), Addr("[2001:db8::1]:5000"). Malformed text aborts,
// since it is a bug in the test. All simulated addresses are virtual; nothing is ever sent.
#pragma once

#include <string_view>

#include "base/socket_address.h"

namespace parley::sim {

IpAddress Ip(std::string_view text);
SocketAddress Addr(std::string_view text);

}  // namespace parley::sim
