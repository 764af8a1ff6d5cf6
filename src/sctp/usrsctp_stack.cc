#include "sctp/usrsctp_stack.h"

#include <sys/time.h>
#include <usrsctp.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <unordered_map>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

#include "base/logging.h"
#include "sctp/packet_inspect.h"

namespace parley::sctp {

void Outbox::Push(ByteView packet) {
  std::lock_guard lock(mutex_);
  if (packets_.size() >= kMaxPackets) {
    packets_.pop_front();
    ++dropped_;
  }
  packets_.emplace_back(packet.begin(), packet.end());
}

std::optional<Bytes> Outbox::Pop() {
  std::lock_guard lock(mutex_);
  if (packets_.empty()) return std::nullopt;
  Bytes packet = std::move(packets_.front());
  packets_.pop_front();
  return packet;
}

bool Outbox::empty() const {
  std::lock_guard lock(mutex_);
  return packets_.empty();
}

size_t Outbox::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

namespace {

// usrsctp's view of time, in microseconds. It starts at a fixed epoch and only ever moves
// forward by the deltas between successive `now`s, so runs are reproducible and a new virtual
// clock (a new simulation) never sends usrsctp back in time.
// A `now` this much older than the last one is taken as another thread's late reading of the
// same clock and ignored; further back, as a new clock (e.g. the next simulation in a test
// process), which re-anchors.
constexpr TimeDelta kClockSkew = TimeDelta::Millis(10);
constexpr int64_t kClockEpochUs = int64_t{1'000'000} * 1'000'000;
std::atomic<int64_t> usrsctp_clock_us{kClockEpochUs};

struct ClockState {
  std::mutex mutex;
  bool anchored = false;
  Timestamp last_now;
  int64_t carry_us = 0;  // elapsed time not yet handed to usrsctp_handle_timers
};
ClockState& clock_state() {
  static auto* state = new ClockState;  // never destroyed: usrsctp is never finished
  return *state;
}

struct Registry {
  std::mutex mutex;
  std::unordered_map<const void*, Outbox*> outboxes;
};
Registry& registry() {
  static auto* r = new Registry;  // never destroyed: usrsctp may call out until exit
  return *r;
}

// CRC32c (RFC 9260 Appendix A). usrsctp's own code (slice-by-8 tables) cost 14 % of the CPU of a
// bulk transfer, computed on output and verified on input; the crc32 instruction of SSE4.2 does
// the same in a fraction of that. When the CPU has it we tell usrsctp its checksums are
// "offloaded" and do both ourselves (OnOutput, Input); otherwise usrsctp keeps doing them.
constexpr size_t kChecksumOffset = 8;  // in the common header (RFC 9260 §3.1)

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t Crc32cUpdate(uint32_t crc, const uint8_t* p, size_t n) {
  uint64_t c = crc;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    c = _mm_crc32_u64(c, word);
  }
  crc = static_cast<uint32_t>(c);
  for (; n > 0; --n, ++p)
    crc = _mm_crc32_u8(crc, *p);
  return crc;
}

bool HardwareCrc32c() {
  static const bool supported = __builtin_cpu_supports("sse4.2");
  return supported;
}
#else
[[maybe_unused]] uint32_t Crc32cUpdate(uint32_t crc, const uint8_t*, size_t) {
  return crc;  // never called: HardwareCrc32c() is false
}
bool HardwareCrc32c() {
  return false;
}
#endif

// usrsctp's output callback: `address` is the AF_CONN address of the destination, which is the
// owning association's (both ends of an association use the same address, see Association).
int OnOutput(void* address, void* buffer, size_t length, uint8_t /*tos*/, uint8_t /*set_df*/) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto it = r.outboxes.find(address);
  if (it == r.outboxes.end()) return 0;         // association gone: drop (usrsctp_close's ABORT)
  auto* bytes = static_cast<uint8_t*>(buffer);  // usrsctp's scratch copy of the packet
  if (HardwareCrc32c() && length >= kCommonHeaderSize) {
    const uint32_t checksum = usrsctp_stack::PacketChecksum(ByteView(bytes, length));
    std::memcpy(bytes + kChecksumOffset, &checksum, sizeof(checksum));
  }
  it->second->Push(ByteView(bytes, length));
  return 0;
}

// Packets usrsctp dropped on input, process-wide.
uint64_t InputDrops() {
  sctpstat stat{};
  usrsctp_get_stat(&stat);
  return uint64_t{stat.sctps_hdrops} + stat.sctps_badsum + stat.sctps_badvtag +
         stat.sctps_outoftheblue + stat.sctps_noport;
}

