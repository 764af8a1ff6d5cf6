// WebRTC data channels (RFC 8831) with in-band negotiation (DCEP, RFC 8832) and the semantics of
// the W3C RTCDataChannel (webrtc-pc §6), as a sans-IO machine that owns the SCTP association
// carrying them. It sits on a connected DTLS transport: SCTP packets go in through HandlePacket()
// (each DTLS application-data record) and come out of PollTransmit().
//
//   Transport transport(config);
//   auto chat = transport.CreateChannel(now, "chat", {.ordered = true});  // before or after Start
//   transport.Start(now, dtls.is_client());         // once DTLS is connected
//   transport.HandlePacket(now, record_payload);
//   while (auto packet = transport.PollTransmit()) dtls.Send(*packet);
//   while (auto event = transport.PollEvent()) ...;  // ChannelOpened, MessageReceived, ...
//   wake at NextTimeout().
//
// Channels are named by a ChannelHandle that is valid from CreateChannel() on, before the channel
// has a stream id, and never reused. Stream ids follow RFC 8832 §6: the DTLS client takes even
// ids, the server odd ones (the lowest free one; at Start() for channels created before it, as
// W3C webrtc-pc §6.1 says); negotiated channels bring their own.
//
// Opening: a non-negotiated channel sends DATA_CHANNEL_OPEN (PPID 50, reliable and ordered) once
// the association is connected and is open right away, without waiting for DATA_CHANNEL_ACK, as
// RFC 8832 §6 allows and libwebrtc does; until the ACK (or any message) comes back its messages
// go ordered even on an unordered channel, so none can overtake the OPEN (RFC 8832 §6). The peer
// answers an OPEN on an unused stream of the opener's parity with DATA_CHANNEL_ACK and reports
// ChannelOpened; an OPEN on a stream of the wrong parity, or an unparseable DCEP message on an
// unused stream, is refused by resetting the stream (RFC 8832 §6), and counted. Negotiated
// channels open when the association connects.
//
// Closing (RFC 8831 §6.7): Close(handle) resets our outgoing stream (after its queued messages);
// the peer answers by resetting its own, and when both directions are reset the channel is
// closed and its stream id free again. A peer's reset of a stream whose OPEN it never
// acknowledged means it refused the channel (RFC 8832 §6): ChannelError, then closed.
//
// Not thread-safe: one thread drives a transport.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "base/byte_io.h"
#include "base/time.h"
#include "datachannel/channel.h"
#include "datachannel/channel_record.h"
#include "dcep/priority.h"
#include "parley/result.h"
#include "sctp/association.h"

