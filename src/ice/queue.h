// FIFO helpers for the machines' output queues of std::variant values. They move alternatives,
// never whole variants: moving the variant itself trips GCC 12's -Wmaybe-uninitialized false
// positive at -O2 (as noted in stun/transaction.cc).
#pragma once

#include <deque>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace parley::ice {

template <typename Variant, typename Alternative>
void Push(std::deque<Variant>& queue, Alternative&& value) {
  using T = std::decay_t<Alternative>;
  if constexpr (std::is_same_v<T, Variant>) {
    std::visit(
        [&](auto& alternative) {
          using A = std::decay_t<decltype(alternative)>;
          queue.emplace_back(std::in_place_type<A>, std::move(alternative));
        },
        value);
  } else {
    queue.emplace_back(std::in_place_type<T>, std::forward<Alternative>(value));
  }
}

template <typename Variant>
std::optional<Variant> Pop(std::deque<Variant>& queue) {
  if (queue.empty()) return std::nullopt;
  std::optional<Variant> out = std::visit(
      [](auto& alternative) {
        using A = std::decay_t<decltype(alternative)>;
        return std::optional<Variant>(std::in_place, std::in_place_type<A>, std::move(alternative));
      },
      queue.front());
  queue.pop_front();
  return out;
}

}  // namespace parley::ice
