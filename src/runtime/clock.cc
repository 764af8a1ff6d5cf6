#include "runtime/clock.h"

#include <chrono>

namespace parley {

Timestamp SteadyNow() {
  const auto since_epoch = std::chrono::steady_clock::now().time_since_epoch();
  return Timestamp::Micros(
      std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count());
}

}  // namespace parley
