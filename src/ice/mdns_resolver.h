// Resolves the mDNS names (RFC 6762) of remote host candidates ("<uuid>.local", as browsers hide
// their addresses): one-shot queries sent from our own sockets to 224.0.0.251:5353 and
// [ff02::fb]:5353, retransmitted after 1 and 3 s (RFC 6762 §5.2), answered by unicast to the
// querying port (§6.7) or by multicast. A name gives up after 5 s.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/datagram.h"
#include "base/random.h"
#include "base/time.h"

namespace parley::ice {

struct MdnsResolved {
  std::string name;
  IpAddress address;
};
struct MdnsFailed {
  std::string name;
};
using MdnsResult = std::variant<MdnsResolved, MdnsFailed>;

class MdnsResolver {
 public:
  static constexpr size_t kMaxPending = 32;

  // Starts resolving `name` unless already under way (false when too many names are pending or
  // no socket can send a query). Queries A from the first IPv4 socket, AAAA from the first IPv6.
  bool Resolve(Timestamp now, const std::string& name, const std::vector<SocketAddress>& sockets,
               Random& random);
  // A datagram from port 5353 (or any DNS response): true if it parsed as a DNS response. Any
  // answer for a pending name resolves it.
  bool HandleDatagram(const Datagram& in);
  void HandleTimeout(Timestamp now);
  std::optional<Timestamp> NextTimeout() const;
  std::optional<Datagram> PollTransmit();
  std::optional<MdnsResult> PollResult();
  bool pending(const std::string& name) const;
  bool empty() const { return pending_.empty(); }

 private:
  struct Pending {
    std::string name;
    uint16_t id = 0;
    std::vector<SocketAddress> sources;  // One socket per family.
    int sent = 0;
    Timestamp next_send;
    Timestamp give_up;
  };
  void Send(Pending& pending);

  std::vector<Pending> pending_;
  std::deque<Datagram> transmits_;
  std::deque<MdnsResult> results_;
};

}  // namespace parley::ice
