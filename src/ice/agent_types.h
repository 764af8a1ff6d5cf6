// The ICE agent's vocabulary: configuration, states, events, network outputs and statistics
// (RFC 8445, RFC 8838, RFC 7675; states as the W3C WebRTC RTCIceTransportState).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/byte_io.h"
#include "base/datagram.h"
#include "base/socket_address.h"
#include "base/time.h"
#include "ice/candidate.h"
#include "turn/turn_types.h"

namespace parley::ice {

// RFC 8445 §6.1.1.
enum class Role { kControlling, kControlled };

// RTCIceTransportState / RTCIceConnectionState meanings:
//   kNew           no remote credentials or candidates yet
//   kChecking      checking, no usable pair yet
//   kConnected     a usable (valid) pair is selected
//   kCompleted     a nominated pair is selected, both sides' candidates are all in
//                  (gathering complete, end-of-candidates received) and no check is pending
//   kFailed        every pair failed (after end-of-candidates or a grace period), or consent
//                  expired (RFC 7675 §5.1)
//   kDisconnected  no response on the selected pair for AgentConfig::disconnected_timeout
//   kClosed        Close() was called
enum class ConnectionState {
  kNew,
  kChecking,
  kConnected,
  kCompleted,
  kFailed,
  kDisconnected,
  kClosed
};
enum class GatheringState { kNew, kGathering, kComplete };
// RTCIceTransportPolicy: "all", or "relay" (gather and pair only relayed candidates).
enum class TransportPolicy { kAll, kRelay };

std::string_view ToString(Role role);
std::string_view ToString(ConnectionState state);
std::string_view ToString(GatheringState state);
std::ostream& operator<<(std::ostream& os, Role role);
std::ostream& operator<<(std::ostream& os, ConnectionState state);
std::ostream& operator<<(std::ostream& os, GatheringState state);

// RFC 8839 §5.4: ice-ufrag (4..256 ice-chars) and ice-pwd (22..256 ice-chars).
struct Credentials {
  std::string ufrag;
  std::string pwd;
  bool operator==(const Credentials&) const = default;
};

struct AgentConfig {
  Role role = Role::kControlling;
  // UDP sockets already bound by the runtime or the simulator: the host candidates' bases.
  std::vector<SocketAddress> local_sockets{};
  std::vector<SocketAddress> stun_servers{};
  std::vector<turn::ServerConfig> turn_servers{};
  TransportPolicy policy = TransportPolicy::kAll;
  // RFC 8445 §14.2 Ta: one check per Ta. The first check goes out at once.
  TimeDelta check_pacing = TimeDelta::Millis(5);
  // No response on the selected pair for this long: kDisconnected (as browsers do).
  TimeDelta disconnected_timeout = TimeDelta::Seconds(5);
  // RFC 7675 §5.1: no response for this long: consent lost, no more data, kFailed.
  TimeDelta consent_timeout = TimeDelta::Seconds(30);
  // RFC 8445 §11: a Binding indication when nothing was sent on the selected pair for this long.
  TimeDelta keepalive_interval = TimeDelta::Seconds(15);
  // Generated from the agent's Random when absent (ufrag 8, pwd 24 ice-chars).
  std::optional<Credentials> local_credentials{};
  // We nominate regularly (RFC 8445 §8.1.1); true puts USE-CANDIDATE on every check we send as
  // the controlling agent. Aggressive nomination from a peer is always accepted.
  bool aggressive_nomination = false;
};

// Events (drain with Agent::PollEvent()).
struct LocalCandidate {  // Trickle it (RFC 8838 §4).
  Candidate candidate;
};
struct GatheringStateChanged {
  GatheringState state;
};
struct ConnectionStateChanged {
  ConnectionState state;
};
struct SelectedPairChanged {
  Candidate local;
  Candidate remote;
};
// A non-STUN datagram on a valid pair (DTLS, RTP, ... for the layers above).
struct DataReceived {
  Bytes data;
  SocketAddress from;
};
struct RoleChanged {  // After a role conflict (RFC 8445 §7.2.5.1, §7.3.1.1).
  Role role;
};
using Event = std::variant<LocalCandidate, GatheringStateChanged, ConnectionStateChanged,
                           SelectedPairChanged, DataReceived, RoleChanged>;

// Network outputs: UDP datagrams, plus stream operations for TURN over TCP/TLS. Connection ids
// are the agent's; the runtime reports back with Agent::HandleStream*.
struct StreamConnect {
  uint64_t connection = 0;
  SocketAddress remote;
};
struct StreamSend {
  uint64_t connection = 0;
  Bytes data;
};
struct StreamClose {
  uint64_t connection = 0;
};
using Transmit = std::variant<Datagram, StreamConnect, StreamSend, StreamClose>;

// RFC 8445 §6.1.2.6.
enum class PairState { kFrozen, kWaiting, kInProgress, kSucceeded, kFailed };
std::string_view ToString(PairState state);
std::ostream& operator<<(std::ostream& os, PairState state);

struct CandidatePairStats {
  Candidate local;  // As the peer sees it (a peer-reflexive one once a check learned it).
  Candidate remote;
  PairState state = PairState::kFrozen;
  bool nominated = false;
  bool selected = false;
  uint64_t priority = 0;
  uint64_t requests_sent = 0;  // Connectivity checks, retransmissions included.
  uint64_t requests_received = 0;
  uint64_t responses_sent = 0;
  uint64_t responses_received = 0;
  uint64_t consent_requests_sent = 0;
  uint64_t keepalives_sent = 0;
  std::optional<TimeDelta> current_rtt;  // Of the latest unambiguous check (Karn).
  TimeDelta total_rtt = TimeDelta::Zero();
  uint64_t rtt_samples = 0;
  uint64_t packets_sent = 0;  // Application data (Agent::Send).
  uint64_t packets_received = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  std::optional<Timestamp> last_response_received;
};

struct AgentStats {
  std::vector<CandidatePairStats> pairs;  // Current (and, during a restart, previous) session.
  uint64_t dropped_malformed = 0;         // Unparseable STUN or DNS, bad FINGERPRINT.
  uint64_t dropped_bad_integrity = 0;     // MESSAGE-INTEGRITY failed, missing, or wrong USERNAME.
  uint64_t dropped_unknown = 0;           // From nowhere we know, unexpected STUN, stale responses.
  uint64_t role_conflicts = 0;            // 487s sent or received, and role switches.
  uint64_t checks_answered = 0;           // Authenticated Binding requests we answered.
  uint64_t local_candidates = 0;
  uint64_t remote_candidates = 0;
};

}  // namespace parley::ice
