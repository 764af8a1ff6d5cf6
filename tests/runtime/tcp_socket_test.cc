#include "runtime/tcp_socket.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/event_loop.h"
#include "runtime/wait.h"

namespace parley {
namespace {

using test::Counter;
using test::Notification;

Bytes ToBytes(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

SocketAddress Loopback(IpFamily family, uint16_t port = 0) {
  return SocketAddress(IpAddress::Loopback(family), port);
}

// Byte `i` of the test stream `seed`: not periodic in any power of two, so lost, duplicated or
// reordered chunks show.
uint8_t PatternByte(uint64_t seed, uint64_t i) {
  return static_cast<uint8_t>((i * 31 + (i >> 13) * 7 + seed) % 251);
}

// Thread-safe record of what a socket's callbacks saw.
class Recorder {
 public:
  TcpSocket::Callbacks Callbacks() {
    TcpSocket::Callbacks callbacks;
    callbacks.on_connected = [this] { connected.Notify(); };
    callbacks.on_data = [this](ByteView data) {
      std::lock_guard lock(mutex_);
      data_.insert(data_.end(), data.begin(), data.end());
      received.Increment();
    };
    callbacks.on_closed = [this](Result<void> status) {
      {
        std::lock_guard lock(mutex_);
        ++closed_count_;
        if (!status.ok()) error_ = status.error().ToString();
      }
      closed.Notify();
    };
    return callbacks;
  }
  // Waits until at least `size` bytes arrived.
  bool WaitForBytes(size_t size) {
    for (int seen = received.value();; ++seen) {
      if (data().size() >= size) return true;
      if (!received.WaitFor(seen + 1)) return data().size() >= size;
    }
  }
  Bytes data() {
    std::lock_guard lock(mutex_);
    return data_;
  }
  std::string error() {
    std::lock_guard lock(mutex_);
    return error_;
  }
  int closed_count() {
    std::lock_guard lock(mutex_);
    return closed_count_;
  }

  Notification connected;
  Notification closed;
  Counter received;

 private:
  std::mutex mutex_;
  Bytes data_;
  std::string error_;
  int closed_count_ = 0;
};

// Accepted sockets, started with callbacks the test chooses; touched on the loop thread only
// (and by the destructor, after the listener stopped).
class Server {
 public:
  // `make_callbacks` runs on the loop thread for each accepted socket.
  using MakeCallbacks = std::function<TcpSocket::Callbacks(TcpSocket& socket)>;

  Server(EventLoop& loop, IpFamily family, MakeCallbacks make_callbacks)
      : loop_(loop), make_callbacks_(std::move(make_callbacks)) {
    auto listener = TcpListener::Listen(loop, Loopback(family), [this](auto socket) {
      TcpSocket& ref = *socket;
      sockets_.push_back(std::move(socket));
      ref.Start(make_callbacks_(ref));
      accepted.Increment();
    });
    if (listener.ok()) {
      listener_ = std::move(listener).value();
    } else {
      error_ = listener.error().ToString();
    }
  }
  ~Server() {
    listener_.reset();
    loop_.Invoke([this] { sockets_.clear(); });
  }
  bool ok() const { return listener_ != nullptr; }
  const std::string& error() const { return error_; }
  SocketAddress address() const { return listener_->local_address(); }
  // Loop thread only.
  std::vector<std::unique_ptr<TcpSocket>>& sockets() { return sockets_; }

  Counter accepted;

 private:
  EventLoop& loop_;
  MakeCallbacks make_callbacks_;
  std::vector<std::unique_ptr<TcpSocket>> sockets_;
  std::unique_ptr<TcpListener> listener_;
  std::string error_;
};

// Connects on the loop thread and stores the socket in `out` there, before any of its callbacks
// can run (they may use or reset `out`).
void ConnectOnLoop(EventLoop& loop, const SocketAddress& remote, TcpSocket::Callbacks callbacks,
                   std::unique_ptr<TcpSocket>& out, TcpSocket::Options options = {}) {
  loop.Invoke([&] {
    auto socket = TcpSocket::Connect(loop, remote, std::move(callbacks), options);
    EXPECT_TRUE(socket.ok()) << socket.error();
    if (socket.ok()) out = std::move(socket).value();
  });
}

#define SERVER_OR_SKIP(var, loop, family, ...)           \
  Server var(loop, family, __VA_ARGS__);                 \
  if (!var.ok() && (family) == IpFamily::kV6) {          \
    GTEST_SKIP() << "no IPv6 loopback: " << var.error(); \
  }                                                      \
  ASSERT_TRUE(var.ok()) << var.error()

class TcpSocketFamily : public ::testing::TestWithParam<IpFamily> {};

TEST_P(TcpSocketFamily, ConnectsAndEchoesWithCorrectAddresses) {
  const IpFamily family = GetParam();
  EventLoop loop;
  Recorder server_side;
  Recorder client_side;
  SERVER_OR_SKIP(server, loop, family, [&](TcpSocket& socket) {
    TcpSocket::Callbacks callbacks = server_side.Callbacks();
    auto record = std::move(callbacks.on_data);
    callbacks.on_data = [&socket, record](ByteView data) {
      record(data);
      Bytes reply = ToBytes("echo:");
      reply.insert(reply.end(), data.begin(), data.end());
      EXPECT_TRUE(socket.Send(reply).ok());
    };
    return callbacks;
  });
  std::unique_ptr<TcpSocket> client;
  ConnectOnLoop(loop, server.address(), client_side.Callbacks(), client);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client_side.connected.Wait());
  ASSERT_TRUE(client->Send(ToBytes("hello")).ok());
  ASSERT_TRUE(client_side.WaitForBytes(10));
  EXPECT_EQ(client_side.data(), ToBytes("echo:hello"));
  EXPECT_EQ(server_side.data(), ToBytes("hello"));

  EXPECT_EQ(client->remote_address(), server.address());
  EXPECT_EQ(client->local_address().ip(), IpAddress::Loopback(family));
  EXPECT_NE(client->local_address().port(), 0);
  const auto [accepted_local, accepted_remote] = loop.Invoke([&] {
    return std::pair(server.sockets()[0]->local_address(), server.sockets()[0]->remote_address());
  });
  EXPECT_EQ(accepted_local, server.address());
  EXPECT_EQ(accepted_remote, client->local_address());
  EXPECT_EQ(client->stats().bytes_sent, 5u);
  EXPECT_EQ(client->stats().bytes_received, 10u);
  EXPECT_EQ(client->buffered_amount(), 0u);
  EXPECT_FALSE(client_side.closed.notified());
}

TEST_P(TcpSocketFamily, BindsTheRequestedLocalAddress) {
  const IpFamily family = GetParam();
  EventLoop loop;
  Recorder client_side;
  SERVER_OR_SKIP(server, loop, family, [](TcpSocket&) { return TcpSocket::Callbacks{}; });
  TcpSocket::Options options;
  options.local = Loopback(family);
  std::unique_ptr<TcpSocket> client;
  ConnectOnLoop(loop, server.address(), client_side.Callbacks(), client, options);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client_side.connected.Wait());
  EXPECT_EQ(client->local_address().ip(), IpAddress::Loopback(family));
  EXPECT_NE(client->local_address().port(), 0);
}

INSTANTIATE_TEST_SUITE_P(TcpSocket, TcpSocketFamily,
                         ::testing::Values(IpFamily::kV4, IpFamily::kV6), [](const auto& info) {
                           return info.param == IpFamily::kV4 ? "Ipv4" : "Ipv6";
                         });

// Sends `total` pattern bytes as fast as the socket takes them, pausing whenever Send() had to
// buffer and resuming on on_drained. Loop thread only.
class PatternSender {
 public:
  PatternSender(uint64_t seed, size_t total) : seed_(seed), total_(total) {}
  void Pump(TcpSocket& socket) {
    while (offset_ < total_ && socket.buffered_amount() == 0) {
      const size_t size = std::min<size_t>(48 * 1024 + 13, total_ - offset_);
      Bytes chunk(size);
      for (size_t i = 0; i < size; ++i)
        chunk[i] = PatternByte(seed_, offset_ + i);
      if (!socket.Send(chunk).ok()) {
        ++failures_;
        return;
      }
      offset_ += size;
    }
  }
  int failures() const { return failures_.load(); }

