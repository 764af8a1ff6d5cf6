// StrongId<Tag, T>: an integer that cannot be mixed up with another kind of integer (an SSRC is
// not a sequence number). Comparable, hashable, printable; arithmetic only through value().
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>

namespace parley {

template <typename Tag, typename T>
class StrongId {
 public:
  using ValueType = T;
  constexpr StrongId() = default;
  constexpr explicit StrongId(T value) : value_(value) {}
  constexpr T value() const { return value_; }
  constexpr auto operator<=>(const StrongId&) const = default;
  friend std::ostream& operator<<(std::ostream& os, StrongId id) { return os << +id.value_; }

 private:
  T value_{};
};

using Ssrc = StrongId<struct SsrcTag, uint32_t>;
using StreamId = StrongId<struct StreamIdTag, uint16_t>;  // SCTP stream id.
using PayloadType = StrongId<struct PayloadTypeTag, uint8_t>;
using ConnectionId = StrongId<struct ConnectionIdTag, uint64_t>;

}  // namespace parley

template <typename Tag, typename T>
struct std::hash<parley::StrongId<Tag, T>> {
  size_t operator()(parley::StrongId<Tag, T> id) const noexcept {
    return std::hash<T>{}(id.value());
  }
};
