#include "sim/packet_event.h"

#include <sstream>

namespace parley::sim {

std::string_view ToString(DropReason reason) {
  switch (reason) {
    case DropReason::kRandomLoss:
      return "random-loss";
    case DropReason::kBurstLoss:
      return "burst-loss";
    case DropReason::kQueueFull:
      return "queue-full";
    case DropReason::kUdpBlocked:
      return "udp-blocked";
    case DropReason::kNoMapping:
      return "nat-no-mapping";
    case DropReason::kFiltered:
      return "nat-filtered";
    case DropReason::kHairpinDisabled:
      return "nat-hairpin-disabled";
    case DropReason::kNatExhausted:
      return "nat-exhausted";
    case DropReason::kUnroutable:
      return "unroutable";
    case DropReason::kBadSource:
      return "bad-source";
    case DropReason::kNoReceiver:
      return "no-receiver";
  }
  return "unknown";
}

std::string_view ToString(PacketEventKind kind) {
  switch (kind) {
    case PacketEventKind::kSent:
      return "sent";
    case PacketEventKind::kTranslated:
      return "translated";
    case PacketEventKind::kDelivered:
      return "delivered";
    case PacketEventKind::kDropped:
      return "dropped";
  }
  return "unknown";
}

std::string Describe(const PacketEvent& event) {
  std::ostringstream out;
  out << "t=" << event.time.us() << "us " << ToString(event.kind) << ' ' << event.node << ' '
      << event.datagram.source << " -> " << event.datagram.destination << " ("
      << event.datagram.payload.size() << " bytes)";
  if (event.kind == PacketEventKind::kDropped) out << ' ' << ToString(event.reason);
  return out.str();
}

}  // namespace parley::sim
