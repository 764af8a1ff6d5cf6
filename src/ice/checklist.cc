#include "ice/checklist.h"

#include <algorithm>

#include "ice/priority.h"

namespace parley::ice {

uint64_t ComputePairPriority(Role role, uint32_t local_priority, uint32_t remote_priority) {
  return role == Role::kControlling ? PairPriority(local_priority, remote_priority)
                                    : PairPriority(remote_priority, local_priority);
}

CandidatePair* CheckList::Find(uint64_t id) {
  for (CandidatePair& pair : pairs_) {
    if (pair.id == id) return &pair;
  }
  return nullptr;
}

const CandidatePair* CheckList::Find(uint64_t id) const {
  for (const CandidatePair& pair : pairs_) {
    if (pair.id == id) return &pair;
  }
  return nullptr;
}

CandidatePair* CheckList::Find(uint32_t session, size_t local, size_t remote) {
  for (CandidatePair& pair : pairs_) {
    if (pair.session == session && pair.local == local && pair.remote == remote) return &pair;
  }
  return nullptr;
}

size_t CheckList::CountInSession(uint32_t session) const {
  return static_cast<size_t>(std::count_if(pairs_.begin(), pairs_.end(),
                                           [&](const auto& p) { return p.session == session; }));
}

CandidatePair* CheckList::Add(CandidatePair pair, Role role) {
  if (CandidatePair* existing = Find(pair.session, pair.local, pair.remote)) return existing;
  pair.priority = ComputePairPriority(role, pair.local_priority, pair.remote_priority);

  // §6.1.2.5: keep at most kMaxPairs; drop the lowest-priority pair that is not being used.
  if (CountInSession(pair.session) >= kMaxPairs) {
    auto victim = std::find_if(pairs_.rbegin(), pairs_.rend(), [&](const CandidatePair& p) {
      return p.session == pair.session &&
             (p.state == PairState::kFrozen || p.state == PairState::kWaiting ||
              p.state == PairState::kFailed) &&
             !IsTriggered(p.id);
    });
    if (victim == pairs_.rend() || victim->priority >= pair.priority) return nullptr;
    pairs_.erase(std::next(victim).base());
  }

  // RFC 8838 §10 (and RFC 8445 §6.1.2.6 for the initial list).
  bool foundation_active = false;
  bool foundation_succeeded = false;
  for (const CandidatePair& p : pairs_) {
    if (p.session != pair.session || p.foundation != pair.foundation) continue;
    if (p.state == PairState::kWaiting || p.state == PairState::kInProgress) {
      foundation_active = true;
    }
    if (p.state == PairState::kSucceeded) foundation_succeeded = true;
  }
  pair.state =
      (foundation_succeeded || !foundation_active) ? PairState::kWaiting : PairState::kFrozen;
  pair.id = next_id_++;
  const uint64_t id = pair.id;
  pairs_.push_back(std::move(pair));
  Sort();
  return Find(id);
}

void CheckList::Sort() {
  std::stable_sort(pairs_.begin(), pairs_.end(),
                   [](const CandidatePair& a, const CandidatePair& b) {
                     if (a.priority != b.priority) return a.priority > b.priority;
                     return a.id < b.id;
                   });
}

void CheckList::Reprioritize(Role role) {
  for (CandidatePair& pair : pairs_) {
    pair.priority = ComputePairPriority(role, pair.local_priority, pair.remote_priority);
  }
  Sort();
}

void CheckList::UnfreezeFoundation(uint32_t session, const std::string& foundation) {
  for (CandidatePair& pair : pairs_) {
    if (pair.session == session && pair.state == PairState::kFrozen &&
        pair.foundation == foundation) {
      pair.state = PairState::kWaiting;
    }
  }
}

CandidatePair* CheckList::NextOrdinary(uint32_t session,
                                       const std::function<bool(const CandidatePair&)>& eligible) {
  for (CandidatePair& pair : pairs_) {
    if (pair.session == session && pair.state == PairState::kWaiting && eligible(pair)) {
      return &pair;
    }
  }
  for (CandidatePair& pair : pairs_) {
    if (pair.session == session && pair.state == PairState::kFrozen && eligible(pair)) {
      pair.state = PairState::kWaiting;
      return &pair;
    }
  }
  return nullptr;
}

bool CheckList::IsTriggered(uint64_t id) const {
  return std::any_of(triggered_.begin(), triggered_.end(),
                     [&](const Triggered& t) { return t.id == id; });
}

void CheckList::PushTriggered(uint64_t id, bool use_candidate) {
  for (Triggered& t : triggered_) {
    if (t.id == id) {
      t.use_candidate = t.use_candidate || use_candidate;
      return;
    }
  }
  triggered_.push_back({id, use_candidate});
}

std::optional<CheckList::Triggered> CheckList::PopTriggered(
    const std::function<bool(const CandidatePair&)>& eligible) {
  for (auto it = triggered_.begin(); it != triggered_.end();) {
    const CandidatePair* pair = Find(it->id);
    if (pair == nullptr) {
      it = triggered_.erase(it);
      continue;
    }
    if (eligible(*pair)) {
      const Triggered out = *it;
      triggered_.erase(it);
      return out;
    }
    ++it;
  }
  return std::nullopt;
}

void CheckList::EraseIf(const std::function<bool(const CandidatePair&)>& predicate) {
  std::erase_if(pairs_, predicate);
  std::erase_if(triggered_, [&](const Triggered& t) { return Find(t.id) == nullptr; });
}

}  // namespace parley::ice
