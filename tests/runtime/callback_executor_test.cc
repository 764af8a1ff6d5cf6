#include "runtime/callback_executor.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/detached_threads.h"
#include "runtime/post_stress.h"
#include "runtime/wait.h"

namespace parley {
namespace {

using test::Counter;
using test::Notification;

TEST(CallbackExecutor, RunsTasksInFifoOrderOnItsOwnThread) {
  CallbackExecutor executor;
  EXPECT_FALSE(executor.IsCurrent());
  std::vector<int> order;  // Executor thread only, until `done`.
  std::atomic<bool> all_on_executor{true};
  const auto test_thread = std::this_thread::get_id();
  Notification done;
  for (int i = 0; i < 1000; ++i) {
    executor.Post([&, i] {
      if (!executor.IsCurrent() || std::this_thread::get_id() == test_thread) {
        all_on_executor = false;
      }
      order.push_back(i);
      if (i == 999) done.Notify();
    });
  }
  ASSERT_TRUE(done.Wait());
  EXPECT_TRUE(all_on_executor.load());
  ASSERT_EQ(order.size(), 1000u);
  for (int i = 0; i < 1000; ++i)
    EXPECT_EQ(order[i], i);
}

TEST(CallbackExecutor, PostFromManyThreadsRunsEveryTaskExactlyOnce) {
  CallbackExecutor executor;
  test::ExpectConcurrentPostsRunOnce(
      [&](std::function<void()> task) { executor.Post(std::move(task)); },
      [&] {
        Notification barrier;
        executor.Post([&] { barrier.Notify(); });
        ASSERT_TRUE(barrier.Wait());
      },
      8, 500);
}

TEST(CallbackExecutor, CallbackCanPostMoreWithoutDeadlock) {
  CallbackExecutor executor;
  Notification done;
  executor.Post([&] { executor.Post([&] { executor.Post([&] { done.Notify(); }); }); });
  EXPECT_TRUE(done.Wait());
}

TEST(CallbackExecutor, DestroyFromItsOwnCallbackDoesNotDeadlock) {
  auto executor = std::make_unique<CallbackExecutor>();
  Notification destroyed;
  executor->Post([&] {
    executor.reset();  // Detaches: the thread exits when this callback returns.
    destroyed.Notify();
  });
  ASSERT_TRUE(destroyed.Wait());
  EXPECT_TRUE(WaitForDetachedThreads(TimeDelta::Seconds(5)));
}

struct Guard {
  explicit Guard(std::atomic<int>* live) : live(live) { ++*live; }
  ~Guard() { --*live; }
  std::atomic<int>* live;
};

TEST(CallbackExecutor, TasksPendingAtShutdownAreDroppedNotRun) {
  auto executor = std::make_unique<CallbackExecutor>();
  std::atomic<int> live{0};
  std::atomic<int> ran{0};
  Notification destroyed;
  executor->Post([&] {
    for (int i = 0; i < 100; ++i) {
      executor->Post([&ran, guard = std::make_shared<Guard>(&live)] { ++ran; });
    }
    executor.reset();
    destroyed.Notify();
  });
  ASSERT_TRUE(destroyed.Wait());
  ASSERT_TRUE(WaitForDetachedThreads(TimeDelta::Seconds(5)));
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(live.load(), 0);
}

TEST(CallbackExecutor, DestructorWaitsOnlyForTheRunningCallback) {
  std::atomic<int> live{0};
  Notification started;
  Notification release;
  std::atomic<bool> finished{false};
  auto executor = std::make_unique<CallbackExecutor>();
  executor->Post([&] {
    started.Notify();
    release.Wait();
    finished = true;
  });
  ASSERT_TRUE(started.Wait());
  for (int i = 0; i < 100; ++i) {
    executor->Post([guard = std::make_shared<Guard>(&live)] {});
  }
  std::thread releaser([&] { release.Notify(); });
  executor.reset();
  EXPECT_TRUE(finished.load());  // Joined after the running callback returned.
  EXPECT_EQ(live.load(), 0);
  releaser.join();
}

}  // namespace
}  // namespace parley
