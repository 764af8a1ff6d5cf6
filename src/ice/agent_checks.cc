// Connectivity checks (RFC 8445 §6.1.4, §7): scheduling, sending, answering and learning from
// their responses; role conflicts (§7.2.5.1, §7.3.1.1).
#include <algorithm>

#include "base/logging.h"
#include "ice/agent.h"
#include "ice/check_messages.h"
#include "ice/queue.h"
#include "stun/integrity.h"

namespace parley::ice {
namespace {

// RFC 8445 §14.3: RTO = MAX(500 ms, Ta * N) with N the pairs Waiting or In-Progress; RFC 8489
// §6.2.1 retransmissions (7 sends), the interval capped so that an unanswered check fails after
// about 10 s, as in browsers, rather than the 39.5 s of plain STUN.
stun::RetransmissionConfig CheckRetransmission(TimeDelta rto) {
  stun::RetransmissionConfig config;
  config.initial_rto = rto;
  config.max_transmissions = 7;
  config.max_rto = std::max(TimeDelta::Millis(1600), rto);
  config.final_wait_multiplier = 4;
  return config;
}

// RFC 7675 §5.1: consent checks are not retransmitted (the next one follows soon); a response
// still counts for 5 s.
stun::RetransmissionConfig ConsentRetransmission() {
  stun::RetransmissionConfig config;
  config.initial_rto = TimeDelta::Millis(500);
  config.max_transmissions = 1;
  config.final_wait_multiplier = 10;
  return config;
}

}  // namespace

bool Agent::Sendable(const CandidatePair& pair) const {
  const Session* session = FindSession(pair.session);
  if (session == nullptr || !session->remote) return false;
  const LocalCandidateInfo& local = gatherer_.candidates()[pair.local];
  if (!local.usable) return false;
  // A relayed pair waits for its permission (RFC 8656 §9); other pairs go ahead meanwhile.
  if (local.relay && !gatherer_.HasPermission(pair.local, remote_[pair.remote].address.ip())) {
    return false;
  }
  return true;
}

bool Agent::HasCheckWork() const {
  if (closed_ || !current_.remote) return false;
  for (const CandidatePair& pair : checklist_.pairs()) {
    if (pair.session != current_.id || !Sendable(pair)) continue;
    if (pair.state == PairState::kWaiting || pair.state == PairState::kFrozen ||
        checklist_.IsTriggered(pair.id)) {
      return true;
    }
  }
  return false;
}

void Agent::RunScheduler(Timestamp now) {
  if (closed_ || !current_.remote) return;
  // RFC 8445 §6.1.4.2: one check per Ta, triggered checks first; the first check at once.
  if (check_sent_ && now < next_check_at_) return;
  const uint32_t session = current_.id;
  auto eligible = [&](const CandidatePair& pair) {
    return pair.session == session && Sendable(pair);
  };
  if (auto triggered = checklist_.PopTriggered(eligible)) {
    SendCheck(now, triggered->id, triggered->use_candidate, false);
  } else if (CandidatePair* pair = checklist_.NextOrdinary(session, eligible)) {
    SendCheck(now, pair->id, false, false);
  } else {
    return;
  }
  check_sent_ = true;
  next_check_at_ = now + config_.check_pacing;
}

void Agent::SendCheck(Timestamp now, uint64_t pair_id, bool use_candidate, bool consent) {
  CandidatePair* pair = checklist_.Find(pair_id);
  if (pair == nullptr) return;
  const Session* session = FindSession(pair->session);
  if (session == nullptr || !session->remote) return;
  const bool nominate =
      role_ == Role::kControlling && !consent && (use_candidate || config_.aggressive_nomination);
  // RFC 8445 §7.1.1-§7.1.3.
  const CheckParams params{.local_ufrag = session->local.ufrag,
                           .remote_ufrag = session->remote->ufrag,
                           .remote_pwd = session->remote->pwd,
                           .priority = gatherer_.PeerReflexivePriority(pair->local),
                           .role = role_,
                           .tie_breaker = tie_breaker_,
                           .use_candidate = nominate};
  size_t waiting = 0;
  for (const CandidatePair& p : checklist_.pairs()) {
    if (p.state == PairState::kWaiting || p.state == PairState::kInProgress) ++waiting;
  }
  const TimeDelta rto = std::max(TimeDelta::Millis(500), config_.check_pacing * waiting);
  stun::ClientTransaction transaction(BuildCheckRequest(params, random_),
                                      consent ? ConsentRetransmission() : CheckRetransmission(rto));
  transaction.Start(now);
  const stun::TransactionId id = transaction.id();
  Bytes wire(transaction.request().begin(), transaction.request().end());
  const size_t local = pair->local;
  const SocketAddress to = remote_[pair->remote].address;
  if (consent) {
    pair->counters.consent_requests_sent++;
  } else {
    CancelCheck(pair->active_check);
    pair->active_check = id;
    if (pair->state != PairState::kSucceeded) pair->state = PairState::kInProgress;
    if (nominate) pair->nominating = true;
    pair->counters.requests_sent++;
  }
  pair->last_sent = now;
  checks_.emplace(id, Check{std::move(transaction), pair_id, session->remote->pwd, local, to,
                            params.priority, role_, nominate, consent, false});
  SendFrom(now, local, to, std::move(wire));
}

void Agent::CancelCheck(const std::optional<stun::TransactionId>& id) {
  if (!id) return;
  if (auto it = checks_.find(*id); it != checks_.end()) it->second.cancelled = true;
}

void Agent::RunCheckTimers(Timestamp now) {
  for (auto it = checks_.begin(); it != checks_.end();) {
    Check& check = it->second;
    const std::optional<Timestamp> due = check.transaction.NextTimeout();
    if (!due || *due > now) {
      ++it;
      continue;
    }
    switch (check.transaction.HandleTimeout(now)) {
      case stun::ClientTransaction::TimeoutAction::kRetransmit:
        if (!check.cancelled && !check.consent) {
          if (CandidatePair* pair = checklist_.Find(check.pair)) {
            pair->counters.requests_sent++;
            pair->last_sent = now;
          }
          SendFrom(now, check.local, check.remote,
                   Bytes(check.transaction.request().begin(), check.transaction.request().end()));
        }
        ++it;
        break;
      case stun::ClientTransaction::TimeoutAction::kTimedOut: {
        const stun::TransactionId id = it->first;
        const Check done = std::move(check);
        it = checks_.erase(it);
        OnCheckTimedOut(now, id, done);
        break;
      }
      case stun::ClientTransaction::TimeoutAction::kNone:
        ++it;
        break;
    }
  }
}

void Agent::OnCheckTimedOut(Timestamp now, const stun::TransactionId& id, const Check& check) {
  (void)now;
  if (check.consent || check.cancelled) return;
  CandidatePair* pair = checklist_.Find(check.pair);
  if (pair == nullptr || pair->active_check != id) return;
  // RFC 8445 §7.2.5.2.1 (no response): the pair fails.
  PARLEY_LOG(kVerbose, "ice") << "check " << stun::ToHex(id) << " to " << check.remote
                              << " timed out";
  FailPair(*pair);
}

void Agent::FailPair(CandidatePair& pair) {
  pair.state = PairState::kFailed;
  pair.active_check.reset();
  pair.nominating = false;
  pair.nominated = false;
}

void Agent::HandleCheckRequest(Timestamp now, size_t base, const SocketAddress& source,
                               const stun::Message& request) {
  // RFC 8445 §7.3: USERNAME "ours:theirs" and MESSAGE-INTEGRITY with our password, else the
  // request is dropped (not answered: nobody without the password learns anything).
  const std::optional<stun::Username> username = request.Get<stun::Username>();
  const std::optional<CheckUsername> split =
      username ? SplitUsername(username->value) : std::nullopt;
  Session* session = nullptr;
  if (split) {
    if (split->local_ufrag == current_.local.ufrag) {
      session = &current_;
    } else if (previous_ && split->local_ufrag == previous_->local.ufrag) {
      session = &*previous_;
    }
  }
  if (session == nullptr ||
      stun::VerifyIntegrity(request, stun::IntegrityKey::ShortTerm(session->local.pwd)) !=
          stun::IntegrityResult::kOk) {
    ++counters_.dropped_bad_integrity;
    return;
  }
  const std::string local_pwd = session->local.pwd;
  const uint32_t session_id = session->id;
  // RFC 8489 §6.3.1.1: unknown comprehension-required attributes get a 420.
  if (auto unknown = request.UnknownComprehensionRequired(); !unknown.empty()) {
    const stun::IntegrityKey key = stun::IntegrityKey::ShortTerm(local_pwd);
    SendFrom(now, base, source,
             stun::Message::UnknownAttributesResponse(request, std::move(unknown))
                 .Serialize({.key = &key, .fingerprint = true}));
    return;
  }
  const std::optional<stun::Priority> priority = request.Get<stun::Priority>();
  if (!priority) {
    ++counters_.dropped_malformed;  // RFC 8445 §7.1.1: PRIORITY is mandatory.
    return;
  }

  // RFC 8445 §7.3.1.1: role conflicts.
  const auto controlling = request.Get<stun::IceControlling>();
  const auto controlled = request.Get<stun::IceControlled>();
  if (role_ == Role::kControlling && controlling) {
    ++counters_.role_conflicts;
    if (tie_breaker_ >= controlling->value) {
      SendFrom(now, base, source,
               BuildCheckError(request, stun::error_code::kRoleConflict, local_pwd));
      return;
    }
    SwitchRole(now, Role::kControlled);
  } else if (role_ == Role::kControlled && controlled) {
    ++counters_.role_conflicts;
    if (tie_breaker_ >= controlled->value) {
      SwitchRole(now, Role::kControlling);
    } else {
      SendFrom(now, base, source,
               BuildCheckError(request, stun::error_code::kRoleConflict, local_pwd));
      return;
    }
  }

  // RFC 8445 §7.3.1.2: success, from the base it arrived on, to where it came from.
  SendFrom(now, base, source, BuildCheckSuccess(request, source, local_pwd));
  ++counters_.checks_answered;

  session = FindSession(session_id);
  // Checks of another generation of the peer (its restart, before we know the new credentials)
  // are answered but teach us nothing.
  const bool same_generation = !session->remote || split->remote_ufrag == session->remote->ufrag;
  std::optional<size_t> remote = FindRemote(session_id, source);
  if (!remote && (session_id != current_.id || !same_generation)) return;
  if (!remote) {
    // RFC 8445 §7.3.1.3: a peer-reflexive remote candidate (within limits; the check was
    // answered anyway).
    if (!MayLearnPeerReflexive(session_id, base, source.ip())) return;
    remote = AddPeerReflexiveRemote(source, priority->value, session_id);
  }
  CandidatePair* pair = checklist_.Find(session_id, base, *remote);
  if (pair == nullptr) {
    if (session_id != current_.id || !same_generation) return;
    // RFC 8445 §7.3.1.4: a new pair, Waiting, with a triggered check.
    pair = MakePair(now, base, *remote);
    if (pair == nullptr) return;
    pair->state = PairState::kWaiting;
    checklist_.PushTriggered(pair->id);
  } else if (same_generation && session_id == current_.id) {
    switch (pair->state) {
      case PairState::kSucceeded:
        break;
      case PairState::kInProgress:
        // §7.3.1.4: cancel the transaction in progress (it may still be answered) and check
        // again at once.
        CancelCheck(pair->active_check);
        pair->active_check.reset();
        pair->state = PairState::kWaiting;
        checklist_.PushTriggered(pair->id);
        break;
      case PairState::kFrozen:
      case PairState::kWaiting:
      case PairState::kFailed:
        pair->state = PairState::kWaiting;
        checklist_.PushTriggered(pair->id);
        break;
    }
  }
  pair->remote_authenticated = true;
  pair->counters.requests_received++;
  pair->counters.responses_sent++;
  // RFC 8445 §7.3.1.5: nomination by the controlling peer (regular or aggressive).
  if (request.Has<stun::UseCandidate>() && role_ == Role::kControlled && same_generation) {
    if (pair->state == PairState::kSucceeded) {
      pair->nominated = true;
    } else {
      pair->nominate_on_success = true;
    }
  }
}

bool Agent::HandleCheckResponse(Timestamp now, size_t base, const SocketAddress& source,
                                const stun::Message& response) {
  auto it = checks_.find(response.transaction_id());
  if (it == checks_.end()) return false;
  Check& check = it->second;
  // RFC 8445 §7.2.5: the response must carry our peer's MESSAGE-INTEGRITY; a forged or
  // corrupted one is dropped and the transaction goes on.
  if (stun::VerifyIntegrity(response, stun::IntegrityKey::ShortTerm(check.remote_pwd)) !=
      stun::IntegrityResult::kOk) {
    ++counters_.dropped_bad_integrity;
    return true;
  }
  if (!check.transaction.HandleResponse(now, response)) {
    ++counters_.dropped_unknown;
    return true;
  }
  const stun::TransactionId id = it->first;
  const Check done = std::move(check);
  checks_.erase(it);
  CandidatePair* pair = checklist_.Find(done.pair);
  if (pair == nullptr) return true;
  const bool active = pair->active_check == id;

  // RFC 8445 §7.2.5.2.1: the source and destination must be symmetric with the request's.
  if (source != done.remote ||
      gatherer_.candidates()[base].base != gatherer_.candidates()[done.local].base) {
    if (active && !done.consent) FailPair(*pair);
    return true;
  }
  if (response.is_error_response()) {
    pair->counters.responses_received++;
    const auto error = response.Get<stun::ErrorCode>();
    if (error && error->code == stun::error_code::kRoleConflict) {
      // RFC 8445 §7.2.5.1: switch role (unless already switched) and check again.
      ++counters_.role_conflicts;
      if (done.role == role_) {
        SwitchRole(now, role_ == Role::kControlling ? Role::kControlled : Role::kControlling);
      }
      pair = checklist_.Find(done.pair);
      if (pair != nullptr && !done.consent) {
        if (active) pair->active_check.reset();
        if (pair->state != PairState::kSucceeded) pair->state = PairState::kWaiting;
        checklist_.PushTriggered(pair->id);
      }
    } else if (active && !done.consent) {
      FailPair(*pair);  // §7.2.5.2.4: any other error fails the pair.
    }
    return true;
  }
  OnCheckSuccess(now, done, response, done.transaction.rtt());
  if (CandidatePair* p = checklist_.Find(done.pair); p != nullptr && p->active_check == id) {
    p->active_check.reset();
  }
  return true;
}

void Agent::OnCheckSuccess(Timestamp now, const Check& check, const stun::Message& response,
                           std::optional<TimeDelta> rtt) {
  CandidatePair* pair = checklist_.Find(check.pair);
  if (pair == nullptr) return;
  pair->counters.responses_received++;
  pair->counters.last_response_received = now;
  if (rtt) {
    pair->counters.current_rtt = rtt;
    pair->counters.total_rtt += *rtt;
    pair->counters.rtt_samples++;
  }
  pair->last_response = now;
  if (selected_ == pair->id) consent_.OnResponse(now);  // RFC 7675 §5.1.
  const std::optional<stun::XorMappedAddress> mapped = response.Get<stun::XorMappedAddress>();
  if (!mapped) {
    if (!check.consent) FailPair(*pair);
    return;
  }
  if (check.consent && pair->state == PairState::kSucceeded) return;

  // RFC 8445 §7.2.5.3.1: the mapped address is a local candidate, or a new peer-reflexive one.
  const SocketAddress base = gatherer_.candidates()[check.local].base;
  const std::optional<size_t> known = gatherer_.Find(mapped->address, base);
  const size_t valid_local =
      known ? *known : gatherer_.AddPeerReflexive(mapped->address, check.local, check.priority);
  // §7.2.5.3.2-§7.2.5.3.3: the pair is valid; its foundation's frozen pairs wake up.
  pair->valid_local = valid_local;
  pair->state = PairState::kSucceeded;
  if (Session* session = FindSession(pair->session); session && !session->first_valid) {
    session->first_valid = now;
  }
  checklist_.UnfreezeFoundation(pair->session, pair->foundation);
  pair = checklist_.Find(check.pair);
  // §7.2.5.3.4 / §8.1.1: our USE-CANDIDATE check succeeded, or (controlled) the peer's
  // nomination arrived before this pair was valid (§7.3.1.5).
  if (check.use_candidate) {
    pair->nominating = false;
    if (role_ == Role::kControlling && check.role == Role::kControlling) pair->nominated = true;
  }
  if (pair->nominate_on_success && role_ == Role::kControlled) {
    pair->nominated = true;
    pair->nominate_on_success = false;
  }
  UpdateSelectedPair(now);
}

void Agent::SwitchRole(Timestamp now, Role role) {
  (void)now;
  if (role == role_) return;
  PARLEY_LOG(kInfo, "ice") << "role conflict: switching to " << role;
  AdoptRole(role);
  Push(events_, RoleChanged{role});
}

void Agent::SetRole(Timestamp now, Role role) {
  last_now_ = now;
  if (role == role_ || closed_) return;
  AdoptRole(role);
  Process(now);
}

void Agent::AdoptRole(Role role) {
  role_ = role;
  checklist_.Reprioritize(role_);
  // Nomination belongs to the controlling agent, whoever that now is.
  for (CandidatePair& pair : checklist_.pairs()) {
    pair.nominated = false;
    pair.nominating = false;
    pair.nominate_on_success = false;
  }
}

}  // namespace parley::ice
