// What the network did with a datagram, for observers (traces, debugging, determinism checks).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/datagram.h"
#include "base/time.h"

namespace parley::sim {

enum class DropReason : uint8_t {
  kRandomLoss,       // Link: independent random loss.
  kBurstLoss,        // Link: Gilbert–Elliott loss.
  kQueueFull,        // Link: tail drop at the rate limiter's queue.
  kUdpBlocked,       // Host or NAT firewall drops all UDP.
  kNoMapping,        // NAT: inbound to an external port without a live mapping.
  kFiltered,         // NAT: inbound refused by the filtering behaviour (RFC 4787 §5).
  kHairpinDisabled,  // NAT: inside → own external address without hairpinning (RFC 4787 §6).
  kNatExhausted,     // NAT: no external address of that family, or no free port.
  kUnroutable,       // No node owns the destination address.
  kBadSource,        // A host sent from an address that is not its own.
  kNoReceiver,       // Nothing listens on the destination port of the host.
};
inline constexpr int kDropReasonCount = static_cast<int>(DropReason::kNoReceiver) + 1;

std::string_view ToString(DropReason reason);

enum class PacketEventKind : uint8_t {
  kSent,        // A host handed the datagram to its uplink.
  kTranslated,  // A NAT rewrote it (the datagram shown is the rewritten one).
  kDelivered,   // A host received it.
  kDropped,     // Gone; see `reason`.
};

std::string_view ToString(PacketEventKind kind);

struct PacketEvent {
  Timestamp time;
  PacketEventKind kind;
  std::string_view node;     // The host, NAT or link ("alice.up") where it happened.
  DropReason reason{};       // Only meaningful for kDropped.
  const Datagram& datagram;  // Valid only during the observer call.
};

using PacketObserver = std::function<void(const PacketEvent&)>;

// One line, e.g. "t=1000020000us delivered bob 192.0.2.1:5000 -> 192.0.2.2:6000 (12 bytes)",
// for traces and debugging.
std::string Describe(const PacketEvent& event);

}  // namespace parley::sim
