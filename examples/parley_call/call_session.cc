#include "parley_call/call_session.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <future>
#include <utility>

#include "parley/log.h"
#include "parley_call/ping_messages.h"

namespace parley::examples {
namespace {

constexpr auto kPingInterval = std::chrono::milliseconds(500);
constexpr auto kStatusInterval = std::chrono::seconds(1);
// getStats() answers within milliseconds; this only bounds a wedged callback thread.
constexpr auto kStatsWait = std::chrono::seconds(2);
// After the connection closes or fails, how long the peer's bye may take to arrive through the
// signaling server before we call it a lost connection (a peer that hangs up sends bye first,
// then closes, and its DTLS close_notify can overtake the bye).
constexpr auto kByeGrace = std::chrono::seconds(1);
constexpr auto kMaxSignalingConnectWait = std::chrono::seconds(10);
constexpr const char kChannelLabel[] = "chat";

std::chrono::steady_clock::duration Seconds(double seconds) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(seconds));
}

const char* SignalName(int signal_number) {
  switch (signal_number) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "a signal";
  }
}

}  // namespace

std::shared_ptr<CallSession> CallSession::Create(CallOptions options, bool terminal) {
  return std::shared_ptr<CallSession>(new CallSession(std::move(options), terminal));
}

CallSession::CallSession(CallOptions options, bool terminal)
    : options_(std::move(options)), console_(terminal), started_at_(Clock::now()) {}

int CallSession::Run() {
  // The PeerConnection exists before signaling connects: parley-signal hands over what waited
  // in the room (an offer, candidates) as soon as we join.
  if (CreatePeerConnection() && ConnectSignaling() &&
      (options_.role == CallRole::kAnswer || StartOffer())) {
    RunUntilEnd();
  }
  return Finish();
}

void CallSession::Interrupt(int signal_number) {
  EndCall(EndReason::kInterrupted, std::string("interrupted by ") + SignalName(signal_number));
}

bool CallSession::CreatePeerConnection() {
  std::weak_ptr<CallSession> weak = weak_from_this();
  // Each callback holds the session weakly: the PeerConnection must not keep it alive.
  auto bind = [weak](auto method) {
    return [weak, method](const auto&... args) {
      if (std::shared_ptr<CallSession> self = weak.lock()) ((*self).*method)(args...);
    };
  };
  PeerConnection::Callbacks callbacks;
  callbacks.on_ice_candidate = bind(&CallSession::OnLocalCandidate);
  callbacks.on_connection_state_change = bind(&CallSession::OnConnectionState);
  callbacks.on_data_channel = bind(&CallSession::OnIncomingChannel);
  if (options_.verbose) {
    SetMinLogLevel(LogLevel::kInfo);
    callbacks.on_ice_connection_state_change = [weak](IceConnectionState state) {
      if (std::shared_ptr<CallSession> self = weak.lock()) {
        self->console_.Note("ICE connection state: " + std::string(ToString(state)));
      }
    };
  }

  Result<std::shared_ptr<PeerConnection>> created =
      PeerConnection::Create(ToConfiguration(options_), std::move(callbacks));
  if (!created.ok()) {
    EndCall(EndReason::kError, "cannot create the PeerConnection: " + created.error().ToString());
    return false;
  }
  std::lock_guard lock(mutex_);
  pc_ = std::move(created).value();
  return true;
}

bool CallSession::ConnectSignaling() {
  std::weak_ptr<CallSession> weak = weak_from_this();
  SignalingClient::Callbacks callbacks;
  callbacks.on_message = [weak](std::string text) {
    if (std::shared_ptr<CallSession> self = weak.lock()) self->OnSignalingMessage(text);
  };
  callbacks.on_closed = [weak](std::string reason) {
    if (std::shared_ptr<CallSession> self = weak.lock()) self->OnSignalingClosed(reason);
  };
  const auto wait = std::min<Clock::duration>(Seconds(options_.connect_timeout_seconds),
                                              kMaxSignalingConnectWait);
  std::string error;
  std::unique_ptr<SignalingClient> client =
      SignalingClient::Connect(options_.signaling_url, std::move(callbacks),
                               std::chrono::duration_cast<std::chrono::milliseconds>(wait), &error);
  if (client == nullptr) {
    EndCall(EndReason::kSignalingFailed, "cannot reach the signaling server: " + error);
    return false;
  }
  std::lock_guard lock(mutex_);
  signaling_ = client.get();
  // What callbacks wanted to send before Connect() returned.
  for (std::string& text : pending_signaling_)
    signaling_->Send(std::move(text));
  pending_signaling_.clear();
  signaling_owner_ = std::move(client);
  console_.Note("joined " + options_.signaling_url + " as the " +
                std::string(ToString(options_.role)) + "er");
  return true;
}

