#include "sim/network.h"

#include <cstdio>
#include <cstdlib>

#include "sim/seed.h"

namespace parley::sim {
namespace {

[[noreturn]] void Fatal(const std::string& message) {
  std::fprintf(stderr, "parley sim: %s\n", message.c_str());
  std::abort();
}

}  // namespace

Network::~Network() = default;

Host& Network::AddHost(std::string name, std::vector<IpAddress> addresses, NatBox* behind) {
  if (addresses.empty()) Fatal("host " + name + " needs at least one address");
  auto host = std::unique_ptr<Host>(new Host(*this, std::move(name), behind, addresses));
  Host& ref = *host;
  AddNode(std::move(host), addresses);
  return ref;
}

NatBox& Network::AddNat(std::string name, NatConfig config, std::vector<IpAddress> external,
                        NatBox* behind) {
  if (external.empty()) Fatal("NAT " + name + " needs an external address");
  for (size_t i = 0; i < external.size(); ++i)
    for (size_t j = i + 1; j < external.size(); ++j)
      if (external[i].family() == external[j].family())
        Fatal("NAT " + name + " has two external addresses of one family");
  const uint64_t seed = DeriveSeed(seed_, name + ".nat");
  auto nat =
      std::unique_ptr<NatBox>(new NatBox(*this, std::move(name), behind, config, external, seed));
  NatBox& ref = *nat;
  AddNode(std::move(nat), external);
  return ref;
}

void Network::AddNode(std::unique_ptr<Node> node, const std::vector<IpAddress>& addresses) {
  if (FindHost(node->name()) || FindNat(node->name())) Fatal("duplicate node name " + node->name());
  auto& realm = Realm(node->parent());
  for (const IpAddress& ip : addresses) {
    if (realm.contains(ip)) Fatal("address " + ip.ToString() + " is used twice in one realm");
  }
  for (const IpAddress& ip : addresses)
    realm[ip] = node.get();

  Node* raw = node.get();
  const std::string up = raw->name() + ".up";
  const std::string down = raw->name() + ".down";
  raw->uplink_ = std::make_unique<Link>(
      events_, up, DeriveSeed(seed_, up),
      [this, raw](Datagram d) { ArriveInRealm(raw->parent(), std::move(d)); },
      [this, raw](DropReason reason, const Datagram& d) { Drop(raw->uplink().name(), reason, d); });
  raw->downlink_ = std::make_unique<Link>(
      events_, down, DeriveSeed(seed_, down),
      [this, raw](Datagram d) { ArriveAtNode(*raw, std::move(d)); },
      [this, raw](DropReason reason, const Datagram& d) {
        Drop(raw->downlink().name(), reason, d);
      });
  nodes_.push_back(std::move(node));
}

Host* Network::FindHost(std::string_view name) const {
  for (const auto& node : nodes_)
    if (node->name() == name) return dynamic_cast<Host*>(node.get());
  return nullptr;
}

NatBox* Network::FindNat(std::string_view name) const {
  for (const auto& node : nodes_)
    if (node->name() == name) return dynamic_cast<NatBox*>(node.get());
  return nullptr;
}

void Network::HostSend(Host& host, Datagram datagram) {
  if (datagram.source.ip().IsAny()) {
    const IpFamily family = datagram.destination.family();
    for (const IpAddress& ip : host.addresses()) {
      if (ip.family() == family) {
        datagram.source = SocketAddress(ip, datagram.source.port());
        break;
      }
    }
  }
  if (!host.HasAddress(datagram.source.ip()) ||
      datagram.source.family() != datagram.destination.family()) {
    ++host.stats_.dropped_bad_source;
    return Drop(host.name(), DropReason::kBadSource, datagram);
  }
  if (host.udp_blocked()) {
    ++host.stats_.dropped_udp_blocked;
    return Drop(host.name(), DropReason::kUdpBlocked, datagram);
  }
  ++host.stats_.sent;
  Notify(PacketEventKind::kSent, host.name(), datagram);
  host.uplink().Send(std::move(datagram));
}

void Network::ArriveInRealm(NatBox* owner, Datagram datagram) {
  auto& realm = Realm(owner);
  if (auto it = realm.find(datagram.destination.ip()); it != realm.end())
    return it->second->downlink().Send(std::move(datagram));
  if (owner == nullptr) return Drop("internet", DropReason::kUnroutable, datagram);
  // Not local: the NAT is the realm's gateway.
  if (owner->udp_blocked()) {
    owner->table_.CountUdpBlocked();
    return Drop(owner->name(), DropReason::kUdpBlocked, datagram);
  }
  if (owner->table_.IsExternal(datagram.destination.ip()))
    return NatHairpin(*owner, std::move(datagram));
  NatOutbound(*owner, std::move(datagram));
}

void Network::DeliverInRealm(NatBox* owner, Datagram datagram) {
  auto& realm = Realm(owner);
  auto it = realm.find(datagram.destination.ip());
  if (it == realm.end()) return Drop(owner->name(), DropReason::kUnroutable, datagram);
  it->second->downlink().Send(std::move(datagram));
}

void Network::NatOutbound(NatBox& nat, Datagram datagram) {
  const NatVerdict verdict =
      nat.table_.Outbound(events_.now(), datagram.source, datagram.destination);
  if (!verdict.address) return Drop(nat.name(), verdict.drop, datagram);
  datagram.source = *verdict.address;
  Notify(PacketEventKind::kTranslated, nat.name(), datagram);
  nat.uplink().Send(std::move(datagram));
}

void Network::NatHairpin(NatBox& nat, Datagram datagram) {
  const HairpinVerdict verdict =
      nat.table_.Hairpin(events_.now(), datagram.source, datagram.destination);
  if (!verdict.destination) return Drop(nat.name(), verdict.drop, datagram);
  datagram.source = *verdict.source;
  datagram.destination = *verdict.destination;
  Notify(PacketEventKind::kTranslated, nat.name(), datagram);
  DeliverInRealm(&nat, std::move(datagram));
}

void Network::ArriveAtNode(Node& node, Datagram datagram) {
  if (auto* nat = dynamic_cast<NatBox*>(&node)) {
    if (nat->udp_blocked()) {
      nat->table_.CountUdpBlocked();
      return Drop(nat->name(), DropReason::kUdpBlocked, datagram);
    }
    const NatVerdict verdict =
        nat->table_.Inbound(events_.now(), datagram.source, datagram.destination);
    if (!verdict.address) return Drop(nat->name(), verdict.drop, datagram);
    datagram.destination = *verdict.address;
    Notify(PacketEventKind::kTranslated, nat->name(), datagram);
    return DeliverInRealm(nat, std::move(datagram));
  }
  auto& host = static_cast<Host&>(node);
  if (host.udp_blocked()) {
    ++host.stats_.dropped_udp_blocked;
    return Drop(host.name(), DropReason::kUdpBlocked, datagram);
  }
  const Host::Receiver receiver = host.ReceiverFor(datagram.destination.port());
  if (!receiver) {
    ++host.stats_.dropped_no_receiver;
    return Drop(host.name(), DropReason::kNoReceiver, datagram);
  }
  ++host.stats_.received;
  Notify(PacketEventKind::kDelivered, host.name(), datagram);
  receiver(events_.now(), datagram);
}

void Network::Drop(std::string_view where, DropReason reason, const Datagram& datagram) {
  ++drops_[static_cast<size_t>(reason)];
  Notify(PacketEventKind::kDropped, where, datagram, reason);
}

void Network::Notify(PacketEventKind kind, std::string_view where, const Datagram& datagram,
                     DropReason reason) {
  if (observers_.empty()) return;
  const PacketEvent event{events_.now(), kind, where, reason, datagram};
  for (size_t i = 0; i < observers_.size(); ++i)
    observers_[i](event);
}

}  // namespace parley::sim
