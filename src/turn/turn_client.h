// A sans-IO TURN client (RFC 8656) for one allocation on one server. Framing-free: every input
// and output is one whole STUN or ChannelData message; RelayConnection adds the transport (UDP
// datagrams, or a TCP/TLS stream with framing).
//
//   Start ──Allocate──► 401 ──Allocate+auth──► success: Allocated{relayed, mapped}
//        (438 stale nonce: retry with the new NONCE; 300 try-alternate over UDP: follow once)
//   CreatePermission(peer ip) ──► refreshed every 4 min (permissions last 5, §9)
//   SendTo(peer, data) ──► Send indication; a ChannelBind goes out on first use and, once it
//        succeeds, data travels as ChannelData (§12); the binding is refreshed every 9 min.
//   Refresh at lifetime − 60 s (half the lifetime when that is under 2 min), §8.1.
//   Close ──Refresh LIFETIME=0──► kClosed.
//
// Requests are retransmitted by stun::TransactionTable (UDP: RTO 500 ms, 7 sends, 39.5 s; TCP
// and TLS: one send, 39.5 s). Responses to authenticated requests must carry a valid
// MESSAGE-INTEGRITY (RFC 8489 §9.2.5), else they are dropped and counted. Bad input never
// throws: it is dropped and counted in stats().
//
// After every input drain PollServerMessage() and PollEvent(), then re-arm NextTimeout().
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "base/byte_io.h"
#include "base/random.h"
#include "base/socket_address.h"
#include "base/time.h"
#include "parley/result.h"
#include "stun/message.h"
#include "stun/transaction.h"
#include "turn/channels.h"
#include "turn/credentials.h"
#include "turn/permissions.h"
#include "turn/turn_types.h"

namespace parley::turn {

class TurnClient {
 public:
  enum class State : uint8_t { kIdle, kAllocating, kAllocated, kFailed, kClosing, kClosed };

  struct Stats {
    uint64_t dropped_malformed = 0;        // Neither STUN nor ChannelData, unparseable, or
                                           // lacking required attributes.
    uint64_t dropped_integrity = 0;        // A response failing MESSAGE-INTEGRITY (§9.2.5).
    uint64_t dropped_unexpected = 0;       // No matching request, or not valid in this state.
    uint64_t dropped_unknown_channel = 0;  // ChannelData on a channel we never bound.
    uint64_t stale_nonce_retries = 0;      // Requests repeated after a 438.
    uint64_t allocation_refreshes = 0;     // Successful Refresh requests.
    uint64_t permission_refreshes = 0;     // Successful CreatePermission refreshes.
    uint64_t channel_refreshes = 0;        // Successful ChannelBind refreshes.
    uint64_t send_indications = 0;         // Data sent in Send indications.
    uint64_t channel_data_sent = 0;        // Data sent in ChannelData messages.
    uint64_t data_indications = 0;         // Data received in Data indications.
    uint64_t channel_data_received = 0;    // Data received in ChannelData messages.
  };

  // The largest SendTo payload: what fits a Send indication with an IPv6 XOR-PEER-ADDRESS.
  static constexpr size_t kMaxDataSize = 0xFFFF - 64;

  TurnClient(ServerConfig config, Random& random);
  TurnClient(const TurnClient&) = delete;
  TurnClient& operator=(const TurnClient&) = delete;

  // Sends Allocate (REQUESTED-TRANSPORT UDP, LIFETIME). Only from kIdle; ignored otherwise.
  void Start(Timestamp now);
  // Installs a permission for `peer` (RFC 8656 §9, §10.1) and keeps refreshing it. Idempotent;
  // asked before the allocation exists, it is sent once it does. Failure: PermissionFailed.
  void CreatePermission(Timestamp now, const IpAddress& peer);
  // Relays `data` to `peer`: ChannelData once a channel is bound to it, else a Send indication.
  // Also installs a permission for the peer's IP and binds a channel (both kept fresh) on first
  // use. InvalidStateError unless kAllocated; RangeError above kMaxDataSize; InvalidAccessError
  // for a peer of the other address family than the relayed address.
  Result<void> SendTo(Timestamp now, const SocketAddress& peer, ByteView data);
  // Deletes the allocation (Refresh with LIFETIME 0, RFC 8656 §8.1) and ends in kClosed.
  void Close(Timestamp now);
  // The transport to the server broke (TCP/TLS closed, TLS failed): AllocationFailed while
  // allocating, AllocationLost once allocated; then kFailed (kClosed when closing).
  void HandleTransportFailure(Timestamp now, const std::string& reason);