bool CallSession::StartOffer() {
  std::shared_ptr<PeerConnection> pc = peer_connection();
  if (options_.data_channel) {
    Result<std::shared_ptr<DataChannel>> channel = pc->CreateDataChannel(kChannelLabel);
    if (!channel.ok()) {
      EndCall(EndReason::kError, "createDataChannel: " + channel.error().ToString());
      return false;
    }
    AdoptChannel(std::move(channel).value());
  } else {
    // Without a data channel (and until media lands) an offer would have no m-section and so
    // nothing to connect: a receive-only audio transceiver carries the transport.
    TransceiverInit init;
    init.direction = TransceiverDirection::kRecvOnly;
    Result<std::shared_ptr<RtpTransceiver>> transceiver =
        pc->AddTransceiver(MediaKind::kAudio, init);
    if (!transceiver.ok()) {
      EndCall(EndReason::kError, "addTransceiver: " + transceiver.error().ToString());
      return false;
    }
  }

  std::weak_ptr<CallSession> weak = weak_from_this();
  std::weak_ptr<PeerConnection> weak_pc = pc;
  pc->SetLocalDescription(std::nullopt, [weak, weak_pc](Result<void> result) {
    std::shared_ptr<CallSession> self = weak.lock();
    std::shared_ptr<PeerConnection> pc = weak_pc.lock();
    if (self == nullptr || pc == nullptr) return;
    if (!result.ok()) {
      self->EndCall(EndReason::kError, "setLocalDescription (offer): " + result.error().ToString());
      return;
    }
    const std::optional<SessionDescription> offer = pc->local_description();
    if (!offer) {
      self->EndCall(EndReason::kError, "no local description after setLocalDescription");
      return;
    }
    self->SendSignaling(OfferMessage(offer->sdp));
    self->console_.Note("sent the offer");
    std::lock_guard lock(self->mutex_);
    self->offer_sent_ = true;
    self->wake_.notify_all();
  });

  // The first status line comes once the offer is on its way (tests start the answerer then).
  std::unique_lock lock(mutex_);
  const Clock::time_point deadline = started_at_ + Seconds(options_.connect_timeout_seconds);
  if (!wake_.wait_until(lock, deadline, [&] { return offer_sent_ || end_.has_value(); })) {
    EndLocked(EndReason::kConnectTimeout, "no offer within the connect timeout");
  }
  return !end_.has_value();
}

void CallSession::RunUntilEnd() {
  const Clock::time_point connect_deadline =
      started_at_ + Seconds(options_.connect_timeout_seconds);
  Clock::time_point next_status = Clock::now();
  // While the channel is open (a plain pair: GCC 12 misreads an optional time_point here).
  bool pinging = false;
  Clock::time_point next_ping{};

  std::unique_lock lock(mutex_);
  while (!end_) {
    const Clock::time_point now = Clock::now();
    std::optional<Clock::time_point> hang_up_at;
    if (connected_ && options_.duration_seconds) {
      hang_up_at = connected_at_ + Seconds(*options_.duration_seconds);
    }
    if (!connected_ && now >= connect_deadline) {
      char text[96];
      std::snprintf(text, sizeof text, "not connected within %g s",
                    options_.connect_timeout_seconds);
      EndLocked(EndReason::kConnectTimeout, text);
      break;
    }
    if (hang_up_at && now >= *hang_up_at) {
      EndLocked(EndReason::kDurationReached, "duration reached");
      break;
    }
    if (lost_at_ && now >= *lost_at_ + kByeGrace) {
      EndLocked(EndReason::kConnectionFailed,
                "connection lost (" + std::string(ToString(state_)) + ") without a bye");
      break;
    }
    if (!channel_open_) pinging = false;
    if (channel_open_ && !pinging) {
      pinging = true;
      next_ping = now;
    }

    const bool ping_due = pinging && now >= next_ping;
    const bool status_due = now >= next_status;
    if (ping_due || status_due) {
      lock.unlock();  // Sending and getStats() call into Parley; callbacks need the mutex.
      if (ping_due) {
        SendPing();
        next_ping = std::max(next_ping + kPingInterval, now);
      }
      if (status_due) {
        ShowStatus();
        next_status = std::max(next_status + kStatusInterval, now);
      }
      lock.lock();
      continue;
    }

    Clock::time_point wake_at = next_status;
    if (pinging) wake_at = std::min(wake_at, next_ping);
    if (!connected_) wake_at = std::min(wake_at, connect_deadline);
    if (hang_up_at) wake_at = std::min(wake_at, *hang_up_at);
    if (lost_at_) wake_at = std::min(wake_at, *lost_at_ + kByeGrace);
    // Every callback that changes what this loop looks at notifies under the mutex.
    wake_.wait_until(lock, wake_at);
  }
}

