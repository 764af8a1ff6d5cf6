// The README's demo: a call between two local peers, "alice" and "bob", with what Parley can do
// so far. Today that is the runtime: one event loop thread and one callback thread shared by
// both peers, UDP sockets on 127.0.0.1 (and ::1 when available) and timers. Alice sends a
// voice-call-shaped stream (one 160-byte packet every 20 ms), Bob echoes each packet, and Alice
// reports loss and round-trip times. Every later layer (ICE, DTLS, SRTP, media) replaces a piece
// of this until it is a real audio/video call.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "base/byte_io.h"
#include "runtime/clock.h"
#include "runtime/runtime.h"
#include "runtime/udp_socket.h"

namespace {

using parley::ByteReader;
using parley::ByteWriter;
using parley::Datagram;
using parley::IpAddress;
using parley::IpFamily;
using parley::SocketAddress;
using parley::TimeDelta;
using parley::Timestamp;

constexpr int kPackets = 100;
constexpr TimeDelta kPacketInterval = TimeDelta::Millis(20);
constexpr size_t kPayloadSize = 160;  // One 20 ms Opus frame at ~64 kbit/s.

struct CallReport {
  SocketAddress alice, bob;
  int sent = 0;
  std::vector<TimeDelta> round_trips;
};

// Runs one call over `family` loopback; nullopt when that family cannot be bound here.
std::optional<CallReport> RunCall(parley::Runtime& runtime, IpFamily family) {
  auto& loop = runtime.loop();
  const SocketAddress any_port(IpAddress::Loopback(family), 0);
  std::mutex mutex;
  CallReport report;
  std::promise<void> done;
  bool finished = false;

  // Bob echoes every packet back to where it came from. bob_socket is set before Alice's first
  // packet is posted to the loop, which orders the write before any echo.
  parley::UdpSocket* bob_socket = nullptr;
  auto bob = parley::UdpSocket::Bind(loop, any_port, [&bob_socket](Datagram in) {
    (void)bob_socket->SendTo(in.source, in.payload);
  });
  if (!bob.ok()) return std::nullopt;
  bob_socket = bob->get();
  auto alice = parley::UdpSocket::Bind(loop, any_port, [&](Datagram in) {
    ByteReader reader(in.payload);
    auto seq = reader.ReadU32();
    auto sent_us = reader.ReadU64();
    if (!seq || !sent_us) return;
    std::lock_guard lock(mutex);
    report.round_trips.push_back(parley::SteadyNow() - Timestamp::Micros(int64_t(*sent_us)));
    if (static_cast<int>(report.round_trips.size()) == kPackets && !finished) {
      finished = true;
      done.set_value();
    }
  });
  if (!alice.ok()) return std::nullopt;
  parley::UdpSocket* alice_socket = alice->get();
  report.alice = alice_socket->local_address();
  report.bob = bob_socket->local_address();

  // Alice's sender: a timer chain, one packet per interval.
  std::function<void(int)> send_packet = [&](int seq) {
    ByteWriter w(kPayloadSize);
    w.WriteU32(static_cast<uint32_t>(seq)).WriteU64(uint64_t(parley::SteadyNow().us()));
    w.WriteZeros(kPayloadSize - w.size());
    if (alice_socket->SendTo(report.bob, w.view()).ok()) {
      std::lock_guard lock(mutex);
      ++report.sent;
    }
    if (seq + 1 < kPackets) loop.ScheduleAfter(kPacketInterval, [&, seq] { send_packet(seq + 1); });
  };
  loop.Post([&] { send_packet(0); });

  // Wait for every echo, bounded: a lost packet must not hang the demo.
  auto finished_future = done.get_future();
  finished_future.wait_for(std::chrono::milliseconds(kPacketInterval.ms() * kPackets + 2000));
  // Close the sockets on the loop thread so no callback can race with their destruction.
  loop.Invoke([&] {
    alice->reset();
    bob->reset();
  });
  std::lock_guard lock(mutex);
  return report;
}

void Print(const char* family, const CallReport& r) {
  std::vector<TimeDelta> rtts = r.round_trips;
  std::sort(rtts.begin(), rtts.end());
  const int lost = r.sent - static_cast<int>(rtts.size());
  std::printf("  %s: alice %s <-> bob %s: %d packets sent, %zu echoed, %d lost", family,
              r.alice.ToString().c_str(), r.bob.ToString().c_str(), r.sent, rtts.size(), lost);
  if (!rtts.empty()) {
    std::printf(", round trip median %.3f ms, max %.3f ms", rtts[rtts.size() / 2].us() / 1000.0,
                rtts.back().us() / 1000.0);
  }
  std::printf("\n");
}

}  // namespace

int main() {
  std::printf("Parley local call demo\n");
  std::printf(
      "What works so far: the runtime (event loop, UDP sockets, timers, callback thread).\n");
  std::printf("Not yet: ICE, DTLS/SRTP, data channels, media, PeerConnection (issues 3-8).\n\n");
  std::printf(
      "Two peers exchange a voice-call-shaped stream (%d x %zu-byte packets, one per %lld "
      "ms) over loopback UDP; bob echoes, alice measures:\n",
      kPackets, kPayloadSize, static_cast<long long>(kPacketInterval.ms()));
  auto runtime = parley::Runtime::Create();
  bool any = false;
  int failures = 0;
  for (auto [family, name] : {std::pair{IpFamily::kV4, "IPv4"}, std::pair{IpFamily::kV6, "IPv6"}}) {
    auto report = RunCall(*runtime, family);
    if (!report) {
      std::printf("  %s: loopback not available here, skipped\n", name);
      continue;
    }
    any = true;
    Print(name, *report);
    if (report->round_trips.empty()) ++failures;
  }
  if (!any || failures > 0) {
    std::printf("\nThe call failed.\n");
    return EXIT_FAILURE;
  }
  std::printf("\nDone: both peers shared one runtime (2 threads) and shut down cleanly.\n");
  return EXIT_SUCCESS;
}
