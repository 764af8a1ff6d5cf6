// Test support for the DTLS endpoint: cached certificates (generation is the slow part), event
// recording, a pair of endpoints stepped by hand on a fake clock (DirectPair), and an adapter
// that attaches an endpoint to a simulated host (SimDtls).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/datagram.h"
#include "dtls/certificate.h"
#include "dtls/endpoint.h"
#include "dtls/record.h"
#include "sim/endpoint.h"

namespace parley::dtls::testing {

// ECDSA P-256 certificates generated once per process; index selects a distinct one.
const Certificate& TestCertificate(int index);
// An RSA 2048 one, generated once.
const Certificate& TestRsaCertificate();

// Everything an endpoint reported.
struct Recorded {
  std::vector<StateChanged> states;
  std::vector<Bytes> data;

  bool Has(State state) const;
  // The reason of the last kFailed/kClosed, or "".
  std::string Reason() const;
};
void Drain(Endpoint& endpoint, Recorded& recorded);

// Config for a side with our test certificate `self` expecting the peer's `peer`.
Endpoint::Config MakeConfig(Role role, const Certificate& self, const Certificate& peer);

// True when the datagram holds a record of `type` (any epoch).
bool HasRecord(const Bytes& datagram, ContentType type);
// The epoch-0 handshake fragments of a datagram.
std::vector<HandshakeFragment> HandshakeFragments(const Bytes& datagram);

// Two endpoints on a fake clock; datagrams are delivered instantly in both directions unless
// `drop` says otherwise, and time jumps to the earlier NextTimeout when nothing moves.
class DirectPair {
 public:
  DirectPair(Endpoint::Config client, Endpoint::Config server);

  Endpoint& client() { return client_; }
  Endpoint& server() { return server_; }
  Recorded& client_events() { return client_events_; }
  Recorded& server_events() { return server_events_; }
  Timestamp now() const { return now_; }

  // Drops a datagram (counted in the sent lists anyway) when it returns true.
  std::function<bool(Role from, const Bytes& datagram)> drop;
  // Every datagram each side sent, with its send time.
  std::vector<std::pair<Timestamp, Bytes>> client_sent;
  std::vector<std::pair<Timestamp, Bytes>> server_sent;

  void Start();
  // Moves datagrams until neither side has any (no time passes).
  void Exchange();
  // Exchange(), then advance to the next deadline, until `done` or `limit` of virtual time.
  bool RunUntil(const std::function<bool()>& done, TimeDelta limit = TimeDelta::Seconds(60));
  bool RunUntilConnected(TimeDelta limit = TimeDelta::Seconds(60));
  void AdvanceTo(Timestamp t) { now_ = t; }

 private:
  bool MoveOne(Endpoint& from, Role from_role, Endpoint& to,
               std::vector<std::pair<Timestamp, Bytes>>& log);
  void DrainAll();

  Endpoint client_;
  Endpoint server_;
  Recorded client_events_;
  Recorded server_events_;
  Timestamp now_ = Timestamp::Seconds(1000);
};

// An Endpoint attached to a simulated host: datagrams from `remote` go in, ours go to `remote`
// from `local`. Outgoing datagrams can be dropped by a filter and are logged with their time.
class SimDtls final : public sim::Endpoint {
 public:
  SimDtls(dtls::Endpoint& endpoint, SocketAddress local, SocketAddress remote)
      : endpoint_(endpoint), local_(std::move(local)), remote_(std::move(remote)) {}

  dtls::Endpoint& endpoint() { return endpoint_; }
  Recorded& events() { return events_; }
  std::function<bool(const Bytes& datagram)> drop;
  std::vector<std::pair<Timestamp, Bytes>> sent;

  // Starts the endpoint (then Kick() the simulator's driver).
  void Start(Timestamp now);
  void HandleDatagram(Timestamp now, const Datagram& in) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Datagram> PollTransmit() override;
  std::optional<Timestamp> NextTimeout() const override { return endpoint_.NextTimeout(); }

 private:
  dtls::Endpoint& endpoint_;
  SocketAddress local_;
  SocketAddress remote_;
  Recorded events_;
  Timestamp last_now_;
};

}  // namespace parley::dtls::testing