void CallSession::SendPing() {
  std::shared_ptr<DataChannel> channel;
  uint64_t number = 0;
  {
    std::lock_guard lock(mutex_);
    channel = channel_;
    number = chat_.pings_sent + 1;
  }
  if (channel == nullptr) return;
  if (Result<void> sent = channel->Send(PingMessage(number)); !sent.ok()) {
    console_.Note("cannot send ping " + std::to_string(number) + ": " + sent.error().ToString());
    return;
  }
  std::lock_guard lock(mutex_);
  chat_.pings_sent = std::max(chat_.pings_sent, number);
}

void CallSession::ShowStatus() {
  std::optional<StatsReport> stats = TakeStats();
  std::string line;
  {
    std::lock_guard lock(mutex_);
    if (stats) last_path_ = ExtractPathStats(*stats);
    const double elapsed = std::chrono::duration<double>(Clock::now() - started_at_).count();
    line = StatusLine(elapsed, ToString(state_), last_path_, chat_, options_.data_channel);
  }
  console_.Status(line);
}

std::optional<StatsReport> CallSession::TakeStats() {
  std::shared_ptr<PeerConnection> pc = peer_connection();
  if (pc == nullptr) return std::nullopt;
  std::future<Result<StatsReport>> pending = pc->GetStats();
  if (pending.wait_for(kStatsWait) != std::future_status::ready) return std::nullopt;
  Result<StatsReport> report = pending.get();
  if (!report.ok()) return std::nullopt;
  return std::move(report).value();
}

bool CallSession::CriteriaMet() const {
  if (!connected_) return false;
  return !options_.data_channel || (chat_.echoes_received > 0 && chat_.pings_answered > 0);
}

int CallSession::Finish() {
  EndReason reason;
  {
    std::lock_guard lock(mutex_);
    if (!end_) EndLocked(EndReason::kError, "the call ended for no known reason");
    reason = end_->reason;
  }
  // The final stats, while the connection still exists.
  std::optional<StatsReport> final_stats = TakeStats();
  if (signaling_owner_ && reason != EndReason::kPeerHungUp) {
    signaling_owner_->Send(ToJson(ByeMessage()));
  }

  CallSummary summary;
  std::shared_ptr<PeerConnection> pc;
  std::shared_ptr<DataChannel> channel;
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
    signaling_ = nullptr;
    pc = std::move(pc_);
    channel = std::move(channel_);
    if (final_stats) last_path_ = ExtractPathStats(*final_stats);
    summary.role = options_.role;
    summary.connected = connected_;
    summary.connection_state = std::string(ToString(end_->state));
    summary.path = last_path_;
    summary.chat = chat_;
    if (connected_) {
      summary.connected_seconds =
          std::chrono::duration<double>(Clock::now() - connected_at_).count();
    }
    const bool clean_end = reason == EndReason::kDurationReached ||
                           reason == EndReason::kPeerHungUp || reason == EndReason::kInterrupted;
    summary.success = clean_end && CriteriaMet();
    summary.outcome = end_->text;
    if (clean_end && !summary.success) {
      summary.outcome += summary.connected ? ", but no echo went both ways on the data channel"
                                           : ", never connected";
    }
  }
  if (channel) channel->SetCallbacks({});
  if (pc) pc->Close();
  pc.reset();
  if (signaling_owner_) {
    signaling_owner_->Close();  // Writes the bye first.
    signaling_owner_.reset();   // Waits (bounded) for the close handshake.
  }

  console_.Print(SummaryText(summary));
  if (!options_.stats_json_path.empty()) {
    std::ofstream file(options_.stats_json_path, std::ios::binary | std::ios::trunc);
    file << SummaryJson(summary, final_stats);
    file.close();
    if (!file) {
      console_.Note("cannot write " + options_.stats_json_path);
      return 1;
    }
  }
  return summary.success ? 0 : 1;
}

