#include "sim/node.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "sim/network.h"

namespace parley::sim {

void Node::SetLinkConfig(const LinkConfig& config) {
  uplink_->set_config(config);
  downlink_->set_config(config);
}

bool Host::HasAddress(const IpAddress& ip) const {
  return std::find(addresses_.begin(), addresses_.end(), ip) != addresses_.end();
}

IpAddress Host::ip(IpFamily family) const {
  for (const IpAddress& a : addresses_)
    if (a.family() == family) return a;
  std::fprintf(stderr, "parley sim: host %s has no IPv%c address\n", name().c_str(),
               family == IpFamily::kV4 ? '4' : '6');
  std::abort();
}

void Host::Send(Datagram datagram) {
  network_.HostSend(*this, std::move(datagram));
}

void Host::Send(uint16_t from_port, const SocketAddress& to, Bytes payload) {
  Send(Datagram{SocketAddress(IpAddress::Any(to.family()), from_port), to, std::move(payload)});
}

Host::Receiver Host::ReceiverFor(uint16_t port) const {
  auto it = receivers_.find(port);
  return it != receivers_.end() ? it->second : default_receiver_;
}

IpAddress NatBox::external_ip(IpFamily family) const {
  for (const IpAddress& a : external_addresses())
    if (a.family() == family) return a;
  std::fprintf(stderr, "parley sim: NAT %s has no external IPv%c address\n", name().c_str(),
               family == IpFamily::kV4 ? '4' : '6');
  std::abort();
}

std::optional<SocketAddress> NatBox::FindMapping(const SocketAddress& internal,
                                                 const SocketAddress& remote) {
  return table_.FindMapping(network_.events().now(), internal, remote);
}

std::vector<NatMapping> NatBox::Mappings() {
  return table_.Mappings(network_.events().now());
}

}  // namespace parley::sim
