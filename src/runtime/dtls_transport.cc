#include "runtime/dtls_transport.h"

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <utility>

#include "base/logging.h"
#include "ice/credentials.h"
#include "runtime/machine_driver.h"

namespace parley {
namespace {

bool IsPowerOfTwo(uint64_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

}  // namespace

class ChannelLink;

// Shared by the transport and the tasks it posts. The driver runs the machine on the network
// thread; the atomics and what `mutex` guards are read from any thread.
struct DtlsTransport::Core {
  explicit Core(Callbacks user_callbacks) : callbacks(std::move(user_callbacks)) {}

  // Callback thread.
  void Deliver(const session::Event& event);
  void DeliverIce(const ice::Event& event) const;
  void DeliverChannel(const datachannel::Event& event);
  std::shared_ptr<SctpDataChannel> FindChannel(datachannel::ChannelHandle handle) const;
  // Network thread, after every drain.
  void Publish(const session::SecureTransport& transport);
  // Network thread: counts a refused send.
  void Refused(const Error& error);

  const Callbacks callbacks;
  std::atomic<bool> closed{false};
  std::atomic<bool> dtls_connected{false};
  std::atomic<bool> srtp_ready{false};
  mutable std::mutex mutex;
  ice::Credentials credentials;   // Guarded by mutex.
  dtls::Fingerprint fingerprint;  // Constant after Create.
  std::shared_ptr<MachineDriver<session::SecureTransport>> driver;
  std::shared_ptr<ChannelLink> link;
  size_t max_message_size = 0;  // The peer's; network thread.
  // Live channels by handle; guarded by mutex. Added when created or announced (network
  // thread), removed once closed and delivered (callback thread).
  std::map<uint32_t, std::shared_ptr<SctpDataChannel>> channels;
  uint64_t sends_refused = 0;  // Network thread.
};

// Carries a SctpDataChannel's calls to the network thread.
class ChannelLink final : public SctpDataChannel::Link {
 public:
  explicit ChannelLink(std::weak_ptr<DtlsTransport::Core> core) : core_(std::move(core)) {}

  void Send(std::shared_ptr<SctpDataChannel> channel, Bytes data, bool binary) override {
    auto core = core_.lock();
    if (!core) {
      channel->SendProcessed(data.size());
      return;
    }
    core->driver->PostInput([core = core_, channel = std::move(channel), data = std::move(data),
                             binary](session::SecureTransport& transport, Timestamp now) {
      auto sent = transport.SendMessage(now, channel->handle(), binary, data);
      channel->SendProcessed(data.size());
      if (auto self = core.lock(); self && !sent.ok()) self->Refused(sent.error());
    });
  }
  void Close(datachannel::ChannelHandle channel) override {
    if (auto core = core_.lock()) {
      core->driver->PostInput([channel](session::SecureTransport& transport, Timestamp now) {
        transport.CloseDataChannel(now, channel);
      });
    }
  }
  void PostCallback(std::function<void()> task) override {
    if (auto core = core_.lock()) core->driver->PostCallback(std::move(task));
  }
  void SetLowThreshold(datachannel::ChannelHandle channel, size_t threshold) override {
    if (auto core = core_.lock()) {
      core->driver->PostInput([channel, threshold](session::SecureTransport& transport, Timestamp) {
        transport.SetBufferedAmountLowThreshold(channel, threshold);
      });
    }
  }

