// parley-call (examples/parley_call): its pieces in-process (command line, ICE server URIs, the
// chat messages, what it reads from stats and writes as JSON), then the real program end to end:
// parley-signal on 127.0.0.1 (--port 0) and two parley-call processes, offerer and answerer,
// gathering on 127.0.0.1 only. Processes are waited on with deadlines (pidfd, poll) and stopped
// by PID; nothing sleeps.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "interop/subprocess.h"
#include "parley_call/call_options.h"
#include "parley_call/call_report.h"
#include "parley_call/ping_messages.h"

namespace parley::examples {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;
using test::Subprocess;
using test::TempDir;

// ---- The pieces ----

ParsedCommandLine Parse(std::vector<std::string_view> args) {
  return ParseCallOptions(args);
}

std::string ErrorOf(const ParsedCommandLine& parsed) {
  const auto* error = std::get_if<CommandLineError>(&parsed);
  return error != nullptr ? error->message : "<no error>";
}

TEST(ParleyCallOptions, ParsesEveryFlag) {
  const ParsedCommandLine parsed = Parse({"--ws",
                                          "ws://127.0.0.1:8080/ws/room",
                                          "--role",
                                          "answer",
                                          "--duration",
                                          "2.5",
                                          "--connect-timeout",
                                          "12",
                                          "--ice-server",
                                          "stun:stun.example.org:3478",
                                          "--ice-server",
                                          "turn:alice:s3cret@127.0.0.1:3478?transport=tcp",
                                          "--relay-only",
                                          "--ice-address",
                                          "127.0.0.1",
                                          "--ice-address",
                                          "::1",
                                          "--no-datachannel",
                                          "--stats-json",
                                          "/tmp/out.json",
                                          "--video",
                                          "none",
                                          "--audio",
                                          "none",
                                          "--verbose"});
  ASSERT_TRUE(std::holds_alternative<CallOptions>(parsed)) << ErrorOf(parsed);
  const CallOptions& options = std::get<CallOptions>(parsed);
  EXPECT_EQ(options.signaling_url, "ws://127.0.0.1:8080/ws/room");
  EXPECT_EQ(options.role, CallRole::kAnswer);
  EXPECT_EQ(options.duration_seconds, 2.5);
  EXPECT_EQ(options.connect_timeout_seconds, 12);
  ASSERT_EQ(options.ice_servers.size(), 2u);
  EXPECT_EQ(options.ice_servers[0].urls, std::vector<std::string>{"stun:stun.example.org:3478"});
  EXPECT_EQ(options.ice_servers[0].username, "");
  EXPECT_EQ(options.ice_servers[1].urls,
            std::vector<std::string>{"turn:127.0.0.1:3478?transport=tcp"});
  EXPECT_EQ(options.ice_servers[1].username, "alice");
  EXPECT_EQ(options.ice_servers[1].credential, "s3cret");
  EXPECT_TRUE(options.relay_only);
  EXPECT_EQ(options.ice_addresses, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_FALSE(options.data_channel);
  EXPECT_EQ(options.stats_json_path, "/tmp/out.json");
  EXPECT_TRUE(options.verbose);

  const Configuration configuration = ToConfiguration(options);
  EXPECT_EQ(configuration.ice_transport_policy, IceTransportPolicy::kRelay);
  EXPECT_EQ(configuration.ice_addresses, options.ice_addresses);
  EXPECT_EQ(configuration.ice_servers.size(), 2u);
}

TEST(ParleyCallOptions, DefaultsToADataChannelAThirtySecondBoundAndNoDuration) {
  const ParsedCommandLine parsed = Parse({"--role", "offer", "--ws", "ws://h/ws/r"});
  ASSERT_TRUE(std::holds_alternative<CallOptions>(parsed)) << ErrorOf(parsed);
  const CallOptions& options = std::get<CallOptions>(parsed);
  EXPECT_EQ(options.role, CallRole::kOffer);
  EXPECT_FALSE(options.duration_seconds.has_value());
  EXPECT_EQ(options.connect_timeout_seconds, 30);
  EXPECT_TRUE(options.data_channel);
  EXPECT_FALSE(options.relay_only);
  EXPECT_EQ(ToConfiguration(options).ice_transport_policy, IceTransportPolicy::kAll);
  EXPECT_TRUE(std::holds_alternative<HelpRequested>(Parse({"--ws", "x", "--help"})));
}

TEST(ParleyCallOptions, RefusesBadCommandLinesWithAReason) {
  EXPECT_THAT(ErrorOf(Parse({"--ws", "ws://h/ws/r"})), HasSubstr("--role"));
  EXPECT_THAT(ErrorOf(Parse({"--role", "offer"})), HasSubstr("--ws"));
  EXPECT_THAT(ErrorOf(Parse({"--ws", "ws://h/ws/r", "--role", "caller"})), HasSubstr("caller"));
  EXPECT_THAT(ErrorOf(Parse({"--ws", "ws://h/ws/r", "--role", "offer", "--bogus"})),
              HasSubstr("unknown argument '--bogus'"));
  EXPECT_THAT(ErrorOf(Parse({"--ws", "ws://h/ws/r", "--role", "offer", "--duration"})),
              HasSubstr("needs a value"));
  for (const char* seconds : {"0", "-1", "abc", "3s", "nan", "inf", ""}) {
    EXPECT_THAT(ErrorOf(Parse({"--ws", "ws://h/ws/r", "--role", "offer", "--duration", seconds})),
                HasSubstr("seconds"))
        << seconds;
  }
  EXPECT_THAT(ErrorOf(Parse({"--ws", "ws://h/ws/r", "--role", "offer", "--relay-only"})),
              HasSubstr("TURN"));
}

TEST(ParleyCallOptions, MediaOtherThanNoneIsRefusedUntilMediaExists) {
  for (auto [flag, value] :
       {std::pair{"--video", "vp9"}, {"--video", "vp8"}, {"--audio", "opus"}}) {
    EXPECT_THAT(ErrorOf(Parse({"--ws", "ws://h/ws/r", "--role", "offer", flag, value})),
                HasSubstr("media is not supported yet"))
        << flag << " " << value;
  }
  EXPECT_THAT(ErrorOf(Parse({"--ws", "ws://h/ws/r", "--role", "offer", "--video", "h264"})),
              HasSubstr("--video must be"));
  EXPECT_THAT(ErrorOf(Parse({"--ws", "ws://h/ws/r", "--role", "offer", "--audio", "pcmu"})),
              HasSubstr("--audio must be"));
}

TEST(ParleyCallIceServerUri, SplitsCredentialsOutOfTurnUris) {
  auto turns = ParseIceServerUri("turns:user:p%40ss%3Aword@turn.example.org:5349");
  ASSERT_TRUE(std::holds_alternative<IceServer>(turns));
  EXPECT_EQ(std::get<IceServer>(turns).urls,
            std::vector<std::string>{"turns:turn.example.org:5349"});
  EXPECT_EQ(std::get<IceServer>(turns).username, "user");
  EXPECT_EQ(std::get<IceServer>(turns).credential, "p@ss:word");

  auto udp = ParseIceServerUri("turn:u:p@127.0.0.1:3478?transport=udp");
  ASSERT_TRUE(std::holds_alternative<IceServer>(udp));
  EXPECT_EQ(std::get<IceServer>(udp).urls,
            std::vector<std::string>{"turn:127.0.0.1:3478?transport=udp"});

  auto stun = ParseIceServerUri("stun:[::1]:3478");
  ASSERT_TRUE(std::holds_alternative<IceServer>(stun));
  EXPECT_EQ(std::get<IceServer>(stun).urls, std::vector<std::string>{"stun:[::1]:3478"});
}

TEST(ParleyCallIceServerUri, RefusesWhatCannotWork) {
  for (const char* uri : {"turn:127.0.0.1:3478", "turn:user@127.0.0.1:3478",
                          "stun:u:p@127.0.0.1:3478", "http://example.org", "127.0.0.1:3478",
                          "turn:u:p@", "turn:u:p%4@host:1", "turn::p@host:1"}) {
    EXPECT_TRUE(std::holds_alternative<CommandLineError>(ParseIceServerUri(uri))) << uri;
  }
}

TEST(ParleyCallChat, ClassifiesPingsAndEchoes) {
  EXPECT_EQ(PingMessage(7), "ping 7");
  EXPECT_EQ(EchoMessage("ping 7"), "echo:ping 7");
  EXPECT_EQ(ClassifyChatMessage("ping 1"), ChatMessageKind::kPing);
  EXPECT_EQ(ClassifyChatMessage("echo:ping 12"), ChatMessageKind::kEcho);
  for (const char* other : {"ping", "ping ", "ping x", "ping 1 ", "echo:", "echo:pong 1",
                            "echo:echo:ping 1", "hello", ""}) {
    EXPECT_EQ(ClassifyChatMessage(other), ChatMessageKind::kOther) << other;
  }
}

Stats Entry(std::string id, std::string type, std::map<std::string, StatsValue> members) {
  return Stats{id, std::move(type), 1.0, std::move(members)};
}

StatsReport ReportWithPairs(bool transport_names_pair) {
  StatsReport report;
  auto add = [&](Stats stats) { report.stats[stats.id] = std::move(stats); };
  add(Entry("L1", "local-candidate",
            {{"address", std::string("127.0.0.1")},
             {"port", int64_t{5000}},
             {"candidateType", std::string("host")}}));
  add(Entry("R1", "remote-candidate",
            {{"address", std::string("::1")},
             {"port", int64_t{6000}},
             {"candidateType", std::string("srflx")}}));
  add(Entry("L2", "local-candidate",
            {{"address", std::string("10.0.0.1")},
             {"port", int64_t{7000}},
             {"candidateType", std::string("relay")}}));
  add(Entry("CP1", "candidate-pair",
            {{"localCandidateId", std::string("L1")},
             {"remoteCandidateId", std::string("R1")},
             {"state", std::string("succeeded")},
             {"nominated", true},
             {"currentRoundTripTime", 0.0123},
             {"bytesSent", uint64_t{10}},
             {"bytesReceived", uint64_t{20}}}));
  add(Entry("CP2", "candidate-pair",
            {{"localCandidateId", std::string("L2")},
             {"remoteCandidateId", std::string("R1")},
             {"state", std::string("failed")},
             {"nominated", false}}));
  std::map<std::string, StatsValue> transport = {{"bytesSent", uint64_t{1000}},
                                                 {"bytesReceived", uint64_t{2000}}};
  if (transport_names_pair) transport["selectedCandidatePairId"] = std::string("CP1");
  add(Entry("T01", "transport", std::move(transport)));
  return report;
}

TEST(ParleyCallReport, FindsTheSelectedPairItsRttAndTheTransportsBytes) {
  for (bool named : {true, false}) {
    const PathStats path = ExtractPathStats(ReportWithPairs(named));
    EXPECT_EQ(path.local, "127.0.0.1:5000 host") << named;
    EXPECT_EQ(path.remote, "[::1]:6000 srflx") << named;
    EXPECT_EQ(path.rtt_seconds, 0.0123) << named;
    EXPECT_EQ(path.bytes_sent, 1000u) << named;
    EXPECT_EQ(path.bytes_received, 2000u) << named;
  }
  const PathStats empty = ExtractPathStats(StatsReport{});
  EXPECT_FALSE(empty.local.has_value());
  EXPECT_FALSE(empty.rtt_seconds.has_value());
  EXPECT_EQ(empty.bytes_sent, 0u);
}

TEST(ParleyCallReport, StatusLineShowsStatePairRttPingsAndBytes) {
  const PathStats path = ExtractPathStats(ReportWithPairs(true));
  ChatCounters chat;
  chat.pings_sent = 4;
  chat.echoes_received = 3;
  chat.pings_answered = 5;
  const std::string line = StatusLine(2.0, "connected", path, chat, true);
  EXPECT_THAT(line, HasSubstr("connected"));
  EXPECT_THAT(line, HasSubstr("127.0.0.1:5000 host <-> [::1]:6000 srflx"));
  EXPECT_THAT(line, HasSubstr("rtt 12.3 ms"));
  EXPECT_THAT(line, HasSubstr("pings 4 sent, 3 echoed, 5 answered"));
  EXPECT_THAT(line, HasSubstr("bytes 1000 sent, 2000 received"));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_THAT(StatusLine(0, "new", PathStats{}, ChatCounters{}, false),
              ::testing::Not(HasSubstr("pings")));
}

TEST(ParleyCallReport, SummaryJsonHasTheSummaryAndTheW3cStats) {
  CallSummary summary;
  summary.role = CallRole::kAnswer;
  summary.connected = true;
  summary.connection_state = "connected";
  summary.path = ExtractPathStats(ReportWithPairs(true));
  summary.chat = {6, 5, 6};
  summary.connected_seconds = 3.0;
  summary.success = true;
  summary.outcome = "duration reached";
  const Json document = Json::parse(SummaryJson(summary, ReportWithPairs(true)));
  const Json& s = document.at("summary");
  EXPECT_EQ(s.at("connected"), true);
  EXPECT_EQ(s.at("connectionState"), "connected");
  EXPECT_EQ(s.at("selectedPair").at("local"), "127.0.0.1:5000 host");
  EXPECT_EQ(s.at("selectedPair").at("remote"), "[::1]:6000 srflx");
  EXPECT_EQ(s.at("rtt"), 0.0123);
  EXPECT_EQ(s.at("pingsSent"), 6);
  EXPECT_EQ(s.at("echoesReceived"), 5);
  EXPECT_EQ(s.at("pingsAnswered"), 6);
  EXPECT_EQ(s.at("bytesSent"), 1000);
  EXPECT_EQ(s.at("bytesReceived"), 2000);
  EXPECT_EQ(s.at("durationSeconds"), 3.0);
  EXPECT_EQ(s.at("role"), "answer");
  EXPECT_EQ(document.at("stats").at("CP1").at("type"), "candidate-pair");

  const Json bare = Json::parse(SummaryJson(CallSummary{}, std::nullopt));
  EXPECT_TRUE(bare.at("summary").at("selectedPair").is_null());
  EXPECT_TRUE(bare.at("summary").at("rtt").is_null());
  EXPECT_TRUE(bare.at("stats").is_null());
}

// ---- End to end ----

constexpr auto kStartWait = std::chrono::seconds(10);
// Generous for a loaded machine: a 3-second call normally ends about 3.5 s after it starts.
constexpr auto kCallWait = std::chrono::seconds(45);

std::string Tail(const std::string& text, size_t size = 3000) {
  return text.size() <= size ? text : "..." + text.substr(text.size() - size);
}

class SignalServer {
 public:
  static std::unique_ptr<SignalServer> Start() {
    auto server = std::unique_ptr<SignalServer>(new SignalServer());
    Subprocess::Options options;
    options.pipe_stdout = true;
    options.stderr_file = server->dir_.File("signal.stderr");
    auto process = Subprocess::Spawn(
        {PARLEY_SIGNAL_BINARY, "--host", "127.0.0.1", "--port", "0", "--quiet"}, options);
    if (!process.ok()) {
      ADD_FAILURE() << "cannot start parley-signal: " << process.error();
      return nullptr;
    }
    server->process_ = std::move(process).value();
    const std::optional<std::string> line =
        server->process_->ReadLine(Subprocess::Clock::now() + kStartWait);
    static const std::regex kListening(
        R"(parley-signal listening on (ws://127\.0\.0\.1:\d+/ws/)<room>)");
    std::smatch match;
    if (!line || !std::regex_match(*line, match, kListening)) {
      ADD_FAILURE() << "no listening line from parley-signal: '" << line.value_or("") << "'";
      return nullptr;
    }
    server->url_prefix_ = match[1].str();
    return server;
  }

  std::string RoomUrl(std::string_view room) const { return url_prefix_ + std::string(room); }

 private:
  SignalServer() = default;
  TempDir dir_;
  std::unique_ptr<Subprocess> process_;  // Stopped by PID when destroyed.
  std::string url_prefix_;
};

// One parley-call process: its stdout piped (status lines), stderr and --stats-json in files.
class CallProcess {
 public:
  static std::unique_ptr<CallProcess> Start(std::string name, std::vector<std::string> args) {
    auto call = std::unique_ptr<CallProcess>(new CallProcess());
    call->name_ = std::move(name);
    std::vector<std::string> argv = {PARLEY_CALL_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    Subprocess::Options options;
    options.pipe_stdout = true;
    options.stderr_file = call->dir_.File("stderr");
    auto process = Subprocess::Spawn(argv, options);
    if (!process.ok()) {
      ADD_FAILURE() << "cannot start parley-call: " << process.error();
      return nullptr;
    }
    call->process_ = std::move(process).value();
    return call;
  }

  // Standard flags for a loopback call in `room_url`, plus `extra`.
  static std::unique_ptr<CallProcess> StartCall(const std::string& role,
                                                const std::string& room_url,
                                                std::vector<std::string> extra, TempDir& dir) {
    std::vector<std::string> args = {"--role",
                                     role,
                                     "--ws",
                                     room_url,
                                     "--ice-address",
                                     "127.0.0.1",
                                     "--stats-json",
                                     dir.File(role + ".json"),
                                     "--connect-timeout",
                                     "30"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Start(role, std::move(args));
  }

  // The next stdout line, or nullopt at the deadline or the end of its output.
  std::optional<std::string> ReadLine(Subprocess::Clock::time_point deadline) {
    std::optional<std::string> line = process_->ReadLine(deadline);
    if (line) stdout_ += *line + "\n";
    return line;
  }

  // Reads its stdout to the end (so that a full pipe never blocks it) and waits for its exit.
  std::string WaitForExit(Subprocess::Clock::time_point deadline) {
    while (ReadLine(deadline)) {
    }
    if (!process_->WaitForExit(deadline)) return "still running";
    return process_->exit_description();
  }

  pid_t pid() const { return process_->pid(); }
  std::string Diagnostics() const {
    return name_ + " (" + process_->exit_description() + ")\n--- stdout:\n" + Tail(stdout_) +
           "--- stderr:\n" + Tail(test::ReadFileText(dir_.File("stderr")));
  }
  std::string Stderr() const { return test::ReadFileText(dir_.File("stderr")); }
  const std::string& Stdout() const { return stdout_; }

 private:
  CallProcess() = default;
  std::string name_;
  TempDir dir_;
  std::unique_ptr<Subprocess> process_;
  std::string stdout_;
};

Json ReadSummary(const std::string& path) {
  const Json document = Json::parse(test::ReadFileText(path), nullptr, false);
  if (document.is_discarded() || !document.is_object() || !document.contains("summary")) {
    return Json();
  }
  return document;
}

// What both sides of a good call with a data channel report.
void ExpectEchoesBothWays(const Json& document, const std::string& role) {
  ASSERT_TRUE(document.is_object()) << role << ": no --stats-json document";
  const Json& s = document.at("summary");
  EXPECT_EQ(s.at("role"), role);
  EXPECT_EQ(s.at("connected"), true);
  EXPECT_EQ(s.at("success"), true);
  // Not connectionState: a side that ends on the peer's bye may see the peer's DTLS close first.
  EXPECT_GE(s.at("pingsSent").get<int>(), 1);
  EXPECT_GE(s.at("echoesReceived").get<int>(), 1);
  EXPECT_GE(s.at("pingsAnswered").get<int>(), 1);
  ASSERT_TRUE(s.at("selectedPair").is_object()) << s.dump();
  EXPECT_THAT(s.at("selectedPair").at("local").get<std::string>(), StartsWith("127.0.0.1:"));
  EXPECT_THAT(s.at("selectedPair").at("remote").get<std::string>(), StartsWith("127.0.0.1:"));
  EXPECT_TRUE(s.at("rtt").is_number()) << s.dump();
  EXPECT_GT(s.at("bytesSent").get<double>(), 0);
  EXPECT_GT(s.at("bytesReceived").get<double>(), 0);
  EXPECT_GE(s.at("durationSeconds").get<double>(), 1.0);
  EXPECT_FALSE(document.at("stats").empty());
}

class ParleyCallEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    server_ = SignalServer::Start();
    ASSERT_NE(server_, nullptr);
  }
  Subprocess::Clock::time_point Deadline() const { return Subprocess::Clock::now() + kCallWait; }

  TempDir dir_;
  std::unique_ptr<SignalServer> server_;
};

TEST_F(ParleyCallEndToEnd, OffererAndAnswererEchoPingsBothWays) {
  const std::string room = server_->RoomUrl("echo");
  auto answerer = CallProcess::StartCall("answer", room, {"--duration", "3"}, dir_);
  auto offerer = CallProcess::StartCall("offer", room, {"--duration", "3"}, dir_);
  ASSERT_TRUE(answerer && offerer);
  const auto deadline = Deadline();
  EXPECT_EQ(offerer->WaitForExit(deadline), "exit code 0") << offerer->Diagnostics();
  EXPECT_EQ(answerer->WaitForExit(deadline), "exit code 0") << answerer->Diagnostics();
  ExpectEchoesBothWays(ReadSummary(dir_.File("offer.json")), "offer");
  ExpectEchoesBothWays(ReadSummary(dir_.File("answer.json")), "answer");
  EXPECT_THAT(offerer->Stdout(), HasSubstr("summary (offer): OK"));
  EXPECT_THAT(offerer->Stdout(), HasSubstr("| pair 127.0.0.1:"));  // A status line with a pair.
}

TEST_F(ParleyCallEndToEnd, ConnectsWithoutADataChannel) {
  const std::string room = server_->RoomUrl("no-channel");
  auto answerer =
      CallProcess::StartCall("answer", room, {"--duration", "2", "--no-datachannel"}, dir_);
  auto offerer =
      CallProcess::StartCall("offer", room, {"--duration", "2", "--no-datachannel"}, dir_);
  ASSERT_TRUE(answerer && offerer);
  const auto deadline = Deadline();
  EXPECT_EQ(offerer->WaitForExit(deadline), "exit code 0") << offerer->Diagnostics();
  EXPECT_EQ(answerer->WaitForExit(deadline), "exit code 0") << answerer->Diagnostics();
  for (const std::string role : {"offer", "answer"}) {
    const Json document = ReadSummary(dir_.File(role + ".json"));
    ASSERT_TRUE(document.is_object()) << role;
    const Json& s = document.at("summary");
    EXPECT_EQ(s.at("connected"), true) << role;
    EXPECT_EQ(s.at("pingsSent"), 0) << role;
    EXPECT_THAT(s.at("selectedPair").at("local").get<std::string>(), StartsWith("127.0.0.1:"));
  }
}

TEST_F(ParleyCallEndToEnd, AnswererJoiningLaterGetsTheQueuedOfferAndCandidates) {
  const std::string room = server_->RoomUrl("late");
  auto offerer = CallProcess::StartCall("offer", room, {"--duration", "2"}, dir_);
  ASSERT_TRUE(offerer);
  // The first status line comes after the offer was sent, so the offer (and the candidates
  // gathered by then) wait in the room for the answerer.
  const std::optional<std::string> first = offerer->ReadLine(Subprocess::Clock::now() + kStartWait);
  ASSERT_TRUE(first.has_value()) << offerer->Diagnostics();
  EXPECT_THAT(*first, HasSubstr(" new |"));
  auto answerer = CallProcess::StartCall("answer", room, {"--duration", "2"}, dir_);
  ASSERT_TRUE(answerer);
  const auto deadline = Deadline();
  EXPECT_EQ(offerer->WaitForExit(deadline), "exit code 0") << offerer->Diagnostics();
  EXPECT_EQ(answerer->WaitForExit(deadline), "exit code 0") << answerer->Diagnostics();
  ExpectEchoesBothWays(ReadSummary(dir_.File("offer.json")), "offer");
  ExpectEchoesBothWays(ReadSummary(dir_.File("answer.json")), "answer");
}

// Waits for a status line showing echoes both ways.
bool WaitForEchoesBothWays(CallProcess& call, Subprocess::Clock::time_point deadline) {
  static const std::regex kChat(R"(pings (\d+) sent, (\d+) echoed, (\d+) answered)");
  while (std::optional<std::string> line = call.ReadLine(deadline)) {
    std::smatch match;
    if (std::regex_search(*line, match, kChat) && std::stoi(match[2].str()) > 0 &&
        std::stoi(match[3].str()) > 0) {
      return true;
    }
  }
  return false;
}

TEST_F(ParleyCallEndToEnd, SigintHangsUpWithByeAndBothSidesSucceed) {
  const std::string room = server_->RoomUrl("interrupt");
  auto answerer = CallProcess::StartCall("answer", room, {}, dir_);  // No --duration.
  auto offerer = CallProcess::StartCall("offer", room, {}, dir_);
  ASSERT_TRUE(answerer && offerer);
  ASSERT_TRUE(WaitForEchoesBothWays(*offerer, Deadline())) << offerer->Diagnostics();
  ASSERT_EQ(kill(offerer->pid(), SIGINT), 0);
  const auto deadline = Deadline();
  EXPECT_EQ(offerer->WaitForExit(deadline), "exit code 0") << offerer->Diagnostics();
  // The answerer ends on the offerer's bye.
  EXPECT_EQ(answerer->WaitForExit(deadline), "exit code 0") << answerer->Diagnostics();
  EXPECT_THAT(offerer->Stderr(), HasSubstr("interrupted by SIGINT"));
  EXPECT_THAT(answerer->Stderr(), HasSubstr("the peer hung up (bye)"));
}

TEST_F(ParleyCallEndToEnd, SigtermBeforeConnectingExitsWithFailure) {
  auto offerer = CallProcess::StartCall("offer", server_->RoomUrl("alone"), {}, dir_);
  ASSERT_TRUE(offerer);
  ASSERT_TRUE(offerer->ReadLine(Subprocess::Clock::now() + kStartWait)) << offerer->Diagnostics();
  ASSERT_EQ(kill(offerer->pid(), SIGTERM), 0);
  EXPECT_EQ(offerer->WaitForExit(Deadline()), "exit code 1") << offerer->Diagnostics();
  EXPECT_THAT(offerer->Stdout(), HasSubstr("FAILED, interrupted by SIGTERM, never connected"));
}

TEST_F(ParleyCallEndToEnd, GivesUpWhenNotConnectedWithinTheConnectTimeout) {
  auto offerer =
      CallProcess::StartCall("offer", server_->RoomUrl("nobody"), {"--connect-timeout", "1"}, dir_);
  ASSERT_TRUE(offerer);
  EXPECT_EQ(offerer->WaitForExit(Deadline()), "exit code 1") << offerer->Diagnostics();
  EXPECT_THAT(offerer->Stderr(), HasSubstr("not connected within 1 s"));
  const Json document = ReadSummary(dir_.File("offer.json"));
  ASSERT_TRUE(document.is_object());
  EXPECT_EQ(document.at("summary").at("connected"), false);
}

// A TCP port on 127.0.0.1 that refuses connections: bound, never listening.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
      port_ = ntohs(address.sin_port);
    }
  }
  ~RefusingPort() {
    if (fd_ >= 0) close(fd_);
  }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

