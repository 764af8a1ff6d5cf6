#include "peerconnection/peer_connection_impl.h"

#include <future>
#include <utility>

#include "base/logging.h"
#include "ice/credentials.h"
#include "ice/server_uri.h"
#include "peerconnection/certificate_impl.h"
#include "peerconnection/stats_collector.h"
#include "runtime/local_addresses.h"

namespace parley {
namespace {

// Every PeerConnection of the process shares one Runtime (two threads), created with the first
// and released with the last.
std::shared_ptr<Runtime> SharedRuntime() {
  static std::mutex mutex;
  static std::weak_ptr<Runtime> shared;
  std::lock_guard lock(mutex);
  auto runtime = shared.lock();
  if (!runtime) {
    runtime = Runtime::Create();
    shared = runtime;
  }
  return runtime;
}

jsep::SdpType ToJsep(SdpType type) {
  switch (type) {
    case SdpType::kOffer:
      return jsep::SdpType::kOffer;
    case SdpType::kPranswer:
      return jsep::SdpType::kPranswer;
    case SdpType::kAnswer:
      return jsep::SdpType::kAnswer;
    case SdpType::kRollback:
      break;
  }
  return jsep::SdpType::kRollback;
}

SdpType ToPublic(jsep::SdpType type) {
  switch (type) {
    case jsep::SdpType::kOffer:
      return SdpType::kOffer;
    case jsep::SdpType::kPranswer:
      return SdpType::kPranswer;
    case jsep::SdpType::kAnswer:
      return SdpType::kAnswer;
    case jsep::SdpType::kRollback:
      break;
  }
  return SdpType::kRollback;
}

std::optional<SessionDescription> ToPublic(
    const std::optional<jsep::Negotiator::Description>& description) {
  if (!description) return std::nullopt;
  return SessionDescription{ToPublic(description->type), description->sdp};
}

SignalingState ToPublic(jsep::SignalingState state) {
  switch (state) {
    case jsep::SignalingState::kStable:
      return SignalingState::kStable;
    case jsep::SignalingState::kHaveLocalOffer:
      return SignalingState::kHaveLocalOffer;
    case jsep::SignalingState::kHaveRemoteOffer:
      return SignalingState::kHaveRemoteOffer;
    case jsep::SignalingState::kHaveLocalPranswer:
      return SignalingState::kHaveLocalPranswer;
    case jsep::SignalingState::kHaveRemotePranswer:
      return SignalingState::kHaveRemotePranswer;
    case jsep::SignalingState::kClosed:
      break;
  }
  return SignalingState::kClosed;
}

IceConnectionState ToPublic(ice::ConnectionState state) {
  switch (state) {
    case ice::ConnectionState::kNew:
      return IceConnectionState::kNew;
    case ice::ConnectionState::kChecking:
      return IceConnectionState::kChecking;
    case ice::ConnectionState::kConnected:
      return IceConnectionState::kConnected;
    case ice::ConnectionState::kCompleted:
      return IceConnectionState::kCompleted;
    case ice::ConnectionState::kDisconnected:
      return IceConnectionState::kDisconnected;
    case ice::ConnectionState::kFailed:
      return IceConnectionState::kFailed;
    case ice::ConnectionState::kClosed:
      break;
  }
  return IceConnectionState::kClosed;
}

// webrtc-pc §4.3.3 RTCPeerConnectionState, from the (one, bundled) ICE and DTLS transports. A
// closed DTLS transport (the peer's close_notify) over a working pair still counts as
// connected, as the W3C defines it.
PeerConnectionState ComputeConnectionState(ice::ConnectionState ice, dtls::State dtls) {
  using I = ice::ConnectionState;
  using D = dtls::State;
  if (ice == I::kFailed || dtls == D::kFailed) return PeerConnectionState::kFailed;
  if (ice == I::kDisconnected) return PeerConnectionState::kDisconnected;
  if ((ice == I::kNew || ice == I::kClosed) && (dtls == D::kNew || dtls == D::kClosed)) {
    return PeerConnectionState::kNew;
  }
  if (ice == I::kNew || ice == I::kChecking || dtls == D::kNew || dtls == D::kConnecting) {
    return PeerConnectionState::kConnecting;
  }
  return PeerConnectionState::kConnected;
}

datachannel::ChannelInit ToChannelInit(const DataChannelInit& init) {
  datachannel::ChannelInit out;
  out.ordered = init.ordered;
  out.max_retransmits = init.max_retransmits;
  if (init.max_packet_life_time) {
    out.max_packet_lifetime = TimeDelta::Millis(*init.max_packet_life_time);
  }
  out.protocol = init.protocol;
  out.negotiated = init.negotiated;
  out.id = init.id;
  switch (init.priority) {
    case DataChannelPriority::kVeryLow:
      out.priority = dcep::Priority::kVeryLow;
      break;
    case DataChannelPriority::kLow:
      out.priority = dcep::Priority::kLow;
      break;
    case DataChannelPriority::kMedium:
      out.priority = dcep::Priority::kMedium;
      break;
    case DataChannelPriority::kHigh:
      out.priority = dcep::Priority::kHigh;
      break;
  }
  return out;
}

// RTCConfiguration.iceServers into the agent's STUN and TURN servers (webrtc-pc §4.4.1.6 step
// "validate the ICE servers": SyntaxError for a bad URL, InvalidAccessError for TURN without
// credentials).
Result<void> AddIceServers(const Configuration& configuration, ice::AgentConfig& ice) {
  for (const IceServer& server : configuration.ice_servers) {
    for (const std::string& url : server.urls) {
      auto uri = ice::ParseServerUri(url);
      if (!uri.ok()) return uri.error();
      if (uri->is_turn() && (server.username.empty() || server.credential.empty())) {
        return InvalidAccessError("iceServers: " + url + " needs a username and a credential");
      }
      auto ip = ResolveHost(uri->host);
      if (!ip) return OperationError("iceServers: cannot resolve " + uri->host);
      const SocketAddress address(*ip, uri->port);
      if (uri->is_turn()) {
        ice.turn_servers.push_back(
            ice::MakeTurnServerConfig(*uri, address, server.username, server.credential));
      } else {
        ice.stun_servers.push_back(address);
      }
    }
  }
  return Ok();
}

Result<std::vector<SocketAddress>> LocalSockets(const Configuration& configuration) {
  std::vector<SocketAddress> sockets;
  if (configuration.ice_addresses.empty()) {
    for (const IpAddress& ip : LocalInterfaceAddresses())
      sockets.emplace_back(ip, 0);
    return sockets;
  }
  for (const std::string& text : configuration.ice_addresses) {
    auto ip = IpAddress::Parse(text);
    if (!ip) return SyntaxError("ice_addresses: '" + text + "' is not an IP address");
    sockets.emplace_back(*ip, 0);
  }
  return sockets;
}

}  // namespace

// ---- Creation and teardown ----

Result<std::shared_ptr<PeerConnection>> PeerConnection::Create(Configuration configuration,
                                                               Callbacks callbacks) {
  return PeerConnectionImpl::Create(std::move(configuration), std::move(callbacks));
}

Result<std::shared_ptr<PeerConnection>> PeerConnectionImpl::Create(Configuration configuration,
                                                                   Callbacks callbacks) {
  if (configuration.certificates.size() > 1) {
    return InvalidAccessError("certificates: at most one certificate is supported");
  }
  dtls::Certificate certificate;
  if (configuration.certificates.empty()) {
    auto generated = dtls::Certificate::Generate();
    if (!generated.ok()) return generated.error();
    certificate = std::move(generated).value();
  } else {
    certificate = configuration.certificates.front().impl()->certificate;
  }
  session::SecureTransportConfig config;
  config.certificate = certificate;
  config.ice.policy = configuration.ice_transport_policy == IceTransportPolicy::kRelay
                          ? ice::TransportPolicy::kRelay
                          : ice::TransportPolicy::kAll;
  if (auto servers = AddIceServers(configuration, config.ice); !servers.ok()) {
    return servers.error();
  }
  auto sockets = LocalSockets(configuration);
  if (!sockets.ok()) return sockets.error();
  config.ice.local_sockets = std::move(sockets).value();
  config.data_channel.association.max_message_size = configuration.max_message_size;
  config.data_channel.association.streams = configuration.data_channel_streams;

  std::shared_ptr<PeerConnectionImpl> pc(
      new PeerConnectionImpl(SharedRuntime(), std::move(configuration), std::move(callbacks)));
  if (auto initialized = pc->Init(std::move(certificate), std::move(config)); !initialized.ok()) {
    return initialized.error();
  }
  return std::shared_ptr<PeerConnection>(std::move(pc));
}

PeerConnectionImpl::PeerConnectionImpl(std::shared_ptr<Runtime> runtime,
                                       Configuration configuration, Callbacks callbacks)
    : runtime_(std::move(runtime)),
      configuration_(std::move(configuration)),
      callbacks_(std::move(callbacks)) {}

Result<void> PeerConnectionImpl::Init(dtls::Certificate certificate,
                                      session::SecureTransportConfig config) {
  certificate_ = std::move(certificate);
  std::weak_ptr<PeerConnectionImpl> weak = weak_from_this();
  auto on = [weak](auto method) {
    return [weak, method](auto&&... args) {
      if (auto self = weak.lock(); self && !self->closed_.load()) {
        ((*self).*method)(std::forward<decltype(args)>(args)...);
      }
    };
  };
  DtlsTransport::Callbacks transport_callbacks;
  transport_callbacks.on_candidate = on(&PeerConnectionImpl::OnLocalCandidate);
  transport_callbacks.on_gathering_state = on(&PeerConnectionImpl::OnGatheringState);
  transport_callbacks.on_ice_state = on(&PeerConnectionImpl::OnIceState);
  transport_callbacks.on_dtls_state = on(&PeerConnectionImpl::OnDtlsState);
  transport_callbacks.on_data_channel = on(&PeerConnectionImpl::OnDataChannel);
  auto transport = DtlsTransport::Create(*runtime_, std::move(config), transport_callbacks);
  if (!transport.ok()) return transport.error();
  transport_ = std::move(transport).value();

  jsep::Config negotiation;
  negotiation.local_credentials = transport_->local_credentials();
  negotiation.local_fingerprints = {transport_->local_fingerprint()};
  negotiation.bundle_policy =
      configuration_.bundle_policy == BundlePolicy::kMaxCompat   ? jsep::BundlePolicy::kMaxCompat
      : configuration_.bundle_policy == BundlePolicy::kMaxBundle ? jsep::BundlePolicy::kMaxBundle
                                                                 : jsep::BundlePolicy::kBalanced;
  negotiation.max_message_size = configuration_.max_message_size;
  negotiator_ =
      std::make_unique<jsep::Negotiator>(std::move(negotiation), CryptoRandom::Instance());
  return Ok();
}

PeerConnectionImpl::~PeerConnectionImpl() {
  closed_ = true;
  // DtlsTransport's destructor sends close_notify and releases TURN allocations on the network
  // thread; allowed from any thread but that one, including from inside our own callbacks.
  transport_.reset();
}

void PeerConnectionImpl::Close() {
  if (closed_.exchange(true)) return;
  {
    std::lock_guard lock(mutex_);
    snapshot_.signaling = SignalingState::kClosed;
    snapshot_.ice = IceConnectionState::kClosed;
    snapshot_.connection = PeerConnectionState::kClosed;
  }
  // Thread-safe: posts to the network thread and returns.
  if (transport_) transport_->Close();
  Run([](PeerConnectionImpl& self) {
    self.negotiator_->Close();
    for (const auto& weak : self.data_channels_) {
      if (auto channel = weak.lock()) channel->Close();
    }
  });
}

// ---- Threads ----

void PeerConnectionImpl::Run(std::function<void(PeerConnectionImpl&)> task) {
  if (runtime_->callbacks().IsCurrent()) {
    task(*this);
    return;
  }
  runtime_->callbacks().Post([weak = weak_from_this(), task = std::move(task)] {
    if (auto self = weak.lock()) task(*self);
  });
}

template <typename T>
Result<T> PeerConnectionImpl::RunAndWait(std::function<Result<T>(PeerConnectionImpl&)> task) {
  if (runtime_->callbacks().IsCurrent()) return task(*this);
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  runtime_->callbacks().Post([self = shared_from_this(), task = std::move(task), promise] {
    promise->set_value(task(*self));
  });
  try {
    return future.get();
  } catch (const std::future_error&) {
    return InvalidStateError("the runtime is shutting down");
  }
}

void PeerConnectionImpl::Emit(std::function<void(const Callbacks&)> event) {
  runtime_->callbacks().Post([weak = weak_from_this(), event = std::move(event)] {
    auto self = weak.lock();
    if (self && !self->closed_.load()) event(self->callbacks_);
  });
}

Result<void> PeerConnectionImpl::RunAndWaitVoid(
    std::function<Result<void>(PeerConnectionImpl&)> task) {
  auto done = RunAndWait<std::monostate>(
      [task = std::move(task)](PeerConnectionImpl& self) -> Result<std::monostate> {
        if (auto result = task(self); !result.ok()) return result.error();
        return std::monostate{};
      });
  if (!done.ok()) return done.error();
  return Ok();
}

template <typename T>
void PeerConnectionImpl::Complete(Completion<T> done, Result<T> result) {
  if (!done) return;
  // After the events the operation caused (they were posted first).
  runtime_->callbacks().Post(
      [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
}

// ---- Offer/answer ----

void PeerConnectionImpl::CreateOffer(OfferOptions options, Completion<SessionDescription> done) {
  Run([options, done = std::move(done)](PeerConnectionImpl& self) mutable {
    self.Complete(std::move(done), self.DoCreateOffer(options));
  });
}

void PeerConnectionImpl::CreateAnswer(Completion<SessionDescription> done) {
  Run([done = std::move(done)](PeerConnectionImpl& self) mutable {
    self.Complete(std::move(done), self.DoCreateAnswer());
  });
}

void PeerConnectionImpl::SetLocalDescription(std::optional<SessionDescription> description,
                                             Completion<void> done) {
  Run([description = std::move(description),
       done = std::move(done)](PeerConnectionImpl& self) mutable {
    self.Complete(std::move(done), self.DoSetLocalDescription(description));
  });
}

void PeerConnectionImpl::SetRemoteDescription(SessionDescription description,
                                              Completion<void> done) {
  Run([description = std::move(description),
       done = std::move(done)](PeerConnectionImpl& self) mutable {
    self.Complete(std::move(done), self.DoSetRemoteDescription(description));
  });
}

void PeerConnectionImpl::AddIceCandidate(IceCandidate candidate, Completion<void> done) {
  Run([candidate = std::move(candidate), done = std::move(done)](PeerConnectionImpl& self) mutable {
    if (!self.closed_.load() && !self.negotiator_->remote_description()) {
      // Queued until the remote description exists (trickled candidates can overtake it).
      self.early_candidates_.emplace_back(std::move(candidate), std::move(done));
      return;
    }
    self.Complete(std::move(done), self.DoAddIceCandidate(candidate));
  });
}

void PeerConnectionImpl::RestartIce() {
  Run([](PeerConnectionImpl& self) {
    if (self.closed_.load()) return;
    self.negotiator_->RestartIce(ice::GenerateCredentials(CryptoRandom::Instance()));
    self.UpdateNegotiationNeeded();
  });
}

Result<SessionDescription> PeerConnectionImpl::DoCreateOffer(const OfferOptions& options) {
  if (closed_.load()) return InvalidStateError("createOffer: the peer connection is closed");
  jsep::OfferOptions offer_options;
  offer_options.ice_restart = options.ice_restart;
  auto sdp = negotiator_->CreateOffer(offer_options);
  if (!sdp.ok()) return sdp.error();
  return SessionDescription{SdpType::kOffer, std::move(sdp).value()};
}

Result<SessionDescription> PeerConnectionImpl::DoCreateAnswer() {
  if (closed_.load()) return InvalidStateError("createAnswer: the peer connection is closed");
  auto sdp = negotiator_->CreateAnswer();
  if (!sdp.ok()) return sdp.error();
  return SessionDescription{SdpType::kAnswer, std::move(sdp).value()};
}

Result<void> PeerConnectionImpl::DoSetLocalDescription(
    const std::optional<SessionDescription>& description) {
  if (closed_.load())
    return InvalidStateError("setLocalDescription: the peer connection is closed");
  jsep::SdpType type;
  std::string sdp;
  if (description) {
    type = ToJsep(description->type);
    sdp = description->sdp;
  } else {
    const jsep::SignalingState state = negotiator_->signaling_state();
    type = state == jsep::SignalingState::kHaveRemoteOffer ||
                   state == jsep::SignalingState::kHaveLocalPranswer
               ? jsep::SdpType::kAnswer
               : jsep::SdpType::kOffer;
  }
  auto applied = negotiator_->SetLocalDescription(type, sdp);
  if (!applied.ok()) return applied.error();
  ApplyTransportChanges(*applied, /*local=*/true);
  AfterNegotiationStep(*applied);
  return Ok();
}

Result<void> PeerConnectionImpl::DoSetRemoteDescription(const SessionDescription& description) {
  if (closed_.load()) {
    return InvalidStateError("setRemoteDescription: the peer connection is closed");
  }
  auto applied = negotiator_->SetRemoteDescription(ToJsep(description.type), description.sdp);
  if (!applied.ok()) return applied.error();
  ApplyTransportChanges(*applied, /*local=*/false);
  AfterNegotiationStep(*applied);
  // Candidates that arrived before this description.
  if (negotiator_->remote_description()) {
    auto early = std::move(early_candidates_);
    early_candidates_.clear();
    for (auto& [candidate, done] : early)
      Complete(std::move(done), DoAddIceCandidate(candidate));
  }
  return Ok();
}

Result<void> PeerConnectionImpl::DoAddIceCandidate(const IceCandidate& candidate) {
  if (closed_.load()) return InvalidStateError("addIceCandidate: the peer connection is closed");
  auto added =
      negotiator_->AddRemoteCandidate(candidate.candidate, candidate.sdp_mid,
                                      candidate.sdp_mline_index, candidate.username_fragment);
  if (!added.ok()) return added.error();
  if (added->has_value()) {
    transport_->AddRemoteCandidate(**added);
  } else if (candidate.candidate.empty()) {
    transport_->EndOfRemoteCandidates();
  }
  SnapshotDescriptions();
  return Ok();
}

void PeerConnectionImpl::ApplyTransportChanges(const jsep::Applied& applied, bool local) {
  if (applied.ice_role && !ice_role_set_) {
    transport_->SetIceRole(*applied.ice_role);
    ice_role_set_ = true;
  }
  if (applied.local_ice_restart && applied.local_credentials) {
    // Our new ufrag/pwd took effect (RFC 8445 §9): a new check list, candidates trickled again.
    if (auto restarted = transport_->RestartIce(*applied.local_credentials); !restarted.ok()) {
      PARLEY_LOG(kWarning, "pc") << "ICE restart: " << restarted.error();
    }
  }
  if (local && !gathering_started_) {
    // webrtc-pc §4.4.1.5: gathering starts with the first setLocalDescription.
    transport_->Start();
    gathering_started_ = true;
  }
  if (applied.remote_transport) {
    const jsep::TransportParameters& remote = *applied.remote_transport;
    if (!remote_credentials_ || remote_credentials_->ufrag != remote.remote_credentials.ufrag ||
        remote_credentials_->pwd != remote.remote_credentials.pwd) {
      remote_credentials_ = remote.remote_credentials;
      if (auto set = transport_->SetRemoteCredentials(remote.remote_credentials); !set.ok()) {
        PARLEY_LOG(kWarning, "pc") << "remote ICE credentials: " << set.error();
      }
    }
    for (const ice::Candidate& candidate : remote.remote_candidates) {
      transport_->AddRemoteCandidate(candidate);
    }
    if (remote.end_of_candidates) transport_->EndOfRemoteCandidates();
    if (remote.remote_fingerprints != remote_fingerprints_) {
      remote_fingerprints_ = remote.remote_fingerprints;
      if (dtls_started_) {
        if (auto set = transport_->SetRemoteFingerprints(remote_fingerprints_); !set.ok()) {
          PARLEY_LOG(kWarning, "pc") << "remote fingerprints: " << set.error();
        }
      }
    }
  }
  if (applied.sctp && !dtls_started_) {
    transport_->SetRemoteSctpParameters(applied.sctp->remote_port,
                                        applied.sctp->remote_max_message_size);
  }
  if (applied.dtls_role && !dtls_started_) {
    if (auto started = transport_->StartDtls(*applied.dtls_role, remote_fingerprints_);
        !started.ok()) {
      PARLEY_LOG(kWarning, "pc") << "DTLS: " << started.error();
    } else {
      dtls_started_ = true;
    }
  }
}

void PeerConnectionImpl::AfterNegotiationStep(const jsep::Applied& applied) {
  SyncTransceivers();
  SnapshotDescriptions();
  SetSignalingState(ToPublic(applied.signaling_state));
  for (jsep::TransceiverId id : applied.new_remote_tracks) {
    auto transceiver = FindTransceiver(id);
    if (!transceiver) continue;
    std::vector<std::string> stream_ids;
    for (const jsep::Transceiver& state : negotiator_->transceivers()) {
      if (state.id == id) stream_ids = state.remote_stream_ids;
    }
    TrackEvent event{transceiver, transceiver->receiver_track(), std::move(stream_ids)};
    Emit([event](const Callbacks& callbacks) {
      if (callbacks.on_track) callbacks.on_track(event);
    });
  }
  if (applied.signaling_state == jsep::SignalingState::kStable) UpdateNegotiationNeeded();
}

void PeerConnectionImpl::SyncTransceivers() {
  std::lock_guard lock(mutex_);
  for (const jsep::Transceiver& state : negotiator_->transceivers()) {
    std::shared_ptr<TransceiverImpl> found;
    for (const auto& transceiver : transceivers_) {
      if (transceiver->jsep_id() == state.id) found = transceiver;
    }
    if (!found) {
      // Created by a remote offer (webrtc-pc §4.4.1.6 "process remote tracks").
      found = std::make_shared<TransceiverImpl>(
          state.id, ToPublic(state.kind),
          std::weak_ptr<TransceiverControl>(
              std::static_pointer_cast<TransceiverControl>(shared_from_this())),
          nullptr);
      transceivers_.push_back(found);
    }
    found->Refresh(state);
  }
  // Transceivers a rollback removed.
  std::erase_if(transceivers_, [&](const std::shared_ptr<TransceiverImpl>& transceiver) {
    for (const jsep::Transceiver& state : negotiator_->transceivers()) {
      if (state.id == transceiver->jsep_id()) return false;
    }
    return true;
  });
}

std::shared_ptr<TransceiverImpl> PeerConnectionImpl::FindTransceiver(jsep::TransceiverId id) const {
  std::lock_guard lock(mutex_);
  for (const auto& transceiver : transceivers_) {
    if (transceiver->jsep_id() == id) return transceiver;
  }
  return nullptr;
}

void PeerConnectionImpl::UpdateNegotiationNeeded() {
  if (closed_.load()) return;
  const bool needed = negotiator_->negotiation_needed();
  // webrtc-pc §4.7.3: fire only when the flag goes up, in stable.
  if (needed && !negotiation_needed_ &&
      negotiator_->signaling_state() == jsep::SignalingState::kStable) {
    negotiation_needed_ = true;
    Emit([](const Callbacks& callbacks) {
      if (callbacks.on_negotiation_needed) callbacks.on_negotiation_needed();
    });
    return;
  }
  if (!needed) negotiation_needed_ = false;
}

void PeerConnectionImpl::SetSignalingState(SignalingState state) {
  {
    std::lock_guard lock(mutex_);
    if (snapshot_.signaling == state) return;
    snapshot_.signaling = state;
  }
  Emit([state](const Callbacks& callbacks) {
    if (callbacks.on_signaling_state_change) callbacks.on_signaling_state_change(state);
  });
}

void PeerConnectionImpl::SnapshotDescriptions() {
  Snapshot update;
  update.current_local = ToPublic(negotiator_->current_local_description());
  update.pending_local = ToPublic(negotiator_->pending_local_description());
  update.current_remote = ToPublic(negotiator_->current_remote_description());
  update.pending_remote = ToPublic(negotiator_->pending_remote_description());
  std::lock_guard lock(mutex_);
  snapshot_.current_local = std::move(update.current_local);
  snapshot_.pending_local = std::move(update.pending_local);
  snapshot_.current_remote = std::move(update.current_remote);
  snapshot_.pending_remote = std::move(update.pending_remote);
}

// ---- Channels and transceivers ----

Result<std::shared_ptr<DataChannel>> PeerConnectionImpl::CreateDataChannel(std::string label,
                                                                           DataChannelInit init) {
  return RunAndWait<std::shared_ptr<DataChannel>>(
      [label = std::move(label),
       init](PeerConnectionImpl& self) -> Result<std::shared_ptr<DataChannel>> {
        if (self.closed_.load()) {
          return InvalidStateError("createDataChannel: the peer connection is closed");
        }
        if (init.max_packet_life_time && init.max_retransmits) {
          return TypeError("createDataChannel: maxPacketLifeTime and maxRetransmits both set");
        }
        auto channel = self.transport_->CreateDataChannel(label, ToChannelInit(init));
        if (!channel.ok()) return channel.error();
        self.data_channels_.push_back(*channel);
        self.negotiator_->RequestDataChannel();
        self.UpdateNegotiationNeeded();
        return std::shared_ptr<DataChannel>(std::move(channel).value());
      });
}

Result<std::shared_ptr<RtpTransceiver>> PeerConnectionImpl::DoAddTransceiver(
    MediaKind kind, std::shared_ptr<MediaStreamTrack> track, TransceiverInit init) {
  if (closed_.load()) return InvalidStateError("addTransceiver: the peer connection is closed");
  if (init.direction == TransceiverDirection::kStopped) {
    return TypeError("addTransceiver: direction 'stopped' is not allowed");
  }
  jsep::TransceiverInit jsep_init;
  jsep_init.direction = ToJsep(init.direction);
  jsep_init.stream_ids = init.stream_ids;
  if (track) jsep_init.track_id = track->id();
  const jsep::TransceiverId id = negotiator_->AddTransceiver(
      kind == MediaKind::kAudio ? jsep::MediaKind::kAudio : jsep::MediaKind::kVideo, jsep_init);
  auto transceiver = std::make_shared<TransceiverImpl>(
      id, kind,
      std::weak_ptr<TransceiverControl>(
          std::static_pointer_cast<TransceiverControl>(shared_from_this())),
      std::move(track));
  {
    std::lock_guard lock(mutex_);
    transceivers_.push_back(transceiver);
  }
  SyncTransceivers();
  UpdateNegotiationNeeded();
  return std::shared_ptr<RtpTransceiver>(transceiver);
}

Result<std::shared_ptr<RtpTransceiver>> PeerConnectionImpl::AddTrack(
    std::shared_ptr<MediaStreamTrack> track, std::vector<std::string> stream_ids) {
  if (!track) return TypeError("addTrack: no track");
  return RunAndWait<std::shared_ptr<RtpTransceiver>>(
      [track, stream_ids](PeerConnectionImpl& self) -> Result<std::shared_ptr<RtpTransceiver>> {
        if (self.closed_.load()) {
          return InvalidStateError("addTrack: the peer connection is closed");
        }
        std::shared_ptr<TransceiverImpl> reusable;
        {
          std::lock_guard lock(self.mutex_);
          for (const auto& transceiver : self.transceivers_) {
            if (transceiver->sender_track() == track) {
              return InvalidAccessError("addTrack: track " + track->id() + " already has a sender");
            }
          }
          // webrtc-pc §4.4.4 addTrack: reuse a transceiver of the kind that never sent (one a
          // remote offer created).
          for (const auto& transceiver : self.transceivers_) {
            if (!reusable && transceiver->kind() == track->kind() && !transceiver->sender_track() &&
                transceiver->direction() != TransceiverDirection::kStopped) {
              reusable = transceiver;
            }
          }
        }
        if (!reusable) {
          TransceiverInit init;
          init.stream_ids = stream_ids;
          return self.DoAddTransceiver(track->kind(), track, init);
        }
        if (auto set =
                self.negotiator_->SetSenderTrack(reusable->jsep_id(), track->id(), stream_ids);
            !set.ok()) {
          return set.error();
        }
        const TransceiverDirection direction = reusable->direction();
        const TransceiverDirection sending =
            direction == TransceiverDirection::kRecvOnly   ? TransceiverDirection::kSendRecv
            : direction == TransceiverDirection::kInactive ? TransceiverDirection::kSendOnly
                                                           : direction;
        if (auto set = self.negotiator_->SetDirection(reusable->jsep_id(), ToJsep(sending));
            !set.ok()) {
          return set.error();
        }
        reusable->SetSenderTrack(track);
        self.SyncTransceivers();
        self.UpdateNegotiationNeeded();
        return std::shared_ptr<RtpTransceiver>(reusable);
      });
}

Result<std::shared_ptr<RtpTransceiver>> PeerConnectionImpl::AddTransceiver(MediaKind kind,
                                                                           TransceiverInit init) {
  return RunAndWait<std::shared_ptr<RtpTransceiver>>([kind, init](PeerConnectionImpl& self) {
    return self.DoAddTransceiver(kind, nullptr, init);
  });
}

Result<std::shared_ptr<RtpTransceiver>> PeerConnectionImpl::AddTransceiver(
    std::shared_ptr<MediaStreamTrack> track, TransceiverInit init) {
  if (!track) return TypeError("addTransceiver: no track");
  return RunAndWait<std::shared_ptr<RtpTransceiver>>([track, init](PeerConnectionImpl& self) {
    return self.DoAddTransceiver(track->kind(), track, init);
  });
}

Result<void> PeerConnectionImpl::RemoveTrack(const std::shared_ptr<RtpTransceiver>& transceiver) {
  auto impl = std::dynamic_pointer_cast<TransceiverImpl>(transceiver);
  if (!impl) return InvalidAccessError("removeTrack: not a transceiver of this connection");
  return RunAndWaitVoid([impl](PeerConnectionImpl& self) -> Result<void> {
    if (self.closed_.load()) {
      return InvalidStateError("removeTrack: the peer connection is closed");
    }
    if (!self.FindTransceiver(impl->jsep_id())) {
      return InvalidAccessError("removeTrack: not a transceiver of this connection");
    }
    if (!impl->sender_track()) return Ok();
    if (auto set = self.negotiator_->SetSenderTrack(impl->jsep_id(), std::nullopt, {}); !set.ok()) {
      return set.error();
    }
    // webrtc-pc §4.4.4 removeTrack: the direction loses "send".
    const TransceiverDirection direction = impl->direction();
    const TransceiverDirection receiving =
        direction == TransceiverDirection::kSendRecv   ? TransceiverDirection::kRecvOnly
        : direction == TransceiverDirection::kSendOnly ? TransceiverDirection::kInactive
                                                       : direction;
    if (receiving != direction) {
      if (auto set = self.negotiator_->SetDirection(impl->jsep_id(), ToJsep(receiving));
          !set.ok()) {
        return set.error();
      }
    }
    impl->SetSenderTrack(nullptr);
    self.SyncTransceivers();
    self.UpdateNegotiationNeeded();
    return Ok();
  });
}

std::vector<std::shared_ptr<RtpTransceiver>> PeerConnectionImpl::GetTransceivers() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<RtpTransceiver>> live;
  for (const auto& transceiver : transceivers_) {
    if (!transceiver->stopped()) live.push_back(transceiver);
  }
  return live;
}

Result<void> PeerConnectionImpl::SetTransceiverDirection(jsep::TransceiverId id,
                                                         TransceiverDirection direction) {
  if (direction == TransceiverDirection::kStopped) {
    return TypeError("direction: 'stopped' cannot be set; use stop()");
  }
  return RunAndWaitVoid([id, direction](PeerConnectionImpl& self) -> Result<void> {
    if (self.closed_.load()) {
      return InvalidStateError("direction: the peer connection is closed");
    }
    if (auto r = self.negotiator_->SetDirection(id, ToJsep(direction)); !r.ok()) {
      return r.error();
    }
    self.SyncTransceivers();
    self.UpdateNegotiationNeeded();
    return Ok();
  });
}

Result<void> PeerConnectionImpl::StopTransceiver(jsep::TransceiverId id) {
  return RunAndWaitVoid([id](PeerConnectionImpl& self) -> Result<void> {
    if (self.closed_.load()) return InvalidStateError("stop: the peer connection is closed");
    if (auto r = self.negotiator_->StopTransceiver(id); !r.ok()) return r.error();
    self.SyncTransceivers();
    self.UpdateNegotiationNeeded();
    return Ok();
  });
}

Result<void> PeerConnectionImpl::SetTransceiverCodecs(jsep::TransceiverId id,
                                                      std::vector<RtpCodec> codecs) {
  return RunAndWaitVoid([id, codecs = std::move(codecs)](PeerConnectionImpl& self) -> Result<void> {
    std::vector<jsep::CodecCapability> preferred;
    for (const RtpCodec& codec : codecs) {
      const size_t slash = codec.mime_type.find('/');
      jsep::CodecCapability capability;
      capability.name =
          slash == std::string::npos ? codec.mime_type : codec.mime_type.substr(slash + 1);
      capability.clock_rate = codec.clock_rate;
      capability.channels = codec.channels;
      preferred.push_back(std::move(capability));
    }
    if (auto r = self.negotiator_->SetCodecPreferences(id, std::move(preferred)); !r.ok()) {
      return r.error();
    }
    self.UpdateNegotiationNeeded();
    return Ok();
  });
}

// ---- Transport events ----

void PeerConnectionImpl::OnLocalCandidate(const ice::Candidate& candidate) {
  auto location = negotiator_->AddLocalCandidate(candidate);
  if (!location) return;
  SnapshotDescriptions();
  IceCandidate signalled{candidate.ToString(), location->mid, location->mline_index,
                         transport_->local_credentials().ufrag};
  Emit([signalled](const Callbacks& callbacks) {
    if (callbacks.on_ice_candidate) callbacks.on_ice_candidate(signalled);
  });
}

void PeerConnectionImpl::OnGatheringState(ice::GatheringState state) {
  const IceGatheringState public_state =
      state == ice::GatheringState::kNew         ? IceGatheringState::kNew
      : state == ice::GatheringState::kGathering ? IceGatheringState::kGathering
                                                 : IceGatheringState::kComplete;
  {
    std::lock_guard lock(mutex_);
    if (snapshot_.gathering == public_state) return;
    snapshot_.gathering = public_state;
  }
  Emit([public_state](const Callbacks& callbacks) {
    if (callbacks.on_ice_gathering_state_change) {
      callbacks.on_ice_gathering_state_change(public_state);
    }
  });
  if (public_state == IceGatheringState::kComplete) {
    negotiator_->SetLocalEndOfCandidates();
    SnapshotDescriptions();
    // webrtc-pc §5.6: the null candidate says gathering is over.
    Emit([](const Callbacks& callbacks) {
      if (callbacks.on_ice_candidate) callbacks.on_ice_candidate(std::nullopt);
    });
  }
}

void PeerConnectionImpl::OnIceState(ice::ConnectionState state) {
  ice_state_ = state;
  const IceConnectionState public_state = ToPublic(state);
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    if (snapshot_.ice != public_state) {
      snapshot_.ice = public_state;
      changed = true;
    }
  }
  if (changed) {
    Emit([public_state](const Callbacks& callbacks) {
      if (callbacks.on_ice_connection_state_change) {
        callbacks.on_ice_connection_state_change(public_state);
      }
    });
  }
  UpdateConnectionState();
}

void PeerConnectionImpl::OnDtlsState(dtls::State state, const std::string& reason) {
  dtls_state_ = state;
  if (state == dtls::State::kFailed) PARLEY_LOG(kWarning, "pc") << "DTLS failed: " << reason;
  UpdateConnectionState();
}

void PeerConnectionImpl::UpdateConnectionState() {
  const PeerConnectionState state = ComputeConnectionState(ice_state_, dtls_state_);
  {
    std::lock_guard lock(mutex_);
    if (snapshot_.connection == state) return;
    snapshot_.connection = state;
  }
  Emit([state](const Callbacks& callbacks) {
    if (callbacks.on_connection_state_change) callbacks.on_connection_state_change(state);
  });
}

void PeerConnectionImpl::OnDataChannel(std::shared_ptr<SctpDataChannel> channel) {
  data_channels_.push_back(channel);
  // Delivered synchronously (we already run on the callback thread, after the transport's
  // event): the user's on_data_channel sets the channel's callbacks before its messages follow.
  if (callbacks_.on_data_channel) callbacks_.on_data_channel(std::move(channel));
}

// ---- Stats and getters ----

void PeerConnectionImpl::GetStats(Completion<StatsReport> done) {
  Run([done = std::move(done)](PeerConnectionImpl& self) mutable {
    if (self.closed_.load() && !self.transport_) {
      self.Complete(std::move(done), Result<StatsReport>(InvalidStateError("closed")));
      return;
    }
    self.Complete(std::move(done), Result<StatsReport>(self.BuildStats()));
  });
}

StatsReport PeerConnectionImpl::BuildStats() {
  StatsInputs inputs;
  inputs.transport = transport_->GetStats();
  inputs.local_certificate = certificate_;
  inputs.remote_fingerprints = remote_fingerprints_;
  if (const auto& channels = inputs.transport.transport.data_channels) {
    inputs.data_channels_opened = channels->channels_opened;
    inputs.data_channels_closed = channels->channels_closed;
  }
  return CollectStats(inputs);
}

SignalingState PeerConnectionImpl::signaling_state() const {
  std::lock_guard lock(mutex_);
  return snapshot_.signaling;
}
IceGatheringState PeerConnectionImpl::ice_gathering_state() const {
  std::lock_guard lock(mutex_);
  return snapshot_.gathering;
}
IceConnectionState PeerConnectionImpl::ice_connection_state() const {
  std::lock_guard lock(mutex_);
  return snapshot_.ice;
}
PeerConnectionState PeerConnectionImpl::connection_state() const {
  std::lock_guard lock(mutex_);
  return snapshot_.connection;
}
std::optional<SessionDescription> PeerConnectionImpl::local_description() const {
  std::lock_guard lock(mutex_);
  return snapshot_.pending_local ? snapshot_.pending_local : snapshot_.current_local;
}
std::optional<SessionDescription> PeerConnectionImpl::remote_description() const {
  std::lock_guard lock(mutex_);
  return snapshot_.pending_remote ? snapshot_.pending_remote : snapshot_.current_remote;
}
std::optional<SessionDescription> PeerConnectionImpl::current_local_description() const {
  std::lock_guard lock(mutex_);
  return snapshot_.current_local;
}
std::optional<SessionDescription> PeerConnectionImpl::pending_local_description() const {
  std::lock_guard lock(mutex_);
  return snapshot_.pending_local;
}
std::optional<SessionDescription> PeerConnectionImpl::current_remote_description() const {
  std::lock_guard lock(mutex_);
  return snapshot_.current_remote;
}
std::optional<SessionDescription> PeerConnectionImpl::pending_remote_description() const {
  std::lock_guard lock(mutex_);
  return snapshot_.pending_remote;
}

}  // namespace parley
