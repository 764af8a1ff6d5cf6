#include "runtime/tcp_socket.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <future>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>

#include "base/logging.h"
#include "runtime/sockaddr.h"

namespace parley {
namespace {

// Bytes read per recv() into the loop's scratch buffer.
constexpr size_t kReadChunk = 64 * 1024;
// recv() calls per readiness event before other sockets, timers and tasks get a turn; the rest is
// read by a task posted behind them (the socket is edge triggered, so epoll would not report it
// again).
constexpr int kReadBudget = 16;
// accept() calls per readiness event (the listener is level triggered).
constexpr int kAcceptBudget = 64;
// Edge triggered: EPOLLOUT is reported whenever buffer space frees up after a send() hit EAGAIN,
// so the socket never needs re-registering to start or stop watching for writability.
constexpr uint32_t kSocketEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;

bool IsPowerOfTwo(uint64_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

// Waits until whatever runs on the loop thread at this moment has returned (nothing to wait for
// on the loop thread itself or once the loop has stopped).
void SyncWithLoop(EventLoop& loop) {
  if (loop.IsCurrent()) return;
  try {
    loop.Invoke([] {});
  } catch (const std::future_error&) {
    // The loop stopped: it runs nothing any more.
  }
}

}  // namespace

struct TcpSocket::Core : std::enable_shared_from_this<TcpSocket::Core> {
  enum class State { kConnecting, kConnected, kFinished, kClosed };
  enum class FlushResult { kDrained, kPending, kFailed };

  Core(EventLoop& event_loop, int socket_fd) : loop(event_loop), fd(socket_fd) {}
  ~Core() { close(fd); }

  // Any thread, once the callbacks are set.
  void WatchSocket();
  // Loop thread only.
  void OnEvents(uint32_t events);
  void ReadSome();
  void Flush();
  void Finish(Result<void> status);
  // Writes the buffer until it is empty or the kernel is full; `error` is set on kFailed. Call
  // with `mutex` held.
  FlushResult FlushLocked(int* error);
  std::string Describe() const { return local.ToString() + "->" + remote.ToString(); }

  EventLoop& loop;
  const int fd;
  SocketAddress local;   // Set before the socket is shared.
  SocketAddress remote;  // Set before the socket is shared.
  size_t max_send_buffer = size_t{4} << 20;
  // Written before the socket is watched, then used on the loop thread only.
  Callbacks callbacks;
  // Set by Close(): no callback starts any more.
  std::atomic<bool> closed{false};
  bool read_posted = false;  // Loop thread only.

  mutable std::mutex mutex;
  State state = State::kConnecting;         // Guarded by mutex.
  Bytes buffer;                             // Guarded by mutex; bytes from buffer_offset wait.
  size_t buffer_offset = 0;                 // Guarded by mutex.
  bool report_drained = false;              // Guarded by mutex.
  std::optional<EventLoop::WatchId> watch;  // Guarded by mutex.

