#include "interop/call_harness.h"

#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "signaling/signaling_client.h"

namespace parley::test {
namespace {

constexpr const char* kPython = "/usr/bin/python3";  // Debian's, with python3-aiortc.
constexpr const char* kSetsid = "/usr/bin/setsid";
constexpr std::chrono::seconds kStartBound{15};

std::string ErrnoText(int error) {
  return std::generic_category().message(error);
}

std::string FormatSeconds(double seconds) {
  std::string text = std::to_string(seconds);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

Result<void> RequireExecutable(const std::string& path, const std::string& what) {
  if (path.empty()) {
    return OperationError(what + " is not part of this build (see the CMake configure output)");
  }
  if (IsExecutable(path)) return Ok();
  return OperationError(what + " not found at " + path);
}

Json ParseFile(const std::string& path) {
  return Json::parse(ReadFileText(path), nullptr, /*allow_exceptions=*/false);
}

std::string StringMember(const Json& object, const char* name) {
  if (!object.is_object()) return "";
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Result<void> EnterFreshNetworkNamespace() {
  if (unshare(CLONE_NEWNET) != 0) {
    return OperationError("cannot create a network namespace (unshare(CLONE_NEWNET): " +
                          ErrnoText(errno) + "); these tests need root (CAP_SYS_ADMIN), as in CI");
  }
  // A new namespace's loopback is down; up, it has 127.0.0.1/8 and ::1.
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return OperationError("socket() in the new namespace: " + ErrnoText(errno));
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  int result = ioctl(fd, SIOCGIFFLAGS, &request);
  if (result == 0) {
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    result = ioctl(fd, SIOCSIFFLAGS, &request);
  }
  const int error = errno;
  close(fd);
  if (result != 0) return OperationError("cannot bring lo up: " + ErrnoText(error));
  return Ok();
}

// --- parley-signal ---

Result<std::unique_ptr<SignalServerProcess>> SignalServerProcess::Start() {
  if (auto found = RequireExecutable(PARLEY_SIGNAL_BINARY, "parley-signal"); !found.ok()) {
    return found.error();
  }
  auto server = std::unique_ptr<SignalServerProcess>(new SignalServerProcess());
  if (!server->dir_.ok()) return OperationError("cannot create a temporary directory");
  auto process = Subprocess::Spawn(
      {PARLEY_SIGNAL_BINARY, "--host", "127.0.0.1", "--port", "0", "--web-root", PARLEY_WEB_ROOT},
      {.pipe_stdout = true, .stderr_file = server->dir_.File("parley-signal.log")});
  if (!process.ok()) return process.error();
  server->process_ = std::move(process).value();

  // "parley-signal listening on ws://127.0.0.1:PORT/ws/<room>"
  constexpr std::string_view kPrefix = "parley-signal listening on ws://";
  const auto line = server->process_->ReadLine(Clock::now() + kStartBound);
  if (!line || !line->starts_with(kPrefix)) {
    return OperationError("parley-signal did not say it was listening (got '" + line.value_or("") +
                          "'): " + server->Diagnostics());
  }
  const std::string rest = line->substr(kPrefix.size());
  server->base_ = rest.substr(0, rest.find('/'));
  return server;
}

std::string SignalServerProcess::RoomUrl(std::string_view room) const {
  return "ws://" + base_ + "/ws/" + std::string(room);
}

std::string SignalServerProcess::PageUrl(std::string_view query) const {
  return "http://" + base_ + "/?" + std::string(query);
}

std::string SignalServerProcess::Diagnostics() const {
  return "parley-signal log:\n" + TailOf(ReadFileText(dir_.File("parley-signal.log")));
}

// --- parley-call ---

Result<std::unique_ptr<ParleyCallProcess>> ParleyCallProcess::Start(const Options& options) {
  if (auto found = RequireExecutable(PARLEY_CALL_BINARY, "parley-call"); !found.ok()) {
    return found.error();
  }
  auto call = std::unique_ptr<ParleyCallProcess>(new ParleyCallProcess());
  if (!call->dir_.ok()) return OperationError("cannot create a temporary directory");
  call->options_ = options;
  std::vector<std::string> argv = {PARLEY_CALL_BINARY,
                                   "--ws",
                                   options.ws_url,
                                   "--role",
                                   options.role,
                                   "--duration",
                                   FormatSeconds(options.duration_seconds),
                                   "--connect-timeout",
                                   "20",
                                   "--ice-address",
                                   "127.0.0.1",
                                   "--stats-json",
                                   call->dir_.File("stats.json"),
                                   "--video",
                                   "none",
                                   "--audio",
                                   "none"};
  for (const std::string& server : options.ice_servers) {
    argv.push_back("--ice-server");
    argv.push_back(server);
  }
  if (options.relay_only) argv.push_back("--relay-only");
  auto process = Subprocess::Spawn(
      argv, {.stdout_file = call->dir_.File("stdout"), .stderr_file = call->dir_.File("stderr")});
  if (!process.ok()) return process.error();
  call->process_ = std::move(process).value();
  return call;
}

Json ParleyCallProcess::StatsJson() const {
  return ParseFile(dir_.File("stats.json"));
}

std::string ParleyCallProcess::Diagnostics() const {
  return options_.name + " (" +
         (process_->exited() ? process_->exit_description() : std::string("running")) +
         ")\nstdout:\n" + TailOf(ReadFileText(dir_.File("stdout"))) + "\nstderr:\n" +
         TailOf(ReadFileText(dir_.File("stderr")));
}

// --- aiortc ---

Result<std::unique_ptr<AiortcPeerProcess>> AiortcPeerProcess::Start(const std::string& ws_url,
                                                                    const std::string& role,
                                                                    double duration_seconds) {
  if (auto found = RequireExecutable(kPython, "Debian's python3 (package python3)"); !found.ok()) {
    return found.error();
  }
  auto peer = std::unique_ptr<AiortcPeerProcess>(new AiortcPeerProcess());
  if (!peer->dir_.ok()) return OperationError("cannot create a temporary directory");
  auto process = Subprocess::Spawn(
      {kPython, PARLEY_AIORTC_PEER_SCRIPT, "--ws", ws_url, "--role", role, "--duration",
       FormatSeconds(duration_seconds), "--timeout", "20", "--report",
       peer->dir_.File("report.json")},
      {.stdout_file = peer->dir_.File("stderr"), .stderr_file = peer->dir_.File("stderr")});
  if (!process.ok()) return process.error();
  peer->process_ = std::move(process).value();
  return peer;
}

Json AiortcPeerProcess::Report() const {
  return ParseFile(dir_.File("report.json"));
}

std::string AiortcPeerProcess::Diagnostics() const {
  return "aiortc peer (" +
         (process_->exited() ? process_->exit_description() : std::string("running")) +
         "; 'No module named' means: run scripts/setup-deps.sh for python3-aiortc and "
         "python3-websockets) stderr:\n" +
         TailOf(ReadFileText(dir_.File("stderr")));
}

// --- Chromium ---

Result<std::unique_ptr<ChromiumProcess>> ChromiumProcess::Start(const std::string& url) {
  if (auto found = RequireExecutable(kBinary,
                                     "Chromium (Debian package chromium: run "
                                     "scripts/setup-deps.sh)");
      !found.ok()) {
    return found.error();
  }
  if (auto found = RequireExecutable(kSetsid, "setsid (util-linux)"); !found.ok()) {
    return found.error();
  }
  auto browser = std::unique_ptr<ChromiumProcess>(new ChromiumProcess());
  if (!browser->dir_.ok()) return OperationError("cannot create a temporary directory");
  // Orphaned browser helpers are re-parented to this process, which reaps them at Stop.
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  // setsid (not a group leader here: it does not fork) makes the browser's PID its process
  // group, so that the whole browser can be stopped by that id.
  auto process = Subprocess::Spawn(
      {kSetsid, kBinary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
       "--no-first-run", "--disable-background-networking", "--disable-component-update",
       "--disable-sync", "--user-data-dir=" + browser->dir_.File("profile"),
       "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
       "--autoplay-policy=no-user-gesture-required", "--allow-loopback-in-peer-connection",
       "--disable-features=WebRtcHideLocalIpsWithMdns", "--enable-logging=stderr", url},
      {.stdout_file = browser->dir_.File("chromium.log"),
       .stderr_file = browser->dir_.File("chromium.log")});
  if (!process.ok()) return process.error();
  browser->process_ = std::move(process).value();
  return browser;
}

ChromiumProcess::~ChromiumProcess() {
  if (!process_) return;  // Start() failed before the browser was spawned.
  const pid_t group = process_->pid();
  process_->Stop(std::chrono::seconds(5));  // The browser: SIGTERM, then SIGKILL; reaped.
  kill(-group, SIGKILL);                    // Whatever of its group is left.
  // Reap the group's orphans re-parented to us; SIGKILL makes this wait short.
  int status = 0;
  while (waitpid(-group, &status, 0) > 0 || errno == EINTR) {
  }
}

std::string ChromiumProcess::Diagnostics() const {
  return "Chromium log:\n" + TailOf(ReadFileText(dir_.File("chromium.log")));
}

// --- Report room ---

Result<std::unique_ptr<ReportRoom>> ReportRoom::Join(const std::string& room_url) {
  auto room = std::unique_ptr<ReportRoom>(new ReportRoom());
  ReportRoom* self = room.get();
  std::string error;
  room->client_ =
      examples::SignalingClient::Connect(room_url,
                                         {.on_message =
                                              [self](std::string text) {
                                                {
                                                  std::lock_guard lock(self->mutex_);
                                                  self->frames_.push_back(std::move(text));
                                                }
                                                self->changed_.notify_all();
                                              },
                                          .on_closed = [](std::string) {}},
                                         kStartBound, &error);
  if (!room->client_) return OperationError("cannot join " + room_url + ": " + error);
  return room;
}

ReportRoom::~ReportRoom() {
  client_.reset();
}

std::optional<Json> ReportRoom::WaitForReport(Clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  while (true) {
    while (!frames_.empty()) {
      Json message = Json::parse(frames_.front(), nullptr, /*allow_exceptions=*/false);
      frames_.pop_front();
      if (message.is_object() && StringMember(message, "type") == "report") return message;
    }
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout && frames_.empty()) {
      return std::nullopt;
    }
  }
}

// --- Stats ---

std::optional<SelectedPath> FindSelectedPath(const Json& stats_by_id) {
  if (!stats_by_id.is_object()) return std::nullopt;
  const Json* pair = nullptr;
  for (const auto& [id, stats] : stats_by_id.items()) {
    if (StringMember(stats, "type") != "transport") continue;
    const std::string pair_id = StringMember(stats, "selectedCandidatePairId");
    if (!pair_id.empty() && stats_by_id.contains(pair_id)) pair = &stats_by_id[pair_id];
  }
  if (pair == nullptr) {
    for (const auto& [id, stats] : stats_by_id.items()) {
      if (StringMember(stats, "type") == "candidate-pair" &&
          StringMember(stats, "state") == "succeeded" && stats.value("nominated", false)) {
        pair = &stats;
        break;
      }
    }
  }
  if (pair == nullptr) return std::nullopt;
  auto candidate = [&](const char* id_member) -> const Json& {
    static const Json kNone = Json::object();
    const std::string id = StringMember(*pair, id_member);
    return stats_by_id.contains(id) ? stats_by_id[id] : kNone;
  };
  const Json& local = candidate("localCandidateId");
  const Json& remote = candidate("remoteCandidateId");
  return SelectedPath{StringMember(*pair, "state"), StringMember(local, "candidateType"),
                      StringMember(local, "address"), StringMember(remote, "candidateType"),
                      StringMember(remote, "address")};
}

std::string CandidateTypeOf(const Json& summary_candidate) {
  if (!summary_candidate.is_string()) return "";
  const std::string text = summary_candidate.get<std::string>();
  const size_t space = text.rfind(' ');
  return space == std::string::npos ? "" : text.substr(space + 1);
}

std::string TailOf(const std::string& text, size_t size) {
  return text.size() <= size ? text : "..." + text.substr(text.size() - size);
}

}  // namespace parley::test