 private:
  std::weak_ptr<DtlsTransport::Core> core_;
};

void DtlsTransport::Core::Deliver(const session::Event& event) {
  if (auto* ice_event = std::get_if<ice::Event>(&event)) {
    DeliverIce(*ice_event);
  } else if (auto* channel_event = std::get_if<datachannel::Event>(&event)) {
    DeliverChannel(*channel_event);
  } else if (auto* state = std::get_if<session::DtlsStateChanged>(&event)) {
    if (callbacks.on_dtls_state) callbacks.on_dtls_state(state->state, state->reason);
  } else if (auto* rtp = std::get_if<session::RtpReceived>(&event)) {
    if (callbacks.on_rtp) callbacks.on_rtp(rtp->packet);
  } else if (auto* rtcp = std::get_if<session::RtcpReceived>(&event)) {
    if (callbacks.on_rtcp) callbacks.on_rtcp(rtcp->packet);
  } else if (auto* data = std::get_if<session::DtlsDataReceived>(&event)) {
    if (callbacks.on_data) callbacks.on_data(data->data);
  }
}

void DtlsTransport::Core::DeliverIce(const ice::Event& event) const {
  if (auto* candidate = std::get_if<ice::LocalCandidate>(&event)) {
    if (callbacks.on_candidate) callbacks.on_candidate(candidate->candidate);
  } else if (auto* gathering = std::get_if<ice::GatheringStateChanged>(&event)) {
    if (callbacks.on_gathering_state) callbacks.on_gathering_state(gathering->state);
  } else if (auto* state = std::get_if<ice::ConnectionStateChanged>(&event)) {
    if (callbacks.on_ice_state) callbacks.on_ice_state(state->state);
  } else if (auto* pair = std::get_if<ice::SelectedPairChanged>(&event)) {
    if (callbacks.on_selected_pair) callbacks.on_selected_pair(pair->local, pair->remote);
  }
}

std::shared_ptr<SctpDataChannel> DtlsTransport::Core::FindChannel(
    datachannel::ChannelHandle handle) const {
  std::lock_guard lock(mutex);
  auto it = channels.find(handle.value);
  return it == channels.end() ? nullptr : it->second;
}

void DtlsTransport::Core::DeliverChannel(const datachannel::Event& event) {
  if (auto* opened = std::get_if<datachannel::ChannelOpened>(&event)) {
    auto channel = FindChannel(opened->handle);
    if (!channel) return;
    // Its open event follows (ChannelStateChanged), as webrtc-pc §6.2 announces it.
    if (callbacks.on_data_channel) callbacks.on_data_channel(channel);
  } else if (auto* state = std::get_if<datachannel::ChannelStateChanged>(&event)) {
    auto channel = FindChannel(state->handle);
    if (!channel) return;
    switch (state->state) {
      case datachannel::ChannelState::kOpen:
        channel->Deliver([](const SctpDataChannel::Callbacks& c) {
          if (c.on_open) c.on_open();
        });
        break;
      case datachannel::ChannelState::kClosing:
        channel->Deliver([](const SctpDataChannel::Callbacks& c) {
          if (c.on_closing) c.on_closing();
        });
        break;
      case datachannel::ChannelState::kClosed: {
        {
          std::lock_guard lock(mutex);
          channels.erase(state->handle.value);
        }
        driver->PostInput([handle = state->handle](session::SecureTransport& transport, Timestamp) {
          transport.ReleaseDataChannel(handle);
        });
        channel->Deliver([](const SctpDataChannel::Callbacks& c) {
          if (c.on_close) c.on_close();
        });
        // Once on_close ran (it may be waiting for the first SetCallbacks), nothing fires again.
        channel->Deliver(
            [weak = std::weak_ptr<SctpDataChannel>(channel)](const SctpDataChannel::Callbacks&) {
              if (auto closed = weak.lock()) closed->ReleaseCallbacks();
            });
        break;
      }
      case datachannel::ChannelState::kConnecting:
        break;
    }
  } else if (auto* message = std::get_if<datachannel::MessageReceived>(&event)) {
    if (auto channel = FindChannel(message->handle)) {
      channel->Deliver(
          [data = message->data, binary = message->binary](const SctpDataChannel::Callbacks& c) {
            if (c.on_message) c.on_message(data, binary);
          });
    }
  } else if (auto* low = std::get_if<datachannel::BufferedAmountLow>(&event)) {
    if (auto channel = FindChannel(low->handle)) {
      channel->Deliver([](const SctpDataChannel::Callbacks& c) {
        if (c.on_buffered_amount_low) c.on_buffered_amount_low();
      });
    }
  } else if (auto* error = std::get_if<datachannel::ChannelError>(&event)) {
    if (auto channel = FindChannel(error->handle)) {
      channel->Deliver([reason = error->reason](const SctpDataChannel::Callbacks& c) {
        if (c.on_error) c.on_error(reason);
      });
    }
  }
}

void DtlsTransport::Core::Publish(const session::SecureTransport& transport) {
  dtls_connected = transport.dtls_state() == dtls::State::kConnected;
  srtp_ready = transport.srtp_ready();
  const datachannel::Transport* data_channels = transport.data_channels();
  if (data_channels == nullptr) return;
  std::lock_guard lock(mutex);
  for (datachannel::ChannelHandle handle : data_channels->channels()) {
    const datachannel::ChannelInfo* info = data_channels->channel(handle);
    if (info == nullptr) continue;
    auto it = channels.find(handle.value);
    if (it == channels.end()) {
      if (info->state == datachannel::ChannelState::kClosed) continue;
      // Announced by the peer: its callbacks are set in on_data_channel.
      it = channels
               .emplace(handle.value,
                        SctpDataChannel::Make(handle, *info, link, {}, max_message_size))
               .first;
    }
    it->second->Publish(*info, data_channels->buffered_amount(handle),
                        data_channels->max_message_size());
  }
}

void DtlsTransport::Core::Refused(const Error& error) {
  if (IsPowerOfTwo(++sends_refused)) {
    PARLEY_LOG(kInfo, "runtime") << "DtlsTransport: dropped a send: " << error << " ("
                                 << sends_refused << " so far)";
  }
}

Result<std::unique_ptr<DtlsTransport>> DtlsTransport::Create(Runtime& runtime,
                                                             session::SecureTransportConfig config,
                                                             Callbacks callbacks, Random* random) {
  auto core = std::make_shared<Core>(std::move(callbacks));
  core->fingerprint = config.certificate.fingerprint();
  core->link = std::make_shared<ChannelLink>(core);
  core->max_message_size = config.data_channel.association.remote_max_message_size;
  Random& rng = random != nullptr ? *random : CryptoRandom::Instance();
  std::weak_ptr<Core> weak = core;
  core->driver = std::make_shared<MachineDriver<session::SecureTransport>>(
      runtime.loop(), runtime.callbacks(),
      [weak](const session::Event& event) {
        if (auto alive = weak.lock()) alive->Deliver(event);
      },
      [weak](const session::SecureTransport& transport) {
        if (auto alive = weak.lock()) alive->Publish(transport);
      });
  try {
    // On the network thread, so no datagram can arrive before the machine exists.
    auto result = runtime.loop().Invoke([&core, &config, &rng]() -> Result<void> {
      const std::vector<SocketAddress> addresses = config.ice.local_sockets;
      return core->driver->Init(addresses, [&](std::vector<SocketAddress> bound) {
        config.ice.local_sockets = std::move(bound);
        auto transport = std::make_unique<session::SecureTransport>(std::move(config), rng);
        std::lock_guard lock(core->mutex);
        core->credentials = transport->ice().local_credentials();
        return transport;
      });
    });
    if (!result.ok()) return result.error();
  } catch (const std::future_error&) {
    return InvalidStateError("DtlsTransport::Create: the runtime is shutting down");
  }
  return std::unique_ptr<DtlsTransport>(new DtlsTransport(std::move(core)));
}

DtlsTransport::DtlsTransport(std::shared_ptr<Core> core) : core_(std::move(core)) {}

DtlsTransport::~DtlsTransport() {
  core_->driver->StopDelivery();
  core_->closed = true;
  try {
    core_->driver->loop().Invoke([driver = core_->driver] { driver->Shutdown(); });
  } catch (const std::future_error&) {
    core_->driver->Shutdown();  // The loop stopped: nothing runs there any more.
  }
  std::lock_guard lock(core_->mutex);
  for (auto& [handle, channel] : core_->channels)
    channel->Detach();
  core_->channels.clear();
}

Result<std::shared_ptr<SctpDataChannel>> DtlsTransport::CreateDataChannel(
    std::string label, datachannel::ChannelInit init, SctpDataChannel::Callbacks callbacks) {
  if (core_->closed.load()) return InvalidStateError("createDataChannel: the transport is closed");
  try {
    return core_->driver->loop().Invoke(
        [core = core_, label = std::move(label), init = std::move(init),
         callbacks = std::move(callbacks)]() mutable -> Result<std::shared_ptr<SctpDataChannel>> {
          session::SecureTransport* transport = core->driver->machine();
          if (transport == nullptr) return InvalidStateError("DtlsTransport is closed");
          auto handle =
              transport->CreateDataChannel(SteadyNow(), std::move(label), std::move(init));
          if (!handle.ok()) return handle.error();
          const datachannel::ChannelInfo* info = transport->data_channels()->channel(*handle);
          auto channel = SctpDataChannel::Make(*handle, *info, core->link, std::move(callbacks),
                                               core->max_message_size);
          {
            std::lock_guard lock(core->mutex);
            core->channels[handle->value] = channel;
          }
          core->driver->Pump();
          return channel;
        });
  } catch (const std::future_error&) {
    return InvalidStateError("DtlsTransport: the runtime is shutting down");
  }
}

ice::Credentials DtlsTransport::local_credentials() const {
  std::lock_guard lock(core_->mutex);
  return core_->credentials;
}

dtls::Fingerprint DtlsTransport::local_fingerprint() const {
  return core_->fingerprint;
}

std::vector<SocketAddress> DtlsTransport::local_addresses() const {
  return core_->driver->addresses();
}

void DtlsTransport::Start() {
  core_->driver->PostInput(
      [](session::SecureTransport& transport, Timestamp now) { transport.StartGathering(now); });
}

Result<void> DtlsTransport::SetRemoteCredentials(ice::Credentials remote) {
  if (core_->closed.load()) return InvalidStateError("DtlsTransport is closed");
  if (auto valid = ice::ValidateCredentials(remote); !valid.ok()) return valid;
  core_->driver->PostInput(
      [remote = std::move(remote)](session::SecureTransport& transport, Timestamp now) {
        if (auto set = transport.SetRemoteCredentials(now, remote); !set.ok()) {
          PARLEY_LOG(kWarning, "runtime") << "DtlsTransport: " << set.error();
        }
      });
  return Ok();
}

void DtlsTransport::AddRemoteCandidate(ice::Candidate candidate) {
  core_->driver->PostInput(
      [candidate = std::move(candidate)](session::SecureTransport& transport, Timestamp now) {
        if (auto added = transport.AddRemoteCandidate(now, candidate); !added.ok()) {
          PARLEY_LOG(kInfo, "runtime")
              << "DtlsTransport: candidate " << candidate << ": " << added.error();
        }
      });
}

Result<void> DtlsTransport::AddRemoteCandidate(std::string_view sdp_candidate) {
  auto candidate = ice::Candidate::Parse(sdp_candidate);
  if (!candidate.ok()) return candidate.error();
  AddRemoteCandidate(std::move(candidate).value());
  return Ok();
}

void DtlsTransport::EndOfRemoteCandidates() {
  core_->driver->PostInput([](session::SecureTransport& transport, Timestamp now) {
    transport.EndOfRemoteCandidates(now);
  });
}

void DtlsTransport::SetRemoteSctpParameters(uint16_t remote_port, size_t remote_max_message_size) {
  core_->driver->PostInput([core = core_, remote_port, remote_max_message_size](
                               session::SecureTransport& transport, Timestamp) {
    if (auto set = transport.SetRemoteSctpParameters(remote_port, remote_max_message_size);
        !set.ok()) {
      PARLEY_LOG(kWarning, "runtime") << "DtlsTransport: " << set.error();
      return;
    }
    core->max_message_size = remote_max_message_size;
  });
}

void DtlsTransport::SetIceRole(ice::Role role) {
  core_->driver->PostInput([role](session::SecureTransport& transport, Timestamp now) {
    transport.SetIceRole(now, role);
  });
}

Result<ice::Credentials> DtlsTransport::RestartIce(std::optional<ice::Credentials> local) {
  if (core_->closed.load()) return InvalidStateError("DtlsTransport is closed");
  if (local) {
    if (auto valid = ice::ValidateCredentials(*local); !valid.ok()) return valid.error();
  }
  try {
    return core_->driver->loop().Invoke([core = core_, local]() -> Result<ice::Credentials> {
      session::SecureTransport* transport = core->driver->machine();
      if (transport == nullptr) return InvalidStateError("DtlsTransport is closed");
      ice::Credentials fresh = transport->RestartIce(SteadyNow(), local);
      {
        std::lock_guard lock(core->mutex);
        core->credentials = fresh;
      }
      core->driver->Pump();
      return fresh;
    });
  } catch (const std::future_error&) {
    return InvalidStateError("DtlsTransport: the runtime is shutting down");
  }
}

Result<void> DtlsTransport::StartDtls(dtls::Role role,
                                      std::vector<dtls::Fingerprint> remote_fingerprints) {
  if (core_->closed.load()) return InvalidStateError("DtlsTransport is closed");
  try {
    return core_->driver->loop().Invoke(
        [core = core_, role,
         fingerprints = std::move(remote_fingerprints)]() mutable -> Result<void> {
          session::SecureTransport* transport = core->driver->machine();
          if (transport == nullptr) return InvalidStateError("DtlsTransport is closed");
          Result<void> started = transport->StartDtls(SteadyNow(), role, std::move(fingerprints));
          core->driver->Pump();
          return started;
        });
  } catch (const std::future_error&) {
    return InvalidStateError("DtlsTransport: the runtime is shutting down");
  }
}

Result<void> DtlsTransport::SetRemoteFingerprints(std::vector<dtls::Fingerprint> fingerprints) {
  if (core_->closed.load()) return InvalidStateError("DtlsTransport is closed");
  try {
    return core_->driver->loop().Invoke(
        [core = core_, fingerprints = std::move(fingerprints)]() mutable -> Result<void> {
          session::SecureTransport* transport = core->driver->machine();
          if (transport == nullptr) return InvalidStateError("DtlsTransport is closed");
          Result<void> set = transport->SetRemoteFingerprints(SteadyNow(), std::move(fingerprints));
          core->driver->Pump();
          return set;
        });
  } catch (const std::future_error&) {
    return InvalidStateError("DtlsTransport: the runtime is shutting down");
  }
}

Result<void> DtlsTransport::SendRtp(Bytes packet) {
  if (core_->closed.load()) return InvalidStateError("DtlsTransport is closed");
  if (!core_->srtp_ready.load()) return InvalidStateError("SendRtp: no SRTP keys yet");
  core_->driver->PostInput([core = std::weak_ptr<Core>(core_), packet = std::move(packet)](
                               session::SecureTransport& transport, Timestamp now) mutable {
    auto sent = transport.SendRtp(now, std::move(packet));
    if (auto self = core.lock(); self && !sent.ok()) self->Refused(sent.error());
  });
  return Ok();
}

Result<void> DtlsTransport::SendRtcp(Bytes packet) {
  if (core_->closed.load()) return InvalidStateError("DtlsTransport is closed");
  if (!core_->srtp_ready.load()) return InvalidStateError("SendRtcp: no SRTP keys yet");
  core_->driver->PostInput([core = std::weak_ptr<Core>(core_), packet = std::move(packet)](
                               session::SecureTransport& transport, Timestamp now) mutable {
    auto sent = transport.SendRtcp(now, std::move(packet));
    if (auto self = core.lock(); self && !sent.ok()) self->Refused(sent.error());
  });
  return Ok();
}

Result<void> DtlsTransport::SendData(ByteView data) {
  if (core_->closed.load()) return InvalidStateError("DtlsTransport is closed");
  if (!core_->dtls_connected.load()) return InvalidStateError("SendData: DTLS is not connected");
  core_->driver->PostInput(
      [core = std::weak_ptr<Core>(core_), bytes = Bytes(data.begin(), data.end())](
          session::SecureTransport& transport, Timestamp now) {
        auto sent = transport.SendData(now, bytes);
        if (auto self = core.lock(); self && !sent.ok()) self->Refused(sent.error());
      });
  return Ok();
}

void DtlsTransport::Close() {
  core_->closed = true;
  core_->driver->PostInput(
      [](session::SecureTransport& transport, Timestamp now) { transport.Close(now); });
}

DtlsTransport::Stats DtlsTransport::GetStats() const {
  try {
    return core_->driver->loop().Invoke([core = core_] {
      Stats stats;
      session::SecureTransport* transport = core->driver->machine();
      if (transport == nullptr) return stats;
      stats.transport = transport->GetStats();
      stats.io = core->driver->io_stats();
      stats.sends_refused = core->sends_refused;
      stats.ice_role = transport->ice().role();
      stats.local_ufrag = transport->ice().local_credentials().ufrag;
      stats.ice_state = transport->connection_state();
      stats.dtls_state = transport->dtls_state();
      if (const dtls::Endpoint* endpoint = transport->dtls()) {
        stats.dtls_role = endpoint->role();
        stats.dtls_cipher = endpoint->cipher_suite_iana_name();
        if (auto profile = endpoint->srtp_profile()) stats.srtp_cipher = srtp::ToString(*profile);
      }
      if (const datachannel::Transport* channels = transport->data_channels()) {
        for (datachannel::ChannelHandle handle : channels->channels()) {
          if (const datachannel::ChannelInfo* info = channels->channel(handle)) {
            stats.channels.push_back(*info);
          }
        }
      }
      return stats;
    });
  } catch (const std::future_error&) {
    return Stats{};
  }
}

}  // namespace parley
