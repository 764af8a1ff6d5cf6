// Framing of TURN over TCP and TLS (RFC 8656 §6.2, §12.5; RFC 8489 §6.2.2): the byte stream
// carries STUN messages and ChannelData messages back to back with no extra framing, so each
// message's size comes from its own header:
//   STUN (first two bits 00):         20 + the header's length field (a multiple of 4);
//   ChannelData (first two bits 01):  4 + the length field, padded to a multiple of 4 (§12.5).
// Anything else means the stream is out of sync or not TURN at all; nothing can resynchronize a
// stream, so that is a fatal error and the connection must be closed. Sans-IO: bytes in,
// messages out.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>

#include "base/byte_io.h"

namespace parley::turn {

class StreamFramer {
 public:
  // The largest message a stream can carry: a STUN header plus a 16-bit length of attributes.
  static constexpr size_t kMaxMessageSize = 20 + 0xFFFF;

  // Appends stream bytes, split anywhere, and extracts every whole message they complete. After a
  // fatal error further input is ignored.
  void Push(ByteView data);
  // The next whole message, in stream order: a STUN message as is, a ChannelData message without
  // its padding.
  std::optional<Bytes> Pop();

  bool failed() const { return !error_.empty(); }
  // Why the stream was rejected ("" while it has not been).
  const std::string& error() const { return error_; }
  // Bytes received but not yet part of a whole message.
  size_t buffered() const { return buffer_.size() - position_; }

  // Frames one outgoing message for a stream: STUN unchanged, ChannelData padded to a multiple of
  // 4 bytes with zeros (§12.5).
  static Bytes Frame(ByteView message);

 private:
  // Extracts whole messages from buffer_; false once the stream is found to be garbage.
  bool Extract();
  void Fail(std::string why);

  Bytes buffer_;
  size_t position_ = 0;  // Start of the first incomplete message in buffer_.
  std::deque<Bytes> ready_;
  std::string error_;
};

}  // namespace parley::turn
