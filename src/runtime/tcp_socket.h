// TcpSocket: a non-blocking TCP connection (IPv4 or IPv6) read and written by an EventLoop, e.g.
// for TURN over TCP/TLS (RFC 8656 §3.1). TcpListener accepts incoming connections (tests, and
// later ICE-TCP).
//
// Every callback runs on the loop thread, never under a lock held by the socket, and may destroy
// the socket (nothing is delivered after that). Send() is thread-safe and never blocks: what the
// kernel will not take right now is buffered (bounded) and flushed when the socket becomes
// writable again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "base/byte_io.h"
#include "base/socket_address.h"
#include "parley/result.h"
#include "runtime/event_loop.h"

namespace parley {

class TcpSocket {
 public:
  // All optional; each runs on the loop thread.
  struct Callbacks {
    // The connection is established (Connect only; at most once, before any on_data).
    std::function<void()> on_connected;
    // Bytes in order; the view is valid during the call only.
    std::function<void(ByteView data)> on_data;
    // The send buffer emptied (everything handed to the kernel) after a Send() had to buffer:
    // the moment to send more when applying backpressure.
    std::function<void()> on_drained;
    // The connection ended, at most once and never after Close(): Ok() when the peer closed it
    // in order (end of stream, after all its data), else why it failed (connect refused, reset,
    // timeout...). Bytes still buffered for sending are discarded.
    std::function<void(Result<void> status)> on_closed;
  };

  struct Options {
    // Bind to this address (port 0: ephemeral) before connecting; default: the kernel chooses.
    std::optional<SocketAddress> local;
    // Send() fails once this many bytes would be waiting for the kernel.
    size_t max_send_buffer = size_t{4} << 20;
    // TCP_NODELAY: small messages (STUN, ChannelData) leave at once.
    bool no_delay = true;
  };

  struct Stats {
    uint64_t bytes_sent = 0;      // Handed to the kernel.
    uint64_t bytes_received = 0;  // Delivered to on_data.
    uint64_t times_buffered = 0;  // Send() calls that had to buffer (some of) their bytes.
  };

  // Starts connecting to `remote`. Errors here are local only: InvalidAccessError when
  // `options.local` cannot be bound or the family is unsupported, OperationError otherwise (e.g.
  // out of descriptors). Whether the connection succeeds is reported later through on_connected
  // or on_closed (also for an immediate failure such as ECONNREFUSED). Any thread.
  static Result<std::unique_ptr<TcpSocket>> Connect(EventLoop& loop, const SocketAddress& remote,
                                                    Callbacks callbacks, Options options);
  static Result<std::unique_ptr<TcpSocket>> Connect(EventLoop& loop, const SocketAddress& remote,
                                                    Callbacks callbacks) {
    return Connect(loop, remote, std::move(callbacks), Options{});
  }

  // Close()s. Any thread, also from inside this socket's callbacks; off the loop thread it waits
  // until a callback running at that moment returns. Must happen before the EventLoop is
  // destroyed, and not while another thread is inside Send().
  ~TcpSocket();
  TcpSocket(const TcpSocket&) = delete;
  TcpSocket& operator=(const TcpSocket&) = delete;

  // Accepted sockets (TcpListener) only: starts delivering callbacks (on_connected is not used).
  // Once; any thread. Until then incoming bytes wait in the kernel.
  void Start(Callbacks callbacks);

  // Thread-safe, never blocks, all or nothing: either every byte is sent or buffered (Ok) or none
  // is. InvalidStateError once closed or failed; OperationError when the buffer would exceed
  // Options::max_send_buffer (send again after on_drained) or the kernel refuses the data (the
  // connection broke; on_closed follows). Bytes sent while connecting wait for the connection.
  Result<void> Send(ByteView data);
  // Ends the connection now (FIN after whatever the kernel already holds; bytes still in our
  // buffer are dropped). No callback runs after Close() returns (unless called from inside one,
  // which then finishes). Any thread; idempotent.
  void Close();

  // The local address (with the port the kernel chose), once known (right after Connect).
  SocketAddress local_address() const;
  SocketAddress remote_address() const;
  // Bytes waiting in our buffer for the kernel.
  size_t buffered_amount() const;
  Stats stats() const;

 private:
  friend class TcpListener;
  struct Core;  // Shared with the loop's callbacks, which may outlive this object briefly.
  TcpSocket(EventLoop& loop, std::shared_ptr<Core> core);

  EventLoop& loop_;
  std::shared_ptr<Core> core_;
};

// A listening TCP socket. Accepted connections are handed to on_accept on the loop thread; call
// TcpSocket::Start on them to receive.
class TcpListener {
 public:
  using AcceptCallback = std::function<void(std::unique_ptr<TcpSocket> socket)>;

  // Binds (port 0: ephemeral; IPv6 is IPV6_V6ONLY; SO_REUSEADDR) and listens. Errors as
  // UdpSocket::Bind. Any thread.
  static Result<std::unique_ptr<TcpListener>> Listen(EventLoop& loop, const SocketAddress& local,
                                                     AcceptCallback on_accept);
  // Stops accepting; as ~TcpSocket (accepted sockets live on independently).
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  SocketAddress local_address() const;

 private:
  struct Core;
  TcpListener(EventLoop& loop, std::shared_ptr<Core> core, EventLoop::WatchId watch_id);

  EventLoop& loop_;
  std::shared_ptr<Core> core_;
  EventLoop::WatchId watch_id_;
};

}  // namespace parley
