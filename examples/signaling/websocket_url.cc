#include "signaling/websocket_url.h"

#include <algorithm>
#include <cctype>

namespace parley::examples {
namespace {

bool StartsWithCaseInsensitive(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

std::optional<uint16_t> ParsePort(std::string_view digits) {
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  uint32_t port = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port == 0 || port > 65535) return std::nullopt;
  return static_cast<uint16_t>(port);
}

}  // namespace

std::string WebSocketUrl::HostHeader() const {
  std::string header = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 80) header += ":" + std::to_string(port);
  return header;
}

std::optional<WebSocketUrl> ParseWebSocketUrl(std::string_view url) {
  constexpr std::string_view kScheme = "ws://";
  if (!StartsWithCaseInsensitive(url, kScheme)) return std::nullopt;
  // Spaces and control characters are never valid in a URI (RFC 3986 §2).
  const bool has_invalid_character = std::any_of(url.begin(), url.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
  });
  if (has_invalid_character) return std::nullopt;
  url.remove_prefix(kScheme.size());

  // RFC 3986 §3.2: the authority ends at the first "/", "?" or "#".
  const size_t authority_end = std::min(url.find_first_of("/?#"), url.size());
  std::string_view authority = url.substr(0, authority_end);
  std::string_view rest = url.substr(authority_end);
  if (const size_t fragment = rest.find('#'); fragment != std::string_view::npos) {
    rest = rest.substr(0, fragment);  // RFC 6455 §3: fragments are not part of a ws URI.
  }
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

  WebSocketUrl parsed;
  std::string_view port_text;
  if (authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos || close == 1) return std::nullopt;
    parsed.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port_text = after.substr(1);
      if (port_text.empty()) return std::nullopt;
    }
  } else {
    const size_t colon = authority.find(':');
    parsed.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return std::nullopt;
    }
    if (parsed.host.empty()) return std::nullopt;
  }
  if (!port_text.empty()) {
    const std::optional<uint16_t> port = ParsePort(port_text);
    if (!port) return std::nullopt;
    parsed.port = *port;
  }
  if (!rest.empty()) parsed.resource = (rest.front() == '?' ? "/" : "") + std::string(rest);
  return parsed;
}

}  // namespace parley::examples
