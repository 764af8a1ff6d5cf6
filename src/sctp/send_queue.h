// Our own per-stream queues of outgoing messages in front of usrsctp, and the bufferedAmount
// books.
//
// Send() never blocks and never fails for lack of usrsctp buffer: messages wait here and are
// handed to usrsctp, round-robin over streams and in pieces of at most kMaxPiece, as its send
// buffer frees up. That keeps a bulk transfer on one channel from starving the others (with
// RFC 8260 I-DATA even within a message), lets messages of any size go out without a send buffer
// as large as the largest message, and lets maxPacketLifetime count from Send() in our clock.
//
// bufferedAmount(stream) = the stream's bytes still queued here + its bytes handed to usrsctp and
// not yet acknowledged (cumulatively or by a gap block) or abandoned. usrsctp tells the latter only
// in total (its send-queue size, less what Association's AckTracker knows the peer has and the
// chunk headers of what it has sent); we attribute each decrease of that total to streams in the
// order we handed bytes over. The total is exact, each stream's share is exact when one stream
// sends (or once usrsctp drains), and otherwise the attribution is approximate by no more than the
// data in flight. Chunks usrsctp has cut but not yet sent carry 16-20 bytes of header each in its
// total, so a stream's figure can lag by that much until they are sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include "base/byte_io.h"
#include "base/time.h"
#include "sctp/association.h"

namespace parley::sctp {

struct OutgoingMessage {
  uint16_t stream = 0;
  uint32_t ppid = 0;
  SendOptions options{};
  Bytes data{};
  size_t offset = 0;  // bytes already handed to usrsctp
  Timestamp queued_at{};
  // Identifies a partially reliable message in usrsctp's SEND_FAILED events (0: reliable).
  uint32_t context = 0;

  size_t remaining() const { return data.size() - offset; }
  bool started() const { return offset > 0; }
};

class SendQueue {
 public:
  // The largest piece handed to usrsctp at once, so that other streams get their turn.
  static constexpr size_t kMaxPiece = 64 * 1024;

  void Push(OutgoingMessage message);

  // The stream whose head message goes next (round-robin), or nullopt when nothing is queued.
  std::optional<uint16_t> NextStream() const;
  OutgoingMessage* Head(uint16_t stream);
  // `bytes` of `stream`'s head message went to usrsctp; the message leaves the queue once all of
  // it did. The stream moves to the back of the round.
  void Handed(uint16_t stream, size_t bytes);
  // Removes `stream`'s head message (usrsctp refused it); bytes already handed stay accounted
  // until usrsctp releases them.
  void DropHead(uint16_t stream);
  // Removes messages that were never started and whose lifetime ended by `now` (they are
  // abandoned before reaching SCTP). Returns how many.
  size_t DropExpired(Timestamp now);
  // usrsctp now holds `usrsctp_queued` bytes: the difference to what we handed it was
  // acknowledged or abandoned.
  void Reconcile(size_t usrsctp_queued);
  // Forgets everything (association closed).
  void Clear();

  size_t buffered_amount(uint16_t stream) const;
  size_t total_buffered() const { return queued_total_ + handed_total_; }
  size_t queued_total() const { return queued_total_; }
  size_t handed_total() const { return handed_total_; }
  bool HasQueued(uint16_t stream) const;

  void set_low_threshold(uint16_t stream, size_t threshold);
  // Streams whose bufferedAmount fell from above their threshold to at or below it since the
  // last call, in order.
  std::vector<uint16_t> TakeLowStreams();

 private:
  struct Stream {
    std::deque<OutgoingMessage> queue;
    size_t queued = 0;  // bytes in `queue` not yet handed
    size_t handed = 0;  // bytes handed to usrsctp, not yet released
    size_t threshold = 0;
  };
  struct HandedRecord {
    uint16_t stream;
    size_t bytes;
  };

  // Applies a decrease of `bytes` to `stream` and notes a threshold crossing.
  void Release(uint16_t stream, Stream& s, size_t queued_bytes, size_t handed_bytes);
  void MaybeForget(uint16_t stream);

  std::unordered_map<uint16_t, Stream> streams_;
  std::deque<uint16_t> round_;  // streams with queued messages, next first
  std::deque<HandedRecord> handed_;
  size_t queued_total_ = 0;
  size_t handed_total_ = 0;
  size_t lifetime_messages_ = 0;  // queued messages with a max_lifetime (skip scans otherwise)
  std::vector<uint16_t> low_;
};

}  // namespace parley::sctp