namespace parley::datachannel {

// RTCDataChannelInit (W3C webrtc-pc §6.2).
struct ChannelInit {
  bool ordered = true;
  // At most one of the two (partial reliability, RFC 3758).
  std::optional<uint16_t> max_retransmits{};
  std::optional<TimeDelta> max_packet_lifetime{};  // whole ms on the wire; beyond 2^32-1 clamped
  std::string protocol{};
  // True: the application agreed on the channel with the peer (same id, created on both sides);
  // no DCEP. `id` is then required, and ignored otherwise (W3C).
  bool negotiated = false;
  std::optional<uint16_t> id{};
  Priority priority = Priority::kLow;
};

struct TransportConfig {
  sctp::AssociationConfig association{};
};

// The peer announced a channel (RTCPeerConnection's datachannel event). It is already open; a
// ChannelStateChanged{kOpen} follows.
struct ChannelOpened {
  ChannelHandle handle{};
};
struct ChannelStateChanged {
  ChannelHandle handle{};
  ChannelState state{};
};
// The channel failed (W3C RTCErrorEvent, error detail "sctp-failure" or "data-channel-failure");
// a ChannelStateChanged{kClosed} follows.
struct ChannelError {
  ChannelHandle handle{};
  std::string reason{};
};
struct MessageReceived {
  ChannelHandle handle{};
  bool binary = false;  // false: UTF-8 text as sent (not validated)
  Bytes data{};
};
// buffered_amount(handle) fell from above its low threshold to at or below it.
struct BufferedAmountLow {
  ChannelHandle handle{};
};
// The association's own state (RTCSctpTransport): connecting, connected, closed or failed.
struct AssociationStateChanged {
  sctp::State state{};
  std::string reason{};
};
using Event = std::variant<ChannelOpened, ChannelStateChanged, ChannelError, MessageReceived,
                           BufferedAmountLow, AssociationStateChanged>;

class Transport {
 public:
  explicit Transport(TransportConfig config);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Starts the association once DTLS is connected; `dtls_client` picks the stream id parity
  // (RFC 8832 §6). Channels created before get their ids now; one for which no id is left errors
  // and closes. Called once; later calls are ignored.
  void Start(Timestamp now, bool dtls_client);
  // The remote description's a=sctp-port and a=max-message-size (RFC 8841); before Start.
  void SetRemoteParameters(uint16_t remote_port, size_t remote_max_message_size);
  // One SCTP packet: a DTLS application-data record's payload. Before Start() the association
  // keeps a few (the peer's INIT may overtake our DTLS handshake completion).
  void HandlePacket(Timestamp now, ByteView packet);
  void HandleTimeout(Timestamp now);
  std::optional<Bytes> PollTransmit();
  std::optional<Event> PollEvent();
  std::optional<Timestamp> NextTimeout() const;
  // Closes every channel (closed at once, no error) and shuts the association down gracefully;
  // CreateChannel() is refused from now on (RTCPeerConnection.close()).
  void Close(Timestamp now);

  // createDataChannel (W3C webrtc-pc §6.1). Errors, nothing created: InvalidStateError after
  // Close() or once the association ended; TypeError for a label or protocol over 65535 bytes,
  // negotiated without id, both max_retransmits and max_packet_lifetime, a negative lifetime, or
  // id 65535; OperationError for an id in use, an id beyond the negotiated streams, no stream id
  // left, or as many open channels as the association has outbound streams.
  Result<ChannelHandle> CreateChannel(Timestamp now, std::string label, ChannelInit init = {});
  // send() (W3C webrtc-pc §6.2): copies the message and queues it, never blocks. PPID 51 text /
  // 53 binary; an empty message goes as one zero byte with PPID 56 / 57 (RFC 8831 §6.6).
  // Errors, nothing sent: InvalidAccessError for an unknown handle; InvalidStateError unless the
  // channel is open; TypeError when data exceeds the peer's max-message-size (nothing is
  // truncated); OperationError when the send queue is full (sctp::AssociationConfig).
  Result<void> Send(Timestamp now, ChannelHandle handle, bool binary, ByteView data);
  // close() (W3C webrtc-pc §6.2, RFC 8831 §6.7). Unknown handles and closing or closed channels
  // are ignored.
  void Close(Timestamp now, ChannelHandle handle);

  // bufferedAmount: bytes of messages passed to Send() that the association still holds (queued,
  // or sent and not yet acknowledged nor abandoned), our own DCEP messages and the stand-in bytes
  // of empty messages excluded. It grows in Send() and shrinks as the peer acknowledges; once
  // closed it keeps its last value (W3C). 0 for unknown handles.
  size_t buffered_amount(ChannelHandle handle) const;
  // bufferedAmountLowThreshold (default 0). Setting it fires nothing by itself.
  void set_buffered_amount_low_threshold(ChannelHandle handle, size_t threshold);
  size_t buffered_amount_low_threshold(ChannelHandle handle) const;

  // The channel's attributes and counters; nullptr for unknown or released handles. The pointer
  // is valid until the next non-const call.
  const ChannelInfo* channel(ChannelHandle handle) const;
  // Every channel not released, in creation order.
  std::vector<ChannelHandle> channels() const;
  // Forgets a closed channel (its handle becomes unknown); ignored unless closed.
  void Release(ChannelHandle handle);

