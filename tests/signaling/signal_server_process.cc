#include "signaling/signal_server_process.h"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>

namespace parley::examples::test {

std::unique_ptr<SignalServerProcess> SignalServerProcess::Start(
    std::vector<std::string> extra_arguments) {
  auto server = std::unique_ptr<SignalServerProcess>(new SignalServerProcess());
  if (!server->temp_.ok()) {
    ADD_FAILURE() << "cannot make a temporary directory";
    return nullptr;
  }
  std::vector<std::string> argv = {PARLEY_SIGNAL_BINARY, "--host", "127.0.0.1", "--port", "0"};
  argv.insert(argv.end(), extra_arguments.begin(), extra_arguments.end());
  parley::test::Subprocess::Options options;
  options.pipe_stdout = true;
  options.stderr_file = server->temp_.File("stderr.log");
  auto process = parley::test::Subprocess::Spawn(argv, options);
  if (!process.ok()) {
    ADD_FAILURE() << "cannot start parley-signal: " << process.error();
    return nullptr;
  }
  server->process_ = std::move(process.value());

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  const std::optional<std::string> line = server->process_->ReadLine(deadline);
  static const std::regex kListening(
      R"(parley-signal listening on ws://127\.0\.0\.1:(\d+)/ws/<room>)");
  std::smatch match;
  if (!line || !std::regex_match(*line, match, kListening)) {
    ADD_FAILURE() << "parley-signal did not print its listening line; got '"
                  << line.value_or("<nothing>") << "'; stderr: " << server->Log();
    return nullptr;
  }
  server->port_ = static_cast<uint16_t>(std::stoi(match[1].str()));
  return server;
}

std::string SignalServerProcess::RoomUrl(const std::string& room) const {
  return "ws://127.0.0.1:" + std::to_string(port_) + "/ws/" + room;
}

void SignalServerProcess::StopAndExpectCleanExit() {
  if (!process_->exited()) process_->Stop(std::chrono::seconds(10));
  EXPECT_EQ(process_->exit_description(), "exit code 0") << "parley-signal stderr:\n" << Log();
}

std::string SignalServerProcess::Log() const {
  return parley::test::ReadFileText(temp_.File("stderr.log"));
}

}  // namespace parley::examples::test
