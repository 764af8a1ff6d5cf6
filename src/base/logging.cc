#include "base/logging.h"

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>

namespace parley {
namespace {

std::atomic<LogLevel> g_min_level{LogLevel::kWarning};
// The sink is swapped atomically and called through a local copy of the shared_ptr, so a sink
// is never invoked with a lock held and may be replaced while another thread is logging.
std::atomic<std::shared_ptr<const LogSink>> g_sink;

void StderrSink(LogLevel level, std::string_view tag, std::string_view message) {
  std::string line;
  line.reserve(message.size() + tag.size() + 16);
  line.append("[parley ").append(LogLevelName(level)).append(" ").append(tag).append("] ");
  line.append(message).push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kVerbose:
      return "verbose";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
    case LogLevel::kNone:
      return "none";
  }
  return "unknown";
}

void SetLogSink(LogSink sink) {
  g_sink.store(sink ? std::make_shared<const LogSink>(std::move(sink)) : nullptr);
}

void SetMinLogLevel(LogLevel level) {
  g_min_level.store(level);
}
LogLevel MinLogLevel() {
  return g_min_level.load();
}

namespace internal {

bool LogEnabled(LogLevel level) {
  return level != LogLevel::kNone && level >= g_min_level.load(std::memory_order_relaxed);
}

LogMessage::~LogMessage() {
  const std::string text = stream_.str();
  if (auto sink = g_sink.load()) {
    (*sink)(level_, tag_, text);
  } else {
    StderrSink(level_, tag_, text);
  }
}

}  // namespace internal
}  // namespace parley
