// Result<T>: a value or an Error, for every fallible public API call (C++20 has no
// std::expected). Accessing the wrong alternative is a programming error and aborts.
#pragma once

#include <cstdlib>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "parley/error.h"

namespace parley {

namespace detail {
[[noreturn]] void ResultAccessFailure(const char* what, const Error* error);
}  // namespace detail

template <typename T>
class [[nodiscard]] Result {
 public:
  static_assert(!std::is_same_v<std::remove_cv_t<T>, Error>, "Result<Error> is ambiguous");

  Result(T value) : storage_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : storage_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return storage_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    if (!ok()) detail::ResultAccessFailure("value() on an error Result", &std::get<1>(storage_));
    return std::get<0>(storage_);
  }
  const T& value() const& {
    if (!ok()) detail::ResultAccessFailure("value() on an error Result", &std::get<1>(storage_));
    return std::get<0>(storage_);
  }
  T&& value() && {
    if (!ok()) detail::ResultAccessFailure("value() on an error Result", &std::get<1>(storage_));
    return std::get<0>(std::move(storage_));
  }
  T value_or(T fallback) const& { return ok() ? std::get<0>(storage_) : std::move(fallback); }

  const Error& error() const {
    if (ok()) detail::ResultAccessFailure("error() on a successful Result", nullptr);
    return std::get<1>(storage_);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> storage_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    if (ok()) detail::ResultAccessFailure("error() on a successful Result", nullptr);
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

// Success value for Result<void>: `return Ok();`.
inline Result<void> Ok() {
  return {};
}

}  // namespace parley
