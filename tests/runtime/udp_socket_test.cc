#include "runtime/udp_socket.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/event_loop.h"
#include "runtime/wait.h"

namespace parley {
namespace {

using test::Counter;
using test::kWaitBound;
using test::Notification;

// Collects received datagrams for the test thread.
class Inbox {
 public:
  UdpSocket::ReceiveCallback Callback() {
    return [this](Datagram d) {
      std::lock_guard lock(mutex_);
      datagrams_.push_back(std::move(d));
      cv_.notify_all();
    };
  }
  bool WaitForCount(size_t n, std::chrono::milliseconds bound = kWaitBound) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, bound, [&] { return datagrams_.size() >= n; });
  }
  std::vector<Datagram> datagrams() {
    std::lock_guard lock(mutex_);
    return datagrams_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Datagram> datagrams_;
};

Bytes ToBytes(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

SocketAddress Loopback(IpFamily family, uint16_t port = 0) {
  return SocketAddress(IpAddress::Loopback(family), port);
}

// Binds on loopback; skips the test when the host has no IPv6 loopback. The callback is the
// variadic part so that lambdas with commas need no extra parentheses.
#define BIND_OR_SKIP(var, loop, family, ...)                                \
  auto var##_result = UdpSocket::Bind(loop, Loopback(family), __VA_ARGS__); \
  if (!var##_result.ok() && (family) == IpFamily::kV6) {                    \
    GTEST_SKIP() << "no IPv6 loopback: " << var##_result.error();           \
  }                                                                         \
  ASSERT_TRUE(var##_result.ok()) << var##_result.error();                   \
  std::unique_ptr<UdpSocket> var = std::move(var##_result).value()

class UdpSocketRoundTrip : public ::testing::TestWithParam<IpFamily> {};

TEST_P(UdpSocketRoundTrip, LoopbackRoundTripWithCorrectAddresses) {
  const IpFamily family = GetParam();
  EventLoop loop;
  Inbox a_inbox;
  Inbox b_inbox;
  BIND_OR_SKIP(a, loop, family, a_inbox.Callback());
  std::atomic<UdpSocket*> b_ptr{nullptr};
  // b echoes every datagram back to its source, from the loop thread.
  BIND_OR_SKIP(b, loop, family, [&](Datagram d) {
    Bytes reply = ToBytes("pong:");
    reply.insert(reply.end(), d.payload.begin(), d.payload.end());
    EXPECT_TRUE(b_ptr.load()->SendTo(d.source, reply).ok());
    b_inbox.Callback()(std::move(d));
  });
  b_ptr = b.get();

  ASSERT_TRUE(a->SendTo(b->local_address(), ToBytes("ping")).ok());
  ASSERT_TRUE(b_inbox.WaitForCount(1));
  ASSERT_TRUE(a_inbox.WaitForCount(1));

  const Datagram at_b = b_inbox.datagrams()[0];
  EXPECT_EQ(at_b.source, a->local_address());
  EXPECT_EQ(at_b.destination, b->local_address());
  EXPECT_EQ(at_b.payload, ToBytes("ping"));
  const Datagram at_a = a_inbox.datagrams()[0];
  EXPECT_EQ(at_a.source, b->local_address());
  EXPECT_EQ(at_a.destination, a->local_address());
  EXPECT_EQ(at_a.payload, ToBytes("pong:ping"));

  const auto a_stats = a->stats();
  EXPECT_EQ(a_stats.datagrams_sent, 1u);
  EXPECT_EQ(a_stats.bytes_sent, 4u);
  EXPECT_EQ(a_stats.datagrams_received, 1u);
  EXPECT_EQ(a_stats.bytes_received, 9u);
  EXPECT_EQ(a_stats.send_errors, 0u);
  EXPECT_EQ(a_stats.receive_errors, 0u);
}

TEST_P(UdpSocketRoundTrip, EphemeralPortIsReported) {
  const IpFamily family = GetParam();
  EventLoop loop;
  Inbox inbox;
  BIND_OR_SKIP(a, loop, family, inbox.Callback());
  BIND_OR_SKIP(b, loop, family, [](Datagram) {});
  EXPECT_NE(a->local_address().port(), 0);
  EXPECT_NE(a->local_address().port(), b->local_address().port());
  EXPECT_EQ(a->local_address().ip(), IpAddress::Loopback(family));
  // The reported port is the real one: datagrams sent there arrive.
  ASSERT_TRUE(b->SendTo(a->local_address(), ToBytes("x")).ok());
  EXPECT_TRUE(inbox.WaitForCount(1));
}

TEST_P(UdpSocketRoundTrip, EmptyDatagramIsDelivered) {
  const IpFamily family = GetParam();
  EventLoop loop;
  Inbox inbox;
  BIND_OR_SKIP(a, loop, family, inbox.Callback());
  BIND_OR_SKIP(b, loop, family, [](Datagram) {});
  ASSERT_TRUE(b->SendTo(a->local_address(), {}).ok());
  ASSERT_TRUE(inbox.WaitForCount(1));
  EXPECT_TRUE(inbox.datagrams()[0].payload.empty());
  EXPECT_EQ(a->stats().datagrams_received, 1u);
}

INSTANTIATE_TEST_SUITE_P(UdpSocket, UdpSocketRoundTrip,
                         ::testing::Values(IpFamily::kV4, IpFamily::kV6), [](const auto& info) {
                           return info.param == IpFamily::kV4 ? "Ipv4" : "Ipv6";
                         });

TEST(UdpSocket, BindToAnAddressNotOnThisHostFails) {
  EventLoop loop;
  // TEST-NET-1 (RFC 5737); nothing is ever sent.
  const SocketAddress foreign(IpAddress::V4(192, 0, 2, 1), 0);
  auto result = UdpSocket::Bind(loop, foreign, [](Datagram) {});
  if (result.ok()) GTEST_SKIP() << "this host can bind 192.0.2.1 (non-local bind enabled?)";
  EXPECT_EQ(result.error().kind(), ErrorKind::kInvalidAccessError);
  const std::string& message = result.error().message();
  EXPECT_NE(message.find("192.0.2.1"), std::string::npos) << message;
  EXPECT_NE(message.find("bind"), std::string::npos) << message;
  EXPECT_NE(message.find("Cannot assign requested address"), std::string::npos) << message;
}

TEST(UdpSocket, BindToAPortInUseFails) {
  EventLoop loop;
  BIND_OR_SKIP(a, loop, IpFamily::kV4, [](Datagram) {});
  auto second = UdpSocket::Bind(loop, a->local_address(), [](Datagram) {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind(), ErrorKind::kInvalidAccessError);
  const std::string& message = second.error().message();
  EXPECT_NE(message.find(a->local_address().ToString()), std::string::npos) << message;
  EXPECT_NE(message.find("Address already in use"), std::string::npos) << message;
}

TEST(UdpSocket, SendToTheOtherAddressFamilyFails) {
  EventLoop loop;
  BIND_OR_SKIP(a, loop, IpFamily::kV4, [](Datagram) {});
  auto result = a->SendTo(Loopback(IpFamily::kV6, 9), ToBytes("x"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind(), ErrorKind::kInvalidAccessError);
  EXPECT_EQ(a->stats().send_errors, 1u);
  EXPECT_EQ(a->stats().datagrams_sent, 0u);
}

TEST(UdpSocket, OversizedDatagramFailsWithoutSending) {
  EventLoop loop;
  Inbox inbox;
  BIND_OR_SKIP(a, loop, IpFamily::kV4, [](Datagram) {});
  BIND_OR_SKIP(b, loop, IpFamily::kV4, inbox.Callback());
  const Bytes huge(70000, 0xab);
  auto result = a->SendTo(b->local_address(), huge);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind(), ErrorKind::kOperationError);
  EXPECT_NE(result.error().message().find("sendto"), std::string::npos);
  EXPECT_EQ(a->stats().send_errors, 1u);
  // The largest IPv4 UDP payload still goes through.
  const Bytes largest(65507, 0xcd);
  ASSERT_TRUE(a->SendTo(b->local_address(), largest).ok());
  ASSERT_TRUE(inbox.WaitForCount(1));
  EXPECT_EQ(inbox.datagrams()[0].payload, largest);
}

TEST(UdpSocket, BurstOfTenThousandDatagramsIsCounted) {
  constexpr int kBurst = 10000;
  EventLoop loop;
  // Loop thread only.
  int burst_received = 0;
  int markers_received = 0;
  uint64_t burst_bytes = 0;
  Notification marker_seen;
  BIND_OR_SKIP(a, loop, IpFamily::kV4, [](Datagram) {});
  BIND_OR_SKIP(b, loop, IpFamily::kV4, [&](Datagram d) {
    if (d.payload.size() == 1) {
      ++markers_received;
      marker_seen.Notify();
    } else {
      ++burst_received;
      burst_bytes += d.payload.size();
    }
  });
  const Bytes payload(100, 0x42);
  for (int i = 0; i < kBurst; ++i)
    ASSERT_TRUE(a->SendTo(b->local_address(), payload).ok());
  // Loopback keeps order, so once a marker arrives every burst datagram was read or dropped.
  // Markers can be lost too, hence resent.
  int markers_sent = 0;
  for (int attempt = 0; attempt < 25 && !marker_seen.notified(); ++attempt) {
    ASSERT_TRUE(a->SendTo(b->local_address(), ToBytes("m")).ok());
    ++markers_sent;
    marker_seen.Wait(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(marker_seen.notified());

  const auto a_stats = a->stats();
  EXPECT_EQ(a_stats.datagrams_sent + a_stats.send_errors,
            static_cast<uint64_t>(kBurst + markers_sent));
  const uint64_t bytes_attempted = uint64_t{kBurst} * 100 + static_cast<uint64_t>(markers_sent);
  if (a_stats.send_errors == 0) {
    EXPECT_EQ(a_stats.bytes_sent, bytes_attempted);
  } else {
    EXPECT_LT(a_stats.bytes_sent, bytes_attempted);
  }
  // Read the counters and the stats together on the loop thread, where both change.
  const auto [b_stats, burst, markers, bytes] = loop.Invoke([&] {
    return std::tuple{b->stats(), burst_received, markers_received, burst_bytes};
  });
  EXPECT_GT(burst, 0);
  EXPECT_LE(burst, kBurst);
  EXPECT_LE(static_cast<uint64_t>(burst), a_stats.datagrams_sent);
  EXPECT_EQ(b_stats.datagrams_received, static_cast<uint64_t>(burst + markers));
  EXPECT_EQ(b_stats.bytes_received, bytes + static_cast<uint64_t>(markers));
  EXPECT_EQ(b_stats.receive_errors, 0u);
}

TEST(UdpSocket, DestroyInsideItsOwnReceiveCallback) {
  EventLoop loop;
  int deliveries = 0;  // Loop thread only.
  Notification destroyed;
  BIND_OR_SKIP(a, loop, IpFamily::kV4, [](Datagram) {});
  std::unique_ptr<UdpSocket> b;
  BIND_OR_SKIP(b_bound, loop, IpFamily::kV4, [&](Datagram) {
    ++deliveries;
    b.reset();  // Destroys the socket whose callback this is.
    destroyed.Notify();
  });
  const SocketAddress b_address = b_bound->local_address();
  loop.Invoke([&] { b = std::move(b_bound); });
  // Several datagrams, so more are pending in the same read batch.
  for (int i = 0; i < 50; ++i)
    ASSERT_TRUE(a->SendTo(b_address, ToBytes("data")).ok());
  ASSERT_TRUE(destroyed.Wait());
  loop.Invoke([] {});
  loop.Invoke([] {});
  EXPECT_EQ(loop.Invoke([&] { return deliveries; }), 1);
  EXPECT_EQ(loop.Invoke([&] { return b == nullptr; }), true);
}

TEST(UdpSocket, DestroyFromAnotherThreadWhileReceiving) {
  EventLoop loop;
  std::atomic<bool> destroyed{false};
  std::atomic<bool> delivered_after_destroy{false};
  Counter received;
  BIND_OR_SKIP(a, loop, IpFamily::kV4, [](Datagram) {});
  BIND_OR_SKIP(b, loop, IpFamily::kV4, [&](Datagram) {
    if (destroyed.load()) delivered_after_destroy = true;
    received.Increment();
  });
  const SocketAddress b_address = b->local_address();
  std::atomic<bool> stop_sending{false};
  std::thread sender([&] {
    const Bytes payload(200, 1);
    while (!stop_sending.load()) {
      // The receiver may already be gone (ICMP port unreachable is not reported to sockets
      // that are not connected), so errors are irrelevant here.
      (void)a->SendTo(b_address, payload);
    }
  });
  ASSERT_TRUE(received.WaitFor(100));
  b.reset();  // Waits for a delivery in progress; none may start afterwards.
  destroyed = true;
  stop_sending = true;
  sender.join();
  loop.Invoke([] {});
  EXPECT_FALSE(delivered_after_destroy.load());
}

TEST(UdpSocket, SendToIsThreadSafe) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  EventLoop loop;
  BIND_OR_SKIP(a, loop, IpFamily::kV4, [](Datagram) {});
  BIND_OR_SKIP(b, loop, IpFamily::kV4, [](Datagram) {});
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t) {
    senders.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i)
        EXPECT_TRUE(a->SendTo(b->local_address(), {}).ok());
    });
  }
  for (auto& sender : senders)
    sender.join();
  const auto stats = a->stats();
  EXPECT_EQ(stats.datagrams_sent + stats.send_errors, static_cast<uint64_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace parley
