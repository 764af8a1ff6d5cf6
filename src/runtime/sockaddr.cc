#include "runtime/sockaddr.h"

#include <cerrno>
#include <system_error>

#include <netinet/in.h>

#include <cstring>
#include <span>

namespace parley {

socklen_t ToSockaddr(const SocketAddress& address, sockaddr_storage* out) {
  std::memset(out, 0, sizeof *out);
  const auto bytes = address.ip().bytes();
  if (address.ip().is_v4()) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(out);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(address.port());
    std::memcpy(&v4->sin_addr, bytes.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(out);
  v6->sin6_family = AF_INET6;
  v6->sin6_port = htons(address.port());
  std::memcpy(&v6->sin6_addr, bytes.data(), 16);
  return sizeof(sockaddr_in6);
}

std::optional<SocketAddress> FromSockaddr(const sockaddr* address, socklen_t length) {
  if (address == nullptr || length < static_cast<socklen_t>(sizeof(sa_family_t))) {
    return std::nullopt;
  }
  if (address->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof v4);
    const auto* b = reinterpret_cast<const uint8_t*>(&v4.sin_addr);
    return SocketAddress(IpAddress::V4(b[0], b[1], b[2], b[3]), ntohs(v4.sin_port));
  }
  if (address->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof v6);
    const auto* b = reinterpret_cast<const uint8_t*>(&v6.sin6_addr);
    return SocketAddress(IpAddress::V6(std::span<const uint8_t, 16>(b, 16)), ntohs(v6.sin6_port));
  }
  return std::nullopt;
}

std::optional<SocketAddress> LocalAddressOf(int fd) {
  sockaddr_storage address;
  socklen_t length = sizeof address;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return std::nullopt;
  return FromSockaddr(reinterpret_cast<const sockaddr*>(&address), length);
}

std::string ErrnoText(int error) {
  return std::generic_category().message(error);
}

bool IsLocalAddressError(int error) {
  return error == EADDRINUSE || error == EADDRNOTAVAIL || error == EACCES || error == EPERM ||
         error == EAFNOSUPPORT;
}

Result<void> BindTo(int fd, const SocketAddress& local, const std::string& where) {
  sockaddr_storage address;
  const socklen_t length = ToSockaddr(local, &address);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), length) == 0) return Ok();
  const int error = errno;
  std::string message = where + "bind failed: " + ErrnoText(error);
  if (IsLocalAddressError(error)) return InvalidAccessError(std::move(message));
  return OperationError(std::move(message));
}

}  // namespace parley
