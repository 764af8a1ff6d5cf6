// Host-to-host ICE connection time on loopback (issue 3): two IceTransports on 127.0.0.1 in one
// process, candidates trickled directly between their callbacks. Each sample runs from Start() on
// both sides (checks begin as soon as candidates arrive) until both have a selected pair.
// Reference, measured the same way in the same run: one UDP round trip between two UdpSockets on
// the same Runtime (post a send, echo, wait for the echo), i.e. the floor any handshake pays
// per exchange. Reports median and p99 over `kSamples` connections.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/ice_transport.h"
#include "runtime/runtime.h"
#include "runtime/udp_socket.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kSamples = 200;

// Counts down; wakes the waiting thread at zero.
class Latch {
 public:
  explicit Latch(int count) : count_(count) {}
  void CountDown() {
    std::lock_guard lock(mutex_);
    if (--count_ == 0) cv_.notify_all();
  }
  bool Wait() {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return count_ <= 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int count_;
};

void Report(benchmark::State& state, std::vector<double> samples_us) {
  std::sort(samples_us.begin(), samples_us.end());
  state.counters["median_us"] = samples_us[samples_us.size() / 2];
  state.counters["p99_us"] = samples_us[samples_us.size() * 99 / 100];
  state.counters["samples"] = static_cast<double>(samples_us.size());
}

double OneConnection(parley::Runtime& runtime) {
  using parley::IceTransport;
  namespace ice = parley::ice;
  std::unique_ptr<IceTransport> a, b;
  Latch selected(2);
  auto callbacks = [&](std::unique_ptr<IceTransport>& other) {
    IceTransport::Callbacks c;
    c.on_candidate = [&other](const ice::Candidate& candidate) {
      other->AddRemoteCandidate(candidate);
    };
    c.on_gathering_state = [&other](ice::GatheringState s) {
      if (s == ice::GatheringState::kComplete) other->EndOfRemoteCandidates();
    };
    c.on_selected_pair = [&selected, fired = false](const ice::Candidate&,
                                                    const ice::Candidate&) mutable {
      if (!fired) selected.CountDown();
      fired = true;
    };
    return c;
  };
  const auto loopback = parley::SocketAddress(parley::IpAddress::V4(127, 0, 0, 1), 0);
  ice::AgentConfig config_a{.role = ice::Role::kControlling, .local_sockets = {loopback}};
  ice::AgentConfig config_b{.role = ice::Role::kControlled, .local_sockets = {loopback}};
  a = std::move(IceTransport::Create(runtime, config_a, callbacks(b))).value();
  b = std::move(IceTransport::Create(runtime, config_b, callbacks(a))).value();
  (void)a->SetRemoteCredentials(b->local_credentials());
  (void)b->SetRemoteCredentials(a->local_credentials());
  const auto start = Clock::now();
  a->Start();
  b->Start();
  if (!selected.Wait()) return -1;
  const double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  // Destroy on the callback thread so no callback of one runs while the other goes.
  Latch destroyed(1);
  runtime.callbacks().Post([&] {
    a.reset();
    b.reset();
    destroyed.CountDown();
  });
  destroyed.Wait();
  return us;
}

void BM_IceHostToHostConnect(benchmark::State& state) {
  auto runtime = parley::Runtime::Create();
  std::vector<double> samples;
  for (auto _ : state) {
    for (int i = 0; i < kSamples; ++i) {
      const double us = OneConnection(*runtime);
      if (us < 0) {
        state.SkipWithError("ICE did not connect within 10 s");
        return;
      }
      samples.push_back(us);
    }
  }
  Report(state, std::move(samples));
}
BENCHMARK(BM_IceHostToHostConnect)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_UdpRoundTripReference(benchmark::State& state) {
  auto runtime = parley::Runtime::Create();
  const auto loopback = parley::SocketAddress(parley::IpAddress::V4(127, 0, 0, 1), 0);
  std::unique_ptr<parley::UdpSocket> echo, client;
  std::mutex mutex;
  std::condition_variable cv;
  int received = 0;
  echo = std::move(parley::UdpSocket::Bind(runtime->loop(), loopback, [&](parley::Datagram d) {
           (void)echo->SendTo(d.source, d.payload);
         })).value();
  client = std::move(parley::UdpSocket::Bind(runtime->loop(), loopback, [&](parley::Datagram) {
             std::lock_guard lock(mutex);
             ++received;
             cv.notify_all();
           })).value();
  const parley::Bytes ping(100, 0x42);
  std::vector<double> samples;
  for (auto _ : state) {
    for (int i = 0; i < kSamples; ++i) {
      const auto start = Clock::now();
      runtime->loop().Post([&] { (void)client->SendTo(echo->local_address(), ping); });
      std::unique_lock lock(mutex);
      if (!cv.wait_for(lock, std::chrono::seconds(10), [&] { return received > i; })) {
        state.SkipWithError("echo lost");
        return;
      }
      samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    }
  }
  runtime->loop().Invoke([&] {
    echo.reset();
    client.reset();
  });
  Report(state, std::move(samples));
}
BENCHMARK(BM_UdpRoundTripReference)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
