// The deterministic network simulator: a virtual clock and event queue, a network of hosts, NATs
// and impaired links, and a driver for sans-IO endpoints, all reproducible from one seed.
//
//   Simulator sim;                                   // seed from PARLEY_SIM_SEED or the default
//   NatBox& nat = sim.AddNat("nat", NatConfig::Symmetric(), {Ip("203.0.113.1")});
//   Host& alice = sim.AddHost("alice", {Ip("192.168.1.2")}, &nat);
//   Host& bob = sim.AddHost("bob", {Ip("198.51.100.7")});
//   alice.uplink().set_config({.latency = TimeDelta::Millis(20), .loss = 0.01});
//   sim.Attach(alice, alice_endpoint);
//   sim.Attach(bob, bob_endpoint);
//   ASSERT_TRUE(sim.RunUntil([&] { return done(); }, TimeDelta::Seconds(30)));
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/time.h"
#include "sim/addresses.h"
#include "sim/endpoint.h"
#include "sim/endpoint_driver.h"
#include "sim/event_queue.h"
#include "sim/link.h"
#include "sim/nat.h"
#include "sim/network.h"
#include "sim/node.h"
#include "sim/packet_event.h"
#include "sim/seed.h"

namespace parley::sim {

class Simulator {
 public:
  // The clock starts here rather than at zero, so code that treats a zero Timestamp as "unset"
  // fails visibly.
  static constexpr Timestamp kStartTime = Timestamp::Seconds(1000);

  // Seed from PARLEY_SIM_SEED, else kDefaultSeed.
  Simulator() : Simulator(SeedFromEnv()) {}
  explicit Simulator(uint64_t seed, Timestamp start = kStartTime);
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;
  ~Simulator();

  uint64_t seed() const { return seed_; }
  // Randomness for test code (e.g. payloads, ICE credentials of simulated peers). Links and NATs
  // have their own streams, so drawing from this one does not change network behaviour.
  SeededRandom& random() { return random_; }

  // Clock and driver (see EventQueue).
  Timestamp now() const { return events_.now(); }
  EventId Schedule(Timestamp at, EventQueue::Callback fn) {
    return events_.Schedule(at, std::move(fn));
  }
  EventId Schedule(TimeDelta delay, EventQueue::Callback fn) {
    return events_.Schedule(delay, std::move(fn));
  }
  bool Cancel(const EventId& id) { return events_.Cancel(id); }
  bool Step() { return events_.Step(); }
  void RunFor(TimeDelta duration) { events_.RunFor(duration); }
  void RunTo(Timestamp deadline) { events_.RunTo(deadline); }
  bool RunUntil(const std::function<bool()>& done, Timestamp deadline) {
    return events_.RunUntil(done, deadline);
  }
  bool RunUntil(const std::function<bool()>& done, TimeDelta limit) {
    return events_.RunUntil(done, limit);
  }

  // Topology (see Network).
  Host& AddHost(std::string name, std::vector<IpAddress> addresses, NatBox* behind = nullptr) {
    return network_.AddHost(std::move(name), std::move(addresses), behind);
  }
  NatBox& AddNat(std::string name, NatConfig config, std::vector<IpAddress> external,
                 NatBox* behind = nullptr) {
    return network_.AddNat(std::move(name), config, std::move(external), behind);
  }
  void AddObserver(PacketObserver observer) { network_.AddObserver(std::move(observer)); }

  // Endpoints (see EndpointDriver).
  void Attach(Host& host, Endpoint& endpoint, std::optional<uint16_t> port = std::nullopt) {
    driver_.Attach(host, endpoint, port);
  }
  void Detach(Endpoint& endpoint) { driver_.Detach(endpoint); }
  void Kick(Endpoint& endpoint) { driver_.Kick(endpoint); }

  EventQueue& events() { return events_; }
  Network& network() { return network_; }

 private:
  const uint64_t seed_;
  SeededRandom random_;
  EventQueue events_;
  Network network_;
  EndpointDriver driver_;
};

}  // namespace parley::sim