  // One whole STUN or ChannelData message from the server.
  void HandleServerMessage(Timestamp now, ByteView message);
  // The next whole message for the server (ChannelData padded over TCP/TLS, §12.5).
  std::optional<Bytes> PollServerMessage();
  void HandleTimeout(Timestamp now);
  std::optional<Timestamp> NextTimeout() const;
  std::optional<Event> PollEvent();

  State state() const { return state_; }
  const Stats& stats() const { return stats_; }
  const ServerConfig& config() const { return config_; }
  // Where messages go: config().server, or the alternate server a 300 redirected to (UDP).
  const SocketAddress& server() const { return server_; }
  std::optional<SocketAddress> relayed_address() const;
  std::optional<SocketAddress> mapped_address() const;
  // When the allocation expires unless refreshed (kAllocated only).
  std::optional<Timestamp> allocation_expiry() const;
  bool HasPermission(const IpAddress& peer) const { return permissions_.IsInstalled(peer); }
  // The channel bound to `peer`, once ChannelBind succeeded.
  std::optional<uint16_t> BoundChannel(const SocketAddress& peer) const;

 private:
  enum class RequestKind : uint8_t { kAllocate, kRefresh, kCreatePermission, kChannelBind };
  // What a pending request asked for, so it can be repeated after a 401/438 and its answer
  // applied.
  struct Request {
    RequestKind kind = RequestKind::kAllocate;
    uint32_t lifetime = 0;  // kAllocate, kRefresh (seconds).
    IpAddress peer_ip;      // kCreatePermission.
    SocketAddress peer;     // kChannelBind.
    uint16_t channel = 0;   // kChannelBind.
    int stale_nonce_retries = 0;
    int unauthenticated_retries = 0;
    bool integrity_violated = false;  // A response to it failed the integrity check.
    Timestamp sent;       // When the current attempt was first sent (lifetimes count from there).
    Signature signature;  // Of the current attempt.
  };
  struct Allocation {
    SocketAddress relayed;
    SocketAddress mapped;
    TimeDelta lifetime;
    Timestamp expires_at;
    Timestamp refresh_at;
    bool refresh_in_flight = false;
  };

  static stun::Method MethodOf(RequestKind kind);
  void SendRequest(Timestamp now, Request request);
  void SendAllocate(Timestamp now);
  void SendRefresh(Timestamp now, uint32_t lifetime);
  void SendCreatePermission(Timestamp now, const IpAddress& peer);
  void SendChannelBind(Timestamp now, const SocketAddress& peer, uint16_t channel);
  void SendIndication(const SocketAddress& peer, ByteView data);
  void DrainTransmissions();

  void HandleChannelData(ByteView message);
  void HandleStun(Timestamp now, ByteView message);
  void HandleDataIndication(const stun::Message& indication);
  void ProcessTransactionEvents(Timestamp now);
  // Handles a 401/438 that allows a retry; true if the request was sent again.
  bool RetryAfterChallenge(Timestamp now, Request& request, const stun::Message& response);
  void OnResponse(Timestamp now, Request request, const stun::Message& response);
  void OnFailure(Timestamp now, const Request& request, int code, const std::string& reason);
  void OnAllocateSuccess(Timestamp now, const Request& request, const stun::Message& response);
  void OnRefreshSuccess(Timestamp now, const Request& request, const stun::Message& response);
  void ScheduleRefresh(Timestamp base, TimeDelta lifetime);
  void RunTimers(Timestamp now);
  void EnterFailed(const std::string& reason, bool allocated);
  void CancelAllTransactions();

  ServerConfig config_;
  Random& random_;
  SocketAddress server_;
  State state_ = State::kIdle;
  LongTermCredentials credentials_;
  stun::TransactionTable transactions_;
  std::map<stun::TransactionId, Request> pending_;
  std::optional<Allocation> allocation_;
  PermissionTable permissions_;
  ChannelTable channels_;
  int redirects_ = 0;
  std::deque<Bytes> outgoing_;
  std::deque<Event> events_;
  Stats stats_;
};

std::string_view ToString(TurnClient::State state);

}  // namespace parley::turn
