#include "session/secure_transport.h"

#include <utility>

#include "base/logging.h"
#include "demux/packet_kind.h"

namespace parley::session {

SecureTransport::SecureTransport(SecureTransportConfig config, Random& random)
    : config_(std::move(config)), agent_(config_.ice, random) {
  if (config_.data_channels) {
    data_channels_ = std::make_unique<datachannel::Transport>(config_.data_channel);
  }
}

SecureTransport::~SecureTransport() = default;

void SecureTransport::StartGathering(Timestamp now) {
  agent_.StartGathering(now);
  Pump(now);
}

Result<void> SecureTransport::SetRemoteCredentials(Timestamp now, ice::Credentials remote) {
  Result<void> set = agent_.SetRemoteCredentials(now, std::move(remote));
  Pump(now);
  return set;
}

Result<void> SecureTransport::AddRemoteCandidate(Timestamp now, const ice::Candidate& candidate) {
  Result<void> added = agent_.AddRemoteCandidate(now, candidate);
  Pump(now);
  return added;
}

void SecureTransport::EndOfRemoteCandidates(Timestamp now) {
  agent_.EndOfRemoteCandidates(now);
  Pump(now);
}

Result<void> SecureTransport::SetRemoteSctpParameters(uint16_t remote_port,
                                                      size_t remote_max_message_size) {
  if (!data_channels_) return InvalidStateError("data channels are off");
  if (data_channels_started_) return InvalidStateError("SCTP already started");
  data_channels_->SetRemoteParameters(remote_port, remote_max_message_size);
  return Ok();
}

void SecureTransport::SetIceRole(Timestamp now, ice::Role role) {
  agent_.SetRole(now, role);
  Pump(now);
}

ice::Credentials SecureTransport::RestartIce(Timestamp now, std::optional<ice::Credentials> local) {
  ice::Credentials fresh = agent_.Restart(now, std::move(local));
  Pump(now);
  return fresh;
}

Result<void> SecureTransport::StartDtls(Timestamp now, dtls::Role role,
                                        std::vector<dtls::Fingerprint> remote_fingerprints) {
  if (dtls_) return InvalidStateError("StartDtls: DTLS has already been started");
  if (agent_.connection_state() == ice::ConnectionState::kClosed) {
    return InvalidStateError("StartDtls: the transport is closed");
  }
  dtls::Endpoint::Config dtls_config;
  dtls_config.certificate = config_.certificate;
  dtls_config.role = role;
  dtls_config.remote_fingerprints = std::move(remote_fingerprints);
  dtls_config.srtp_profiles = config_.srtp_profiles;
  dtls_config.mtu = config_.dtls_mtu;
  dtls_ = std::make_unique<dtls::Endpoint>(std::move(dtls_config));
  if (role == dtls::Role::kServer) {
    dtls_->Start(now);
    dtls_started_ = true;
    // The peer's ClientHello may have come first (RFC 8842 §5.2: the answerer may be active).
    while (!early_dtls_.empty()) {
      Bytes record = std::move(early_dtls_.front());
      early_dtls_.pop_front();
      dtls_->HandleDatagram(now, record);
    }
  } else {
    early_dtls_.clear();  // A client only ever hears from a server it has greeted.
    MaybeStartDtlsClient(now);
  }
  Pump(now);
  return Ok();
}

Result<void> SecureTransport::SetRemoteFingerprints(Timestamp now,
                                                    std::vector<dtls::Fingerprint> fingerprints) {
  if (!dtls_) return InvalidStateError("SetRemoteFingerprints: DTLS has not been started");
  Result<void> set = dtls_->SetRemoteFingerprints(now, std::move(fingerprints));
  Pump(now);
  return set;
}

Result<void> SecureTransport::SendRtp(Timestamp now, Bytes packet) {
  srtp::Session* srtp = Srtp();
  if (!srtp) return InvalidStateError("SendRtp: no SRTP keys yet (DTLS-SRTP not connected)");
  if (auto protect = srtp->ProtectRtp(packet); !protect.ok()) return protect;
  Result<void> sent = agent_.Send(now, packet);
  Pump(now);
  return sent;
}

Result<void> SecureTransport::SendRtcp(Timestamp now, Bytes packet) {
  srtp::Session* srtp = Srtp();
  if (!srtp) return InvalidStateError("SendRtcp: no SRTP keys yet (DTLS-SRTP not connected)");
  if (auto protect = srtp->ProtectRtcp(packet); !protect.ok()) return protect;
  Result<void> sent = agent_.Send(now, packet);
  Pump(now);
  return sent;
}

Result<void> SecureTransport::SendData(Timestamp now, ByteView data) {
  if (data_channels_) return InvalidStateError("SendData: DTLS carries SCTP (data channels)");
  if (!dtls_) return InvalidStateError("SendData: DTLS has not been started");
  Result<void> sent = dtls_->Send(now, data);
  Pump(now);
  return sent;
}

Result<datachannel::ChannelHandle> SecureTransport::CreateDataChannel(
    Timestamp now, std::string label, datachannel::ChannelInit init) {
  if (!data_channels_) return InvalidStateError("createDataChannel: data channels are off");
  auto created = data_channels_->CreateChannel(now, std::move(label), std::move(init));
  Pump(now);
  return created;
}

Result<void> SecureTransport::SendMessage(Timestamp now, datachannel::ChannelHandle channel,
                                          bool binary, ByteView data) {
  if (!data_channels_) return InvalidStateError("send: data channels are off");
  Result<void> sent = data_channels_->Send(now, channel, binary, data);
  Pump(now);
  return sent;
}

void SecureTransport::CloseDataChannel(Timestamp now, datachannel::ChannelHandle channel) {
  if (!data_channels_) return;
  data_channels_->Close(now, channel);
  Pump(now);
}

void SecureTransport::SetBufferedAmountLowThreshold(datachannel::ChannelHandle channel,
                                                    size_t threshold) {
  if (data_channels_) data_channels_->set_buffered_amount_low_threshold(channel, threshold);
}

void SecureTransport::ReleaseDataChannel(datachannel::ChannelHandle channel) {
  if (data_channels_) data_channels_->Release(channel);
}

void SecureTransport::Close(Timestamp now) {
  if (data_channels_ && data_channels_started_) {
    data_channels_->Close(now);  // SCTP SHUTDOWN while DTLS still carries it.
    DrainDataChannels(now);
  }
  if (dtls_) {
    dtls_->Close(now);
    DrainDtls(now);  // close_notify leaves while the pair still exists.
  }
  srtp_.reset();
  srtp_keys_.reset();
  agent_.Close(now);
  Pump(now);
}

void SecureTransport::HandleDatagram(Timestamp now, const Datagram& datagram) {
  agent_.HandleDatagram(now, datagram);
  Pump(now);
}

void SecureTransport::HandleStreamConnected(Timestamp now, uint64_t stream) {
  agent_.HandleStreamConnected(now, stream);
  Pump(now);
}

void SecureTransport::HandleStreamData(Timestamp now, uint64_t stream, ByteView data) {
  agent_.HandleStreamData(now, stream, data);
  Pump(now);
}

void SecureTransport::HandleStreamClosed(Timestamp now, uint64_t stream, std::string reason) {
  agent_.HandleStreamClosed(now, stream, std::move(reason));
  Pump(now);
}

void SecureTransport::HandleTimeout(Timestamp now) {
  if (auto next = agent_.NextTimeout(); next && *next <= now) agent_.HandleTimeout(now);
  if (dtls_) {
    if (auto next = dtls_->NextTimeout(); next && *next <= now) dtls_->HandleTimeout(now);
    // At most every 10 ms (the SCTP tick) while busy, so the reallocation costs nothing
    // measurable; an idle connection keeps ~17 KiB less.
    dtls_->ReleaseBuffers();
  }
  if (data_channels_started_) {
    if (auto next = data_channels_->NextTimeout(); next && *next <= now) {
      data_channels_->HandleTimeout(now);
    }
  }
  Pump(now);
}

std::optional<ice::Transmit> SecureTransport::PollTransmit() {
  return agent_.PollTransmit();
}

std::optional<Event> SecureTransport::PollEvent() {
  if (events_.empty()) return std::nullopt;
  Event event = std::move(events_.front());
  events_.pop_front();
  return event;
}

std::optional<Timestamp> SecureTransport::NextTimeout() const {
  std::optional<Timestamp> next = agent_.NextTimeout();
  auto earliest = [&next](std::optional<Timestamp> other) {
    if (other && (!next || *other < *next)) next = other;
  };
  if (dtls_) earliest(dtls_->NextTimeout());
  if (data_channels_started_) earliest(data_channels_->NextTimeout());
  return next;
}

dtls::State SecureTransport::dtls_state() const {
  return dtls_ ? dtls_->state() : dtls::State::kNew;
}

SecureTransportStats SecureTransport::GetStats() const {
  SecureTransportStats stats;
  stats.ice = agent_.GetStats();
  if (dtls_) stats.dtls = dtls_->stats();
  if (srtp_) stats.srtp = srtp_->stats();
  stats.demux = demux_;
  if (data_channels_) {
    stats.sctp = data_channels_->association().stats();
    stats.data_channels = data_channels_->stats();
  }
  return stats;
}

void SecureTransport::Pump(Timestamp now) {
  // Agent events first: received data may make the endpoint answer, which the agent sends.
  while (auto event = agent_.PollEvent()) {
    if (auto* data = std::get_if<ice::DataReceived>(&*event)) {
      OnIceData(now, std::move(data->data));
      continue;
    }
    if (std::holds_alternative<ice::SelectedPairChanged>(*event)) {
      FlushUnsentDtls(now);
      MaybeStartDtlsClient(now);
    }
    events_.emplace_back(std::move(*event));
  }
  DrainDtls(now);
  // SCTP answers what DTLS delivered; its packets become DTLS records, sent right away.
  DrainDataChannels(now);
  DrainDtls(now);
}

void SecureTransport::DrainDataChannels(Timestamp now) {
  if (!data_channels_started_) return;
  while (auto packet = data_channels_->PollTransmit()) {
    if (dtls_->state() != dtls::State::kConnected) continue;  // SCTP retransmits if it matters.
    if (auto sent = dtls_->Send(now, *packet); !sent.ok()) {
      PARLEY_LOG(kWarning, "session") << "SCTP packet not sent over DTLS: " << sent.error();
    }
  }
  while (auto event = data_channels_->PollEvent())
    events_.emplace_back(std::move(*event));
}

void SecureTransport::MaybeStartDtlsClient(Timestamp now) {
  if (!dtls_ || dtls_started_ || !agent_.selected_pair()) return;
  dtls_->Start(now);
  dtls_started_ = true;
}

void SecureTransport::DrainDtls(Timestamp now) {
  if (!dtls_) return;
  // Asked once, not per datagram: selected_pair() copies both candidates.
  const bool have_pair = agent_.selected_pair().has_value();
  while (auto datagram = dtls_->PollTransmit()) {
    if (!have_pair) {
      if (unsent_dtls_.size() < kMaxEarlyDtls) unsent_dtls_.push_back(std::move(*datagram));
      continue;  // Beyond that, like loss: the endpoint retransmits on its own schedule.
    }
    SendDtlsDatagram(now, *datagram);
  }
  while (auto event = dtls_->PollEvent())
    OnDtlsEvent(now, std::move(*event));
}

void SecureTransport::FlushUnsentDtls(Timestamp now) {
  if (!agent_.selected_pair()) return;
  while (!unsent_dtls_.empty()) {
    SendDtlsDatagram(now, unsent_dtls_.front());
    unsent_dtls_.pop_front();
  }
}

void SecureTransport::SendDtlsDatagram(Timestamp now, ByteView datagram) {
  if (auto sent = agent_.Send(now, datagram); !sent.ok()) {
    // Like loss: the endpoint retransmits on its own schedule.
    PARLEY_LOG(kVerbose, "session") << "DTLS datagram not sent: " << sent.error();
  }
}

void SecureTransport::OnDtlsEvent(Timestamp now, dtls::Event event) {
  if (auto* state = std::get_if<dtls::StateChanged>(&event)) {
    if (state->state == dtls::State::kConnected) {
      KeySrtp();
      if (data_channels_ && !data_channels_started_) {
        data_channels_started_ = true;
        data_channels_->Start(now, dtls_->role() == dtls::Role::kClient);
      }
    }
    if (state->state == dtls::State::kClosed || state->state == dtls::State::kFailed) {
      srtp_.reset();
      srtp_keys_.reset();
    }
    events_.emplace_back(DtlsStateChanged{state->state, state->reason});
  } else if (auto* data = std::get_if<dtls::ApplicationData>(&event)) {
    if (data_channels_started_) {
      data_channels_->HandlePacket(now, data->data);
    } else if (!data_channels_) {
      events_.emplace_back(DtlsDataReceived{std::move(data->data)});
    }
  }
}

void SecureTransport::KeySrtp() {
  // Without a profile in common: data channels only, as browsers allow.
  srtp_keys_ = dtls_->srtp_keys();
}

srtp::Session* SecureTransport::Srtp() {
  if (srtp_) return &*srtp_;
  if (!srtp_keys_ || !dtls_) return nullptr;
  auto session =
      srtp::Session::Create(*srtp_keys_, dtls_->role() == dtls::Role::kClient, config_.srtp);
  srtp_keys_.reset();  // Tried once: a failure is not retried for every packet.
  if (!session.ok()) {
    PARLEY_LOG(kWarning, "session") << "SRTP session not created: " << session.error();
    return nullptr;
  }
  srtp_.emplace(std::move(session).value());
  return &*srtp_;
}

void SecureTransport::OnIceData(Timestamp now, Bytes data) {
  switch (demux::Classify(data)) {
    case demux::PacketKind::kDtls:
      ++demux_.dtls_datagrams;
      if (dtls_started_ || (dtls_ && dtls_->role() == dtls::Role::kServer)) {
        dtls_->HandleDatagram(now, data);
      } else if (!dtls_ && early_dtls_.size() < kMaxEarlyDtls) {
        ++demux_.early_dtls_kept;
        early_dtls_.push_back(std::move(data));
      } else {
        ++demux_.dropped_early_dtls;
      }
      return;
    case demux::PacketKind::kRtp:
      ++demux_.rtp_packets;
      if (Srtp() == nullptr) {
        ++demux_.dropped_before_keys;
        return;
      }
      if (srtp_->UnprotectRtp(data) != srtp::UnprotectStatus::kOk) {
        ++demux_.dropped_unprotect;
        return;
      }
      events_.emplace_back(RtpReceived{std::move(data)});
      return;
    case demux::PacketKind::kRtcp:
      ++demux_.rtcp_packets;
      if (Srtp() == nullptr) {
        ++demux_.dropped_before_keys;
        return;
      }
      if (srtp_->UnprotectRtcp(data) != srtp::UnprotectStatus::kOk) {
        ++demux_.dropped_unprotect;
        return;
      }
      events_.emplace_back(RtcpReceived{std::move(data)});
      return;
    case demux::PacketKind::kStun:
    case demux::PacketKind::kTurnChannelData:
    case demux::PacketKind::kZrtp:
    case demux::PacketKind::kUnknown:
      ++demux_.dropped_unknown;
      PARLEY_LOG(kVerbose, "session") << "dropped a " << data.size() << "-byte "
                                      << demux::ToString(demux::Classify(data)) << " packet";
      return;
  }
}

}  // namespace parley::session
