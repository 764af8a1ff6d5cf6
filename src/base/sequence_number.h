// Wrap-around arithmetic for N-bit sequence numbers (RTP sequence numbers, RTP timestamps,
// TWCC sequence numbers) per RFC 1982 serial number arithmetic.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>

namespace parley {

// True when `a` comes after `b` in serial-number order (RFC 1982 §3.2).
template <typename U>
constexpr bool IsNewer(U a, U b) {
  static_assert(std::is_unsigned_v<U>);
  using S = std::make_signed_t<U>;
  return a != b && static_cast<S>(static_cast<U>(a - b)) > 0;
}

// Extends wrapping N-bit values (U) to a monotonic 64-bit count, e.g. RTP sequence numbers to
// extended sequence numbers (RFC 3550 §A.1). Values older than the last one unwrap backwards.
template <typename U>
class Unwrapper {
 public:
  static_assert(std::is_unsigned_v<U> && sizeof(U) < sizeof(int64_t));
  int64_t Unwrap(U value) {
    if (!last_) {
      last_ = value;
      last_unwrapped_ = value;
      return last_unwrapped_;
    }
    using S = std::make_signed_t<U>;
    const auto delta = static_cast<S>(static_cast<U>(value - *last_));
    last_unwrapped_ += delta;
    last_ = value;
    return last_unwrapped_;
  }

 private:
  std::optional<U> last_;
  int64_t last_unwrapped_ = 0;
};

}  // namespace parley
