// Messages split with the deprecated partial PPIDs (52 binary, 54 text; RFC 8831 §8, IANA "WebRTC
// ... Partial (deprecated)"): early implementations sent a large message as pieces with the
// partial PPID followed by a last piece with the ordinary one (51 / 53, or 56 / 57 when empty).
// We reassemble them, as Firefox did, rather than deliver each piece as a message (libwebrtc's
// choice): a piece is not a message the sender's application sent. Pieces of the other kind, or
// more than the size limit, abandon the message.
#pragma once

#include <cstddef>
#include <optional>

#include "base/byte_io.h"

namespace parley::datachannel {

class PartialMessage {
 public:
  // Appends a piece. False when something was dropped: earlier pieces of the other kind (the new
  // piece starts a message of its own), or everything because the message grew over `limit`
  // bytes (0: no limit).
  bool Append(bool binary, ByteView piece, size_t limit);
  // The final piece (ordinary PPID) of a message. `data` is the whole message: the pieces so far
  // and `last`, or `last` alone when the pieces were of the other kind (then dropped); nullopt
  // when the whole would exceed `limit`. `dropped` says whether anything was dropped.
  struct Completed {
    std::optional<Bytes> data;
    bool dropped = false;
  };
  Completed Finish(bool binary, ByteView last, size_t limit);
  bool empty() const { return !binary_.has_value(); }
  void Clear();

 private:
  std::optional<bool> binary_;  // the kind of the pieces so far; nullopt: none
  Bytes data_;
};

}  // namespace parley::datachannel
