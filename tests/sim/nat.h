// The translation and filtering logic of a NAT, per RFC 4787 (NAT behavioural requirements for
// unicast UDP). Pure state: every call takes `now`; routing datagrams through it is the Network's
// job (network.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "base/random.h"
#include "base/socket_address.h"
#include "base/time.h"
#include "sim/packet_event.h"

namespace parley::sim {

// RFC 4787 §4.1: which outbound packets share one mapping (external address and port).
enum class MappingBehavior : uint8_t {
  kEndpointIndependent,      // Same internal X:x → same mapping, whatever the destination.
  kAddressDependent,         // A new mapping per destination address.
  kAddressAndPortDependent,  // A new mapping per destination address and port ("symmetric").
};

// RFC 4787 §5: which inbound packets to a mapping are let through.
enum class FilteringBehavior : uint8_t {
  kEndpointIndependent,      // Anyone ("full cone").
  kAddressDependent,         // Only addresses the internal endpoint has sent to.
  kAddressAndPortDependent,  // Only address:port pairs the internal endpoint has sent to.
};

// RFC 4787 §4.2.1: how the external port of a new mapping is chosen.
enum class PortAssignment : uint8_t {
  kPreserve,    // Reuse the internal port when free, else the next free port from the range.
  kSequential,  // The next free port from the range, in order.
  kRandom,      // A random free port from the range.
};

struct NatConfig {
  MappingBehavior mapping = MappingBehavior::kEndpointIndependent;
  FilteringBehavior filtering = FilteringBehavior::kEndpointIndependent;
  // RFC 4787 §4.3: a mapping idle this long expires. REQ-5 asks for at least 2 minutes; real
  // NATs often use 30 s, so ICE consent and keepalive tests should lower it.
  TimeDelta binding_timeout = TimeDelta::Seconds(120);
  // Outbound packets always refresh a mapping (REQ-6); inbound ones only when this is set.
  bool inbound_refresh = false;
  PortAssignment port_assignment = PortAssignment::kPreserve;
  // Range for ports the NAT picks itself (a preserved port may lie outside it).
  uint16_t port_min = 1024;
  uint16_t port_max = 65535;
  // RFC 4787 §6 (REQ-9): an internal host may reach another through the NAT's external address.
  bool hairpinning = true;

  // The classic STUN (RFC 3489) names, for scenario matrices.
  static NatConfig FullCone();            // EIM + EIF.
  static NatConfig RestrictedCone();      // EIM + address-dependent filtering.
  static NatConfig PortRestrictedCone();  // EIM + address-and-port-dependent filtering.
  static NatConfig Symmetric();           // APDM + address-and-port-dependent filtering.
};

struct NatStats {
  uint64_t translated_out = 0;
  uint64_t translated_in = 0;
  uint64_t hairpinned = 0;
  uint64_t mappings_created = 0;
  uint64_t mappings_expired = 0;
  uint64_t dropped_no_mapping = 0;  // Inbound to an unknown (or expired) external port.
  uint64_t dropped_filtered = 0;
  uint64_t dropped_hairpin = 0;
  uint64_t dropped_exhausted = 0;
  uint64_t dropped_udp_blocked = 0;
};

struct NatMapping {
  SocketAddress internal;
  SocketAddress external;
  Timestamp last_refresh;
  // Remote endpoints the internal endpoint sent to through this mapping; filtering consults them.
  std::set<SocketAddress> contacted;
};

// Either the translated address or why the datagram is dropped.
struct NatVerdict {
  std::optional<SocketAddress> address;
  DropReason drop = DropReason::kNoMapping;
};

// A hairpinned datagram gets both a new source and a new destination.
struct HairpinVerdict {
  std::optional<SocketAddress> source;
  std::optional<SocketAddress> destination;
  DropReason drop = DropReason::kHairpinDisabled;
};

class NatTable {
 public:
  // `external` holds at most one address per family (RFC 4787 §4.1 REQ-2 "paired" pooling then
  // holds trivially); `seed` drives random port assignment.
  NatTable(NatConfig config, std::vector<IpAddress> external, uint64_t seed);

  const NatConfig& config() const { return config_; }
  const std::vector<IpAddress>& external_addresses() const { return external_; }
  bool IsExternal(const IpAddress& ip) const;

  // Internal endpoint `internal` sends to `remote`: returns the external source address to use,
  // creating or refreshing the mapping.
  NatVerdict Outbound(Timestamp now, const SocketAddress& internal, const SocketAddress& remote);
  // `remote` sends to `external`: returns the internal destination, or a drop.
  NatVerdict Inbound(Timestamp now, const SocketAddress& remote, const SocketAddress& external);
  // Internal endpoint `internal` sends to `destination`, one of this NAT's external addresses.
  HairpinVerdict Hairpin(Timestamp now, const SocketAddress& internal,
                         const SocketAddress& destination);
  // Counts a datagram the NAT's firewall dropped.
  void CountUdpBlocked() { ++stats_.dropped_udp_blocked; }

  // The mapping `internal` would use to reach `remote`, if one is live (no refresh).
  std::optional<SocketAddress> FindMapping(Timestamp now, const SocketAddress& internal,
                                           const SocketAddress& remote);
  // Live mappings, ordered by external address.
  std::vector<NatMapping> Mappings(Timestamp now);
  // Forgets every mapping, as a NAT reboot would.
  void Clear();

  const NatStats& stats() const { return stats_; }

 private:
  // (internal endpoint, remote address or unspecified, remote port or 0), per §4.1.
  using MappingKey = std::tuple<SocketAddress, IpAddress, uint16_t>;

  struct Entry {
    NatMapping mapping;
    MappingKey key;
  };

  MappingKey KeyFor(const SocketAddress& internal, const SocketAddress& remote) const;
  void ExpireIdle(Timestamp now);
  std::optional<uint16_t> PickPort(const IpAddress& external, uint16_t internal_port);
  bool PortFree(const IpAddress& external, uint16_t port) const;
  bool Permits(const Entry& entry, const SocketAddress& remote) const;

  NatConfig config_;
  std::vector<IpAddress> external_;
  SeededRandom random_;
  uint32_t next_port_;  // Cursor for sequential assignment and fallback.
  NatStats stats_;
  std::map<SocketAddress, Entry> by_external_;
  std::map<MappingKey, SocketAddress> by_key_;
};

}  // namespace parley::sim
