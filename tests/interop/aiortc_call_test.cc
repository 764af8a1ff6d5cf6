// aiortc (tests/interop/aiortc_peer.py, Debian's python3-aiortc) calls parley-call through
// parley-signal, in both offer/answer directions: aiortc puts its candidates in the SDP, Parley
// trickles; the "chat" data channel carries pings and echoes both ways. In a fresh network
// namespace with only loopback when the test may create one; otherwise on the host's loopback
// (both peers gather on 127.0.0.1 only).
#include <chrono>
#include <iostream>
#include <string>

#include <gtest/gtest.h>

#include "interop/call_harness.h"

namespace parley {
namespace {

using test::AiortcPeerProcess;
using test::Clock;
using test::Json;
using test::ParleyCallProcess;
using test::SignalServerProcess;

constexpr double kCallSeconds = 3;
constexpr std::chrono::seconds kCallBound{40};

struct Direction {
  const char* name;
  const char* aiortc_role;
  const char* parley_role;
};

void PrintTo(const Direction& direction, std::ostream* os) {
  *os << direction.name;
}

class AiortcCall : public ::testing::TestWithParam<Direction> {};

TEST_P(AiortcCall, DataChannelPingsAndEchoesBothWays) {
  const Direction direction = GetParam();
  if (auto isolated = test::EnterFreshNetworkNamespace(); !isolated.ok()) {
    std::cerr << "note: on the host's loopback: " << isolated.error() << "\n";
  }
  auto signal = SignalServerProcess::Start();
  ASSERT_TRUE(signal.ok()) << signal.error();
  auto parley =
      ParleyCallProcess::Start({.name = std::string("parley-call (") + direction.parley_role + ")",
                                .ws_url = (*signal)->RoomUrl("call"),
                                .role = direction.parley_role,
                                .duration_seconds = kCallSeconds});
  ASSERT_TRUE(parley.ok()) << parley.error();
  auto aiortc =
      AiortcPeerProcess::Start((*signal)->RoomUrl("call"), direction.aiortc_role, kCallSeconds);
  ASSERT_TRUE(aiortc.ok()) << aiortc.error();

  const Clock::time_point deadline = Clock::now() + kCallBound;
  const bool aiortc_exited = (*aiortc)->process().WaitForExit(deadline);
  const bool parley_exited = (*parley)->process().WaitForExit(deadline);
  const std::string diagnostics =
      (*parley)->Diagnostics() + "\n" + (*aiortc)->Diagnostics() + "\n" + (*signal)->Diagnostics();
  ASSERT_TRUE(aiortc_exited && parley_exited) << diagnostics;

  // aiortc: connected over 127.0.0.1, echoes both ways, DTLS up.
  const Json report = (*aiortc)->Report();
  ASSERT_TRUE(report.is_object()) << "no report from aiortc\n" << diagnostics;
  EXPECT_EQ((*aiortc)->process().exit_description(), "exit code 0") << diagnostics;
  EXPECT_EQ(report.value("success", false), true) << report.dump();
  EXPECT_GT(report.value("echoesReceived", 0), 0) << report.dump();
  EXPECT_GT(report.value("pingsAnswered", 0), 0) << report.dump();
  EXPECT_EQ(report.value("dtlsState", ""), "connected") << report.dump();
  const Json aiortc_pair = report.value("selectedPair", Json::object());
  EXPECT_EQ(aiortc_pair.value("local", Json::object()).value("address", ""), "127.0.0.1")
      << report.dump();
  EXPECT_EQ(aiortc_pair.value("remote", Json::object()).value("address", ""), "127.0.0.1")
      << report.dump();

  // parley-call: the same, from its --stats-json.
  EXPECT_EQ((*parley)->process().exit_description(), "exit code 0") << diagnostics;
  const Json stats = (*parley)->StatsJson();
  ASSERT_TRUE(stats.is_object()) << "no --stats-json document\n" << diagnostics;
  const Json summary = stats.value("summary", Json::object());
  EXPECT_EQ(summary.value("connected", false), true) << summary.dump();
  EXPECT_GT(summary.value("echoesReceived", 0), 0) << summary.dump();
  EXPECT_GT(summary.value("pingsAnswered", 0), 0) << summary.dump();
  const auto path = test::FindSelectedPath(stats.value("stats", Json()));
  ASSERT_TRUE(path) << "no selected candidate pair in parley-call's stats";
  EXPECT_EQ(path->state, "succeeded");
  EXPECT_EQ(path->local_type, "host");
  EXPECT_EQ(path->local_address, "127.0.0.1");
  EXPECT_EQ(path->remote_address, "127.0.0.1");
  // Each side's remote end is the other's local end.
  const std::string aiortc_local_port =
      std::to_string(aiortc_pair.value("local", Json::object()).value("port", 0));
  EXPECT_TRUE(summary.value("selectedPair", Json::object())
                  .value("remote", "")
                  .starts_with("127.0.0.1:" + aiortc_local_port + " "))
      << summary.dump() << " vs " << report.dump();
  if (HasFailure()) ADD_FAILURE() << diagnostics;
}

INSTANTIATE_TEST_SUITE_P(Interop, AiortcCall,
                         ::testing::Values(Direction{"AiortcOffers", "offer", "answer"},
                                           Direction{"ParleyOffers", "answer", "offer"}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace parley
