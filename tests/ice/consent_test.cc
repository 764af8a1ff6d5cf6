// Consent freshness bookkeeping (RFC 7675 §5.1): randomized check intervals, faster retries
// while unanswered, disconnection and expiry deadlines.
#include "ice/consent.h"

#include <gtest/gtest.h>

namespace parley::ice {
namespace {

const ConsentConfig kConfig{.interval = TimeDelta::Millis(2500),
                            .retry = TimeDelta::Seconds(1),
                            .disconnected_timeout = TimeDelta::Seconds(5),
                            .consent_timeout = TimeDelta::Seconds(30)};

TEST(ConsentTest, ChecksAreRandomizedBetween08And12Intervals) {
  SeededRandom random(3);
  ConsentTracker consent(kConfig);
  const Timestamp t0 = Timestamp::Seconds(10);
  consent.Start(t0, random);
  Timestamp now = t0;
  Timestamp sent = t0;
  for (int i = 0; i < 50; ++i) {
    const Timestamp next = *consent.NextTimeout(now);
    const TimeDelta gap = next - sent;
    EXPECT_GE(gap, TimeDelta::Millis(2000));
    EXPECT_LE(gap, TimeDelta::Millis(3000));
    EXPECT_FALSE(consent.CheckDue(next - TimeDelta::Micros(1)));
    EXPECT_TRUE(consent.CheckDue(next));
    consent.OnCheckSent(next, random);
    sent = next;
    consent.OnResponse(next + TimeDelta::Millis(50));
    now = next + TimeDelta::Millis(50);
    EXPECT_FALSE(consent.Disconnected(now));
  }
}

TEST(ConsentTest, SilenceDisconnectsThenExpires) {
  SeededRandom random(4);
  ConsentTracker consent(kConfig);
  const Timestamp t0 = Timestamp::Seconds(10);
  consent.Start(t0, random);
  Timestamp now = t0;
  std::vector<Timestamp> checks;
  while (!consent.Expired(now)) {
    now = *consent.NextTimeout(now);
    if (consent.CheckDue(now)) {
      checks.push_back(now);
      consent.OnCheckSent(now, random);
    }
  }
  EXPECT_EQ(now - t0, TimeDelta::Seconds(30));
  EXPECT_TRUE(consent.Disconnected(t0 + TimeDelta::Seconds(5)));
  EXPECT_FALSE(consent.Disconnected(t0 + TimeDelta::Millis(4999)));
  // While unanswered, a check every second.
  ASSERT_GT(checks.size(), 20u);
  for (size_t i = 2; i < checks.size(); ++i)
    EXPECT_LE(checks[i] - checks[i - 1], TimeDelta::Seconds(1));
  // A response brings it back.
  consent.OnResponse(now);
  EXPECT_FALSE(consent.Disconnected(now));
  consent.Stop();
  EXPECT_FALSE(consent.NextTimeout(now));
  EXPECT_FALSE(consent.CheckDue(now));
}

}  // namespace
}  // namespace parley::ice
