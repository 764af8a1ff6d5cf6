// The virtual network: the internet realm, the nodes in it and behind NATs, and the routing of
// datagrams between them. A datagram from host A to B travels
//   A.uplink → (A's NAT: translate → NAT.uplink)* → realm of B → (B's NAT.downlink → translate)* →
//   B.downlink → B's receiver,
// each hop an event at the time the link delivers it, so NAT state is consulted when the packet
// actually reaches the NAT. Nothing is delivered synchronously inside Send(): receivers never run
// re-entrantly inside a sender.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/datagram.h"
#include "sim/event_queue.h"
#include "sim/nat.h"
#include "sim/node.h"
#include "sim/packet_event.h"

namespace parley::sim {

class Network {
 public:
  // `seed` is the simulation seed; every link and NAT derives its own from it and its name.
  Network(EventQueue& events, uint64_t seed) : events_(events), seed_(seed) {}
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;
  ~Network();

  // Names must be unique and each address unique within its realm (the internet or one NAT's
  // inside); violations abort. `behind` = nullptr puts the node on the internet.
  Host& AddHost(std::string name, std::vector<IpAddress> addresses, NatBox* behind = nullptr);
  NatBox& AddNat(std::string name, NatConfig config, std::vector<IpAddress> external,
                 NatBox* behind = nullptr);
  Host* FindHost(std::string_view name) const;
  NatBox* FindNat(std::string_view name) const;

  // Hears every send, translation, delivery and drop, in simulation order.
  void AddObserver(PacketObserver observer) { observers_.push_back(std::move(observer)); }
  // Datagrams dropped anywhere in the network for `reason`.
  uint64_t drops(DropReason reason) const { return drops_[static_cast<size_t>(reason)]; }

  EventQueue& events() { return events_; }

 private:
  friend class Host;

  void AddNode(std::unique_ptr<Node> node, const std::vector<IpAddress>& addresses);
  std::map<IpAddress, Node*>& Realm(NatBox* owner) { return owner ? owner->inside_ : internet_; }
  void HostSend(Host& host, Datagram datagram);
  // A datagram reaches the realm inside `owner` (the internet when null) from one of its nodes.
  void ArriveInRealm(NatBox* owner, Datagram datagram);
  // A datagram from outside is handed to the node in `owner`'s realm that owns its destination.
  void DeliverInRealm(NatBox* owner, Datagram datagram);
  // A node's downlink delivered a datagram to it.
  void ArriveAtNode(Node& node, Datagram datagram);
  void NatOutbound(NatBox& nat, Datagram datagram);
  void NatHairpin(NatBox& nat, Datagram datagram);
  void Drop(std::string_view where, DropReason reason, const Datagram& datagram);
  void Notify(PacketEventKind kind, std::string_view where, const Datagram& datagram,
              DropReason reason = {});

  EventQueue& events_;
  const uint64_t seed_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::map<IpAddress, Node*> internet_;
  std::array<uint64_t, kDropReasonCount> drops_{};
  std::vector<PacketObserver> observers_;
};

}  // namespace parley::sim
