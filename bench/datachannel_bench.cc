// Data-channel benchmarks on loopback, measured the way ../shared/bench/ldcbench.cpp measures
// libdatachannel, so the two run side by side and compare as ratios (docs/performance.md):
//   datachannel_bench throughput <msg_bytes> <seconds> [max_buffered_bytes]
//   datachannel_bench setup <runs>
//   datachannel_bench idle <pairs> <hold_seconds>
// Each prints one JSON line. Every transport binds 127.0.0.1 only, no ICE servers; signaling
// (credentials, fingerprints, a=setup, trickled candidates) is done in-process via callbacks.
// Every pair shares one Runtime: two threads however many pairs exist.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dtls/certificate.h"
#include "runtime/dtls_transport.h"
#include "runtime/runtime.h"

namespace {

using namespace parley;
using Clock = std::chrono::steady_clock;

constexpr size_t kMaxMessageSize = 256 * 1024;  // As ldcbench's Configuration::maxMessageSize.

long ProcStatusKb(const char* key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const size_t n = std::strlen(key);
  while (std::getline(status, line)) {
    if (line.compare(0, n, key) == 0) return std::atol(line.c_str() + n + 1);
  }
  return -1;
}

// A one-shot flag with a bounded wait.
class Flag {
 public:
  void Set() {
    std::lock_guard lock(mutex_);
    set_ = true;
    cv_.notify_all();
  }
  bool Wait(std::chrono::milliseconds bound) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, bound, [&] { return set_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool set_ = false;
};

// Two DtlsTransports on 127.0.0.1 wired to each other, and a reliable ordered channel "bench"
// that pc1 creates and pc2 receives.
class Pair {
 public:
  Pair(Runtime& runtime, const dtls::Certificate& c1, const dtls::Certificate& c2)
      : runtime_(runtime) {
    t1_ = Make(ice::Role::kControlling, c1, t2_, nullptr);
    t2_ = Make(ice::Role::kControlled, c2, t1_, [this](std::shared_ptr<SctpDataChannel> channel) {
      std::atomic_store(&dc2_, channel);
      SctpDataChannel::Callbacks c;
      c.on_open = [this] { open2_.Set(); };
      c.on_message = [this](const Bytes& data, bool) {
        if (on_message2) on_message2(data);
      };
      channel->SetCallbacks(c);
    });
  }
  // Destroyed on the callback thread, so no callback of theirs runs meanwhile.
  ~Pair() {
    Flag done;
    runtime_.callbacks().Post([&] {
      t1_.reset();
      t2_.reset();
      done.Set();
    });
    done.Wait(std::chrono::seconds(10));
  }

  // Creates the channel and starts ICE and DTLS on both sides (what the offer/answer exchange
  // would carry); returns t0.
  Clock::time_point Start(SctpDataChannel::Callbacks extra = {}) {
    SctpDataChannel::Callbacks c = std::move(extra);
    auto on_open = c.on_open;
    c.on_open = [this, on_open] {
      open1_.Set();
      if (on_open) on_open();
    };
    const auto t0 = Clock::now();
    dc1_ = t1_->CreateDataChannel("bench", {}, c).value();
    (void)t1_->SetRemoteCredentials(t2_->local_credentials());
    (void)t2_->SetRemoteCredentials(t1_->local_credentials());
    (void)t1_->StartDtls(dtls::Role::kServer, {t2_->local_fingerprint()});  // offer: actpass
    (void)t2_->StartDtls(dtls::Role::kClient, {t1_->local_fingerprint()});  // answer: active
    t1_->Start();
    t2_->Start();
    return t0;
  }

  bool WaitOpen(std::chrono::milliseconds bound) {
    return open1_.Wait(bound) && open2_.Wait(bound);
  }
  SctpDataChannel& dc1() { return *dc1_; }
  DtlsTransport& t1() { return *t1_; }
  std::function<void(const Bytes&)> on_message2;

 private:
  std::unique_ptr<DtlsTransport> Make(
      ice::Role role, const dtls::Certificate& certificate, std::unique_ptr<DtlsTransport>& other,
      std::function<void(std::shared_ptr<SctpDataChannel>)> on_data_channel) {
    session::SecureTransportConfig config;
    config.ice.role = role;
    config.ice.local_sockets = {SocketAddress(IpAddress::Loopback(IpFamily::kV4), 0)};
    config.certificate = certificate;
    config.data_channel.association.max_message_size = kMaxMessageSize;
    config.data_channel.association.remote_max_message_size = kMaxMessageSize;
    DtlsTransport::Callbacks callbacks;
    callbacks.on_candidate = [&other](const ice::Candidate& candidate) {
      if (other) other->AddRemoteCandidate(candidate);
    };
    callbacks.on_data_channel = std::move(on_data_channel);
    auto created = DtlsTransport::Create(runtime_, std::move(config), std::move(callbacks));
    if (!created.ok()) {
      std::fprintf(stderr, "DtlsTransport::Create: %s\n", created.error().ToString().c_str());
      std::exit(1);
    }
    return std::move(created).value();
  }

