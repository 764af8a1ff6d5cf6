#include "ice/server_uri.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace parley::ice {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// RFC 3986 §3.2.2 reg-name characters (unreserved / pct-encoded / sub-delims); we accept the
// ones host names use.
bool IsRegNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

Error UriError(std::string_view text, std::string_view what) {
  return SyntaxError("ICE server URI '" + std::string(text) + "': " + std::string(what));
}

}  // namespace

Result<ServerUri> ParseServerUri(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return UriError(text, "no scheme");
  ServerUri uri;
  const std::string_view scheme = text.substr(0, colon);
  if (EqualsIgnoreCase(scheme, "stun")) {
    uri.scheme = ServerScheme::kStun;
  } else if (EqualsIgnoreCase(scheme, "stuns")) {
    uri.scheme = ServerScheme::kStuns;
  } else if (EqualsIgnoreCase(scheme, "turn")) {
    uri.scheme = ServerScheme::kTurn;
  } else if (EqualsIgnoreCase(scheme, "turns")) {
    uri.scheme = ServerScheme::kTurns;
  } else {
    return UriError(text, "scheme must be stun, stuns, turn or turns");
  }
  const bool secure = uri.scheme == ServerScheme::kStuns || uri.scheme == ServerScheme::kTurns;
  std::string_view rest = text.substr(colon + 1);

  // Query: only "transport", and only for TURN (RFC 7065 §3.1; RFC 7064 has no query).
  std::optional<std::string_view> transport;
  if (const size_t q = rest.find('?'); q != std::string_view::npos) {
    const std::string_view query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    if (!uri.is_turn()) return UriError(text, "stun URIs take no query");
    constexpr std::string_view kKey = "transport=";
    if (query.size() <= kKey.size() || !EqualsIgnoreCase(query.substr(0, kKey.size()), kKey)) {
      return UriError(text, "the only query is ?transport=udp|tcp");
    }
    transport = query.substr(kKey.size());
  }

  // Host: "[IPv6]", IPv4 or reg-name; then an optional ":port". No userinfo or path.
  if (rest.empty()) return UriError(text, "no host");
  std::string_view port_text;
  if (rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return UriError(text, "unterminated '[' in host");
    uri.host = std::string(rest.substr(1, close - 1));
    auto ip = IpAddress::Parse(uri.host);
    if (!ip || !ip->is_v6()) return UriError(text, "'[...]' must hold an IPv6 address");
    rest = rest.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return UriError(text, "unexpected text after ']'");
      port_text = rest.substr(1);
      if (port_text.empty()) return UriError(text, "empty port");
    }
  } else {
    const size_t port_colon = rest.find(':');
    uri.host = std::string(rest.substr(0, port_colon));
    if (port_colon != std::string_view::npos) {
      port_text = rest.substr(port_colon + 1);
      if (port_text.empty()) return UriError(text, "empty port");
    }
    if (uri.host.empty()) return UriError(text, "no host");
    if (!std::all_of(uri.host.begin(), uri.host.end(), IsRegNameChar)) {
      return UriError(text, "host contains characters not allowed in a host name");
    }
  }
  uri.port = secure ? 5349 : 3478;
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return UriError(text, "port must be a number from 1 to 65535");
    }
    uri.port = static_cast<uint16_t>(port);
  }

  uri.transport = secure ? turn::Transport::kTls : turn::Transport::kUdp;
  if (transport) {
    if (EqualsIgnoreCase(*transport, "tcp")) {
      if (!secure) uri.transport = turn::Transport::kTcp;
    } else if (EqualsIgnoreCase(*transport, "udp")) {
      if (secure) {
        return NotSupportedError("ICE server URI '" + std::string(text) +
                                 "': turns over UDP (DTLS) is not supported");
      }
    } else {
      return UriError(text, "transport must be udp or tcp");
    }
  }
  return uri;
}

std::optional<SocketAddress> ServerUri::literal_address() const {
  auto ip = IpAddress::Parse(host);
  if (!ip) return std::nullopt;
  return SocketAddress(*ip, port);
}

std::string ServerUri::ToString() const {
  std::string out;
  switch (scheme) {
    case ServerScheme::kStun:
      out = "stun:";
      break;
    case ServerScheme::kStuns:
      out = "stuns:";
      break;
    case ServerScheme::kTurn:
      out = "turn:";
      break;
    case ServerScheme::kTurns:
      out = "turns:";
      break;
  }
  const auto ip = IpAddress::Parse(host);
  if (ip && ip->is_v6()) {
    out.append("[").append(host).append("]");
  } else {
    out.append(host);
  }
  out.append(":").append(std::to_string(port));
  if (is_turn()) {
    out.append(transport == turn::Transport::kUdp ? "?transport=udp" : "?transport=tcp");
  }
  return out;
}

turn::ServerConfig MakeTurnServerConfig(const ServerUri& uri, const SocketAddress& resolved,
                                        std::string username, std::string password) {
  turn::ServerConfig config;
  config.server = resolved;
  config.transport = uri.transport;
  config.username = std::move(username);
  config.password = std::move(password);
  if (uri.transport == turn::Transport::kTls) config.tls_server_name = uri.host;
  return config;
}

}  // namespace parley::ice
