#include "runtime/udp_socket.h"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <string>
#include <system_error>

#include "base/logging.h"
#include "runtime/sockaddr.h"

namespace parley {
namespace {

// recvmmsg batch, read into the loop's scratch buffer; each slot holds the largest UDP payload.
constexpr unsigned kBatch = 8;
constexpr size_t kBufferSize = 65536;
// Datagrams read per readiness event before other sockets, timers and tasks get a turn. The
// loop is level triggered, so whatever is left makes epoll report the socket again at once.
constexpr int kReadBudget = 256;
// Bigger than the Linux defaults (~208 KiB) so bursts of video packets fit; capped by rmem_max.
constexpr int kSocketBufferSize = 1 << 20;

bool IsPowerOfTwo(uint64_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

}  // namespace

struct UdpSocket::Core {
  Core(EventLoop& event_loop, int socket_fd) : loop(event_loop), fd(socket_fd) {}
  ~Core() { close(fd); }
  // On the loop thread when the socket is readable.
  void OnReadable();

  // Only used on the loop thread, which runs only while the loop exists.
  EventLoop& loop;
  const int fd;
  SocketAddress local;
  ReceiveCallback on_receive;
  // Set by ~UdpSocket; stops delivery if it runs inside on_receive.
  std::atomic<bool> closed{false};

  std::atomic<uint64_t> datagrams_sent{0};
  std::atomic<uint64_t> datagrams_received{0};
  std::atomic<uint64_t> bytes_sent{0};
  std::atomic<uint64_t> bytes_received{0};
  std::atomic<uint64_t> send_errors{0};
  std::atomic<uint64_t> receive_errors{0};
};

void UdpSocket::Core::OnReadable() {
  const std::span<uint8_t> data = loop.ScratchBuffer(kBatch * kBufferSize);
  std::array<iovec, kBatch> iov;
  std::array<sockaddr_storage, kBatch> addresses;
  std::array<mmsghdr, kBatch> messages;
  int budget = kReadBudget;
  while (budget > 0 && !closed.load()) {
    for (unsigned i = 0; i < kBatch; ++i) {
      iov[i] = {data.data() + i * kBufferSize, kBufferSize};
      messages[i] = {};
      messages[i].msg_hdr.msg_name = &addresses[i];
      messages[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      messages[i].msg_hdr.msg_iov = &iov[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    const int n = recvmmsg(fd, messages.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n < 0) {
      const int error = errno;
      if (error == EAGAIN || error == EWOULDBLOCK) return;
      --budget;
      if (error == EINTR) continue;
      // E.g. a queued ICMP error; reading it clears it, so keep draining.
      if (IsPowerOfTwo(++receive_errors)) {
        PARLEY_LOG(kWarning, "runtime")
            << "UdpSocket " << local << ": recvmmsg failed: " << ErrnoText(error) << " ("
            << receive_errors.load() << " receive errors so far)";
      }
      continue;
    }
    budget -= n;
    for (int i = 0; i < n; ++i) {
      if (closed.load()) return;  // Destroyed by on_receive: drop the rest of the batch.
      const msghdr& header = messages[i].msg_hdr;
      const auto source =
          FromSockaddr(static_cast<const sockaddr*>(header.msg_name), header.msg_namelen);
      if ((header.msg_flags & MSG_TRUNC) != 0 || !source) {
        ++receive_errors;
        continue;
      }
      const size_t length = messages[i].msg_len;
      ++datagrams_received;
      bytes_received += length;
      const uint8_t* payload = data.data() + i * kBufferSize;
      if (on_receive) on_receive(Datagram{*source, local, Bytes(payload, payload + length)});
    }
    if (n < static_cast<int>(kBatch)) return;  // The queue was empty: a further read would EAGAIN.
  }
}

Result<std::unique_ptr<UdpSocket>> UdpSocket::Bind(EventLoop& loop, const SocketAddress& local,
                                                   ReceiveCallback on_receive) {
  const std::string where = "UdpSocket::Bind(" + local.ToString() + "): ";
  const int family = local.ip().is_v4() ? AF_INET : AF_INET6;
  const int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    const int error = errno;
    const std::string message = where + "socket() failed: " + ErrnoText(error);
    if (error == EAFNOSUPPORT) return InvalidAccessError(message);
    return OperationError(message);
  }
  auto core = std::make_shared<Core>(loop, fd);  // Closes fd on every path from here on.

  if (family == AF_INET6) {
    const int on = 1;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0) {
      return OperationError(where + "setsockopt(IPV6_V6ONLY) failed: " + ErrnoText(errno));
    }
  }
  // Best effort: the kernel silently caps the size, and the defaults still work.
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kSocketBufferSize, sizeof kSocketBufferSize);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kSocketBufferSize, sizeof kSocketBufferSize);

