// Parley's IceTransport against aioice (aiortc's ICE agent, RFC 5245/8445) on 127.0.0.1, in both
// roles. The aioice side is tests/interop/aioice_peer.py, run with Debian's /usr/bin/python3 and
// driven over a line-based JSON protocol on its stdin/stdout.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "interop/subprocess.h"
#include "runtime/ice_test_peer.h"
#include "runtime/runtime.h"

namespace parley {
namespace {

using test::IcePeer;
using test::Subprocess;
using test::TempDir;
using test::ToBytes;
using Json = nlohmann::json;

constexpr const char* kPython = "/usr/bin/python3";  // Debian's, with python3-aioice.
constexpr std::chrono::seconds kBound{20};

// The aioice process and its messages.
class AioicePeer {
 public:
  // Fails (never skips) with what is missing.
  static Result<std::unique_ptr<AioicePeer>> Start(const std::string& role) {
    if (!test::IsExecutable(kPython)) {
      return OperationError(std::string(kPython) + " not found: install Debian's python3");
    }
    auto peer = std::unique_ptr<AioicePeer>(new AioicePeer());
    if (!peer->dir_.ok()) return OperationError("cannot create a temporary directory");
    peer->stderr_file_ = peer->dir_.File("aioice.stderr");
    auto process = Subprocess::Spawn(
        {kPython, PARLEY_AIOICE_PEER_SCRIPT, role},
        {.pipe_stdin = true, .pipe_stdout = true, .stderr_file = peer->stderr_file_});
    if (!process.ok()) return process.error();
    peer->process_ = std::move(process).value();
    return peer;
  }

  // The next message, or nullopt at the deadline or when the script ended.
  std::optional<Json> Next(Subprocess::Clock::time_point deadline) {
    auto line = process_->ReadLine(deadline);
    if (!line) return std::nullopt;
    auto message = Json::parse(*line, nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded()) {
      ADD_FAILURE() << "aioice peer wrote a line that is not JSON: " << *line;
      return std::nullopt;
    }
    return message;
  }
  // The next message of type `type` (others are collected in skipped()).
  std::optional<Json> NextOfType(const std::string& type) {
    const auto deadline = Subprocess::Clock::now() + kBound;
    while (auto message = Next(deadline)) {
      if ((*message)["type"] == type) return message;
      skipped_.push_back(*message);
    }
    return std::nullopt;
  }
  bool Send(const Json& message) { return process_->WriteLine(message.dump()); }
  Subprocess& process() { return *process_; }
  const std::vector<Json>& skipped() const { return skipped_; }
  // What the script printed on stderr (Python tracebacks, "No module named 'aioice'", ...).
  std::string Diagnostics() const {
    return "aioice peer stderr:\n" + test::ReadFileText(stderr_file_) +
           (process_->exited() ? "\n(" + process_->exit_description() + ")" : "");
  }

