// Test support for SCTP associations: an adapter that attaches an Association to a simulated host
// (each SCTP packet travels as one UDP payload, as it would inside one DTLS record), records what
// it reports, and a pair of them, alice and bob, on two hosts.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/datagram.h"
#include "sctp/association.h"
#include "sim/endpoint.h"
#include "sim/simulator.h"
#include "support/numbered_payload.h"

namespace parley::sctp::testing {

// Everything an association reported, with the time it was drained.
struct Recorded {
  std::vector<std::pair<Timestamp, StateChanged>> states;
  std::vector<std::pair<Timestamp, MessageReceived>> messages;
  std::vector<IncomingStreamsReset> incoming_resets;
  std::vector<OutgoingStreamsReset> outgoing_resets;
  std::vector<std::pair<Timestamp, uint16_t>> low;  // BufferedAmountLow

  bool Has(State state) const;
  // The reason of the last kClosed/kFailed, or "".
  std::string Reason() const;
};

class SctpEndpoint final : public sim::Endpoint {
 public:
  SctpEndpoint(AssociationConfig config, SocketAddress local, SocketAddress remote);

  Association& association() { return association_; }
  Recorded& recorded() { return recorded_; }
  // Every packet PollTransmit() returned, with its time, when record_sent is set.
  bool record_sent = false;
  std::vector<std::pair<Timestamp, Bytes>> sent;
  uint64_t timeouts = 0;  // HandleTimeout() calls
  // Packets for which this returns true are lost on the way out (after being recorded).
  std::function<bool(const Bytes&)> drop_sent;
  // Called with each event as it is drained (after it is recorded).
  std::function<void(Timestamp, const Event&)> on_event;

  void HandleDatagram(Timestamp now, const Datagram& in) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Datagram> PollTransmit() override;
  std::optional<Timestamp> NextTimeout() const override { return association_.NextTimeout(); }

  // Records the association's pending events (done after every input; call after poking the
  // association directly, e.g. Send()).
  void Drain(Timestamp now);

 private:
  Association association_;
  SocketAddress local_;
  SocketAddress remote_;
  Recorded recorded_;
  Timestamp last_now_;
};

// alice (192.0.2.1) and bob (192.0.2.2) on the internet, one association each, attached to `sim`.
class SctpPair {
 public:
  explicit SctpPair(sim::Simulator& sim, AssociationConfig alice_config = {},
                    AssociationConfig bob_config = {});
  ~SctpPair();
  SctpPair(const SctpPair&) = delete;
  SctpPair& operator=(const SctpPair&) = delete;

  SctpEndpoint& a() { return *alice_; }
  SctpEndpoint& b() { return *bob_; }
  sim::Host& alice_host() { return *alice_host_; }
  sim::Host& bob_host() { return *bob_host_; }

  // Both sides Start() (simultaneous open).
  void Start();
  bool RunUntilConnected(TimeDelta limit = TimeDelta::Seconds(10));
  // Send() on `from`, then lets the simulator send what it queued.
  Result<void> Send(SctpEndpoint& from, uint16_t stream, Ppid ppid, ByteView data,
                    const SendOptions& options = {});
  // Lets the simulator service an endpoint after a direct call (Close, Abort, ResetStreams...).
  void Kick(SctpEndpoint& endpoint);
  // The same path each way: `config` on both uplinks, perfect downlinks (so loss and latency
  // apply once per direction).
  void SetLinks(const sim::LinkConfig& config);

 private:
  sim::Simulator& sim_;
  sim::Host* alice_host_;
  sim::Host* bob_host_;
  std::unique_ptr<SctpEndpoint> alice_;
  std::unique_ptr<SctpEndpoint> bob_;
};

using parley::testing::NumberedPayload;
using parley::testing::PayloadIndex;

}  // namespace parley::sctp::testing
