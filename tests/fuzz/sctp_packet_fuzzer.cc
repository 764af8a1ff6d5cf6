// Feeds arbitrary SCTP packets to an sctp::Association (usrsctp underneath). Input:
//   [mode][u16 length][packet][u16 length][packet]...
// mode bit 0 clear: a fresh association that has sent its INIT takes the packets as they are.
// mode bit 0 set: one side (bob) of a connected pair takes them as if from its peer (alice):
//   the fuzzer's verification tag is replaced by bob's real one and the CRC32c recomputed, so
//   inputs reach chunk processing instead of dying at those checks; the TSNs of DATA, I-DATA and
//   FORWARD-TSN chunks count from alice's first TSN, and the cumulative TSN of a SACK from
//   bob's, since usrsctp draws initial TSNs and tags at random (this keeps runs reproducible).
// mode bit 1: bob first sends three messages that are never delivered (data in flight for the
//   SACKs to acknowledge).
// Whatever comes out goes to the other side; then timers run and both close. Nothing may crash,
// leak or read out of bounds, and the state must stay consistent.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <vector>

#include "base/byte_io.h"
#include "sctp/association.h"
#include "sctp/packet_inspect.h"

using namespace parley;
using namespace parley::sctp;

namespace {

// CRC32c (RFC 9260 Appendix A: Castagnoli, reflected), as SCTP stores it: little-endian.
uint32_t Crc32c(ByteView data) {
  uint32_t crc = 0xffffffff;
  for (uint8_t byte : data) {
    crc ^= byte;
    for (int i = 0; i < 8; ++i)
      crc = (crc >> 1) ^ (0x82f63b78 & (0u - (crc & 1)));
  }
  return ~crc;
}

void SetU32(Bytes& packet, size_t offset, uint32_t value) {
  for (int i = 0; i < 4; ++i)
    packet[offset + i] = static_cast<uint8_t>(value >> (24 - 8 * i));
}
uint32_t GetU32(const Bytes& packet, size_t offset) {
  return (uint32_t{packet[offset]} << 24) | (uint32_t{packet[offset + 1]} << 16) |
         (uint32_t{packet[offset + 2]} << 8) | packet[offset + 3];
}

void SetChecksum(Bytes& packet) {
  for (size_t i = 8; i < 12; ++i)
    packet[i] = 0;
  const uint32_t crc = Crc32c(packet);
  for (size_t i = 0; i < 4; ++i)
    packet[8 + i] = static_cast<uint8_t>(crc >> (8 * i));
}

// Rewrites a fuzzer packet for bob: his tag, TSNs from the bases, a valid checksum.
Bytes ForBob(ByteView input, uint32_t tag, uint32_t alice_tsn, uint32_t bob_tsn) {
  Bytes packet(input.begin(), input.end());
  if (packet.size() < kCommonHeaderSize) return packet;
  SetU32(packet, 4, tag);
  size_t at = kCommonHeaderSize;
  while (at + 8 <= packet.size()) {
    const uint8_t type = packet[at];
    const size_t length = (size_t{packet[at + 2]} << 8) | packet[at + 3];
    if (length < 4) break;
    const auto t = static_cast<ChunkType>(type);
    if (t == ChunkType::kData || t == ChunkType::kIData || t == ChunkType::kForwardTsn ||
        t == ChunkType::kIForwardTsn) {
      SetU32(packet, at + 4, GetU32(packet, at + 4) + alice_tsn);
    } else if (t == ChunkType::kSack) {
      SetU32(packet, at + 4, GetU32(packet, at + 4) + bob_tsn);
    }
    at += (length + 3) & ~size_t{3};
  }
  SetChecksum(packet);
  return packet;
}

void Drain(Association& association) {
  while (association.PollEvent()) {
  }
}

// Moves packets both ways, at most `limit`, recording those from `from_a` when asked.
void Exchange(Association& a, Association& b, Timestamp now, int limit = 256) {
  for (bool moved = true; moved && limit > 0;) {
    moved = false;
    for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
      while (limit > 0) {
        auto packet = from->PollTransmit();
        if (!packet) break;
        to->HandlePacket(now, *packet);
        moved = true;
        --limit;
      }
    }
  }
  Drain(a);
  Drain(b);
}

