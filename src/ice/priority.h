// Candidate priorities, pair priorities and foundations (RFC 8445 §5.1.1.3, §5.1.2, §6.1.2.3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/socket_address.h"
#include "ice/candidate.h"

namespace parley::ice {

// RFC 8445 §5.1.2.2: recommended type preferences.
inline constexpr uint32_t kTypePreferenceHost = 126;
inline constexpr uint32_t kTypePreferencePeerReflexive = 110;
inline constexpr uint32_t kTypePreferenceServerReflexive = 100;
inline constexpr uint32_t kTypePreferenceRelay = 0;
uint32_t TypePreference(CandidateType type);

// How a relayed candidate reaches its TURN server; UDP is preferred over TCP over TLS (the
// extra latency and head-of-line blocking of streams), as browsers do.
enum class RelayProtocol : uint8_t { kUdp, kTcp, kTls };

// RFC 8445 §5.1.2.1: the 16-bit local preference, unique per base on a multihomed host:
//   bits 13..15  relay protocol preference (UDP 2, TCP 1, TLS 0; 0 for non-relayed candidates)
//   bits  8..12  address preference (RFC 6724 precedence halved: IPv6 global 20 over IPv4 15,
//                with unique-local, link-local and loopback lower)
//   bits  0..7   interface preference (255 for the first local socket, decreasing)
// so IPv6 is preferred over IPv4 (RFC 8421 §4), then earlier sockets over later ones, and a UDP
// relay over TCP over TLS.
uint16_t LocalPreference(const IpAddress& address, int interface_index,
                         std::optional<RelayProtocol> relay = std::nullopt);

// RFC 8445 §5.1.2.1: (2^24)*type + (2^8)*local + (256 - component).
uint32_t CandidatePriority(uint32_t type_preference, uint16_t local_preference,
                           uint16_t component = 1);
inline uint32_t CandidatePriority(CandidateType type, uint16_t local_preference,
                                  uint16_t component = 1) {
  return CandidatePriority(TypePreference(type), local_preference, component);
}

// RFC 8445 §6.1.2.3: 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0), G the controlling agent's candidate
// priority and D the controlled agent's.
uint64_t PairPriority(uint32_t controlling, uint32_t controlled);

// RFC 8445 §5.1.1.3: candidates share a foundation iff they have the same type, base IP address,
// STUN/TURN server IP address (if any) and transport (here also the relay protocol). The result
// is a decimal string (ice-chars, <= 10 characters), stable for the same inputs, like
// Chromium's.
std::string ComputeFoundation(CandidateType type, const IpAddress& base,
                              const std::optional<IpAddress>& server,
                              TransportProtocol transport = TransportProtocol::kUdp,
                              std::optional<RelayProtocol> relay = std::nullopt);

}  // namespace parley::ice