  const sctp::Association& association() const { return association_; }
  // RTCSctpTransport.maxChannels: the streams usable both ways, once connected.
  std::optional<uint16_t> max_channels() const { return max_channels_; }
  // RTCSctpTransport.maxMessageSize: the peer's max-message-size (0: unlimited).
  size_t max_message_size() const { return config_.association.remote_max_message_size; }

  struct Stats {
    uint64_t channels_opened = 0;  // channels that reached open, either side
    uint64_t channels_closed = 0;
    uint64_t dropped_unknown_ppid = 0;  // messages with a PPID that is not WebRTC's
    uint64_t malformed_dcep = 0;        // DCEP messages that do not parse
    uint64_t unexpected_dcep = 0;       // an OPEN on a stream in use, an ACK nobody awaits
    uint64_t wrong_parity_opens = 0;    // OPEN on a stream id of our own parity: refused
    uint64_t dropped_no_channel = 0;    // user messages on a stream without a channel
    uint64_t dropped_not_open = 0;      // user messages for a closing channel (W3C discards)
    uint64_t partial_fragments = 0;     // deprecated PPID 52 / 54 pieces (reassembled)
    uint64_t dropped_partial = 0;       // reassembly abandoned: kinds mixed or over the size limit
  };
  const Stats& stats() const { return stats_; }

 private:
  void AfterInput(Timestamp now);
  void OnAssociationEvent(Timestamp now, sctp::Event event);
  void OnAssociationState(Timestamp now, const sctp::StateChanged& change);
  void OnMessage(Timestamp now, sctp::MessageReceived message);
  void OnDcep(Timestamp now, uint16_t stream, ByteView payload);
  void OnIncomingReset(Timestamp now, const std::vector<uint16_t>& streams);
  void OnOutgoingReset(const sctp::OutgoingStreamsReset& reset);
  void OpenOnConnected(Timestamp now, Channel& channel);
  void SetState(Channel& channel, ChannelState state);
  // Closed at once (abruptly, W3C), after a ChannelError when `error` is set; frees the stream.
  void CloseNow(Channel& channel, std::optional<std::string> error);
  void RequestReset(Timestamp now, Channel& channel);
  void MaybeFinishClosing(Channel& channel);
  // Resets a stream the peer opened against the rules (RFC 8832 §6).
  void Refuse(Timestamp now, uint16_t stream);
  Result<void> SendRaw(Timestamp now, Channel& channel, sctp::Ppid ppid, ByteView payload,
                       bool application, const sctp::SendOptions& options);
  size_t Buffered(const Channel& channel) const;
  void Watch(Channel& channel);
  void CheckBufferedAmountLow();
  std::optional<uint16_t> AllocateStreamId() const;
  void Bind(uint16_t stream, uint32_t handle);
  bool StreamInUse(uint16_t stream) const;
  uint16_t StreamLimit() const;
  size_t LiveChannels() const;
  Channel* Find(ChannelHandle handle);
  const Channel* Find(ChannelHandle handle) const;
  Channel* OnStream(uint16_t stream);

  TransportConfig config_;
  sctp::Association association_;
  bool started_ = false;
  bool dtls_client_ = false;
  bool closed_ = false;  // Close() called
  std::optional<uint16_t> max_channels_;
  uint32_t next_handle_ = 1;
  std::map<uint32_t, Channel> channels_;            // by handle, creation order
  std::unordered_map<uint16_t, uint32_t> streams_;  // stream id -> handle, until both resets
  // Streams reset without a channel of ours (refused OPENs, resets of streams we never used),
  // until both directions are reset; and streams whose reset failed, never reused.
  std::map<uint16_t, StreamResetProgress> orphan_streams_;
  std::set<uint16_t> quarantined_streams_;
  std::set<uint16_t> answered_resets_;  // orphan resets answered since the stream was last used
  std::set<uint32_t> low_watch_;        // channels whose bufferedAmount is above their threshold
  std::deque<Event> events_;
  Stats stats_;
};

}  // namespace parley::datachannel
