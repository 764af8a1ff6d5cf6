// The README's demo: a call between two local peers, "alice" and "bob", with what Parley can do
// so far. Both run an ICE agent (RFC 8445) on the shared runtime (one network thread, one
// callback thread), bound to 127.0.0.1 and ::1. They trickle candidates to each other the way
// signaling would, connect, and then alice sends a voice-call-shaped stream over the selected
// candidate pair (one 160-byte packet every 20 ms); bob echoes each packet and alice reports
// loss and round-trip times. DTLS, SRTP and real media replace the payload as they land.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "base/byte_io.h"
#include "runtime/clock.h"
#include "runtime/ice_transport.h"
#include "runtime/runtime.h"

namespace {

using parley::ByteReader;
using parley::ByteWriter;
using parley::IceTransport;
using parley::IpAddress;
using parley::IpFamily;
using parley::SocketAddress;
using parley::TimeDelta;
using parley::Timestamp;
namespace ice = parley::ice;

constexpr int kPackets = 100;
constexpr TimeDelta kPacketInterval = TimeDelta::Millis(20);
constexpr size_t kPayloadSize = 160;  // One 20 ms Opus frame at ~64 kbit/s.

// What the callbacks (on the runtime's callback thread) report to main.
struct Shared {
  std::mutex mutex;
  std::condition_variable changed;
  int connected = 0;
  bool failed = false;
  std::string alice_pair;
  std::vector<TimeDelta> round_trips;
  Timestamp connected_at;
};

IceTransport::Callbacks PeerCallbacks(const char* name, Shared& shared,
                                      std::unique_ptr<IceTransport>& self,
                                      std::unique_ptr<IceTransport>& other, bool echo) {
  IceTransport::Callbacks c;
  // Trickle ICE: every candidate goes to the other peer as SDP text, as signaling would carry it.
  c.on_candidate = [&other](const ice::Candidate& candidate) {
    (void)other->AddRemoteCandidate(candidate.ToString());
  };
  c.on_gathering_state = [&other](ice::GatheringState state) {
    if (state == ice::GatheringState::kComplete) other->EndOfRemoteCandidates();
  };
  c.on_state = [name, &shared](ice::ConnectionState state) {
    std::printf("  %-5s ICE %s\n", name, std::string(ice::ToString(state)).c_str());
    std::lock_guard lock(shared.mutex);
    if (state == ice::ConnectionState::kConnected) {
      if (++shared.connected == 2) shared.connected_at = parley::SteadyNow();
    }
    if (state == ice::ConnectionState::kFailed) shared.failed = true;
    shared.changed.notify_all();
  };
  c.on_selected_pair = [name, &shared](const ice::Candidate& local, const ice::Candidate& remote) {
    std::lock_guard lock(shared.mutex);
    if (std::string(name) == "alice") {
      shared.alice_pair = local.socket_address()->ToString() + " (" +
                          std::string(ice::ToString(local.type)) + ") <-> " +
                          remote.socket_address()->ToString() + " (" +
                          std::string(ice::ToString(remote.type)) + ")";
    }
  };
  c.on_data = [echo, &self, &shared](parley::Bytes data) {
    if (echo) {
      (void)self->Send(data);
      return;
    }
    ByteReader reader(data);
    auto sent_us = reader.ReadU64();
    if (!sent_us) return;
    std::lock_guard lock(shared.mutex);
    shared.round_trips.push_back(parley::SteadyNow() - Timestamp::Micros(int64_t(*sent_us)));
    shared.changed.notify_all();
  };
  return c;
}

bool RunCall(parley::Runtime& runtime) {
  Shared shared;
  std::unique_ptr<IceTransport> alice, bob;
  std::vector<SocketAddress> loopbacks = {SocketAddress(IpAddress::Loopback(IpFamily::kV4), 0),
                                          SocketAddress(IpAddress::Loopback(IpFamily::kV6), 0)};
  auto create = [&](ice::Role role, std::unique_ptr<IceTransport>& self,
                    std::unique_ptr<IceTransport>& other, const char* name, bool echo) {
    ice::AgentConfig config{.role = role, .local_sockets = loopbacks};
    auto created =
        IceTransport::Create(runtime, config, PeerCallbacks(name, shared, self, other, echo));
    if (!created.ok()) {  // No IPv6 loopback here: IPv4 only.
      config.local_sockets.resize(1);
      created =
          IceTransport::Create(runtime, config, PeerCallbacks(name, shared, self, other, echo));
    }
    if (!created.ok()) {
      std::printf("  %s: %s\n", name, created.error().ToString().c_str());
      return false;
    }
    self = std::move(created).value();
    return true;
  };
  if (!create(ice::Role::kControlling, alice, bob, "alice", false) ||
      !create(ice::Role::kControlled, bob, alice, "bob", true)) {
    return false;
  }
  (void)alice->SetRemoteCredentials(bob->local_credentials());
  (void)bob->SetRemoteCredentials(alice->local_credentials());
  const Timestamp start = parley::SteadyNow();
  alice->Start();
  bob->Start();

  bool ok = false;
  {
    std::unique_lock lock(shared.mutex);
    ok = shared.changed.wait_for(lock, std::chrono::seconds(10), [&] {
      return shared.connected == 2 || shared.failed;
    }) && !shared.failed;
  }
  if (ok) {
    std::printf("  connected in %.2f ms; selected pair %s\n",
                (shared.connected_at - start).us() / 1000.0, shared.alice_pair.c_str());
    // Alice's stream: one packet per interval, timestamped for the round trip.
    for (int seq = 0; seq < kPackets; ++seq) {
      runtime.loop().ScheduleAfter(kPacketInterval * seq, [&alice] {
        ByteWriter w(kPayloadSize);
        w.WriteU64(uint64_t(parley::SteadyNow().us()));
        w.WriteZeros(kPayloadSize - w.size());
        (void)alice->Send(w.view());
      });
    }
    std::unique_lock lock(shared.mutex);
    shared.changed.wait_for(lock, std::chrono::milliseconds(kPacketInterval.ms() * kPackets + 2000),
                            [&] { return shared.round_trips.size() == kPackets; });
    std::vector<TimeDelta> rtts = shared.round_trips;
    std::sort(rtts.begin(), rtts.end());
    std::printf("  %d packets of %zu bytes sent over ICE, %zu echoed, %zu lost", kPackets,
                kPayloadSize, rtts.size(), kPackets - rtts.size());
    if (!rtts.empty()) {
      std::printf(", round trip median %.3f ms, max %.3f ms", rtts[rtts.size() / 2].us() / 1000.0,
                  rtts.back().us() / 1000.0);
    }
    std::printf("\n");
    ok = !rtts.empty();
  }
  // Destroy both on the callback thread, so neither's callbacks run while the other goes.
  std::mutex done_mutex;
  std::condition_variable done_cv;
  bool done = false;
  runtime.callbacks().Post([&] {
    alice.reset();
    bob.reset();
    std::lock_guard lock(done_mutex);
    done = true;
    done_cv.notify_all();
  });
  std::unique_lock lock(done_mutex);
  done_cv.wait_for(lock, std::chrono::seconds(5), [&] { return done; });
  return ok && done;
}

}  // namespace

int main() {
  std::printf("Parley local call demo\n");
  std::printf("Works so far: runtime (threads, sockets, timers), STUN, TURN client, ICE agent.\n");
  std::printf("Not yet: DTLS/SRTP, data channels, media, PeerConnection (issues 4-8).\n\n");
  std::printf(
      "alice and bob connect with ICE on loopback, then alice sends a voice-call-shaped "
      "stream (one %zu-byte packet every %lld ms) that bob echoes:\n",
      kPayloadSize, static_cast<long long>(kPacketInterval.ms()));
  auto runtime = parley::Runtime::Create();
  const bool ok = RunCall(*runtime);
  std::printf(ok ? "\nDone: both peers shared one runtime (2 threads) and shut down cleanly.\n"
                 : "\nThe call failed.\n");
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
