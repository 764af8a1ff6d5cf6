#include "base/strong_id.h"

#include <gtest/gtest.h>

#include <sstream>
#include <type_traits>
#include <unordered_set>

namespace parley {
namespace {

TEST(StrongIdTest, DistinctTypesDoNotMix) {
  static_assert(!std::is_convertible_v<Ssrc, StreamId>);
  static_assert(!std::is_convertible_v<uint32_t, Ssrc>);  // Construction is explicit.
  static_assert(std::is_trivially_copyable_v<Ssrc>);
  SUCCEED();
}

TEST(StrongIdTest, ComparesHashesAndPrints) {
  const Ssrc a(0x1234), b(0x1234), c(7);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_LT(c, a);
  std::unordered_set<Ssrc> set = {a, b, c};
  EXPECT_EQ(set.size(), 2u);
  std::ostringstream os;
  os << PayloadType(96) << " " << c;  // Small integer types print as numbers, not chars.
  EXPECT_EQ(os.str(), "96 7");
  EXPECT_EQ(a.value(), 0x1234u);
  EXPECT_EQ(Ssrc().value(), 0u);
}

}  // namespace
}  // namespace parley
