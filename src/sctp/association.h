// An SCTP association (RFC 9260) over DTLS (RFC 8261) for WebRTC data channels (RFC 8831), as a
// sans-IO machine on usrsctp in AF_CONN mode: SCTP packets from the DTLS layer go in through
// HandlePacket(), packets for it come out of PollTransmit(); usrsctp runs without its own
// threads (usrsctp_init_nothreads, once per process) and its timers are driven from
// HandleTimeout() at our own deadlines, so the simulator's virtual clock controls them.
//
//   Association association(config);
//   association.Start(now);                         // INIT (both sides may: simultaneous open)
//   association.HandlePacket(now, dtls_payload);    // for every DTLS application-data record
//   while (auto packet = association.PollTransmit()) dtls.Send(*packet);
//   while (auto event = association.PollEvent()) ...;
//   wake at NextTimeout().
//
// Timers: usrsctp has one timer wheel per process and no "next timer" query, so NextTimeout()
// is a tick: every 10 ms (usrsctp's own timer thread granularity) on a grid shared by all
// associations while this one has anything pending (handshake, data not yet acknowledged,
// shutdown, stream reset, or a packet within the last 100 ms that may owe a delayed SACK), every
// second when idle, never once closed. Each call with `now` advances usrsctp's clock (usrsctp's
// gettimeofday is ours too, so RTT samples and PR-SCTP lifetimes are in the caller's time) and
// fires the timers due, for all associations: one association's timer may fire during another's
// call, and its packet then waits in its own queue until its own next tick (same instant on the
// shared grid when both are busy).
//
// Messages are sent per stream with a payload protocol identifier (PPID, RFC 8831 §8) and the
// channel's reliability (ordered or not; fully reliable, or partially reliable by retransmission
// count or lifetime, RFC 3758). Send() never blocks: messages wait in our own per-stream queues
// and are handed to usrsctp round-robin as its congestion window frees up (send_queue.h,
// Pump() in association.cc); the bytes a stream has not yet had acknowledged (bufferedAmount)
// and when they drop low are reported. The tuning and its reasons: docs/architecture.md, "SCTP
// tuning".
//
// Not thread-safe: one thread drives an association. Associations on different threads are fine:
// usrsctp locks its global state, and output its timers produce for another thread's association
// goes through a locked queue.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/byte_io.h"
#include "base/time.h"
#include "parley/result.h"

namespace parley::sctp {

// RFC 8831 §8 / IANA SCTP PPIDs used by WebRTC.
enum class Ppid : uint32_t {
  kDcep = 50,
  kString = 51,
  kBinaryPartialDeprecated = 52,
  kBinary = 53,
  kStringPartialDeprecated = 54,
  kStringEmpty = 56,
  kBinaryEmpty = 57,
};

struct AssociationConfig {
  uint16_t local_port = 5000;  // a=sctp-port (RFC 8841 §5)
  uint16_t remote_port = 5000;
  // Streams offered each way (OS and MIS, RFC 9260 §5.1.1); the negotiated count is the smaller
  // of ours and the peer's, and caps the data channels. RFC 8831 §6.2 recommends (SHOULD)
  // 65535, but usrsctp allocates its per-stream state (~100 bytes for both directions) up front,
  // so an idle association costs about 12 KiB + 0.1 KiB per stream: ~115 KiB at 1024, ~36 KiB
  // at 256 (robustness_sim_test.cc measures it). 256 keeps a connected pair within its 200 KiB
  // budget (docs/performance.md); an application needing more channels sets up to 1024.
  uint16_t streams = 256;
  // Our a=max-message-size (RFC 8841 §6): the largest message we accept. 0 = unlimited.
  size_t max_message_size = 256 * 1024;
  // The peer's a=max-message-size (absent in SDP: 64 KiB, RFC 8841 §6.1; 0 = unlimited). Send()
  // refuses larger messages with TypeError.
  size_t remote_max_message_size = 64 * 1024;
  // usrsctp send and receive buffers (bytes). The receive buffer is the window we advertise;
  // 1 MiB sustains ~80 Mbit/s at 100 ms RTT. Neither is preallocated.
  size_t send_buffer = 1024 * 1024;
  size_t receive_buffer = 1024 * 1024;
  // Offer RFC 8260 I-DATA (message interleaving); used when the peer offers it too.
  bool message_interleaving = true;
  // Bound on our own send queues (all streams, bytes not yet handed to usrsctp plus those it
  // holds): Send() fails with OperationError beyond it. 16 MiB like Chrome's per-channel limit.
  size_t send_queue_limit = 16 * 1024 * 1024;
  // The largest SCTP packet (the payload of one DTLS record). RFC 8831 §5: IP packets of at most
  // 1200 bytes without path MTU discovery; minus IPv4 (20) and UDP (8) headers, a TURN
  // ChannelData header (4) when relayed, and a DTLS 1.2 AES-GCM record's 37 bytes (13 header +
  // 8 explicit nonce + 16 tag).
  size_t mtu = 1200 - 20 - 8 - 4 - 37;
};

struct SendOptions {
  bool unordered = false;
  // Partial reliability (RFC 3758), at most one of the two: give up after this many
  // retransmissions, or once the message is this old.
  std::optional<uint16_t> max_retransmits{};
  std::optional<TimeDelta> max_lifetime{};
};

enum class State : uint8_t { kNew, kConnecting, kConnected, kClosed, kFailed };
std::string_view ToString(State state);

struct StateChanged {
  State state;
  // Why it closed or failed: "closed (SHUTDOWN complete)", "peer closed the association
  // (SHUTDOWN)", Abort()'s reason, "peer aborted: <reason or causes>", "association lost: ...",
  // "association setup failed: ...". Empty otherwise.
  std::string reason;
};
// One complete message.
struct MessageReceived {
  uint16_t stream;
  Ppid ppid;  // any value the peer sent, unchecked (the data-channel layer checks)
  Bytes data;
};
// The peer reset these incoming streams (RFC 6525): their channels close.
struct IncomingStreamsReset {
  std::vector<uint16_t> streams;
};
// Our outgoing reset of these streams completed (or failed, `ok` false).
struct OutgoingStreamsReset {
  std::vector<uint16_t> streams;
  bool ok;
};
// A stream's buffered_amount fell to or below its low threshold
// (set_buffered_amount_low_threshold) after being above it.
struct BufferedAmountLow {
  uint16_t stream;
};
using Event = std::variant<StateChanged, MessageReceived, IncomingStreamsReset,
                           OutgoingStreamsReset, BufferedAmountLow>;

class Association {
 public:
  explicit Association(AssociationConfig config);
  ~Association();
  Association(const Association&) = delete;
  Association& operator=(const Association&) = delete;