 private:
  std::atomic<int> failures_{0};
  const uint64_t seed_;
  const size_t total_;
  size_t offset_ = 0;
};

// Checks the incoming pattern without keeping it. Loop thread only, but done() anywhere.
class PatternChecker {
 public:
  PatternChecker(uint64_t seed, size_t total) : seed_(seed), total_(total) {}
  void OnData(ByteView data) {
    for (uint8_t byte : data) {
      if (byte != PatternByte(seed_, received_)) ++mismatches_;
      ++received_;
    }
    if (received_ >= total_) done.Notify();
  }
  size_t received() const { return received_.load(); }
  size_t mismatches() const { return mismatches_.load(); }

  Notification done;

 private:
  const uint64_t seed_;
  const size_t total_;
  std::atomic<size_t> received_{0};
  std::atomic<size_t> mismatches_{0};
};

TEST(TcpSocket, TenMegabytesBothWaysWithBackpressure) {
  constexpr size_t kTotal = 10 * 1000 * 1000;
  EventLoop loop;
  PatternSender to_server(1, kTotal);
  PatternSender to_client(2, kTotal);
  PatternChecker at_server(1, kTotal);
  PatternChecker at_client(2, kTotal);
  TcpSocket::Options options;
  options.max_send_buffer = 256 * 1024;  // Far below 10 MB: the sender must wait for on_drained.
  Server server(loop, IpFamily::kV4, [&](TcpSocket& socket) {
    TcpSocket::Callbacks callbacks;
    callbacks.on_data = [&](ByteView data) { at_server.OnData(data); };
    callbacks.on_drained = [&] { to_client.Pump(socket); };
    loop.Post([&] { to_client.Pump(socket); });
    return callbacks;
  });
  ASSERT_TRUE(server.ok()) << server.error();
  std::unique_ptr<TcpSocket> client;
  TcpSocket::Callbacks callbacks;
  callbacks.on_connected = [&] { to_server.Pump(*client); };
  callbacks.on_drained = [&] { to_server.Pump(*client); };
  callbacks.on_data = [&](ByteView data) { at_client.OnData(data); };
  ConnectOnLoop(loop, server.address(), std::move(callbacks), client, options);
  ASSERT_TRUE(client);

  constexpr std::chrono::seconds kBound{60};  // Generous for sanitizer builds.
  ASSERT_TRUE(at_server.done.Wait(kBound)) << at_server.received() << " bytes at the server";
  ASSERT_TRUE(at_client.done.Wait(kBound)) << at_client.received() << " bytes at the client";
  EXPECT_EQ(at_server.received(), kTotal);
  EXPECT_EQ(at_client.received(), kTotal);
  EXPECT_EQ(at_server.mismatches(), 0u);
  EXPECT_EQ(at_client.mismatches(), 0u);
  EXPECT_EQ(client->stats().bytes_sent, kTotal);
  EXPECT_EQ(client->stats().bytes_received, kTotal);
  // The kernel could not take 10 MB at once: Send() buffered and on_drained resumed it.
  EXPECT_GT(client->stats().times_buffered, 0u);
  EXPECT_EQ(loop.Invoke([&] { return server.sockets()[0]->stats().bytes_sent; }), kTotal);
  EXPECT_EQ(to_server.failures(), 0);
  EXPECT_EQ(to_client.failures(), 0);
}

TEST(TcpSocket, SendFailsWhenTheBufferLimitWouldBeExceededAndDrainsLater) {
  EventLoop loop;
  Notification drained;
  std::atomic<size_t> server_received{0};
  std::atomic<size_t> expected{0};
  Notification all_received;
  TcpSocket::Callbacks server_callbacks;
  server_callbacks.on_data = [&](ByteView data) {
    if ((server_received += data.size()) >= expected.load()) all_received.Notify();
  };
  // The accepted socket is not started at first: nothing reads, so the kernel buffers fill up.
  std::unique_ptr<TcpSocket> accepted;
  Notification accepted_notification;
  auto listener = TcpListener::Listen(loop, Loopback(IpFamily::kV4), [&](auto socket) {
    accepted = std::move(socket);
    accepted_notification.Notify();
  });
  ASSERT_TRUE(listener.ok()) << listener.error();
  Recorder client_side;
  TcpSocket::Callbacks callbacks = client_side.Callbacks();
  callbacks.on_drained = [&] { drained.Notify(); };
  TcpSocket::Options options;
  options.max_send_buffer = 64 * 1024;
  std::unique_ptr<TcpSocket> client;
  ConnectOnLoop(loop, (*listener)->local_address(), std::move(callbacks), client, options);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client_side.connected.Wait());
  ASSERT_TRUE(accepted_notification.Wait());

