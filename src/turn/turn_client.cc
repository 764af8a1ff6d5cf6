#include "turn/turn_client.h"

#include <utility>

#include "base/logging.h"
#include "turn/channel_data.h"

namespace parley::turn {
namespace {

using stun::Method;

// RFC 8489 §9.2.5 requires a retry after each 438; a server that keeps answering 438 would
// loop forever, so each request gives up after this many.
constexpr int kMaxStaleNonceRetries = 3;
// A 401 may be retried only when something changed (the realm); a server flipping realms
// would loop, so this caps it.
constexpr int kMaxUnauthenticatedRetries = 2;
// RFC 8656 §7.1 / RFC 8489 §10: follow 300 (Try Alternate) at most this often.
constexpr int kMaxRedirects = 2;
// Refresh a minute before expiry (RFC 8656 §8.1 leaves the margin to the client), or halfway
// for lifetimes under two minutes.
constexpr TimeDelta kRefreshMargin = TimeDelta::Seconds(60);

std::string DescribeError(int code, const std::string& reason) {
  if (code == 0) return reason;
  return std::to_string(code) + (reason.empty() ? "" : " " + reason);
}

uint32_t ToSeconds(TimeDelta lifetime) {
  const int64_t seconds = lifetime.us() / 1'000'000;
  if (seconds <= 0) return 0;
  return seconds > 0xFFFFFFFF ? 0xFFFFFFFF : static_cast<uint32_t>(seconds);
}

}  // namespace

std::string_view ToString(TurnClient::State state) {
  switch (state) {
    case TurnClient::State::kIdle:
      return "idle";
    case TurnClient::State::kAllocating:
      return "allocating";
    case TurnClient::State::kAllocated:
      return "allocated";
    case TurnClient::State::kFailed:
      return "failed";
    case TurnClient::State::kClosing:
      return "closing";
    case TurnClient::State::kClosed:
      return "closed";
  }
  return "unknown";
}

TurnClient::TurnClient(ServerConfig config, Random& random)
    : config_(std::move(config)),
      random_(random),
      server_(config_.server),
      credentials_(config_.username, config_.password),
      // RFC 8489 §6.2.1 over UDP (RTO 500 ms, 7 sends); §6.2.2 over TCP/TLS (one send, Ti).
      transactions_(config_.transport == Transport::kUdp ? stun::RetransmissionConfig::Unreliable()
                                                         : stun::RetransmissionConfig::Reliable()) {
}

// --- Requests --------------------------------------------------------------------------------

stun::Method TurnClient::MethodOf(RequestKind kind) {
  switch (kind) {
    case RequestKind::kAllocate:
      return Method::kAllocate;
    case RequestKind::kRefresh:
      return Method::kRefresh;
    case RequestKind::kCreatePermission:
      return Method::kCreatePermission;
    case RequestKind::kChannelBind:
      return Method::kChannelBind;
  }
  return Method::kAllocate;
}

void TurnClient::SendRequest(Timestamp now, Request request) {
  stun::Message message = stun::Message::Request(MethodOf(request.kind), random_);
  switch (request.kind) {
    case RequestKind::kAllocate:
      // RFC 8656 §7.1: REQUESTED-TRANSPORT (UDP, the only relayed transport) and LIFETIME.
      message.Add(stun::RequestedTransport{stun::RequestedTransport::kUdp});
      message.Add(stun::Lifetime{request.lifetime});
      break;
    case RequestKind::kRefresh:
      // RFC 8656 §8.1: LIFETIME (0 deletes the allocation).
      message.Add(stun::Lifetime{request.lifetime});
      break;
    case RequestKind::kCreatePermission:
      // RFC 8656 §10.1: XOR-PEER-ADDRESS; the port is ignored (§9).
      message.Add(stun::XorPeerAddress{SocketAddress(request.peer_ip, 0)});
      break;
    case RequestKind::kChannelBind:
      // RFC 8656 §12.1: CHANNEL-NUMBER and XOR-PEER-ADDRESS.
      message.Add(stun::ChannelNumber{request.channel});
      message.Add(stun::XorPeerAddress{request.peer});
      break;
  }
  Bytes wire = credentials_.Sign(message, &request.signature);
  request.sent = now;
  request.integrity_violated = false;
  auto id = transactions_.Start(now, Datagram{SocketAddress(), server_, std::move(wire)});
  if (!id) {
    // Only a duplicate transaction id gets here; the request is lost and no event is due.
    PARLEY_LOG(kWarning, "turn") << "could not start a transaction";
    return;
  }
  pending_[*id] = std::move(request);
  // Queue the request now so that it leaves before anything sent after it (e.g. a Send
  // indication that needs the permission this request installs).
  DrainTransmissions();
}

void TurnClient::SendAllocate(Timestamp now) {
  Request request;
  request.kind = RequestKind::kAllocate;
  request.lifetime = ToSeconds(config_.requested_lifetime);
  SendRequest(now, std::move(request));
}

void TurnClient::SendRefresh(Timestamp now, uint32_t lifetime) {
  if (allocation_) allocation_->refresh_in_flight = true;
  Request request;
  request.kind = RequestKind::kRefresh;
  request.lifetime = lifetime;
  SendRequest(now, std::move(request));
}

void TurnClient::SendCreatePermission(Timestamp now, const IpAddress& peer) {
  permissions_.SetInFlight(peer, true);
  Request request;
  request.kind = RequestKind::kCreatePermission;
  request.peer_ip = peer;
  SendRequest(now, std::move(request));
}

void TurnClient::SendChannelBind(Timestamp now, const SocketAddress& peer, uint16_t channel) {
  channels_.SetInFlight(peer, true);
  Request request;
  request.kind = RequestKind::kChannelBind;
  request.peer = peer;
  request.channel = channel;
  SendRequest(now, std::move(request));
}

void TurnClient::SendIndication(const SocketAddress& peer, ByteView data) {
  // RFC 8656 §11.1: a Send indication carries XOR-PEER-ADDRESS and DATA, unauthenticated.
  stun::Message indication = stun::Message::Indication(Method::kSend, random_);
  indication.Add(stun::XorPeerAddress{peer}).Add(stun::Data{Bytes(data.begin(), data.end())});
  outgoing_.push_back(indication.Serialize());
  ++stats_.send_indications;
}

void TurnClient::DrainTransmissions() {
  while (auto datagram = transactions_.PollTransmit())
    outgoing_.push_back(std::move(datagram->payload));
}

// --- The owner's calls -----------------------------------------------------------------------

void TurnClient::Start(Timestamp now) {
  if (state_ != State::kIdle) return;
  state_ = State::kAllocating;
  // RFC 8656 §7.1: the first Allocate goes without credentials; the 401 brings realm and nonce.
  SendAllocate(now);
}

void TurnClient::CreatePermission(Timestamp now, const IpAddress& peer) {
  if (state_ != State::kIdle && state_ != State::kAllocating && state_ != State::kAllocated) {
    return;
  }
  if (!permissions_.Add(peer)) return;  // Idempotent: already installed or on its way.
  if (state_ == State::kAllocated) SendCreatePermission(now, peer);
}

Result<void> TurnClient::SendTo(Timestamp now, const SocketAddress& peer, ByteView data) {
  if (state_ != State::kAllocated) {
    return InvalidStateError("TURN SendTo needs an allocation; the client is " +
                             std::string(ToString(state_)));
  }
  if (data.size() > kMaxDataSize) {
    return RangeError("TURN SendTo: " + std::to_string(data.size()) + " bytes exceed the " +
                      std::to_string(kMaxDataSize) + "-byte limit");
  }
  if (allocation_ && peer.family() != allocation_->relayed.family()) {
    // RFC 8656 §10.2/§12.2: the server would answer 443 (Peer Address Family Mismatch).
    return InvalidAccessError("TURN SendTo: " + peer.ToString() +
                              " is not of the relayed address's family");
  }
  // RFC 8656 §9: the server drops data to peers without a permission.
  CreatePermission(now, peer.ip());
  const ChannelTable::Entry* channel = channels_.Find(peer);
  if (channel == nullptr) {
    // RFC 8656 §12: bind a channel so later data can use the 4-byte ChannelData header.
    if (auto number = channels_.Add(peer)) SendChannelBind(now, peer, *number);
  } else if (channel->state == ChannelTable::State::kBound) {
    // RFC 8656 §12.5: padded to 4 bytes over TCP/TLS, unpadded over UDP.
    outgoing_.push_back(SerializeChannelData(channel->number, data,
                                             config_.transport == Transport::kUdp
                                                 ? ChannelDataPadding::kNone
                                                 : ChannelDataPadding::kFourByte));
    ++stats_.channel_data_sent;
    return Ok();
  }
  SendIndication(peer, data);
  return Ok();
}

void TurnClient::Close(Timestamp now) {
  switch (state_) {
    case State::kIdle:
    case State::kAllocating:
    case State::kFailed:
      CancelAllTransactions();
      allocation_.reset();
      state_ = State::kClosed;
      return;
    case State::kAllocated:
      // RFC 8656 §8.1: a Refresh with LIFETIME 0 deletes the allocation.
      CancelAllTransactions();
      permissions_.Clear();
      channels_.Clear();
      state_ = State::kClosing;
      SendRefresh(now, 0);
      return;
    case State::kClosing:
    case State::kClosed:
      return;
  }
}

void TurnClient::HandleTransportFailure(Timestamp /*now*/, const std::string& reason) {
  switch (state_) {
    case State::kAllocating:
      EnterFailed(reason, /*allocated=*/false);
      return;
    case State::kAllocated:
      EnterFailed(reason, /*allocated=*/true);
      return;
    case State::kClosing:
      CancelAllTransactions();
      allocation_.reset();
      state_ = State::kClosed;
      return;
    case State::kIdle:
      CancelAllTransactions();
      state_ = State::kFailed;
      return;
    case State::kFailed:
    case State::kClosed:
      return;
  }
}

std::optional<Bytes> TurnClient::PollServerMessage() {
  if (outgoing_.empty()) return std::nullopt;
  Bytes out = std::move(outgoing_.front());
  outgoing_.pop_front();
  return out;
}

std::optional<Event> TurnClient::PollEvent() {
  if (events_.empty()) return std::nullopt;
  Event out = std::move(events_.front());
  events_.pop_front();
  return out;
}

std::optional<SocketAddress> TurnClient::relayed_address() const {
  if (state_ != State::kAllocated || !allocation_) return std::nullopt;
  return allocation_->relayed;
}

std::optional<SocketAddress> TurnClient::mapped_address() const {
  if (state_ != State::kAllocated || !allocation_) return std::nullopt;
  return allocation_->mapped;
}

std::optional<Timestamp> TurnClient::allocation_expiry() const {
  if (state_ != State::kAllocated || !allocation_) return std::nullopt;
  return allocation_->expires_at;
}

std::optional<uint16_t> TurnClient::BoundChannel(const SocketAddress& peer) const {
  const ChannelTable::Entry* entry = channels_.Find(peer);
  if (entry == nullptr || entry->state != ChannelTable::State::kBound) return std::nullopt;
  return entry->number;
}

// --- Input from the server -------------------------------------------------------------------

void TurnClient::HandleServerMessage(Timestamp now, ByteView message) {
  if (IsChannelData(message)) {
    HandleChannelData(message);
  } else if (stun::IsStun(message)) {
    HandleStun(now, message);
  } else {
    ++stats_.dropped_malformed;
  }
  DrainTransmissions();
}

void TurnClient::HandleChannelData(ByteView message) {
  // RFC 8656 §12.6: data from the peer bound to the channel.
  const auto parsed = ParseChannelData(message);
  if (!parsed) {
    ++stats_.dropped_malformed;
    return;
  }
  if (state_ != State::kAllocated) {
    ++stats_.dropped_unexpected;
    return;
  }
  const ChannelTable::Entry* entry = channels_.FindByNumber(parsed->channel);
  if (entry == nullptr) {
    ++stats_.dropped_unknown_channel;
    return;
  }
  ++stats_.channel_data_received;
  events_.push_back(PeerData{entry->peer, Bytes(parsed->data.begin(), parsed->data.end())});
}

void TurnClient::HandleStun(Timestamp now, ByteView bytes) {
  auto message = stun::Parse(bytes);
  if (!message) {
    ++stats_.dropped_malformed;
    return;
  }
  if (message->is_indication()) {
    if (message->method() == Method::kData) {
      HandleDataIndication(*message);
    } else {
      ++stats_.dropped_unexpected;
    }
    return;
  }
  if (!message->is_response()) {
    ++stats_.dropped_unexpected;  // A TURN server never sends requests to its clients.
    return;
  }
  auto it = pending_.find(message->transaction_id());
  if (it == pending_.end() || !transactions_.IsPending(it->first) ||
      message->method() != MethodOf(it->second.kind)) {
    ++stats_.dropped_unexpected;  // Late, duplicated, or not ours.
    return;
  }
  // RFC 8489 §6.3.3/§6.3.4: unknown comprehension-required attributes make a response unusable.
  if (!message->UnknownComprehensionRequired().empty()) {
    ++stats_.dropped_malformed;
    return;
  }
  if (!LongTermCredentials::IsAcceptable(*message, it->second.signature)) {
    ++stats_.dropped_integrity;
    it->second.integrity_violated = true;
    if (config_.transport != Transport::kUdp) {
      // RFC 8489 §9.2.5: over a reliable transport the transaction ends at once.
      Request request = std::move(it->second);
      transactions_.Cancel(it->first);
      pending_.erase(it);
      OnFailure(now, request, 0, "the response failed the integrity check");
    }
    // Over UDP it is discarded as if never received; retransmissions continue.
    return;
  }
  transactions_.HandleResponse(now, *message);
  ProcessTransactionEvents(now);
}

void TurnClient::HandleDataIndication(const stun::Message& indication) {
  // RFC 8656 §11.4: XOR-PEER-ADDRESS and DATA from a peer with a permission.
  if (state_ != State::kAllocated) {
    ++stats_.dropped_unexpected;
    return;
  }
  auto peer = indication.Get<stun::XorPeerAddress>();
  auto data = indication.Get<stun::Data>();
  if (!peer || !data) {
    ++stats_.dropped_malformed;
    return;
  }
  ++stats_.data_indications;
  events_.push_back(PeerData{peer->address, std::move(data->value)});
}

void TurnClient::ProcessTransactionEvents(Timestamp now) {
  while (auto event = transactions_.PollEvent()) {
    if (auto* response = std::get_if<stun::TransactionResponse>(&*event)) {
      auto it = pending_.find(response->id);
      if (it == pending_.end()) continue;
      Request request = std::move(it->second);
      pending_.erase(it);
      OnResponse(now, std::move(request), response->response);
    } else {
      const auto& timeout = std::get<stun::TransactionTimeout>(*event);
      auto it = pending_.find(timeout.id);
      if (it == pending_.end()) continue;
      Request request = std::move(it->second);
      pending_.erase(it);
      // RFC 8489 §9.2.5: if every response was discarded for integrity, say so, not "timeout".
      OnFailure(
          now, request, 0,
          request.integrity_violated
              ? "every response failed the integrity check"
              : "no response after " + std::to_string(timeout.transmissions) + " transmission(s)");
    }
  }
}

// --- Responses -------------------------------------------------------------------------------

void TurnClient::OnResponse(Timestamp now, Request request, const stun::Message& response) {
  if (response.is_success_response()) {
    switch (request.kind) {
      case RequestKind::kAllocate:
        OnAllocateSuccess(now, request, response);
        return;
      case RequestKind::kRefresh:
        OnRefreshSuccess(now, request, response);
        return;
      case RequestKind::kCreatePermission: {
        if (state_ != State::kAllocated) return;
        if (permissions_.IsInstalled(request.peer_ip)) ++stats_.permission_refreshes;
        permissions_.OnInstalled(request.peer_ip, request.sent);
        return;
      }
      case RequestKind::kChannelBind: {
        if (state_ != State::kAllocated) return;
        if (BoundChannel(request.peer)) ++stats_.channel_refreshes;
        channels_.OnBound(request.peer, request.sent);
        return;
      }
    }
    return;
  }
  const auto error = response.Get<stun::ErrorCode>();
  if (!error) {
    OnFailure(now, request, 0, "error response without ERROR-CODE");
    return;
  }
  if (RetryAfterChallenge(now, request, response)) return;
  // RFC 8656 §7.1 / RFC 8489 §10: 300 (Try Alternate) to an Allocate names another server. A
  // UDP client just sends there; a TCP/TLS one would need a new connection, so it fails instead.
  if (error->code == stun::error_code::kTryAlternate && request.kind == RequestKind::kAllocate &&
      state_ == State::kAllocating && config_.transport == Transport::kUdp &&
      redirects_ < kMaxRedirects) {
    if (auto alternate = response.Get<stun::AlternateServer>();
        alternate && alternate->address != server_) {
      ++redirects_;
      PARLEY_LOG(kInfo, "turn") << "300 Try Alternate: " << server_ << " -> " << alternate->address;
      server_ = alternate->address;
      credentials_.Reset();
      SendAllocate(now);
      return;
    }
  }
  OnFailure(now, request, error->code, error->reason);
}

bool TurnClient::RetryAfterChallenge(Timestamp now, Request& request,
                                     const stun::Message& response) {
  const auto error = response.Get<stun::ErrorCode>();
  if (!error) return false;
  if (error->code == stun::error_code::kStaleNonce) {
    // RFC 8489 §9.2.5: retry with the new NONCE.
    if (request.stale_nonce_retries >= kMaxStaleNonceRetries ||
        !credentials_.OnStaleNonce(response)) {
      return false;
    }
    ++request.stale_nonce_retries;
    ++stats_.stale_nonce_retries;
    SendRequest(now, std::move(request));
    return true;
  }
  if (error->code == stun::error_code::kUnauthorized) {
    // RFC 8489 §9.2.5: retry with credentials for the realm, unless nothing would change.
    if (request.unauthenticated_retries >= kMaxUnauthenticatedRetries ||
        !credentials_.OnUnauthenticated(response, request.signature)) {
      return false;
    }
    ++request.unauthenticated_retries;
    SendRequest(now, std::move(request));
    return true;
  }
  return false;
}

void TurnClient::OnFailure(Timestamp now, const Request& request, int code,
                           const std::string& reason) {
  const std::string what = DescribeError(code, reason);
  // 437 (Allocation Mismatch) to any request means the server has no allocation for us.
  if (code == stun::error_code::kAllocationMismatch && state_ == State::kAllocated) {
    EnterFailed("the server no longer has the allocation (" + what + ")", /*allocated=*/true);
    return;
  }
  switch (request.kind) {
    case RequestKind::kAllocate:
      if (state_ != State::kAllocating) return;
      PARLEY_LOG(kWarning, "turn") << "Allocate on " << server_ << " failed: " << what;
      CancelAllTransactions();
      permissions_.Clear();
      state_ = State::kFailed;
      events_.push_back(AllocationFailed{code, "Allocate failed: " + what});
      return;
    case RequestKind::kRefresh:
      if (state_ == State::kClosing) {
        // Whatever the answer (437 included: already gone), the allocation is done with.
        allocation_.reset();
        state_ = State::kClosed;
        return;
      }
      if (state_ != State::kAllocated || !allocation_) return;
      allocation_->refresh_in_flight = false;
      if (code == 0 && now < allocation_->expires_at) {
        // Timed out: the server may be briefly unreachable; keep trying until expiry.
        SendRefresh(now, ToSeconds(config_.requested_lifetime));
        return;
      }
      EnterFailed("Refresh failed: " + what, /*allocated=*/true);
      return;
    case RequestKind::kCreatePermission:
      if (state_ != State::kAllocated) return;
      permissions_.Remove(request.peer_ip);
      events_.push_back(
          PermissionFailed{request.peer_ip, code, "CreatePermission failed: " + what});
      return;
    case RequestKind::kChannelBind:
      if (state_ != State::kAllocated) return;
      // Data keeps flowing in Send/Data indications.
      PARLEY_LOG(kInfo, "turn") << "ChannelBind for " << request.peer << " failed: " << what;
      channels_.OnFailed(request.peer);
      return;
  }
}

void TurnClient::OnAllocateSuccess(Timestamp now, const Request& request,
                                   const stun::Message& response) {
  if (state_ != State::kAllocating) return;
  // RFC 8656 §7.3: the success response carries XOR-RELAYED-ADDRESS, LIFETIME and
  // XOR-MAPPED-ADDRESS.
  const auto relayed = response.Get<stun::XorRelayedAddress>();
  if (!relayed) {
    CancelAllTransactions();
    state_ = State::kFailed;
    events_.push_back(AllocationFailed{0, "Allocate success without XOR-RELAYED-ADDRESS"});
    return;
  }
  const auto mapped = response.Get<stun::XorMappedAddress>();
  const auto lifetime = response.Get<stun::Lifetime>();
  const TimeDelta granted = TimeDelta::Seconds(lifetime ? lifetime->value : request.lifetime);
  allocation_ = Allocation{
      relayed->address, mapped ? mapped->address : SocketAddress(), granted, {}, {}, false};
  ScheduleRefresh(request.sent, granted);
  state_ = State::kAllocated;
  PARLEY_LOG(kInfo, "turn") << "allocated " << relayed->address << " on " << server_ << " for "
                            << granted;
  events_.push_back(Allocated{allocation_->relayed, allocation_->mapped, granted});
  // Permissions asked for before the allocation existed.
  for (const IpAddress& peer : permissions_.Due(now))
    SendCreatePermission(now, peer);
}

void TurnClient::OnRefreshSuccess(Timestamp /*now*/, const Request& request,
                                  const stun::Message& response) {
  if (state_ == State::kClosing) {
    allocation_.reset();
    state_ = State::kClosed;
    return;
  }
  if (state_ != State::kAllocated || !allocation_) return;
  const auto lifetime = response.Get<stun::Lifetime>();
  const TimeDelta granted = TimeDelta::Seconds(lifetime ? lifetime->value : request.lifetime);
  ++stats_.allocation_refreshes;
  allocation_->lifetime = granted;
  ScheduleRefresh(request.sent, granted);
}

void TurnClient::ScheduleRefresh(Timestamp base, TimeDelta lifetime) {
  allocation_->expires_at = base + lifetime;
  allocation_->refresh_at =
      base + (lifetime > kRefreshMargin * 2 ? lifetime - kRefreshMargin : lifetime / 2);
  allocation_->refresh_in_flight = false;
}

// --- Timers ----------------------------------------------------------------------------------

void TurnClient::HandleTimeout(Timestamp now) {
  transactions_.HandleTimeout(now);
  ProcessTransactionEvents(now);
  RunTimers(now);
  DrainTransmissions();
}

void TurnClient::RunTimers(Timestamp now) {
  if (state_ != State::kAllocated || !allocation_) return;
  if (now >= allocation_->expires_at) {
    EnterFailed("the allocation expired without a successful Refresh", /*allocated=*/true);
    return;
  }
  if (!allocation_->refresh_in_flight && now >= allocation_->refresh_at) {
    SendRefresh(now, ToSeconds(config_.requested_lifetime));
  }
  for (const IpAddress& peer : permissions_.Due(now))
    SendCreatePermission(now, peer);
  for (const SocketAddress& peer : channels_.Due(now)) {
    if (const ChannelTable::Entry* entry = channels_.Find(peer)) {
      SendChannelBind(now, peer, entry->number);
    }
  }
}

std::optional<Timestamp> TurnClient::NextTimeout() const {
  std::optional<Timestamp> soonest = transactions_.NextTimeout();
  auto consider = [&soonest](std::optional<Timestamp> t) {
    if (t && (!soonest || *t < *soonest)) soonest = t;
  };
  if (state_ == State::kAllocated && allocation_) {
    consider(allocation_->expires_at);
    if (!allocation_->refresh_in_flight) consider(allocation_->refresh_at);
    consider(permissions_.NextRefresh());
    consider(channels_.NextRefresh());
  }
  return soonest;
}

void TurnClient::EnterFailed(const std::string& reason, bool allocated) {
  PARLEY_LOG(kWarning, "turn") << "allocation on " << server_ << " "
                               << (allocated ? "lost" : "failed") << ": " << reason;
  CancelAllTransactions();
  permissions_.Clear();
  channels_.Clear();
  allocation_.reset();
  state_ = State::kFailed;
  if (allocated) {
    events_.push_back(AllocationLost{reason});
  } else {
    events_.push_back(AllocationFailed{0, reason});
  }
}

void TurnClient::CancelAllTransactions() {
  for (const auto& [id, request] : pending_)
    transactions_.Cancel(id);
  pending_.clear();
}

}  // namespace parley::turn
