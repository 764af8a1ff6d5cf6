// Logging facade. Parley logs through one process-wide sink that the application may replace.
// By default messages at kWarning and above go to stderr. The sink may be called from any Parley
// thread, never while a Parley lock is held; it must be thread-safe.
#pragma once

#include <functional>
#include <string_view>

namespace parley {

enum class LogLevel { kVerbose = 0, kInfo = 1, kWarning = 2, kError = 3, kNone = 4 };

std::string_view LogLevelName(LogLevel level);

// tag names the component ("ice", "dtls", ...).
using LogSink = std::function<void(LogLevel level, std::string_view tag, std::string_view message)>;

// Replaces the sink; an empty function restores the default stderr sink.
void SetLogSink(LogSink sink);
// Messages below this level are dropped before they are formatted. Default: kWarning.
void SetMinLogLevel(LogLevel level);
LogLevel MinLogLevel();

}  // namespace parley
