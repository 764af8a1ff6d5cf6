#include "ice/consent.h"

#include <algorithm>

namespace parley::ice {

TimeDelta ConsentTracker::Jittered(Random& random) const {
  // RFC 7675 §5.1: "randomized ... in the range 0.8 to 1.2".
  return config_.interval * (0.8 + 0.4 * random.NextDouble());
}

void ConsentTracker::Start(Timestamp now, Random& random) {
  active_ = true;
  last_response_ = now;
  unanswered_since_.reset();
  next_check_ = now + Jittered(random);
}

void ConsentTracker::OnResponse(Timestamp now) {
  if (!active_) return;
  last_response_ = std::max(last_response_, now);
  unanswered_since_.reset();
}

bool ConsentTracker::CheckDue(Timestamp now) const {
  if (!active_) return false;
  if (now >= next_check_) return true;
  return unanswered_since_ && now >= *unanswered_since_ + config_.retry;
}

void ConsentTracker::OnCheckSent(Timestamp now, Random& random) {
  next_check_ = now + Jittered(random);
  unanswered_since_ = now;
}

bool ConsentTracker::Disconnected(Timestamp now) const {
  return active_ && now - last_response_ >= config_.disconnected_timeout;
}

bool ConsentTracker::Expired(Timestamp now) const {
  return active_ && now - last_response_ >= config_.consent_timeout;
}

std::optional<Timestamp> ConsentTracker::NextTimeout(Timestamp now) const {
  if (!active_) return std::nullopt;
  Timestamp next = next_check_;
  if (unanswered_since_) next = std::min(next, *unanswered_since_ + config_.retry);
  for (TimeDelta limit : {config_.disconnected_timeout, config_.consent_timeout}) {
    const Timestamp at = last_response_ + limit;
    if (at > now) next = std::min(next, at);
  }
  return next;
}

}  // namespace parley::ice
