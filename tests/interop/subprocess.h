// Subprocess: a child process for the interop tests (coturn, an aioice peer). Started with
// fork+exec (the child dies with the test thread that started it: PR_SET_PDEATHSIG), stopped by
// its PID (SIGTERM, then SIGKILL after a bound) and reaped by the destructor, also when a test
// fails. Its stdout can be a pipe read line by line with poll() and a deadline; nothing sleeps.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/result.h"

namespace parley::test {

class Subprocess {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    bool pipe_stdin{false};
    bool pipe_stdout{false};
    // Where stdout (unless piped) and stderr go; empty: /dev/null.
    std::string stdout_file{};
    std::string stderr_file{};
  };

  // argv[0] is the executable's absolute path. OperationError when it cannot be started.
  static Result<std::unique_ptr<Subprocess>> Spawn(const std::vector<std::string>& argv,
                                                   const Options& options);
  // Stop().
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }

  // Writes `line` and a newline to its stdin (a pipe). False if it is gone.
  bool WriteLine(std::string_view line);
  // The next line of its stdout (a pipe) without the newline; nullopt at `deadline` or end of
  // file (the process closed it or exited).
  std::optional<std::string> ReadLine(Clock::time_point deadline);
  // True once it has exited (reaped; see exit_description()), waiting until `deadline`.
  bool WaitForExit(Clock::time_point deadline);
  bool exited() const { return exited_; }
  // "exit code N" or "killed by signal N"; "" while running.
  std::string exit_description() const;
  // A descriptor that becomes readable when the process exits (a pidfd), for poll(); -1 once
  // reaped.
  int exit_fd() const { return pidfd_; }
  // SIGTERM, up to `grace` for it to exit, then SIGKILL; always reaps. Idempotent.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  Subprocess() = default;
  void Reap(int status);

  pid_t pid_ = -1;
  int pidfd_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string stdout_buffer_;
  bool stdout_eof_ = false;
  bool exited_ = false;
  int status_ = 0;
};

// Where temporary files of one test go: a fresh directory under $TMPDIR (or /tmp), removed with
// its contents by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// The whole file ("" if it cannot be read).
std::string ReadFileText(const std::string& path);
// True when `path` exists and is executable.
bool IsExecutable(const std::string& path);

}  // namespace parley::test
