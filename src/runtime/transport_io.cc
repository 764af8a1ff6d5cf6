#include "runtime/transport_io.h"

#include <utility>

#include "base/logging.h"

namespace parley {
namespace {

bool IsPowerOfTwo(uint64_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

}  // namespace

Result<std::unique_ptr<TransportIo>> TransportIo::Bind(EventLoop& loop,
                                                       const std::vector<SocketAddress>& addresses,
                                                       std::weak_ptr<Sink> sink) {
  std::unique_ptr<TransportIo> io(new TransportIo(loop, std::move(sink)));
  for (const SocketAddress& address : addresses) {
    // The sockets live in (and die with) the TransportIo on this thread: a raw pointer is enough.
    TransportIo* self = io.get();
    auto socket = UdpSocket::Bind(loop, address, [self](Datagram datagram) {
      if (auto sink = self->sink_.lock()) sink->OnDatagram(datagram);
    });
    if (!socket.ok()) return socket.error();
    io->addresses_.push_back((*socket)->local_address());
    io->udp_.push_back(std::move(socket).value());
  }
  return io;
}

void TransportIo::Transmit(ice::Transmit transmit) {
  if (auto* datagram = std::get_if<Datagram>(&transmit)) {
    SendDatagram(*datagram);
  } else if (auto* connect = std::get_if<ice::StreamConnect>(&transmit)) {
    if (closing_) return;
    OpenStream(connect->connection, connect->remote);
  } else if (auto* send = std::get_if<ice::StreamSend>(&transmit)) {
    auto it = streams_.find(send->connection);
    if (it == streams_.end()) return;  // Closed meanwhile; the agent was or will be told.
    auto sent = it->second->Send(send->data);
    if (!sent.ok() && !closing_) {
      // Our bound on buffered bytes was hit or the connection broke: the stream is unusable.
      PARLEY_LOG(kWarning, "runtime") << "stream " << send->connection << ": " << sent.error();
      PostStreamClosed(send->connection, sent.error().message());
    }
  } else if (auto* close = std::get_if<ice::StreamClose>(&transmit)) {
    ForgetStream(close->connection);
  }
}

void TransportIo::ForgetStream(uint64_t stream) {
  auto it = streams_.find(stream);
  if (it == streams_.end()) return;
  std::unique_ptr<TcpSocket> dying = std::move(it->second);  // Perhaps the one calling us.
  streams_.erase(it);
}

void TransportIo::SendDatagram(const Datagram& datagram) {
  for (const auto& socket : udp_) {
    if (socket->local_address() != datagram.source) continue;
    auto sent = socket->SendTo(datagram.destination, datagram.payload);
    if (!sent.ok()) {
      PARLEY_LOG(kVerbose, "runtime") << sent.error();
    }
    return;
  }
  if (IsPowerOfTwo(++unroutable_)) {
    PARLEY_LOG(kWarning, "runtime")
        << "no socket bound to " << datagram.source << " for a datagram to " << datagram.destination
        << " (" << unroutable_ << " so far)";
  }
}

void TransportIo::OpenStream(uint64_t id, const SocketAddress& remote) {
  TcpSocket::Callbacks callbacks;
  // The sockets live in `streams_`, i.e. in this object, and run their callbacks on this thread.
  callbacks.on_connected = [this, id] {
    if (auto sink = sink_.lock()) sink->OnStreamConnected(id);
  };
  callbacks.on_data = [this, id](ByteView data) {
    if (auto sink = sink_.lock()) sink->OnStreamData(id, data);
  };
  callbacks.on_closed = [this, id](Result<void> status) {
    std::string reason = status.ok() ? "connection closed by the server" : status.error().message();
    ForgetStream(id);
    if (auto sink = sink_.lock()) sink->OnStreamClosed(id, std::move(reason));
  };
  TcpSocket::Options options;
  // Leave from one of our own addresses, as the datagrams do (e.g. loopback only in tests).
  for (const SocketAddress& address : addresses_) {
    if (address.family() == remote.family()) {
      options.local = SocketAddress(address.ip(), 0);
      break;
    }
  }
  auto socket = TcpSocket::Connect(loop_, remote, std::move(callbacks), options);
  if (!socket.ok()) {
    PostStreamClosed(id, socket.error().message());
    return;
  }
  ++streams_opened_;
  streams_[id] = std::move(socket).value();
}

void TransportIo::PostStreamClosed(uint64_t id, std::string reason) {
  // Reported as an input of its own, after the current drain.
  loop_.Post([sink = sink_, id, reason = std::move(reason)]() mutable {
    if (auto alive = sink.lock()) alive->OnStreamClosed(id, std::move(reason));
  });
}

TransportIo::Stats TransportIo::stats() const {
  Stats stats;
  for (const auto& socket : udp_) {
    const UdpSocket::Stats udp = socket->stats();
    stats.datagrams_sent += udp.datagrams_sent;
    stats.datagrams_received += udp.datagrams_received;
    stats.send_errors += udp.send_errors;
  }
  stats.send_errors += unroutable_;
  stats.streams_opened = streams_opened_;
  return stats;
}

void DeadlineTimer::Arm(std::optional<Timestamp> deadline) {
  if (timer_ && deadline && *deadline == deadline_) return;
  Cancel();
  if (!deadline) return;
  deadline_ = *deadline;
  timer_ = loop_.ScheduleAt(*deadline, [this] {
    timer_.reset();
    on_expiry_();
  });
}

void DeadlineTimer::Cancel() {
  if (timer_) loop_.Cancel(*timer_);  // Exact on the network thread.
  timer_.reset();
}

}  // namespace parley