std::optional<uint32_t> FirstDataTsn(Association& from) {
  std::optional<uint32_t> tsn;
  while (auto packet = from.PollTransmit()) {
    ForEachChunk(*packet, [&](const ChunkView& chunk) {
      if (!tsn) tsn = DataChunkTsn(chunk);
      return true;
    });
  }
  return tsn;
}

void CheckConsistent(const Association& association) {
  const State state = association.state();
  if (state == State::kConnected && association.outbound_streams() == 0) std::abort();
  if ((state == State::kClosed || state == State::kFailed) && association.buffered_amount(1) != 0)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // usrsctp keeps process-wide state (its clock, tags in TIME-WAIT for 60 s): each input starts
  // a minute later, so that state from earlier inputs has expired.
  static Timestamp now = Timestamp::Seconds(1'000'000);
  now += TimeDelta::Seconds(61);
  ByteReader input(ByteView(data, size));
  const uint8_t mode = *input.ReadU8();
  std::vector<ByteView> packets;
  while (auto length = input.ReadU16()) {
    auto packet = input.ReadBytes(*length);
    if (!packet) break;
    packets.push_back(*packet);
  }

  AssociationConfig config;
  config.streams = 16;
  config.max_message_size = 4096;
  config.remote_max_message_size = 4096;
  Association alice(config);
  Association bob(config);
  Association& target = (mode & 1) ? bob : alice;
  uint32_t tag = 0;
  uint32_t alice_tsn = 0;
  uint32_t bob_tsn = 0;
  if (mode & 1) {
    alice.Start(now);
    bob.Start(now);
    Exchange(alice, bob, now);
    if (alice.state() != State::kConnected || bob.state() != State::kConnected) std::abort();
    // One message each way, not delivered, reveals the TSNs and bob's tag.
    if (!alice.Send(now, 1, Ppid::kBinary, Bytes{1}, {}).ok()) std::abort();
    while (auto packet = alice.PollTransmit()) {
      if (auto header = ParseCommonHeader(*packet)) tag = header->verification_tag;
      ForEachChunk(*packet, [&](const ChunkView& chunk) {
        if (auto tsn = DataChunkTsn(chunk)) alice_tsn = *tsn;
        return true;
      });
    }
    if (!bob.Send(now, 1, Ppid::kBinary, Bytes{2}, {}).ok()) std::abort();
    if (auto tsn = FirstDataTsn(bob)) bob_tsn = *tsn;
    if (mode & 2) {
      for (uint8_t i = 0; i < 3; ++i) {
        if (!bob.Send(now, i, Ppid::kString, Bytes(100 + i * 1000, i), {}).ok()) std::abort();
      }
      while (bob.PollTransmit()) {
      }
    }
  } else {
    alice.Start(now);
    while (alice.PollTransmit()) {
    }
  }

  for (ByteView packet : packets) {
    if (mode & 1) {
      target.HandlePacket(now, ForBob(packet, tag, alice_tsn, bob_tsn));
      Exchange(alice, bob, now);
    } else {
      target.HandlePacket(now, packet);
      while (target.PollTransmit()) {
      }
      Drain(target);
    }
    CheckConsistent(target);
  }
  // Timers, then a graceful close.
  for (int i = 1; i <= 4; ++i) {
    const Timestamp later = now + TimeDelta::Millis(500 * i);
    alice.HandleTimeout(later);
    bob.HandleTimeout(later);
    if (mode & 1) Exchange(alice, bob, later);
    CheckConsistent(target);
  }
  target.Close(now + TimeDelta::Seconds(3));
  if (mode & 1) Exchange(alice, bob, now + TimeDelta::Seconds(3));
  CheckConsistent(target);
  return 0;
}
