#include "base/random.h"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <set>

namespace parley {
namespace {

TEST(SeededRandomTest, SameSeedSameSequence) {
  SeededRandom a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    const uint64_t va = a.NextU64();
    EXPECT_EQ(va, b.NextU64());
    EXPECT_NE(va, c.NextU64());
  }
  EXPECT_EQ(a.seed(), 42u);
}

TEST(SeededRandomTest, UniformStaysInRangeAndCoversIt) {
  SeededRandom rng(7);
  std::map<uint64_t, int> counts;
  for (int i = 0; i < 60'000; ++i) {
    const uint64_t v = rng.Uniform(10, 15);
    ASSERT_GE(v, 10u);
    ASSERT_LE(v, 15u);
    ++counts[v];
  }
  ASSERT_EQ(counts.size(), 6u);
  for (auto [value, count] : counts)
    EXPECT_NEAR(count, 10'000, 500) << value;
  EXPECT_EQ(rng.Uniform(5, 5), 5u);
  EXPECT_EQ(rng.Uniform(9, 3), 9u);
  (void)rng.Uniform(0, UINT64_MAX);
}

TEST(SeededRandomTest, DoublesAndBernoulli) {
  SeededRandom rng(99);
  int hits = 0;
  for (int i = 0; i < 100'000; ++i) {
    const double d = rng.NextDouble();
    ASSERT_GE(d, 0.0);
    ASSERT_LT(d, 1.0);
    hits += rng.Bernoulli(0.05) ? 1 : 0;
  }
  EXPECT_NEAR(hits, 5'000, 300);
  EXPECT_FALSE(rng.Bernoulli(0.0));
  EXPECT_TRUE(rng.Bernoulli(1.0));
}

TEST(RandomTest, IceStringsUseOnlyIceChars) {
  SeededRandom rng(1);
  const std::string ufrag = rng.String(16, Random::kIceChars);
  EXPECT_EQ(ufrag.size(), 16u);
  for (char c : ufrag)
    EXPECT_NE(Random::kIceChars.find(c), std::string_view::npos) << c;
}

TEST(CryptoRandomTest, FillsAndDiffers) {
  auto& rng = CryptoRandom::Instance();
  std::array<uint8_t, 32> a{}, b{};
  rng.Fill(a);
  rng.Fill(b);
  EXPECT_NE(a, b);
  std::set<uint32_t> seen;
  for (int i = 0; i < 1000; ++i)
    seen.insert(rng.NextU32());
  EXPECT_GT(seen.size(), 990u);
  rng.Fill(std::span<uint8_t>());  // Empty fill is a no-op.
}

TEST(CryptoRandomTest, UsableThroughTheInterface) {
  Random& rng = CryptoRandom::Instance();
  const std::string pwd = rng.String(24, Random::kIceChars);
  EXPECT_EQ(pwd.size(), 24u);
}

}  // namespace
}  // namespace parley
