#include "sim/event_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley::sim {
namespace {

const Timestamp kT0 = Timestamp::Seconds(100);

TEST(EventQueueTest, RunsByTimeThenByInsertionOrder) {
  EventQueue q(kT0);
  std::string order;
  q.Schedule(kT0 + TimeDelta::Millis(2), [&] { order += 'c'; });
  q.Schedule(kT0 + TimeDelta::Millis(1), [&] { order += 'a'; });
  q.Schedule(kT0 + TimeDelta::Millis(1), [&] { order += 'b'; });
  while (q.Step()) {
  }
  EXPECT_EQ(order, "abc");
  EXPECT_EQ(q.now(), kT0 + TimeDelta::Millis(2));
  EXPECT_FALSE(q.Step());
}

TEST(EventQueueTest, StepJumpsStraightToTheNextEvent) {
  EventQueue q(kT0);
  Timestamp seen;
  q.Schedule(TimeDelta::Seconds(3600), [&] { seen = q.now(); });
  EXPECT_EQ(q.NextEventTime(), kT0 + TimeDelta::Seconds(3600));
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(seen, kT0 + TimeDelta::Seconds(3600));
}

TEST(EventQueueTest, PastEventsRunAtNowAfterThoseAlreadyDue) {
  EventQueue q(kT0);
  std::string order;
  q.Schedule(kT0, [&] { order += 'a'; });
  q.Schedule(kT0 - TimeDelta::Seconds(5), [&] { order += 'b'; });
  q.RunFor(TimeDelta::Zero());
  EXPECT_EQ(order, "ab");
  EXPECT_EQ(q.now(), kT0);
}

TEST(EventQueueTest, CancelledEventsNeverRun) {
  EventQueue q(kT0);
  bool ran = false;
  const EventId id = q.Schedule(TimeDelta::Millis(5), [&] { ran = true; });
  EXPECT_TRUE(q.Cancel(id));
  EXPECT_FALSE(q.Cancel(id));
  q.RunFor(TimeDelta::Seconds(1));
  EXPECT_FALSE(ran);
}

TEST(EventQueueTest, EventsMayScheduleMoreEvents) {
  EventQueue q(kT0);
  int ticks = 0;
  std::function<void()> tick = [&] {
    if (++ticks < 10) q.Schedule(TimeDelta::Millis(100), tick);
  };
  q.Schedule(TimeDelta::Zero(), tick);
  q.RunFor(TimeDelta::Millis(450));
  EXPECT_EQ(ticks, 5);
  EXPECT_EQ(q.now(), kT0 + TimeDelta::Millis(450));
  q.RunFor(TimeDelta::Seconds(10));
  EXPECT_EQ(ticks, 10);
}

TEST(EventQueueTest, RunToIncludesEventsAtTheDeadline) {
  EventQueue q(kT0);
  int ran = 0;
  q.Schedule(TimeDelta::Millis(10), [&] { ++ran; });
  q.Schedule(TimeDelta::Millis(11), [&] { ++ran; });
  q.RunTo(kT0 + TimeDelta::Millis(10));
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(q.size(), 1u);
}

TEST(EventQueueTest, RunUntilStopsAsSoonAsDone) {
  EventQueue q(kT0);
  int count = 0;
  for (int i = 1; i <= 10; ++i)
    q.Schedule(TimeDelta::Seconds(i), [&] { ++count; });
  EXPECT_TRUE(q.RunUntil([&] { return count == 3; }, TimeDelta::Seconds(60)));
  EXPECT_EQ(q.now(), kT0 + TimeDelta::Seconds(3));
  EXPECT_EQ(q.size(), 7u);
}

TEST(EventQueueTest, RunUntilGivesUpAtTheLimit) {
  EventQueue q(kT0);
  int count = 0;
  for (int i = 1; i <= 10; ++i)
    q.Schedule(TimeDelta::Seconds(i), [&] { ++count; });
  EXPECT_FALSE(q.RunUntil([&] { return count == 100; }, kT0 + TimeDelta::Millis(4500)));
  EXPECT_EQ(count, 4);
  EXPECT_EQ(q.now(), kT0 + TimeDelta::Millis(4500));
  EXPECT_TRUE(q.RunUntil([] { return true; }, TimeDelta::Zero()));
}

TEST(EventQueueDeathTest, LivelockAtOneInstantAborts) {
  EventQueue q(kT0);
  std::function<void()> spin = [&] { q.Schedule(q.now(), spin); };
  q.Schedule(TimeDelta::Zero(), spin);
  EXPECT_DEATH(q.RunFor(TimeDelta::Seconds(1)), "without time advancing");
}

}  // namespace
}  // namespace parley::sim
