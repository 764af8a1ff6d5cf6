#include "base/socket_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace parley {

IpAddress IpAddress::V4(uint32_t host_order) {
  return V4(static_cast<uint8_t>(host_order >> 24), static_cast<uint8_t>(host_order >> 16),
            static_cast<uint8_t>(host_order >> 8), static_cast<uint8_t>(host_order));
}

IpAddress IpAddress::V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  IpAddress ip;
  ip.family_ = IpFamily::kV4;
  ip.bytes_ = {a, b, c, d};
  return ip;
}

IpAddress IpAddress::V6(std::span<const uint8_t, 16> bytes) {
  IpAddress ip;
  ip.family_ = IpFamily::kV6;
  std::memcpy(ip.bytes_.data(), bytes.data(), 16);
  return ip;
}

IpAddress IpAddress::Loopback(IpFamily family) {
  if (family == IpFamily::kV4) return V4(127, 0, 0, 1);
  std::array<uint8_t, 16> b{};
  b[15] = 1;
  return V6(b);
}

IpAddress IpAddress::Any(IpFamily family) {
  if (family == IpFamily::kV4) return V4(0, 0, 0, 0);
  return V6(std::array<uint8_t, 16>{});
}

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; longest IPv6 text form is 45 characters.
  char buf[64];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  uint8_t out[16];
  if (inet_pton(AF_INET, buf, out) == 1) return V4(out[0], out[1], out[2], out[3]);
  if (inet_pton(AF_INET6, buf, out) == 1) return V6(std::span<const uint8_t, 16>(out, 16));
  return std::nullopt;
}

uint32_t IpAddress::v4_host_order() const {
  return (uint32_t{bytes_[0]} << 24) | (uint32_t{bytes_[1]} << 16) | (uint32_t{bytes_[2]} << 8) |
         bytes_[3];
}

bool IpAddress::IsLoopback() const {
  if (is_v4()) return bytes_[0] == 127;
  return *this == Loopback(IpFamily::kV6);
}

bool IpAddress::IsAny() const {
  return *this == Any(family_);
}

bool IpAddress::IsLinkLocal() const {
  if (is_v4()) return bytes_[0] == 169 && bytes_[1] == 254;
  return bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80;
}

bool IpAddress::IsPrivate() const {
  if (is_v4()) {
    return bytes_[0] == 10 || (bytes_[0] == 172 && (bytes_[1] & 0xf0) == 16) ||
           (bytes_[0] == 192 && bytes_[1] == 168);
  }
  return (bytes_[0] & 0xfe) == 0xfc;  // fc00::/7 unique local.
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
  return buf;
}

std::optional<SocketAddress> SocketAddress::Parse(std::string_view text) {
  std::string_view host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) return std::nullopt;
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  auto ip = IpAddress::Parse(host);
  if (!ip || port_text.empty() || port_text.size() > 5) return std::nullopt;
  if (text.front() == '[' && !ip->is_v6()) return std::nullopt;
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
    return std::nullopt;
  return SocketAddress(*ip, static_cast<uint16_t>(port));
}

std::string SocketAddress::ToString() const {
  // Built with append(): GCC 12 -O3 reports a false -Wrestrict on `"[" + std::string`.
  std::string out;
  out.reserve(56);
  if (ip_.is_v6()) out.push_back('[');
  out.append(ip_.ToString());
  if (ip_.is_v6()) out.push_back(']');
  out.push_back(':');
  out.append(std::to_string(port_));
  return out;
}

std::ostream& operator<<(std::ostream& os, const IpAddress& ip) {
  return os << ip.ToString();
}
std::ostream& operator<<(std::ostream& os, const SocketAddress& address) {
  return os << address.ToString();
}

}  // namespace parley

size_t std::hash<parley::IpAddress>::operator()(const parley::IpAddress& ip) const noexcept {
  size_t h = ip.is_v4() ? 4 : 6;
  for (uint8_t b : ip.bytes())
    h = h * 131 + b;
  return h;
}

size_t std::hash<parley::SocketAddress>::operator()(
    const parley::SocketAddress& address) const noexcept {
  return std::hash<parley::IpAddress>{}(address.ip()) * 65537 + address.port();
}
