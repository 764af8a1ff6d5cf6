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
#include "runtime/tcp_socket.h"
#include "runtime/udp_socket.h"

namespace parley {
namespace {

bool IsPowerOfTwo(uint64_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

}  // namespace

// Shared by the transport, the tasks it posts and the callbacks it queues. Everything but the
// atomics, `mutex` and what it guards is used on the network thread only.
struct IceTransport::Core : std::enable_shared_from_this<IceTransport::Core> {
  Core(Runtime& runtime, Callbacks user_callbacks)
      : loop(runtime.loop()), executor(runtime.callbacks()), callbacks(std::move(user_callbacks)) {}

  // Network thread.
  Result<void> Init(ice::AgentConfig config, Random& random);
  void OnDatagram(const Datagram& datagram);
  void OnTimer();
  // Drains the agent after an input: transmits go out, events to the callback thread, and the
  // timer follows NextTimeout().
  void Pump();
  void Transmit(ice::Transmit transmit);
  void SendDatagram(const Datagram& datagram);
  void OpenStream(uint64_t id, const SocketAddress& remote);
  void StreamClosed(uint64_t id, std::string reason);
  void ArmTimer();
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

  std::unique_ptr<ice::Agent> agent;
  std::vector<std::unique_ptr<UdpSocket>> udp;
  std::map<uint64_t, std::unique_ptr<TcpSocket>> streams;
  std::optional<EventLoop::TimerId> timer;
  Timestamp timer_deadline;
  bool shut_down = false;
  bool closing = false;  // In Shutdown(): transmits the final requests, opens nothing.
  uint64_t unroutable = 0;
  uint64_t send_refused = 0;
  uint64_t streams_opened = 0;
};

Result<void> IceTransport::Core::Init(ice::AgentConfig config, Random& random) {
  for (const SocketAddress& address : config.local_sockets) {
    // The sockets live in (and die with) this core on this thread: a raw pointer is enough.
    auto socket =
        UdpSocket::Bind(loop, address, [this](Datagram datagram) { OnDatagram(datagram); });
    if (!socket.ok()) {
      udp.clear();
      addresses.clear();
      return socket.error();
    }
    addresses.push_back((*socket)->local_address());
    udp.push_back(std::move(socket).value());
  }
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

void IceTransport::Core::OnTimer() {
  timer.reset();
  if (shut_down) return;
  agent->HandleTimeout(SteadyNow());
  Pump();
}

void IceTransport::Core::Pump() {
  if (shut_down) return;
  while (auto transmit = agent->PollTransmit())
    Transmit(std::move(*transmit));
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
  ArmTimer();
}

void IceTransport::Core::Transmit(ice::Transmit transmit) {
  if (auto* datagram = std::get_if<Datagram>(&transmit)) {
    SendDatagram(*datagram);
  } else if (auto* connect = std::get_if<ice::StreamConnect>(&transmit)) {
    if (closing) return;
    OpenStream(connect->connection, connect->remote);
  } else if (auto* send = std::get_if<ice::StreamSend>(&transmit)) {
    auto it = streams.find(send->connection);
    if (it == streams.end()) return;  // Closed meanwhile; the agent was or will be told.
    auto sent = it->second->Send(send->data);
    if (!sent.ok() && !closing) {
      // Our bound on buffered bytes was hit or the connection broke: the stream is unusable.
      PARLEY_LOG(kWarning, "runtime")
          << "IceTransport: stream " << send->connection << ": " << sent.error();
      const uint64_t id = send->connection;
      std::string reason = sent.error().message();
      loop.Post([weak = weak_from_this(), id, reason = std::move(reason)]() mutable {
        if (auto self = weak.lock()) self->StreamClosed(id, std::move(reason));
      });
    }
  } else if (auto* close = std::get_if<ice::StreamClose>(&transmit)) {
    streams.erase(close->connection);  // May be the socket whose callback we are in: allowed.
  }
}

void IceTransport::Core::SendDatagram(const Datagram& datagram) {
  for (const auto& socket : udp) {
    if (socket->local_address() != datagram.source) continue;
    auto sent = socket->SendTo(datagram.destination, datagram.payload);
    if (!sent.ok()) {
      PARLEY_LOG(kVerbose, "runtime") << "IceTransport: " << sent.error();
    }
    return;
  }
  if (IsPowerOfTwo(++unroutable)) {
    PARLEY_LOG(kWarning, "runtime")
        << "IceTransport: no socket bound to " << datagram.source << " for a datagram to "
        << datagram.destination << " (" << unroutable << " so far)";
  }
}

void IceTransport::Core::OpenStream(uint64_t id, const SocketAddress& remote) {
  TcpSocket::Callbacks stream_callbacks;
  // The sockets live in `streams`, i.e. in this core, and run their callbacks on this thread.
  stream_callbacks.on_connected = [this, id] {
    if (shut_down) return;
    agent->HandleStreamConnected(SteadyNow(), id);
    Pump();
  };
  stream_callbacks.on_data = [this, id](ByteView data) {
    if (shut_down) return;
    agent->HandleStreamData(SteadyNow(), id, data);
    Pump();
  };
  stream_callbacks.on_closed = [this, id](Result<void> status) {
    StreamClosed(id, status.ok() ? "connection closed by the server" : status.error().message());
  };
  TcpSocket::Options options;
  // Leave from one of our own addresses, as the datagrams do (e.g. loopback only in tests).
  for (const SocketAddress& address : addresses) {
    if (address.family() == remote.family()) {
      options.local = SocketAddress(address.ip(), 0);
      break;
    }
  }
  auto socket = TcpSocket::Connect(loop, remote, std::move(stream_callbacks), options);
  if (!socket.ok()) {
    // Reported as an input of its own, after the current drain.
    loop.Post([weak = weak_from_this(), id, reason = socket.error().message()]() mutable {
      if (auto self = weak.lock()) self->StreamClosed(id, std::move(reason));
    });
    return;
  }
  ++streams_opened;
  streams[id] = std::move(socket).value();
}

void IceTransport::Core::StreamClosed(uint64_t id, std::string reason) {
  std::unique_ptr<TcpSocket> dying;  // Perhaps the socket whose on_closed runs: allowed.
  if (auto it = streams.find(id); it != streams.end()) {
    dying = std::move(it->second);
    streams.erase(it);
  }
  if (shut_down) return;
  agent->HandleStreamClosed(SteadyNow(), id, std::move(reason));
  Pump();
}

void IceTransport::Core::ArmTimer() {
  const std::optional<Timestamp> next = agent->NextTimeout();
  if (timer && next && *next == timer_deadline) return;
  if (timer) {
    loop.Cancel(*timer);  // Exact on this thread.
    timer.reset();
  }
  if (!next) return;
  timer_deadline = *next;
  timer = loop.ScheduleAt(*next, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->OnTimer();
  });
}

void IceTransport::Core::Shutdown() {
  if (shut_down) return;
  if (agent) {
    // Sends the TURN deallocations (Refresh with lifetime 0) while the sockets still exist.
    closing = true;
    agent->Close(SteadyNow());
    while (auto transmit = agent->PollTransmit())
      Transmit(std::move(*transmit));
  }
  shut_down = true;
  can_send = false;
  if (timer) loop.Cancel(*timer);
  timer.reset();
  streams.clear();
  udp.clear();
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
      for (const auto& socket : core->udp) {
        const UdpSocket::Stats udp = socket->stats();
        stats.datagrams_sent += udp.datagrams_sent;
        stats.datagrams_received += udp.datagrams_received;
        stats.send_errors += udp.send_errors;
      }
      stats.send_errors += core->unroutable;
      stats.streams_opened = core->streams_opened;
      return stats;
    });
  } catch (const std::future_error&) {
    return Stats{};
  }
}

}  // namespace parley