 private:
  AioicePeer() = default;
  TempDir dir_;
  std::string stderr_file_;
  std::unique_ptr<Subprocess> process_;
  std::vector<Json> skipped_;
};

class AioiceInterop : public ::testing::TestWithParam<ice::Role> {};

TEST_P(AioiceInterop, ConnectsAndExchangesDataBothWays) {
  const ice::Role parley_role = GetParam();
  const bool parley_controls = parley_role == ice::Role::kControlling;
  auto aioice = AioicePeer::Start(parley_controls ? "controlled" : "controlling");
  ASSERT_TRUE(aioice.ok()) << aioice.error();
  AioicePeer& peer = **aioice;

  // aioice's description: credentials, candidates, end of candidates.
  auto credentials = peer.NextOfType("credentials");
  ASSERT_TRUE(credentials) << "no credentials from aioice (is python3-aioice installed? run "
                              "scripts/setup-deps.sh)\n"
                           << peer.Diagnostics();
  std::vector<std::string> remote_candidates;
  while (true) {
    auto message = peer.Next(Subprocess::Clock::now() + kBound);
    ASSERT_TRUE(message) << peer.Diagnostics();
    if ((*message)["type"] == "end-of-candidates") break;
    ASSERT_EQ((*message)["type"], "candidate") << message->dump();
    remote_candidates.push_back((*message)["candidate"]);
  }
  ASSERT_FALSE(remote_candidates.empty());

  auto runtime = Runtime::Create();
  IcePeer parley("parley");
  ice::AgentConfig config;
  config.role = parley_role;
  config.local_sockets = {SocketAddress(IpAddress::V4(127, 0, 0, 1), 0)};
  ASSERT_TRUE(parley.Create(*runtime, config).ok());
  IceTransport& transport = *parley.transport();
  ASSERT_TRUE(transport
                  .SetRemoteCredentials({(*credentials)["ufrag"].get<std::string>(),
                                         (*credentials)["pwd"].get<std::string>()})
                  .ok());
  for (const std::string& candidate : remote_candidates) {
    ASSERT_TRUE(transport.AddRemoteCandidate(candidate).ok()) << candidate;
  }
  transport.EndOfRemoteCandidates();
  transport.Start();
  ASSERT_TRUE(parley.WaitGatheringComplete());

  // Our description to aioice (aioice's connect() wants all candidates before it starts).
  const ice::Credentials ours = transport.local_credentials();
  ASSERT_TRUE(peer.Send({{"type", "credentials"}, {"ufrag", ours.ufrag}, {"pwd", ours.pwd}}));
  for (const ice::Candidate& candidate : parley.candidates()) {
    ASSERT_TRUE(peer.Send({{"type", "candidate"}, {"candidate", candidate.ToString()}}));
  }
  ASSERT_TRUE(peer.Send({{"type", "end-of-candidates"}}));

  auto connected = peer.NextOfType("connected");
  ASSERT_TRUE(connected) << "aioice did not connect; skipped messages: "
                         << Json(peer.skipped()).dump() << "\n"
                         << peer.Diagnostics();
  ASSERT_TRUE(parley.WaitConnected(kBound)) << "Parley did not connect";
  ASSERT_TRUE(parley.WaitForSelectedPair());
  EXPECT_EQ(parley.selected_local().socket_address(), transport.local_addresses()[0]);
  EXPECT_EQ(parley.selected_remote().address, "127.0.0.1");

  // Parley -> aioice, which reports it and echoes it back.
  ASSERT_TRUE(transport.Send(ToBytes("hello from parley")).ok());
  auto received = peer.NextOfType("received");
  ASSERT_TRUE(received) << peer.Diagnostics();
  EXPECT_EQ((*received)["data"], "hello from parley");
  ASSERT_TRUE(parley.WaitForData(1));
  EXPECT_EQ(parley.data()[0], ToBytes("echo:hello from parley"));

  // aioice -> Parley.
  ASSERT_TRUE(peer.Send({{"type", "send"}, {"data", "hello from aioice"}}));
  ASSERT_TRUE(parley.WaitForData(2));
  EXPECT_EQ(parley.data()[1], ToBytes("hello from aioice"));

  ASSERT_TRUE(peer.Send({{"type", "bye"}}));
  EXPECT_TRUE(peer.NextOfType("closed")) << peer.Diagnostics();
  EXPECT_TRUE(peer.process().WaitForExit(Subprocess::Clock::now() + kBound));
  EXPECT_EQ(peer.process().exit_description(), "exit code 0") << peer.Diagnostics();
  IcePeer::Destroy(*runtime, {&parley});
}

INSTANTIATE_TEST_SUITE_P(Interop, AioiceInterop,
                         ::testing::Values(ice::Role::kControlling, ice::Role::kControlled),
                         [](const auto& info) {
                           return info.param == ice::Role::kControlling ? "ParleyControlling"
                                                                        : "ParleyControlled";
                         });

}  // namespace
}  // namespace parley
