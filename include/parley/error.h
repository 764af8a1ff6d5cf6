// Errors returned by the public API. Each carries a DOMException-style name, as the W3C WebRTC
// API would throw, and a message that says what was wrong.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

namespace parley {

enum class ErrorKind {
  kInvalidStateError,
  kSyntaxError,
  kInvalidAccessError,
  kInvalidModificationError,
  kOperationError,
  kRangeError,
  kTypeError,
  kNotSupportedError,
};

// The DOMException (or ECMAScript error) name, e.g. "InvalidStateError".
std::string_view ErrorName(ErrorKind kind);

class Error {
 public:
  Error(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  ErrorKind kind() const { return kind_; }
  std::string_view name() const { return ErrorName(kind_); }
  const std::string& message() const { return message_; }
  // "InvalidStateError: createAnswer called in state 'stable'".
  std::string ToString() const;

  friend bool operator==(const Error&, const Error&) = default;

 private:
  ErrorKind kind_;
  std::string message_;
};

std::ostream& operator<<(std::ostream& os, const Error& error);

inline Error InvalidStateError(std::string message) {
  return {ErrorKind::kInvalidStateError, std::move(message)};
}
inline Error SyntaxError(std::string message) {
  return {ErrorKind::kSyntaxError, std::move(message)};
}
inline Error InvalidAccessError(std::string message) {
  return {ErrorKind::kInvalidAccessError, std::move(message)};
}
inline Error InvalidModificationError(std::string message) {
  return {ErrorKind::kInvalidModificationError, std::move(message)};
}
inline Error OperationError(std::string message) {
  return {ErrorKind::kOperationError, std::move(message)};
}
inline Error RangeError(std::string message) {
  return {ErrorKind::kRangeError, std::move(message)};
}
inline Error TypeError(std::string message) {
  return {ErrorKind::kTypeError, std::move(message)};
}
inline Error NotSupportedError(std::string message) {
  return {ErrorKind::kNotSupportedError, std::move(message)};
}

}  // namespace parley
