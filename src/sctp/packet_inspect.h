// Read-only looks at SCTP packets (RFC 9260 §3) around usrsctp, which parses them for real: the
// common header for the cheap pre-checks on input, the chunks of our own output (to count
// retransmitted DATA for the stats), and the error causes of an ABORT for the close reason.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "base/byte_io.h"

namespace parley::sctp {

// Chunk types (RFC 9260 §3.2, RFC 3758 FORWARD-TSN, RFC 6525 RE-CONFIG, RFC 8260 I-DATA).
enum class ChunkType : uint8_t {
  kData = 0,
  kInit = 1,
  kInitAck = 2,
  kSack = 3,
  kHeartbeat = 4,
  kHeartbeatAck = 5,
  kAbort = 6,
  kShutdown = 7,
  kShutdownAck = 8,
  kError = 9,
  kCookieEcho = 10,
  kCookieAck = 11,
  kShutdownComplete = 14,
  kIData = 64,
  kReconfig = 130,
  kForwardTsn = 192,
  kIForwardTsn = 194,
};

inline constexpr size_t kCommonHeaderSize = 12;

struct CommonHeader {
  uint16_t source_port;
  uint16_t destination_port;
  uint32_t verification_tag;
  uint32_t checksum;
};
std::optional<CommonHeader> ParseCommonHeader(ByteView packet);

struct ChunkView {
  uint8_t type;
  uint8_t flags;
  ByteView value;  // after the 4-byte chunk header, without padding
};
// Calls `fn` for each well-formed chunk after the common header, stopping at the first malformed
// one (or when fn returns false).
void ForEachChunk(ByteView packet, const std::function<bool(const ChunkView&)>& fn);
bool HasChunk(ByteView packet, ChunkType type);

// The TSN of a DATA or I-DATA chunk (both carry it first, RFC 9260 §3.3.1, RFC 8260 §2.1).
std::optional<uint32_t> DataChunkTsn(const ChunkView& chunk);
// The new cumulative TSN of a FORWARD-TSN or I-FORWARD-TSN chunk (both carry it first, RFC 3758
// §3.2, RFC 8260 §2.3.1).
std::optional<uint32_t> ForwardTsnCumulative(const ChunkView& chunk);

// Counts DATA/I-DATA chunks whose TSN is not newer than the newest seen: retransmissions, on the
// wire, exactly (usrsctp's own counters are process-wide).
class RetransmissionCounter {
 public:
  void OnPacket(ByteView packet);
  uint64_t count() const { return count_; }

 private:
  std::optional<uint32_t> newest_;
  uint64_t count_ = 0;
};

// Why a peer aborted, from its ABORT chunk (header included, as usrsctp reports it): the
// upper-layer reason of a User-Initiated Abort cause (RFC 9260 §3.3.10.12), else the cause codes
// ("cause 12, cause 13"), else "no cause".
std::string DescribeAbort(ByteView abort_chunk);

}  // namespace parley::sctp