  const Bytes chunk(16 * 1024, 0x5a);
  size_t accepted_bytes = 0;
  Result<void> result = Ok();
  // The kernel takes some megabytes at most; then our 64 KiB buffer fills.
  for (int i = 0; i < 100000 && result.ok(); ++i) {
    result = client->Send(chunk);
    if (result.ok()) accepted_bytes += chunk.size();
  }
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind(), ErrorKind::kOperationError);
  EXPECT_NE(result.error().message().find("send buffer full"), std::string::npos) << result.error();
  EXPECT_GT(client->buffered_amount(), 0u);
  EXPECT_LE(client->buffered_amount(), options.max_send_buffer);
  EXPECT_GT(client->stats().times_buffered, 0u);
  // A Send that fits still works.
  const size_t room = options.max_send_buffer - client->buffered_amount();
  if (room > 0) {
    ASSERT_TRUE(client->Send(Bytes(room, 0x5a)).ok());
    accepted_bytes += room;
  }
  EXPECT_FALSE(drained.notified());

  expected = accepted_bytes;
  loop.Invoke([&] { accepted->Start(server_callbacks); });
  ASSERT_TRUE(drained.Wait());
  EXPECT_EQ(client->buffered_amount(), 0u);
  ASSERT_TRUE(all_received.Wait());
  EXPECT_EQ(server_received.load(), accepted_bytes);
  loop.Invoke([&] { accepted.reset(); });
}

