#include "sctp/notification.h"

#include <usrsctp.h>

#include <algorithm>
#include <cstring>

namespace parley::sctp {
namespace {

// Copies the fixed part of a notification struct out of (possibly unaligned) bytes. (Not an
// optional<T>: most of these structs end in a flexible array member.)
template <typename T>
bool Read(ByteView bytes, T& out) {
  if (bytes.size() < sizeof(T)) return false;
  std::memcpy(&out, bytes.data(), sizeof(T));
  return true;
}

std::optional<Notification> ParseAssocChange(ByteView bytes) {
  sctp_assoc_change sac_value{};
  if (!Read(bytes, sac_value)) return std::nullopt;
  const auto* sac = &sac_value;
  AssocChange change{};
  switch (sac->sac_state) {
    case SCTP_COMM_UP:
      change.kind = AssocChange::Kind::kUp;
      break;
    case SCTP_COMM_LOST:
      change.kind = AssocChange::Kind::kLost;
      break;
    case SCTP_RESTART:
      change.kind = AssocChange::Kind::kRestart;
      break;
    case SCTP_SHUTDOWN_COMP:
      change.kind = AssocChange::Kind::kShutdownComplete;
      break;
    case SCTP_CANT_STR_ASSOC:
      change.kind = AssocChange::Kind::kCantStart;
      break;
    default:
      return std::nullopt;
  }
  change.error = sac->sac_error;
  change.outbound_streams = sac->sac_outbound_streams;
  change.inbound_streams = sac->sac_inbound_streams;
  // sac_info: the supported features on COMM_UP/RESTART, the ABORT chunk on COMM_LOST and
  // CANT_STR_ASSOC (RFC 6458 §6.1.1).
  const size_t length = std::min<size_t>(sac->sac_length, bytes.size());
  ByteView info = length > sizeof(sctp_assoc_change)
                      ? bytes.subspan(sizeof(sctp_assoc_change), length - sizeof(sctp_assoc_change))
                      : ByteView();
  if (change.kind == AssocChange::Kind::kUp || change.kind == AssocChange::Kind::kRestart) {
    change.interleaving =
        std::find(info.begin(), info.end(), SCTP_ASSOC_SUPPORTS_INTERLEAVING) != info.end();
  } else {
    change.abort_chunk.assign(info.begin(), info.end());
  }
  return change;
}

std::optional<Notification> ParseStreamReset(ByteView bytes) {
  sctp_stream_reset_event event_value{};
  if (!Read(bytes, event_value)) return std::nullopt;
  const auto* event = &event_value;
  StreamReset reset;
  reset.incoming = (event->strreset_flags & SCTP_STREAM_RESET_INCOMING_SSN) != 0;
  reset.outgoing = (event->strreset_flags & SCTP_STREAM_RESET_OUTGOING_SSN) != 0;
  reset.failed =
      (event->strreset_flags & (SCTP_STREAM_RESET_DENIED | SCTP_STREAM_RESET_FAILED)) != 0;
  const size_t length = std::min<size_t>(event->strreset_length, bytes.size());
  for (size_t at = sizeof(sctp_stream_reset_event); at + 2 <= length; at += 2) {
    uint16_t stream;
    std::memcpy(&stream, bytes.data() + at, 2);  // host order, as usrsctp reports it
    reset.streams.push_back(stream);
  }
  return reset;
}

}  // namespace

std::optional<Notification> ParseNotification(ByteView bytes) {
  sctp_notification::sctp_tlv header_value{};
  if (!Read(bytes, header_value)) return std::nullopt;
  const auto* header = &header_value;
  switch (header->sn_type) {
    case SCTP_ASSOC_CHANGE:
      return ParseAssocChange(bytes);
    case SCTP_STREAM_RESET_EVENT:
      return ParseStreamReset(bytes);
    case SCTP_SEND_FAILED_EVENT: {
      sctp_send_failed_event event_value{};
      if (!Read(bytes, event_value)) return std::nullopt;
      const auto* event = &event_value;
      return SendFailed{event->ssfe_info.snd_sid, event->ssfe_info.snd_context};
    }
    case SCTP_PARTIAL_DELIVERY_EVENT: {
      sctp_pdapi_event event_value{};
      if (!Read(bytes, event_value)) return std::nullopt;
      const auto* event = &event_value;
      if (event->pdapi_indication != SCTP_PARTIAL_DELIVERY_ABORTED) return std::nullopt;
      return PartialDeliveryAborted{static_cast<uint16_t>(event->pdapi_stream)};
    }
    case SCTP_SHUTDOWN_EVENT:
      return PeerShutdown{};
    case SCTP_SENDER_DRY_EVENT:
      return SenderDry{};
    case SCTP_REMOTE_ERROR: {
      sctp_remote_error event_value{};
      if (!Read(bytes, event_value)) return std::nullopt;
      const auto* event = &event_value;
      return RemoteError{event->sre_error};
    }
    case SCTP_STREAM_CHANGE_EVENT: {
      sctp_stream_change_event event_value{};
      if (!Read(bytes, event_value)) return std::nullopt;
      const auto* event = &event_value;
      return StreamChange{event->strchange_instrms, event->strchange_outstrms};
    }
    default:
      return std::nullopt;
  }
}

}  // namespace parley::sctp
