// The agent's public verbs, input demultiplexing and the pump run after every input.
#include "ice/agent.h"

#include <algorithm>

#include "base/logging.h"
#include "ice/credentials.h"
#include "ice/mdns.h"
#include "ice/queue.h"
#include "stun/integrity.h"

namespace parley::ice {

namespace {

// Timer settings that would make the agent spin (zero or negative intervals) are raised to a
// floor; everything else is taken as given.
AgentConfig Sanitized(AgentConfig config) {
  config.check_pacing = std::max(config.check_pacing, TimeDelta::Millis(1));
  config.disconnected_timeout = std::max(config.disconnected_timeout, TimeDelta::Millis(100));
  config.consent_timeout = std::max(config.consent_timeout, config.disconnected_timeout);
  config.keepalive_interval = std::max(config.keepalive_interval, TimeDelta::Millis(100));
  return config;
}

}  // namespace

Agent::Agent(AgentConfig config, Random& random)
    : config_(Sanitized(std::move(config))),
      random_(random),
      role_(config_.role),
      tie_breaker_(random.NextU64()),  // RFC 8445 §7.1.3: a random 64-bit tie-breaker.
      gatherer_(config_, random),
      consent_(ConsentConfig{
          // RFC 7675 §5.1 suggests 5 s; we check at least twice per disconnected_timeout so a
          // healthy pair never looks disconnected.
          .interval = std::min(TimeDelta::Seconds(5), config_.disconnected_timeout / 2),
          .retry = std::min(TimeDelta::Seconds(1), config_.disconnected_timeout / 4),
          .disconnected_timeout = config_.disconnected_timeout,
          .consent_timeout = config_.consent_timeout}) {
  current_.id = next_session_id_++;
  current_.local =
      config_.local_credentials ? *config_.local_credentials : GenerateCredentials(random_);
}

Agent::~Agent() = default;

void Agent::StartGathering(Timestamp now) {
  last_now_ = now;
  if (closed_ || started_) return;
  started_ = true;
  gatherer_.Start(now);
  Process(now);
}

Result<void> Agent::SetRemoteCredentials(Timestamp now, Credentials remote) {
  last_now_ = now;
  if (closed_) return InvalidStateError("SetRemoteCredentials after Close");
  if (auto valid = ValidateCredentials(remote); !valid.ok()) return valid;
  if (current_.remote && *current_.remote == remote) return Ok();
  if (current_.remote) {
    // RFC 8445 §9: the peer restarted ICE without (yet) us calling Restart(): a new session with
    // our current credentials, until Restart() renews them.
    BeginSession(now, current_.local);
    current_.fresh_local_credentials = false;
  }
  current_.remote = std::move(remote);
  Process(now);
  return Ok();
}

Result<void> Agent::AddRemoteCandidate(Timestamp now, const Candidate& candidate) {
  last_now_ = now;
  if (closed_) return InvalidStateError("AddRemoteCandidate after Close");
  // One component (rtcp-mux and BUNDLE), UDP only.
  if (candidate.component != 1 || candidate.transport != TransportProtocol::kUdp) {
    PARLEY_LOG(kVerbose, "ice") << "ignoring candidate " << candidate;
    return Ok();
  }
  // A candidate of another generation (Chromium tags candidates with their ufrag).
  if (auto ufrag = candidate.extension("ufrag");
      ufrag && current_.remote && *ufrag != current_.remote->ufrag) {
    PARLEY_LOG(kVerbose, "ice") << "ignoring candidate of another generation " << candidate;
    return Ok();
  }
  if (candidate.is_mdns()) {
    if (mdns_.Resolve(now, candidate.address, config_.local_sockets, random_)) {
      pending_names_.push_back({candidate, current_.id});
      current_.last_remote_candidate = now;
    }
    Process(now);
    return Ok();
  }
  const std::optional<SocketAddress> address = candidate.socket_address();
  if (!address || address->port() == 0 || address->ip().IsAny()) {
    PARLEY_LOG(kVerbose, "ice") << "ignoring unusable candidate " << candidate;
    return Ok();
  }
  AddRemote(now, candidate, *address, current_.id);
  Process(now);
  return Ok();
}

void Agent::EndOfRemoteCandidates(Timestamp now) {
  last_now_ = now;
  if (closed_) return;
  current_.end_of_candidates = true;
  Process(now);
}

Credentials Agent::Restart(Timestamp now, std::optional<Credentials> local) {
  last_now_ = now;
  if (closed_) return current_.local;
  Credentials next = local ? std::move(*local) : GenerateCredentials(random_);
  if (current_.fresh_local_credentials) {
    BeginSession(now, std::move(next));
  } else {
    // The peer restarted first (JSEP: we are answering its offer): this session already has its
    // new credentials and candidates; only ours change (the peer learns them from our answer).
    current_.local = std::move(next);
    current_.fresh_local_credentials = true;
  }
  consent_expired_ = false;  // A new session may find a new pair (RFC 7675 §5.2).
  // Trickle the local candidates again for the new generation.
  if (started_) {
    if (reported_gathering_ != GatheringState::kGathering) {
      Push(events_, GatheringStateChanged{GatheringState::kGathering});
    }
    for (size_t i = 0; i < gatherer_.candidates().size(); ++i) {
      const LocalCandidateInfo& info = gatherer_.candidates()[i];
      if (info.signaled && info.usable) EmitLocalCandidate(i);
    }
    reported_gathering_ = GatheringState::kGathering;
  }
  Process(now);
  return current_.local;
}

void Agent::BeginSession(Timestamp now, Credentials local) {
  const CandidatePair* sel = selected();
  if (sel != nullptr && sel->session == current_.id) {
    previous_ = current_;
  } else if (sel == nullptr) {
    previous_.reset();
  }
  const uint32_t keep_session = previous_ ? previous_->id : 0;
  const std::optional<uint64_t> keep_pair = selected_;
  // The old check list goes, except the selected pair.
  for (auto it = checks_.begin(); it != checks_.end();) {
    const bool keep = keep_pair && it->second.pair == *keep_pair && it->second.consent;
    it = keep ? std::next(it) : checks_.erase(it);
  }
  checklist_.EraseIf([&](const CandidatePair& p) {
    return !(keep_pair && p.id == *keep_pair && p.session == keep_session);
  });
  if (CandidatePair* kept = selected()) {
    kept->active_check.reset();
  } else {
    had_selected_ = false;
  }
  drop_previous_at_.reset();
  current_ = Session{};
  current_.id = next_session_id_++;
  current_.local = std::move(local);
  (void)now;
}

void Agent::DropPreviousSession() {
  if (!previous_) return;
  const uint32_t id = previous_->id;
  for (auto it = checks_.begin(); it != checks_.end();) {
    const CandidatePair* pair = checklist_.Find(it->second.pair);
    it = (pair == nullptr || pair->session == id) ? checks_.erase(it) : std::next(it);
  }
  checklist_.EraseIf([&](const CandidatePair& p) { return p.session == id; });
  previous_.reset();
  drop_previous_at_.reset();
}

Result<void> Agent::Send(Timestamp now, ByteView data) {
  last_now_ = now;
  if (closed_) return InvalidStateError("the ICE agent is closed");
  if (consent_expired_) return InvalidStateError("consent to send expired (RFC 7675)");
  CandidatePair* pair = selected();
  if (pair == nullptr) return InvalidStateError("no selected ICE candidate pair");
  const size_t local = pair->local;
  const SocketAddress to = remote_[pair->remote].address;
  pair->counters.packets_sent++;
  pair->counters.bytes_sent += data.size();
  pair->last_sent = now;
  SendFrom(now, local, to, Bytes(data.begin(), data.end()));
  return Ok();
}

void Agent::Close(Timestamp now) {
  last_now_ = now;
  if (closed_) return;
  closed_ = true;
  checks_.clear();
  consent_.Stop();
  gatherer_.Close(now);
  DrainGatherer(now);
  UpdateConnectionState(now);
}

void Agent::HandleDatagram(Timestamp now, const Datagram& in) {
  last_now_ = now;
  if (closed_) {
    gatherer_.HandleRelayDatagram(now, in);  // Let relays finish releasing their allocations.
    DrainGatherer(now);
    return;
  }
  if (gatherer_.HandleRelayDatagram(now, in)) {
    Process(now);
    return;
  }
  const std::optional<size_t> base = gatherer_.FindHostBase(in.destination);
  if (!base) {
    ++counters_.dropped_unknown;
    return;
  }
  // RFC 6762 §6.7: answers to our mDNS queries come from port 5353.
  if (in.source.port() == mdns::kPort && !stun::IsStun(in.payload)) {
    if (!mdns_.HandleDatagram(in)) ++counters_.dropped_malformed;
    Process(now);
    return;
  }
  HandleInbound(now, *base, in.source, in.payload);
  Process(now);
}

void Agent::HandleStreamConnected(Timestamp now, uint64_t connection) {
  last_now_ = now;
  gatherer_.HandleStreamConnected(now, connection);
  if (closed_) return DrainGatherer(now);
  Process(now);
}

void Agent::HandleStreamData(Timestamp now, uint64_t connection, ByteView data) {
  last_now_ = now;
  gatherer_.HandleStreamData(now, connection, data);
  if (closed_) return DrainGatherer(now);
  Process(now);
}

void Agent::HandleStreamClosed(Timestamp now, uint64_t connection, std::string reason) {
  last_now_ = now;
  gatherer_.HandleStreamClosed(now, connection, std::move(reason));
  if (closed_) return DrainGatherer(now);
  Process(now);
}

void Agent::HandleTimeout(Timestamp now) {
  last_now_ = now;
  gatherer_.HandleTimeout(now);
  if (closed_) return DrainGatherer(now);
  mdns_.HandleTimeout(now);
  RunCheckTimers(now);
  Process(now);
}

std::optional<Transmit> Agent::PollTransmit() {
  return Pop(transmits_);
}

std::optional<Event> Agent::PollEvent() {
  return Pop(events_);
}

std::optional<Timestamp> Agent::NextTimeout() const {
  std::optional<Timestamp> next = gatherer_.NextTimeout();
  auto consider = [&](std::optional<Timestamp> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  if (closed_) return next;
  consider(mdns_.NextTimeout());
  for (const auto& [id, check] : checks_)
    consider(check.transaction.NextTimeout());
  if (HasCheckWork()) consider(std::max(next_check_at_, last_now_));
  consider(NominationDeadline());
  consider(drop_previous_at_);
  consider(StateDeadline());
  if (const CandidatePair* pair = selected(); pair != nullptr && !consent_expired_) {
    consider(consent_.NextTimeout(last_now_));
    if (pair->last_sent) consider(*pair->last_sent + config_.keepalive_interval);
  }
  return next;
}

void Agent::Process(Timestamp now) {
  if (closed_) return;
  if (drop_previous_at_ && now >= *drop_previous_at_) DropPreviousSession();
  DrainGatherer(now);
  DrainMdns(now);
  UpdateSelectedPair(now);
  MaybeNominate(now);
  RunScheduler(now);
  RunConsent(now);
  UpdateSelectedPair(now);
  PruneAfterNomination();
  DrainGatherer(now);
  UpdateConnectionState(now);
}

void Agent::DrainGatherer(Timestamp now) {
  while (true) {
    while (auto transmit = gatherer_.PollTransmit())
      Push(transmits_, std::move(*transmit));
    auto event = gatherer_.PollEvent();
    if (!event) break;
    if (closed_) continue;
    if (auto* gathered = std::get_if<CandidateGathered>(&*event)) {
      // kGathering, the candidates, then (below, once they are all out) kComplete.
      if (reported_gathering_ == GatheringState::kNew) {
        reported_gathering_ = GatheringState::kGathering;
        Push(events_, GatheringStateChanged{GatheringState::kGathering});
      }
      EmitLocalCandidate(gathered->index);
      if (IsBase(gathered->index)) PairLocal(now, gathered->index);
    } else if (auto* data = std::get_if<RelayedData>(&*event)) {
      HandleInbound(now, data->candidate, data->peer, data->data);
    } else if (auto* lost = std::get_if<RelayLost>(&*event)) {
      OnRelayLost(now, lost->candidate);
    }
  }
  if (!closed_) EmitGatheringState();
}

void Agent::DrainMdns(Timestamp now) {
  while (auto datagram = mdns_.PollTransmit())
    Push(transmits_, std::move(*datagram));
  while (auto result = mdns_.PollResult()) {
    if (auto* resolved = std::get_if<MdnsResolved>(&*result)) {
      for (auto it = pending_names_.begin(); it != pending_names_.end();) {
        if (!mdns::SameName(it->candidate.address, resolved->name)) {
          ++it;
          continue;
        }
        if (it->session == current_.id) {
          AddRemote(now, it->candidate, SocketAddress(resolved->address, it->candidate.port),
                    it->session);
        }
        it = pending_names_.erase(it);
      }
    } else {
      const auto& failed = std::get<MdnsFailed>(*result);
      PARLEY_LOG(kInfo, "ice") << "could not resolve " << failed.name;
      std::erase_if(pending_names_, [&](const PendingName& p) {
        return mdns::SameName(p.candidate.address, failed.name);
      });
    }
  }
}

void Agent::EmitGatheringState() {
  const GatheringState state = gatherer_.state();
  if (state == reported_gathering_) return;
  if (reported_gathering_ == GatheringState::kNew && state == GatheringState::kComplete) {
    Push(events_, GatheringStateChanged{GatheringState::kGathering});
  }
  reported_gathering_ = state;
  Push(events_, GatheringStateChanged{state});
}

void Agent::EmitLocalCandidate(size_t index) {
  const LocalCandidateInfo& info = gatherer_.candidates()[index];
  if (!info.signaled) return;
  // As Chromium tags them: generation, ufrag (which session), network-id.
  Candidate candidate = info.candidate;
  candidate.extensions.push_back({"generation", "0"});
  candidate.extensions.push_back({"ufrag", current_.local.ufrag});
  candidate.extensions.push_back({"network-id", std::to_string(info.interface_index + 1)});
  Push(events_, LocalCandidate{std::move(candidate)});
  ++counters_.local_candidates;
}

void Agent::SendFrom(Timestamp now, size_t local, const SocketAddress& to, Bytes payload) {
  const LocalCandidateInfo& info = gatherer_.candidates()[local];
  if (info.relay) {
    if (auto sent = gatherer_.SendFromRelay(now, local, to, payload); !sent.ok()) {
      PARLEY_LOG(kVerbose, "ice") << "relay send to " << to << " failed: " << sent.error();
    }
    while (auto transmit = gatherer_.PollTransmit())
      Push(transmits_, std::move(*transmit));
    return;
  }
  Push(transmits_, Datagram{info.base, to, std::move(payload)});
}

void Agent::HandleInbound(Timestamp now, size_t base, const SocketAddress& source,
                          ByteView payload) {
  if (!stun::IsStun(payload)) {
    HandleData(base, source, payload);
    return;
  }
  stun::ParseError why{};
  std::optional<stun::Message> message = stun::Parse(payload, &why);
  if (!message) {
    PARLEY_LOG(kVerbose, "ice") << "malformed STUN from " << source << ": "
                                << stun::ParseErrorName(why);
    ++counters_.dropped_malformed;
    return;
  }
  // RFC 8445 §7.3 / RFC 8489 §7.3: a FINGERPRINT, when present, must be right.
  if (message->fingerprint_offset() &&
      stun::VerifyFingerprint(*message) != stun::IntegrityResult::kOk) {
    ++counters_.dropped_malformed;
    return;
  }
  if (message->method() != stun::Method::kBinding) {
    ++counters_.dropped_unknown;
    return;
  }
  switch (message->message_class()) {
    case stun::MessageClass::kRequest:
      HandleCheckRequest(now, base, source, *message);
      return;
    case stun::MessageClass::kIndication:
      return;  // RFC 8445 §11: a keepalive; nothing to do.
    case stun::MessageClass::kSuccessResponse:
    case stun::MessageClass::kErrorResponse:
      if (HandleCheckResponse(now, base, source, *message)) return;
      if (!gatherer_.candidates()[base].relay &&
          gatherer_.HandleStunResponse(now, *message, source, gatherer_.candidates()[base].base)) {
        return;
      }
      ++counters_.dropped_unknown;
      return;
  }
}

void Agent::HandleData(size_t base, const SocketAddress& source, ByteView payload) {
  CandidatePair* pair = FindDataPair(base, source);
  if (pair == nullptr) {
    ++counters_.dropped_unknown;
    return;
  }
  pair->counters.packets_received++;
  pair->counters.bytes_received += payload.size();
  Push(events_, DataReceived{Bytes(payload.begin(), payload.end()), source});
}

Agent::Session* Agent::FindSession(uint32_t id) {
  if (current_.id == id) return &current_;
  if (previous_ && previous_->id == id) return &*previous_;
  return nullptr;
}

const Agent::Session* Agent::FindSession(uint32_t id) const {
  if (current_.id == id) return &current_;
  if (previous_ && previous_->id == id) return &*previous_;
  return nullptr;
}

}  // namespace parley::ice
