#include "sim/seed.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "sim/sim_test.h"

namespace parley::sim {
namespace {

// Sets PARLEY_SIM_SEED for one scope and restores what was there, so the suite still honours a
// seed given on the command line.
class ScopedSeedEnv {
 public:
  explicit ScopedSeedEnv(const char* value) {
    if (const char* old = std::getenv(kSeedEnvVar)) old_ = old;
    if (value) {
      setenv(kSeedEnvVar, value, 1);
    } else {
      unsetenv(kSeedEnvVar);
    }
  }
  ~ScopedSeedEnv() {
    if (old_) {
      setenv(kSeedEnvVar, old_->c_str(), 1);
    } else {
      unsetenv(kSeedEnvVar);
    }
  }

 private:
  std::optional<std::string> old_;
};

TEST(SeedTest, EnvironmentOverridesTheDefault) {
  {
    ScopedSeedEnv env(nullptr);
    EXPECT_EQ(SeedFromEnv(), kDefaultSeed);
    EXPECT_EQ(SeedFromEnv(77), 77u);
  }
  {
    ScopedSeedEnv env("1234");
    EXPECT_EQ(SeedFromEnv(77), 1234u);
    EXPECT_EQ(Simulator().seed(), 1234u);
  }
  {
    ScopedSeedEnv env("0x10");
    EXPECT_EQ(SeedFromEnv(), 16u);
  }
}

TEST(SeedDeathTest, MalformedSeedAborts) {
  ScopedSeedEnv env("12abc");
  EXPECT_DEATH(SeedFromEnv(), "malformed PARLEY_SIM_SEED");
}

TEST(SeedTest, DerivedSeedsAreStableAndDistinct) {
  EXPECT_EQ(DeriveSeed(1, "alice.up"), DeriveSeed(1, "alice.up"));
  EXPECT_NE(DeriveSeed(1, "alice.up"), DeriveSeed(1, "alice.down"));
  EXPECT_NE(DeriveSeed(1, "alice.up"), DeriveSeed(2, "alice.up"));
}

TEST(SeedTest, MessageTellsHowToRerun) {
  EXPECT_EQ(SeedMessage(42), "seed=42 (rerun with PARLEY_SIM_SEED=42)");
}

TEST(SeedTest, TestRandomnessIsReproducibleAndSeparateFromTheNetwork) {
  Simulator a(9);
  Simulator b(9);
  EXPECT_EQ(a.random().NextU64(), b.random().NextU64());
  EXPECT_NE(Simulator(10).random().NextU64(), Simulator(9).random().NextU64());
}

class SimFixtureTest : public SimTest {};

TEST_F(SimFixtureTest, FailuresCarryTheSeed) {
  EXPECT_EQ(seed(), SeedFromEnv());
  EXPECT_EQ(sim().now(), Simulator::kStartTime);
  EXPECT_NONFATAL_FAILURE(ADD_FAILURE() << "boom", "(rerun with PARLEY_SIM_SEED=");
}

}  // namespace
}  // namespace parley::sim