void CallSession::OnSignalingMessage(const std::string& text) {
  std::optional<SignalingMessage> message = ParseSignalingMessage(text);
  if (!message) {
    console_.Note("ignoring a malformed signaling message");
    return;
  }
  switch (message->type) {
    case SignalingMessage::Type::kOffer:
      HandleOffer(std::move(message->sdp));
      break;
    case SignalingMessage::Type::kAnswer:
      HandleAnswer(std::move(message->sdp));
      break;
    case SignalingMessage::Type::kCandidate:
    case SignalingMessage::Type::kEndOfCandidates:
      // An empty candidate is the end-of-candidates indication (RTCIceCandidateInit).
      HandleRemoteCandidate(IceCandidate{std::move(message->candidate), message->sdp_mid,
                                         message->sdp_mline_index, std::nullopt});
      break;
    case SignalingMessage::Type::kBye:
      EndCall(EndReason::kPeerHungUp, "the peer hung up (bye)");
      break;
    case SignalingMessage::Type::kUnknown:
      break;
  }
}

void CallSession::OnSignalingClosed(const std::string& reason) {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  if (!connected_) {
    EndLocked(EndReason::kSignalingFailed,
              "the signaling connection closed before the call connected: " + reason);
  } else {
    console_.Note("the signaling connection closed (" + reason + "); the call goes on");
  }
}

void CallSession::HandleOffer(std::string sdp) {
  if (options_.role == CallRole::kOffer) {
    console_.Note("ignoring an offer: we are the offerer");
    return;
  }
  std::shared_ptr<PeerConnection> pc = peer_connection();
  if (pc == nullptr) return;
  console_.Note("received the offer");
  std::weak_ptr<CallSession> weak = weak_from_this();
  std::weak_ptr<PeerConnection> weak_pc = pc;
  pc->SetRemoteDescription(
      SessionDescription{SdpType::kOffer, std::move(sdp)}, [weak, weak_pc](Result<void> result) {
        std::shared_ptr<CallSession> self = weak.lock();
        std::shared_ptr<PeerConnection> pc = weak_pc.lock();
        if (self == nullptr || pc == nullptr) return;
        if (!result.ok()) {
          self->EndCall(EndReason::kError,
                        "setRemoteDescription (offer): " + result.error().ToString());
          return;
        }
        self->OnRemoteDescriptionApplied();
        pc->SetLocalDescription(std::nullopt, [weak, weak_pc](Result<void> result) {
          std::shared_ptr<CallSession> self = weak.lock();
          std::shared_ptr<PeerConnection> pc = weak_pc.lock();
          if (self == nullptr || pc == nullptr) return;
          const std::optional<SessionDescription> answer = pc->local_description();
          if (!result.ok() || !answer) {
            self->EndCall(EndReason::kError,
                          "setLocalDescription (answer): " +
                              (result.ok() ? "no local description" : result.error().ToString()));
            return;
          }
          self->SendSignaling(AnswerMessage(answer->sdp));
          self->console_.Note("sent the answer");
        });
      });
}

void CallSession::HandleAnswer(std::string sdp) {
  if (options_.role == CallRole::kAnswer) {
    console_.Note("ignoring an answer: we are the answerer");
    return;
  }
  std::shared_ptr<PeerConnection> pc = peer_connection();
  if (pc == nullptr) return;
  console_.Note("received the answer");
  std::weak_ptr<CallSession> weak = weak_from_this();
  pc->SetRemoteDescription(
      SessionDescription{SdpType::kAnswer, std::move(sdp)}, [weak](Result<void> result) {
        std::shared_ptr<CallSession> self = weak.lock();
        if (self == nullptr) return;
        if (!result.ok()) {
          self->EndCall(EndReason::kError,
                        "setRemoteDescription (answer): " + result.error().ToString());
          return;
        }
        self->OnRemoteDescriptionApplied();
      });
}

void CallSession::HandleRemoteCandidate(IceCandidate candidate) {
  std::shared_ptr<PeerConnection> pc;
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    if (!remote_description_applied_) {
      early_candidates_.push_back(std::move(candidate));
      return;
    }
    pc = pc_;
  }
  if (pc == nullptr) return;
  std::weak_ptr<CallSession> weak = weak_from_this();
  const std::string text = candidate.candidate.empty() ? "end-of-candidates" : candidate.candidate;
  pc->AddIceCandidate(std::move(candidate), [weak, text](Result<void> result) {
    std::shared_ptr<CallSession> self = weak.lock();
    if (self != nullptr && !result.ok()) {
      self->console_.Note("addIceCandidate(" + text + "): " + result.error().ToString());
    }
  });
}

void CallSession::OnRemoteDescriptionApplied() {
  std::vector<IceCandidate> early;
  {
    std::lock_guard lock(mutex_);
    remote_description_applied_ = true;
    early.swap(early_candidates_);
  }
  // Runs on the callback thread, so these are applied before any candidate posted since.
  for (IceCandidate& candidate : early)
    HandleRemoteCandidate(std::move(candidate));
}

