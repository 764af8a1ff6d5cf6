// The real clock. Protocol code never reads it: the runtime reads it here and hands `now` down,
// so the simulator can substitute virtual time.
#pragma once

#include "base/time.h"

namespace parley {

// Monotonic time (std::chrono::steady_clock, i.e. CLOCK_MONOTONIC) in microseconds. Its epoch
// is arbitrary; only differences are meaningful.
Timestamp SteadyNow();

}  // namespace parley
