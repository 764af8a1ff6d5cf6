#include "runtime/runtime.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "runtime/detached_threads.h"
#include "runtime/udp_socket.h"
#include "runtime/wait.h"

namespace parley {
namespace {

using test::Counter;
using test::Notification;

int ThreadCount() {
  int count = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/self/task")) {
    ++count;
  }
  return count;
}

// A joined thread's /proc/self/task entry can outlive join() for a moment (the kernel reaps it
// asynchronously), so counts are polled until they reach `expected`, with a bound.
int ThreadCountOnceSettledAt(int expected) {
  const auto deadline = std::chrono::steady_clock::now() + test::kWaitBound;
  int count = ThreadCount();
  while (count != expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
    count = ThreadCount();
  }
  return count;
}

// Runs an empty thread and waits (bounded) until its /proc/self/task entry is gone.
void RunAndReapOneThread() {
  std::atomic<pid_t> tid{0};
  std::thread([&] { tid = gettid(); }).join();
  const auto entry = std::filesystem::path("/proc/self/task") / std::to_string(tid.load());
  const auto deadline = std::chrono::steady_clock::now() + test::kWaitBound;
  while (std::filesystem::exists(entry) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
}

TEST(Runtime, UsesExactlyTwoThreadsHoweverManySockets) {
  // Sanitizer runtimes may start a helper thread on the first thread creation; get that done
  // before taking the baseline, and let the joined thread's entry go.
  RunAndReapOneThread();
  const int before = ThreadCount();
  auto runtime = Runtime::Create();
  EXPECT_EQ(ThreadCount(), before + 2);
  std::vector<std::unique_ptr<UdpSocket>> sockets;
  for (int i = 0; i < 200; ++i) {
    auto socket = UdpSocket::Bind(
        runtime->loop(), SocketAddress(IpAddress::Loopback(IpFamily::kV4), 0), [](Datagram) {});
    ASSERT_TRUE(socket.ok()) << socket.error();
    sockets.push_back(std::move(socket).value());
  }
  EXPECT_EQ(ThreadCount(), before + 2);
  sockets.clear();
  runtime.reset();
  EXPECT_EQ(ThreadCountOnceSettledAt(before), before);
}

TEST(Runtime, CallbacksRunOnTheExecutorNotTheLoopThread) {
  auto runtime = Runtime::Create();
  std::atomic<bool> on_loop{true};
  std::atomic<bool> on_executor{false};
  Notification done;
  runtime->loop().Post([&] {
    runtime->callbacks().Post([&] {
      on_loop = runtime->loop().IsCurrent();
      on_executor = runtime->callbacks().IsCurrent();
      done.Notify();
    });
  });
  ASSERT_TRUE(done.Wait());
  EXPECT_FALSE(on_loop.load());
  EXPECT_TRUE(on_executor.load());
}

TEST(Runtime, CallbacksMayReenterTheLoopAndTheExecutor) {
  // Would deadlock if either thread ran work while holding its queue lock.
  auto runtime = Runtime::Create();
  EventLoop& loop = runtime->loop();
  CallbackExecutor& callbacks = runtime->callbacks();
  Counter steps;
  callbacks.Post([&] {
    EXPECT_EQ(loop.Invoke([&] {
      // On the loop, post a callback while the executor is blocked in Invoke.
      callbacks.Post([&] { steps.Increment(); });
      loop.Post([&] { steps.Increment(); });
      loop.ScheduleAfter(TimeDelta::Zero(), [&] { steps.Increment(); });
      return 5;
    }),
              5);
    loop.Post([&] { callbacks.Post([&] { steps.Increment(); }); });
    callbacks.Post([&] { steps.Increment(); });
  });
  EXPECT_TRUE(steps.WaitFor(5));
}

TEST(Runtime, DestroyFromInsideAUserCallback) {
  auto runtime = Runtime::Create();
  auto socket = UdpSocket::Bind(
      runtime->loop(), SocketAddress(IpAddress::Loopback(IpFamily::kV4), 0), [](Datagram) {});
  ASSERT_TRUE(socket.ok()) << socket.error();
  std::unique_ptr<UdpSocket> owned = std::move(socket).value();
  Notification destroyed;
  runtime->callbacks().Post([&] {
    owned.reset();    // Off the loop thread: waits for the loop.
    runtime.reset();  // Joins the loop thread, detaches the executor's own thread.
    destroyed.Notify();
  });
  ASSERT_TRUE(destroyed.Wait());
  EXPECT_TRUE(WaitForDetachedThreads(TimeDelta::Seconds(5)));
}

TEST(Runtime, DestroyFromInsideALoopTask) {
  auto runtime = Runtime::Create();
  auto socket = UdpSocket::Bind(
      runtime->loop(), SocketAddress(IpAddress::Loopback(IpFamily::kV4), 0), [](Datagram) {});
  ASSERT_TRUE(socket.ok()) << socket.error();
  std::unique_ptr<UdpSocket> owned = std::move(socket).value();
  Notification destroyed;
  runtime->loop().Post([&] {
    owned.reset();
    runtime.reset();  // Detaches the loop's own thread, joins the executor.
    destroyed.Notify();
  });
  ASSERT_TRUE(destroyed.Wait());
  EXPECT_TRUE(WaitForDetachedThreads(TimeDelta::Seconds(5)));
}

TEST(Runtime, DestroyFromInsideAReceiveCallback) {
  auto runtime = Runtime::Create();
  const SocketAddress loopback(IpAddress::Loopback(IpFamily::kV4), 0);
  // Loop thread only once bound: sockets must go before the Runtime, all inside the callback.
  std::unique_ptr<UdpSocket> receiver;
  std::unique_ptr<UdpSocket> sender;
  Notification destroyed;
  auto bound_receiver = UdpSocket::Bind(runtime->loop(), loopback, [&](Datagram) {
    receiver.reset();  // The socket whose callback this is, then everything else.
    sender.reset();
    runtime.reset();
    destroyed.Notify();
  });
  ASSERT_TRUE(bound_receiver.ok()) << bound_receiver.error();
  auto bound_sender = UdpSocket::Bind(runtime->loop(), loopback, [](Datagram) {});
  ASSERT_TRUE(bound_sender.ok()) << bound_sender.error();
  // Sent from the loop thread: the test thread must not use the Runtime once a datagram may
  // have arrived.
  runtime->loop().Invoke([&] {
    receiver = std::move(bound_receiver).value();
    sender = std::move(bound_sender).value();
    for (int i = 0; i < 10; ++i)
      EXPECT_TRUE(sender->SendTo(receiver->local_address(), {}).ok());
  });
  ASSERT_TRUE(destroyed.Wait());
  EXPECT_TRUE(WaitForDetachedThreads(TimeDelta::Seconds(5)));
}

TEST(Runtime, ShutdownWithPendingWorkDoesNotHang) {
  std::atomic<int> ran_after{0};
  Notification busy;
  Notification release;
  auto runtime = Runtime::Create();
  runtime->callbacks().Post([&] {
    busy.Notify();
    release.Wait();
  });
  ASSERT_TRUE(busy.Wait());
  for (int i = 0; i < 1000; ++i) {
    runtime->callbacks().Post([&] { ++ran_after; });
    runtime->loop().Post([&] { ++ran_after; });
    runtime->loop().ScheduleAfter(TimeDelta::Seconds(3600), [&] { ++ran_after; });
  }
  std::thread releaser([&] { release.Notify(); });
  runtime.reset();
  releaser.join();
  // Queued loop tasks may have run before shutdown; far timers never.
  EXPECT_LE(ran_after.load(), 2000);
}

}  // namespace
}  // namespace parley
