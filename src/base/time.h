// Timestamp and TimeDelta: microsecond-resolution time values. Protocol code never reads a clock;
// it receives `now` as a Timestamp from the runtime (real time) or the simulator (virtual time).
#pragma once

#include <compare>
#include <concepts>
#include <cstdint>
#include <limits>
#include <ostream>
#include <type_traits>

namespace parley {

class TimeDelta {
 public:
  constexpr TimeDelta() = default;
  static constexpr TimeDelta Micros(int64_t us) { return TimeDelta(us); }
  static constexpr TimeDelta Millis(int64_t ms) { return TimeDelta(ms * 1000); }
  static constexpr TimeDelta Seconds(int64_t s) { return TimeDelta(s * 1'000'000); }
  static constexpr TimeDelta SecondsF(double s) { return TimeDelta(static_cast<int64_t>(s * 1e6)); }
  static constexpr TimeDelta Zero() { return TimeDelta(0); }
  static constexpr TimeDelta Max() { return TimeDelta(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t us() const { return us_; }
  constexpr int64_t ms() const { return us_ / 1000; }  // Truncates toward zero.
  constexpr double seconds() const { return static_cast<double>(us_) / 1e6; }
  constexpr bool IsZero() const { return us_ == 0; }

  constexpr TimeDelta operator+(TimeDelta o) const { return TimeDelta(us_ + o.us_); }
  constexpr TimeDelta operator-(TimeDelta o) const { return TimeDelta(us_ - o.us_); }
  constexpr TimeDelta operator-() const { return TimeDelta(-us_); }
  template <std::integral I>
  constexpr TimeDelta operator*(I k) const {
    return TimeDelta(us_ * static_cast<int64_t>(k));
  }
  template <std::floating_point F>
  constexpr TimeDelta operator*(F k) const {
    return TimeDelta(static_cast<int64_t>(static_cast<double>(us_) * k));
  }
  template <std::integral I>
  constexpr TimeDelta operator/(I k) const {
    return TimeDelta(us_ / static_cast<int64_t>(k));
  }
  constexpr double operator/(TimeDelta o) const {
    return static_cast<double>(us_) / static_cast<double>(o.us_);
  }
  constexpr TimeDelta& operator+=(TimeDelta o) { return *this = *this + o; }
  constexpr TimeDelta& operator-=(TimeDelta o) { return *this = *this - o; }
  constexpr auto operator<=>(const TimeDelta&) const = default;

 private:
  constexpr explicit TimeDelta(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

// A point in time, in microseconds since an arbitrary epoch chosen by whoever supplies `now`.
class Timestamp {
 public:
  constexpr Timestamp() = default;
  static constexpr Timestamp Micros(int64_t us) { return Timestamp(us); }
  static constexpr Timestamp Millis(int64_t ms) { return Timestamp(ms * 1000); }
  static constexpr Timestamp Seconds(int64_t s) { return Timestamp(s * 1'000'000); }
  static constexpr Timestamp Zero() { return Timestamp(0); }

  constexpr int64_t us() const { return us_; }
  constexpr int64_t ms() const { return us_ / 1000; }
  constexpr double seconds() const { return static_cast<double>(us_) / 1e6; }

  constexpr Timestamp operator+(TimeDelta d) const { return Timestamp(us_ + d.us()); }
  constexpr Timestamp operator-(TimeDelta d) const { return Timestamp(us_ - d.us()); }
  constexpr TimeDelta operator-(Timestamp o) const { return TimeDelta::Micros(us_ - o.us_); }
  constexpr Timestamp& operator+=(TimeDelta d) { return *this = *this + d; }
  constexpr Timestamp& operator-=(TimeDelta d) { return *this = *this - d; }
  constexpr auto operator<=>(const Timestamp&) const = default;

 private:
  constexpr explicit Timestamp(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

template <typename N>
requires std::is_arithmetic_v<N>
constexpr TimeDelta operator*(N k, TimeDelta d) {
  return d * k;
}

std::ostream& operator<<(std::ostream& os, TimeDelta d);
std::ostream& operator<<(std::ostream& os, Timestamp t);

}  // namespace parley
