#include "sctp/association.h"

#include <algorithm>
#include <deque>
#include <set>
#include <span>

#include "base/logging.h"
#include "sctp/ack_tracker.h"
#include "sctp/notification.h"
#include "sctp/packet_inspect.h"
#include "sctp/reassembly.h"
#include "sctp/send_queue.h"
#include "sctp/usrsctp_socket.h"
#include "sctp/usrsctp_stack.h"

namespace parley::sctp {
namespace {

// While anything is pending, wake every 10 ms, usrsctp's own timer-thread granularity, on a grid
// shared by all associations so that one association's call fires the others' timers at the
// instant they wake up anyway.
constexpr TimeDelta kTick = TimeDelta::Millis(10);
// Idle and connected (no heartbeats, nothing in flight): usrsctp has no timer of ours left; the
// coarse wake-up is a safety net that also keeps the shared wheel (and cleanup of closed
// associations) moving.
constexpr TimeDelta kIdleTick = TimeDelta::Seconds(1);
// After a packet arrives we may owe a delayed SACK (20 ms, usrsctp_socket.cc) or a reply.
constexpr TimeDelta kQuietAfterPacket = TimeDelta::Millis(100);
constexpr size_t kMaxEarlyPackets = 16;
// What usrsctp may hold beyond its congestion window (Pump).
constexpr size_t kBacklog = 64 * 1024;
constexpr size_t kReadBufferSize = 64 * 1024;
// How many abandoned messages are remembered, so that usrsctp's several SEND_FAILED events for
// one message (one per chunk, possibly at different times) count it once.
constexpr size_t kRecentAbandoned = 64;

Timestamp NextGridTick(Timestamp t) {
  const int64_t tick = kTick.us();
  return Timestamp::Micros((t.us() / tick + 1) * tick);
}

// One read buffer per thread rather than per association: associations are many, threads few.
std::span<uint8_t> ReadBuffer() {
  thread_local std::vector<uint8_t> buffer(kReadBufferSize);
  return buffer;
}

bool IsTerminal(State state) {
  return state == State::kClosed || state == State::kFailed;
}

}  // namespace

std::string_view ToString(State state) {
  switch (state) {
    case State::kNew:
      return "new";
    case State::kConnecting:
      return "connecting";
    case State::kConnected:
      return "connected";
    case State::kClosed:
      return "closed";
    case State::kFailed:
      return "failed";
  }
  return "?";
}

struct Association::Impl {
  explicit Impl(AssociationConfig c);
  ~Impl();

  void Start(Timestamp now);
  void HandlePacket(Timestamp now, ByteView packet);
  void Feed(ByteView packet);
  // After every input: read what usrsctp delivered, update bufferedAmount, hand over queued
  // messages, issue stream resets and the shutdown when their time has come.
  void AfterInput(Timestamp now);
  void ReadAll();
  void OnData(const UsrsctpSocket::DataPiece& piece, ByteView bytes);
  void OnNotification(const Notification& notification);
  void OnAssocChange(const AssocChange& change);
  void OnStreamReset(const StreamReset& reset);
  void CountAbandoned();
  void Pump(Timestamp now, const UsrsctpSocket::Window& window, size_t held);
  void IssueResets();
  void SetState(State next, std::string reason = {});
  bool Busy() const;
  std::optional<Timestamp> NextTimeout() const;
  Result<void> Send(Timestamp now, uint16_t stream, Ppid ppid, ByteView data,
                    const SendOptions& options);
  Result<void> ResetStreams(Timestamp now, const std::vector<uint16_t>& streams);
  void Close(Timestamp now);
  void Abort(Timestamp now, std::string reason);

