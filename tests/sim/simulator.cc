#include "sim/simulator.h"

namespace parley::sim {

Simulator::Simulator(uint64_t seed, Timestamp start)
    : seed_(seed),
      random_(DeriveSeed(seed, "test")),
      events_(start),
      network_(events_, seed),
      driver_(events_) {}

Simulator::~Simulator() = default;

}  // namespace parley::sim
