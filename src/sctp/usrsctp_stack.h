// The process-wide usrsctp instance behind every Association: initialised once (without its
// timer and receive threads), its clock and timer wheel driven by the `now` callers pass in, and
// the routing of usrsctp's output callback to the association that owns each AF_CONN address.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

#include "base/byte_io.h"
#include "base/time.h"

namespace parley::sctp {

// Packets usrsctp produced for one association, waiting for PollTransmit(). Filled by the output
// callback, which may run on another association's thread (usrsctp's timer wheel is global), so
// it is locked.
class Outbox {
 public:
  // Beyond this many packets the oldest are dropped: SCTP retransmits, memory stays bounded
  // when a driver stops polling.
  static constexpr size_t kMaxPackets = 1024;

  void Push(ByteView packet);
  std::optional<Bytes> Pop();
  bool empty() const;
  size_t dropped() const;

 private:
  mutable std::mutex mutex_;
  std::deque<Bytes> packets_;
  size_t dropped_ = 0;
};

namespace usrsctp_stack {

// usrsctp_init_nothreads() and our sysctls, once per process (never finished: associations may
// live until exit).
void EnsureInitialized();

// Registers AF_CONN `address` with usrsctp and routes its output to `outbox` until
// Unroute(address) returns; after that nothing touches the outbox again, even if usrsctp still
// emits (e.g. the ABORT of usrsctp_close), so the owner may be destroyed. Deregister(address)
// once its socket is closed.
void Register(void* address, Outbox* outbox);
void Unroute(const void* address);
void Deregister(void* address);

// Feeds one packet for `address` to usrsctp. Returns false when it was dropped as malformed: a
// bad CRC32c (checked here), or too short, a wrong verification tag, out of the blue (judged by
// usrsctp's process-wide counters around the call, so exact only while no other thread feeds
// usrsctp at the same moment).
bool Input(void* address, ByteView packet);

// The CRC32c of an SCTP packet (RFC 9260 §6.8, Appendix A) with its checksum field taken as
// zero, in the byte order it is stored in the common header (read or write it with memcpy).
// SSE4.2's crc32 instruction when the CPU has it, else usrsctp's table-driven code.
uint32_t PacketChecksum(ByteView packet);

// Moves usrsctp's clock to `now` and fires the timers that are due, across all associations
// (usrsctp has one timer wheel). Whole milliseconds go to usrsctp_handle_timers, the remainder is
// carried. Time never runs backwards for usrsctp: a `now` more than 10 ms before the last one is
// a new clock (another simulation in the same process) and re-anchors; a slightly older one
// (another thread's reading) is ignored.
void AdvanceClock(Timestamp now);

}  // namespace usrsctp_stack
}  // namespace parley::sctp
