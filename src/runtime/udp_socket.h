// UdpSocket: a non-blocking UDP socket bound to one local IPv4 or IPv6 address, read by an
// EventLoop. Received datagrams are handed to `on_receive` on the loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "base/byte_io.h"
#include "base/datagram.h"
#include "base/socket_address.h"
#include "parley/result.h"
#include "runtime/event_loop.h"

namespace parley {

class UdpSocket {
 public:
  // Called on the loop thread once per datagram; `destination` is the bound local address (the
  // wildcard when bound to one: no IP_PKTINFO yet). It may destroy the socket; no further
  // datagram is then delivered.
  using ReceiveCallback = std::function<void(Datagram)>;

  struct Stats {
    uint64_t datagrams_sent = 0;
    uint64_t datagrams_received = 0;
    uint64_t bytes_sent = 0;
    uint64_t bytes_received = 0;
    uint64_t send_errors = 0;     // Including datagrams dropped because the send buffer was full.
    uint64_t receive_errors = 0;  // recvmmsg errors and truncated datagrams.
  };

  // Binds to `local` (port 0 picks an ephemeral port; IPv6 sockets are IPV6_V6ONLY; no
  // SO_REUSEADDR). Errors: InvalidAccessError when the address cannot be used (not local, in
  // use, permission), OperationError for other failures (e.g. out of descriptors). Any thread.
  static Result<std::unique_ptr<UdpSocket>> Bind(EventLoop& loop, const SocketAddress& local,
                                                 ReceiveCallback on_receive);

  // Stops receiving and closes the socket. Any thread; off the loop thread it waits until an
  // on_receive running at that moment returns. Must happen before the EventLoop is destroyed, and
  // not while another thread is inside SendTo() or stats().
  ~UdpSocket();
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // Thread-safe and never blocks. A full send buffer (EAGAIN/ENOBUFS) drops the datagram like
  // network loss: it is counted in send_errors and Ok() is returned. Other failures (wrong
  // address family, oversized payload, unreachable network) are counted too and returned as
  // InvalidAccessError / OperationError.
  Result<void> SendTo(const SocketAddress& to, ByteView payload);

  // The bound address, with the actual port when bound to port 0.
  SocketAddress local_address() const;
  // A snapshot; thread-safe.
  Stats stats() const;

 private:
  struct Core;  // Shared with the loop's read callback, which may outlive this object briefly.
  UdpSocket(EventLoop& loop, std::shared_ptr<Core> core, EventLoop::WatchId watch_id);

  EventLoop& loop_;
  std::shared_ptr<Core> core_;
  EventLoop::WatchId watch_id_;
};

}  // namespace parley
