#include "sctp/usrsctp_socket.h"

#include <usrsctp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "sctp/usrsctp_stack.h"

namespace parley::sctp {
namespace {

// Tuning (docs/architecture.md, "SCTP tuning").
//
// RTO (RFC 9260 §6.3.1). Initial 1 s as RFC 9260 §16 says: it only matters for INIT and the
// first DATA before an RTT sample. Min 400 ms rather than 1 s (like dcSCTP): the peer may delay
// its SACK for a lone packet by up to 200 ms (RFC 9260 §6.2), so a smaller minimum fires
// spuriously. Max 3 s rather than 60 s, so that a data channel resumes within 3 s of an outage
// ends (libwebrtc caps its back-off at 3 s for the same reason).
constexpr uint32_t kRtoInitialMs = 1000;
constexpr uint32_t kRtoMinMs = 400;
constexpr uint32_t kRtoMaxMs = 3000;
// INIT is retransmitted at most 8 times (RFC 9260 §16 Max.Init.Retransmits), backing off to
// kRtoMaxMs.
constexpr uint16_t kMaxInitAttempts = 8;
// Association.Max.Retrans (RFC 9260 §16): 10 timeouts in a row without any acknowledgement fail
// the association (~25 s with kRtoMaxMs).
constexpr uint16_t kMaxRetransmissions = 10;
// Path.Max.Retrans: never, in effect. The path is our only one, usrsctp sends no new data to an
// inactive path, and without heartbeats nothing would make it active again. Its error count only
// resets when new data is acknowledged, so PR-SCTP abandonment under heavy loss (timeouts
// answered only by SACKs of FORWARD-TSN) made it inactive while the association, still
// "connected", never sent again. The association fails by kMaxRetransmissions instead.
constexpr uint16_t kPathMaxRetransmissions = 0xffff;
// Delayed SACK (RFC 9260 §6.2): every second packet, else after 20 ms instead of usrsctp's
// 200 ms. A lone message (typical of signalling-like traffic) is then acknowledged within one
// RTT + 20 ms, so the sender's congestion window, RTT estimate and bufferedAmount move promptly;
// the price is one small SACK per lone packet.
constexpr uint32_t kSackDelayMs = 20;
constexpr uint32_t kSackFrequency = 2;
// usrsctp 0.9.5 implements RFC 8260 I-DATA but its usrsctp.h does not export the option
// (netinet/sctp.h: SCTP_INTERLEAVING_SUPPORTED).
constexpr int kSctpInterleavingSupported = 0x00001206;
// The longest upper-layer abort reason we send: it must fit one packet with the ABORT chunk.
constexpr size_t kMaxAbortReason = 256;

Error SockoptError(const char* what) {
  return OperationError(std::string("usrsctp ") + what + " failed: " + std::strerror(errno));
}

template <typename T>
Result<void> SetOption(struct socket* so, int level, int name, const T& value, const char* what) {
  if (usrsctp_setsockopt(so, level, name, &value, static_cast<socklen_t>(sizeof(T))) != 0) {
    return SockoptError(what);
  }
  return Ok();
}

sctp_assoc_value AssocValue(uint32_t value) {
  sctp_assoc_value v{};
  v.assoc_id = SCTP_FUTURE_ASSOC;
  v.assoc_value = value;
  return v;
}

#define PARLEY_TRY(expr)                    \
  do {                                      \
    if (auto r = (expr); !r.ok()) return r; \
  } while (0)

Result<void> Configure(struct socket* so, const AssociationConfig& config) {
  const int on = 1;
  // Never block: Send() hands over only what fits; reads end at EWOULDBLOCK.
  if (usrsctp_set_non_blocking(so, 1) != 0) return SockoptError("set_non_blocking");
  // Buffers (SO_SNDBUF bounds what usrsctp holds for sending; SO_RCVBUF is the advertised
  // receive window, RFC 9260 §6.2.1).
  const int send_buffer = static_cast<int>(std::min<size_t>(config.send_buffer, 1 << 30));
  const int receive_buffer = static_cast<int>(std::min<size_t>(config.receive_buffer, 1 << 30));
  PARLEY_TRY(SetOption(so, SOL_SOCKET, SO_SNDBUF, send_buffer, "SO_SNDBUF"));
  PARLEY_TRY(SetOption(so, SOL_SOCKET, SO_RCVBUF, receive_buffer, "SO_RCVBUF"));
  // No Nagle: data channel messages are latency-sensitive and already message-sized.
  PARLEY_TRY(SetOption(so, IPPROTO_SCTP, SCTP_NODELAY, on, "SCTP_NODELAY"));
  // Messages may be handed over in pieces (a message larger than the send buffer, or the rest
  // once space frees up), the last one marked SCTP_EOR (RFC 6458 §8.1.26).
  PARLEY_TRY(SetOption(so, IPPROTO_SCTP, SCTP_EXPLICIT_EOR, on, "SCTP_EXPLICIT_EOR"));
  // Stream id, PPID and flags with each read (RFC 6458 §8.1.29).
  PARLEY_TRY(SetOption(so, IPPROTO_SCTP, SCTP_RECVRCVINFO, on, "SCTP_RECVRCVINFO"));
  // RFC 8260 message interleaving: fragment interleave level 2 first (usrsctp requires it), so
  // reads may alternate between streams, which Reassembly handles.
  const int interleave_level = 2;
  PARLEY_TRY(SetOption(so, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, interleave_level,
                       "SCTP_FRAGMENT_INTERLEAVE"));
  PARLEY_TRY(SetOption(so, IPPROTO_SCTP, kSctpInterleavingSupported,
                       AssocValue(config.message_interleaving ? 1 : 0),
                       "SCTP_INTERLEAVING_SUPPORTED"));
  // Extensions (RFC 8831 §6.2): PR-SCTP (RFC 3758) and RE-CONFIG (RFC 6525) on; accept the
  // peer's stream resets. ECN off: there is no IP ECN field to read under DTLS over UDP. AUTH
  // and ASCONF off: DTLS authenticates and the association is single-homed (RFC 8261 §4).
  PARLEY_TRY(SetOption(so, IPPROTO_SCTP, SCTP_PR_SUPPORTED, AssocValue(1), "SCTP_PR_SUPPORTED"));
  PARLEY_TRY(SetOption(so, IPPROTO_SCTP, SCTP_RECONFIG_SUPPORTED, AssocValue(1),
                       "SCTP_RECONFIG_SUPPORTED"));
  PARLEY_TRY(SetOption(so, IPPROTO_SCTP, SCTP_ENABLE_STREAM_RESET,
                       AssocValue(SCTP_ENABLE_RESET_STREAM_REQ), "SCTP_ENABLE_STREAM_RESET"));
  PARLEY_TRY(SetOption(so, IPPROTO_SCTP, SCTP_ECN_SUPPORTED, AssocValue(0), "SCTP_ECN_SUPPORTED"));
  PARLEY_TRY(SetOption(so, IPPROTO_SCTP, SCTP_ASCONF_SUPPORTED, AssocValue(0),
                       "SCTP_ASCONF_SUPPORTED"));  // first: ASCONF requires AUTH
  PARLEY_TRY(
      SetOption(so, IPPROTO_SCTP, SCTP_AUTH_SUPPORTED, AssocValue(0), "SCTP_AUTH_SUPPORTED"));
  // Streams each way (RFC 9260 §5.1.1 OS/MIS).
  sctp_initmsg init{};
  init.sinit_num_ostreams = config.streams;
  init.sinit_max_instreams = config.streams;
  init.sinit_max_attempts = kMaxInitAttempts;
  init.sinit_max_init_timeo = kRtoMaxMs;
  PARLEY_TRY(SetOption(so, IPPROTO_SCTP, SCTP_INITMSG, init, "SCTP_INITMSG"));
  sctp_rtoinfo rto{};
  rto.srto_assoc_id = SCTP_FUTURE_ASSOC;
  rto.srto_initial = kRtoInitialMs;
  rto.srto_min = kRtoMinMs;
  rto.srto_max = kRtoMaxMs;
  PARLEY_TRY(SetOption(so, IPPROTO_SCTP, SCTP_RTOINFO, rto, "SCTP_RTOINFO"));
  sctp_assocparams assoc{};
  assoc.sasoc_assoc_id = SCTP_FUTURE_ASSOC;
  assoc.sasoc_asocmaxrxt = kMaxRetransmissions;
  PARLEY_TRY(SetOption(so, IPPROTO_SCTP, SCTP_ASSOCINFO, assoc, "SCTP_ASSOCINFO"));
  sctp_sack_info sack{};
  sack.sack_assoc_id = SCTP_FUTURE_ASSOC;
  sack.sack_delay = kSackDelayMs;
  sack.sack_freq = kSackFrequency;
  PARLEY_TRY(SetOption(so, IPPROTO_SCTP, SCTP_DELAYED_SACK, sack, "SCTP_DELAYED_SACK"));
  // No heartbeats: ICE consent freshness (RFC 7675) already checks the path every few seconds,
  // and an idle association then has no timer at all. No path MTU discovery: a fixed MTU below
  // the 1200-byte IP packets RFC 8831 §5 allows. usrsctp counts the AF_CONN MTU without the
  // 12-byte common header.
  sctp_paddrparams paddr{};
  paddr.spp_assoc_id = SCTP_FUTURE_ASSOC;
  paddr.spp_flags = SPP_HB_DISABLE | SPP_PMTUD_DISABLE;
  paddr.spp_pathmtu = static_cast<uint32_t>(config.mtu - 12);
  paddr.spp_pathmaxrxt = kPathMaxRetransmissions;
  PARLEY_TRY(SetOption(so, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, paddr, "SCTP_PEER_ADDR_PARAMS"));
  // The notifications Association acts on.
  for (uint16_t type : {SCTP_ASSOC_CHANGE, SCTP_STREAM_RESET_EVENT, SCTP_SEND_FAILED_EVENT,
                        SCTP_PARTIAL_DELIVERY_EVENT, SCTP_SHUTDOWN_EVENT, SCTP_SENDER_DRY_EVENT,
                        SCTP_REMOTE_ERROR, SCTP_STREAM_CHANGE_EVENT}) {
    sctp_event event{};
    event.se_assoc_id = SCTP_FUTURE_ASSOC;
    event.se_type = type;
    event.se_on = 1;
    PARLEY_TRY(SetOption(so, IPPROTO_SCTP, SCTP_EVENT, event, "SCTP_EVENT"));
  }
  return Ok();
}

sockaddr_conn ConnAddress(void* address, uint16_t port) {
  sockaddr_conn sconn{};
  sconn.sconn_family = AF_CONN;
  sconn.sconn_port = htons(port);
  sconn.sconn_addr = address;
  return sconn;
}

}  // namespace

struct UsrsctpSocket::Handle {
  struct socket* so = nullptr;
  void* address = nullptr;
};

Result<std::unique_ptr<UsrsctpSocket>> UsrsctpSocket::Open(void* address,
                                                           const AssociationConfig& config) {
  usrsctp_stack::EnsureInitialized();
  auto handle = std::make_unique<Handle>();
  handle->address = address;
  handle->so = usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, nullptr, nullptr, 0, nullptr);
  if (handle->so == nullptr) return SockoptError("socket");
  std::unique_ptr<UsrsctpSocket> result(new UsrsctpSocket(std::move(handle)));
  struct socket* so = result->handle_->so;
  if (auto configured = Configure(so, config); !configured.ok()) return configured.error();
  sockaddr_conn local = ConnAddress(address, config.local_port);
  if (usrsctp_bind(so, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    return SockoptError("bind");
  }
  return result;
}

UsrsctpSocket::UsrsctpSocket(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}

UsrsctpSocket::~UsrsctpSocket() {
  linger abort_on_close{};
  abort_on_close.l_onoff = 1;
  abort_on_close.l_linger = 0;
  usrsctp_setsockopt(handle_->so, SOL_SOCKET, SO_LINGER, &abort_on_close,
                     static_cast<socklen_t>(sizeof(abort_on_close)));
  usrsctp_close(handle_->so);
}

Result<void> UsrsctpSocket::Connect(uint16_t remote_port) {
  sockaddr_conn remote = ConnAddress(handle_->address, remote_port);
  if (usrsctp_connect(handle_->so, reinterpret_cast<sockaddr*>(&remote), sizeof(remote)) != 0 &&
      errno != EINPROGRESS) {
    return SockoptError("connect");
  }
  return Ok();
}

Result<size_t> UsrsctpSocket::Send(const SendInfo& info, ByteView data) {
  sctp_sendv_spa spa{};
  spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
  spa.sendv_sndinfo.snd_sid = info.stream;
  spa.sendv_sndinfo.snd_ppid = htonl(info.ppid);  // carried as-is: network order on the wire
  spa.sendv_sndinfo.snd_context = info.context;
  spa.sendv_sndinfo.snd_flags =
      static_cast<uint16_t>((info.unordered ? SCTP_UNORDERED : 0) | (info.end ? SCTP_EOR : 0));
  if (info.max_retransmits) {
    spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
    spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_RTX;
    spa.sendv_prinfo.pr_value = *info.max_retransmits;
  } else if (info.lifetime_ms) {
    spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
    spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_TTL;
    spa.sendv_prinfo.pr_value = *info.lifetime_ms;
  }
  const ssize_t sent = usrsctp_sendv(handle_->so, data.data(), data.size(), nullptr, 0, &spa,
                                     static_cast<socklen_t>(sizeof(spa)), SCTP_SENDV_SPA, 0);
  if (sent >= 0) return static_cast<size_t>(sent);
  if (errno == EWOULDBLOCK || errno == EAGAIN) return size_t{0};
  return SockoptError("sendv");
}

std::optional<UsrsctpSocket::Received> UsrsctpSocket::Receive(std::span<uint8_t> buffer) {
  sctp_rcvinfo info{};
  socklen_t info_length = sizeof(info);
  unsigned int info_type = SCTP_RECVV_NOINFO;
  int flags = 0;
  sockaddr_conn from{};
  socklen_t from_length = sizeof(from);
  const ssize_t n =
      usrsctp_recvv(handle_->so, buffer.data(), buffer.size(), reinterpret_cast<sockaddr*>(&from),
                    &from_length, &info, &info_length, &info_type, &flags);
  if (n < 0) {
    if (errno == EWOULDBLOCK || errno == EAGAIN) return std::nullopt;
    return EndOfStream{};  // ECONNRESET, ENOTCONN: nothing more will come
  }
  const bool end = (flags & MSG_EOR) != 0;
  if (flags & MSG_NOTIFICATION) return NotificationPiece{static_cast<size_t>(n), end};
  if (n == 0) return EndOfStream{};
  if (info_type != SCTP_RECVV_RCVINFO) {
    // Every data read carries it (SCTP_RECVRCVINFO); without it the stream is unknown.
    info.rcv_sid = 0;
    info.rcv_ppid = 0;
  }
  return DataPiece{info.rcv_sid, ntohl(info.rcv_ppid), static_cast<size_t>(n), end};
}

UsrsctpSocket::Window UsrsctpSocket::GetWindow() const {
  Window window;
  // SCTP_GET_SNDBUF_USE and struct sctp_sockstat (usrsctp netinet/sctp.h, sctp_uio.h; not in
  // usrsctp.h): the association's total_output_queue_size.
  constexpr int kSctpGetSndbufUse = 0x00001101;
  struct SockStat {
    sctp_assoc_t assoc_id;
    uint32_t total_sndbuf;
    uint32_t total_recv_buf;
  } stat{};
  socklen_t length = sizeof(stat);
  if (usrsctp_getsockopt(handle_->so, IPPROTO_SCTP, kSctpGetSndbufUse, &stat, &length) != 0) {
    return window;  // no association (yet, or any more)
  }
  window.queued = stat.total_sndbuf;
  sctp_status status{};
  length = sizeof(status);
  if (usrsctp_getsockopt(handle_->so, IPPROTO_SCTP, SCTP_STATUS, &status, &length) == 0) {
    window.cwnd = status.sstat_primary.spinfo_cwnd;
    window.peer_rwnd = status.sstat_rwnd;
  }
  return window;
}

Result<void> UsrsctpSocket::ResetOutgoing(std::span<const uint16_t> streams) {
  std::vector<uint8_t> buffer(sizeof(sctp_reset_streams) + streams.size() * sizeof(uint16_t));
  sctp_reset_streams header{};
  header.srs_assoc_id = SCTP_CURRENT_ASSOC;
  header.srs_flags = SCTP_STREAM_RESET_OUTGOING;
  header.srs_number_streams = static_cast<uint16_t>(streams.size());
  std::memcpy(buffer.data(), &header, sizeof(header));
  std::memcpy(buffer.data() + sizeof(header), streams.data(), streams.size() * sizeof(uint16_t));
  if (usrsctp_setsockopt(handle_->so, IPPROTO_SCTP, SCTP_RESET_STREAMS, buffer.data(),
                         static_cast<socklen_t>(buffer.size())) != 0) {
    return SockoptError("SCTP_RESET_STREAMS");
  }
  return Ok();
}

void UsrsctpSocket::Shutdown() {
  usrsctp_shutdown(handle_->so, SHUT_WR);
}

void UsrsctpSocket::Abort(std::string_view reason) {
  reason = reason.substr(0, kMaxAbortReason);
  sctp_sndinfo info{};
  info.snd_flags = SCTP_ABORT;
  usrsctp_sendv(handle_->so, reason.data(), reason.size(), nullptr, 0, &info,
                static_cast<socklen_t>(sizeof(info)), SCTP_SENDV_SNDINFO, 0);
}

}  // namespace parley::sctp
