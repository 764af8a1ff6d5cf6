// ICE candidates as values, and their SDP "candidate" attribute (RFC 8839 §5.1):
//
//   candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
//             [raddr <address>] [rport <port>] [tcptype <active|passive|so>]
//             *(<extension name> <extension value>)
//
// Parse() accepts the line with or without a leading "a=" (SDP) and is lenient where browsers
// are (transport in any case, an FQDN such as "<uuid>.local" as the address, unknown extension
// pairs such as "generation 0 ufrag abc network-id 1 network-cost 10", which are kept in order).
// ToString() writes what Chromium sends (lower-case transport, extensions in their order).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/socket_address.h"
#include "parley/result.h"

namespace parley::ice {

// RFC 8445 §5.1.1: how the candidate was obtained.
enum class CandidateType : uint8_t {
  kHost,             // "host": a local socket's address.
  kServerReflexive,  // "srflx": the address a STUN (or TURN) server saw.
  kPeerReflexive,    // "prflx": the address the peer saw in a connectivity check.
  kRelay,            // "relay": an address allocated on a TURN server.
};
std::string_view ToString(CandidateType type);
std::ostream& operator<<(std::ostream& os, CandidateType type);

// RFC 8839 §5.1 "transport": UDP, or TCP (RFC 6544). Other transport extensions do not parse.
enum class TransportProtocol : uint8_t { kUdp, kTcp };
std::string_view ToString(TransportProtocol transport);

// RFC 6544 §4.5 "tcptype".
enum class TcpType : uint8_t { kActive, kPassive, kSimultaneousOpen };
std::string_view ToString(TcpType type);

// RFC 8839 §5.1: an extension-att-name / extension-att-value pair.
struct CandidateExtension {
  std::string name;
  std::string value;
  bool operator==(const CandidateExtension&) const = default;
};

struct Candidate {
  // RFC 8839 §5.1: 1 to 32 ice-chars. Equal foundations mean "same type, base IP, server and
  // transport" (RFC 8445 §5.1.1.3).
  std::string foundation;
  uint16_t component = 1;  // 1..256; 1 is RTP (the only component with rtcp-mux and BUNDLE).
  TransportProtocol transport = TransportProtocol::kUdp;
  uint32_t priority = 0;
  // The connection-address as text: an IP literal (IPv6 without brackets) or an FQDN, e.g. an
  // mDNS name "1f4712db-ea17-4bcf-a596-105139dfd8bf.local" (RFC 8839 §5.1, draft-ietf-mmusic-
  // mdns-ice-candidates) that must be resolved before use.
  std::string address;
  uint16_t port = 0;
  CandidateType type = CandidateType::kHost;
  // rel-addr / rel-port (RFC 8839 §5.1): the base of a reflexive candidate, the mapped address of
  // a relayed one. Browsers hiding host addresses send "0.0.0.0" / 0.
  std::optional<std::string> related_address;
  std::optional<uint16_t> related_port;
  std::optional<TcpType> tcp_type;
  // Everything else, in order ("generation", "ufrag", "network-id", "network-cost", ...).
  std::vector<CandidateExtension> extensions;

  // Builds a candidate whose address is an IP literal.
  static Candidate Make(std::string foundation, CandidateType type, uint32_t priority,
                        const SocketAddress& address,
                        std::optional<SocketAddress> related = std::nullopt,
                        TransportProtocol transport = TransportProtocol::kUdp,
                        uint16_t component = 1);

  // Parses "candidate:..." or "a=candidate:..." (a trailing CRLF is ignored). SyntaxError says
  // which field is wrong.
  static Result<Candidate> Parse(std::string_view text);
  // "candidate:..." without "a=", as Chromium's RTCIceCandidate.candidate.
  std::string ToString() const;

  // The address as an IP, if it is an IP literal.
  std::optional<IpAddress> ip() const;
  // address:port, if the address is an IP literal.
  std::optional<SocketAddress> socket_address() const;
  std::optional<SocketAddress> related_socket_address() const;
  // The address is a name (not an IP literal); "*.local" names are mDNS names.
  bool is_fqdn() const { return !ip().has_value(); }
  bool is_mdns() const;
  // The value of extension `name`, if present (e.g. "ufrag", "generation").
  std::optional<std::string_view> extension(std::string_view name) const;

  bool operator==(const Candidate&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Candidate& candidate);

}  // namespace parley::ice
