#include "ice/agent_harness.h"

#include "sim/seed.h"

namespace parley::ice::testing {

AgentEndpoint::AgentEndpoint(std::string name, AgentConfig config, uint64_t seed)
    : name_(std::move(name)), random_(seed), agent_(std::move(config), random_) {}

void AgentEndpoint::HandleDatagram(Timestamp now, const Datagram& in) {
  agent_.HandleDatagram(now, in);
  Drain(now);
}

void AgentEndpoint::HandleTimeout(Timestamp now) {
  agent_.HandleTimeout(now);
  Drain(now);
}

std::optional<Datagram> AgentEndpoint::PollTransmit() {
  while (auto transmit = agent_.PollTransmit()) {
    if (auto* datagram = std::get_if<Datagram>(&*transmit)) return std::move(*datagram);
    ++stream_outputs;
    if (on_stream) on_stream(std::move(*transmit));
  }
  return std::nullopt;
}

void AgentEndpoint::Drain(Timestamp now) {
  while (auto event = agent_.PollEvent()) {
    if (auto* state = std::get_if<ConnectionStateChanged>(&*event)) {
      states.emplace_back(now, state->state);
    } else if (auto* gathering_state = std::get_if<GatheringStateChanged>(&*event)) {
      gathering.emplace_back(now, gathering_state->state);
    } else if (auto* candidate = std::get_if<LocalCandidate>(&*event)) {
      local_candidates.push_back(candidate->candidate);
    } else if (auto* selected = std::get_if<SelectedPairChanged>(&*event)) {
      selections.emplace_back(now, *selected);
    } else if (auto* data = std::get_if<DataReceived>(&*event)) {
      received.emplace_back(now, data->data);
    } else if (auto* role = std::get_if<RoleChanged>(&*event)) {
      role_changes.push_back(role->role);
    }
    if (on_event) on_event(now, *event);
  }
}

std::optional<Timestamp> AgentEndpoint::FirstTime(ConnectionState state) const {
  for (const auto& [at, s] : states) {
    if (s == state) return at;
  }
  return std::nullopt;
}

bool AgentEndpoint::Connected() const {
  const ConnectionState s = agent_.connection_state();
  return s == ConnectionState::kConnected || s == ConnectionState::kCompleted;
}

Peer::Peer(sim::Simulator& sim, std::string name, sim::Host& host, AgentConfig config)
    : sim_(sim), host_(host) {
  const uint64_t seed = sim::DeriveSeed(sim.seed(), "agent." + name);
  endpoint_ = std::make_unique<AgentEndpoint>(std::move(name), std::move(config), seed);
  endpoint_->on_event = [this](Timestamp now, const Event& event) { OnEvent(now, event); };
  sim_.Attach(host_, *endpoint_);
}

Peer::~Peer() {
  sim_.Detach(*endpoint_);
}

void Peer::Do(const std::function<void(Agent&, Timestamp)>& fn) {
  fn(agent(), sim_.now());
  endpoint_->Drain(sim_.now());
  sim_.Kick(*endpoint_);
}

Result<void> Peer::Send(ByteView data) {
  Result<void> result = agent().Send(sim_.now(), data);
  endpoint_->Drain(sim_.now());
  sim_.Kick(*endpoint_);
  return result;
}

void Peer::DeliverLater(TimeDelta delay, std::function<void(Agent&, Timestamp)> fn) {
  Peer* target = peer_;
  sim_.Schedule(delay, [target, fn = std::move(fn)] { target->Do(fn); });
}

void Peer::Restart() {
  const Credentials credentials = agent().Restart(sim_.now());
  if (peer_ != nullptr) {
    // Credentials first, then (drained below) the candidates: same delay, FIFO order.
    DeliverLater(options_.delay, [credentials](Agent& agent, Timestamp now) {
      (void)agent.SetRemoteCredentials(now, credentials);
    });
  }
  endpoint_->Drain(sim_.now());
  sim_.Kick(*endpoint_);
}

void Peer::OnEvent(Timestamp, const Event& event) {
  if (peer_ == nullptr) return;
  if (auto* local = std::get_if<LocalCandidate>(&event)) {
    std::optional<Candidate> candidate = local->candidate;
    if (options_.rewrite) candidate = options_.rewrite(name(), std::move(*candidate));
    if (!candidate) return;
    DeliverLater(options_.delay, [c = std::move(*candidate)](Agent& agent, Timestamp now) {
      (void)agent.AddRemoteCandidate(now, c);
    });
  } else if (auto* gathering = std::get_if<GatheringStateChanged>(&event)) {
    if (gathering->state == GatheringState::kComplete && options_.forward_end_of_candidates) {
      DeliverLater(options_.delay,
                   [](Agent& agent, Timestamp now) { agent.EndOfRemoteCandidates(now); });
    }
  }
}

void Peer::Wire(Peer& a, Peer& b, SignalingOptions options) {
  a.peer_ = &b;
  b.peer_ = &a;
  a.options_ = options;
  b.options_ = options;
}

void Peer::Start(Peer& a, Peer& b) {
  for (Peer* p : {&a, &b}) {
    const TimeDelta delay = p->options_.credentials_delay.value_or(p->options_.delay);
    const Credentials credentials = p->agent().local_credentials();
    p->DeliverLater(delay, [credentials](Agent& agent, Timestamp now) {
      (void)agent.SetRemoteCredentials(now, credentials);
    });
  }
  a.Do([](Agent& agent, Timestamp now) { agent.StartGathering(now); });
  b.Do([](Agent& agent, Timestamp now) { agent.StartGathering(now); });
}

AgentConfig BasicConfig(Role role, std::vector<SocketAddress> sockets) {
  AgentConfig config;
  config.role = role;
  config.local_sockets = std::move(sockets);
  return config;
}

turn::ServerConfig TurnUdp(const SocketAddress& server, std::string username,
                           std::string password) {
  turn::ServerConfig config;
  config.server = server;
  config.transport = turn::Transport::kUdp;
  config.username = std::move(username);
  config.password = std::move(password);
  return config;
}

parley::testing::TurnServerConfig TurnUsers(std::map<std::string, std::string> users) {
  parley::testing::TurnServerConfig config;
  config.users = std::move(users);
  return config;
}

PathKind KindOf(const SelectedPairChanged& pair) {
  if (pair.local.type == CandidateType::kRelay || pair.remote.type == CandidateType::kRelay) {
    return PathKind::kRelay;
  }
  if (pair.local.type == CandidateType::kHost && pair.remote.type == CandidateType::kHost) {
    return PathKind::kHost;
  }
  return PathKind::kReflexive;
}

std::string_view ToString(PathKind kind) {
  switch (kind) {
    case PathKind::kHost:
      return "host";
    case PathKind::kReflexive:
      return "srflx/prflx";
    case PathKind::kRelay:
      return "relay";
  }
  return "?";
}

}  // namespace parley::ice::testing
