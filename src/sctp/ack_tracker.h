// Our DATA/I-DATA chunks on the wire and the peer's selective acknowledgements of them, so that
// the association can tell which of the bytes usrsctp holds the peer already has.
//
// usrsctp keeps a chunk that a SACK acknowledges by a gap ack block (RFC 9260 §3.3.4) in its send
// queue, and counts it in its queue size (SCTP_GET_SNDBUF_USE), until the cumulative TSN ack
// passes it: the peer could still renege on it (RFC 9260 §6.2.1). Behind a lost chunk of a
// partially reliable message the cumulative ack waits for a FORWARD-TSN (RFC 3758 §3.5) to reach
// the peer and for the SACK answering it to come back; under continuing loss that takes
// retransmission timeouts, backed off to seconds. Such chunks are neither in flight nor waiting to
// be sent, and the peer has them: Association counts them neither in bufferedAmount nor against
// the congestion window.
//
// The books, per TSN from the oldest not cumulatively acknowledged: the chunk's length, which is
// what usrsctp charges to its queue for it (chunk header and payload, no padding), whether a gap
// block covered it, and the message it belongs to. usrsctp frees the chunks of a message it
// abandons (PR-SCTP), gap-acknowledged ones included, and a SACK may acknowledge a chunk after it
// was abandoned (the SACK before it was lost): neither may count as held by usrsctp. Abandonment
// is reported per message (SEND_FAILED carries the context we gave the message, not TSNs), so
// chunks are attributed to messages: usrsctp cuts a stream's messages into chunks in the order it
// got them, each message's first chunk (B bit) before the next message's, and transmits that
// first chunk before it could abandon the message (it abandons only messages with a chunk sent).
// So the B-bit chunks of a stream, in TSN order, start the messages handed over on it, in order.
//
// NR-SACK (usrsctp's, off by default) is not read, and a peer that reneges is not followed (what
// it dropped stays counted as acknowledged until the cumulative ack passes it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>

#include "base/byte_io.h"

namespace parley::sctp {

class AckTracker {
 public:
  // A message's first piece went to usrsctp on `stream`; `context` (0 for reliable messages)
  // names it in OnAbandoned().
  void OnHanded(uint16_t stream, uint32_t context);
  // usrsctp abandoned the message `context` (not 0).
  void OnAbandoned(uint32_t context);
  // A packet we sent: DATA/I-DATA chunks are recorded (the first time their TSN appears);
  // a FORWARD-TSN/I-FORWARD-TSN forgets the chunks it skips (usrsctp advances it only over
  // abandoned chunks and acknowledged ones, RFC 3758 §3.5 C2).
  void OnSent(ByteView packet);
  // A packet from the peer that usrsctp accepted: its SACKs (older ones than the newest are
  // ignored, as usrsctp ignores them).
  void OnReceived(ByteView packet);
  // Bytes of our chunks that usrsctp still holds although a gap block acknowledged them.
  size_t selectively_acked() const { return selectively_acked_; }
  // The chunk headers (16 bytes per DATA, 20 per I-DATA chunk) among the bytes usrsctp holds
  // that the peer has not acknowledged: usrsctp's queue size counts them, bufferedAmount does
  // not. (Not those of chunks usrsctp has cut but not yet sent: they are not seen here.)
  size_t unacknowledged_headers() const { return unacknowledged_headers_; }
  // Chunks tracked (sent, not cumulatively acknowledged nor skipped).
  size_t tracked() const { return chunks_.size(); }
  // Forgets everything (the association restarted: usrsctp dropped all it held, new TSNs).
  void Clear();

 private:
  struct Chunk {
    uint32_t context = 0;
    uint16_t length = 0;  // 0: not seen (its packet never left, e.g. the outbox overflowed)
    uint8_t header = 0;
    bool acked = false;
    bool abandoned = false;
    bool held() const { return !acked && !abandoned; }
  };
  void OnData(uint32_t tsn, uint16_t stream, bool first, size_t length, uint8_t header);
  // Forgets the chunks up to and including `tsn`.
  void ForgetThrough(uint32_t tsn);
  void OnSack(ByteView sack);
  bool RecentlyAbandoned(uint32_t context) const;

  std::optional<uint32_t> base_;  // the TSN of chunks_.front() (or of the next chunk)
  std::deque<Chunk> chunks_;
  std::optional<uint32_t> cumulative_ack_;  // the newest the peer sent
  size_t selectively_acked_ = 0;
  size_t unacknowledged_headers_ = 0;
  struct Stream {
    std::deque<uint32_t> handed;  // contexts of messages whose first chunk we have not seen
    uint32_t current = 0;         // the context of the message being cut into chunks
  };
  std::unordered_map<uint16_t, Stream> streams_;
  // Contexts abandoned lately, for chunks seen only after the abandonment (packets the caller
  // polled late).
  std::deque<uint32_t> abandoned_;
};

}  // namespace parley::sctp