  // Starts the association (sends INIT). Both sides call it, as WebRTC does (simultaneous open).
  // A failure to set up usrsctp ends in kFailed.
  // The peer's a=sctp-port and a=max-message-size (RFC 8841), when they are known only after
  // construction (from the remote description); before Start.
  void SetRemoteParameters(uint16_t remote_port, size_t remote_max_message_size);
  void Start(Timestamp now);
  // One SCTP packet (a DTLS application-data record's payload). Shorter than the common header
  // or for other ports: dropped here; bad CRC32c, verification tag or chunks: dropped by usrsctp;
  // all counted in dropped_malformed. Packets before Start() (the peer's INIT may overtake our
  // own DTLS handshake completion) are kept, up to 16, and replayed by Start().
  void HandlePacket(Timestamp now, ByteView packet);
  void HandleTimeout(Timestamp now);
  std::optional<Bytes> PollTransmit();
  std::optional<Event> PollEvent();
  std::optional<Timestamp> NextTimeout() const;

  // Queues a message (copied). Never blocks. Errors, with nothing queued: InvalidStateError
  // unless connected (or once Close() was called, or while the stream is being reset);
  // TypeError for empty data, when data exceeds the remote max-message-size (RFC 8831 §6.6), or
  // when both max_retransmits and max_lifetime are set; RangeError for a stream beyond the
  // negotiated count; OperationError when send_queue_limit would be exceeded. An empty message
  // must be sent with an empty PPID (56/57) and one zero byte, as RFC 8831 §6.6 says — the
  // data-channel layer does that. max_lifetime counts from this call.
  Result<void> Send(Timestamp now, uint16_t stream, Ppid ppid, ByteView data,
                    const SendOptions& options);
  // bufferedAmount: bytes sent on this stream and not yet acknowledged by the peer (cumulatively
  // or by a gap block: the peer has them) nor abandoned (PR-SCTP) — still in our queue, or handed
  // to usrsctp. See send_queue.h for how usrsctp's per-association figure is split per stream.
  size_t buffered_amount(uint16_t stream) const;
  // BufferedAmountLow fires when buffered_amount(stream) goes from above `threshold` to at or
  // below it (default 0: when it drains completely).
  void set_buffered_amount_low_threshold(uint16_t stream, size_t threshold);
  // RFC 6525 outgoing stream reset (closing a data channel, RFC 8831 §6.7), sent once the
  // streams' queued messages are sent; OutgoingStreamsReset reports the outcome, after which the
  // stream ids may be used again. The peer sees IncomingStreamsReset and, in WebRTC, resets its
  // own outgoing direction in turn (the data-channel layer's job). InvalidStateError unless
  // connected; RangeError for a stream beyond the negotiated count.
  Result<void> ResetStreams(Timestamp now, const std::vector<uint16_t>& streams);
  // SHUTDOWN (graceful, RFC 9260 §9.2) once everything queued is acknowledged; ends in kClosed
  // on both sides. Send() is refused from now on.
  void Close(Timestamp now);
  // ABORT (RFC 9260 §9.1) with `reason` as the User-Initiated Abort cause (at most 256 bytes
  // sent); kClosed here at once with `reason`, and at the peer with "peer aborted: <reason>".
  void Abort(Timestamp now, std::string reason);

  State state() const;
  // Negotiated stream counts (min of ours and the peer's), once connected.
  uint16_t outbound_streams() const;
  uint16_t inbound_streams() const;
  bool interleaving() const;  // RFC 8260 I-DATA negotiated

  struct Stats {
    uint64_t packets_sent = 0;
    uint64_t packets_received = 0;  // accepted (not dropped as malformed)
    uint64_t dropped_malformed = 0;
    uint64_t messages_sent = 0;  // completely handed to usrsctp
    uint64_t messages_received = 0;
    uint64_t bytes_sent = 0;       // message bytes handed to usrsctp
    uint64_t bytes_received = 0;   // message bytes delivered
    uint64_t retransmissions = 0;  // DATA/I-DATA chunks sent again (counted on the wire)
    // Partially reliable messages given up (once each), here or by usrsctp (RFC 3758), and
    // messages usrsctp refused; not what fails because the association went down.
    uint64_t abandoned = 0;
    uint64_t dropped_oversized = 0;  // received messages over max_message_size, dropped whole
  };
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::sctp
