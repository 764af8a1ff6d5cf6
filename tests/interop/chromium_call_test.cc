// Headless Chromium on the demo page (examples/web) calls parley-call through parley-signal, in
// both offer/answer directions: ICE, DTLS and the "chat" data channel with pings and echoes both
// ways. Chromium reports back through a second signaling room (the page's `report` parameter):
// its states, counters and getStats(). Everything runs in a fresh network namespace with only
// loopback, since Chromium cannot be told which interfaces to gather on.
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "interop/call_harness.h"

namespace parley {
namespace {

using test::ChromiumProcess;
using test::Clock;
using test::Json;
using test::ParleyCallProcess;
using test::ReportRoom;
using test::SignalServerProcess;

constexpr double kCallSeconds = 3;
// Browser start, connection, kCallSeconds and the report; generous for sanitizer builds.
constexpr std::chrono::seconds kReportBound{40};
constexpr std::chrono::seconds kExitBound{20};

struct Direction {
  const char* name;
  const char* chromium_role;
  const char* parley_role;
};

void PrintTo(const Direction& direction, std::ostream* os) {
  *os << direction.name;
}

class ChromiumCall : public ::testing::TestWithParam<Direction> {};

// The page's report: connected, echoes both ways, and getStats() shows the path that carried
// them (a succeeded pair on loopback, DTLS connected, the "chat" channel busy both ways).
void ExpectGoodBrowserReport(const Json& report) {
  EXPECT_EQ(report.value("reachedConnected", false), true);
  EXPECT_EQ(report.value("connectionState", ""), "connected");
  EXPECT_TRUE(report.value("iceConnectionState", "") == "connected" ||
              report.value("iceConnectionState", "") == "completed");
  EXPECT_GT(report.value("echoesReceived", 0), 0);
  EXPECT_GT(report.value("pingsAnswered", 0), 0);
  EXPECT_TRUE(report.value("errors", Json::array()).empty());
  const Json stats = report.value("stats", Json::object());
  const Json pair = stats.value("selectedCandidatePair", Json::object());
  EXPECT_EQ(pair.value("state", ""), "succeeded");
  EXPECT_EQ(pair.value("nominated", false), true);
  EXPECT_EQ(stats.value("localCandidate", Json::object()).value("address", ""), "127.0.0.1");
  EXPECT_EQ(stats.value("remoteCandidate", Json::object()).value("address", ""), "127.0.0.1");
  const Json transport = stats.value("transport", Json::object());
  EXPECT_EQ(transport.value("dtlsState", ""), "connected");
  EXPECT_FALSE(transport.value("dtlsCipher", "").empty());
  EXPECT_EQ(transport.value("selectedCandidatePairId", ""), pair.value("id", "?"));
  const Json channels = stats.value("dataChannels", Json::array());
  ASSERT_EQ(channels.size(), 1u);
  EXPECT_EQ(channels[0].value("label", ""), "chat");
  EXPECT_GT(channels[0].value("messagesSent", 0), 0);
  EXPECT_GT(channels[0].value("messagesReceived", 0), 0);
}

// parley-call's --stats-json: connected, echoes both ways, on a host pair on loopback.
void ExpectGoodParleyStats(const Json& document) {
  ASSERT_TRUE(document.is_object()) << "no --stats-json document";
  const Json summary = document.value("summary", Json::object());
  EXPECT_EQ(summary.value("connected", false), true);
  EXPECT_GT(summary.value("echoesReceived", 0), 0);
  EXPECT_GT(summary.value("pingsAnswered", 0), 0);
  const Json pair = summary.value("selectedPair", Json::object());
  EXPECT_EQ(test::CandidateTypeOf(pair.value("local", Json())), "host") << pair;
  EXPECT_TRUE(pair.value("local", "").starts_with("127.0.0.1:")) << pair;
  EXPECT_TRUE(pair.value("remote", "").starts_with("127.0.0.1:")) << pair;
  const auto path = test::FindSelectedPath(document.value("stats", Json()));
  ASSERT_TRUE(path) << "no selected candidate pair in parley-call's stats";
  EXPECT_EQ(path->state, "succeeded");
  EXPECT_EQ(path->local_address, "127.0.0.1");
  EXPECT_EQ(path->remote_address, "127.0.0.1");
}

TEST_P(ChromiumCall, DataChannelPingsAndEchoesBothWays) {
  const Direction direction = GetParam();
  if (auto isolated = test::EnterFreshNetworkNamespace(); !isolated.ok()) {
    GTEST_SKIP() << "Chromium gathers on every interface, so it runs only in a network "
                    "namespace of its own: "
                 << isolated.error();
  }
  auto signal = SignalServerProcess::Start();
  ASSERT_TRUE(signal.ok()) << signal.error();
  // Joined before the page can post: a room drops what it queued once both sides have left.
  auto report_room = ReportRoom::Join((*signal)->RoomUrl("report"));
  ASSERT_TRUE(report_room.ok()) << report_room.error();

  auto parley =
      ParleyCallProcess::Start({.name = std::string("parley-call (") + direction.parley_role + ")",
                                .ws_url = (*signal)->RoomUrl("call"),
                                .role = direction.parley_role,
                                .duration_seconds = kCallSeconds});
  ASSERT_TRUE(parley.ok()) << parley.error();
  auto chromium = ChromiumProcess::Start(
      (*signal)->PageUrl(std::string("room=call&role=") + direction.chromium_role +
                         "&duration=3&timeout=20&report=report&autostart=1"));
  ASSERT_TRUE(chromium.ok()) << chromium.error();

  const auto report = (*report_room)->WaitForReport(Clock::now() + kReportBound);
  const bool parley_exited = (*parley)->process().WaitForExit(Clock::now() + kExitBound);
  const std::string diagnostics = (*parley)->Diagnostics() + "\n" + (*chromium)->Diagnostics() +
                                  "\n" + (*signal)->Diagnostics();
  ASSERT_TRUE(report) << "no report from the page\n" << diagnostics;
  SCOPED_TRACE("Chromium's report: " + report->dump());
  ExpectGoodBrowserReport(*report);

  ASSERT_TRUE(parley_exited) << diagnostics;
  EXPECT_EQ((*parley)->process().exit_description(), "exit code 0") << diagnostics;
  ExpectGoodParleyStats((*parley)->StatsJson());
  if (HasFailure()) ADD_FAILURE() << diagnostics;
}

INSTANTIATE_TEST_SUITE_P(Interop, ChromiumCall,
                         ::testing::Values(Direction{"ChromiumOffers", "offer", "answer"},
                                           Direction{"ParleyOffers", "answer", "offer"}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace parley