  Runtime& runtime_;
  std::unique_ptr<DtlsTransport> t1_;
  std::unique_ptr<DtlsTransport> t2_;
  std::shared_ptr<SctpDataChannel> dc1_;
  std::shared_ptr<SctpDataChannel> dc2_;
  Flag open1_;
  Flag open2_;
};

int Throughput(size_t message_size, double seconds, size_t max_buffered) {
  auto runtime = Runtime::Create();
  const auto c1 = dtls::Certificate::Generate().value();
  const auto c2 = dtls::Certificate::Generate().value();
  Pair pair(*runtime, c1, c2);
  std::atomic<size_t> received{0};
  pair.on_message2 = [&](const Bytes& data) { received.fetch_add(data.size()); };
  const Bytes message(message_size, 0xab);
  std::atomic<bool> stop{false};
  SctpDataChannel* dc1 = nullptr;
  // Refill up to max_buffered whenever bufferedAmount falls to half of it.
  auto pump = [&] {
    if (stop || dc1 == nullptr) return;
    while (dc1->buffered_amount() < max_buffered) {
      if (!dc1->Send(ByteView(message)).ok()) return;
    }
  };
  SctpDataChannel::Callbacks callbacks;
  Flag opened;
  callbacks.on_open = [&] { opened.Set(); };
  callbacks.on_buffered_amount_low = pump;
  pair.Start(callbacks);
  if (!pair.WaitOpen(std::chrono::seconds(10)) || !opened.Wait(std::chrono::seconds(1))) {
    std::fprintf(stderr, "channels did not open\n");
    return 1;
  }
  dc1 = &pair.dc1();
  dc1->set_buffered_amount_low_threshold(max_buffered / 2);
  // Refills happen on the callback thread; the first one from there too.
  runtime->callbacks().Post(pump);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // Warm-up.
  const size_t r0 = received.load();
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const size_t r1 = received.load();
  const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
  stop = true;
  const DtlsTransport::Stats stats = pair.t1().GetStats();
  const uint64_t retransmissions = stats.transport.sctp ? stats.transport.sctp->retransmissions : 0;
  const double mb_per_s = double(r1 - r0) / dt / 1e6;
  std::printf(
      "{\"bench\":\"throughput\",\"message_bytes\":%zu,\"max_buffered\":%zu,\"seconds\":%.2f,"
      "\"bytes\":%zu,\"mb_per_s\":%.1f,\"messages_per_s\":%.0f,\"sctp_retransmissions\":%llu}\n",
      message_size, max_buffered, dt, r1 - r0, mb_per_s, double(r1 - r0) / message_size / dt,
      static_cast<unsigned long long>(retransmissions));
  return 0;
}

double Percentile(std::vector<double> sorted, double p) {
  const size_t index = std::min(sorted.size() - 1, size_t(p * double(sorted.size() - 1) + 0.5));
  return sorted[index];
}

int Setup(int runs) {
  auto runtime = Runtime::Create();
  // Certificates are made once, as an application reuses them (RTCCertificate); ldcbench's
  // pairs also reuse libdatachannel's process-wide certificate.
  const auto c1 = dtls::Certificate::Generate().value();
  const auto c2 = dtls::Certificate::Generate().value();
  std::vector<double> ms;
  for (int i = -1; i < runs; ++i) {  // One warm-up run, not counted.
    Pair pair(*runtime, c1, c2);
    const auto t0 = pair.Start();
    if (!pair.WaitOpen(std::chrono::seconds(10))) {
      std::fprintf(stderr, "run %d timed out\n", i);
      return 1;
    }
    if (i >= 0) ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "{\"bench\":\"setup\",\"runs\":%d,\"median_ms\":%.2f,\"p90_ms\":%.2f,\"p99_ms\":%.2f,"
      "\"min_ms\":%.2f,\"max_ms\":%.2f}\n",
      runs, Percentile(ms, 0.5), Percentile(ms, 0.9), Percentile(ms, 0.99), ms.front(), ms.back());
  return 0;
}

int Idle(int pairs, double hold_seconds) {
  auto runtime = Runtime::Create();
  const auto c1 = dtls::Certificate::Generate().value();
  const auto c2 = dtls::Certificate::Generate().value();
  {  // Warm-up pair: usrsctp, OpenSSL and the allocator's first arenas.
    Pair warm(*runtime, c1, c2);
    warm.Start();
    warm.WaitOpen(std::chrono::seconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long base = ProcStatusKb("VmRSS:");
  std::vector<std::unique_ptr<Pair>> live;
  int connected = 0;
  const auto t0 = Clock::now();
  for (int i = 0; i < pairs; ++i) {
    live.push_back(std::make_unique<Pair>(*runtime, c1, c2));
    live.back()->Start();
    if (live.back()->WaitOpen(std::chrono::seconds(15))) ++connected;
  }
  const double created_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::duration<double>(hold_seconds));
  const long rss = ProcStatusKb("VmRSS:");
  std::printf(
      "{\"bench\":\"idle\",\"pairs\":%d,\"connected\":%d,\"rss_kib\":%ld,\"baseline_kib\":%ld,"
      "\"kib_per_pair\":%.1f,\"threads\":%ld,\"created_s\":%.1f}\n",
      pairs, connected, rss, base, double(rss - base) / pairs, ProcStatusKb("Threads:"), created_s);
  live.clear();
  return connected == pairs ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "throughput" && argc >= 4) {
    return Throughput(std::strtoul(argv[2], nullptr, 10), std::atof(argv[3]),
                      argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 1024 * 1024);
  }
  if (command == "setup" && argc >= 3) return Setup(std::atoi(argv[2]));
  if (command == "idle" && argc >= 4) return Idle(std::atoi(argv[2]), std::atof(argv[3]));
  std::fprintf(stderr,
               "usage: %s throughput <bytes> <seconds> [max_buffered] | setup <runs> | "
               "idle <pairs> <hold_seconds>\n",
               argv[0]);
  return 2;
}