  AssociationConfig config;
  Outbox outbox;
  std::unique_ptr<UsrsctpSocket> socket;
  std::string open_error;
  State state = State::kNew;
  bool closing = false;         // no more Send(): Close() called or the peer sent SHUTDOWN
  bool closed_locally = false;  // Close() called
  bool shutdown_sent = false;
  uint16_t outbound_streams = 0;
  uint16_t inbound_streams = 0;
  bool interleaving = false;
  Timestamp last_now;
  std::optional<Timestamp> last_packet_at;
  std::vector<Bytes> early_packets;  // arrived before Start()
  SendQueue send_queue;
  Reassembly reassembly;
  // A stream whose message usrsctp holds only in part: without I-DATA usrsctp accepts nothing
  // else until that message is complete (RFC 9260 has no interleaving).
  std::optional<uint16_t> partial_stream;
  std::set<uint16_t> resetting;         // ResetStreams() called, no OutgoingStreamsReset yet
  std::vector<uint16_t> reset_waiting;  // ... and still with queued messages to send first
  bool in_notification_tail = false;  // skipping the rest of a notification larger than the buffer
  std::deque<Event> events;
  RetransmissionCounter retransmissions;
  AckTracker acks;
  // Partially reliable messages get contexts 1, 2, ... (0 is "reliable"), by which usrsctp's
  // SEND_FAILED events name them.
  uint32_t next_context = 1;
  std::vector<uint32_t> abandoned_pending;  // contexts reported in this ReadAll()
  std::deque<uint32_t> abandoned_recent;    // contexts already counted
  Stats stats;
};

Association::Impl::Impl(AssociationConfig c) : config(c), reassembly(c.max_message_size) {
  config.streams = std::max<uint16_t>(config.streams, 1);
  config.mtu = std::clamp<size_t>(config.mtu, 256, 65535);
  usrsctp_stack::Register(this, &outbox);
  auto opened = UsrsctpSocket::Open(this, config);
  if (opened.ok()) {
    socket = std::move(opened).value();
  } else {
    open_error = opened.error().ToString();
    PARLEY_LOG(kError, "sctp") << "cannot create the usrsctp socket: " << open_error;
  }
}

Association::Impl::~Impl() {
  // Unroute first: from here on usrsctp's output for our address (the ABORT that closing the
  // socket sends) is dropped instead of reaching the outbox being destroyed.
  usrsctp_stack::Unroute(this);
  socket.reset();
  usrsctp_stack::Deregister(this);
}

void Association::Impl::SetState(State next, std::string reason) {
  if (IsTerminal(state) || state == next) return;
  state = next;
  if (IsTerminal(next)) {
    PARLEY_LOG(kInfo, "sctp") << "association " << ToString(next) << ": " << reason;
    send_queue.Clear();
    reassembly.Clear();
    partial_stream.reset();
    resetting.clear();
    reset_waiting.clear();
  }
  events.push_back(StateChanged{next, std::move(reason)});
}

void Association::Impl::Start(Timestamp now) {
  if (state != State::kNew) return;
  usrsctp_stack::AdvanceClock(now);
  last_now = now;
  if (!socket) {
    SetState(State::kFailed, open_error);
    return;
  }
  SetState(State::kConnecting);
  if (auto connected = socket->Connect(config.remote_port); !connected.ok()) {
    SetState(State::kFailed, connected.error().ToString());
    return;
  }
  std::vector<Bytes> early;
  early.swap(early_packets);
  for (const Bytes& packet : early)
    Feed(packet);
  AfterInput(now);
}

void Association::Impl::HandlePacket(Timestamp now, ByteView packet) {
  usrsctp_stack::AdvanceClock(now);
  if (state == State::kNew) {
    last_now = now;
    if (early_packets.size() < kMaxEarlyPackets) {
      early_packets.emplace_back(packet.begin(), packet.end());
    } else {
      ++stats.dropped_malformed;
    }
    return;
  }
  if (!IsTerminal(state)) {
    last_packet_at = now;
    Feed(packet);
  }
  AfterInput(now);
}

void Association::Impl::Feed(ByteView packet) {
  // Cheap checks first (RFC 9260 §8.5 would have usrsctp look the packet up by ports): no
  // truncated header, and only our ports, so usrsctp never answers packets meant for no one.
  auto header = ParseCommonHeader(packet);
  if (!header || header->source_port != config.remote_port ||
      header->destination_port != config.local_port) {
    ++stats.dropped_malformed;
    PARLEY_LOG(kVerbose, "sctp") << "dropped a " << packet.size()
                                 << "-byte packet: truncated or for other ports";
    return;
  }
  if (usrsctp_stack::Input(this, packet)) {
    ++stats.packets_received;
    acks.OnReceived(packet);
  } else {
    ++stats.dropped_malformed;
    PARLEY_LOG(kVerbose, "sctp") << "usrsctp dropped a " << packet.size() << "-byte packet";
  }
}

void Association::Impl::AfterInput(Timestamp now) {
  last_now = now;
  if (!socket) return;
  ReadAll();
  if (!IsTerminal(state)) {
    const UsrsctpSocket::Window window = socket->GetWindow();
    // What usrsctp holds that the peer does not have: in flight, or waiting to be sent or
    // retransmitted. Chunks the peer acknowledged by gap blocks stay in usrsctp's queue until
    // the cumulative ack passes them, seconds later under loss with PR-SCTP (ack_tracker.h);
    // they are acknowledged as far as bufferedAmount goes, and take no congestion window.
    const size_t held = window.queued - std::min(window.queued, acks.selectively_acked());
    // In message bytes, as we handed them over: without the chunk headers usrsctp counts.
    send_queue.Reconcile(held - std::min(held, acks.unacknowledged_headers()));
    Pump(now, window, held);
    IssueResets();
    if (closed_locally && !shutdown_sent && send_queue.queued_total() == 0) {
      socket->Shutdown();
      shutdown_sent = true;
    }
  }
  for (uint16_t stream : send_queue.TakeLowStreams())
    events.push_back(BufferedAmountLow{stream});
}

void Association::Impl::ReadAll() {
  std::span<uint8_t> buffer = ReadBuffer();
  while (auto received = socket->Receive(buffer)) {
    if (std::holds_alternative<UsrsctpSocket::EndOfStream>(*received)) break;
    if (auto* piece = std::get_if<UsrsctpSocket::DataPiece>(&*received)) {
      OnData(*piece, buffer.first(piece->size));
      continue;
    }
    const auto& note = std::get<UsrsctpSocket::NotificationPiece>(*received);
    // A notification larger than the buffer (SEND_FAILED carries the data): its head has all we
    // need, the rest is skipped.
    if (!in_notification_tail) {
      if (auto notification = ParseNotification(buffer.first(note.size))) {
        OnNotification(*notification);
      }
    }
    in_notification_tail = !note.end;
  }
  CountAbandoned();
}

// PR-SCTP abandonment by usrsctp (RFC 3758 §3.5 A3), once per message. Not what usrsctp reports
// as the association goes down or restarts (everything unsent, followed by the ASSOC_CHANGE in the
// same read): OnAssocChange() drops those.
void Association::Impl::CountAbandoned() {
  if (state == State::kConnected) {
    std::sort(abandoned_pending.begin(), abandoned_pending.end());
    abandoned_pending.erase(std::unique(abandoned_pending.begin(), abandoned_pending.end()),
                            abandoned_pending.end());
    for (uint32_t context : abandoned_pending) {
      acks.OnAbandoned(context);
      if (std::find(abandoned_recent.begin(), abandoned_recent.end(), context) !=
          abandoned_recent.end()) {
        continue;
      }
      ++stats.abandoned;
      abandoned_recent.push_back(context);
      if (abandoned_recent.size() > kRecentAbandoned) abandoned_recent.pop_front();
    }
  }
  abandoned_pending.clear();
}

void Association::Impl::OnData(const UsrsctpSocket::DataPiece& piece, ByteView bytes) {
  auto outcome = reassembly.Add(piece.stream, piece.ppid, bytes, piece.end);
  if (outcome.dropped_oversized) {
    ++stats.dropped_oversized;
    PARLEY_LOG(kWarning, "sctp") << "dropped a message on stream " << piece.stream
                                 << " larger than our max-message-size of "
                                 << config.max_message_size;
  }
  if (outcome.message) {
    ++stats.messages_received;
    stats.bytes_received += outcome.message->data.size();
    events.push_back(MessageReceived{outcome.message->stream,
                                     static_cast<Ppid>(outcome.message->ppid),
                                     std::move(outcome.message->data)});
  }
}

void Association::Impl::OnNotification(const Notification& notification) {
  if (const auto* change = std::get_if<AssocChange>(&notification)) {
    OnAssocChange(*change);
  } else if (const auto* reset = std::get_if<StreamReset>(&notification)) {
    OnStreamReset(*reset);
  } else if (const auto* failed = std::get_if<SendFailed>(&notification)) {
    // Context 0: a reliable message, failed only because the association went down.
    if (failed->context != 0) abandoned_pending.push_back(failed->context);
  } else if (const auto* aborted = std::get_if<PartialDeliveryAborted>(&notification)) {
    reassembly.Discard(aborted->stream);
  } else if (std::holds_alternative<PeerShutdown>(notification)) {
    closing = true;
  } else if (const auto* error = std::get_if<RemoteError>(&notification)) {
    PARLEY_LOG(kWarning, "sctp") << "peer reported error cause " << error->cause;
  } else if (const auto* change = std::get_if<StreamChange>(&notification)) {
    outbound_streams = change->outbound_streams;
    inbound_streams = change->inbound_streams;
  }
  // SenderDry: nothing to do, Reconcile() sees usrsctp's queue empty.
}

void Association::Impl::OnAssocChange(const AssocChange& change) {
  switch (change.kind) {
    case AssocChange::Kind::kUp:
      outbound_streams = change.outbound_streams;
      inbound_streams = change.inbound_streams;
      interleaving = change.interleaving;
      SetState(State::kConnected);
      break;
    case AssocChange::Kind::kRestart:
      // The peer lost its state and restarted the association (RFC 9260 §5.2.4): streams
      // start over; the data-channel layer above cannot know which channels survived.
      PARLEY_LOG(kWarning, "sctp") << "peer restarted the association";
      outbound_streams = change.outbound_streams;
      inbound_streams = change.inbound_streams;
      reassembly.Clear();
      acks.Clear();
      abandoned_pending.clear();  // usrsctp failed everything outstanding: not abandonment
      break;
    case AssocChange::Kind::kLost:
    case AssocChange::Kind::kCantStart:
      abandoned_pending.clear();
      if (!change.abort_chunk.empty()) {
        SetState(State::kClosed, "peer aborted: " + DescribeAbort(change.abort_chunk));
      } else if (change.kind == AssocChange::Kind::kLost) {
        SetState(State::kFailed, "association lost: peer unreachable (retransmission limit)");
      } else {
        SetState(State::kFailed, "association setup failed: no answer to INIT or COOKIE-ECHO");
      }
      break;
    case AssocChange::Kind::kShutdownComplete:
      SetState(State::kClosed, closed_locally ? "closed (SHUTDOWN complete)"
                                              : "peer closed the association (SHUTDOWN)");
      break;
  }
}

void Association::Impl::OnStreamReset(const StreamReset& reset) {
  if (reset.incoming && !reset.failed) {
    for (uint16_t stream : reset.streams)
      reassembly.Discard(stream);
    events.push_back(IncomingStreamsReset{reset.streams});
  }
  if (reset.outgoing || (reset.failed && !reset.incoming)) {
    for (uint16_t stream : reset.streams)
      resetting.erase(stream);
    events.push_back(OutgoingStreamsReset{reset.streams, !reset.failed});
  }
}

// Hands queued messages to usrsctp, but only about what it can send soon: what fits its
// congestion window (and the peer's receive window) beyond what it holds unacknowledged (`held`),
// plus a backlog of kBacklog so that it has data at hand for fast retransmit and recovery, which
// keeps throughput under loss at what usrsctp achieves with a full send buffer. Data usrsctp holds
// is beyond our reach, so keeping its share small keeps our round-robin the scheduler and
// bufferedAmount exact per stream for all but that share.
//
// A message with a lifetime goes only when usrsctp sends it at once: usrsctp 0.9.5 checks PR-SCTP
// lifetimes only of chunks it has sent, so a message waiting in its queue would be delivered
// however late; waiting here, it expires on our clock (SendQueue::DropExpired). usrsctp sends new
// data while its flight is below the congestion window, even if the packet then exceeds it
// (RFC 9260 §6.1 rule B), so the message goes when `held` (flight and anything waiting ahead of
// it) is below cwnd, however large it is. It must not have to fit: usrsctp grows cwnd only while
// the window is fully used (RFC 9260 §7.2.1), so holding back what does not fit kept a window
// that a timeout shrank to one MTU there for good, and timed messages expired in our queue at a
// few per round trip. The whole message goes, with its remaining lifetime as SCTP_PR_SCTP_TTL:
// usrsctp abandons it, and what of it is still unsent, when it finds a sent chunk of it overdue
// (at a SACK or a retransmission timeout).
//
// After each SACK (processed inside HandlePacket) this runs in the same call, so the window is
// refilled without delay.
void Association::Impl::Pump(Timestamp now, const UsrsctpSocket::Window& window, size_t held) {
  if (state != State::kConnected) return;
  stats.abandoned += send_queue.DropExpired(now);
  // DATA payload per packet: the MTU less the common header and one DATA/I-DATA chunk header.
  const size_t packet_payload = config.mtu - kCommonHeaderSize - 20;
  size_t rwnd_left = window.peer_rwnd;  // usrsctp already subtracts what is in flight
  while (true) {
    const std::optional<uint16_t> stream =
        (partial_stream && !interleaving) ? partial_stream : send_queue.NextStream();
    if (!stream) return;
    OutgoingMessage* message = send_queue.Head(*stream);
    if (message == nullptr) {
      partial_stream.reset();
      continue;
    }
    const bool timed = message->options.max_lifetime && !message->started();
    size_t room;
    if (timed) {
      if (held >= window.cwnd && held > 0) return;
      room = message->remaining();
    } else {
      const size_t limit = window.cwnd + kBacklog;
      room = limit > held ? limit - held : 0;
    }
    room = std::min(room, rwnd_left);
    const size_t worthwhile = std::min(message->remaining(), packet_payload);
    // Nothing outstanding: always go ahead (the window may be smaller than a packet after a
    // timeout, RFC 9260 §7.2.3).
    if (room < worthwhile && held > 0) return;
    UsrsctpSocket::SendInfo info;
    info.stream = *stream;
    info.ppid = message->ppid;
    info.unordered = message->options.unordered;
    info.max_retransmits = message->options.max_retransmits;
    info.context = message->context;
    if (message->options.max_lifetime) {
      // What is left of the lifetime, which started at Send() (W3C maxPacketLifetime).
      const TimeDelta left = *message->options.max_lifetime - (now - message->queued_at);
      info.lifetime_ms = static_cast<uint32_t>(std::max<int64_t>(left.ms(), 1));
    }
    const size_t piece =
        std::min({message->remaining(), SendQueue::kMaxPiece, std::max(room, worthwhile)});
    info.end = piece == message->remaining();
    auto sent = socket->Send(info, ByteView(message->data).subspan(message->offset, piece));
    if (!sent.ok()) {
      // Not a full buffer but a refusal (e.g. the association is going away): drop the message
      // rather than retry it forever.
      PARLEY_LOG(kWarning, "sctp")
          << "dropped a message on stream " << *stream << ": " << sent.error();
      ++stats.abandoned;
      send_queue.DropHead(*stream);
      partial_stream.reset();
      continue;
    }
    if (*sent == 0) return;  // usrsctp's send buffer is full
    if (!message->started()) acks.OnHanded(*stream, message->context);
    const bool complete = *sent == message->remaining();
    stats.bytes_sent += *sent;
    if (complete) ++stats.messages_sent;
    partial_stream = complete ? std::nullopt : stream;
    send_queue.Handed(*stream, *sent);
    held += *sent;
    rwnd_left -= std::min(rwnd_left, *sent);
    if (*sent < piece) return;  // took only what fitted
  }
}

void Association::Impl::IssueResets() {
  if (reset_waiting.empty() || state != State::kConnected) return;
  std::vector<uint16_t> ready;
  std::vector<uint16_t> still_waiting;
  for (uint16_t stream : reset_waiting) {
    const bool drained = !send_queue.HasQueued(stream) && partial_stream != stream;
    (drained ? ready : still_waiting).push_back(stream);
  }
  reset_waiting = std::move(still_waiting);
  if (ready.empty()) return;
  if (auto result = socket->ResetOutgoing(ready); !result.ok()) {
    PARLEY_LOG(kWarning, "sctp") << "stream reset refused: " << result.error();
    for (uint16_t stream : ready)
      resetting.erase(stream);
    events.push_back(OutgoingStreamsReset{ready, false});
  }
}

bool Association::Impl::Busy() const {
  return state == State::kConnecting || closing || send_queue.total_buffered() > 0 ||
         !resetting.empty() || (last_packet_at && last_now - *last_packet_at < kQuietAfterPacket);
}

std::optional<Timestamp> Association::Impl::NextTimeout() const {
  // Packets another association's timer call produced for us: send them now.
  if (!outbox.empty()) return last_now;
  if (state == State::kNew || IsTerminal(state)) return std::nullopt;
  if (Busy()) return NextGridTick(last_now);
  return last_now + kIdleTick;
}

Result<void> Association::Impl::Send(Timestamp now, uint16_t stream, Ppid ppid, ByteView data,
                                     const SendOptions& options) {
  if (state != State::kConnected || closing) {
    return InvalidStateError(std::string("cannot send on an association that is ") +
                             (closing ? "closing" : std::string(ToString(state))));
  }
  if (data.empty()) {
    return TypeError("empty message: send one zero byte with PPID 56/57 (RFC 8831 §6.6)");
  }
  if (config.remote_max_message_size != 0 && data.size() > config.remote_max_message_size) {
    return TypeError("message of " + std::to_string(data.size()) +
                     " bytes exceeds the remote max-message-size of " +
                     std::to_string(config.remote_max_message_size));
  }
  if (options.max_retransmits && options.max_lifetime) {
    return TypeError("max_retransmits and max_lifetime are mutually exclusive");
  }
  if (stream >= outbound_streams) {
    return RangeError("stream " + std::to_string(stream) + " is beyond the " +
                      std::to_string(outbound_streams) + " negotiated outbound streams");
  }
  if (resetting.contains(stream)) {
    return InvalidStateError("stream " + std::to_string(stream) + " is being reset");
  }
  if (send_queue.total_buffered() + data.size() > config.send_queue_limit) {
    return OperationError("send queue full: " + std::to_string(send_queue.total_buffered()) +
                          " bytes buffered, limit " + std::to_string(config.send_queue_limit));
  }
  usrsctp_stack::AdvanceClock(now);
  OutgoingMessage message;
  message.stream = stream;
  message.ppid = static_cast<uint32_t>(ppid);
  message.options = options;
  message.data.assign(data.begin(), data.end());
  message.queued_at = now;
  if (options.max_retransmits || options.max_lifetime) {
    message.context = next_context++;
    if (next_context == 0) next_context = 1;
  }
  send_queue.Push(std::move(message));
  AfterInput(now);
  return Ok();
}

Result<void> Association::Impl::ResetStreams(Timestamp now, const std::vector<uint16_t>& streams) {
  if (state != State::kConnected || closing) {
    return InvalidStateError("cannot reset streams on an association that is not connected");
  }
  for (uint16_t stream : streams) {
    if (stream >= outbound_streams) {
      return RangeError("stream " + std::to_string(stream) + " is beyond the " +
                        std::to_string(outbound_streams) + " negotiated outbound streams");
    }
  }
  usrsctp_stack::AdvanceClock(now);
  for (uint16_t stream : streams) {
    if (resetting.insert(stream).second) reset_waiting.push_back(stream);
  }
  AfterInput(now);
  return Ok();
}

void Association::Impl::Close(Timestamp now) {
  if (state == State::kNew) {
    SetState(State::kClosed, "closed before start");
    return;
  }
  if (IsTerminal(state) || closed_locally) return;
  usrsctp_stack::AdvanceClock(now);
  closing = true;
  closed_locally = true;
  AfterInput(now);
}

void Association::Impl::Abort(Timestamp now, std::string reason) {
  if (IsTerminal(state)) return;
  if (state != State::kNew) {
    usrsctp_stack::AdvanceClock(now);
    if (socket) socket->Abort(reason);
  }
  SetState(State::kClosed, std::move(reason));
  AfterInput(now);
}

Association::Association(AssociationConfig config)
    : impl_(std::make_unique<Impl>(std::move(config))) {}
Association::~Association() = default;

void Association::SetRemoteParameters(uint16_t remote_port, size_t remote_max_message_size) {
  impl_->config.remote_port = remote_port;
  impl_->config.remote_max_message_size = remote_max_message_size;
}
void Association::Start(Timestamp now) {
  impl_->Start(now);
}
void Association::HandlePacket(Timestamp now, ByteView packet) {
  impl_->HandlePacket(now, packet);
}
void Association::HandleTimeout(Timestamp now) {
  usrsctp_stack::AdvanceClock(now);
  impl_->AfterInput(now);
}
std::optional<Bytes> Association::PollTransmit() {
  auto packet = impl_->outbox.Pop();
  if (packet) {
    ++impl_->stats.packets_sent;
    impl_->retransmissions.OnPacket(*packet);
    impl_->acks.OnSent(*packet);
  }
  return packet;
}
std::optional<Event> Association::PollEvent() {
  if (impl_->events.empty()) return std::nullopt;
  Event event = std::move(impl_->events.front());
  impl_->events.pop_front();
  return event;
}
std::optional<Timestamp> Association::NextTimeout() const {
  return impl_->NextTimeout();
}
Result<void> Association::Send(Timestamp now, uint16_t stream, Ppid ppid, ByteView data,
                               const SendOptions& options) {
  return impl_->Send(now, stream, ppid, data, options);
}
size_t Association::buffered_amount(uint16_t stream) const {
  return impl_->send_queue.buffered_amount(stream);
}
void Association::set_buffered_amount_low_threshold(uint16_t stream, size_t threshold) {
  impl_->send_queue.set_low_threshold(stream, threshold);
}
Result<void> Association::ResetStreams(Timestamp now, const std::vector<uint16_t>& streams) {
  return impl_->ResetStreams(now, streams);
}
void Association::Close(Timestamp now) {
  impl_->Close(now);
}
void Association::Abort(Timestamp now, std::string reason) {
  impl_->Abort(now, std::move(reason));
}
State Association::state() const {
  return impl_->state;
}
uint16_t Association::outbound_streams() const {
  return impl_->outbound_streams;
}
uint16_t Association::inbound_streams() const {
  return impl_->inbound_streams;
}
bool Association::interleaving() const {
  return impl_->interleaving;
}
Association::Stats Association::stats() const {
  Stats stats = impl_->stats;
  stats.retransmissions = impl_->retransmissions.count();
  return stats;
}

}  // namespace parley::sctp
