#include "interop/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace parley::test {
namespace {

std::string ErrnoText(int error) {
  return std::generic_category().message(error);
}

int MillisUntil(Subprocess::Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Subprocess::Clock::now());
  if (left.count() <= 0) return 0;
  return static_cast<int>(std::min<int64_t>(left.count() + 1, INT_MAX));
}

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

}  // namespace

Result<std::unique_ptr<Subprocess>> Subprocess::Spawn(const std::vector<std::string>& argv,
                                                      const Options& options) {
  if (argv.empty()) return OperationError("Subprocess::Spawn: no program");
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  int in_pipe[2] = {-1, -1};
  int out_pipe[2] = {-1, -1};
  if (options.pipe_stdin && pipe2(in_pipe, O_CLOEXEC) != 0) {
    return OperationError("pipe2 failed: " + ErrnoText(errno));
  }
  if (options.pipe_stdout && pipe2(out_pipe, O_CLOEXEC) != 0) {
    CloseFd(in_pipe[0]);
    CloseFd(in_pipe[1]);
    return OperationError("pipe2 failed: " + ErrnoText(errno));
  }
  auto open_output = [](const std::string& path) {
    return open(path.empty() ? "/dev/null" : path.c_str(),
                O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  };
  int stdout_file = options.pipe_stdout ? -1 : open_output(options.stdout_file);
  int stderr_file = open_output(options.stderr_file);
  int null_in = options.pipe_stdin ? -1 : open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = getpid();
  // Writing to the stdin of a child that died must fail with EPIPE, not kill the test.
  static const bool sigpipe_ignored = [] { return signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
  (void)sigpipe_ignored;

  const pid_t pid = fork();
  if (pid < 0) {
    const int error = errno;
    for (int* fd : {&in_pipe[0], &in_pipe[1], &out_pipe[0], &out_pipe[1], &stdout_file,
                    &stderr_file, &null_in}) {
      CloseFd(*fd);
    }
    return OperationError("fork failed: " + ErrnoText(error));
  }
  if (pid == 0) {
    // The child: dies with the test's thread, even if the test crashes.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    signal(SIGPIPE, SIG_DFL);
    dup2(options.pipe_stdin ? in_pipe[0] : null_in, STDIN_FILENO);
    dup2(options.pipe_stdout ? out_pipe[1] : stdout_file, STDOUT_FILENO);
    dup2(stderr_file, STDERR_FILENO);
    execv(args[0], args.data());
    _exit(127);
  }
  for (int* fd : {&in_pipe[0], &out_pipe[1], &stdout_file, &stderr_file, &null_in})
    CloseFd(*fd);

  auto process = std::unique_ptr<Subprocess>(new Subprocess());
  process->pid_ = pid;
  process->stdin_fd_ = in_pipe[1];
  process->stdout_fd_ = out_pipe[0];
  // Not glibc's pidfd_open(): Debian 12's <sys/pidfd.h> lacks extern "C".
  process->pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (process->pidfd_ < 0) {
    const int error = errno;
    process->Stop(std::chrono::milliseconds(0));
    return OperationError("pidfd_open failed: " + ErrnoText(error));
  }
  if (process->stdout_fd_ >= 0) fcntl(process->stdout_fd_, F_SETFL, O_NONBLOCK);
  return process;
}

Subprocess::~Subprocess() {
  Stop();
}

bool Subprocess::WriteLine(std::string_view line) {
  if (stdin_fd_ < 0) return false;
  std::string data(line);
  data.push_back('\n');
  size_t written = 0;
  while (written < data.size()) {
    // Blocking writes of short lines to a pipe the child reads (EPIPE if it died: SIGPIPE is
    // ignored in the test process).
    const ssize_t n = write(stdin_fd_, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<size_t>(n);
  }
  return true;
}

std::optional<std::string> Subprocess::ReadLine(Clock::time_point deadline) {
  if (stdout_fd_ < 0) return std::nullopt;
  while (true) {
    if (const size_t end = stdout_buffer_.find('\n'); end != std::string::npos) {
      std::string line = stdout_buffer_.substr(0, end);
      stdout_buffer_.erase(0, end + 1);
      return line;
    }
    if (stdout_eof_) return std::nullopt;
    pollfd fd{stdout_fd_, POLLIN, 0};
    const int ready = poll(&fd, 1, MillisUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;  // Deadline.
    char buffer[4096];
    const ssize_t n = read(stdout_fd_, buffer, sizeof buffer);
    if (n > 0) {
      stdout_buffer_.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      stdout_eof_ = true;
    }
  }
}

void Subprocess::Reap(int status) {
  exited_ = true;
  status_ = status;
  CloseFd(pidfd_);
}

bool Subprocess::WaitForExit(Clock::time_point deadline) {
  while (!exited_) {
    pollfd fd{pidfd_, POLLIN, 0};
    const int ready = poll(&fd, 1, MillisUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    int status = 0;
    const pid_t reaped = waitpid(pid_, &status, 0);
    if (reaped == pid_ || (reaped < 0 && errno == ECHILD)) Reap(status);
  }
  return true;
}

std::string Subprocess::exit_description() const {
  if (!exited_) return "";
  if (WIFEXITED(status_)) return "exit code " + std::to_string(WEXITSTATUS(status_));
  if (WIFSIGNALED(status_)) return "killed by signal " + std::to_string(WTERMSIG(status_));
  return "status " + std::to_string(status_);
}

void Subprocess::Stop(std::chrono::milliseconds grace) {
  CloseFd(stdin_fd_);  // End of input: a well-behaved peer exits on its own.
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGTERM);
    if (!WaitForExit(Clock::now() + grace)) {
      kill(pid_, SIGKILL);
      int status = 0;
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      Reap(status);
    }
  }
  CloseFd(stdout_fd_);
  CloseFd(pidfd_);
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/parley-interop-XXXXXX";
  if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool IsExecutable(const std::string& path) {
  return access(path.c_str(), X_OK) == 0;
}

}  // namespace parley::test
