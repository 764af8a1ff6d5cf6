// Internal logging: PARLEY_LOG(kWarning, "ice") << "dropped " << n << " bytes";
// The stream is only formatted when the level is enabled.
#pragma once

#include <sstream>
#include <string_view>

#include "parley/log.h"

namespace parley::internal {

bool LogEnabled(LogLevel level);

class LogMessage {
 public:
  LogMessage(LogLevel level, std::string_view tag) : level_(level), tag_(tag) {}
  ~LogMessage();
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;
  std::ostream& stream() { return stream_; }

 private:
  LogLevel level_;
  std::string_view tag_;
  std::ostringstream stream_;
};

// Turns the streamed expression into void so the macro can be a ternary: safe inside an
// unbraced if/else.
struct LogVoidify {
  void operator&(std::ostream&) {}
};

}  // namespace parley::internal

#define PARLEY_LOG(level, tag)                               \
  !::parley::internal::LogEnabled(::parley::LogLevel::level) \
      ? (void)0                                              \
      : ::parley::internal::LogVoidify() &                   \
            ::parley::internal::LogMessage(::parley::LogLevel::level, tag).stream()
