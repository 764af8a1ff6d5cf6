// Candidate gathering (RFC 8445 §5.1.1): host candidates for the local sockets, server-reflexive
// ones from STUN Binding transactions (RFC 8489 §6.2.1, retransmitted), relayed ones from TURN
// allocations (turn::RelayConnection, one per TURN server per suitable base), with redundant
// candidates pruned (§5.1.3). Also owns the relay connections after gathering, since relayed
// pairs send through them. Sans-IO: outputs are queued for the agent to drain.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/random.h"
#include "ice/agent_types.h"
#include "ice/candidate.h"
#include "ice/priority.h"
#include "stun/message.h"
#include "stun/transaction.h"
#include "turn/relay_connection.h"

namespace parley::ice {

struct LocalCandidateInfo {
  Candidate candidate;  // As trickled (without session extensions).
  SocketAddress address;
  // Host/server-reflexive/peer-reflexive: the local socket. Relayed: the relayed address.
  SocketAddress base;
  std::optional<size_t> relay;  // The RelayConnection of a relayed candidate.
  int interface_index = 0;
  bool signaled = true;  // False for peer-reflexive ones (learned, never trickled).
  bool usable = true;    // False once its relay allocation is lost.
};

// A candidate was added to candidates() (host, server-reflexive or relayed: trickle it).
struct CandidateGathered {
  size_t index;
};
// Data a relay received from `peer` for its relayed candidate.
struct RelayedData {
  size_t candidate;  // The relayed candidate's index.
  SocketAddress peer;
  Bytes data;
};
// A relayed candidate can no longer be used (AllocationLost).
struct RelayLost {
  size_t candidate;
};
using GathererEvent = std::variant<CandidateGathered, RelayedData, RelayLost>;

class Gatherer {
 public:
  Gatherer(const AgentConfig& config, Random& random);
  ~Gatherer();
  Gatherer(const Gatherer&) = delete;
  Gatherer& operator=(const Gatherer&) = delete;

  void Start(Timestamp now);
  void Close(Timestamp now);
  GatheringState state() const { return state_; }

  const std::vector<LocalCandidateInfo>& candidates() const { return candidates_; }
  // §7.2.5.3.1: a peer-reflexive local candidate for `mapped` with base `base_index`; returns
  // the existing candidate when one has that address and base already.
  size_t AddPeerReflexive(const SocketAddress& mapped, size_t base_index, uint32_t priority);
  // The candidate with this transport address and base.
  std::optional<size_t> Find(const SocketAddress& address, const SocketAddress& base) const;
  // The host candidate whose socket received a datagram sent to `destination` (exact, or a
  // wildcard socket of the same port and family).
  std::optional<size_t> FindHostBase(const SocketAddress& destination) const;
  // The PRIORITY to send in checks from this base (§7.1.1: as a peer-reflexive candidate).
  uint32_t PeerReflexivePriority(size_t base_index) const;

  // Network input. Returns true when the datagram was for a relay connection (TURN server).
  bool HandleRelayDatagram(Timestamp now, const Datagram& in);
  // A STUN response from `source` to our socket `destination`; true when it answered one of
  // our Binding requests to a STUN server.
  bool HandleStunResponse(Timestamp now, const stun::Message& response, const SocketAddress& source,
                          const SocketAddress& destination);
  void HandleStreamConnected(Timestamp now, uint64_t connection);
  void HandleStreamData(Timestamp now, uint64_t connection, ByteView data);
  void HandleStreamClosed(Timestamp now, uint64_t connection, std::string reason);
  void HandleTimeout(Timestamp now);
  std::optional<Timestamp> NextTimeout() const;
  std::optional<Transmit> PollTransmit();
  std::optional<GathererEvent> PollEvent();

  // Relayed candidates send through their relay (RFC 8656 §10: Send indications / channels).
  Result<void> SendFromRelay(Timestamp now, size_t candidate, const SocketAddress& peer,
                             ByteView data);
  void CreatePermission(Timestamp now, size_t candidate, const IpAddress& peer);
  bool HasPermission(size_t candidate, const IpAddress& peer) const;

 private:
  struct ReflexiveQuery {
    size_t base;  // Host candidate index.
    SocketAddress server;
  };
  struct Relay {
    std::unique_ptr<turn::RelayConnection> connection;
    size_t base;  // Host socket index in config.local_sockets.
    bool done = false;
    std::optional<size_t> candidate;  // Its relayed candidate, once allocated.
  };

  void AddHostCandidates();
  void StartReflexiveQueries(Timestamp now);
  void StartRelays(Timestamp now);
  // Adds a candidate unless redundant (§5.1.3: same address and base as one we have, or a
  // server-reflexive candidate equal to its base). Returns its index when added.
  std::optional<size_t> AddCandidate(LocalCandidateInfo info);
  void OnReflexiveAddress(size_t base, const SocketAddress& server, const SocketAddress& mapped);
  // Drains relay outputs and events (after any input to a relay).
  void PumpRelays(Timestamp now);
  void PumpTransactions();
  void UpdateState();

  AgentConfig config_;
  Random& random_;
  GatheringState state_ = GatheringState::kNew;
  bool closed_ = false;
  std::vector<LocalCandidateInfo> candidates_;
  stun::TransactionTable transactions_;
  std::map<stun::TransactionId, ReflexiveQuery> queries_;
  std::vector<Relay> relays_;
  std::deque<Transmit> transmits_;
  std::deque<GathererEvent> events_;
};

// The stream connection id the agent uses for relay `index` (TURN over TCP/TLS).
inline uint64_t RelayConnectionId(size_t index) {
  return static_cast<uint64_t>(index) + 1;
}

}  // namespace parley::ice