TEST(TcpSocket, SendBeforeConnectedIsDeliveredAfterConnecting) {
  EventLoop loop;
  Recorder server_side;
  Server server(loop, IpFamily::kV4, [&](TcpSocket&) { return server_side.Callbacks(); });
  ASSERT_TRUE(server.ok()) << server.error();
  Recorder client_side;
  auto client = loop.Invoke([&] {
    auto socket = TcpSocket::Connect(loop, server.address(), client_side.Callbacks());
    EXPECT_TRUE(socket.ok());
    // Still on the loop thread: the connection cannot have been reported yet.
    EXPECT_TRUE(socket.value()->Send(ToBytes("early")).ok());
    return std::move(socket).value();
  });
  ASSERT_TRUE(server_side.WaitForBytes(5));
  EXPECT_EQ(server_side.data(), ToBytes("early"));
  EXPECT_TRUE(client_side.connected.notified());
}

TEST(TcpSocket, PeerCloseIsReportedAfterItsData) {
  EventLoop loop;
  Server server(loop, IpFamily::kV4, [&](TcpSocket& socket) {
    EXPECT_TRUE(socket.Send(ToBytes("goodbye")).ok());
    socket.Close();
    return TcpSocket::Callbacks{};
  });
  ASSERT_TRUE(server.ok()) << server.error();
  Recorder client_side;
  std::unique_ptr<TcpSocket> client;
  ConnectOnLoop(loop, server.address(), client_side.Callbacks(), client);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client_side.closed.Wait());
  EXPECT_EQ(client_side.data(), ToBytes("goodbye"));
  EXPECT_EQ(client_side.error(), "");  // An orderly close: Ok().
  EXPECT_EQ(client_side.closed_count(), 1);
  const auto after = client->Send(ToBytes("late"));
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().kind(), ErrorKind::kInvalidStateError);
}

