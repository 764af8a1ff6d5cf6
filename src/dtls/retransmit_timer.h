// The DTLS handshake retransmission schedule (RFC 6347 §4.2.4.1): a flight is resent when its
// timer expires, the timer doubles each time up to a cap, and it starts again from the initial
// value with the next flight. The endpoint keeps this schedule on the caller's clock (virtual in
// the simulator) and has OpenSSL retransmit exactly at these deadlines.
#pragma once

#include <optional>

#include "base/time.h"

namespace parley::dtls {

class RetransmitTimer {
 public:
  RetransmitTimer(TimeDelta initial, TimeDelta max) : initial_(initial), max_(max) {}

  // A new flight went out: back-off reset, deadline now + initial.
  void Start(Timestamp now) {
    current_ = initial_;
    deadline_ = now + current_;
  }
  // The flight was resent at `now`: the timeout doubles, capped at max.
  void Backoff(Timestamp now) {
    current_ = current_ * 2 > max_ ? max_ : current_ * 2;
    deadline_ = now + current_;
  }
  // The flight was answered (or the handshake ended).
  void Stop() { deadline_.reset(); }

  bool running() const { return deadline_.has_value(); }
  std::optional<Timestamp> deadline() const { return deadline_; }
  // The timeout the running deadline was set with.
  TimeDelta current() const { return current_; }

 private:
  TimeDelta initial_;
  TimeDelta max_;
  TimeDelta current_ = initial_;
  std::optional<Timestamp> deadline_;
};

}  // namespace parley::dtls
