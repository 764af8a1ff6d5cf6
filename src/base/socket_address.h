// IP addresses and transport addresses (IP + port), IPv4 and IPv6, as plain values.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace parley {

enum class IpFamily : uint8_t { kV4, kV6 };

class IpAddress {
 public:
  // 0.0.0.0
  IpAddress() = default;
  static IpAddress V4(uint32_t host_order);
  static IpAddress V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
  static IpAddress V6(std::span<const uint8_t, 16> bytes);
  static IpAddress Loopback(IpFamily family);
  static IpAddress Any(IpFamily family);
  // Dotted quad or RFC 4291 §2.2 text (no brackets, no zone id). nullopt when malformed.
  static std::optional<IpAddress> Parse(std::string_view text);

  IpFamily family() const { return family_; }
  bool is_v4() const { return family_ == IpFamily::kV4; }
  bool is_v6() const { return family_ == IpFamily::kV6; }
  // Network-order bytes: 4 for IPv4, 16 for IPv6.
  std::span<const uint8_t> bytes() const { return {bytes_.data(), is_v4() ? 4u : 16u}; }
  uint32_t v4_host_order() const;

  bool IsLoopback() const;
  bool IsAny() const;
  bool IsLinkLocal() const;
  // RFC 1918 / RFC 4193 private ranges.
  bool IsPrivate() const;

  std::string ToString() const;
  auto operator<=>(const IpAddress&) const = default;

 private:
  IpFamily family_ = IpFamily::kV4;
  std::array<uint8_t, 16> bytes_{};
};

class SocketAddress {
 public:
  SocketAddress() = default;
  SocketAddress(IpAddress ip, uint16_t port) : ip_(ip), port_(port) {}
  // "1.2.3.4:5678" or "[::1]:5678". nullopt when malformed.
  static std::optional<SocketAddress> Parse(std::string_view text);

  const IpAddress& ip() const { return ip_; }
  uint16_t port() const { return port_; }
  IpFamily family() const { return ip_.family(); }
  std::string ToString() const;
  auto operator<=>(const SocketAddress&) const = default;

 private:
  IpAddress ip_;
  uint16_t port_ = 0;
};

std::ostream& operator<<(std::ostream& os, const IpAddress& ip);
std::ostream& operator<<(std::ostream& os, const SocketAddress& address);

}  // namespace parley

template <>
struct std::hash<parley::IpAddress> {
  size_t operator()(const parley::IpAddress& ip) const noexcept;
};
template <>
struct std::hash<parley::SocketAddress> {
  size_t operator()(const parley::SocketAddress& address) const noexcept;
};
