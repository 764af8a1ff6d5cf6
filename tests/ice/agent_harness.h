// Test harness: ICE agents as simulator endpoints, with a signaling channel between two of
// them (credentials, trickled candidates, end-of-candidates) carried over virtual time.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/random.h"
#include "ice/agent.h"
#include "sim/simulator.h"
#include "support/turn_server.h"

namespace parley::ice::testing {

// An Agent driven by the simulator. After every input its events are drained into the records
// below and handed to `on_event`. Stream outputs (TURN over TCP/TLS) are counted and handed to
// `on_stream` (dropped without one).
class AgentEndpoint final : public sim::Endpoint {
 public:
  AgentEndpoint(std::string name, AgentConfig config, uint64_t seed);

  const std::string& name() const { return name_; }
  Agent& agent() { return agent_; }
  const Agent& agent() const { return agent_; }

  void HandleDatagram(Timestamp now, const Datagram& in) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Datagram> PollTransmit() override;
  std::optional<Timestamp> NextTimeout() const override { return agent_.NextTimeout(); }
  // Drains the agent's events (call after poking the agent directly).
  void Drain(Timestamp now);

  std::function<void(Timestamp, const Event&)> on_event;
  // Stream outputs (TURN over TCP/TLS); called from PollTransmit, so it must not call back into
  // the agent directly (schedule instead).
  std::function<void(Transmit)> on_stream;

  // Records.
  std::vector<std::pair<Timestamp, ConnectionState>> states;
  std::vector<std::pair<Timestamp, GatheringState>> gathering;
  std::vector<Candidate> local_candidates;
  std::vector<std::pair<Timestamp, SelectedPairChanged>> selections;
  std::vector<std::pair<Timestamp, Bytes>> received;
  std::vector<Role> role_changes;
  uint64_t stream_outputs = 0;

  std::optional<Timestamp> FirstTime(ConnectionState state) const;
  bool Connected() const;  // kConnected or kCompleted now.

 private:
  std::string name_;
  SeededRandom random_;
  Agent agent_;
};

// What the signaling channel does with candidates.
struct SignalingOptions {
  TimeDelta delay = TimeDelta::Zero();
  // Credentials are delivered `credentials_delay` after Start() (default: with the candidates).
  std::optional<TimeDelta> credentials_delay = std::nullopt;
  bool forward_end_of_candidates = true;
  // Rewrites (or drops, by returning nullopt) a candidate from `from` on its way.
  std::function<std::optional<Candidate>(const std::string& from, Candidate)> rewrite = {};
};

// One agent on a simulated host, wired to a peer through signaling.
class Peer {
 public:
  Peer(sim::Simulator& sim, std::string name, sim::Host& host, AgentConfig config);
  ~Peer();
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  AgentEndpoint& endpoint() { return *endpoint_; }
  Agent& agent() { return endpoint_->agent(); }
  sim::Host& host() { return host_; }
  const std::string& name() const { return endpoint_->name(); }

  // Calls into the agent at sim.now(), then drains its events and lets the driver send.
  void Do(const std::function<void(Agent&, Timestamp)>& fn);
  Result<void> Send(ByteView data);
  // ICE restart; the new credentials reach the peer through signaling.
  void Restart();

  static void Wire(Peer& a, Peer& b, SignalingOptions options = {});
  // Starts gathering on both and exchanges credentials.
  static void Start(Peer& a, Peer& b);

 private:
  void OnEvent(Timestamp now, const Event& event);
  void DeliverLater(TimeDelta delay, std::function<void(Agent&, Timestamp)> fn);

  sim::Simulator& sim_;
  sim::Host& host_;
  std::unique_ptr<AgentEndpoint> endpoint_;
  Peer* peer_ = nullptr;
  SignalingOptions options_;
};

AgentConfig BasicConfig(Role role, std::vector<SocketAddress> sockets);
turn::ServerConfig TurnUdp(const SocketAddress& server, std::string username, std::string password);
parley::testing::TurnServerConfig TurnUsers(std::map<std::string, std::string> users);

// Which kind of path a selected pair is: host-host, via a reflexive address, or relayed.
enum class PathKind { kHost, kReflexive, kRelay };
PathKind KindOf(const SelectedPairChanged& pair);
std::string_view ToString(PathKind kind);

}  // namespace parley::ice::testing
