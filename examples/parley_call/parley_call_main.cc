// parley-call: a command-line WebRTC peer on Parley's PeerConnection, signaled through a
// parley-signal room (docs/signaling.md). It connects, chats on a data channel (pings and their
// echoes both ways), shows a live status line and ends with a summary; its exit status says
// whether the call worked, so scripts and interop tests can drive it. See kCallUsage.
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <string_view>
#include <variant>
#include <vector>

#include "parley_call/call_options.h"
#include "parley_call/call_session.h"
#include "parley_call/signal_watcher.h"

namespace {

constexpr int kUsageExitCode = 2;

}  // namespace

int main(int argc, char** argv) {
  using namespace parley::examples;

  const std::vector<std::string_view> args(argv + 1, argv + argc);
  ParsedCommandLine parsed = ParseCallOptions(args);
  if (std::holds_alternative<HelpRequested>(parsed)) {
    std::cout << kCallUsage;
    return 0;
  }
  if (const auto* error = std::get_if<CommandLineError>(&parsed)) {
    std::cerr << "parley-call: " << error->message << "\n" << kCallUsage;
    return kUsageExitCode;
  }

  // A closed stdout or signaling socket must be an error, not a silent death.
  std::signal(SIGPIPE, SIG_IGN);
  std::shared_ptr<CallSession> session =
      CallSession::Create(std::get<CallOptions>(std::move(parsed)), isatty(STDOUT_FILENO) == 1);
  // Before any other thread exists, so that only the watcher receives SIGINT and SIGTERM.
  SignalWatcher signals([session](int signal_number) { session->Interrupt(signal_number); });
  return session->Run();
}