  if (auto bound = BindTo(fd, local, where); !bound.ok()) return bound.error();
  const auto bound = LocalAddressOf(fd);
  if (!bound) return OperationError(where + "getsockname failed: " + ErrnoText(errno));
  core->local = *bound;
  core->on_receive = std::move(on_receive);

  auto watch = loop.Watch(fd, EPOLLIN, [core](uint32_t) { core->OnReadable(); });
  if (!watch) return OperationError(where + watch.error().message());
  return std::unique_ptr<UdpSocket>(new UdpSocket(loop, std::move(core), *watch));
}

UdpSocket::UdpSocket(EventLoop& loop, std::shared_ptr<Core> core, EventLoop::WatchId watch_id)
    : loop_(loop), core_(std::move(core)), watch_id_(watch_id) {}

UdpSocket::~UdpSocket() {
  core_->closed.store(true);
  // Waits for a running OnReadable when called off the loop thread. The fd is closed when the
  // last reference to the core goes, i.e. after any running callback returns.
  loop_.Unwatch(watch_id_);
}

Result<void> UdpSocket::SendTo(const SocketAddress& to, ByteView payload) {
  if (to.family() != core_->local.family()) {
    ++core_->send_errors;
    return InvalidAccessError("UdpSocket::SendTo(" + to.ToString() + ") from " +
                              core_->local.ToString() + ": address family mismatch");
  }
  sockaddr_storage address;
  const socklen_t length = ToSockaddr(to, &address);
  ssize_t sent;
  do {
    sent = sendto(core_->fd, payload.data(), payload.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                  reinterpret_cast<const sockaddr*>(&address), length);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    const int error = errno;
    const uint64_t errors = ++core_->send_errors;
    if (error == EAGAIN || error == EWOULDBLOCK || error == ENOBUFS) {
      if (IsPowerOfTwo(errors)) {
        PARLEY_LOG(kWarning, "runtime")
            << "UdpSocket " << core_->local << ": send buffer full, "
            << "dropped a datagram to " << to << " (" << errors << " send errors so far)";
      }
      return Ok();
    }
    const std::string message = "UdpSocket::SendTo(" + to.ToString() + ") from " +
                                core_->local.ToString() + ": sendto failed: " + ErrnoText(error);
    if (error == EACCES || error == EPERM) return InvalidAccessError(message);
    return OperationError(message);
  }
  ++core_->datagrams_sent;
  core_->bytes_sent += static_cast<uint64_t>(sent);
  return Ok();
}

SocketAddress UdpSocket::local_address() const {
  return core_->local;
}

UdpSocket::Stats UdpSocket::stats() const {
  Stats s;
  s.datagrams_sent = core_->datagrams_sent.load();
  s.datagrams_received = core_->datagrams_received.load();
  s.bytes_sent = core_->bytes_sent.load();
  s.bytes_received = core_->bytes_received.load();
  s.send_errors = core_->send_errors.load();
  s.receive_errors = core_->receive_errors.load();
  return s;
}

}  // namespace parley
