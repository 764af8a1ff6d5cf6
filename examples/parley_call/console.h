// parley-call's output: the live status line on stdout (rewritten in place with '\r' on a
// terminal, one line per update otherwise), the summary on stdout, notes and errors on stderr.
// Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

namespace parley::examples {

class Console {
 public:
  // `terminal`: stdout is a TTY (isatty), so the status line is rewritten in place.
  explicit Console(bool terminal) : terminal_(terminal) {}

  void Status(std::string_view line);
  // "parley-call: <text>" on stderr, below a status line left open on the terminal.
  void Note(std::string_view text);
  // Text (whole lines) on stdout, below a status line left open on the terminal.
  void Print(std::string_view text);

 private:
  // On a terminal, ends the status line so that other output starts on a fresh line.
  void EndStatusLine();

  const bool terminal_;
  std::mutex mutex_;
  bool status_open_ = false;  // A '\r'-updated status line is on screen without its newline.
};

}  // namespace parley::examples
