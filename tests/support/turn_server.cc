#include "support/turn_server.h"

#include <algorithm>

#include "turn/channel_data.h"

namespace parley::testing {
namespace {

using stun::Method;
namespace ec = stun::error_code;

// RFC 8656 §9: permissions last 300 s; §12: channel bindings 10 minutes.
constexpr TimeDelta kPermissionLifetime = TimeDelta::Seconds(300);
constexpr TimeDelta kChannelLifetime = TimeDelta::Seconds(600);

bool IsTurnRequest(Method method) {
  return method == Method::kAllocate || method == Method::kRefresh ||
         method == Method::kCreatePermission || method == Method::kChannelBind;
}

}  // namespace

TurnServer::TurnServer(IpAddress ip, TurnServerConfig config, Random& random)
    : ip_(ip), config_(std::move(config)), random_(random) {}

// --- Transport ---------------------------------------------------------------------------------

void TurnServer::HandleDatagram(Timestamp now, const Datagram& in) {
  if (in.destination.port() == config_.listen_port) {
    HandleClientMessage(now, ClientKey{false, in.source}, in.payload);
    return;
  }
  auto it = by_relay_port_.find(in.destination.port());
  if (it == by_relay_port_.end()) return;
  if (Allocation* allocation = FindLiveAllocation(now, it->second)) {
    HandlePeerData(now, *allocation, in);
  }
}

void TurnServer::HandleStreamMessage(Timestamp now, const SocketAddress& client, ByteView message) {
  HandleClientMessage(now, ClientKey{true, client}, message);
}

void TurnServer::HandleStreamConnected(const SocketAddress& client, StreamSink sink) {
  stream_clients_[client] = std::move(sink);
}

void TurnServer::HandleStreamClosed(const SocketAddress& client) {
  stream_clients_.erase(client);
  const ClientKey key{true, client};
  if (allocations_.contains(key)) {
    ++stats_.allocations_deleted;
    DeleteAllocation(key);
  }
}

std::optional<Datagram> TurnServer::PollTransmit() {
  if (transmit_.empty()) return std::nullopt;
  Datagram out = std::move(transmit_.front());
  transmit_.pop_front();
  return out;
}

void TurnServer::SendToClient(const ClientKey& client, Bytes message) {
  if (client.stream) {
    if (auto it = stream_clients_.find(client.address); it != stream_clients_.end()) {
      it->second(std::move(message));
    }
    return;
  }
  transmit_.push_back(Datagram{listen_address(), client.address, std::move(message)});
}

void TurnServer::Reply(const ClientKey& client, const stun::Message& response, const Auth* auth) {
  // RFC 8489 §9.2.4: responses to authenticated requests carry MESSAGE-INTEGRITY.
  SendToClient(client,
               auth != nullptr ? response.Serialize({.key = &auth->key}) : response.Serialize());
}

void TurnServer::SendError(const ClientKey& client, const stun::Message& request, uint16_t code,
                           const Auth* auth) {
  ++stats_.errors;
  Reply(client, stun::Message::ErrorResponse(request, code), auth);
}

// --- Timers ------------------------------------------------------------------------------------

void TurnServer::HandleTimeout(Timestamp now) {
  for (auto it = allocations_.begin(); it != allocations_.end();) {
    Allocation& allocation = it->second;
    if (allocation.expires <= now) {
      // RFC 8656 §7: an allocation not refreshed in time is deleted.
      ++stats_.allocations_expired;
      by_relay_port_.erase(allocation.relayed.port());
      it = allocations_.erase(it);
      continue;
    }
    std::erase_if(allocation.permissions, [now](const auto& p) { return p.second <= now; });
    std::erase_if(allocation.channels, [now](const auto& c) { return c.second.expires <= now; });
    ++it;
  }
}

std::optional<Timestamp> TurnServer::NextTimeout() const {
  std::optional<Timestamp> soonest;
  auto consider = [&soonest](Timestamp t) {
    if (!soonest || t < *soonest) soonest = t;
  };
  for (const auto& [key, allocation] : allocations_) {
    consider(allocation.expires);
    for (const auto& [peer, expires] : allocation.permissions)
      consider(expires);
    for (const auto& [number, channel] : allocation.channels)
      consider(channel.expires);
  }
  return soonest;
}

// --- Client messages ---------------------------------------------------------------------------

void TurnServer::HandleClientMessage(Timestamp now, const ClientKey& client, ByteView message) {
  if (turn::IsChannelData(message)) {
    HandleClientChannelData(now, client, message);
    return;
  }
  auto parsed = stun::Parse(message);
  if (!parsed) {
    ++stats_.dropped_malformed;
    return;
  }
  if (parsed->is_indication()) {
    if (parsed->method() == Method::kSend) {
      HandleSendIndication(now, client, *parsed);
    } else {
      ++stats_.dropped_malformed;
    }
    return;
  }
  if (!parsed->is_request()) {
    ++stats_.dropped_malformed;
    return;
  }
  HandleRequest(now, client, *parsed);
}

void TurnServer::HandleClientChannelData(Timestamp now, const ClientKey& client, ByteView message) {
  // RFC 8656 §12.4: relay the data to the peer bound to the channel (with a permission, §9).
  const auto parsed = turn::ParseChannelData(message);
  if (!parsed) {
    ++stats_.dropped_malformed;
    return;
  }
  Allocation* allocation = FindLiveAllocation(now, client);
  if (allocation == nullptr) {
    ++stats_.client_data_dropped;
    return;
  }
  auto channel = allocation->channels.find(parsed->channel);
  if (channel == allocation->channels.end() || channel->second.expires <= now ||
      !PermissionLive(*allocation, channel->second.peer.ip(), now)) {
    ++stats_.client_data_dropped;
    return;
  }
  ++stats_.channel_data_from_client;
  transmit_.push_back(Datagram{allocation->relayed, channel->second.peer,
                               Bytes(parsed->data.begin(), parsed->data.end())});
}

void TurnServer::HandleSendIndication(Timestamp now, const ClientKey& client,
                                      const stun::Message& message) {
  // RFC 8656 §11.2: relay DATA to XOR-PEER-ADDRESS if a permission allows it; else drop.
  Allocation* allocation = FindLiveAllocation(now, client);
  auto peer = message.Get<stun::XorPeerAddress>();
  auto data = message.Get<stun::Data>();
  if (allocation == nullptr || !peer || !data ||
      !PermissionLive(*allocation, peer->address.ip(), now)) {
    ++stats_.client_data_dropped;
    return;
  }
  ++stats_.send_indications;
  transmit_.push_back(Datagram{allocation->relayed, peer->address, std::move(data->value)});
}

void TurnServer::HandlePeerData(Timestamp now, Allocation& allocation, const Datagram& in) {
  // RFC 8656 §9: no permission for the peer's IP, no relaying.
  if (!PermissionLive(allocation, in.source.ip(), now)) {
    ++stats_.peer_data_filtered;
    return;
  }
  // RFC 8656 §12.7 (ChannelData when a channel is bound to the peer) / §11.3 (Data indication).
  for (const auto& [number, channel] : allocation.channels) {
    if (channel.peer == in.source && channel.expires > now) {
      ++stats_.channel_data_to_client;
      SendToClient(allocation.owner, turn::SerializeChannelData(number, in.payload));
      return;
    }
  }
  stun::Message indication = stun::Message::Indication(Method::kData, random_);
  indication.Add(stun::XorPeerAddress{in.source}).Add(stun::Data{in.payload});
  ++stats_.data_indications_to_client;
  SendToClient(allocation.owner, indication.Serialize());
}

// --- Requests ----------------------------------------------------------------------------------

void TurnServer::HandleRequest(Timestamp now, const ClientKey& client,
                               const stun::Message& request) {
  if (request.method() == Method::kBinding) {
    // A TURN server is also a STUN server: Binding needs no authentication.
    ++stats_.binding_requests;
    stun::Message response = stun::Message::SuccessResponse(request);
    response.Add(stun::XorMappedAddress{client.address});
    Reply(client, response, nullptr);
    return;
  }
  if (!IsTurnRequest(request.method())) {
    SendError(client, request, ec::kBadRequest, nullptr);
    return;
  }
  if (request.method() == Method::kAllocate && config_.alternate_server) {
    // RFC 8656 §7.2 / RFC 8489 §10: redirect before authenticating.
    ++stats_.errors;
    stun::Message response = stun::Message::ErrorResponse(request, ec::kTryAlternate);
    response.Add(stun::AlternateServer{*config_.alternate_server});
    Reply(client, response, nullptr);
    return;
  }
  const auto auth = Authenticate(now, client, request);
  if (!auth) return;
  if (auto unknown = request.UnknownComprehensionRequired(); !unknown.empty()) {
    ++stats_.errors;
    Reply(client, stun::Message::UnknownAttributesResponse(request, std::move(unknown)), &*auth);
    return;
  }
  switch (request.method()) {
    case Method::kAllocate:
      HandleAllocate(now, client, request, *auth);
      return;
    case Method::kRefresh:
      HandleRefresh(now, client, request, *auth);
      return;
    default:
      break;
  }
  // CreatePermission and ChannelBind need the client's allocation (§10.2, §12.2): else 437.
  Allocation* allocation = FindLiveAllocation(now, client);
  if (allocation == nullptr) {
    SendError(client, request, ec::kAllocationMismatch, &*auth);
    return;
  }
  // RFC 8656 §5: requests about an allocation must come from the user that made it.
  if (allocation->username != auth->username) {
    SendError(client, request, ec::kWrongCredentials, &*auth);
    return;
  }
  if (request.method() == Method::kCreatePermission) {
    HandleCreatePermission(now, *allocation, request, *auth);
  } else {
    HandleChannelBind(now, *allocation, request, *auth);
  }
}

std::optional<TurnServer::Auth> TurnServer::Authenticate(Timestamp now, const ClientKey& client,
                                                         const stun::Message& request) {
  auto challenge = [&](uint16_t code) {
    // §9.2.4: 401 and 438 carry REALM and a fresh NONCE, without integrity.
    stun::Message response = stun::Message::ErrorResponse(request, code);
    response.Add(stun::Realm{config_.realm}).Add(stun::Nonce{NewNonce(now)});
    if (code == ec::kUnauthorized) {
      ++stats_.unauthenticated;
    } else {
      ++stats_.stale_nonces;
    }
    Reply(client, response, nullptr);
    return std::nullopt;
  };
  // RFC 8489 §9.2.4, in its order: no MESSAGE-INTEGRITY → 401; missing USERNAME, REALM or NONCE
  // → 400; stale nonce → 438; unknown user or bad integrity → 401.
  if (!request.message_integrity_offset() && !request.message_integrity_sha256_offset()) {
    return challenge(ec::kUnauthorized);
  }
  const auto username = request.Get<stun::Username>();
  const auto realm = request.Get<stun::Realm>();
  const auto nonce = request.Get<stun::Nonce>();
  if (!username || !realm || !nonce) {
    SendError(client, request, ec::kBadRequest, nullptr);
    return std::nullopt;
  }
  auto issued = nonces_.find(nonce->value);
  if (issued == nonces_.end() || issued->second <= now) return challenge(ec::kStaleNonce);
  auto user = config_.users.find(username->value);
  if (user == config_.users.end() || realm->value != config_.realm) {
    return challenge(ec::kUnauthorized);
  }
  stun::IntegrityKey key =
      stun::IntegrityKey::LongTerm(username->value, realm->value, user->second);
  if (stun::VerifyIntegrity(request, key) != stun::IntegrityResult::kOk) {
    return challenge(ec::kUnauthorized);
  }
  return Auth{username->value, std::move(key)};
}

std::string TurnServer::NewNonce(Timestamp now) {
  std::erase_if(nonces_, [now](const auto& n) { return n.second <= now; });
  std::string nonce = random_.String(16, "0123456789abcdef");
  nonces_[nonce] = now + config_.nonce_lifetime;
  return nonce;
}

TimeDelta TurnServer::DesiredLifetime(const stun::Message& request, bool allocate) const {
  // RFC 8656 §7.2 / §8.2: min(requested, maximum); the default without LIFETIME. Allocate never
  // grants less than the default.
  const auto requested = request.Get<stun::Lifetime>();
  if (!requested) return config_.default_lifetime;
  const TimeDelta desired = std::min(TimeDelta::Seconds(requested->value), config_.max_lifetime);
  if (allocate && desired < config_.default_lifetime) return config_.default_lifetime;
  return desired;
}

void TurnServer::HandleAllocate(Timestamp now, const ClientKey& client,
                                const stun::Message& request, const Auth& auth) {
  // RFC 8656 §7.2.
  if (Allocation* existing = FindLiveAllocation(now, client)) {
    // A retransmission of the request that made it gets the same answer; anything else 437.
    if (existing->allocate_id == request.transaction_id()) {
      SendToClient(client, existing->allocate_response);
    } else {
      SendError(client, request, ec::kAllocationMismatch, &auth);
    }
    return;
  }
  const auto transport = request.Get<stun::RequestedTransport>();
  if (!transport) {
    SendError(client, request, ec::kBadRequest, &auth);
    return;
  }
  if (transport->protocol != stun::RequestedTransport::kUdp) {
    SendError(client, request, ec::kUnsupportedTransportProtocol, &auth);
    return;
  }
  if (auto family = request.Get<stun::RequestedAddressFamily>();
      family && family->family != ip_.family()) {
    SendError(client, request, ec::kAddressFamilyNotSupported, &auth);
    return;
  }
  const auto port = NextRelayPort();
  if (!port) {
    SendError(client, request, ec::kInsufficientCapacity, &auth);
    return;
  }
  Allocation allocation;
  allocation.owner = client;
  allocation.relayed = SocketAddress(ip_, *port);
  allocation.username = auth.username;
  allocation.key = auth.key;
  const TimeDelta lifetime = DesiredLifetime(request, /*allocate=*/true);
  allocation.expires = now + lifetime;
  allocation.allocate_id = request.transaction_id();

  stun::Message response = stun::Message::SuccessResponse(request);
  response.Add(stun::XorRelayedAddress{allocation.relayed})
      .Add(stun::Lifetime{static_cast<uint32_t>(lifetime.us() / 1'000'000)})
      .Add(stun::XorMappedAddress{client.address});
  allocation.allocate_response = response.Serialize({.key = &auth.key});
  ++stats_.allocations_created;
  by_relay_port_[*port] = client;
  Bytes wire = allocation.allocate_response;
  allocations_[client] = std::move(allocation);
  SendToClient(client, std::move(wire));
}

void TurnServer::HandleRefresh(Timestamp now, const ClientKey& client, const stun::Message& request,
                               const Auth& auth) {
  // RFC 8656 §8.2.
  Allocation* allocation = FindLiveAllocation(now, client);
  if (allocation == nullptr) {
    SendError(client, request, ec::kAllocationMismatch, &auth);
    return;
  }
  if (allocation->username != auth.username) {
    SendError(client, request, ec::kWrongCredentials, &auth);
    return;
  }
  const TimeDelta lifetime = DesiredLifetime(request, /*allocate=*/false);
  if (lifetime <= TimeDelta::Zero()) {
    ++stats_.allocations_deleted;
    DeleteAllocation(client);
  } else {
    ++stats_.refreshes;
    allocation->expires = now + lifetime;
  }
  stun::Message response = stun::Message::SuccessResponse(request);
  response.Add(stun::Lifetime{static_cast<uint32_t>(lifetime.us() / 1'000'000)});
  Reply(client, response, &auth);
}

void TurnServer::HandleCreatePermission(Timestamp now, Allocation& allocation,
                                        const stun::Message& request, const Auth& auth) {
  // RFC 8656 §10.2: every XOR-PEER-ADDRESS gets (or refreshes) a 300 s permission.
  const auto peers = request.GetAll<stun::XorPeerAddress>();
  if (peers.empty()) {
    SendError(allocation.owner, request, ec::kBadRequest, &auth);
    return;
  }
  for (const auto& peer : peers) {
    if (peer.address.family() != allocation.relayed.family()) {
      SendError(allocation.owner, request, ec::kPeerAddressFamilyMismatch, &auth);
      return;
    }
  }
  for (const auto& peer : peers)
    allocation.permissions[peer.address.ip()] = now + kPermissionLifetime;
  ++stats_.permissions_installed;
  Reply(allocation.owner, stun::Message::SuccessResponse(request), &auth);
}

void TurnServer::HandleChannelBind(Timestamp now, Allocation& allocation,
                                   const stun::Message& request, const Auth& auth) {
  // RFC 8656 §12.2.
  const auto number = request.Get<stun::ChannelNumber>();
  const auto peer = request.Get<stun::XorPeerAddress>();
  if (!number || !turn::IsValidChannelNumber(number->number) || !peer) {
    SendError(allocation.owner, request, ec::kBadRequest, &auth);
    return;
  }
  if (peer->address.family() != allocation.relayed.family()) {
    SendError(allocation.owner, request, ec::kPeerAddressFamilyMismatch, &auth);
    return;
  }
  // The channel must be unbound or bound to this peer, and the peer bound to no other channel.
  for (const auto& [bound_number, channel] : allocation.channels) {
    if (channel.expires <= now) continue;
    if ((bound_number == number->number) != (channel.peer == peer->address)) {
      SendError(allocation.owner, request, ec::kBadRequest, &auth);
      return;
    }
  }
  allocation.channels[number->number] = Channel{peer->address, now + kChannelLifetime};
  // §12.2: binding also installs or refreshes the peer's permission.
  allocation.permissions[peer->address.ip()] = now + kPermissionLifetime;
  ++stats_.channel_binds;
  Reply(allocation.owner, stun::Message::SuccessResponse(request), &auth);
}

// --- Bookkeeping -------------------------------------------------------------------------------

TurnServer::Allocation* TurnServer::FindLiveAllocation(Timestamp now, const ClientKey& client) {
  auto it = allocations_.find(client);
  if (it == allocations_.end()) return nullptr;
  if (it->second.expires <= now) {
    ++stats_.allocations_expired;
    DeleteAllocation(client);
    return nullptr;
  }
  return &it->second;
}

bool TurnServer::PermissionLive(const Allocation& allocation, const IpAddress& peer,
                                Timestamp now) {
  auto it = allocation.permissions.find(peer);
  return it != allocation.permissions.end() && it->second > now;
}

void TurnServer::DeleteAllocation(const ClientKey& client) {
  auto it = allocations_.find(client);
  if (it == allocations_.end()) return;
  by_relay_port_.erase(it->second.relayed.port());
  allocations_.erase(it);
}

std::optional<uint16_t> TurnServer::NextRelayPort() {
  const uint32_t count = uint32_t{config_.relay_port_max} - config_.relay_port_min + 1;
  for (uint32_t i = 0; i < count; ++i) {
    const auto port = static_cast<uint16_t>(config_.relay_port_min + next_relay_port_ % count);
    ++next_relay_port_;
    if (port != config_.listen_port && !by_relay_port_.contains(port)) return port;
  }
  return std::nullopt;
}

bool TurnServer::HasAllocation(const SocketAddress& relayed) const {
  return relayed.ip() == ip_ && by_relay_port_.contains(relayed.port());
}

std::optional<Timestamp> TurnServer::AllocationExpiry(const SocketAddress& relayed) const {
  if (!HasAllocation(relayed)) return std::nullopt;
  return allocations_.at(by_relay_port_.at(relayed.port())).expires;
}

bool TurnServer::HasPermission(const SocketAddress& relayed, const IpAddress& peer) const {
  if (!HasAllocation(relayed)) return false;
  return allocations_.at(by_relay_port_.at(relayed.port())).permissions.contains(peer);
}

std::optional<uint16_t> TurnServer::ChannelFor(const SocketAddress& relayed,
                                               const SocketAddress& peer) const {
  if (!HasAllocation(relayed)) return std::nullopt;
  for (const auto& [number, channel] :
       allocations_.at(by_relay_port_.at(relayed.port())).channels) {
    if (channel.peer == peer) return number;
  }
  return std::nullopt;
}

}  // namespace parley::testing
