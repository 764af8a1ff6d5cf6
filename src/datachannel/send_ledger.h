// bufferedAmount for one channel (W3C webrtc-pc §6.2) from the association's per-stream figure.
//
// The association reports the bytes a stream still holds (queued, or sent and not acknowledged
// nor abandoned). That includes bytes the application never passed to send(): our DCEP messages
// and the one zero byte that stands in for an empty message (RFC 8831 §6.6). A stream's bytes
// leave in the order they were queued (one FIFO per stream; all of a channel's messages share its
// reliability, so they expire in order too, and DCEP messages go first), so a ledger of what we
// queued tells which of the remaining bytes are the application's.
#pragma once

#include <cstddef>
#include <deque>

namespace parley::datachannel {

class SendLedger {
 public:
  // `bytes` queued on the stream; `application` says whether they count in bufferedAmount.
  void Push(size_t bytes, bool application);
  // The association now holds `held` bytes of the stream: forgets what left and returns the
  // application's share of the rest. More held than we queued (usrsctp's chunk-header slack) is
  // read as nothing having left.
  size_t Update(size_t held);
  // The application's share of what is still recorded (as of the last Update()).
  size_t application_bytes() const { return total_ - overhead_; }
  void Clear();

 private:
  struct Entry {
    size_t bytes;
    bool application;
  };
  std::deque<Entry> entries_;
  size_t total_ = 0;
  size_t overhead_ = 0;  // of total_, bytes that are not the application's
};

}  // namespace parley::datachannel
