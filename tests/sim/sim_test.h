// GoogleTest support: a fixture owning a Simulator seeded from PARLEY_SIM_SEED (or the default)
// whose every failure message carries "seed=N (rerun with PARLEY_SIM_SEED=N)".
//
//   class IceSimTest : public parley::sim::SimTest {};
//   TEST_F(IceSimTest, ConnectsThroughSymmetricNat) { Host& a = sim().AddHost(...); ... }
//
// Tests that build their own Simulator(seed) can use PARLEY_SIM_SCOPED_SEED(seed) instead.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>

#include "sim/seed.h"
#include "sim/simulator.h"

#define PARLEY_SIM_SCOPED_SEED(seed) SCOPED_TRACE(::parley::sim::SeedMessage(seed))

namespace parley::sim {

class SimTest : public ::testing::Test {
 protected:
  SimTest() : SimTest(SeedFromEnv()) {}
  explicit SimTest(uint64_t seed)
      : seed_trace_(__FILE__, __LINE__, SeedMessage(seed)), sim_(seed) {}

  Simulator& sim() { return sim_; }
  uint64_t seed() const { return sim_.seed(); }

 private:
  // Pushed for the fixture's lifetime, i.e. the whole test body.
  ::testing::ScopedTrace seed_trace_;
  Simulator sim_;
};

// For scenario matrices: TEST_P over, e.g., {latency} x {loss} x {NAT type}.
template <typename Param>
class SimTestWithParam : public SimTest, public ::testing::WithParamInterface<Param> {};

}  // namespace parley::sim
