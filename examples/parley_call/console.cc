#include "parley_call/console.h"

#include <cstdio>

namespace parley::examples {

void Console::Status(std::string_view line) {
  std::lock_guard lock(mutex_);
  if (terminal_) {
    // Back to column 0, the line, then erase what a longer previous line left (ECMA-48 EL).
    std::fprintf(stdout, "\r%.*s\x1b[K", static_cast<int>(line.size()), line.data());
    status_open_ = true;
  } else {
    std::fprintf(stdout, "%.*s\n", static_cast<int>(line.size()), line.data());
  }
  std::fflush(stdout);
}

void Console::Note(std::string_view text) {
  std::lock_guard lock(mutex_);
  EndStatusLine();
  std::fprintf(stderr, "parley-call: %.*s\n", static_cast<int>(text.size()), text.data());
  std::fflush(stderr);
}

void Console::Print(std::string_view text) {
  std::lock_guard lock(mutex_);
  EndStatusLine();
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void Console::EndStatusLine() {
  if (!status_open_) return;
  std::fputc('\n', stdout);
  std::fflush(stdout);
  status_open_ = false;
}

}  // namespace parley::examples
