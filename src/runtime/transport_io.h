// TransportIo: the sockets under one ICE agent, on the network thread. It binds a UdpSocket per
// host candidate base, carries out the agent's transmits (datagrams leave through the socket
// bound to their source address; TURN over TCP/TLS opens, feeds and closes TcpSockets) and
// reports every input (datagram, stream event) to its Sink. Shared by the transports that drive
// an agent (IceTransport, SecureTransport), which own the agent and the timer.
//
// Network thread only. The Sink is called from socket callbacks on that thread; it may make the
// TransportIo transmit from inside them, and may destroy it (the sockets allow that).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/datagram.h"
#include "ice/agent_types.h"
#include "parley/result.h"
#include "runtime/event_loop.h"
#include "runtime/tcp_socket.h"
#include "runtime/udp_socket.h"

namespace parley {

class TransportIo {
 public:
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual void OnDatagram(const Datagram& datagram) = 0;
    virtual void OnStreamConnected(uint64_t stream) = 0;
    virtual void OnStreamData(uint64_t stream, ByteView data) = 0;
    // Also for a stream that could not be opened or broke while sending; then it is posted as an
    // input of its own, never called from inside Transmit(), and the sink calls ForgetStream().
    virtual void OnStreamClosed(uint64_t stream, std::string reason) = 0;
  };

  struct Stats {
    uint64_t datagrams_sent = 0;
    uint64_t datagrams_received = 0;
    uint64_t send_errors = 0;  // Sockets' send errors, and datagrams with no socket to leave by.
    uint64_t streams_opened = 0;
  };

  // Binds every address (port 0: ephemeral). Errors: those of UdpSocket::Bind. `sink` must
  // outlive the TransportIo; `owner` keeps the sink alive for posted inputs (weak).
  static Result<std::unique_ptr<TransportIo>> Bind(EventLoop& loop,
                                                   const std::vector<SocketAddress>& addresses,
                                                   std::weak_ptr<Sink> sink);
  TransportIo(const TransportIo&) = delete;
  TransportIo& operator=(const TransportIo&) = delete;

  // The bound addresses, in the order given.
  const std::vector<SocketAddress>& addresses() const { return addresses_; }

  void Transmit(ice::Transmit transmit);
  // While closing, transmits still leave but no new stream is opened and send failures are not
  // reported (the agent is going away).
  void set_closing() { closing_ = true; }
  // Drops the stream's socket (it may be the one whose callback is running: allowed).
  void ForgetStream(uint64_t stream);
  Stats stats() const;

 private:
  TransportIo(EventLoop& loop, std::weak_ptr<Sink> sink) : loop_(loop), sink_(std::move(sink)) {}
  void SendDatagram(const Datagram& datagram);
  void OpenStream(uint64_t id, const SocketAddress& remote);
  void PostStreamClosed(uint64_t id, std::string reason);

  EventLoop& loop_;
  std::weak_ptr<Sink> sink_;
  std::vector<SocketAddress> addresses_;
  std::vector<std::unique_ptr<UdpSocket>> udp_;
  std::map<uint64_t, std::unique_ptr<TcpSocket>> streams_;
  bool closing_ = false;
  uint64_t unroutable_ = 0;
  uint64_t streams_opened_ = 0;
};

// One timer that follows a machine's NextTimeout(): re-armed after every input, cancelled when
// there is no deadline. Network thread only.
class DeadlineTimer {
 public:
  DeadlineTimer(EventLoop& loop, std::function<void()> on_expiry)
      : loop_(loop), on_expiry_(std::move(on_expiry)) {}
  ~DeadlineTimer() { Cancel(); }
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;

  void Arm(std::optional<Timestamp> deadline);
  void Cancel();

 private:
  EventLoop& loop_;
  std::function<void()> on_expiry_;
  std::optional<EventLoop::TimerId> timer_;
  Timestamp deadline_;
};

}  // namespace parley
