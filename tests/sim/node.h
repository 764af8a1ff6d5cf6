// The things attached to the virtual network: hosts and NAT boxes. Each node sits in one realm,
// either the internet or the inside of a NAT box, and reaches it through its own pair of links:
// the uplink (node → realm) and the downlink (realm → node). Nodes are created by Network (or
// Simulator) and live as long as it does.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/datagram.h"
#include "base/socket_address.h"
#include "base/time.h"
#include "sim/link.h"
#include "sim/nat.h"

namespace parley::sim {

class Network;
class NatBox;

class Node {
 public:
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const std::string& name() const { return name_; }
  // The NAT this node sits behind; nullptr when it is on the internet.
  NatBox* parent() const { return parent_; }
  Link& uplink() { return *uplink_; }
  Link& downlink() { return *downlink_; }
  // Configures both directions alike.
  void SetLinkConfig(const LinkConfig& config);
  // A firewall dropping all UDP to and from (or, for a NAT, through) this node.
  void SetUdpBlocked(bool blocked) { udp_blocked_ = blocked; }
  bool udp_blocked() const { return udp_blocked_; }

 protected:
  Node(Network& network, std::string name, NatBox* parent)
      : network_(network), name_(std::move(name)), parent_(parent) {}
  Network& network_;

 private:
  friend class Network;
  std::string name_;
  NatBox* parent_;
  std::unique_ptr<Link> uplink_;
  std::unique_ptr<Link> downlink_;
  bool udp_blocked_ = false;
};

struct HostStats {
  uint64_t sent = 0;
  uint64_t received = 0;
  uint64_t dropped_no_receiver = 0;
  uint64_t dropped_bad_source = 0;
  uint64_t dropped_udp_blocked = 0;
};

// A machine with one or more IP addresses (IPv4 and/or IPv6). It may send from any port of any of
// its addresses; arriving datagrams go to the receiver bound to their port, else to the default.
class Host final : public Node {
 public:
  using Receiver = std::function<void(Timestamp now, const Datagram& datagram)>;

  const std::vector<IpAddress>& addresses() const { return addresses_; }
  bool HasAddress(const IpAddress& ip) const;
  // The first address of `family`; aborts when the host has none.
  IpAddress ip(IpFamily family = IpFamily::kV4) const;
  SocketAddress address(uint16_t port, IpFamily family = IpFamily::kV4) const {
    return SocketAddress(ip(family), port);
  }

  // Receives datagrams for every port without a Bind() of its own.
  void SetReceiver(Receiver receiver) { default_receiver_ = std::move(receiver); }
  void Bind(uint16_t port, Receiver receiver) { receivers_[port] = std::move(receiver); }
  void Unbind(uint16_t port) { receivers_.erase(port); }

  // Sends at now(). An unspecified source IP (0.0.0.0 or ::) becomes this host's first address
  // of the destination's family; a source IP the host does not own is dropped (kBadSource).
  void Send(Datagram datagram);
  void Send(uint16_t from_port, const SocketAddress& to, Bytes payload);

  const HostStats& stats() const { return stats_; }

 private:
  friend class Network;
  Host(Network& network, std::string name, NatBox* parent, std::vector<IpAddress> addresses)
      : Node(network, std::move(name), parent), addresses_(std::move(addresses)) {}
  // The receiver for `port`, copied so it may rebind itself while running.
  Receiver ReceiverFor(uint16_t port) const;

  std::vector<IpAddress> addresses_;
  Receiver default_receiver_;
  std::map<uint16_t, Receiver> receivers_;
  HostStats stats_;
};

// A NAT box (RFC 4787): external addresses in its parent realm, a private realm inside.
class NatBox final : public Node {
 public:
  const NatConfig& config() const { return table_.config(); }
  const std::vector<IpAddress>& external_addresses() const { return table_.external_addresses(); }
  // The external address of `family`; aborts when the NAT has none.
  IpAddress external_ip(IpFamily family = IpFamily::kV4) const;
  const NatStats& stats() const { return table_.stats(); }

  // The live mapping `internal` would use towards `remote`, if any.
  std::optional<SocketAddress> FindMapping(const SocketAddress& internal,
                                           const SocketAddress& remote);
  std::vector<NatMapping> Mappings();
  // Forgets all mappings, as a reboot would.
  void ClearMappings() { table_.Clear(); }

 private:
  friend class Network;
  NatBox(Network& network, std::string name, NatBox* parent, NatConfig config,
         std::vector<IpAddress> external, uint64_t seed)
      : Node(network, std::move(name), parent), table_(config, std::move(external), seed) {}

  NatTable table_;
  std::map<IpAddress, Node*> inside_;  // The private realm: address → node.
};

}  // namespace parley::sim
