// Incoming messages put back together per stream. usrsctp hands a message over in pieces when
// it is larger than our read buffer or its partial-delivery point (RFC 6458 §8.1.20); with
// fragment interleave level 2 (needed for RFC 8260 I-DATA) pieces of different streams may
// alternate, but one stream delivers one message at a time, so a buffer per stream suffices.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "base/byte_io.h"

namespace parley::sctp {

class Reassembly {
 public:
  // Messages larger than this (our a=max-message-size; 0 = unlimited) are dropped whole.
  explicit Reassembly(size_t max_message_size) : max_message_size_(max_message_size) {}

  struct Message {
    uint16_t stream;
    uint32_t ppid;
    Bytes data;
  };
  struct Outcome {
    std::optional<Message> message;  // completed by this piece
    bool dropped_oversized = false;  // this piece ended a message that was too large
  };
  // One piece; `end` is usrsctp's MSG_EOR. The PPID of the first piece counts.
  Outcome Add(uint16_t stream, uint32_t ppid, ByteView piece, bool end);
  // Forgets a partial message (the peer reset the stream or aborted a partial delivery).
  void Discard(uint16_t stream) { partial_.erase(stream); }
  void Clear() { partial_.clear(); }
  // Bytes held in partial messages.
  size_t buffered() const;

 private:
  struct Partial {
    uint32_t ppid = 0;
    Bytes data;
    bool oversized = false;  // dropping the rest of this message
  };
  size_t max_message_size_;
  std::unordered_map<uint16_t, Partial> partial_;
};

}  // namespace parley::sctp
