#include "ice/candidate.h"

#include <algorithm>
#include <charconv>

namespace parley::ice {
namespace {

std::string Quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('\'');
  out.append(text.substr(0, 64));
  if (text.size() > 64) out.append("...");
  out.push_back('\'');
  return out;
}

Error Invalid(std::string_view what, std::string_view value) {
  std::string message = "invalid ICE candidate: bad ";
  message.append(what);
  message.push_back(' ');
  message.append(Quote(value));
  return SyntaxError(std::move(message));
}

Error Missing(std::string_view what) {
  std::string message = "invalid ICE candidate: missing ";
  message.append(what);
  return SyntaxError(std::move(message));
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) {
             return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
           };
           return lower(x) == lower(y);
         });
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 8839 §5.1 ice-char: ALPHA / DIGIT / "+" / "/".
bool IsIceChar(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '+' || c == '/';
}

// RFC 4566 §9 token-char: visible ASCII except a few separators.
bool IsTokenChar(char c) {
  if (c <= 0x20 || c >= 0x7f) return false;
  return c != '"' && c != '(' && c != ')' && c != ',' && c != '/' && c != ':' && c != ';' &&
         c != '<' && c != '=' && c != '>' && c != '?' && c != '@' && c != '[' && c != '\\' &&
         c != ']' && c != '{' && c != '}';
}

template <typename U>
std::optional<U> ParseUnsigned(std::string_view text, size_t max_digits, uint64_t max_value) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), IsDigit)) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max_value)
    return std::nullopt;
  return static_cast<U>(value);
}

// RFC 8839 §5.1 connection-address: an IP literal or an FQDN (RFC 1123 host name: labels of
// letters, digits, '-' and '_' as mDNS names from browsers may carry; the last label not all
// digits, so that a malformed dotted quad is not mistaken for a name).
bool IsValidAddress(std::string_view text) {
  if (IpAddress::Parse(text)) return true;
  if (text.empty() || text.size() > 253) return false;
  std::string_view rest = text;
  if (rest.back() == '.') rest.remove_suffix(1);  // A fully qualified trailing dot.
  std::string_view last_label;
  while (true) {
    const size_t dot = rest.find('.');
    const std::string_view label = rest.substr(0, dot);
    if (label.empty() || label.size() > 63) return false;
    for (char c : label) {
      if (!IsAlpha(c) && !IsDigit(c) && c != '-' && c != '_') return false;
    }
    last_label = label;
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return !std::all_of(last_label.begin(), last_label.end(), IsDigit);
}

std::optional<CandidateType> ParseType(std::string_view text) {
  if (text == "host") return CandidateType::kHost;
  if (text == "srflx") return CandidateType::kServerReflexive;
  if (text == "prflx") return CandidateType::kPeerReflexive;
  if (text == "relay") return CandidateType::kRelay;
  return std::nullopt;
}

std::optional<TcpType> ParseTcpType(std::string_view text) {
  if (text == "active") return TcpType::kActive;
  if (text == "passive") return TcpType::kPassive;
  if (text == "so") return TcpType::kSimultaneousOpen;
  return std::nullopt;
}

// Splits on runs of spaces or tabs.
std::vector<std::string_view> Fields(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
      ++i;
    if (i == text.size()) break;
    const size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t')
      ++i;
    out.push_back(text.substr(start, i - start));
  }
  return out;
}

}  // namespace

