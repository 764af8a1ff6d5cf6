#include "ice/gatherer.h"

#include <algorithm>

#include "base/logging.h"
#include "ice/queue.h"

namespace parley::ice {
namespace {

// RFC 8489 §6.2.1 schedule shortened as browsers do (Chromium gives up on a STUN server after
// about 9.5 s): sends at 0, 0.5, 1.5, 3.5, 7.5 s and a timeout at 9.5 s.
stun::RetransmissionConfig ReflexiveRetransmission() {
  stun::RetransmissionConfig config;
  config.initial_rto = TimeDelta::Millis(500);
  config.max_transmissions = 5;
  config.final_wait_multiplier = 4;
  return config;
}

RelayProtocol ToRelayProtocol(turn::Transport transport) {
  switch (transport) {
    case turn::Transport::kUdp:
      return RelayProtocol::kUdp;
    case turn::Transport::kTcp:
      return RelayProtocol::kTcp;
    case turn::Transport::kTls:
      return RelayProtocol::kTls;
  }
  return RelayProtocol::kUdp;
}

}  // namespace

Gatherer::Gatherer(const AgentConfig& config, Random& random)
    : config_(config), random_(random), transactions_(ReflexiveRetransmission()) {}

Gatherer::~Gatherer() = default;

void Gatherer::Start(Timestamp now) {
  if (state_ != GatheringState::kNew || closed_) return;
  state_ = GatheringState::kGathering;
  if (config_.policy == TransportPolicy::kAll) {
    AddHostCandidates();
    StartReflexiveQueries(now);
  }
  StartRelays(now);
  PumpTransactions();
  PumpRelays(now);
  UpdateState();
}

void Gatherer::Close(Timestamp now) {
  if (closed_) return;
  closed_ = true;
  for (auto& [id, query] : queries_)
    transactions_.Cancel(id);
  queries_.clear();
  for (Relay& relay : relays_)
    relay.connection->Close(now);
  PumpRelays(now);
  if (state_ == GatheringState::kGathering) state_ = GatheringState::kComplete;
}

void Gatherer::AddHostCandidates() {
  for (size_t i = 0; i < config_.local_sockets.size(); ++i) {
    const SocketAddress& socket = config_.local_sockets[i];
    const int iface = static_cast<int>(i);
    LocalCandidateInfo info;
    // RFC 8445 §5.1.1.1 host candidate; §5.1.2 priority; §5.1.1.3 foundation.
    info.candidate = Candidate::Make(
        ComputeFoundation(CandidateType::kHost, socket.ip(), std::nullopt), CandidateType::kHost,
        CandidatePriority(CandidateType::kHost, LocalPreference(socket.ip(), iface)), socket);
    info.address = socket;
    info.base = socket;
    info.interface_index = iface;
    AddCandidate(std::move(info));
  }
}

void Gatherer::StartReflexiveQueries(Timestamp now) {
  // §5.1.1.2: a Binding request from each host base to each STUN server of its family.
  for (size_t base = 0; base < candidates_.size(); ++base) {
    if (candidates_[base].candidate.type != CandidateType::kHost) continue;
    for (const SocketAddress& server : config_.stun_servers) {
      if (server.family() != candidates_[base].base.family()) continue;
      stun::Message request = stun::Message::Request(stun::Method::kBinding, random_);
      Datagram datagram{candidates_[base].base, server, request.Serialize({.fingerprint = true})};
      if (auto id = transactions_.Start(now, std::move(datagram))) {
        queries_[*id] = {base, server};
      }
    }
  }
}

void Gatherer::StartRelays(Timestamp now) {
  // §5.1.1.2: an allocation per TURN server per base that can reach it. A UDP allocation is
  // made from every socket of the server's family; TCP and TLS ones (whose local socket the
  // runtime chooses) once per server, from the first socket of its family.
  for (const turn::ServerConfig& server : config_.turn_servers) {
    for (size_t i = 0; i < config_.local_sockets.size(); ++i) {
      const SocketAddress& socket = config_.local_sockets[i];
      if (socket.family() != server.server.family()) continue;
      Relay relay;
      relay.connection = std::make_unique<turn::RelayConnection>(server, socket, random_);
      relay.base = i;
      relays_.push_back(std::move(relay));
      relays_.back().connection->Start(now);
      if (server.transport != turn::Transport::kUdp) break;
    }
  }
}

std::optional<size_t> Gatherer::AddCandidate(LocalCandidateInfo info) {
  // §5.1.3: a server-reflexive candidate equal to its base adds nothing (no NAT).
  if (info.candidate.type == CandidateType::kServerReflexive && info.address == info.base) {
    return std::nullopt;
  }
  if (Find(info.address, info.base)) return std::nullopt;
  candidates_.push_back(std::move(info));
  const size_t index = candidates_.size() - 1;
  if (candidates_[index].signaled) Push(events_, CandidateGathered{index});
  return index;
}

size_t Gatherer::AddPeerReflexive(const SocketAddress& mapped, size_t base_index,
                                  uint32_t priority) {
  const LocalCandidateInfo& base = candidates_[base_index];
  if (auto existing = Find(mapped, base.base)) return *existing;
  LocalCandidateInfo info;
  // §7.2.5.3.1: priority from the check's PRIORITY; foundation per §5.1.1.3.
  info.candidate = Candidate::Make(
      ComputeFoundation(CandidateType::kPeerReflexive, base.base.ip(), std::nullopt),
      CandidateType::kPeerReflexive, priority, mapped, base.base);
  info.address = mapped;
  info.base = base.base;
  info.relay = base.relay;
  info.interface_index = base.interface_index;
  info.signaled = false;
  candidates_.push_back(std::move(info));
  return candidates_.size() - 1;
}

std::optional<size_t> Gatherer::Find(const SocketAddress& address,
                                     const SocketAddress& base) const {
  for (size_t i = 0; i < candidates_.size(); ++i) {
    if (candidates_[i].address == address && candidates_[i].base == base) return i;
  }
  return std::nullopt;
}

std::optional<size_t> Gatherer::FindHostBase(const SocketAddress& destination) const {
  std::optional<size_t> wildcard;
  for (size_t i = 0; i < candidates_.size(); ++i) {
    const LocalCandidateInfo& c = candidates_[i];
    if (c.candidate.type != CandidateType::kHost) continue;
    if (c.base == destination) return i;
    if (!wildcard && c.base.ip().IsAny() && c.base.port() == destination.port() &&
        c.base.family() == destination.family()) {
      wildcard = i;
    }
  }
  return wildcard;
}

uint32_t Gatherer::PeerReflexivePriority(size_t base_index) const {
  // §7.1.1: the base's priority with the peer-reflexive type preference.
  const uint32_t priority = candidates_[base_index].candidate.priority;
  return (kTypePreferencePeerReflexive << 24) | (priority & 0x00FFFFFF);
}

bool Gatherer::HandleRelayDatagram(Timestamp now, const Datagram& in) {
  // A TURN server is often our STUN server too: its answers to our Binding requests are ours.
  if (stun::IsStun(in.payload)) {
    stun::TransactionId id;
    std::copy(in.payload.begin() + 8, in.payload.begin() + 20, id.begin());
    if (queries_.contains(id)) return false;
  }
  for (Relay& relay : relays_) {
    if (relay.connection->transport() == turn::Transport::kUdp &&
        relay.connection->IsFromServer(in)) {
      relay.connection->HandleDatagram(now, in);
      PumpRelays(now);
      return true;
    }
  }
  return false;
}

bool Gatherer::HandleStunResponse(Timestamp now, const stun::Message& response,
                                  const SocketAddress& source, const SocketAddress& destination) {
  auto it = queries_.find(response.transaction_id());
  if (it == queries_.end()) return false;
  // The response must come from the server we asked, to the base we asked from.
  const ReflexiveQuery query = it->second;
  if (source != query.server || candidates_[query.base].base != destination) return false;
  if (!transactions_.HandleResponse(now, response)) return false;
  queries_.erase(it);
  PumpTransactions();
  if (response.is_success_response()) {
    std::optional<SocketAddress> mapped;
    if (auto xor_mapped = response.Get<stun::XorMappedAddress>()) {
      mapped = xor_mapped->address;
    } else if (auto plain = response.Get<stun::MappedAddress>()) {
      mapped = plain->address;  // RFC 5389 §15.1 servers from before XOR-MAPPED-ADDRESS.
    }
    if (mapped) OnReflexiveAddress(query.base, query.server, *mapped);
  } else {
    PARLEY_LOG(kInfo, "ice") << "STUN server " << query.server << " refused Binding";
  }
  UpdateState();
  return true;
}

void Gatherer::OnReflexiveAddress(size_t base, const SocketAddress& server,
                                  const SocketAddress& mapped) {
  if (config_.policy != TransportPolicy::kAll || closed_) return;
  const LocalCandidateInfo& host = candidates_[base];
  if (mapped.family() != host.base.family()) return;
  LocalCandidateInfo info;
  // §5.1.1.2 server-reflexive candidate; related address = its base (RFC 8839 §5.1).
  info.candidate = Candidate::Make(
      ComputeFoundation(CandidateType::kServerReflexive, host.base.ip(), server.ip()),
      CandidateType::kServerReflexive,
      CandidatePriority(CandidateType::kServerReflexive,
                        LocalPreference(host.base.ip(), host.interface_index)),
      mapped, host.base);
  info.address = mapped;
  info.base = host.base;
  info.interface_index = host.interface_index;
  AddCandidate(std::move(info));
}

void Gatherer::HandleStreamConnected(Timestamp now, uint64_t connection) {
  if (connection == 0 || connection > relays_.size()) return;
  relays_[connection - 1].connection->HandleStreamConnected(now);
  PumpRelays(now);
}

void Gatherer::HandleStreamData(Timestamp now, uint64_t connection, ByteView data) {
  if (connection == 0 || connection > relays_.size()) return;
  relays_[connection - 1].connection->HandleStreamData(now, data);
  PumpRelays(now);
}

void Gatherer::HandleStreamClosed(Timestamp now, uint64_t connection, std::string reason) {
  if (connection == 0 || connection > relays_.size()) return;
  relays_[connection - 1].connection->HandleStreamClosed(now, std::move(reason));
  PumpRelays(now);
}

void Gatherer::HandleTimeout(Timestamp now) {
  transactions_.HandleTimeout(now);
  PumpTransactions();
  for (Relay& relay : relays_) {
    if (auto next = relay.connection->NextTimeout(); next && *next <= now) {
      relay.connection->HandleTimeout(now);
    }
  }
  PumpRelays(now);
}

std::optional<Timestamp> Gatherer::NextTimeout() const {
  std::optional<Timestamp> next = transactions_.NextTimeout();
  for (const Relay& relay : relays_) {
    if (auto t = relay.connection->NextTimeout(); t && (!next || *t < *next)) next = t;
  }
  return next;
}

std::optional<Transmit> Gatherer::PollTransmit() {
  return Pop(transmits_);
}

std::optional<GathererEvent> Gatherer::PollEvent() {
  return Pop(events_);
}

void Gatherer::PumpTransactions() {
  while (auto datagram = transactions_.PollTransmit())
    Push(transmits_, std::move(*datagram));
  while (auto event = transactions_.PollEvent()) {
    if (auto* timeout = std::get_if<stun::TransactionTimeout>(&*event)) {
      auto it = queries_.find(timeout->id);
      if (it != queries_.end()) {
        PARLEY_LOG(kInfo, "ice") << "STUN server " << it->second.server << " did not answer";
        queries_.erase(it);
      }
    }
  }
  UpdateState();
}

void Gatherer::PumpRelays(Timestamp now) {
  for (size_t r = 0; r < relays_.size(); ++r) {
    Relay& relay = relays_[r];
    while (auto output = relay.connection->PollNetwork()) {
      const uint64_t id = RelayConnectionId(r);
      if (auto* datagram = std::get_if<Datagram>(&*output)) {
        Push(transmits_, std::move(*datagram));
      } else if (auto* connect = std::get_if<turn::StreamConnect>(&*output)) {
        Push(transmits_, StreamConnect{id, connect->remote});
      } else if (auto* send = std::get_if<turn::StreamSend>(&*output)) {
        Push(transmits_, StreamSend{id, std::move(send->data)});
      } else {
        Push(transmits_, StreamClose{id});
      }
    }
    while (auto event = relay.connection->PollEvent()) {
      if (auto* allocated = std::get_if<turn::Allocated>(&*event)) {
        relay.done = true;
        if (closed_ || relay.candidate) continue;
        const SocketAddress& socket = config_.local_sockets[relay.base];
        const turn::ServerConfig& server = relay.connection->client().config();
        const RelayProtocol protocol = ToRelayProtocol(server.transport);
        LocalCandidateInfo info;
        // §5.1.1.2 relayed candidate: base = itself; related address = the mapped address.
        info.candidate = Candidate::Make(
            ComputeFoundation(CandidateType::kRelay, socket.ip(), server.server.ip(),
                              TransportProtocol::kUdp, protocol),
            CandidateType::kRelay,
            CandidatePriority(
                CandidateType::kRelay,
                LocalPreference(allocated->relayed.ip(), static_cast<int>(relay.base), protocol)),
            allocated->relayed, allocated->mapped);
        info.address = allocated->relayed;
        info.base = allocated->relayed;
        info.relay = r;
        info.interface_index = static_cast<int>(relay.base);
        relay.candidate = AddCandidate(std::move(info));
        // The mapped address of a UDP allocation is a server-reflexive candidate too.
        if (server.transport == turn::Transport::kUdp) {
          if (auto host = FindHostBase(socket)) {
            OnReflexiveAddress(*host, server.server, allocated->mapped);
          }
        }
      } else if (auto* failed = std::get_if<turn::AllocationFailed>(&*event)) {
        relay.done = true;
        PARLEY_LOG(kWarning, "ice") << "TURN allocation on " << relay.connection->client().server()
                                    << " failed: " << failed->error_code << " " << failed->reason;
      } else if (auto* data = std::get_if<turn::PeerData>(&*event)) {
        if (relay.candidate) {
          Push(events_, RelayedData{*relay.candidate, data->peer, std::move(data->data)});
        }
      } else if (auto* permission = std::get_if<turn::PermissionFailed>(&*event)) {
        PARLEY_LOG(kInfo, "ice") << "TURN permission for " << permission->peer
                                 << " failed: " << permission->error_code;
      } else if (auto* lost = std::get_if<turn::AllocationLost>(&*event)) {
        relay.done = true;
        PARLEY_LOG(kWarning, "ice") << "TURN allocation lost: " << lost->reason;
        if (relay.candidate) {
          candidates_[*relay.candidate].usable = false;
          Push(events_, RelayLost{*relay.candidate});
        }
      }
    }
  }
  (void)now;
  UpdateState();
}

void Gatherer::UpdateState() {
  if (state_ != GatheringState::kGathering) return;
  const bool relays_done =
      std::all_of(relays_.begin(), relays_.end(), [](const Relay& r) { return r.done; });
  if (queries_.empty() && relays_done) state_ = GatheringState::kComplete;
}

Result<void> Gatherer::SendFromRelay(Timestamp now, size_t candidate, const SocketAddress& peer,
                                     ByteView data) {
  const auto& relay_index = candidates_[candidate].relay;
  if (!relay_index || !candidates_[candidate].usable) {
    return InvalidStateError("the relayed candidate has no allocation");
  }
  Result<void> result = relays_[*relay_index].connection->SendTo(now, peer, data);
  PumpRelays(now);
  return result;
}

void Gatherer::CreatePermission(Timestamp now, size_t candidate, const IpAddress& peer) {
  const auto& relay_index = candidates_[candidate].relay;
  if (!relay_index || !candidates_[candidate].usable) return;
  relays_[*relay_index].connection->CreatePermission(now, peer);
  PumpRelays(now);
}

bool Gatherer::HasPermission(size_t candidate, const IpAddress& peer) const {
  const auto& relay_index = candidates_[candidate].relay;
  if (!relay_index || !candidates_[candidate].usable) return false;
  return relays_[*relay_index].connection->client().HasPermission(peer);
}

}  // namespace parley::ice
