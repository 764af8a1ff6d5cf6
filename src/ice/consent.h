// Consent freshness (RFC 7675) for the pair an agent sends on: when to send consent checks,
// and when the pair counts as disconnected (no response for `disconnected_timeout`, as
// browsers report it) or its consent as expired (no response for `consent_timeout`, §5.1).
//
// Checks go out every `interval` randomized by 0.8..1.2 (§5.1), more often (every `retry`) while
// the last one is unanswered, so that a lost check or response alone neither disconnects nor
// expires the pair.
#pragma once

#include <optional>

#include "base/random.h"
#include "base/time.h"

namespace parley::ice {

struct ConsentConfig {
  TimeDelta interval = TimeDelta::Seconds(5);
  TimeDelta retry = TimeDelta::Seconds(1);
  TimeDelta disconnected_timeout = TimeDelta::Seconds(5);
  TimeDelta consent_timeout = TimeDelta::Seconds(30);
};

class ConsentTracker {
 public:
  explicit ConsentTracker(ConsentConfig config = {}) : config_(config) {}

  // A pair was selected at `now` (its check just succeeded, which counts as a response).
  void Start(Timestamp now, Random& random);
  void Stop() { active_ = false; }
  bool active() const { return active_; }

  // An authenticated response arrived on the pair (RFC 7675 §5.1).
  void OnResponse(Timestamp now);
  // Whether a consent check is due at `now`; call OnCheckSent after sending it.
  bool CheckDue(Timestamp now) const;
  void OnCheckSent(Timestamp now, Random& random);

  bool Disconnected(Timestamp now) const;
  bool Expired(Timestamp now) const;
  // The next check, disconnection or expiry instant after `now` (nullopt when inactive).
  std::optional<Timestamp> NextTimeout(Timestamp now) const;
  Timestamp last_response() const { return last_response_; }

 private:
  TimeDelta Jittered(Random& random) const;

  ConsentConfig config_;
  bool active_ = false;
  Timestamp last_response_;
  Timestamp next_check_;
  std::optional<Timestamp> unanswered_since_;  // Last check sent with no response since.
};

}  // namespace parley::ice
