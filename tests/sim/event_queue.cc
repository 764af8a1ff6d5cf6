#include "sim/event_queue.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace parley::sim {

EventId EventQueue::Schedule(Timestamp at, Callback fn) {
  const EventId id{std::max(at, now_), next_sequence_++};
  events_.emplace(id, std::move(fn));
  return id;
}

std::optional<Timestamp> EventQueue::NextEventTime() const {
  if (events_.empty()) return std::nullopt;
  return events_.begin()->first.at;
}

bool EventQueue::Step() {
  if (events_.empty()) return false;
  auto node = events_.extract(events_.begin());
  if (node.key().at > now_) {
    now_ = node.key().at;
    events_this_instant_ = 0;
  }
  if (++events_this_instant_ > kMaxEventsPerInstant) {
    std::fprintf(stderr,
                 "parley sim: more than %llu events at t=%lldus without time advancing; "
                 "a machine probably keeps returning a deadline that is not in the future\n",
                 static_cast<unsigned long long>(kMaxEventsPerInstant),
                 static_cast<long long>(now_.us()));
    std::abort();
  }
  node.mapped()();
  return true;
}

void EventQueue::RunTo(Timestamp deadline) {
  while (!events_.empty() && events_.begin()->first.at <= deadline)
    Step();
  if (deadline > now_) {
    now_ = deadline;
    events_this_instant_ = 0;
  }
}

bool EventQueue::RunUntil(const std::function<bool()>& done, Timestamp deadline) {
  while (!done()) {
    if (events_.empty() || events_.begin()->first.at > deadline) {
      if (deadline > now_) {
        now_ = deadline;
        events_this_instant_ = 0;
      }
      return done();
    }
    Step();
  }
  return true;
}

}  // namespace parley::sim
