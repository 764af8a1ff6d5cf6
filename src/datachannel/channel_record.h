// Transport's private record of one channel: what the API shows (ChannelInfo) plus the DCEP
// handshake and closing progress, bufferedAmount books and deprecated-partial reassembly.
#pragma once

#include <cstddef>

#include "datachannel/channel.h"
#include "datachannel/partial_message.h"
#include "datachannel/send_ledger.h"

namespace parley::datachannel {

struct Channel {
  ChannelHandle handle{};
  ChannelInfo info{};
  bool opened_here = false;  // we sent the DATA_CHANNEL_OPEN
  // Our DATA_CHANNEL_OPEN went out and neither the ACK nor any message came back: send ordered
  // (RFC 8832 §6). A stream reset now means the peer refused the channel.
  bool awaiting_ack = false;
  // Closing (RFC 8831 §6.7): both directions of the stream must be reset.
  bool reset_requested = false;
  bool outgoing_reset = false;
  bool incoming_reset = false;
  size_t low_threshold = 0;
  mutable SendLedger ledger{};
  size_t closed_buffered_amount = 0;  // frozen when closed (W3C)
  PartialMessage partial{};
};

// A stream reset without a channel of ours, tracked until both directions are reset.
struct StreamResetProgress {
  bool outgoing = false;
  bool incoming = false;
};

}  // namespace parley::datachannel