void Initialize() {
  // Port 0: no UDP encapsulation socket; nothreads: no timer or receive thread (usrsctp 0.9.5
  // still starts its idle iterator thread). No debug printf.
  usrsctp_init_nothreads(0, &OnOutput, nullptr);
  if (HardwareCrc32c()) usrsctp_enable_crc32c_offload();  // we compute and verify (above)
  // Out-of-the-blue packets (stale, forged or garbage) get no ABORT in reply (RFC 9260 §8.4 lets
  // us stay silent): DTLS already authenticates the peer, and an INIT that races ahead of our
  // Start() must not make the peer give up (it retransmits; Start() replays it, association.cc).
  usrsctp_sysctl_set_sctp_blackhole(2);
  // Chunks an association may hold queued in each direction (default 512). Received data beyond
  // it is dropped even when the receive window has room, which costs retransmissions once a
  // 1 MiB window fills with ~1131-byte chunks behind a loss; memory stays bounded by the window,
  // which usrsctp charges per chunk.
  usrsctp_sysctl_set_sctp_max_chunks_on_queue(8192);
}

}  // namespace

namespace usrsctp_stack {

void EnsureInitialized() {
  static std::once_flag once;
  std::call_once(once, Initialize);
}

void Register(void* address, Outbox* outbox) {
  EnsureInitialized();
  {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    r.outboxes[address] = outbox;
  }
  usrsctp_register_address(address);
}

void Unroute(const void* address) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.outboxes.erase(address);
}

void Deregister(void* address) {
  usrsctp_deregister_address(address);
}

bool Input(void* address, ByteView packet) {
  if (HardwareCrc32c()) {
    // usrsctp no longer verifies (offloaded): drop garbage, e.g. from a framing bug, here. A
    // packet too short for the header goes on to usrsctp, which drops and counts it.
    uint32_t checksum = 0;
    if (packet.size() >= kCommonHeaderSize) {
      std::memcpy(&checksum, packet.data() + kChecksumOffset, sizeof(checksum));
      if (checksum != PacketChecksum(packet)) return false;
    }
  }
  const uint64_t before = InputDrops();
  usrsctp_conninput(address, packet.data(), packet.size(), /*ecn_bits=*/0);
  return InputDrops() == before;
}

uint32_t PacketChecksum(ByteView packet) {
  if (packet.size() < kCommonHeaderSize) return 0;
  if (!HardwareCrc32c()) {
    Bytes copy(packet.begin(), packet.end());
    std::memset(copy.data() + kChecksumOffset, 0, sizeof(uint32_t));
    return usrsctp_crc32c(copy.data(), copy.size());
  }
  static constexpr uint8_t kZero[4] = {};
  uint32_t crc = 0xffffffff;
  crc = Crc32cUpdate(crc, packet.data(), kChecksumOffset);
  crc = Crc32cUpdate(crc, kZero, sizeof(kZero));
  crc = Crc32cUpdate(crc, packet.data() + kCommonHeaderSize, packet.size() - kCommonHeaderSize);
  // Complemented; little-endian hosts store it as is (usrsctp's sctp_finalize_crc32c).
  return ~crc;
}

void AdvanceClock(Timestamp now) {
  int64_t elapsed_ms = 0;
  {
    ClockState& c = clock_state();
    std::lock_guard lock(c.mutex);
    if (!c.anchored) {
      c.anchored = true;
      c.last_now = now;
      return;
    }
    const TimeDelta delta = now - c.last_now;
    if (delta < TimeDelta::Zero()) {
      if (delta < -kClockSkew) c.last_now = now;  // a new clock: re-anchor
      return;
    }
    c.last_now = now;
    usrsctp_clock_us.fetch_add(delta.us(), std::memory_order_relaxed);
    c.carry_us += delta.us();
    elapsed_ms = c.carry_us / 1000;
    c.carry_us -= elapsed_ms * 1000;
  }
  // Outside our lock: timers call OnOutput, and other threads may advance concurrently (usrsctp
  // serialises its timer wheel itself).
  if (elapsed_ms > 0) usrsctp_handle_timers(static_cast<uint32_t>(elapsed_ms));
}

}  // namespace usrsctp_stack
}  // namespace parley::sctp

// usrsctp's gettimeofday (renamed in its archive, see src/sctp/CMakeLists.txt): our clock.
extern "C" int parley_usrsctp_gettimeofday(struct timeval* tv, void* /*tz*/) {
  const int64_t us = parley::sctp::usrsctp_clock_us.load(std::memory_order_relaxed);
  tv->tv_sec = static_cast<time_t>(us / 1'000'000);
  tv->tv_usec = static_cast<suseconds_t>(us % 1'000'000);
  return 0;
}
