// usrsctp's notifications (RFC 6458 §6.1), translated into plain structs so that the association
// logic needs no usrsctp types. Only the ones Association subscribes to are translated.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "base/byte_io.h"

namespace parley::sctp {

// SCTP_ASSOC_CHANGE.
struct AssocChange {
  enum class Kind : uint8_t { kUp, kLost, kRestart, kShutdownComplete, kCantStart };
  Kind kind;
  uint16_t error = 0;
  uint16_t outbound_streams = 0;
  uint16_t inbound_streams = 0;
  bool interleaving = false;  // kUp/kRestart: RFC 8260 I-DATA negotiated
  Bytes abort_chunk;          // kLost/kCantStart after the peer's ABORT: the chunk, header included
};
// SCTP_STREAM_RESET_EVENT (RFC 6525).
struct StreamReset {
  bool incoming = false;  // the peer reset these (its outgoing) streams
  bool outgoing = false;  // our request for these streams was answered
  bool failed = false;    // ... with "denied" or "failed"
  std::vector<uint16_t> streams;
};
// SCTP_SEND_FAILED_EVENT: a message (or part of one) was given up: PR-SCTP abandonment, or
// everything unsent when the association goes down. usrsctp reports each chunk it drops, not each
// message, and not the rest of a message it had not yet cut into chunks.
struct SendFailed {
  uint16_t stream = 0;
  uint32_t context = 0;  // the message's UsrsctpSocket::SendInfo::context
};
// SCTP_PARTIAL_DELIVERY_EVENT with SCTP_PARTIAL_DELIVERY_ABORTED.
struct PartialDeliveryAborted {
  uint16_t stream = 0;
};
struct PeerShutdown {};  // SCTP_SHUTDOWN_EVENT: the peer sent SHUTDOWN
struct SenderDry {};     // SCTP_SENDER_DRY_EVENT: everything we sent is acknowledged
struct RemoteError {     // SCTP_REMOTE_ERROR: an ERROR chunk
  uint16_t cause = 0;
};
struct StreamChange {  // SCTP_STREAM_CHANGE_EVENT (RFC 6525 add streams)
  uint16_t inbound_streams = 0;
  uint16_t outbound_streams = 0;
};
using Notification = std::variant<AssocChange, StreamReset, SendFailed, PartialDeliveryAborted,
                                  PeerShutdown, SenderDry, RemoteError, StreamChange>;

// One complete notification as usrsctp_recvv returned it (MSG_NOTIFICATION); nullopt for types
// we do not subscribe to and for truncated ones.
std::optional<Notification> ParseNotification(ByteView bytes);

}  // namespace parley::sctp
