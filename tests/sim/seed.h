// Seeds for the simulator. Every random choice in a simulation descends from one 64-bit seed so
// that a failing run can be replayed exactly: PARLEY_SIM_SEED=<n> overrides the default.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace parley::sim {

inline constexpr uint64_t kDefaultSeed = 0x5eed;
inline constexpr const char* kSeedEnvVar = "PARLEY_SIM_SEED";

// The seed from PARLEY_SIM_SEED (decimal, or hex with 0x), else `fallback`. A malformed value
// aborts: silently ignoring it would make the rerun the user asked for a different run.
uint64_t SeedFromEnv(uint64_t fallback = kDefaultSeed);

// An independent seed for a named component (e.g. "alice.up"), so the randomness of one link does
// not shift when another link is added or carries more traffic.
uint64_t DeriveSeed(uint64_t seed, std::string_view component);

// "seed=N (rerun with PARLEY_SIM_SEED=N)", for test failure messages.
std::string SeedMessage(uint64_t seed);

}  // namespace parley::sim