  std::atomic<uint64_t> bytes_sent{0};
  std::atomic<uint64_t> bytes_received{0};
  std::atomic<uint64_t> times_buffered{0};
};

void TcpSocket::Core::WatchSocket() {
  // The watcher's reference keeps the core alive while a callback runs, even one that destroys
  // the socket.
  auto self = shared_from_this();
  auto result = loop.Watch(fd, kSocketEvents, [self](uint32_t events) { self->OnEvents(events); });
  if (!result) {
    loop.Post([self, error = result.error()] {
      if (!self->closed.load()) self->Finish(OperationError(error.message()));
    });
    return;
  }
  std::lock_guard lock(mutex);
  watch = *result;
}

void TcpSocket::Core::OnEvents(uint32_t events) {
  if (closed.load()) return;
  State current;
  {
    std::lock_guard lock(mutex);
    current = state;
  }
  if (current == State::kFinished || current == State::kClosed) return;
  if (current == State::kConnecting) {
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    if (error == 0 && (events & EPOLLOUT) == 0) error = ECONNREFUSED;  // Hung up, no reason.
    if (error != 0) {
      Finish(OperationError("TcpSocket: connect " + Describe() + " failed: " + ErrnoText(error)));
      return;
    }
    {
      std::lock_guard lock(mutex);
      if (state != State::kConnecting) return;  // Closed meanwhile.
      state = State::kConnected;
    }
    if (callbacks.on_connected) callbacks.on_connected();
    if (closed.load()) return;
    Flush();  // Whatever Send() buffered while connecting.
  } else if ((events & EPOLLOUT) != 0) {
    Flush();
  }
  if (closed.load()) return;
  if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) ReadSome();
}

void TcpSocket::Core::ReadSome() {
  for (int i = 0; i < kReadBudget; ++i) {
    if (closed.load()) return;
    {
      std::lock_guard lock(mutex);
      if (state != State::kConnected) return;
    }
    const std::span<uint8_t> data = loop.ScratchBuffer(kReadChunk);
    const ssize_t n = recv(fd, data.data(), kReadChunk, MSG_DONTWAIT);
    if (n > 0) {
      bytes_received += static_cast<uint64_t>(n);
      if (callbacks.on_data) callbacks.on_data(ByteView(data.data(), static_cast<size_t>(n)));
      continue;
    }
    if (n == 0) {
      Finish(Ok());
      return;
    }
    const int error = errno;
    if (error == EINTR) continue;
    if (error == EAGAIN || error == EWOULDBLOCK) return;
    Finish(OperationError("TcpSocket " + Describe() + ": recv failed: " + ErrnoText(error)));
    return;
  }
  // More may be waiting, and epoll will not report it again: continue after the work queued
  // meanwhile.
  if (read_posted) return;
  read_posted = true;
  loop.Post([self = shared_from_this()] {
    self->read_posted = false;
    self->ReadSome();
  });
}

TcpSocket::Core::FlushResult TcpSocket::Core::FlushLocked(int* error) {
  while (buffer_offset < buffer.size()) {
    const ssize_t n = send(fd, buffer.data() + buffer_offset, buffer.size() - buffer_offset,
                           MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      buffer_offset += static_cast<size_t>(n);
      bytes_sent += static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // EPOLLOUT follows when space frees up. Drop the sent prefix once it dominates.
      if (buffer_offset > buffer.size() / 2) {
        buffer.erase(buffer.begin(), buffer.begin() + static_cast<ptrdiff_t>(buffer_offset));
        buffer_offset = 0;
      }
      return FlushResult::kPending;
    }
    *error = n < 0 ? errno : EPIPE;
    return FlushResult::kFailed;
  }
  buffer.clear();
  buffer_offset = 0;
  return FlushResult::kDrained;
}

void TcpSocket::Core::Flush() {
  int error = 0;
  bool drained = false;
  {
    std::lock_guard lock(mutex);
    if (state != State::kConnected) return;
    switch (FlushLocked(&error)) {
      case FlushResult::kDrained:
        drained = report_drained;
        report_drained = false;
        break;
      case FlushResult::kPending:
        return;
      case FlushResult::kFailed:
        break;
    }
  }
  if (error != 0) {
    Finish(OperationError("TcpSocket " + Describe() + ": send failed: " + ErrnoText(error)));
    return;
  }
  if (drained && callbacks.on_drained && !closed.load()) callbacks.on_drained();
}

void TcpSocket::Core::Finish(Result<void> status) {
  {
    std::lock_guard lock(mutex);
    if (state == State::kFinished || state == State::kClosed) return;
    state = State::kFinished;
    buffer.clear();
    buffer_offset = 0;
  }
  if (!closed.load() && callbacks.on_closed) callbacks.on_closed(std::move(status));
}

Result<std::unique_ptr<TcpSocket>> TcpSocket::Connect(EventLoop& loop, const SocketAddress& remote,
                                                      Callbacks callbacks, Options options) {
  const std::string where = "TcpSocket::Connect(" + remote.ToString() + "): ";
  if (options.local && options.local->family() != remote.family()) {
    return InvalidAccessError(where + "local address " + options.local->ToString() +
                              " is of another address family");
  }
  const int family = remote.ip().is_v4() ? AF_INET : AF_INET6;
  const int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    const int error = errno;
    const std::string message = where + "socket() failed: " + ErrnoText(error);
    if (error == EAFNOSUPPORT) return InvalidAccessError(message);
    return OperationError(message);
  }
  auto core = std::make_shared<Core>(loop, fd);  // Closes fd on every path from here on.
  core->remote = remote;
  core->max_send_buffer = options.max_send_buffer;
  if (options.no_delay) {
    const int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);  // Best effort.
  }
  if (options.local) {
    const std::string at = where + "from " + options.local->ToString() + ": ";
    if (auto bound = BindTo(fd, *options.local, at); !bound.ok()) return bound.error();
  }
  sockaddr_storage address;
  const socklen_t length = ToSockaddr(remote, &address);
  int connect_error = 0;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0 &&
      errno != EINPROGRESS && errno != EINTR) {
    connect_error = errno;  // E.g. ECONNREFUSED at once, ENETUNREACH: reported as on_closed.
  }
  if (auto local = LocalAddressOf(fd)) core->local = *local;
  core->callbacks = std::move(callbacks);
  if (connect_error != 0) {
    loop.Post([core, connect_error] {
      if (core->closed.load()) return;
      core->Finish(OperationError("TcpSocket: connect " + core->Describe() +
                                  " failed: " + ErrnoText(connect_error)));
    });
  } else {
    // A connection completed at once is reported like any other: the first event has EPOLLOUT.
    core->WatchSocket();
  }
  return std::unique_ptr<TcpSocket>(new TcpSocket(loop, std::move(core)));
}

