// A STUN server for the simulator (RFC 8489 §6.3): answers Binding requests with the source
// address it saw, XOR-MAPPED-ADDRESS (RFC 8489 §14.2), from the address the request reached.
// A sim::Endpoint; attach it to a host (optionally to one port).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "sim/endpoint.h"

namespace parley::testing {

class StunServer final : public sim::Endpoint {
 public:
  struct Stats {
    uint64_t binding_requests = 0;
    uint64_t dropped = 0;  // Not STUN, not a request, or unparseable.
    uint64_t errors = 0;   // Requests answered with an error (420, 400).
  };

  void HandleDatagram(Timestamp now, const Datagram& in) override;
  void HandleTimeout(Timestamp) override {}
  std::optional<Datagram> PollTransmit() override;
  std::optional<Timestamp> NextTimeout() const override { return std::nullopt; }

  const Stats& stats() const { return stats_; }

 private:
  std::deque<Datagram> transmit_;
  Stats stats_;
};

}  // namespace parley::testing
