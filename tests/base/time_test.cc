#include "base/time.h"

#include <gtest/gtest.h>

#include <sstream>

namespace parley {
namespace {

TEST(TimeDeltaTest, UnitsConvert) {
  EXPECT_EQ(TimeDelta::Millis(3).us(), 3000);
  EXPECT_EQ(TimeDelta::Seconds(2).ms(), 2000);
  EXPECT_EQ(TimeDelta::Micros(1500).ms(), 1);
  EXPECT_DOUBLE_EQ(TimeDelta::Millis(250).seconds(), 0.25);
  EXPECT_EQ(TimeDelta::SecondsF(0.5), TimeDelta::Millis(500));
  EXPECT_TRUE(TimeDelta::Zero().IsZero());
}

TEST(TimeDeltaTest, Arithmetic) {
  const TimeDelta a = TimeDelta::Millis(10);
  const TimeDelta b = TimeDelta::Millis(4);
  EXPECT_EQ(a + b, TimeDelta::Millis(14));
  EXPECT_EQ(a - b, TimeDelta::Millis(6));
  EXPECT_EQ(-a, TimeDelta::Millis(-10));
  EXPECT_EQ(a * 3, TimeDelta::Millis(30));
  EXPECT_EQ(3 * a, TimeDelta::Millis(30));
  EXPECT_EQ(a * 1.5, TimeDelta::Millis(15));
  EXPECT_EQ(a / 2, TimeDelta::Millis(5));
  EXPECT_DOUBLE_EQ(a / b, 2.5);
  TimeDelta c = a;
  c += b;
  c -= TimeDelta::Millis(1);
  EXPECT_EQ(c, TimeDelta::Millis(13));
  EXPECT_LT(b, a);
  EXPECT_GT(TimeDelta::Max(), TimeDelta::Seconds(1'000'000'000));
}

TEST(TimestampTest, ArithmeticWithDeltas) {
  const Timestamp t = Timestamp::Seconds(5);
  EXPECT_EQ(t + TimeDelta::Millis(250), Timestamp::Millis(5250));
  EXPECT_EQ(t - TimeDelta::Seconds(1), Timestamp::Seconds(4));
  EXPECT_EQ(Timestamp::Millis(5250) - t, TimeDelta::Millis(250));
  EXPECT_EQ(t - Timestamp::Millis(5250), TimeDelta::Millis(-250));
  Timestamp u = t;
  u += TimeDelta::Micros(7);
  EXPECT_EQ(u.us(), 5'000'007);
  u -= TimeDelta::Micros(7);
  EXPECT_EQ(u, t);
  EXPECT_LT(Timestamp::Zero(), t);
}

TEST(TimeTest, Prints) {
  std::ostringstream os;
  os << TimeDelta::Micros(1500) << " " << Timestamp::Millis(2500);
  EXPECT_EQ(os.str(), "1.5ms t=2.5s");
}

}  // namespace
}  // namespace parley
