// Drives Endpoints attached to hosts. The usage rule of every sans-IO machine is enforced here:
// after each input (a datagram or a timeout) the driver drains PollTransmit() into the network
// and (re)arms a timer for NextTimeout(), so the machine is woken exactly at its deadline and
// never polled early. A deadline already in the past fires at now().
#pragma once

#include <map>
#include <optional>

#include "sim/endpoint.h"
#include "sim/event_queue.h"
#include "sim/node.h"

namespace parley::sim {

class EndpointDriver {
 public:
  explicit EndpointDriver(EventQueue& events) : events_(events) {}
  EndpointDriver(const EndpointDriver&) = delete;
  EndpointDriver& operator=(const EndpointDriver&) = delete;
  ~EndpointDriver();

  // The endpoint receives every datagram for `host` (or only for `port`), and its output is sent
  // from `host`. Services it right away, in case it already has output or a deadline. The
  // endpoint must stay alive until Detach() or the driver's destruction.
  void Attach(Host& host, Endpoint& endpoint, std::optional<uint16_t> port = std::nullopt);
  void Detach(Endpoint& endpoint);
  // Call after poking an endpoint directly (e.g. starting a handshake): sends what it queued and
  // re-reads its deadline.
  void Kick(Endpoint& endpoint);
  bool IsAttached(const Endpoint& endpoint) const { return attachments_.contains(&endpoint); }

 private:
  struct Attachment {
    Host* host;
    Endpoint* endpoint;
    std::optional<uint16_t> port;
    std::optional<EventId> timer;
    Timestamp deadline;  // What the endpoint asked for (may lie before timer->at).
  };

  Attachment& Find(const Endpoint& endpoint);
  void Service(Attachment& attachment);
  void OnTimer(Endpoint* endpoint);

  EventQueue& events_;
  std::map<const Endpoint*, Attachment> attachments_;
};

}  // namespace parley::sim
