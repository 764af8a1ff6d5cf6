// Conversions between SocketAddress and the BSD socket structures.
#pragma once

#include <sys/socket.h>

#include <optional>

#include "base/socket_address.h"

namespace parley {

// Fills `out` (AF_INET or AF_INET6) and returns the length to pass to bind()/sendto().
socklen_t ToSockaddr(const SocketAddress& address, sockaddr_storage* out);

// nullopt for families other than AF_INET/AF_INET6 or a too-short `length`. IPv6 scope ids are
// dropped: SocketAddress carries none.
std::optional<SocketAddress> FromSockaddr(const sockaddr* address, socklen_t length);

}  // namespace parley
