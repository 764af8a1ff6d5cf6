// Nomination, the selected pair and check-list pruning (RFC 8445 §8).
#include "base/logging.h"
#include "ice/agent.h"
#include "ice/queue.h"

namespace parley::ice {

const CandidatePair* Agent::BestValidPair(uint32_t session) const {
  // The check list is sorted by priority: the first valid pair is the best (§8.1.1).
  for (const CandidatePair& pair : checklist_.pairs()) {
    if (pair.session == session && pair.state == PairState::kSucceeded &&
        gatherer_.candidates()[pair.local].usable) {
      return &pair;
    }
  }
  return nullptr;
}

const CandidatePair* Agent::BestNominatedPair(uint32_t session) const {
  // §8.2: with several nominated pairs (aggressive nomination, or renomination), the highest
  // priority one is selected.
  for (const CandidatePair& pair : checklist_.pairs()) {
    if (pair.session == session && pair.nominated && pair.state == PairState::kSucceeded &&
        gatherer_.candidates()[pair.local].usable) {
      return &pair;
    }
  }
  return nullptr;
}

void Agent::MaybeNominate(Timestamp now) {
  if (closed_ || role_ != Role::kControlling || config_.aggressive_nomination) return;
  const CandidatePair* best = BestValidPair(current_.id);
  if (best == nullptr) return;
  for (const CandidatePair& pair : checklist_.pairs()) {
    if (pair.session == current_.id && pair.nominating) return;  // One at a time.
  }
  uint64_t nominate = 0;
  if (const CandidatePair* nominated = BestNominatedPair(current_.id)) {
    // A better pair succeeded after we nominated: nominate it too (the peer selects the
    // highest-priority nominated pair, as browsers do).
    if (best->priority > nominated->priority) nominate = best->id;
  } else {
    // §8.1.1: regular nomination once the checks that could beat the best valid pair are done,
    // or after kNominationDelay.
    bool better_pending = false;
    for (const CandidatePair& pair : checklist_.pairs()) {
      if (pair.session != current_.id || pair.priority <= best->priority) continue;
      if (pair.state == PairState::kFrozen || pair.state == PairState::kWaiting ||
          pair.state == PairState::kInProgress) {
        better_pending = true;
        break;
      }
    }
    if (!better_pending || now >= *current_.first_valid + kNominationDelay) nominate = best->id;
  }
  if (nominate == 0) return;
  CandidatePair* pair = checklist_.Find(nominate);
  pair->nominating = true;
  checklist_.PushTriggered(nominate, /*use_candidate=*/true);
}

std::optional<Timestamp> Agent::NominationDeadline() const {
  if (closed_ || role_ != Role::kControlling || config_.aggressive_nomination ||
      !current_.first_valid) {
    return std::nullopt;
  }
  const Timestamp at = *current_.first_valid + kNominationDelay;
  if (at <= last_now_ || BestNominatedPair(current_.id) != nullptr) return std::nullopt;
  return at;
}

void Agent::UpdateSelectedPair(Timestamp now) {
  // After consent expired (RFC 7675 §5.1) nothing is selected until an ICE restart.
  if (closed_ || consent_expired_) return;
  const CandidatePair* choice = BestNominatedPair(current_.id);
  if (choice == nullptr) choice = BestValidPair(current_.id);
  if (choice == nullptr && previous_) {
    // During a restart the old pair carries the data until the new session has one (§9).
    const CandidatePair* old = selected();
    if (old != nullptr && old->session == previous_->id && old->state == PairState::kSucceeded &&
        gatherer_.candidates()[old->local].usable) {
      choice = old;
    }
  }
  const std::optional<uint64_t> id = choice ? std::optional<uint64_t>(choice->id) : std::nullopt;
  if (id == selected_) return;
  selected_ = id;
  if (!id) {
    consent_.Stop();
    return;
  }
  had_selected_ = true;
  consent_.Start(now, random_);
  const CandidatePair* pair = selected();
  Push(events_, SelectedPairChanged{PairLocalCandidate(*pair), remote_[pair->remote].candidate});
  PARLEY_LOG(kInfo, "ice") << "selected " << PairLocalCandidate(*pair) << " -> "
                           << remote_[pair->remote].candidate;
  if (pair->session == current_.id && previous_ && !drop_previous_at_) {
    drop_previous_at_ = now + config_.disconnected_timeout;
  }
}

void Agent::PruneAfterNomination() {
  // RFC 8445 §8.1.2 / §8.3: once a pair is nominated, lower-priority pairs are not worth
  // checking: Frozen and Waiting ones go, In-Progress ones stop retransmitting. Higher-priority
  // pairs keep going (they may still win), and so do pairs the peer is checking.
  const CandidatePair* sel = selected();
  if (sel == nullptr || !sel->nominated || sel->session != current_.id) return;
  const uint64_t priority = sel->priority;
  const uint32_t session = sel->session;
  for (CandidatePair& pair : checklist_.pairs()) {
    if (pair.session != session || pair.priority >= priority || pair.remote_authenticated) {
      continue;
    }
    if (pair.state == PairState::kInProgress) {
      CancelCheck(pair.active_check);
      pair.active_check.reset();
      pair.state = PairState::kFailed;
    }
  }
  checklist_.EraseIf([&](const CandidatePair& pair) {
    return pair.session == session && pair.priority < priority && !pair.remote_authenticated &&
           (pair.state == PairState::kFrozen || pair.state == PairState::kWaiting) &&
           !checklist_.IsTriggered(pair.id);
  });
}

}  // namespace parley::ice
