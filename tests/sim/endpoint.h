// The sans-IO verbs every protocol machine speaks (docs: architecture notes), as an interface the
// simulator can drive. Test code implements it around an ICE agent, a DTLS endpoint, ..., or uses
// MachineEndpoint for any class that already has these member functions.
#pragma once

#include <functional>
#include <optional>

#include "base/datagram.h"
#include "base/time.h"

namespace parley::sim {

class Endpoint {
 public:
  virtual ~Endpoint() = default;
  virtual void HandleDatagram(Timestamp now, const Datagram& in) = 0;
  virtual void HandleTimeout(Timestamp now) = 0;
  // A datagram to send; a source IP left unspecified (0.0.0.0 / ::) is filled in by the host.
  virtual std::optional<Datagram> PollTransmit() = 0;
  // When HandleTimeout wants to be called next; nullopt for never.
  virtual std::optional<Timestamp> NextTimeout() const = 0;
};

// Adapts a machine with HandleDatagram/HandleTimeout/PollTransmit/NextTimeout members (by
// reference; the machine must outlive the adapter). `after_input`, when set, runs after each
// input, e.g. to drain the machine's PollEvent() into the test's records.
template <typename Machine>
class MachineEndpoint final : public Endpoint {
 public:
  explicit MachineEndpoint(Machine& machine, std::function<void(Timestamp)> after_input = {})
      : machine_(machine), after_input_(std::move(after_input)) {}

  Machine& machine() { return machine_; }

  void HandleDatagram(Timestamp now, const Datagram& in) override {
    machine_.HandleDatagram(now, in);
    if (after_input_) after_input_(now);
  }
  void HandleTimeout(Timestamp now) override {
    machine_.HandleTimeout(now);
    if (after_input_) after_input_(now);
  }
  std::optional<Datagram> PollTransmit() override { return machine_.PollTransmit(); }
  std::optional<Timestamp> NextTimeout() const override { return machine_.NextTimeout(); }

 private:
  Machine& machine_;
  std::function<void(Timestamp)> after_input_;
};

}  // namespace parley::sim
