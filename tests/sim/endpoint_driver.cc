#include "sim/endpoint_driver.h"

#include <cstdio>
#include <cstdlib>

namespace parley::sim {

EndpointDriver::~EndpointDriver() {
  while (!attachments_.empty())
    Detach(*attachments_.begin()->second.endpoint);
}

EndpointDriver::Attachment& EndpointDriver::Find(const Endpoint& endpoint) {
  auto it = attachments_.find(&endpoint);
  if (it == attachments_.end()) {
    std::fprintf(stderr, "parley sim: endpoint %p is not attached\n",
                 static_cast<const void*>(&endpoint));
    std::abort();
  }
  return it->second;
}

void EndpointDriver::Attach(Host& host, Endpoint& endpoint, std::optional<uint16_t> port) {
  if (IsAttached(endpoint)) {
    std::fprintf(stderr, "parley sim: endpoint attached twice\n");
    std::abort();
  }
  Attachment& attachment = attachments_[&endpoint] = Attachment{&host, &endpoint, port, {}, {}};
  Host::Receiver receiver = [this, ep = &endpoint](Timestamp now, const Datagram& in) {
    ep->HandleDatagram(now, in);
    // The endpoint may have detached itself from inside the callback.
    if (auto it = attachments_.find(ep); it != attachments_.end()) Service(it->second);
  };
  if (port) {
    host.Bind(*port, std::move(receiver));
  } else {
    host.SetReceiver(std::move(receiver));
  }
  Service(attachment);
}

void EndpointDriver::Detach(Endpoint& endpoint) {
  Attachment& attachment = Find(endpoint);
  if (attachment.timer) events_.Cancel(*attachment.timer);
  if (attachment.port) {
    attachment.host->Unbind(*attachment.port);
  } else {
    attachment.host->SetReceiver({});
  }
  attachments_.erase(&endpoint);
}

void EndpointDriver::Kick(Endpoint& endpoint) {
  Service(Find(endpoint));
}

void EndpointDriver::Service(Attachment& attachment) {
  while (auto datagram = attachment.endpoint->PollTransmit())
    attachment.host->Send(std::move(*datagram));

  const std::optional<Timestamp> deadline = attachment.endpoint->NextTimeout();
  if (attachment.timer && deadline == attachment.deadline) return;  // Already armed.
  // Cancelling the superseded timer means a stale deadline can never wake the endpoint.
  if (attachment.timer) events_.Cancel(*attachment.timer);
  attachment.timer.reset();
  if (!deadline) return;
  attachment.deadline = *deadline;
  attachment.timer = events_.Schedule(*deadline, [this, ep = attachment.endpoint] { OnTimer(ep); });
}

void EndpointDriver::OnTimer(Endpoint* endpoint) {
  Attachment& attachment = Find(*endpoint);
  attachment.timer.reset();
  endpoint->HandleTimeout(events_.now());
  if (auto it = attachments_.find(endpoint); it != attachments_.end()) Service(it->second);
}

}  // namespace parley::sim
