#include "datachannel/transport.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "base/logging.h"
#include "dcep/message.h"
#include "dcep/reliability.h"

namespace parley::datachannel {
namespace {

// The 16-bit length fields of DATA_CHANNEL_OPEN (RFC 8832 §5.1).
constexpr size_t kMaxLabelBytes = 0xFFFF;
// W3C webrtc-pc §6.1: 65535 fits an unsigned short but is not a valid stream id.
constexpr uint16_t kInvalidId = 0xFFFF;
// An empty message travels as one zero byte (RFC 8831 §6.6).
constexpr uint8_t kEmptyStandIn[1] = {0};

bool IsTerminal(sctp::State state) {
  return state == sctp::State::kClosed || state == sctp::State::kFailed;
}

}  // namespace

Transport::Transport(TransportConfig config)
    : config_(std::move(config)), association_(config_.association) {}

Transport::~Transport() = default;

void Transport::SetRemoteParameters(uint16_t remote_port, size_t remote_max_message_size) {
  config_.association.remote_port = remote_port;
  config_.association.remote_max_message_size = remote_max_message_size;
  association_.SetRemoteParameters(remote_port, remote_max_message_size);
}

void Transport::Start(Timestamp now, bool dtls_client) {
  if (started_ || closed_) {
    PARLEY_LOG(kWarning, "datachannel") << "Start() ignored: already started or closed";
    return;
  }
  started_ = true;
  dtls_client_ = dtls_client;
  // W3C webrtc-pc §6.1: channels created before the DTLS role was known get their ids now.
  for (auto& [handle, channel] : channels_) {
    if (channel.info.id || channel.info.state == ChannelState::kClosed) continue;
    const auto id = AllocateStreamId();
    if (!id) {
      CloseNow(channel, "no SCTP stream id left for the data channel");
      continue;
    }
    channel.info.id = id;
    Bind(*id, handle);
  }
  association_.Start(now);
  AfterInput(now);
}

void Transport::HandlePacket(Timestamp now, ByteView packet) {
  association_.HandlePacket(now, packet);
  AfterInput(now);
}

void Transport::HandleTimeout(Timestamp now) {
  association_.HandleTimeout(now);
  AfterInput(now);
}

std::optional<Bytes> Transport::PollTransmit() {
  return association_.PollTransmit();
}

std::optional<Event> Transport::PollEvent() {
  if (events_.empty()) return std::nullopt;
  Event event = std::move(events_.front());
  events_.pop_front();
  return event;
}

std::optional<Timestamp> Transport::NextTimeout() const {
  return association_.NextTimeout();
}

void Transport::Close(Timestamp now) {
  if (closed_) return;
  closed_ = true;
  // RTCPeerConnection.close(): channels are closed at once; the association's SHUTDOWN takes the
  // streams with it, so no stream resets.
  for (auto& [handle, channel] : channels_)
    CloseNow(channel, std::nullopt);
  association_.Close(now);
  AfterInput(now);
}

Result<ChannelHandle> Transport::CreateChannel(Timestamp now, std::string label, ChannelInit init) {
  // W3C webrtc-pc §6.1 createDataChannel(), in its order.
  if (closed_ || IsTerminal(association_.state())) {
    return InvalidStateError("cannot create a data channel: the transport is closed");
  }
  if (label.size() > kMaxLabelBytes) {
    return TypeError("data channel label of " + std::to_string(label.size()) +
                     " bytes is longer than 65535");
  }
  if (init.protocol.size() > kMaxLabelBytes) {
    return TypeError("data channel protocol of " + std::to_string(init.protocol.size()) +
                     " bytes is longer than 65535");
  }
  if (init.negotiated && !init.id) return TypeError("a negotiated data channel needs an id");
  if (init.max_retransmits && init.max_packet_lifetime) {
    return TypeError("maxRetransmits and maxPacketLifeTime cannot both be set");
  }
  if (init.max_packet_lifetime && *init.max_packet_lifetime < TimeDelta::Zero()) {
    return TypeError("maxPacketLifeTime cannot be negative");
  }
  std::optional<uint16_t> id = init.negotiated ? init.id : std::nullopt;
  if (id == kInvalidId) return TypeError("data channel id 65535 is not a valid stream id");
  if (id && StreamInUse(*id)) {
    return OperationError("data channel id " + std::to_string(*id) + " is already in use");
  }
  if (id && max_channels_ && *id >= *max_channels_) {
    return OperationError("data channel id " + std::to_string(*id) + " is beyond the " +
                          std::to_string(*max_channels_) + " negotiated SCTP streams");
  }
  if (LiveChannels() >= StreamLimit()) {
    return OperationError("as many data channels as SCTP streams (" +
                          std::to_string(StreamLimit()) + ") are open");
  }
  if (!id && started_) {
    id = AllocateStreamId();
    if (!id) return OperationError("no SCTP stream id left for the data channel");
  }

  const ChannelHandle handle{next_handle_++};
  Channel& channel = channels_[handle.value];
  channel.handle = handle;
  channel.info.label = std::move(label);
  channel.info.protocol = std::move(init.protocol);
  channel.info.id = id;
  channel.info.ordered = init.ordered;
  channel.info.max_retransmits = init.max_retransmits;
  if (init.max_packet_lifetime) {
    // Whole milliseconds, as the DCEP reliability parameter carries them.
    const int64_t ms =
        std::min<int64_t>(init.max_packet_lifetime->ms(), std::numeric_limits<uint32_t>::max());
    channel.info.max_packet_lifetime = TimeDelta::Millis(ms);
  }
  channel.info.negotiated = init.negotiated;
  channel.info.priority = init.priority;
  if (id) Bind(*id, handle.value);
  if (association_.state() == sctp::State::kConnected) OpenOnConnected(now, channel);
  AfterInput(now);
  return handle;
}

Result<void> Transport::Send(Timestamp now, ChannelHandle handle, bool binary, ByteView data) {
  Channel* channel = Find(handle);
  if (!channel) return InvalidAccessError("unknown data channel");
  if (channel->info.state != ChannelState::kOpen) {
    return InvalidStateError("data channel '" + channel->info.label + "' is " +
                             std::string(ToString(channel->info.state)));
  }
  const size_t limit = config_.association.remote_max_message_size;
  if (limit != 0 && data.size() > limit) {
    return TypeError("message of " + std::to_string(data.size()) +
                     " bytes exceeds the remote max-message-size of " + std::to_string(limit));
  }
  sctp::Ppid ppid;
  if (data.empty()) {
    ppid = binary ? sctp::Ppid::kBinaryEmpty : sctp::Ppid::kStringEmpty;
  } else {
    ppid = binary ? sctp::Ppid::kBinary : sctp::Ppid::kString;
  }
  const ByteView payload = data.empty() ? ByteView(kEmptyStandIn) : data;
  // RFC 8832 §6: ordered until the peer has shown it has our OPEN.
  const sctp::SendOptions options{.unordered = !channel->info.ordered && !channel->awaiting_ack,
                                  .max_retransmits = channel->info.max_retransmits,
                                  .max_lifetime = channel->info.max_packet_lifetime};
  auto sent = SendRaw(now, *channel, ppid, payload, !data.empty(), options);
  if (sent.ok()) {
    ++channel->info.messages_sent;
    channel->info.bytes_sent += data.size();
    Watch(*channel);
  }
  AfterInput(now);
  return sent;
}

void Transport::Close(Timestamp now, ChannelHandle handle) {
  Channel* channel = Find(handle);
  if (!channel || channel->info.state == ChannelState::kClosing ||
      channel->info.state == ChannelState::kClosed) {
    return;
  }
  SetState(*channel, ChannelState::kClosing);
  if (!channel->info.id || association_.state() != sctp::State::kConnected) {
    // Nothing went on the wire on this stream yet: nothing to reset.
    CloseNow(*channel, std::nullopt);
    return;
  }
  channel->partial.Clear();
  RequestReset(now, *channel);
  AfterInput(now);
}

size_t Transport::buffered_amount(ChannelHandle handle) const {
  const Channel* channel = Find(handle);
  return channel ? Buffered(*channel) : 0;
}

void Transport::set_buffered_amount_low_threshold(ChannelHandle handle, size_t threshold) {
  Channel* channel = Find(handle);
  if (!channel) return;
  channel->low_threshold = threshold;
  // W3C: the event fires on a fall through the threshold, not on moving the threshold.
  low_watch_.erase(handle.value);
  Watch(*channel);
}

size_t Transport::buffered_amount_low_threshold(ChannelHandle handle) const {
  const Channel* channel = Find(handle);
  return channel ? channel->low_threshold : 0;
}

const ChannelInfo* Transport::channel(ChannelHandle handle) const {
  const Channel* channel = Find(handle);
  return channel ? &channel->info : nullptr;
}

std::vector<ChannelHandle> Transport::channels() const {
  std::vector<ChannelHandle> handles;
  handles.reserve(channels_.size());
  for (const auto& [value, channel] : channels_)
    handles.push_back(channel.handle);
  return handles;
}

void Transport::Release(ChannelHandle handle) {
  const Channel* channel = Find(handle);
  if (!channel || channel->info.state != ChannelState::kClosed) return;
  low_watch_.erase(handle.value);
  channels_.erase(handle.value);
}

// --- Association events -----------------------------------------------------------------------

void Transport::AfterInput(Timestamp now) {
  while (auto event = association_.PollEvent())
    OnAssociationEvent(now, std::move(*event));
  CheckBufferedAmountLow();
}

void Transport::OnAssociationEvent(Timestamp now, sctp::Event event) {
  if (auto* change = std::get_if<sctp::StateChanged>(&event)) {
    OnAssociationState(now, *change);
  } else if (auto* message = std::get_if<sctp::MessageReceived>(&event)) {
    OnMessage(now, std::move(*message));
  } else if (auto* incoming = std::get_if<sctp::IncomingStreamsReset>(&event)) {
    OnIncomingReset(now, incoming->streams);
  } else if (auto* outgoing = std::get_if<sctp::OutgoingStreamsReset>(&event)) {
    OnOutgoingReset(*outgoing);
  }
  // sctp::BufferedAmountLow: its threshold counts our DCEP bytes too; CheckBufferedAmountLow()
  // does the channels' own after every input.
}

void Transport::OnAssociationState(Timestamp now, const sctp::StateChanged& change) {
  events_.push_back(AssociationStateChanged{change.state, change.reason});
  if (change.state == sctp::State::kConnected) {
    max_channels_ = std::min(association_.outbound_streams(), association_.inbound_streams());
    for (auto& [handle, channel] : channels_) {
      if (channel.info.state != ChannelState::kConnecting || !channel.info.id) continue;
      if (*channel.info.id >= *max_channels_) {
        CloseNow(channel, "data channel id " + std::to_string(*channel.info.id) +
                              " is beyond the " + std::to_string(*max_channels_) +
                              " negotiated SCTP streams");
        continue;
      }
      OpenOnConnected(now, channel);
    }
    return;
  }
  if (!IsTerminal(change.state)) return;
  // A graceful SHUTDOWN closes the channels; a failure or an ABORT also errors them (W3C
  // "sctp-failure").
  const bool failed =
      change.state == sctp::State::kFailed || change.reason.starts_with("peer aborted");
  for (auto& [handle, channel] : channels_) {
    CloseNow(channel, failed
                          ? std::optional<std::string>("SCTP association failed: " + change.reason)
                          : std::nullopt);
  }
  streams_.clear();
  orphan_streams_.clear();
  answered_resets_.clear();
  low_watch_.clear();
}

void Transport::OpenOnConnected(Timestamp now, Channel& channel) {
  if (!channel.info.negotiated) {
    // RFC 8832 §6: DATA_CHANNEL_OPEN on the channel's stream, reliable and ordered.
    dcep::Open open{.priority = dcep::ToWire(channel.info.priority),
                    .label = channel.info.label,
                    .protocol = channel.info.protocol};
    dcep::Reliability reliability{.ordered = channel.info.ordered,
                                  .max_retransmits = channel.info.max_retransmits};
    if (channel.info.max_packet_lifetime) {
      reliability.max_lifetime_ms = static_cast<uint32_t>(channel.info.max_packet_lifetime->ms());
    }
    dcep::SetReliability(open, reliability);
    auto sent = SendRaw(now, channel, sctp::Ppid::kDcep, dcep::Serialize(open), false, {});
    if (!sent.ok()) {
      CloseNow(channel, "cannot send DATA_CHANNEL_OPEN: " + sent.error().ToString());
      return;
    }
    channel.opened_here = true;
    channel.awaiting_ack = true;
  }
  // Open without waiting for the ACK (RFC 8832 §6 lets the opener send right away; libwebrtc
  // does the same).
  SetState(channel, ChannelState::kOpen);
}

void Transport::OnMessage(Timestamp now, sctp::MessageReceived message) {
  bool binary = false;
  bool empty = false;
  bool partial = false;
  switch (message.ppid) {
    case sctp::Ppid::kDcep:
      OnDcep(now, message.stream, message.data);
      return;
    case sctp::Ppid::kString:
      break;
    case sctp::Ppid::kBinary:
      binary = true;
      break;
    case sctp::Ppid::kStringEmpty:
      empty = true;
      break;
    case sctp::Ppid::kBinaryEmpty:
      binary = empty = true;
      break;
    case sctp::Ppid::kStringPartialDeprecated:
      partial = true;
      break;
    case sctp::Ppid::kBinaryPartialDeprecated:
      binary = partial = true;
      break;
    default:
      ++stats_.dropped_unknown_ppid;
      PARLEY_LOG(kWarning, "datachannel")
          << "dropped a message with unknown PPID " << static_cast<uint32_t>(message.ppid)
          << " on stream " << message.stream;
      return;
  }
  Channel* channel = OnStream(message.stream);
  if (!channel) {
    ++stats_.dropped_no_channel;
    PARLEY_LOG(kWarning, "datachannel")
        << "dropped a message on stream " << message.stream << " without a data channel";
    return;
  }
  if (channel->info.state != ChannelState::kOpen) {
    ++stats_.dropped_not_open;
    return;
  }
  // Any message shows the peer has our OPEN (RFC 8832 §6; old peers send no ACK).
  channel->awaiting_ack = false;
  const size_t limit = config_.association.max_message_size;
  if (partial) {
    ++stats_.partial_fragments;
    if (!channel->partial.Append(binary, message.data, limit)) ++stats_.dropped_partial;
    return;
  }
  // The payload of an empty message is a stand-in, ignored (RFC 8831 §6.6).
  Bytes data = empty ? Bytes{} : std::move(message.data);
  if (!channel->partial.empty()) {
    auto completed = channel->partial.Finish(binary, data, limit);
    if (completed.dropped) ++stats_.dropped_partial;
    if (!completed.data) return;
    data = std::move(*completed.data);
  }
  ++channel->info.messages_received;
  channel->info.bytes_received += data.size();
  events_.push_back(MessageReceived{channel->handle, binary, std::move(data)});
}

void Transport::OnDcep(Timestamp now, uint16_t stream, ByteView payload) {
  dcep::ParseError why{};
  const auto message = dcep::Parse(payload, &why);
  Channel* channel = OnStream(stream);
  if (!message) {
    ++stats_.malformed_dcep;
    PARLEY_LOG(kWarning, "datachannel") << "dropped a malformed DCEP message on stream " << stream
                                        << ": " << dcep::ParseErrorName(why);
    // Most likely an OPEN we cannot read: refuse the channel (RFC 8832 §6).
    if (!channel && !StreamInUse(stream) && started_) Refuse(now, stream);
    return;
  }
  if (std::holds_alternative<dcep::Ack>(*message)) {
    if (channel && channel->opened_here) {
      channel->awaiting_ack = false;
    } else {
      ++stats_.unexpected_dcep;
      PARLEY_LOG(kWarning, "datachannel")
          << "dropped a DATA_CHANNEL_ACK on stream " << stream << " for no OPEN of ours";
    }
    return;
  }
  const auto& open = std::get<dcep::Open>(*message);
  if (channel || StreamInUse(stream)) {
    ++stats_.unexpected_dcep;
    PARLEY_LOG(kWarning, "datachannel")
        << "dropped a DATA_CHANNEL_OPEN on stream " << stream << ", which is in use";
    return;
  }
  // RFC 8832 §6: the DTLS client opens even streams, the server odd ones.
  const bool ours = (stream % 2 == 0) == dtls_client_;
  if (ours) {
    ++stats_.wrong_parity_opens;
    PARLEY_LOG(kWarning, "datachannel") << "refused a DATA_CHANNEL_OPEN on stream " << stream
                                        << ": the id's parity is ours, not the peer's";
    Refuse(now, stream);
    return;
  }
  const ChannelHandle handle{next_handle_++};
  Channel& created = channels_[handle.value];
  created.handle = handle;
  created.info.label = open.label;
  created.info.protocol = open.protocol;
  created.info.id = stream;
  const dcep::Reliability reliability = dcep::GetReliability(open);
  created.info.ordered = reliability.ordered;
  created.info.max_retransmits = reliability.max_retransmits;
  if (reliability.max_lifetime_ms) {
    created.info.max_packet_lifetime = TimeDelta::Millis(*reliability.max_lifetime_ms);
  }
  created.info.priority = dcep::PriorityFromWire(open.priority);
  Bind(stream, handle.value);
  auto acked = SendRaw(now, created, sctp::Ppid::kDcep, dcep::Serialize(dcep::Ack{}), false, {});
  if (!acked.ok()) {
    PARLEY_LOG(kWarning, "datachannel")
        << "cannot answer DATA_CHANNEL_OPEN on stream " << stream << ": " << acked.error();
    streams_.erase(stream);
    channels_.erase(handle.value);
    return;
  }
  events_.push_back(ChannelOpened{handle});
  SetState(created, ChannelState::kOpen);
}

void Transport::OnIncomingReset(Timestamp now, const std::vector<uint16_t>& streams) {
  for (uint16_t stream : streams) {
    if (auto orphan = orphan_streams_.find(stream); orphan != orphan_streams_.end()) {
      orphan->second.incoming = true;
      if (orphan->second.outgoing) orphan_streams_.erase(orphan);
      continue;
    }
    Channel* channel = OnStream(stream);
    if (!channel) {
      // The peer closes a stream we have no channel on (e.g. a negotiated channel we never
      // created): reset ours too so that its side can finish (RFC 8831 §6.7). Once only until
      // the stream is used again: a peer that answers every reset would otherwise play
      // ping-pong with us.
      if (!answered_resets_.insert(stream).second) continue;
      orphan_streams_[stream] = {.outgoing = false, .incoming = true};
      if (auto reset = association_.ResetStreams(now, {stream}); !reset.ok()) {
        orphan_streams_.erase(stream);
      }
      continue;
    }
    channel->incoming_reset = true;
    channel->partial.Clear();
    if (channel->info.state == ChannelState::kConnecting ||
        channel->info.state == ChannelState::kOpen) {
      // RFC 8832 §6: a reset before any ACK is the peer refusing our OPEN.
      if (channel->awaiting_ack) {
        events_.push_back(ChannelError{channel->handle, "the peer refused the data channel"});
      }
      SetState(*channel, ChannelState::kClosing);
    }
    RequestReset(now, *channel);
    MaybeFinishClosing(*channel);
  }
}

void Transport::OnOutgoingReset(const sctp::OutgoingStreamsReset& reset) {
  for (uint16_t stream : reset.streams) {
    if (auto orphan = orphan_streams_.find(stream); orphan != orphan_streams_.end()) {
      if (!reset.ok) {
        orphan_streams_.erase(orphan);
        quarantined_streams_.insert(stream);
        continue;
      }
      orphan->second.outgoing = true;
      if (orphan->second.incoming) orphan_streams_.erase(orphan);
      continue;
    }
    Channel* channel = OnStream(stream);
    if (!channel) continue;
    if (!reset.ok) {
      // The stream's state at the peer is unknown now: never use it again.
      PARLEY_LOG(kWarning, "datachannel") << "outgoing reset of stream " << stream << " failed";
      CloseNow(*channel, "SCTP stream reset failed");
      quarantined_streams_.insert(stream);
      continue;
    }
    channel->outgoing_reset = true;
    MaybeFinishClosing(*channel);
  }
}

// --- Channel state ----------------------------------------------------------------------------

void Transport::SetState(Channel& channel, ChannelState state) {
  if (channel.info.state == state) return;
  if (state == ChannelState::kClosed) {
    channel.closed_buffered_amount = Buffered(channel);
    low_watch_.erase(channel.handle.value);
    channel.partial.Clear();
    ++stats_.channels_closed;
  }
  if (state == ChannelState::kOpen) ++stats_.channels_opened;
  channel.info.state = state;
  events_.push_back(ChannelStateChanged{channel.handle, state});
}

void Transport::CloseNow(Channel& channel, std::optional<std::string> error) {
  if (channel.info.state == ChannelState::kClosed) return;
  if (error) {
    PARLEY_LOG(kWarning, "datachannel")
        << "data channel '" << channel.info.label << "' failed: " << *error;
    events_.push_back(ChannelError{channel.handle, std::move(*error)});
  }
  SetState(channel, ChannelState::kClosed);
  if (channel.info.id) {
    auto it = streams_.find(*channel.info.id);
    if (it != streams_.end() && it->second == channel.handle.value) streams_.erase(it);
  }
}

void Transport::RequestReset(Timestamp now, Channel& channel) {
  if (channel.reset_requested) return;
  channel.reset_requested = true;
  // The association sends the reset after the stream's queued messages (RFC 8831 §6.7).
  if (auto reset = association_.ResetStreams(now, {*channel.info.id}); !reset.ok()) {
    CloseNow(channel, "cannot reset the SCTP stream: " + reset.error().ToString());
  }
}

void Transport::MaybeFinishClosing(Channel& channel) {
  if (!channel.outgoing_reset || !channel.incoming_reset) return;
  CloseNow(channel, std::nullopt);  // frees the stream id
}

void Transport::Refuse(Timestamp now, uint16_t stream) {
  orphan_streams_[stream] = {};
  if (auto reset = association_.ResetStreams(now, {stream}); !reset.ok()) {
    PARLEY_LOG(kWarning, "datachannel")
        << "cannot reset refused stream " << stream << ": " << reset.error();
    orphan_streams_.erase(stream);
  }
}

// --- Sending and bufferedAmount ---------------------------------------------------------------

Result<void> Transport::SendRaw(Timestamp now, Channel& channel, sctp::Ppid ppid, ByteView payload,
                                bool application, const sctp::SendOptions& options) {
  auto sent = association_.Send(now, *channel.info.id, ppid, payload, options);
  if (sent.ok()) channel.ledger.Push(payload.size(), application);
  return sent;
}

size_t Transport::Buffered(const Channel& channel) const {
  if (channel.info.state == ChannelState::kClosed) return channel.closed_buffered_amount;
  if (!channel.info.id) return 0;
  return channel.ledger.Update(association_.buffered_amount(*channel.info.id));
}

void Transport::Watch(Channel& channel) {
  if (channel.info.state != ChannelState::kClosed && Buffered(channel) > channel.low_threshold) {
    low_watch_.insert(channel.handle.value);
  }
}

void Transport::CheckBufferedAmountLow() {
  for (auto it = low_watch_.begin(); it != low_watch_.end();) {
    const Channel* channel = Find(ChannelHandle{*it});
    if (!channel || channel->info.state == ChannelState::kClosed) {
      it = low_watch_.erase(it);
    } else if (Buffered(*channel) <= channel->low_threshold) {
      events_.push_back(BufferedAmountLow{channel->handle});
      it = low_watch_.erase(it);
    } else {
      ++it;
    }
  }
}

// --- Stream ids -------------------------------------------------------------------------------

std::optional<uint16_t> Transport::AllocateStreamId() const {
  // RFC 8832 §6 parity; the lowest free id (W3C webrtc-pc §6.1 leaves the choice to us).
  for (uint32_t stream = dtls_client_ ? 0 : 1; stream < StreamLimit(); stream += 2) {
    if (!StreamInUse(static_cast<uint16_t>(stream))) return static_cast<uint16_t>(stream);
  }
  return std::nullopt;
}

void Transport::Bind(uint16_t stream, uint32_t handle) {
  streams_[stream] = handle;
  answered_resets_.erase(stream);
}

bool Transport::StreamInUse(uint16_t stream) const {
  return streams_.contains(stream) || orphan_streams_.contains(stream) ||
         quarantined_streams_.contains(stream);
}

uint16_t Transport::StreamLimit() const {
  if (max_channels_) return *max_channels_;
  return std::min<uint16_t>(std::max<uint16_t>(config_.association.streams, 1), kInvalidId);
}

size_t Transport::LiveChannels() const {
  return static_cast<size_t>(std::count_if(channels_.begin(), channels_.end(), [](const auto& c) {
    return c.second.info.state != ChannelState::kClosed;
  }));
}

Channel* Transport::Find(ChannelHandle handle) {
  auto it = channels_.find(handle.value);
  return it == channels_.end() ? nullptr : &it->second;
}

const Channel* Transport::Find(ChannelHandle handle) const {
  auto it = channels_.find(handle.value);
  return it == channels_.end() ? nullptr : &it->second;
}

Channel* Transport::OnStream(uint16_t stream) {
  auto it = streams_.find(stream);
  return it == streams_.end() ? nullptr : Find(ChannelHandle{it->second});
}

}  // namespace parley::datachannel
