// The README's demo: a call between two local peers, "alice" and "bob", with what Parley can do
// so far. Each runs a DtlsTransport on the shared runtime (one network thread, one callback
// thread), bound to 127.0.0.1 and ::1: ICE (RFC 8445) connects them, DTLS 1.2 (RFC 6347)
// authenticates each side's certificate against the fingerprint the other was given, and
// DTLS-SRTP (RFC 5764) keys SRTP. They trickle candidates to each other the way signaling would.
// Then alice sends a voice-call-shaped RTP stream (one 160-byte Opus-sized packet every 20 ms),
// encrypted with SRTP; bob echoes each packet back as his own RTP stream, and alice reports
// loss and round-trip times. Alice also opens a data channel (SCTP over DTLS, DCEP) on which bob
// greets her. Real media and the PeerConnection API replace the payload as they land.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "base/byte_io.h"
#include "dtls/certificate.h"
#include "runtime/clock.h"
#include "runtime/dtls_transport.h"
#include "runtime/runtime.h"

namespace {

using parley::ByteReader;
using parley::Bytes;
using parley::ByteWriter;
using parley::DtlsTransport;
using parley::IpAddress;
using parley::IpFamily;
using parley::SocketAddress;
using parley::TimeDelta;
using parley::Timestamp;
namespace dtls = parley::dtls;
namespace ice = parley::ice;

constexpr int kPackets = 100;
constexpr TimeDelta kPacketInterval = TimeDelta::Millis(20);
constexpr size_t kPayloadSize = 160;  // One 20 ms Opus frame at ~64 kbit/s.
constexpr uint8_t kOpusPayloadType = 111;

// What the callbacks (on the runtime's callback thread) report to main.
struct Shared {
  std::mutex mutex;
  std::condition_variable changed;
  int dtls_connected = 0;
  bool failed = false;
  std::string alice_pair;
  std::string greeting;
  std::vector<TimeDelta> round_trips;
  Timestamp connected_at;
};

// RFC 3550 §5.1 fixed header, then the send time (for the round trip) and padding to a frame.
Bytes RtpPacket(uint16_t seq, uint32_t ssrc) {
  ByteWriter w(12 + kPayloadSize);
  w.WriteU8(0x80);
  w.WriteU8(kOpusPayloadType);
  w.WriteU16(seq);
  w.WriteU32(uint32_t(seq) * 960);  // 20 ms at 48 kHz.
  w.WriteU32(ssrc);
  w.WriteU64(uint64_t(parley::SteadyNow().us()));
  w.WriteZeros(12 + kPayloadSize - w.size());
  return std::move(w).Take();
}

DtlsTransport::Callbacks PeerCallbacks(const char* name, Shared& shared,
                                       std::unique_ptr<DtlsTransport>& self,
                                       std::unique_ptr<DtlsTransport>& other, bool echo) {
  DtlsTransport::Callbacks c;
  // Trickle ICE: every candidate goes to the other peer as SDP text, as signaling would carry it.
  c.on_candidate = [&other](const ice::Candidate& candidate) {
    (void)other->AddRemoteCandidate(candidate.ToString());
  };
  c.on_gathering_state = [&other](ice::GatheringState state) {
    if (state == ice::GatheringState::kComplete) other->EndOfRemoteCandidates();
  };
  c.on_ice_state = [name, &shared](ice::ConnectionState state) {
    std::printf("  %-5s ICE %s\n", name, std::string(ice::ToString(state)).c_str());
    std::lock_guard lock(shared.mutex);
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
  c.on_dtls_state = [name, &shared](dtls::State state, const std::string& reason) {
    std::printf("  %-5s DTLS %s%s%s\n", name, std::string(dtls::ToString(state)).c_str(),
                reason.empty() ? "" : ": ", reason.c_str());
    std::lock_guard lock(shared.mutex);
    if (state == dtls::State::kConnected) {
      if (++shared.dtls_connected == 2) shared.connected_at = parley::SteadyNow();
    }
    if (state == dtls::State::kFailed) shared.failed = true;
    shared.changed.notify_all();
  };
  // Alice's "chat" channel arrives at bob through DCEP; he greets her on it.
  c.on_data_channel = [name](std::shared_ptr<parley::DataChannel> channel) {
    std::printf("  %-5s data channel '%s' announced (stream %d)\n", name, channel->label().c_str(),
                channel->id().value_or(-1));
    parley::DataChannel::Callbacks channel_callbacks;
    channel_callbacks.on_open = [weak = std::weak_ptr<parley::DataChannel>(channel)] {
      if (auto open = weak.lock()) (void)open->Send("hello from bob over SCTP/DTLS");
    };
    channel->SetCallbacks(channel_callbacks);
  };
  c.on_rtp = [echo, &self, &shared](Bytes packet) {
    if (echo) {
      packet[8] ^= 0xff;  // Bob's own SSRC: the echo is his stream, not a replay of alice's.
      (void)self->SendRtp(std::move(packet));
      return;
    }
    ByteReader reader(packet);
    if (!reader.Skip(12)) return;
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
  std::unique_ptr<DtlsTransport> alice, bob;
  std::vector<SocketAddress> loopbacks = {SocketAddress(IpAddress::Loopback(IpFamily::kV4), 0),
                                          SocketAddress(IpAddress::Loopback(IpFamily::kV6), 0)};
  auto create = [&](ice::Role role, std::unique_ptr<DtlsTransport>& self,
                    std::unique_ptr<DtlsTransport>& other, const char* name, bool echo) {
    auto certificate = dtls::Certificate::Generate();  // ECDSA P-256, as browsers.
    if (!certificate.ok()) {
      std::printf("  %s: %s\n", name, certificate.error().ToString().c_str());
      return false;
    }
    parley::session::SecureTransportConfig config;
    config.ice.role = role;
    config.ice.local_sockets = loopbacks;
    config.certificate = *certificate;
    auto created =
        DtlsTransport::Create(runtime, config, PeerCallbacks(name, shared, self, other, echo));
    if (!created.ok()) {  // No IPv6 loopback here: IPv4 only.
      config.ice.local_sockets.resize(1);
      created =
          DtlsTransport::Create(runtime, config, PeerCallbacks(name, shared, self, other, echo));
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
  parley::DataChannel::Callbacks chat_callbacks;
  chat_callbacks.on_message = [&shared](const Bytes& data, bool) {
    std::lock_guard lock(shared.mutex);
    shared.greeting.assign(data.begin(), data.end());
    shared.changed.notify_all();
  };
  auto chat = alice->CreateDataChannel("chat", {}, chat_callbacks);
  if (!chat.ok()) {
    std::printf("  alice: %s\n", chat.error().ToString().c_str());
    return false;
  }
  // What the offer and answer would carry: credentials, fingerprints, and a=setup (alice
  // offers actpass, bob answers active and so is the DTLS client, as browsers do).
  std::printf("  alice fingerprint %s\n", alice->local_fingerprint().ToString().c_str());
  std::printf("  bob   fingerprint %s\n", bob->local_fingerprint().ToString().c_str());
  (void)alice->SetRemoteCredentials(bob->local_credentials());
  (void)bob->SetRemoteCredentials(alice->local_credentials());
  (void)alice->StartDtls(dtls::Role::kServer, {bob->local_fingerprint()});
  (void)bob->StartDtls(dtls::Role::kClient, {alice->local_fingerprint()});
  const Timestamp start = parley::SteadyNow();
  alice->Start();
  bob->Start();

  bool ok = false;
  {
    std::unique_lock lock(shared.mutex);
    ok = shared.changed.wait_for(lock, std::chrono::seconds(10), [&] {
      return shared.dtls_connected == 2 || shared.failed;
    }) && !shared.failed;
  }
  if (ok) {
    std::printf("  ICE + DTLS connected in %.2f ms; selected pair %s\n",
                (shared.connected_at - start).us() / 1000.0, shared.alice_pair.c_str());
    // Alice's stream: one packet per interval, timestamped for the round trip.
    for (int seq = 0; seq < kPackets; ++seq) {
      runtime.loop().ScheduleAfter(kPacketInterval * seq, [&alice, seq] {
        (void)alice->SendRtp(RtpPacket(uint16_t(seq), 0xa11ce));
      });
    }
    std::unique_lock lock(shared.mutex);
    shared.changed.wait_for(lock, std::chrono::milliseconds(kPacketInterval.ms() * kPackets + 2000),
                            [&] { return shared.round_trips.size() == kPackets; });
    std::vector<TimeDelta> rtts = shared.round_trips;
    std::sort(rtts.begin(), rtts.end());
    std::printf("  %d RTP packets of %zu payload bytes sent with SRTP, %zu echoed, %zu lost",
                kPackets, kPayloadSize, rtts.size(), kPackets - rtts.size());
    if (!rtts.empty()) {
      std::printf(", round trip median %.3f ms, max %.3f ms", rtts[rtts.size() / 2].us() / 1000.0,
                  rtts.back().us() / 1000.0);
    }
    std::printf("\n");
    const bool greeted = shared.changed.wait_for(lock, std::chrono::seconds(2),
                                                 [&] { return !shared.greeting.empty(); });
    std::printf("  bob said on 'chat': \"%s\"\n", shared.greeting.c_str());
    ok = !rtts.empty() && greeted;
  }
  if (ok) {
    const DtlsTransport::Stats stats = alice->GetStats();
    if (const auto& srtp = stats.transport.srtp) {
      std::printf("  alice's SRTP: %llu packets protected, %llu unprotected, %llu dropped\n",
                  static_cast<unsigned long long>(srtp->rtp_protected),
                  static_cast<unsigned long long>(srtp->rtp_unprotected),
                  static_cast<unsigned long long>(stats.transport.demux.dropped_unprotect));
    }
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
  std::printf(
      "Works so far: runtime (threads, sockets, timers), STUN, TURN client, ICE agent, DTLS 1.2 "
      "with fingerprint verification, DTLS-SRTP, SRTP/SRTCP, SCTP data channels.\n");
  std::printf("Not yet: SDP and the PeerConnection API, media codecs, BWE (issues 6-8).\n\n");
  std::printf(
      "alice and bob connect with ICE and DTLS on loopback, then alice sends a voice-call-shaped "
      "SRTP stream (one %zu-byte packet every %lld ms) that bob echoes:\n",
      kPayloadSize, static_cast<long long>(kPacketInterval.ms()));
  auto runtime = parley::Runtime::Create();
  const bool ok = RunCall(*runtime);
  std::printf(ok ? "\nDone: both peers shared one runtime (2 threads) and shut down cleanly.\n"
                 : "\nThe call failed.\n");
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
