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
#include "runtime/machine_driver.h"

namespace parley {
namespace {

bool IsPowerOfTwo(uint64_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

}  // namespace

// Shared by the transport and the tasks it posts. The driver runs the agent on the network
// thread; everything here but `send_refused` may be read from any thread.
struct IceTransport::Core {
  explicit Core(Callbacks user_callbacks) : callbacks(std::move(user_callbacks)) {}

  // Callback thread.
  void Deliver(const ice::Event& event) const;

  const Callbacks callbacks;
  // Close() was called (or destruction began).
  std::atomic<bool> closed{false};
  // The agent has a selected pair it may send on (kept up to date after every drain).
  std::atomic<bool> can_send{false};
  mutable std::mutex mutex;
  ice::Credentials credentials;  // Guarded by mutex.
  std::shared_ptr<MachineDriver<ice::Agent>> driver;
  uint64_t send_refused = 0;  // Network thread.
};

void IceTransport::Core::Deliver(const ice::Event& event) const {
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

Result<std::unique_ptr<IceTransport>> IceTransport::Create(Runtime& runtime,
                                                           ice::AgentConfig config,
                                                           Callbacks callbacks, Random* random) {
  auto core = std::make_shared<Core>(std::move(callbacks));
  Random& rng = random != nullptr ? *random : CryptoRandom::Instance();
  std::weak_ptr<Core> weak = core;
  core->driver = std::make_shared<MachineDriver<ice::Agent>>(
      runtime.loop(), runtime.callbacks(),
      [weak](const ice::Event& event) {
        if (auto alive = weak.lock()) alive->Deliver(event);
      },
      [weak](const ice::Agent& agent) {
        auto alive = weak.lock();
        if (!alive) return;
        const ice::ConnectionState state = agent.connection_state();
        alive->can_send = agent.selected_pair().has_value() &&
                          state != ice::ConnectionState::kFailed &&
                          state != ice::ConnectionState::kClosed;
      });
  try {
    // On the network thread, so no datagram can arrive before the agent exists.
    auto result = runtime.loop().Invoke([&core, &config, &rng]() -> Result<void> {
      const std::vector<SocketAddress> addresses = config.local_sockets;
      return core->driver->Init(addresses, [&](std::vector<SocketAddress> bound) {
        config.local_sockets = std::move(bound);
        auto agent = std::make_unique<ice::Agent>(std::move(config), rng);
        std::lock_guard lock(core->mutex);
        core->credentials = agent->local_credentials();
        return agent;
      });
    });
    if (!result.ok()) return result.error();
  } catch (const std::future_error&) {
    return InvalidStateError("IceTransport::Create: the runtime is shutting down");
  }
  return std::unique_ptr<IceTransport>(new IceTransport(std::move(core)));
}

IceTransport::IceTransport(std::shared_ptr<Core> core) : core_(std::move(core)) {}

IceTransport::~IceTransport() {
  core_->driver->StopDelivery();
  core_->closed = true;
  core_->can_send = false;
  try {
    core_->driver->loop().Invoke([driver = core_->driver] { driver->Shutdown(); });
  } catch (const std::future_error&) {
    core_->driver->Shutdown();  // The loop stopped: nothing runs there any more.
  }
}

ice::Credentials IceTransport::local_credentials() const {
  std::lock_guard lock(core_->mutex);
  return core_->credentials;
}

std::vector<SocketAddress> IceTransport::local_addresses() const {
  return core_->driver->addresses();
}

void IceTransport::Start() {
  core_->driver->PostInput([](ice::Agent& agent, Timestamp now) { agent.StartGathering(now); });
}

Result<void> IceTransport::SetRemoteCredentials(ice::Credentials remote) {
  if (core_->closed.load()) return InvalidStateError("IceTransport is closed");
  if (auto valid = ice::ValidateCredentials(remote); !valid.ok()) return valid;
  core_->driver->PostInput([remote = std::move(remote)](ice::Agent& agent, Timestamp now) {
    if (auto set = agent.SetRemoteCredentials(now, remote); !set.ok()) {
      PARLEY_LOG(kWarning, "runtime") << "IceTransport: " << set.error();
    }
  });
  return Ok();
}

void IceTransport::AddRemoteCandidate(ice::Candidate candidate) {
  core_->driver->PostInput([candidate = std::move(candidate)](ice::Agent& agent, Timestamp now) {
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
  core_->driver->PostInput(
      [](ice::Agent& agent, Timestamp now) { agent.EndOfRemoteCandidates(now); });
}

Result<ice::Credentials> IceTransport::Restart() {
  if (core_->closed.load()) return InvalidStateError("IceTransport is closed");
  try {
    return core_->driver->loop().Invoke([core = core_]() -> Result<ice::Credentials> {
      ice::Agent* agent = core->driver->machine();
      if (agent == nullptr) return InvalidStateError("IceTransport is closed");
      ice::Credentials fresh = agent->Restart(SteadyNow());
      {
        std::lock_guard lock(core->mutex);
        core->credentials = fresh;
      }
      core->driver->Pump();
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
  core_->driver->PostInput(
      [core = std::weak_ptr<Core>(core_), bytes = Bytes(data.begin(), data.end())](
          ice::Agent& agent, Timestamp now) {
        auto sent = agent.Send(now, bytes);
        auto self = core.lock();
        if (!sent.ok() && self && IsPowerOfTwo(++self->send_refused)) {
          PARLEY_LOG(kInfo, "runtime") << "IceTransport: dropped data: " << sent.error() << " ("
                                       << self->send_refused << " so far)";
        }
      });
  return Ok();
}

void IceTransport::Close() {
  core_->closed = true;
  core_->can_send = false;
  core_->driver->PostInput([](ice::Agent& agent, Timestamp now) { agent.Close(now); });
}

IceTransport::Stats IceTransport::GetStats() const {
  try {
    return core_->driver->loop().Invoke([driver = core_->driver] {
      Stats stats;
      ice::Agent* agent = driver->machine();
      if (agent == nullptr) return stats;
      stats.agent = agent->GetStats();
      const TransportIo::Stats io = driver->io_stats();
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