TEST(TcpSocket, ClientCloseIsReportedToTheAcceptedSocket) {
  EventLoop loop;
  Recorder server_side;
  Server server(loop, IpFamily::kV4, [&](TcpSocket&) { return server_side.Callbacks(); });
  ASSERT_TRUE(server.ok()) << server.error();
  Recorder client_side;
  std::unique_ptr<TcpSocket> client;
  ConnectOnLoop(loop, server.address(), client_side.Callbacks(), client);
  ASSERT_TRUE(client_side.connected.Wait());
  ASSERT_TRUE(client->Send(ToBytes("last words")).ok());
  client->Close();
  ASSERT_TRUE(server_side.closed.Wait());
  EXPECT_EQ(server_side.data(), ToBytes("last words"));
  EXPECT_EQ(server_side.error(), "");
  // No callback after Close().
  EXPECT_FALSE(client_side.closed.notified());
  EXPECT_EQ(client->Send(ToBytes("x")).error().kind(), ErrorKind::kInvalidStateError);
}

// A loopback port with nothing listening: bound by a listener that is then destroyed.
SocketAddress ClosedPort(EventLoop& loop, IpFamily family) {
  auto listener = TcpListener::Listen(loop, Loopback(family), [](auto) {});
  if (!listener.ok()) return SocketAddress();
  return (*listener)->local_address();
}

TEST_P(TcpSocketFamily, ConnectRefusedIsReportedAsAnError) {
  const IpFamily family = GetParam();
  EventLoop loop;
  const SocketAddress closed = ClosedPort(loop, family);
  if (closed.port() == 0) {
    ASSERT_EQ(family, IpFamily::kV6);
    GTEST_SKIP() << "no IPv6 loopback";
  }
  Recorder client_side;
  std::unique_ptr<TcpSocket> client;
  ConnectOnLoop(loop, closed, client_side.Callbacks(), client);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client_side.closed.Wait());
  EXPECT_FALSE(client_side.connected.notified());
  EXPECT_NE(client_side.error().find("Connection refused"), std::string::npos)
      << client_side.error();
  EXPECT_NE(client_side.error().find(closed.ToString()), std::string::npos) << client_side.error();
  EXPECT_EQ(client->Send(ToBytes("x")).error().kind(), ErrorKind::kInvalidStateError);
}

TEST(TcpSocket, BindingAForeignLocalAddressFails) {
  EventLoop loop;
  TcpSocket::Options options;
  options.local = SocketAddress(IpAddress::V4(192, 0, 2, 1), 0);  // TEST-NET-1, never used.
  auto result =
      TcpSocket::Connect(loop, Loopback(IpFamily::kV4, 9), TcpSocket::Callbacks{}, options);
  if (result.ok()) GTEST_SKIP() << "this host can bind 192.0.2.1";
  EXPECT_EQ(result.error().kind(), ErrorKind::kInvalidAccessError);
  EXPECT_NE(result.error().message().find("192.0.2.1"), std::string::npos) << result.error();
}

