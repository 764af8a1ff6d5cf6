#include "runtime/ice_transport.h"

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/logging.h"
#include "ice/credentials.h"
#include "runtime/clock.h"
#include "runtime/transport_io.h"

namespace parley {
namespace {

bool IsPowerOfTwo(uint64_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

}  // namespace

// Shared by the transport, the tasks it posts and the callbacks it queues. Everything but the
// atomics, `mutex` and what it guards is used on the network thread only.
struct IceTransport::Core : TransportIo::Sink, std::enable_shared_from_this<IceTransport::Core> {
  Core(Runtime& runtime, Callbacks user_callbacks)
      : loop(runtime.loop()),
        executor(runtime.callbacks()),
        callbacks(std::move(user_callbacks)),
        timer(loop, [this] { OnTimer(); }) {}

  // Network thread.
  Result<void> Init(ice::AgentConfig config, Random& random);
  void OnDatagram(const Datagram& datagram) override;
  void OnStreamConnected(uint64_t stream) override;
  void OnStreamData(uint64_t stream, ByteView data) override;
  void OnStreamClosed(uint64_t stream, std::string reason) override;
  void OnTimer();
  // Drains the agent after an input: transmits go out, events to the callback thread, and the
  // timer follows NextTimeout().
  void Pump();
  void Shutdown();
  // Runs `fn(agent, now)` on the network thread, then pumps; nothing once shut down.
  template <typename F>
  void PostInput(F fn);
  // Callback thread.
  void Deliver(const std::vector<ice::Event>& events);

  EventLoop& loop;
  CallbackExecutor& executor;
  const Callbacks callbacks;
  // False once ~IceTransport began: no callback starts.
  std::atomic<bool> alive{true};
  // Close() was called (or destruction began).
  std::atomic<bool> closed{false};
  // The agent has a selected pair it may send on (kept up to date by Pump()).
  std::atomic<bool> can_send{false};

  mutable std::mutex mutex;
  ice::Credentials credentials;          // Guarded by mutex.
  std::vector<SocketAddress> addresses;  // Set in Init, constant afterwards.

