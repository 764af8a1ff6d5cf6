// Priority levels and their DCEP wire values (W3C RTCPriorityType; RFC 8831 §6.4).
#include "dcep/priority.h"

#include <gtest/gtest.h>

namespace parley::dcep {
namespace {

TEST(DcepPriorityTest, WireValues) {
  EXPECT_EQ(ToWire(Priority::kVeryLow), 128);
  EXPECT_EQ(ToWire(Priority::kLow), 256);
  EXPECT_EQ(ToWire(Priority::kMedium), 512);
  EXPECT_EQ(ToWire(Priority::kHigh), 1024);
}

TEST(DcepPriorityTest, EveryLevelRoundTrips) {
  for (Priority p : {Priority::kVeryLow, Priority::kLow, Priority::kMedium, Priority::kHigh})
    EXPECT_EQ(PriorityFromWire(ToWire(p)), p) << ToString(p);
}

TEST(DcepPriorityTest, OtherValuesLandInTheNearestLevelAbove) {
  EXPECT_EQ(PriorityFromWire(0), Priority::kVeryLow);
  EXPECT_EQ(PriorityFromWire(129), Priority::kLow);
  EXPECT_EQ(PriorityFromWire(257), Priority::kMedium);
  EXPECT_EQ(PriorityFromWire(513), Priority::kHigh);
  EXPECT_EQ(PriorityFromWire(0xFFFF), Priority::kHigh);
}

TEST(DcepPriorityTest, Names) {
  EXPECT_EQ(ToString(Priority::kVeryLow), "very-low");
  EXPECT_EQ(ToString(Priority::kLow), "low");
  EXPECT_EQ(ToString(Priority::kMedium), "medium");
  EXPECT_EQ(ToString(Priority::kHigh), "high");
}

}  // namespace
}  // namespace parley::dcep
