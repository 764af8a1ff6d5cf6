// ICE server URIs: "stun:", "stuns:" (RFC 7064) and "turn:", "turns:" (RFC 7065), as they appear
// in RTCConfiguration.iceServers[].urls.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/socket_address.h"
#include "parley/result.h"
#include "turn/turn_types.h"

namespace parley::ice {

enum class ServerScheme : uint8_t { kStun, kStuns, kTurn, kTurns };

struct ServerUri {
  ServerScheme scheme = ServerScheme::kStun;
  // An IPv4 or IPv6 literal (without brackets) or a host name still to be resolved.
  std::string host;
  uint16_t port = 0;
  // The transport to the server: UDP, TCP, or TLS (stuns:/turns:, always over TCP here).
  turn::Transport transport = turn::Transport::kUdp;

  bool is_turn() const { return scheme == ServerScheme::kTurn || scheme == ServerScheme::kTurns; }
  // The server's address when `host` is an IP literal.
  std::optional<SocketAddress> literal_address() const;
  // Canonical text, e.g. "turn:[2001:db8::1]:3478?transport=tcp".
  std::string ToString() const;
};

// RFC 7064 §3.1 / RFC 7065 §3.1:
//   stunURI = scheme ":" host [ ":" port ]            scheme = "stun" / "stuns"
//   turnURI = scheme ":" host [ ":" port ] [ "?transport=" transport ]
//                                                     scheme = "turn" / "turns"
// Schemes and the transport are case-insensitive. Default ports 3478, or 5349 for the secure
// schemes. SyntaxError names what is wrong; a well-formed URI we cannot use (stuns:/turns: over
// UDP, i.e. DTLS) is NotSupportedError.
Result<ServerUri> ParseServerUri(std::string_view text);

// The TURN client configuration for a turn:/turns: URI whose host is `resolved`. For turns:,
// the URI's host name is what the certificate is verified against.
turn::ServerConfig MakeTurnServerConfig(const ServerUri& uri, const SocketAddress& resolved,
                                        std::string username, std::string password);

}  // namespace parley::ice