TEST(ParleyCallCommandLine, UnreachableSignalingServerExitsWithOne) {
  RefusingPort refusing;
  ASSERT_NE(refusing.port(), 0);
  const std::string url = "ws://127.0.0.1:" + std::to_string(refusing.port()) + "/ws/x";
  auto call = CallProcess::Start("offer", {"--role", "offer", "--ws", url});
  ASSERT_TRUE(call);
  EXPECT_EQ(call->WaitForExit(Subprocess::Clock::now() + kCallWait), "exit code 1")
      << call->Diagnostics();
  EXPECT_THAT(call->Stderr(), HasSubstr("cannot reach the signaling server"));
  EXPECT_THAT(call->Stderr(), HasSubstr(url));
}

TEST(ParleyCallCommandLine, MalformedSignalingUrlExitsWithOne) {
  auto call = CallProcess::Start("answer", {"--role", "answer", "--ws", "http://127.0.0.1/ws/x"});
  ASSERT_TRUE(call);
  EXPECT_EQ(call->WaitForExit(Subprocess::Clock::now() + kCallWait), "exit code 1")
      << call->Diagnostics();
  EXPECT_THAT(call->Stderr(), HasSubstr("cannot reach the signaling server"));
}

TEST(ParleyCallCommandLine, BadFlagExitsWithTwoAndUsage) {
  auto call = CallProcess::Start(
      "bad", {"--role", "offer", "--ws", "ws://127.0.0.1:1/ws/x", "--frobnicate"});
  ASSERT_TRUE(call);
  EXPECT_EQ(call->WaitForExit(Subprocess::Clock::now() + kCallWait), "exit code 2")
      << call->Diagnostics();
  EXPECT_THAT(call->Stderr(), HasSubstr("unknown argument '--frobnicate'"));
  EXPECT_THAT(call->Stderr(), HasSubstr("usage: parley-call"));

  auto media = CallProcess::Start(
      "media", {"--role", "offer", "--ws", "ws://127.0.0.1:1/ws/x", "--video", "vp9"});
  ASSERT_TRUE(media);
  EXPECT_EQ(media->WaitForExit(Subprocess::Clock::now() + kCallWait), "exit code 2")
      << media->Diagnostics();
  EXPECT_THAT(media->Stderr(), HasSubstr("media is not supported yet"));
}

TEST(ParleyCallCommandLine, HelpPrintsUsageAndExitsWithZero) {
  auto call = CallProcess::Start("help", {"--help"});
  ASSERT_TRUE(call);
  EXPECT_EQ(call->WaitForExit(Subprocess::Clock::now() + kCallWait), "exit code 0");
  EXPECT_THAT(call->Stdout(), HasSubstr("usage: parley-call"));
  EXPECT_THAT(call->Stdout(), HasSubstr("--ice-server"));
}

}  // namespace
}  // namespace parley::examples