TEST(TcpSocket, DestroyedInsideItsOwnCallbacks) {
  EventLoop loop;
  Server server(loop, IpFamily::kV4, [&](TcpSocket& socket) {
    // Two writes, likely read together or apart: either way the client sees only one callback.
    EXPECT_TRUE(socket.Send(ToBytes("first")).ok());
    EXPECT_TRUE(socket.Send(ToBytes("second")).ok());
    socket.Close();
    return TcpSocket::Callbacks{};
  });
  ASSERT_TRUE(server.ok()) << server.error();

  // In on_data: nothing more is delivered (no second on_data, no on_closed).
  {
    std::unique_ptr<TcpSocket> client;
    Counter data_calls;
    Notification destroyed;
    TcpSocket::Callbacks callbacks;
    callbacks.on_data = [&](ByteView) {
      data_calls.Increment();
      client.reset();
      destroyed.Notify();
    };
    callbacks.on_closed = [&](Result<void>) { ADD_FAILURE() << "on_closed after destruction"; };
    ConnectOnLoop(loop, server.address(), std::move(callbacks), client);
    ASSERT_TRUE(destroyed.Wait());
    loop.Invoke([] {});
    EXPECT_EQ(data_calls.value(), 1);
  }
  // In on_connected.
  {
    std::unique_ptr<TcpSocket> client;
    Notification destroyed;
    TcpSocket::Callbacks callbacks;
    callbacks.on_connected = [&] {
      client.reset();
      destroyed.Notify();
    };
    callbacks.on_data = [&](ByteView) { ADD_FAILURE() << "on_data after destruction"; };
    ConnectOnLoop(loop, server.address(), std::move(callbacks), client);
    ASSERT_TRUE(destroyed.Wait());
    loop.Invoke([] {});
  }
  // In on_closed (connect refused).
  {
    const SocketAddress closed = ClosedPort(loop, IpFamily::kV4);
    std::unique_ptr<TcpSocket> client;
    Notification destroyed;
    TcpSocket::Callbacks callbacks;
    callbacks.on_closed = [&](Result<void>) {
      client.reset();
      destroyed.Notify();
    };
    ConnectOnLoop(loop, closed, std::move(callbacks), client);
    ASSERT_TRUE(destroyed.Wait());
    loop.Invoke([] {});
  }
}

TEST(TcpSocket, DestroyedFromAnotherThreadWhileDataFlows) {
  EventLoop loop;
  std::atomic<uint64_t> received{0};
  Notification flowing;
  PatternSender sender(3, size_t{1} << 30);  // More than will ever be sent.
  Server server(loop, IpFamily::kV4, [&](TcpSocket& socket) {
    TcpSocket::Callbacks callbacks;
    callbacks.on_drained = [&] { sender.Pump(socket); };
    loop.Post([&] { sender.Pump(socket); });
    return callbacks;
  });
  ASSERT_TRUE(server.ok()) << server.error();
  TcpSocket::Callbacks callbacks;
  callbacks.on_data = [&](ByteView data) {
    if ((received += data.size()) > 1'000'000) flowing.Notify();
  };
  std::unique_ptr<TcpSocket> client;
  ConnectOnLoop(loop, server.address(), std::move(callbacks), client);
  ASSERT_TRUE(flowing.Wait());
  client.reset();  // Waits for a running on_data; none starts afterwards.
  const uint64_t at_destruction = received.load();
  loop.Invoke([] {});
  EXPECT_EQ(received.load(), at_destruction);
}

TEST(TcpSocket, SendFromManyThreadsKeepsEachMessageIntact) {
  constexpr int kThreads = 4;
  constexpr int kMessages = 500;
  EventLoop loop;
  Recorder server_side;
  Server server(loop, IpFamily::kV4, [&](TcpSocket&) { return server_side.Callbacks(); });
  ASSERT_TRUE(server.ok()) << server.error();
  Recorder client_side;
  std::unique_ptr<TcpSocket> client;
  ConnectOnLoop(loop, server.address(), client_side.Callbacks(), client);
  ASSERT_TRUE(client_side.connected.Wait());
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Fixed-size records: [thread][index hi][index lo][checksum].
      for (int i = 0; i < kMessages; ++i) {
        const Bytes record = {static_cast<uint8_t>(t), static_cast<uint8_t>(i >> 8),
                              static_cast<uint8_t>(i & 0xff),
                              static_cast<uint8_t>(t ^ (i >> 8) ^ (i & 0xff))};
        EXPECT_TRUE(client->Send(record).ok());
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  ASSERT_TRUE(server_side.WaitForBytes(size_t{kThreads} * kMessages * 4));
  const Bytes data = server_side.data();
  std::vector<int> next(kThreads, 0);
  for (size_t i = 0; i + 4 <= data.size(); i += 4) {
    const int t = data[i];
    ASSERT_LT(t, kThreads);
    const int index = (data[i + 1] << 8) | data[i + 2];
    EXPECT_EQ(data[i + 3], t ^ data[i + 1] ^ data[i + 2]);
    EXPECT_EQ(index, next[t]++);  // Each thread's records arrive whole and in order.
  }
}

}  // namespace
}  // namespace parley
