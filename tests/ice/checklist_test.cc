// The check list (RFC 8445 §6.1.2-§6.1.4): ordering by pair priority, pruning of redundant pairs,
// the pair limit, initial states and unfreezing by foundation, the triggered-check queue, and
// role switches re-ordering pairs.
#include "ice/checklist.h"

#include <gtest/gtest.h>

#include "ice/priority.h"

namespace parley::ice {
namespace {

CandidatePair Pair(size_t local, size_t remote, uint32_t local_priority, uint32_t remote_priority,
                   std::string foundation, uint32_t session = 1) {
  CandidatePair pair;
  pair.session = session;
  pair.local = local;
  pair.remote = remote;
  pair.local_priority = local_priority;
  pair.remote_priority = remote_priority;
  pair.foundation = std::move(foundation);
  return pair;
}

auto Any() {
  return [](const CandidatePair&) { return true; };
}

TEST(CheckListTest, SortedByPairPriority) {
  CheckList list;
  list.Add(Pair(0, 0, 100, 100, "a"), Role::kControlling);
  list.Add(Pair(0, 1, 300, 300, "b"), Role::kControlling);
  list.Add(Pair(1, 0, 200, 200, "c"), Role::kControlling);
  ASSERT_EQ(list.pairs().size(), 3u);
  EXPECT_EQ(list.pairs()[0].local_priority, 300u);
  EXPECT_EQ(list.pairs()[1].local_priority, 200u);
  EXPECT_EQ(list.pairs()[2].local_priority, 100u);
  EXPECT_EQ(list.pairs()[0].priority, PairPriority(300, 300));
}

TEST(CheckListTest, RedundantPairIsNotAddedTwice) {
  CheckList list;
  CandidatePair* first = list.Add(Pair(0, 0, 100, 100, "a"), Role::kControlling);
  const uint64_t id = first->id;
  CandidatePair* again = list.Add(Pair(0, 0, 999, 999, "a"), Role::kControlling);
  EXPECT_EQ(again->id, id);
  EXPECT_EQ(list.pairs().size(), 1u);
  // Same local and remote in another session is a different pair.
  list.Add(Pair(0, 0, 100, 100, "a", 2), Role::kControlling);
  EXPECT_EQ(list.pairs().size(), 2u);
}

TEST(CheckListTest, InitialStatesFreezeAllButOnePerFoundation) {
  CheckList list;
  // RFC 8838 §10: the first pair of a foundation waits, later ones freeze.
  list.Add(Pair(0, 0, 300, 300, "x"), Role::kControlling);
  list.Add(Pair(0, 1, 200, 200, "x"), Role::kControlling);
  list.Add(Pair(1, 0, 100, 100, "y"), Role::kControlling);
  EXPECT_EQ(list.Find(1, 0, 0)->state, PairState::kWaiting);
  EXPECT_EQ(list.Find(1, 0, 1)->state, PairState::kFrozen);
  EXPECT_EQ(list.Find(1, 1, 0)->state, PairState::kWaiting);
  // §7.2.5.3.3: success unfreezes the foundation.
  list.Find(1, 0, 0)->state = PairState::kSucceeded;
  list.UnfreezeFoundation(1, "x");
  EXPECT_EQ(list.Find(1, 0, 1)->state, PairState::kWaiting);
  // A new pair of a foundation that has succeeded starts Waiting.
  list.Add(Pair(2, 2, 50, 50, "x"), Role::kControlling);
  EXPECT_EQ(list.Find(1, 2, 2)->state, PairState::kWaiting);
}

TEST(CheckListTest, NextOrdinaryPrefersWaitingThenUnfreezes) {
  CheckList list;
  list.Add(Pair(0, 0, 300, 300, "x"), Role::kControlling);
  list.Add(Pair(0, 1, 200, 200, "x"), Role::kControlling);  // Frozen.
  CandidatePair* next = list.NextOrdinary(1, Any());
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->remote, 0u);
  next->state = PairState::kInProgress;
  // No Waiting pair left: the highest Frozen one is unfrozen.
  next = list.NextOrdinary(1, Any());
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->remote, 1u);
  EXPECT_EQ(next->state, PairState::kWaiting);
  next->state = PairState::kFailed;
  EXPECT_EQ(list.NextOrdinary(1, Any()), nullptr);
  // Ineligible pairs are skipped, other sessions ignored.
  list.Add(Pair(5, 5, 10, 10, "z", 2), Role::kControlling);
  EXPECT_EQ(list.NextOrdinary(1, Any()), nullptr);
  EXPECT_EQ(list.NextOrdinary(2, [](const CandidatePair&) { return false; }), nullptr);
  EXPECT_NE(list.NextOrdinary(2, Any()), nullptr);
}

TEST(CheckListTest, TriggeredQueueIsFifoWithoutDuplicates) {
  CheckList list;
  const uint64_t a = list.Add(Pair(0, 0, 100, 100, "a"), Role::kControlling)->id;
  const uint64_t b = list.Add(Pair(0, 1, 300, 300, "b"), Role::kControlling)->id;
  list.PushTriggered(a);
  list.PushTriggered(b);
  list.PushTriggered(a, /*use_candidate=*/true);
  EXPECT_TRUE(list.IsTriggered(a));
  auto first = list.PopTriggered(Any());
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, a);  // FIFO, not by priority.
  EXPECT_TRUE(first->use_candidate);
  // An ineligible entry stays queued behind.
  EXPECT_FALSE(list.PopTriggered([](const CandidatePair&) { return false; }));
  auto second = list.PopTriggered(Any());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, b);
  EXPECT_FALSE(list.HasTriggered());
  // Erased pairs leave the queue.
  list.PushTriggered(a);
  list.EraseIf([&](const CandidatePair& p) { return p.id == a; });
  EXPECT_FALSE(list.HasTriggered());
}

TEST(CheckListTest, RoleSwitchRecomputesPriorities) {
  CheckList list;
  list.Add(Pair(0, 0, 1000, 10, "a"), Role::kControlling);
  EXPECT_EQ(list.pairs()[0].priority, PairPriority(1000, 10));
  list.Reprioritize(Role::kControlled);
  EXPECT_EQ(list.pairs()[0].priority, PairPriority(10, 1000));
  EXPECT_EQ(ComputePairPriority(Role::kControlled, 1000, 10), PairPriority(10, 1000));
}

TEST(CheckListTest, PairLimitDropsLowestPriority) {
  CheckList list;
  for (size_t i = 0; i < CheckList::kMaxPairs; ++i) {
    ASSERT_NE(list.Add(Pair(0, i, 1000 + static_cast<uint32_t>(i), 1000, "f" + std::to_string(i)),
                       Role::kControlling),
              nullptr);
  }
  // Lower than all: refused.
  EXPECT_EQ(list.Add(Pair(1, 0, 1, 1, "low"), Role::kControlling), nullptr);
  // Higher: the lowest goes.
  EXPECT_NE(list.Add(Pair(1, 1, 5000, 5000, "high"), Role::kControlling), nullptr);
  EXPECT_EQ(list.pairs().size(), CheckList::kMaxPairs);
  EXPECT_EQ(list.Find(1, 0, 0), nullptr);
}

}  // namespace
}  // namespace parley::ice
