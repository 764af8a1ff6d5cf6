// Relay-only calls through a real coturn on 127.0.0.1 (TURN over UDP and over TCP): two
// parley-call, and Chromium (the demo page's `relay` parameter) with parley-call. With the relay
// policy on both sides every packet goes client -> coturn -> relayed address -> coturn -> client,
// so a call that connects and echoes proves the relay path; both sides' stats must show a
// relay<->relay pair and coturn's log the allocations and permissions.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "interop/call_harness.h"
#include "interop/coturn.h"

namespace parley {
namespace {

using test::ChromiumProcess;
using test::Clock;
using test::Coturn;
using test::Json;
using test::ParleyCallProcess;
using test::ReportRoom;
using test::SignalServerProcess;

constexpr double kCallSeconds = 3;
constexpr std::chrono::seconds kCallBound{45};

// parley-call's --ice-server form: turn:USER:PASS@HOST:PORT?transport=udp|tcp
std::string TurnUri(const Coturn& server, const std::string& transport) {
  return std::string("turn:") + Coturn::kUser + ":" + Coturn::kPassword +
         "@127.0.0.1:" + std::to_string(server.address().port()) + "?transport=" + transport;
}

// parley-call's --stats-json: connected and echoed both ways over a relay<->relay pair.
void ExpectRelayedParleyCall(const Json& document, const std::string& name) {
  SCOPED_TRACE(name);
  ASSERT_TRUE(document.is_object()) << "no --stats-json document";
  const Json summary = document.value("summary", Json::object());
  EXPECT_EQ(summary.value("connected", false), true) << summary.dump();
  EXPECT_GT(summary.value("echoesReceived", 0), 0) << summary.dump();
  EXPECT_GT(summary.value("pingsAnswered", 0), 0) << summary.dump();
  const Json pair = summary.value("selectedPair", Json::object());
  EXPECT_EQ(test::CandidateTypeOf(pair.value("local", Json())), "relay") << pair;
  EXPECT_EQ(test::CandidateTypeOf(pair.value("remote", Json())), "relay") << pair;
  const auto path = test::FindSelectedPath(document.value("stats", Json()));
  ASSERT_TRUE(path) << "no selected candidate pair in the W3C stats";
  EXPECT_EQ(path->state, "succeeded");
  EXPECT_EQ(path->local_type, "relay");
  EXPECT_EQ(path->remote_type, "relay");
  EXPECT_EQ(path->local_address, "127.0.0.1");  // coturn's --relay-ip
  EXPECT_EQ(path->remote_address, "127.0.0.1");
}

// coturn's log: an allocation per relay-only side, each granting the other's relayed address a
// permission, and, once the allocations are released, `released` of them that relayed packets
// both ways to and from their peer. coturn logs that usage when it deletes an allocation: a
// second or so after the client's Refresh with lifetime 0 (parley-call sends it when it exits).
void ExpectRelayedAllocations(const Coturn& server, size_t released) {
  EXPECT_TRUE(server.WaitForLog("ALLOCATE processed, success", 2)) << server.log();
  EXPECT_TRUE(server.WaitForLog("CREATE_PERMISSION processed, success", 2)) << server.log();
  constexpr std::string_view kPeerUsage = "peer usage: realm=<test>, username=<user>, rp=";
  ASSERT_TRUE(server.WaitForLog(std::string(kPeerUsage), released)) << server.log();
  const std::string log = server.log();
  for (size_t at = log.find(kPeerUsage); at != std::string::npos;
       at = log.find(kPeerUsage, at + 1)) {
    unsigned long received_packets = 0;
    unsigned long received_bytes = 0;
    unsigned long sent_packets = 0;
    // "rp=32, rb=3430, sp=33, sb=3444": packets and bytes from and to the peer.
    ASSERT_EQ(std::sscanf(log.c_str() + at + kPeerUsage.size(), "%lu, rb=%lu, sp=%lu",
                          &received_packets, &received_bytes, &sent_packets),
              3)
        << log.substr(at, 120);
    EXPECT_GT(received_packets, 0u) << log.substr(at, 120);
    EXPECT_GT(sent_packets, 0u) << log.substr(at, 120);
  }
}

size_t CountLinesWith(const std::string& text, std::string_view first, std::string_view second) {
  size_t count = 0;
  for (size_t start = 0; start < text.size();) {
    const size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line(text.data() + start, end - start);
    if (line.find(first) != line.npos && line.find(second) != line.npos) ++count;
    start = end + 1;
  }
  return count;
}

class CoturnCall : public ::testing::TestWithParam<std::string> {};

TEST_P(CoturnCall, TwoRelayOnlyParleyCallsConnectThroughCoturn) {
  const std::string transport = GetParam();
  if (auto isolated = test::EnterFreshNetworkNamespace(); !isolated.ok()) {
    std::cerr << "note: on the host's loopback: " << isolated.error() << "\n";
  }
  auto turn = Coturn::Start();  // Never skipped: fails and says how to install coturn.
  ASSERT_TRUE(turn.ok()) << turn.error();
  auto signal = SignalServerProcess::Start();
  ASSERT_TRUE(signal.ok()) << signal.error();
  auto start = [&](const char* role) {
    return ParleyCallProcess::Start({.name = std::string("parley-call (") + role + ")",
                                     .ws_url = (*signal)->RoomUrl("call"),
                                     .role = role,
                                     .duration_seconds = kCallSeconds,
                                     .ice_servers = {TurnUri(**turn, transport)},
                                     .relay_only = true});
  };
  auto offer = start("offer");
  ASSERT_TRUE(offer.ok()) << offer.error();
  auto answer = start("answer");
  ASSERT_TRUE(answer.ok()) << answer.error();

  const Clock::time_point deadline = Clock::now() + kCallBound;
  const bool exited =
      (*offer)->process().WaitForExit(deadline) && (*answer)->process().WaitForExit(deadline);
  const std::string diagnostics = (*offer)->Diagnostics() + "\n" + (*answer)->Diagnostics() + "\n" +
                                  (*signal)->Diagnostics() + "\ncoturn log:\n" +
                                  test::TailOf((*turn)->log());
  ASSERT_TRUE(exited) << diagnostics;
  EXPECT_EQ((*offer)->process().exit_description(), "exit code 0") << diagnostics;
  EXPECT_EQ((*answer)->process().exit_description(), "exit code 0") << diagnostics;
  ExpectRelayedParleyCall((*offer)->StatsJson(), "offer");
  ExpectRelayedParleyCall((*answer)->StatsJson(), "answer");
  ExpectRelayedAllocations(**turn, 2);
  // TURN over TCP: both clients' sessions ran over TCP (and only then). Coturn::Start's
  // readiness probes connect over TCP too, but without a user.
  constexpr std::string_view kTcpSessionEnd = "reason: TCP connection closed by client";
  if (transport == "tcp") (*turn)->WaitForLog(std::string(kTcpSessionEnd), 4);
  EXPECT_EQ(CountLinesWith((*turn)->log(), "user <user>", kTcpSessionEnd),
            transport == "tcp" ? 2u : 0u)
      << (*turn)->log();
  if (HasFailure()) ADD_FAILURE() << diagnostics;
}

INSTANTIATE_TEST_SUITE_P(Interop, CoturnCall, ::testing::Values("udp", "tcp"),
                         [](const auto& info) { return info.param == "udp" ? "Udp" : "Tcp"; });

// Chromium (offering) and parley-call, both relay-only through coturn over UDP.
TEST(CoturnCall, RelayOnlyChromiumAndParleyCallConnectThroughCoturn) {
  if (auto isolated = test::EnterFreshNetworkNamespace(); !isolated.ok()) {
    GTEST_SKIP() << "Chromium gathers on every interface, so it runs only in a network "
                    "namespace of its own: "
                 << isolated.error();
  }
  auto turn = Coturn::Start();
  ASSERT_TRUE(turn.ok()) << turn.error();
  auto signal = SignalServerProcess::Start();
  ASSERT_TRUE(signal.ok()) << signal.error();
  auto report_room = ReportRoom::Join((*signal)->RoomUrl("report"));
  ASSERT_TRUE(report_room.ok()) << report_room.error();
  auto parley = ParleyCallProcess::Start({.name = "parley-call (answer)",
                                          .ws_url = (*signal)->RoomUrl("call"),
                                          .role = "answer",
                                          .duration_seconds = kCallSeconds,
                                          .ice_servers = {TurnUri(**turn, "udp")},
                                          .relay_only = true});
  ASSERT_TRUE(parley.ok()) << parley.error();
  // The TURN URL percent-encoded as one query parameter; its credentials as two more.
  const std::string relay =
      "turn%3A127.0.0.1%3A" + std::to_string((*turn)->address().port()) + "%3Ftransport%3Dudp";
  auto chromium = ChromiumProcess::Start(
      (*signal)->PageUrl("room=call&role=offer&duration=3&timeout=20&report=report&autostart=1"
                         "&relay=" +
                         relay + "&user=" + Coturn::kUser + "&pass=" + Coturn::kPassword));
  ASSERT_TRUE(chromium.ok()) << chromium.error();

  const auto report = (*report_room)->WaitForReport(Clock::now() + kCallBound);
  const bool parley_exited = (*parley)->process().WaitForExit(Clock::now() + kCallBound);
  const std::string diagnostics = (*parley)->Diagnostics() + "\n" + (*chromium)->Diagnostics() +
                                  "\n" + (*signal)->Diagnostics() + "\ncoturn log:\n" +
                                  test::TailOf((*turn)->log());
  ASSERT_TRUE(report) << "no report from the page\n" << diagnostics;
  SCOPED_TRACE("Chromium's report: " + report->dump());
  EXPECT_EQ(report->value("reachedConnected", false), true);
  EXPECT_GT(report->value("echoesReceived", 0), 0);
  EXPECT_GT(report->value("pingsAnswered", 0), 0);
  const Json stats = report->value("stats", Json::object());
  EXPECT_EQ(stats.value("selectedCandidatePair", Json::object()).value("state", ""), "succeeded");
  EXPECT_EQ(stats.value("localCandidate", Json::object()).value("candidateType", ""), "relay");
  EXPECT_EQ(stats.value("remoteCandidate", Json::object()).value("candidateType", ""), "relay");
  EXPECT_EQ(stats.value("transport", Json::object()).value("dtlsState", ""), "connected");

  ASSERT_TRUE(parley_exited) << diagnostics;
  EXPECT_EQ((*parley)->process().exit_description(), "exit code 0") << diagnostics;
  ExpectRelayedParleyCall((*parley)->StatsJson(), "parley-call (answer)");
  ExpectRelayedAllocations(**turn, 2);
  if (HasFailure()) ADD_FAILURE() << diagnostics;
}

}  // namespace
}  // namespace parley
