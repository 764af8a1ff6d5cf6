#include "ice/priority.h"

#include <algorithm>

#include "stun/crc32.h"

namespace parley::ice {

uint32_t TypePreference(CandidateType type) {
  switch (type) {
    case CandidateType::kHost:
      return kTypePreferenceHost;
    case CandidateType::kPeerReflexive:
      return kTypePreferencePeerReflexive;
    case CandidateType::kServerReflexive:
      return kTypePreferenceServerReflexive;
    case CandidateType::kRelay:
      return kTypePreferenceRelay;
  }
  return 0;
}

namespace {

// RFC 6724 §2.1 precedence, halved into 5 bits.
uint16_t AddressPreference(const IpAddress& ip) {
  if (ip.is_v4()) return ip.IsLoopback() ? 10 : 15;
  const auto b = ip.bytes();
  const bool v4_mapped = std::all_of(b.begin(), b.begin() + 10, [](uint8_t x) { return x == 0; }) &&
                         b[10] == 0xff && b[11] == 0xff;
  if (v4_mapped) return 15;
  if (ip.IsLoopback()) return 10;
  if (ip.IsLinkLocal()) return 5;
  if ((b[0] & 0xfe) == 0xfc) return 7;  // Unique local fc00::/7 (RFC 6724 precedence 3).
  return 20;                            // Global unicast.
}

uint16_t RelayPreference(std::optional<RelayProtocol> relay) {
  if (!relay) return 0;
  switch (*relay) {
    case RelayProtocol::kUdp:
      return 2;
    case RelayProtocol::kTcp:
      return 1;
    case RelayProtocol::kTls:
      return 0;
  }
  return 0;
}

}  // namespace

uint16_t LocalPreference(const IpAddress& address, int interface_index,
                         std::optional<RelayProtocol> relay) {
  const int interface_pref = std::clamp(255 - interface_index, 0, 255);
  return static_cast<uint16_t>((RelayPreference(relay) << 13) | (AddressPreference(address) << 8) |
                               interface_pref);
}

uint32_t CandidatePriority(uint32_t type_preference, uint16_t local_preference,
                           uint16_t component) {
  const uint32_t component_term = 256u - std::clamp<uint32_t>(component, 1, 256);
  return ((type_preference & 0xff) << 24) | (uint32_t{local_preference} << 8) | component_term;
}

uint64_t PairPriority(uint32_t controlling, uint32_t controlled) {
  const uint64_t g = controlling;
  const uint64_t d = controlled;
  return (std::min(g, d) << 32) + 2 * std::max(g, d) + (g > d ? 1 : 0);
}

std::string ComputeFoundation(CandidateType type, const IpAddress& base,
                              const std::optional<IpAddress>& server, TransportProtocol transport,
                              std::optional<RelayProtocol> relay) {
  std::string key;
  key.append(ToString(type));
  key.push_back('|');
  key.append(base.ToString());
  key.push_back('|');
  if (server) key.append(server->ToString());
  key.push_back('|');
  key.append(ToString(transport));
  key.push_back('|');
  if (relay) key.push_back(static_cast<char>('0' + static_cast<int>(*relay)));
  const uint32_t crc =
      stun::Crc32(ByteView(reinterpret_cast<const uint8_t*>(key.data()), key.size()));
  return std::to_string(crc);
}

}  // namespace parley::ice
