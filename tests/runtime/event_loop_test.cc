#include "runtime/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/clock.h"
#include "runtime/detached_threads.h"
#include "runtime/post_stress.h"
#include "runtime/wait.h"

namespace parley {
namespace {

using test::Counter;
using test::Notification;

TEST(EventLoop, PostFromManyThreadsRunsEveryTaskExactlyOnce) {
  EventLoop loop;
  test::ExpectConcurrentPostsRunOnce(
      [&](std::function<void()> task) { loop.Post(std::move(task)); }, [&] { loop.Invoke([] {}); },
      8, 1000);
}

TEST(EventLoop, PostFromOneThreadIsFifo) {
  EventLoop loop;
  std::vector<int> order;  // Loop thread only.
  for (int i = 0; i < 10000; ++i)
    loop.Post([&order, i] { order.push_back(i); });
  const std::vector<int> seen = loop.Invoke([&] { return order; });
  ASSERT_EQ(seen.size(), 10000u);
  for (int i = 0; i < 10000; ++i)
    ASSERT_EQ(seen[i], i);
}

TEST(EventLoop, IsCurrentOnlyOnTheLoopThread) {
  EventLoop loop;
  EventLoop other;
  EXPECT_FALSE(loop.IsCurrent());
  EXPECT_TRUE(loop.Invoke([&] { return loop.IsCurrent(); }));
  EXPECT_FALSE(loop.Invoke([&] { return other.IsCurrent(); }));
}

TEST(EventLoop, InvokeReturnsValuesIncludingMoveOnlyOnes) {
  EventLoop loop;
  EXPECT_EQ(loop.Invoke([] { return 42; }), 42);
  std::unique_ptr<int> p = loop.Invoke([] { return std::make_unique<int>(7); });
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 7);
}

TEST(EventLoop, InvokeRunsInlineOnTheLoopThread) {
  EventLoop loop;
  const auto caller = std::this_thread::get_id();
  const auto [inline_result, same_thread] = loop.Invoke([&] {
    const auto outer = std::this_thread::get_id();
    // Would deadlock if it posted and waited instead of running inline.
    const int value = loop.Invoke([&] { return std::this_thread::get_id() == outer ? 1 : 0; });
    return std::pair{value, outer != caller};
  });
  EXPECT_EQ(inline_result, 1);
  EXPECT_TRUE(same_thread);
}

TEST(EventLoop, InvokeRethrowsTheTasksException) {
  EventLoop loop;
  EXPECT_THROW(loop.Invoke([]() -> int { throw std::runtime_error("boom"); }), std::runtime_error);
  EXPECT_EQ(loop.Invoke([] { return 1; }), 1);  // The loop survived.
}

TEST(EventLoop, TimersFireInDeadlineOrder) {
  EventLoop loop;
  std::vector<int> order;  // Loop thread only.
  Notification done;
  // Scheduled in one loop task, so all exist before any is due.
  loop.Invoke([&] {
    const Timestamp base = SteadyNow() + TimeDelta::Millis(5);
    for (int k : {3, 1, 4, 0, 2}) {
      loop.ScheduleAt(base + TimeDelta::Millis(k), [&order, k] { order.push_back(k); });
    }
    loop.ScheduleAt(base + TimeDelta::Millis(10), [&] { done.Notify(); });
  });
  ASSERT_TRUE(done.Wait());
  EXPECT_EQ(loop.Invoke([&] { return order; }), (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(EventLoop, TimersWithEqualDeadlinesFireInSchedulingOrder) {
  EventLoop loop;
  std::vector<int> order;
  Notification done;
  loop.Invoke([&] {
    const Timestamp deadline = SteadyNow() + TimeDelta::Millis(2);
    for (int i = 0; i < 20; ++i)
      loop.ScheduleAt(deadline, [&order, i] { order.push_back(i); });
    loop.ScheduleAt(deadline, [&] { done.Notify(); });
  });
  ASSERT_TRUE(done.Wait());
  const auto seen = loop.Invoke([&] { return order; });
  ASSERT_EQ(seen.size(), 20u);
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(seen[i], i);
}

TEST(EventLoop, TimerDoesNotFireBeforeItsDeadline) {
  EventLoop loop;
  const Timestamp deadline = SteadyNow() + TimeDelta::Millis(20);
  Timestamp fired;
  Notification done;
  loop.ScheduleAt(deadline, [&] {
    fired = SteadyNow();
    done.Notify();
  });
  ASSERT_TRUE(done.Wait());
  EXPECT_GE(fired, deadline);
}

TEST(EventLoop, CancelledTimerNeverFires) {
  EventLoop loop;
  std::atomic<bool> cancelled_ran{false};
  Notification done;
  const Timestamp base = SteadyNow();
  const auto id = loop.ScheduleAt(base + TimeDelta::Millis(10), [&] { cancelled_ran = true; });
  loop.ScheduleAt(base + TimeDelta::Millis(20), [&] { done.Notify(); });
  loop.Cancel(id);
  loop.Cancel(id);      // Twice is harmless.
  loop.Cancel(999999);  // So is an unknown id.
  ASSERT_TRUE(done.Wait());
  // The later timer fired, so the cancelled one would have fired before it.
  EXPECT_FALSE(cancelled_ran.load());
}

TEST(EventLoop, CancelFromInsideAnotherCallbackOfTheSameRound) {
  EventLoop loop;
  bool victim_ran = false;        // Loop thread only.
  EventLoop::TimerId victim = 0;  // Loop thread only.
  Notification done;
  loop.Invoke([&] {
    // Already due: both fire in the same round, the canceller first (scheduling order).
    const Timestamp due = SteadyNow() - TimeDelta::Millis(1);
    loop.ScheduleAt(due, [&] { loop.Cancel(victim); });
    victim = loop.ScheduleAt(due, [&] { victim_ran = true; });
    loop.ScheduleAt(due + TimeDelta::Millis(1), [&] { done.Notify(); });
  });
  ASSERT_TRUE(done.Wait());
  EXPECT_FALSE(loop.Invoke([&] { return victim_ran; }));
}

TEST(EventLoop, ScheduleAfterZeroDelayFires) {
  EventLoop loop;
  Notification fired;
  loop.ScheduleAfter(TimeDelta::Zero(), [&] { fired.Notify(); });
  EXPECT_TRUE(fired.Wait());
  Notification negative;
  loop.ScheduleAfter(TimeDelta::Millis(-5), [&] { negative.Notify(); });
  EXPECT_TRUE(negative.Wait());
}

TEST(EventLoop, TimerCallbackCanPostAndScheduleMore) {
  EventLoop loop;
  std::vector<std::string> steps;  // Loop thread only.
  Notification done;
  loop.ScheduleAfter(TimeDelta::Millis(1), [&] {
    steps.push_back("timer");
    loop.Post([&] {
      steps.push_back("task");
      loop.ScheduleAfter(TimeDelta::Millis(1), [&] {
        steps.push_back("second timer");
        loop.ScheduleAfter(TimeDelta::Zero(), [&] {
          steps.push_back("zero timer");
          done.Notify();
        });
      });
    });
  });
  ASSERT_TRUE(done.Wait());
  EXPECT_EQ(loop.Invoke([&] { return steps; }),
            (std::vector<std::string>{"timer", "task", "second timer", "zero timer"}));
}

TEST(EventLoop, SelfReschedulingTimerDoesNotStarvePostedTasks) {
  EventLoop loop;
  std::atomic<bool> keep_going{true};
  std::function<void()> tick = [&] {
    if (keep_going.load()) loop.ScheduleAfter(TimeDelta::Zero(), tick);
  };
  loop.ScheduleAfter(TimeDelta::Zero(), tick);
  Notification ran;
  loop.Post([&] { ran.Notify(); });
  EXPECT_TRUE(ran.Wait());
  keep_going = false;
  loop.Invoke([] {});  // The last tick may still be queued; it stops by itself.
}

TEST(EventLoop, TasksPostedFromOtherThreadsWakeAnIdleLoopWithATimerPending) {
  EventLoop loop;
  loop.ScheduleAfter(TimeDelta::Seconds(3600), [] {});
  Notification ran;
  loop.Post([&] { ran.Notify(); });
  EXPECT_TRUE(ran.Wait());
  // A timer scheduled from another thread that is earlier than the pending one fires on time.
  Notification fired;
  loop.ScheduleAfter(TimeDelta::Millis(1), [&] { fired.Notify(); });
  EXPECT_TRUE(fired.Wait());
}

// Counts how many live objects a batch of tasks holds, to check they are destroyed.
struct Guard {
  explicit Guard(std::atomic<int>* live) : live(live) { ++*live; }
  ~Guard() { --*live; }
  std::atomic<int>* live;
};

TEST(EventLoop, DestroyFromItsOwnTaskDropsPendingWork) {
  auto loop = std::make_unique<EventLoop>();
  std::atomic<int> live{0};
  std::atomic<int> ran{0};
  Notification destroyed;
  loop->Post([&] {
    for (int i = 0; i < 100; ++i) {
      auto guard = std::make_shared<Guard>(&live);
      loop->Post([&ran, guard] { ++ran; });
      loop->ScheduleAfter(TimeDelta::Zero(), [&ran, guard] { ++ran; });
    }
    loop.reset();  // On the loop thread: detaches instead of joining itself.
    destroyed.Notify();
  });
  ASSERT_TRUE(destroyed.Wait());
  ASSERT_TRUE(WaitForDetachedThreads(TimeDelta::Seconds(5)));
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(live.load(), 0);
}

TEST(EventLoop, ShutdownWithPendingTasksAndTimersDoesNotHang) {
  std::atomic<int> live{0};
  Notification release;
  Notification blocking_started;
  auto loop = std::make_unique<EventLoop>();
  // Keep the loop busy so that work queues up behind this task.
  loop->Post([&] {
    blocking_started.Notify();
    release.Wait();
  });
  ASSERT_TRUE(blocking_started.Wait());
  for (int i = 0; i < 1000; ++i) {
    auto guard = std::make_shared<Guard>(&live);
    loop->Post([guard] {});
    loop->ScheduleAfter(TimeDelta::Seconds(3600), [guard] {});
    loop->ScheduleAfter(TimeDelta::Zero(), [guard] {});
  }
  auto destroyer = std::thread([&] { loop.reset(); });
  release.Notify();
  destroyer.join();  // Bounded: the running task returns at once, nothing else is waited for.
  EXPECT_EQ(live.load(), 0);
}

TEST(EventLoop, DestructorOfIdleLoopWithFarTimersReturnsPromptly) {
  std::atomic<bool> ran{false};
  const Timestamp start = SteadyNow();
  {
    EventLoop loop;
    loop.ScheduleAfter(TimeDelta::Seconds(3600), [&] { ran = true; });
    loop.Invoke([] {});
  }
  EXPECT_FALSE(ran.load());
  EXPECT_LT(SteadyNow() - start, TimeDelta::Seconds(5));
}

TEST(EventLoop, WatchDispatchesReadinessAndUnwatchFromInsideStopsIt) {
  EventLoop loop;
  const int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  Counter calls;
  EventLoop::WatchId id = 0;
  bool unwatch_on_next = false;  // Loop thread only.
  auto watch = loop.Invoke([&] {
    return loop.Watch(fd, EPOLLIN, [&](uint32_t events) {
      EXPECT_TRUE(events & EPOLLIN);
      uint64_t value;
      EXPECT_EQ(read(fd, &value, sizeof value), static_cast<ssize_t>(sizeof value));
      if (unwatch_on_next) loop.Unwatch(id);
      calls.Increment();
    });
  });
  ASSERT_TRUE(watch.ok()) << watch.error();
  id = *watch;

  const uint64_t one = 1;
  ASSERT_EQ(write(fd, &one, sizeof one), static_cast<ssize_t>(sizeof one));
  ASSERT_TRUE(calls.WaitFor(1));
  loop.Invoke([&] { unwatch_on_next = true; });
  ASSERT_EQ(write(fd, &one, sizeof one), static_cast<ssize_t>(sizeof one));
  ASSERT_TRUE(calls.WaitFor(2));
  // Readable again, but no longer watched: two full loop iterations later, still two calls.
  ASSERT_EQ(write(fd, &one, sizeof one), static_cast<ssize_t>(sizeof one));
  loop.Invoke([] {});
  loop.Invoke([] {});
  EXPECT_EQ(calls.value(), 2);
  close(fd);
}

TEST(EventLoop, UnwatchFromAnotherThreadWaitsForTheRunningCallback) {
  EventLoop loop;
  const int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  Notification in_callback;
  Notification release;
  std::atomic<bool> callback_finished{false};
  auto watch = loop.Watch(fd, EPOLLIN, [&](uint32_t) {
    uint64_t value;
    EXPECT_EQ(read(fd, &value, sizeof value), static_cast<ssize_t>(sizeof value));
    in_callback.Notify();
    release.Wait();
    callback_finished = true;
  });
  ASSERT_TRUE(watch.ok()) << watch.error();
  const uint64_t one = 1;
  ASSERT_EQ(write(fd, &one, sizeof one), static_cast<ssize_t>(sizeof one));
  ASSERT_TRUE(in_callback.Wait());
  std::thread releaser([&] { release.Notify(); });
  loop.Unwatch(*watch);
  EXPECT_TRUE(callback_finished.load());
  releaser.join();
  close(fd);
}

TEST(EventLoop, WatchOfAnInvalidDescriptorFails) {
  EventLoop loop;
  auto watch = loop.Watch(-1, EPOLLIN, [](uint32_t) {});
  ASSERT_FALSE(watch.ok());
  EXPECT_EQ(watch.error().kind(), ErrorKind::kOperationError);
  EXPECT_NE(watch.error().message().find("epoll_ctl"), std::string::npos);
}

}  // namespace
}  // namespace parley
