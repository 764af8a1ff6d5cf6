// Small statistics over samples collected in simulations (queue delays, inter-arrival times).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace parley::sim {

// The q-quantile (0 <= q <= 1) by the nearest-rank method; T{} for no samples.
template <typename T>
T Percentile(std::vector<T> samples, double q) {
  if (samples.empty()) return T{};
  const double rank = std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(samples.size()));
  const size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(index),
                   samples.end());
  return samples[index];
}

}  // namespace parley::sim
