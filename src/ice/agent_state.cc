// Consent freshness and keepalives (RFC 7675, RFC 8445 §11), the connection state as browsers
// report it, and statistics.
#include "base/logging.h"
#include "ice/agent.h"
#include "ice/check_messages.h"
#include "ice/queue.h"

namespace parley::ice {

CandidatePair* Agent::selected() {
  return selected_ ? checklist_.Find(*selected_) : nullptr;
}

const CandidatePair* Agent::selected() const {
  return selected_ ? checklist_.Find(*selected_) : nullptr;
}

const Candidate& Agent::PairLocalCandidate(const CandidatePair& pair) const {
  return gatherer_.candidates()[pair.valid_local.value_or(pair.local)].candidate;
}

std::optional<SelectedPairChanged> Agent::selected_pair() const {
  const CandidatePair* pair = selected();
  if (pair == nullptr) return std::nullopt;
  return SelectedPairChanged{PairLocalCandidate(*pair), remote_[pair->remote].candidate};
}

void Agent::RunConsent(Timestamp now) {
  if (closed_ || consent_expired_) return;
  CandidatePair* pair = selected();
  if (pair == nullptr) return;
  if (consent_.Expired(now)) {
    // RFC 7675 §5.1: no response for the consent timeout: stop sending.
    PARLEY_LOG(kWarning, "ice") << "consent expired on the selected pair";
    consent_expired_ = true;
    consent_.Stop();
    FailPair(*pair);
    selected_.reset();
    return;
  }
  const uint64_t id = pair->id;
  if (consent_.CheckDue(now)) {
    consent_.OnCheckSent(now, random_);
    SendCheck(now, id, false, /*consent=*/true);
  }
  pair = checklist_.Find(id);
  // RFC 8445 §11: a Binding indication when nothing else was sent for the keepalive interval.
  if (pair != nullptr && pair->last_sent && now - *pair->last_sent >= config_.keepalive_interval) {
    pair->last_sent = now;
    pair->counters.keepalives_sent++;
    SendFrom(now, pair->local, remote_[pair->remote].address, BuildKeepalive(random_));
  }
}

void Agent::UpdateConnectionState(Timestamp now) {
  const ConnectionState state = ComputeState(now);
  if (state == state_) return;
  PARLEY_LOG(kInfo, "ice") << "connection state " << state_ << " -> " << state;
  state_ = state;
  Push(events_, ConnectionStateChanged{state});
}

ConnectionState Agent::ComputeState(Timestamp now) const {
  if (closed_) return ConnectionState::kClosed;
  if (consent_expired_) return ConnectionState::kFailed;
  if (selected() != nullptr) {
    if (consent_.Disconnected(now)) return ConnectionState::kDisconnected;
    return Completed() ? ConnectionState::kCompleted : ConnectionState::kConnected;
  }
  if (SessionFailed(now)) return ConnectionState::kFailed;
  if (had_selected_) return ConnectionState::kDisconnected;
  if (current_.remote) {
    const bool anything = !pending_names_.empty() || checklist_.CountInSession(current_.id) > 0 ||
                          std::any_of(remote_.begin(), remote_.end(),
                                      [&](const auto& r) { return r.session == current_.id; });
    if (anything) return ConnectionState::kChecking;
  }
  return state_ == ConnectionState::kNew ? ConnectionState::kNew : ConnectionState::kChecking;
}

bool Agent::SessionFailed(Timestamp now) const {
  // RFC 8445 §7.2.5.4 / RFC 8838 §8: every pair failed, our gathering is over and the peer's
  // candidates are all in (end-of-candidates, or none for kTrickleGrace).
  if (!current_.remote || gatherer_.state() != GatheringState::kComplete) return false;
  for (const PendingName& name : pending_names_) {
    if (name.session == current_.id) return false;
  }
  for (const CandidatePair& pair : checklist_.pairs()) {
    if (pair.session != current_.id) continue;
    if (pair.state != PairState::kFailed && gatherer_.candidates()[pair.local].usable) {
      return false;
    }
  }
  if (current_.end_of_candidates) return true;
  return current_.last_remote_candidate && now >= *current_.last_remote_candidate + kTrickleGrace;
}

bool Agent::Completed() const {
  const CandidatePair* sel = selected();
  if (sel == nullptr || !sel->nominated || sel->session != current_.id) return false;
  if (gatherer_.state() != GatheringState::kComplete || !current_.end_of_candidates) return false;
  for (const CandidatePair& pair : checklist_.pairs()) {
    if (pair.session != current_.id) continue;
    if (pair.state == PairState::kFrozen || pair.state == PairState::kWaiting ||
        pair.state == PairState::kInProgress || checklist_.IsTriggered(pair.id)) {
      return false;
    }
  }
  return true;
}

std::optional<Timestamp> Agent::StateDeadline() const {
  if (closed_ || !current_.last_remote_candidate || state_ == ConnectionState::kFailed) {
    return std::nullopt;
  }
  const Timestamp at = *current_.last_remote_candidate + kTrickleGrace;
  if (at <= last_now_) return std::nullopt;
  return at;
}

AgentStats Agent::GetStats() const {
  AgentStats stats = counters_;
  for (const CandidatePair& pair : checklist_.pairs()) {
    CandidatePairStats s = pair.counters;
    s.local = PairLocalCandidate(pair);
    s.remote = remote_[pair.remote].candidate;
    s.state = pair.state;
    s.nominated = pair.nominated;
    s.selected = selected_ == pair.id;
    s.priority = pair.priority;
    s.last_response_received = pair.last_response;
    stats.pairs.push_back(std::move(s));
  }
  return stats;
}

}  // namespace parley::ice
