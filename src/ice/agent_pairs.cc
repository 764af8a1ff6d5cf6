// Remote candidates and candidate pairs (RFC 8445 §6.1.2, RFC 8838 §10-§11).
#include <algorithm>

#include "base/logging.h"
#include "ice/agent.h"
#include "ice/queue.h"

namespace parley::ice {

std::optional<size_t> Agent::FindRemote(uint32_t session, const SocketAddress& address) const {
  for (size_t i = 0; i < remote_.size(); ++i) {
    if (remote_[i].session == session && remote_[i].address == address) return i;
  }
  return std::nullopt;
}

void Agent::AddRemote(Timestamp now, const Candidate& candidate, const SocketAddress& address,
                      uint32_t session) {
  Session* s = FindSession(session);
  if (s == nullptr) return;
  s->last_remote_candidate = now;
  if (auto existing = FindRemote(session, address)) {
    RemoteCandidateInfo& info = remote_[*existing];
    if (!info.peer_reflexive) return;  // A duplicate.
    // RFC 8445 §7.3.1.3 / RFC 8838 §11.4: the peer-reflexive candidate we learned is now
    // signaled; it takes the signaled type, priority and foundation.
    info.candidate = candidate;
    info.peer_reflexive = false;
    for (CandidatePair& pair : checklist_.pairs()) {
      if (pair.remote != *existing) continue;
      pair.remote_priority = candidate.priority;
      pair.foundation =
          gatherer_.candidates()[pair.local].candidate.foundation + ":" + candidate.foundation;
    }
    checklist_.Reprioritize(role_);
    if (const CandidatePair* sel = selected(); sel != nullptr && sel->remote == *existing) {
      Push(events_, SelectedPairChanged{PairLocalCandidate(*sel), info.candidate});
    }
    for (size_t local = 0; local < gatherer_.candidates().size(); ++local) {
      if (IsBase(local)) MakePair(now, local, *existing);
    }
    return;
  }
  if (std::count_if(remote_.begin(), remote_.end(), [&](const RemoteCandidateInfo& r) {
        return r.session == session;
      }) >= static_cast<long>(kMaxRemoteCandidates)) {
    PARLEY_LOG(kWarning, "ice") << "too many remote candidates; ignoring " << candidate;
    return;
  }
  remote_.push_back({candidate, address, session, false});
  ++counters_.remote_candidates;
  const size_t index = remote_.size() - 1;
  for (size_t local = 0; local < gatherer_.candidates().size(); ++local) {
    if (IsBase(local)) MakePair(now, local, index);
  }
}

size_t Agent::AddPeerReflexiveRemote(const SocketAddress& source, uint32_t priority,
                                     uint32_t session) {
  // RFC 8445 §7.3.1.3: priority from the request's PRIORITY, a foundation of its own.
  Candidate candidate = Candidate::Make(random_.String(8, Random::kIceChars),
                                        CandidateType::kPeerReflexive, priority, source);
  remote_.push_back({std::move(candidate), source, session, true});
  ++counters_.remote_candidates;
  return remote_.size() - 1;
}

bool Agent::MayLearnPeerReflexive(uint32_t session, size_t base, const IpAddress& ip) const {
  size_t remote_count = 0;
  size_t unproven = 0;
  for (const CandidatePair& pair : checklist_.pairs()) {
    if (pair.session != session || pair.local != base) continue;
    const RemoteCandidateInfo& r = remote_[pair.remote];
    if (r.peer_reflexive && r.address.ip() == ip && pair.state != PairState::kSucceeded) {
      ++unproven;
    }
  }
  for (const RemoteCandidateInfo& r : remote_)
    remote_count += r.session == session;
  return remote_count < kMaxRemoteCandidates && unproven < kMaxUnprovenPeerReflexive;
}

bool Agent::IsBase(size_t local) const {
  // RFC 8445 §6.1.2.4: pairs use bases only (a server-reflexive candidate is replaced by its
  // host base, which pairs anyway). Policy "relay" pairs relayed candidates only.
  const LocalCandidateInfo& info = gatherer_.candidates()[local];
  if (!info.usable || !info.signaled) return false;
  if (info.candidate.type == CandidateType::kRelay) return true;
  return info.candidate.type == CandidateType::kHost && config_.policy == TransportPolicy::kAll;
}

bool Agent::CanPair(size_t local, size_t remote) const {
  // RFC 8445 §6.1.2.2: same component (always 1 here) and same IP address family.
  return IsBase(local) &&
         gatherer_.candidates()[local].address.family() == remote_[remote].address.family();
}

void Agent::PairLocal(Timestamp now, size_t local) {
  for (size_t remote = 0; remote < remote_.size(); ++remote) {
    if (remote_[remote].session == current_.id) MakePair(now, local, remote);
  }
}

CandidatePair* Agent::MakePair(Timestamp now, size_t local, size_t remote) {
  if (!CanPair(local, remote)) return nullptr;
  const LocalCandidateInfo& l = gatherer_.candidates()[local];
  const RemoteCandidateInfo& r = remote_[remote];
  CandidatePair pair;
  pair.session = r.session;
  pair.local = local;
  pair.remote = remote;
  pair.foundation = l.candidate.foundation + ":" + r.candidate.foundation;
  pair.local_priority = l.candidate.priority;
  pair.remote_priority = r.candidate.priority;
  CandidatePair* added = checklist_.Add(std::move(pair), role_);
  // RFC 8656 §9: a relayed candidate needs a permission before the peer's packets get through
  // (and before our checks are sent, see Sendable()).
  if (added != nullptr && l.relay) {
    const IpAddress peer = r.address.ip();
    const uint64_t id = added->id;
    gatherer_.CreatePermission(now, local, peer);
    added = checklist_.Find(id);
  }
  return added;
}

CandidatePair* Agent::FindDataPair(size_t base, const SocketAddress& source) {
  // RFC 8445 §12: data is accepted on pairs known to work: valid ones, and ones the peer
  // checked us on with our password.
  if (CandidatePair* sel = selected();
      sel != nullptr && sel->local == base && remote_[sel->remote].address == source) {
    return sel;
  }
  for (CandidatePair& pair : checklist_.pairs()) {
    if (pair.local != base || remote_[pair.remote].address != source) continue;
    if (pair.state == PairState::kSucceeded || pair.remote_authenticated) return &pair;
  }
  return nullptr;
}

void Agent::OnRelayLost(Timestamp now, size_t candidate) {
  for (CandidatePair& pair : checklist_.pairs()) {
    if (pair.local != candidate) continue;
    CancelCheck(pair.active_check);
    pair.active_check.reset();
    pair.state = PairState::kFailed;
    pair.nominated = false;
    pair.nominating = false;
  }
  UpdateSelectedPair(now);
}

}  // namespace parley::ice
