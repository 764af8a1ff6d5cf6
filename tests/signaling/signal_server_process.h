// A real parley-signal process for the tests: started on 127.0.0.1 with --port 0, its port read
// from the first line it prints, stopped by PID (SIGTERM, then SIGKILL after a bound).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "interop/subprocess.h"

namespace parley::examples::test {

class SignalServerProcess {
 public:
  // nullptr (with a gtest failure naming the reason) when it does not start or print its line
  // within ten seconds. `extra_arguments` go after --host and --port.
  static std::unique_ptr<SignalServerProcess> Start(std::vector<std::string> extra_arguments = {});

  uint16_t port() const { return port_; }
  // "ws://127.0.0.1:<port>/ws/<room>".
  std::string RoomUrl(const std::string& room) const;
  parley::test::Subprocess& process() { return *process_; }
  // What it logged to stderr so far.
  std::string Log() const;
  // SIGTERM unless it has exited already; adds a test failure unless it exits with code 0 (a
  // graceful stop; a sanitizer report or a crash gives another status).
  void StopAndExpectCleanExit();

 private:
  parley::test::TempDir temp_;
  std::unique_ptr<parley::test::Subprocess> process_;
  uint16_t port_ = 0;
};

}  // namespace parley::examples::test
