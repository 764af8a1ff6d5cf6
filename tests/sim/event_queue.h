// The virtual clock and its event queue. Events run in (time, insertion sequence) order, so two
// events due at the same instant run in the order they were scheduled and every run with the same
// inputs is identical. Time only moves when the driver jumps to the earliest pending event: there
// is no real clock, sleep or thread anywhere.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>

#include "base/time.h"

namespace parley::sim {

// Identifies a scheduled event, for Cancel().
struct EventId {
  Timestamp at;
  uint64_t sequence = 0;
  auto operator<=>(const EventId&) const = default;
};

class EventQueue {
 public:
  using Callback = std::function<void()>;

  explicit EventQueue(Timestamp start) : now_(start) {}
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  Timestamp now() const { return now_; }

  // A time in the past means "as soon as possible": the event runs at now(), after the events
  // already due at now().
  EventId Schedule(Timestamp at, Callback fn);
  EventId Schedule(TimeDelta delay, Callback fn) { return Schedule(now_ + delay, std::move(fn)); }
  // False when the event already ran or was cancelled.
  bool Cancel(const EventId& id) { return events_.erase(id) > 0; }

  bool empty() const { return events_.empty(); }
  size_t size() const { return events_.size(); }
  // When the earliest pending event is due (nullopt when none is pending).
  std::optional<Timestamp> NextEventTime() const;

  // Advances the clock to the earliest event and runs it. False when nothing is pending.
  bool Step();
  // Runs every event due up to and including `deadline`, then sets the clock to `deadline`.
  void RunTo(Timestamp deadline);
  void RunFor(TimeDelta duration) { RunTo(now_ + duration); }
  // Runs events until `done()` holds (checked before the first and after every event) or the next
  // event lies beyond `deadline`; in the latter case the clock stops at `deadline`. Returns done().
  bool RunUntil(const std::function<bool()>& done, Timestamp deadline);
  bool RunUntil(const std::function<bool()>& done, TimeDelta limit) {
    return RunUntil(done, now_ + limit);
  }

 private:
  // A machine that keeps asking to be woken "now" would spin forever without advancing time;
  // this many events at one instant is treated as such a livelock and aborts with a message.
  static constexpr uint64_t kMaxEventsPerInstant = 1'000'000;

  Timestamp now_;
  uint64_t next_sequence_ = 0;
  uint64_t events_this_instant_ = 0;
  std::map<EventId, Callback> events_;
};

}  // namespace parley::sim
