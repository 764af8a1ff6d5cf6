#include "sim/nat.h"

#include <algorithm>

namespace parley::sim {

NatConfig NatConfig::FullCone() {
  return {};
}

NatConfig NatConfig::RestrictedCone() {
  NatConfig config;
  config.filtering = FilteringBehavior::kAddressDependent;
  return config;
}

NatConfig NatConfig::PortRestrictedCone() {
  NatConfig config;
  config.filtering = FilteringBehavior::kAddressAndPortDependent;
  return config;
}

NatConfig NatConfig::Symmetric() {
  NatConfig config;
  config.mapping = MappingBehavior::kAddressAndPortDependent;
  config.filtering = FilteringBehavior::kAddressAndPortDependent;
  return config;
}

NatTable::NatTable(NatConfig config, std::vector<IpAddress> external, uint64_t seed)
    : config_(config), external_(std::move(external)), random_(seed), next_port_(config.port_min) {}

bool NatTable::IsExternal(const IpAddress& ip) const {
  return std::find(external_.begin(), external_.end(), ip) != external_.end();
}

NatTable::MappingKey NatTable::KeyFor(const SocketAddress& internal,
                                      const SocketAddress& remote) const {
  // RFC 4787 §4.1: EIM reuses the mapping for any destination; ADM keys it on the destination
  // address; APDM on the destination address and port.
  switch (config_.mapping) {
    case MappingBehavior::kEndpointIndependent:
      return {internal, IpAddress(), 0};
    case MappingBehavior::kAddressDependent:
      return {internal, remote.ip(), 0};
    case MappingBehavior::kAddressAndPortDependent:
      return {internal, remote.ip(), remote.port()};
  }
  return {internal, IpAddress(), 0};
}

void NatTable::ExpireIdle(Timestamp now) {
  // RFC 4787 §4.3: a mapping expires once idle for the binding timeout; expired mappings free
  // their port and their filtering state.
  for (auto it = by_external_.begin(); it != by_external_.end();) {
    if (now - it->second.mapping.last_refresh >= config_.binding_timeout) {
      by_key_.erase(it->second.key);
      it = by_external_.erase(it);
      ++stats_.mappings_expired;
    } else {
      ++it;
    }
  }
}

bool NatTable::PortFree(const IpAddress& external, uint16_t port) const {
  return port != 0 && !by_external_.contains(SocketAddress(external, port));
}

std::optional<uint16_t> NatTable::PickPort(const IpAddress& external, uint16_t internal_port) {
  // RFC 4787 §4.2.1: port preservation when the port is free. A port is never shared by two
  // mappings (no "port overloading", §4.2.2), so each mapping is identified by its port.
  if (config_.port_assignment == PortAssignment::kPreserve && PortFree(external, internal_port))
    return internal_port;
  const uint32_t lo = config_.port_min;
  const uint32_t hi = std::max<uint32_t>(config_.port_max, lo);
  const uint32_t range = hi - lo + 1;
  if (config_.port_assignment == PortAssignment::kRandom) {
    for (int attempt = 0; attempt < 64; ++attempt) {
      const auto port = static_cast<uint16_t>(random_.Uniform(lo, hi));
      if (PortFree(external, port)) return port;
    }
  }
  for (uint32_t i = 0; i < range; ++i) {
    const uint32_t candidate = lo + (next_port_ - lo + i) % range;
    const auto port = static_cast<uint16_t>(candidate);
    if (PortFree(external, port)) {
      next_port_ = candidate + 1 > hi ? lo : candidate + 1;
      return port;
    }
  }
  return std::nullopt;
}

NatVerdict NatTable::Outbound(Timestamp now, const SocketAddress& internal,
                              const SocketAddress& remote) {
  ExpireIdle(now);
  const MappingKey key = KeyFor(internal, remote);
  if (auto found = by_key_.find(key); found != by_key_.end()) {
    NatMapping& mapping = by_external_.at(found->second).mapping;
    mapping.last_refresh = now;  // REQ-6: outbound refresh.
    mapping.contacted.insert(remote);
    ++stats_.translated_out;
    return {mapping.external, {}};
  }
  const auto ip = std::find_if(external_.begin(), external_.end(),
                               [&](const IpAddress& a) { return a.family() == remote.family(); });
  std::optional<uint16_t> port;
  if (ip != external_.end()) port = PickPort(*ip, internal.port());
  if (!port) {
    ++stats_.dropped_exhausted;
    return {std::nullopt, DropReason::kNatExhausted};
  }
  const SocketAddress external(*ip, *port);
  by_external_.emplace(external, Entry{NatMapping{internal, external, now, {remote}}, key});
  by_key_.emplace(key, external);
  ++stats_.mappings_created;
  ++stats_.translated_out;
  return {external, {}};
}

bool NatTable::Permits(const Entry& entry, const SocketAddress& remote) const {
  // RFC 4787 §5: EIF admits anyone; ADF only addresses the internal endpoint has sent to; APDF
  // only exact address:port pairs it has sent to.
  const std::set<SocketAddress>& contacted = entry.mapping.contacted;
  switch (config_.filtering) {
    case FilteringBehavior::kEndpointIndependent:
      return true;
    case FilteringBehavior::kAddressDependent:
      return std::any_of(contacted.begin(), contacted.end(),
                         [&](const SocketAddress& c) { return c.ip() == remote.ip(); });
    case FilteringBehavior::kAddressAndPortDependent:
      return contacted.contains(remote);
  }
  return false;
}

NatVerdict NatTable::Inbound(Timestamp now, const SocketAddress& remote,
                             const SocketAddress& external) {
  ExpireIdle(now);
  auto it = by_external_.find(external);
  if (it == by_external_.end()) {
    ++stats_.dropped_no_mapping;
    return {std::nullopt, DropReason::kNoMapping};
  }
  if (!Permits(it->second, remote)) {
    ++stats_.dropped_filtered;
    return {std::nullopt, DropReason::kFiltered};
  }
  // RFC 4787 §4.3: inbound refresh is optional behaviour.
  if (config_.inbound_refresh) it->second.mapping.last_refresh = now;
  ++stats_.translated_in;
  return {it->second.mapping.internal, {}};
}

HairpinVerdict NatTable::Hairpin(Timestamp now, const SocketAddress& internal,
                                 const SocketAddress& destination) {
  // RFC 4787 §6: with hairpinning, the packet looks to its internal receiver as if it came from
  // the sender's external mapping (REQ-9 b), and goes through the receiver mapping's filter.
  if (!config_.hairpinning) {
    ++stats_.dropped_hairpin;
    return {std::nullopt, std::nullopt, DropReason::kHairpinDisabled};
  }
  const NatVerdict out = Outbound(now, internal, destination);
  if (!out.address) return {std::nullopt, std::nullopt, out.drop};
  const NatVerdict in = Inbound(now, *out.address, destination);
  if (!in.address) return {out.address, std::nullopt, in.drop};
  ++stats_.hairpinned;
  return {out.address, in.address, {}};
}

std::optional<SocketAddress> NatTable::FindMapping(Timestamp now, const SocketAddress& internal,
                                                   const SocketAddress& remote) {
  ExpireIdle(now);
  auto it = by_key_.find(KeyFor(internal, remote));
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

std::vector<NatMapping> NatTable::Mappings(Timestamp now) {
  ExpireIdle(now);
  std::vector<NatMapping> out;
  for (const auto& [external, entry] : by_external_)
    out.push_back(entry.mapping);
  return out;
}

void NatTable::Clear() {
  by_external_.clear();
  by_key_.clear();
}

}  // namespace parley::sim