void CallSession::OnLocalCandidate(const std::optional<IceCandidate>& candidate) {
  if (candidate) {
    SendSignaling(
        CandidateMessage(candidate->candidate, candidate->sdp_mid, candidate->sdp_mline_index));
  } else {
    SendSignaling(EndOfCandidatesMessage());
  }
}

void CallSession::OnConnectionState(PeerConnectionState state) {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  state_ = state;
  // Once the call is ending, closing (ours or the peer's) changes the state: not news.
  if (!end_) console_.Note("connection state: " + std::string(ToString(state)));
  if (state == PeerConnectionState::kConnected && !connected_) {
    connected_ = true;
    connected_at_ = Clock::now();
  }
  if (state == PeerConnectionState::kFailed || state == PeerConnectionState::kClosed) {
    if (!connected_) {
      EndLocked(EndReason::kConnectionFailed,
                "the connection " + std::string(ToString(state)) + " before connecting");
    } else if (!lost_at_) {
      lost_at_ = Clock::now();
    }
  }
  wake_.notify_all();
}

void CallSession::OnIncomingChannel(std::shared_ptr<DataChannel> channel) {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    if (!options_.data_channel || channel_ != nullptr) {
      console_.Note("ignoring the peer's data channel '" + channel->label() + "'");
      return;
    }
  }
  AdoptChannel(std::move(channel));
}

void CallSession::AdoptChannel(std::shared_ptr<DataChannel> channel) {
  std::weak_ptr<CallSession> weak = weak_from_this();
  DataChannel::Callbacks callbacks;
  callbacks.on_open = [weak] {
    if (std::shared_ptr<CallSession> self = weak.lock()) self->OnChannelOpen();
  };
  callbacks.on_message = [weak](const std::vector<uint8_t>& data, bool binary) {
    if (std::shared_ptr<CallSession> self = weak.lock()) self->OnChannelMessage(data, binary);
  };
  callbacks.on_close = [weak] {
    std::shared_ptr<CallSession> self = weak.lock();
    if (self == nullptr) return;
    std::lock_guard lock(self->mutex_);
    if (self->finished_) return;
    self->channel_open_ = false;
    self->console_.Note("data channel closed");
    self->wake_.notify_all();
  };
  callbacks.on_error = [weak](const std::string& reason) {
    if (std::shared_ptr<CallSession> self = weak.lock()) {
      self->console_.Note("data channel error: " + reason);
    }
  };
  {
    std::lock_guard lock(mutex_);
    channel_ = channel;  // Before its callbacks can run.
  }
  channel->SetCallbacks(std::move(callbacks));
  // A channel the peer opened is usually open already when it is announced.
  if (channel->ready_state() == DataChannelState::kOpen) OnChannelOpen();
}

void CallSession::OnChannelOpen() {
  std::lock_guard lock(mutex_);
  if (finished_ || channel_open_ || channel_ == nullptr) return;
  channel_open_ = true;
  console_.Note("data channel '" + channel_->label() + "' open");
  wake_.notify_all();
}

void CallSession::OnChannelMessage(const std::vector<uint8_t>& data, bool binary) {
  if (binary) return;
  const std::string text(data.begin(), data.end());
  switch (ClassifyChatMessage(text)) {
    case ChatMessageKind::kPing: {
      std::shared_ptr<DataChannel> channel;
      {
        std::lock_guard lock(mutex_);
        if (finished_) return;
        channel = channel_;
      }
      if (channel == nullptr) return;
      if (Result<void> sent = channel->Send(EchoMessage(text)); !sent.ok()) {
        console_.Note("cannot answer " + text + ": " + sent.error().ToString());
        return;
      }
      std::lock_guard lock(mutex_);
      ++chat_.pings_answered;
      break;
    }
    case ChatMessageKind::kEcho: {
      std::lock_guard lock(mutex_);
      ++chat_.echoes_received;
      break;
    }
    case ChatMessageKind::kOther:
      break;
  }
}

void CallSession::EndCall(EndReason reason, std::string text) {
  std::lock_guard lock(mutex_);
  EndLocked(reason, std::move(text));
}

void CallSession::EndLocked(EndReason reason, std::string text) {
  if (end_ || finished_) return;
  console_.Note(text);
  end_ = End{reason, std::move(text), state_};
  wake_.notify_all();
}

void CallSession::SendSignaling(const SignalingMessage& message) {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  if (signaling_ != nullptr) {
    signaling_->Send(ToJson(message));
  } else {
    pending_signaling_.push_back(ToJson(message));
  }
}

std::shared_ptr<PeerConnection> CallSession::peer_connection() {
  std::lock_guard lock(mutex_);
  return pc_;
}

}  // namespace parley::examples