TcpSocket::TcpSocket(EventLoop& loop, std::shared_ptr<Core> core)
    : loop_(loop), core_(std::move(core)) {}

TcpSocket::~TcpSocket() {
  Close();
}

void TcpSocket::Start(Callbacks callbacks) {
  {
    std::lock_guard lock(core_->mutex);
    if (core_->watch || core_->state == Core::State::kClosed) return;
  }
  core_->callbacks = std::move(callbacks);
  core_->callbacks.on_connected = nullptr;
  core_->WatchSocket();
}

Result<void> TcpSocket::Send(ByteView data) {
  Core& core = *core_;
  std::lock_guard lock(core.mutex);
  if (core.state == Core::State::kFinished || core.state == Core::State::kClosed) {
    return InvalidStateError("TcpSocket::Send " + core.Describe() + ": the connection is closed");
  }
  const size_t pending = core.buffer.size() - core.buffer_offset;
  if (pending + data.size() > core.max_send_buffer) {
    return OperationError("TcpSocket::Send " + core.Describe() + ": send buffer full (" +
                          std::to_string(pending) + " bytes waiting, " +
                          std::to_string(data.size()) + " more would exceed the limit of " +
                          std::to_string(core.max_send_buffer) + ")");
  }
  size_t written = 0;
  if (core.state == Core::State::kConnected && pending == 0) {
    while (written < data.size()) {
      const ssize_t n =
          send(core.fd, data.data() + written, data.size() - written, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) {
        written += static_cast<size_t>(n);
        core.bytes_sent += static_cast<uint64_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;  // EPOLLOUT follows.
      const int error = n < 0 ? errno : EPIPE;
      // The loop reports the broken connection through on_closed.
      return OperationError("TcpSocket::Send " + core.Describe() +
                            ": send failed: " + ErrnoText(error));
    }
  }
  if (written < data.size()) {
    core.buffer.insert(core.buffer.end(), data.begin() + static_cast<ptrdiff_t>(written),
                       data.end());
    core.report_drained = true;
    ++core.times_buffered;
  }
  return Ok();
}

void TcpSocket::Close() {
  if (core_->closed.exchange(true)) return;
  std::optional<EventLoop::WatchId> watch;
  {
    std::lock_guard lock(core_->mutex);
    core_->state = Core::State::kClosed;
    core_->buffer.clear();
    core_->buffer_offset = 0;
    watch.swap(core_->watch);
  }
  // FIN now (the descriptor itself is closed with the core, after any running callback).
  shutdown(core_->fd, SHUT_RDWR);
  if (watch) {
    loop_.Unwatch(*watch);  // Off the loop thread, waits for a running callback.
  } else {
    SyncWithLoop(loop_);  // E.g. a posted connect failure that may be running.
  }
}

SocketAddress TcpSocket::local_address() const {
  return core_->local;
}

SocketAddress TcpSocket::remote_address() const {
  return core_->remote;
}

size_t TcpSocket::buffered_amount() const {
  std::lock_guard lock(core_->mutex);
  return core_->buffer.size() - core_->buffer_offset;
}

TcpSocket::Stats TcpSocket::stats() const {
  Stats s;
  s.bytes_sent = core_->bytes_sent.load();
  s.bytes_received = core_->bytes_received.load();
  s.times_buffered = core_->times_buffered.load();
  return s;
}

// --- TcpListener ---

struct TcpListener::Core {
  Core(EventLoop& event_loop, int socket_fd) : loop(event_loop), fd(socket_fd) {}
  ~Core() { close(fd); }
  void OnReadable();

  EventLoop& loop;
  const int fd;
  SocketAddress local;
  AcceptCallback on_accept;
  std::atomic<bool> closed{false};
  uint64_t accept_errors = 0;  // Loop thread only.
};

void TcpListener::Core::OnReadable() {
  for (int i = 0; i < kAcceptBudget && !closed.load(); ++i) {
    sockaddr_storage address;
    socklen_t length = sizeof address;
    const int fd_accepted =
        accept4(fd, reinterpret_cast<sockaddr*>(&address), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd_accepted < 0) {
      const int error = errno;
      if (error == EAGAIN || error == EWOULDBLOCK) return;
      if (error == EINTR || error == ECONNABORTED) continue;
      if (IsPowerOfTwo(++accept_errors)) {
        PARLEY_LOG(kWarning, "runtime")
            << "TcpListener " << local << ": accept failed: " << ErrnoText(error);
      }
      return;
    }
    auto core = std::make_shared<TcpSocket::Core>(loop, fd_accepted);
    core->state = TcpSocket::Core::State::kConnected;
    if (auto peer = FromSockaddr(reinterpret_cast<const sockaddr*>(&address), length)) {
      core->remote = *peer;
    }
    if (auto bound = LocalAddressOf(fd_accepted)) core->local = *bound;
    const int on = 1;
    setsockopt(fd_accepted, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    auto socket = std::unique_ptr<TcpSocket>(new TcpSocket(loop, std::move(core)));
    if (on_accept) on_accept(std::move(socket));
  }
}

Result<std::unique_ptr<TcpListener>> TcpListener::Listen(EventLoop& loop,
                                                         const SocketAddress& local,
                                                         AcceptCallback on_accept) {
  const std::string where = "TcpListener::Listen(" + local.ToString() + "): ";
  const int family = local.ip().is_v4() ? AF_INET : AF_INET6;
  const int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    const int error = errno;
    const std::string message = where + "socket() failed: " + ErrnoText(error);
    if (error == EAFNOSUPPORT) return InvalidAccessError(message);
    return OperationError(message);
  }
  auto core = std::make_shared<Core>(loop, fd);
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0) {
    return OperationError(where + "setsockopt(IPV6_V6ONLY) failed: " + ErrnoText(errno));
  }
  if (auto bound = BindTo(fd, local, where); !bound.ok()) return bound.error();
  if (listen(fd, SOMAXCONN) != 0) {
    return OperationError(where + "listen failed: " + ErrnoText(errno));
  }
  const auto bound = LocalAddressOf(fd);
  if (!bound) return OperationError(where + "getsockname failed: " + ErrnoText(errno));
  core->local = *bound;
  core->on_accept = std::move(on_accept);
  auto watch = loop.Watch(fd, EPOLLIN, [core](uint32_t) { core->OnReadable(); });
  if (!watch) return OperationError(where + watch.error().message());
  return std::unique_ptr<TcpListener>(new TcpListener(loop, std::move(core), *watch));
}

TcpListener::TcpListener(EventLoop& loop, std::shared_ptr<Core> core, EventLoop::WatchId watch_id)
    : loop_(loop), core_(std::move(core)), watch_id_(watch_id) {}

TcpListener::~TcpListener() {
  core_->closed.store(true);
  loop_.Unwatch(watch_id_);
}

SocketAddress TcpListener::local_address() const {
  return core_->local;
}

}  // namespace parley