std::string_view ToString(CandidateType type) {
  switch (type) {
    case CandidateType::kHost:
      return "host";
    case CandidateType::kServerReflexive:
      return "srflx";
    case CandidateType::kPeerReflexive:
      return "prflx";
    case CandidateType::kRelay:
      return "relay";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, CandidateType type) {
  return os << ToString(type);
}

std::string_view ToString(TransportProtocol transport) {
  return transport == TransportProtocol::kUdp ? "udp" : "tcp";
}

std::string_view ToString(TcpType type) {
  switch (type) {
    case TcpType::kActive:
      return "active";
    case TcpType::kPassive:
      return "passive";
    case TcpType::kSimultaneousOpen:
      return "so";
  }
  return "?";
}

Candidate Candidate::Make(std::string foundation, CandidateType type, uint32_t priority,
                          const SocketAddress& address, std::optional<SocketAddress> related,
                          TransportProtocol transport, uint16_t component) {
  Candidate c;
  c.foundation = std::move(foundation);
  c.component = component;
  c.transport = transport;
  c.priority = priority;
  c.address = address.ip().ToString();
  c.port = address.port();
  c.type = type;
  if (related) {
    c.related_address = related->ip().ToString();
    c.related_port = related->port();
  }
  return c;
}

Result<Candidate> Candidate::Parse(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.remove_suffix(1);
  if (text.starts_with("a=")) text.remove_prefix(2);
  constexpr std::string_view kPrefix = "candidate:";
  if (!text.starts_with(kPrefix))
    return SyntaxError("invalid ICE candidate: must start with 'candidate:'");
  text.remove_prefix(kPrefix.size());

  const std::vector<std::string_view> f = Fields(text);
  Candidate c;
  // RFC 8839 §5.1: foundation = 1*32ice-char.
  if (f.size() < 1) return Missing("foundation");
  if (f[0].size() > 32 || !std::all_of(f[0].begin(), f[0].end(), IsIceChar) ||
      text.front() == ' ') {
    return Invalid("foundation", f[0]);
  }
  c.foundation = std::string(f[0]);
  // component-id = 1*3DIGIT (1..256, RFC 8445 §5.1.1.1).
  if (f.size() < 2) return Missing("component");
  auto component = ParseUnsigned<uint16_t>(f[1], 3, 256);
  if (!component || *component == 0) return Invalid("component", f[1]);
  c.component = *component;
  // transport = "UDP" / transport-extension (case-insensitive in practice: Firefox sends "UDP",
  // Chromium "udp"). TCP is RFC 6544.
  if (f.size() < 3) return Missing("transport");
  if (EqualsIgnoreCase(f[2], "udp")) {
    c.transport = TransportProtocol::kUdp;
  } else if (EqualsIgnoreCase(f[2], "tcp")) {
    c.transport = TransportProtocol::kTcp;
  } else {
    return Invalid("transport", f[2]);
  }
  // priority = 1*10DIGIT, a 32-bit value.
  if (f.size() < 4) return Missing("priority");
  auto priority = ParseUnsigned<uint32_t>(f[3], 10, UINT32_MAX);
  if (!priority) return Invalid("priority", f[3]);
  c.priority = *priority;
  // connection-address: IPv4, IPv6 or FQDN.
  if (f.size() < 5) return Missing("connection-address");
  if (!IsValidAddress(f[4])) return Invalid("connection-address", f[4]);
  if (auto ip = IpAddress::Parse(f[4])) {
    c.address = ip->ToString();  // Canonical text (lower case, compressed IPv6).
  } else {
    c.address = std::string(f[4]);
  }
  // port = 1*5DIGIT.
  if (f.size() < 6) return Missing("port");
  auto port = ParseUnsigned<uint16_t>(f[5], 5, 65535);
  if (!port) return Invalid("port", f[5]);
  c.port = *port;
  // cand-type = "typ" SP candidate-types.
  if (f.size() < 7) return Missing("'typ'");
  if (f[6] != "typ") return Invalid("'typ' keyword", f[6]);
  if (f.size() < 8) return Missing("candidate type");
  auto type = ParseType(f[7]);
  if (!type) return Invalid("candidate type", f[7]);
  c.type = *type;

  // [SP rel-addr] [SP rel-port] [SP tcptype] *(SP extension-att-name SP extension-att-value).
  for (size_t i = 8; i < f.size(); i += 2) {
    const std::string_view name = f[i];
    if (i + 1 >= f.size()) {
      std::string message = "invalid ICE candidate: attribute ";
      message.append(Quote(name));
      message.append(" has no value");
      return SyntaxError(std::move(message));
    }
    const std::string_view value = f[i + 1];
    if (name == "raddr") {
      if (c.related_address || !IsValidAddress(value)) return Invalid("raddr", value);
      auto ip = IpAddress::Parse(value);
      c.related_address = ip ? ip->ToString() : std::string(value);
    } else if (name == "rport") {
      auto rport = ParseUnsigned<uint16_t>(value, 5, 65535);
      if (c.related_port || !rport) return Invalid("rport", value);
      c.related_port = *rport;
    } else if (name == "tcptype") {
      auto tcp_type = ParseTcpType(value);
      if (c.tcp_type || !tcp_type) return Invalid("tcptype", value);
      c.tcp_type = *tcp_type;
    } else {
      if (!std::all_of(name.begin(), name.end(), IsTokenChar)) {
        return Invalid("extension attribute name", name);
      }
      // Values are byte-strings in RFC 8839; require visible ASCII so ToString round-trips.
      if (!std::all_of(value.begin(), value.end(),
                       [](char ch) { return ch > 0x20 && ch < 0x7f; })) {
        return Invalid("extension attribute value", value);
      }
      c.extensions.push_back({std::string(name), std::string(value)});
    }
  }
  return c;
}

std::string Candidate::ToString() const {
  // Chromium's SdpSerializeCandidate order: foundation, component, protocol, priority, address,
  // port, typ, raddr/rport, tcptype, then the extensions ("generation 0 ufrag ... network-id").
  std::string out;
  out.reserve(128);
  out.append("candidate:");
  out.append(foundation);
  out.push_back(' ');
  out.append(std::to_string(component));
  out.push_back(' ');
  out.append(ice::ToString(transport));
  out.push_back(' ');
  out.append(std::to_string(priority));
  out.push_back(' ');
  out.append(address);
  out.push_back(' ');
  out.append(std::to_string(port));
  out.append(" typ ");
  out.append(ice::ToString(type));
  if (related_address) {
    out.append(" raddr ");
    out.append(*related_address);
  }
  if (related_port) {
    out.append(" rport ");
    out.append(std::to_string(*related_port));
  }
  if (tcp_type) {
    out.append(" tcptype ");
    out.append(ice::ToString(*tcp_type));
  }
  for (const CandidateExtension& e : extensions) {
    out.push_back(' ');
    out.append(e.name);
    out.push_back(' ');
    out.append(e.value);
  }
  return out;
}

std::optional<IpAddress> Candidate::ip() const {
  return IpAddress::Parse(address);
}

std::optional<SocketAddress> Candidate::socket_address() const {
  auto parsed = ip();
  if (!parsed) return std::nullopt;
  return SocketAddress(*parsed, port);
}

std::optional<SocketAddress> Candidate::related_socket_address() const {
  if (!related_address) return std::nullopt;
  auto parsed = IpAddress::Parse(*related_address);
  if (!parsed) return std::nullopt;
  return SocketAddress(*parsed, related_port.value_or(0));
}

bool Candidate::is_mdns() const {
  if (!is_fqdn()) return false;
  std::string_view name = address;
  if (name.ends_with('.')) name.remove_suffix(1);
  return name.size() > 6 && EqualsIgnoreCase(name.substr(name.size() - 6), ".local");
}

std::optional<std::string_view> Candidate::extension(std::string_view name) const {
  for (const CandidateExtension& e : extensions) {
    if (e.name == name) return e.value;
  }
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& os, const Candidate& candidate) {
  return os << candidate.ToString();
}

}  // namespace parley::ice
