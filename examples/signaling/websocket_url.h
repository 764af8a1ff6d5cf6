// The parts of a ws:// URL the signaling client needs to connect (RFC 6455 §3): host, port and
// the resource name (path and query) sent in the opening handshake.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::examples {

struct WebSocketUrl {
  std::string host;  // A name or an IP literal (IPv6 without its brackets).
  uint16_t port = 80;
  std::string resource = "/";  // Path and query, e.g. "/ws/room1?x=y"; "/" when empty.

  // The Host header value of the handshake: the host (IPv6 in brackets) and ":port" unless 80.
  std::string HostHeader() const;
};

// Parses "ws://host[:port][/path][?query]" (scheme case-insensitive, IPv6 as "[::1]"). nullopt
// for anything else, including wss:// (no TLS here), user info, an empty host or a bad port.
std::optional<WebSocketUrl> ParseWebSocketUrl(std::string_view url);

}  // namespace parley::examples
