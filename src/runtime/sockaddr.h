// Conversions between SocketAddress and the BSD socket structures.
#pragma once

#include <sys/socket.h>

#include <optional>
#include <string>

#include "base/socket_address.h"
#include "parley/result.h"

namespace parley {

// Fills `out` (AF_INET or AF_INET6) and returns the length to pass to bind()/sendto().
socklen_t ToSockaddr(const SocketAddress& address, sockaddr_storage* out);

// nullopt for families other than AF_INET/AF_INET6 or a too-short `length`. IPv6 scope ids are
// dropped: SocketAddress carries none.
std::optional<SocketAddress> FromSockaddr(const sockaddr* address, socklen_t length);

// The address a socket is bound to (getsockname); nullopt on failure.
std::optional<SocketAddress> LocalAddressOf(int fd);

// strerror-style text for an errno value, thread-safe.
std::string ErrnoText(int error);

// bind()s `fd` to `local`. Errors say `where` and why: InvalidAccessError when the address is
// the problem (IsLocalAddressError), else OperationError.
Result<void> BindTo(int fd, const SocketAddress& local, const std::string& where);

// bind()/connect() errors caused by the local address the caller chose (in use, not on this
// host, not permitted, wrong family): reported as InvalidAccessError rather than OperationError.
bool IsLocalAddressError(int error);

}  // namespace parley
