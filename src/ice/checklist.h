// The check list of one ICE agent (RFC 8445 §6.1.2-§6.1.4): candidate pairs with their states,
// ordered by pair priority, the foundation-based freezing, and the triggered-check queue. Pairs
// refer to the agent's local and remote candidate tables by index and carry the session
// (credentials generation, RFC 8445 §9) they belong to. Pointers into the list are invalidated
// by Add, Sort and Erase; hold ids.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "ice/agent_types.h"
#include "stun/types.h"

namespace parley::ice {

struct CandidatePair {
  uint64_t id = 0;
  uint32_t session = 0;
  size_t local = 0;        // The local base: a host or relayed candidate (RFC 8445 §6.1.2.4).
  size_t remote = 0;       // The remote candidate.
  std::string foundation;  // Local and remote foundations (§6.1.2.6).
  uint32_t local_priority = 0;
  uint32_t remote_priority = 0;
  uint64_t priority = 0;  // §6.1.2.3, from the agent's role.
  PairState state = PairState::kFrozen;
  bool nominated = false;
  // Controlled agent: USE-CANDIDATE arrived while the pair was not yet valid (§7.3.1.5).
  bool nominate_on_success = false;
  // Controlling agent: a check with USE-CANDIDATE is under way.
  bool nominating = false;
  // The peer sent an authenticated check on this pair (it knows our password and is there).
  bool remote_authenticated = false;
  // §7.2.5.3.2: the local candidate the peer saw (the mapped address of the successful check):
  // the base itself, a server-reflexive or a peer-reflexive candidate.
  std::optional<size_t> valid_local;
  // The check whose failure fails the pair (a newer triggered check supersedes older ones).
  std::optional<stun::TransactionId> active_check;
  std::optional<Timestamp> last_sent;  // Anything: checks, consent, keepalives, data.
  std::optional<Timestamp> last_response;
  CandidatePairStats counters;  // local/remote/state/priority filled in by GetStats().
};

class CheckList {
 public:
  // RFC 8445 §6.1.2.5: the limit on pairs per check list (lowest priorities dropped).
  static constexpr size_t kMaxPairs = 100;

  CandidatePair* Find(uint64_t id);
  const CandidatePair* Find(uint64_t id) const;
  CandidatePair* Find(uint32_t session, size_t local, size_t remote);

  // Adds a pair (priority computed for `role`) in the state RFC 8838 §10 gives a new pair:
  // Waiting when no pair of its foundation is Waiting or In-Progress (or one has Succeeded),
  // else Frozen. §6.1.2.4: if a pair with the same local base and remote exists, returns it
  // instead. Returns nullptr when the list is full and the pair ranks below all others.
  CandidatePair* Add(CandidatePair pair, Role role);

  // Recomputes every pair priority (after a role switch or a remote priority change) and
  // re-sorts.
  void Reprioritize(Role role);
  // §7.2.5.3.3: every Frozen pair of `foundation` becomes Waiting.
  void UnfreezeFoundation(uint32_t session, const std::string& foundation);

  // §6.1.4.2: the highest-priority Waiting pair accepted by `eligible`; else the highest-
  // priority Frozen one (which becomes Waiting). nullptr when none.
  CandidatePair* NextOrdinary(uint32_t session,
                              const std::function<bool(const CandidatePair&)>& eligible);

  // §6.1.4.1: the triggered-check queue (FIFO; a pair appears at most once).
  void PushTriggered(uint64_t id, bool use_candidate = false);
  // The first queued pair accepted by `eligible`, removed from the queue.
  struct Triggered {
    uint64_t id;
    bool use_candidate;
  };
  std::optional<Triggered> PopTriggered(const std::function<bool(const CandidatePair&)>& eligible);
  bool HasTriggered() const { return !triggered_.empty(); }
  bool IsTriggered(uint64_t id) const;

  void EraseIf(const std::function<bool(const CandidatePair&)>& predicate);

  std::vector<CandidatePair>& pairs() { return pairs_; }
  const std::vector<CandidatePair>& pairs() const { return pairs_; }
  size_t CountInSession(uint32_t session) const;

 private:
  void Sort();

  std::vector<CandidatePair> pairs_;  // Highest priority first (ties: oldest first).
  std::deque<Triggered> triggered_;
  uint64_t next_id_ = 1;
};

// RFC 8445 §6.1.2.3 for a pair from the agent's view.
uint64_t ComputePairPriority(Role role, uint32_t local_priority, uint32_t remote_priority);

}  // namespace parley::ice