  std::unique_ptr<TransportIo> io;
  std::unique_ptr<ice::Agent> agent;
  DeadlineTimer timer;
  bool shut_down = false;
  uint64_t send_refused = 0;
};

Result<void> IceTransport::Core::Init(ice::AgentConfig config, Random& random) {
  auto bound = TransportIo::Bind(loop, config.local_sockets, weak_from_this());
  if (!bound.ok()) return bound.error();
  io = std::move(bound).value();
  addresses = io->addresses();
  config.local_sockets = addresses;
  agent = std::make_unique<ice::Agent>(std::move(config), random);
  std::lock_guard lock(mutex);
  credentials = agent->local_credentials();
  return Ok();
}

template <typename F>
void IceTransport::Core::PostInput(F fn) {
  loop.Post([weak = weak_from_this(), fn = std::move(fn)]() mutable {
    auto self = weak.lock();
    if (!self || self->shut_down) return;
    fn(*self->agent, SteadyNow());
    self->Pump();
  });
}

void IceTransport::Core::OnDatagram(const Datagram& datagram) {
  if (shut_down) return;
  agent->HandleDatagram(SteadyNow(), datagram);
  Pump();
}

void IceTransport::Core::OnStreamConnected(uint64_t stream) {
  if (shut_down) return;
  agent->HandleStreamConnected(SteadyNow(), stream);
  Pump();
}

void IceTransport::Core::OnStreamData(uint64_t stream, ByteView data) {
  if (shut_down) return;
  agent->HandleStreamData(SteadyNow(), stream, data);
  Pump();
}

void IceTransport::Core::OnStreamClosed(uint64_t stream, std::string reason) {
  if (shut_down) return;
  io->ForgetStream(stream);
  agent->HandleStreamClosed(SteadyNow(), stream, std::move(reason));
  Pump();
}

void IceTransport::Core::OnTimer() {
  if (shut_down) return;
  agent->HandleTimeout(SteadyNow());
  Pump();
}

void IceTransport::Core::Pump() {
  if (shut_down) return;
  while (auto transmit = agent->PollTransmit())
    io->Transmit(std::move(*transmit));
  std::vector<ice::Event> events;
  while (auto event = agent->PollEvent())
    events.push_back(std::move(*event));
  const ice::ConnectionState state = agent->connection_state();
  can_send = agent->selected_pair().has_value() && state != ice::ConnectionState::kFailed &&
             state != ice::ConnectionState::kClosed;
  if (!events.empty()) {
    executor.Post(
        [self = shared_from_this(), events = std::move(events)] { self->Deliver(events); });
  }
  timer.Arm(agent->NextTimeout());
}

void IceTransport::Core::Shutdown() {
  if (shut_down) return;
  if (agent) {
    // Sends the TURN deallocations (Refresh with lifetime 0) while the sockets still exist.
    io->set_closing();
    agent->Close(SteadyNow());
    while (auto transmit = agent->PollTransmit())
      io->Transmit(std::move(*transmit));
  }
  shut_down = true;
  can_send = false;
  timer.Cancel();
  io.reset();
  agent.reset();
}

void IceTransport::Core::Deliver(const std::vector<ice::Event>& events) {
  for (const ice::Event& event : events) {
    if (!alive.load()) return;
    if (auto* candidate = std::get_if<ice::LocalCandidate>(&event)) {
      if (callbacks.on_candidate) callbacks.on_candidate(candidate->candidate);
    } else if (auto* gathering = std::get_if<ice::GatheringStateChanged>(&event)) {
      if (callbacks.on_gathering_state) callbacks.on_gathering_state(gathering->state);
    } else if (auto* state = std::get_if<ice::ConnectionStateChanged>(&event)) {
      if (callbacks.on_state) callbacks.on_state(state->state);
    } else if (auto* pair = std::get_if<ice::SelectedPairChanged>(&event)) {
      if (callbacks.on_selected_pair) callbacks.on_selected_pair(pair->local, pair->remote);
    } else if (auto* data = std::get_if<ice::DataReceived>(&event)) {
      if (callbacks.on_data) callbacks.on_data(data->data);
    } else if (auto* role = std::get_if<ice::RoleChanged>(&event)) {
      if (callbacks.on_role) callbacks.on_role(role->role);
    }
  }
}

Result<std::unique_ptr<IceTransport>> IceTransport::Create(Runtime& runtime,
                                                           ice::AgentConfig config,
                                                           Callbacks callbacks, Random* random) {
  auto core = std::make_shared<Core>(runtime, std::move(callbacks));
  Random& rng = random != nullptr ? *random : CryptoRandom::Instance();
  try {
    // On the network thread, so no datagram can arrive before the agent exists.
    auto result = runtime.loop().Invoke(
        [&core, &config, &rng]() -> Result<void> { return core->Init(std::move(config), rng); });
    if (!result.ok()) return result.error();
  } catch (const std::future_error&) {
    return InvalidStateError("IceTransport::Create: the runtime is shutting down");
  }
  return std::unique_ptr<IceTransport>(new IceTransport(std::move(core)));
}

IceTransport::IceTransport(std::shared_ptr<Core> core) : core_(std::move(core)) {}

IceTransport::~IceTransport() {
  core_->alive = false;
  core_->closed = true;
  core_->can_send = false;
  try {
    core_->loop.Invoke([core = core_] { core->Shutdown(); });
  } catch (const std::future_error&) {
    core_->Shutdown();  // The loop stopped: nothing runs there any more.
  }
}

ice::Credentials IceTransport::local_credentials() const {
  std::lock_guard lock(core_->mutex);
  return core_->credentials;
}

std::vector<SocketAddress> IceTransport::local_addresses() const {
  return core_->addresses;
}

void IceTransport::Start() {
  core_->PostInput([](ice::Agent& agent, Timestamp now) { agent.StartGathering(now); });
}

Result<void> IceTransport::SetRemoteCredentials(ice::Credentials remote) {
  if (core_->closed.load()) return InvalidStateError("IceTransport is closed");
  if (auto valid = ice::ValidateCredentials(remote); !valid.ok()) return valid;
  core_->PostInput([remote = std::move(remote)](ice::Agent& agent, Timestamp now) {
    if (auto set = agent.SetRemoteCredentials(now, remote); !set.ok()) {
      PARLEY_LOG(kWarning, "runtime") << "IceTransport: " << set.error();
    }
  });
  return Ok();
}

void IceTransport::AddRemoteCandidate(ice::Candidate candidate) {
  core_->PostInput([candidate = std::move(candidate)](ice::Agent& agent, Timestamp now) {
    if (auto added = agent.AddRemoteCandidate(now, candidate); !added.ok()) {
      PARLEY_LOG(kInfo, "runtime")
          << "IceTransport: candidate " << candidate << ": " << added.error();
    }
  });
}

Result<void> IceTransport::AddRemoteCandidate(std::string_view sdp_candidate) {
  auto candidate = ice::Candidate::Parse(sdp_candidate);
  if (!candidate.ok()) return candidate.error();
  AddRemoteCandidate(std::move(candidate).value());
  return Ok();
}

void IceTransport::EndOfRemoteCandidates() {
  core_->PostInput([](ice::Agent& agent, Timestamp now) { agent.EndOfRemoteCandidates(now); });
}

Result<ice::Credentials> IceTransport::Restart() {
  if (core_->closed.load()) return InvalidStateError("IceTransport is closed");
  try {
    return core_->loop.Invoke([core = core_]() -> Result<ice::Credentials> {
      if (core->shut_down) return InvalidStateError("IceTransport is closed");
      ice::Credentials fresh = core->agent->Restart(SteadyNow());
      {
        std::lock_guard lock(core->mutex);
        core->credentials = fresh;
      }
      core->Pump();
      return fresh;
    });
  } catch (const std::future_error&) {
    return InvalidStateError("IceTransport: the runtime is shutting down");
  }
}

Result<void> IceTransport::Send(ByteView data) {
  if (core_->closed.load()) return InvalidStateError("IceTransport is closed");
  if (!core_->can_send.load()) {
    return InvalidStateError("IceTransport: no selected ICE candidate pair to send on");
  }
  core_->loop.Post([weak = std::weak_ptr<Core>(core_), bytes = Bytes(data.begin(), data.end())] {
    auto self = weak.lock();
    if (!self || self->shut_down) return;
    if (auto sent = self->agent->Send(SteadyNow(), bytes); !sent.ok()) {
      if (IsPowerOfTwo(++self->send_refused)) {
        PARLEY_LOG(kInfo, "runtime") << "IceTransport: dropped data: " << sent.error() << " ("
                                     << self->send_refused << " so far)";
      }
    }
    self->Pump();
  });
  return Ok();
}

void IceTransport::Close() {
  core_->closed = true;
  core_->can_send = false;
  core_->PostInput([](ice::Agent& agent, Timestamp now) { agent.Close(now); });
}

IceTransport::Stats IceTransport::GetStats() const {
  try {
    return core_->loop.Invoke([core = core_] {
      Stats stats;
      if (core->shut_down) return stats;
      stats.agent = core->agent->GetStats();
      const TransportIo::Stats io = core->io->stats();
      stats.datagrams_sent = io.datagrams_sent;
      stats.datagrams_received = io.datagrams_received;
      stats.send_errors = io.send_errors;
      stats.streams_opened = io.streams_opened;
      return stats;
    });
  } catch (const std::future_error&) {
    return Stats{};
  }
}

}  // namespace parley
