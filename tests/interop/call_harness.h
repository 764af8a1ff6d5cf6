// The pieces of the call interop tests (Chromium, aiortc and coturn against parley-call): a
// fresh network namespace with only loopback, and the processes of a call (parley-signal,
// parley-call, headless Chromium on the demo page, the aiortc peer), each started on 127.0.0.1,
// waited on with deadlines and stopped by PID. docs/architecture.md, tier 5.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "interop/subprocess.h"
#include "parley/result.h"

namespace parley::examples {
class SignalingClient;
}

namespace parley::test {

using Json = nlohmann::json;
using Clock = Subprocess::Clock;

// Moves the calling thread (and so every thread and process it starts afterwards) into a new
// network namespace and brings its loopback interface up: then 127.0.0.1 and ::1 are the only
// addresses any stack can gather, whatever it is told. Needs CAP_SYS_ADMIN (root, as in CI); the
// error says so otherwise.
Result<void> EnterFreshNetworkNamespace();

// parley-signal --host 127.0.0.1 --port 0, serving examples/web.
class SignalServerProcess {
 public:
  // Waits (bounded) for its "listening on" line.
  static Result<std::unique_ptr<SignalServerProcess>> Start();
  // ws://127.0.0.1:PORT/ws/<room>
  std::string RoomUrl(std::string_view room) const;
  // http://127.0.0.1:PORT/?<query>: the demo page.
  std::string PageUrl(std::string_view query) const;
  std::string Diagnostics() const;

 private:
  SignalServerProcess() = default;
  TempDir dir_;
  std::string base_;  // 127.0.0.1:PORT
  std::unique_ptr<Subprocess> process_;
};

// parley-call, always with --ice-address 127.0.0.1, --stats-json, no audio or video.
class ParleyCallProcess {
 public:
  struct Options {
    std::string name{};  // For messages: "parley-call (offer)".
    std::string ws_url{};
    std::string role{};  // "offer" or "answer"
    double duration_seconds = 3;
    std::vector<std::string> ice_servers{};  // --ice-server URIs
    bool relay_only = false;
  };
  static Result<std::unique_ptr<ParleyCallProcess>> Start(const Options& options);
  Subprocess& process() { return *process_; }
  // The --stats-json document; a discarded value when the file is missing or not JSON.
  Json StatsJson() const;
  // Its exit status, stdout and stderr (tails).
  std::string Diagnostics() const;

 private:
  ParleyCallProcess() = default;
  Options options_;
  TempDir dir_;
  std::unique_ptr<Subprocess> process_;
};

// tests/interop/aiortc_peer.py with Debian's /usr/bin/python3.
class AiortcPeerProcess {
 public:
  static Result<std::unique_ptr<AiortcPeerProcess>> Start(const std::string& ws_url,
                                                          const std::string& role,
                                                          double duration_seconds);
  Subprocess& process() { return *process_; }
  // Its JSON report; a discarded value when missing.
  Json Report() const;
  std::string Diagnostics() const;

 private:
  AiortcPeerProcess() = default;
  TempDir dir_;
  std::unique_ptr<Subprocess> process_;
};

// Headless Chromium on one URL, in its own process group (setsid) with a fresh profile. The
// destructor stops the browser by PID, then kills what is left of its process group.
class ChromiumProcess {
 public:
  static constexpr const char* kBinary = "/usr/lib/chromium/chromium";
  static Result<std::unique_ptr<ChromiumProcess>> Start(const std::string& url);
  ~ChromiumProcess();
  ChromiumProcess(const ChromiumProcess&) = delete;
  ChromiumProcess& operator=(const ChromiumProcess&) = delete;
  // Its stderr, where the page's console messages go (tail).
  std::string Diagnostics() const;

 private:
  ChromiumProcess() = default;
  TempDir dir_;
  std::unique_ptr<Subprocess> process_;
};

// A room the demo page posts its report to: this test is the room's other peer.
class ReportRoom {
 public:
  static Result<std::unique_ptr<ReportRoom>> Join(const std::string& room_url);
  ~ReportRoom();
  ReportRoom(const ReportRoom&) = delete;
  ReportRoom& operator=(const ReportRoom&) = delete;
  // The first {"type":"report"} frame, or nullopt at `deadline`.
  std::optional<Json> WaitForReport(Clock::time_point deadline);

 private:
  ReportRoom() = default;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> frames_;
  // Declared last, destroyed first: its callbacks use the members above.
  std::unique_ptr<examples::SignalingClient> client_;
};

// The selected candidate pair of a W3C stats report (parley-call's "stats": objects by id): the
// transport's selectedCandidatePairId, else a nominated pair that succeeded.
struct SelectedPath {
  std::string state;  // The pair's
  std::string local_type;
  std::string local_address;
  std::string remote_type;
  std::string remote_address;
};
std::optional<SelectedPath> FindSelectedPath(const Json& stats_by_id);

// "host" from parley-call's summary form "127.0.0.1:50000 host"; "" if there is none.
std::string CandidateTypeOf(const Json& summary_candidate);

// The last `size` characters of `text`.
std::string TailOf(const std::string& text, size_t size = 4000);

}  // namespace parley::test
