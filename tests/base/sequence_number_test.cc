#include "base/sequence_number.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(SequenceNumberTest, IsNewerAcrossWrap) {
  EXPECT_TRUE(IsNewer<uint16_t>(1, 0));
  EXPECT_FALSE(IsNewer<uint16_t>(0, 1));
  EXPECT_TRUE(IsNewer<uint16_t>(0, 65535));
  EXPECT_TRUE(IsNewer<uint16_t>(5, 65530));
  EXPECT_FALSE(IsNewer<uint16_t>(65530, 5));
  EXPECT_FALSE(IsNewer<uint16_t>(7, 7));
  EXPECT_TRUE(IsNewer<uint32_t>(10, 0xfffffff0u));
}

TEST(SequenceNumberTest, UnwrapsForwardAcrossWrap) {
  Unwrapper<uint16_t> u;
  EXPECT_EQ(u.Unwrap(65534), 65534);
  EXPECT_EQ(u.Unwrap(65535), 65535);
  EXPECT_EQ(u.Unwrap(0), 65536);
  EXPECT_EQ(u.Unwrap(1), 65537);
  EXPECT_EQ(u.Unwrap(65535), 65535);  // Late packet from before the wrap.
  EXPECT_EQ(u.Unwrap(2), 65538);
}

TEST(SequenceNumberTest, UnwrapsBackwardBelowStart) {
  Unwrapper<uint16_t> u;
  EXPECT_EQ(u.Unwrap(2), 2);
  EXPECT_EQ(u.Unwrap(65535), -1);
}

TEST(SequenceNumberTest, UnwrapsManyCycles) {
  Unwrapper<uint16_t> u;
  int64_t expected = 100;
  uint16_t seq = 100;
  for (int i = 0; i < 300'000; ++i) {
    ASSERT_EQ(u.Unwrap(seq), expected);
    seq = static_cast<uint16_t>(seq + 1000);
    expected += 1000;
  }
}

TEST(SequenceNumberTest, Unwraps32BitTimestamps) {
  Unwrapper<uint32_t> u;
  EXPECT_EQ(u.Unwrap(0xffffff00u), 0xffffff00ll);
  EXPECT_EQ(u.Unwrap(0x00000100u), 0x100000100ll);
}

}  // namespace
}  // namespace parley
