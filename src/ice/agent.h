// The ICE agent (RFC 8445 full implementation, RFC 8838 trickle, RFC 7675 consent freshness),
// for one data stream with one component (BUNDLE and rtcp-mux, as browsers negotiate). A
// sans-IO machine:
//
//   Agent agent(config, random);
//   agent.StartGathering(now);                    // trickle LocalCandidate events to the peer
//   agent.SetRemoteCredentials(now, {ufrag, pwd}); // from the remote description
//   agent.AddRemoteCandidate(now, candidate);      // trickled, before or after the credentials
//   ... HandleDatagram / HandleTimeout / Handle* ...
//   drain PollTransmit() and PollEvent() after every call, then wake at NextTimeout().
//
// Gathering (host, server-reflexive via STUN, relayed via TURN) runs alongside the checks.
// Checks are paced one per Ta (the first goes out at once); the controlling agent nominates the
// best valid pair once the checks that could beat it have settled, or after a short wait, and
// renominates if a better pair succeeds later (browsers accept that); the controlled agent
// accepts regular and aggressive nomination. The selected pair (nominated, else the best valid
// one) carries application data; consent checks (RFC 7675) keep it alive and detect loss.
//
// Checks failing MESSAGE-INTEGRITY or with a USERNAME not ours are dropped silently and counted:
// without the password nobody can select a pair, nominate or change our state.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/byte_io.h"
#include "base/datagram.h"
#include "base/random.h"
#include "base/time.h"
#include "ice/agent_types.h"
#include "ice/candidate.h"
#include "ice/checklist.h"
#include "ice/consent.h"
#include "ice/gatherer.h"
#include "ice/mdns_resolver.h"
#include "parley/result.h"
#include "stun/message.h"
#include "stun/transaction.h"

namespace parley::ice {

class Agent {
 public:
  using Stats = AgentStats;

  // The controlling agent waits this long after its first valid pair for better pairs to
  // succeed before it nominates (it nominates at once when nothing better is pending).
  static constexpr TimeDelta kNominationDelay = TimeDelta::Millis(500);
  // Without end-of-candidates, the agent fails this long after the last remote candidate once
  // every pair has failed (RFC 8838 §8 leaves the wait to the implementation).
  static constexpr TimeDelta kTrickleGrace = TimeDelta::Seconds(10);
  // Remote candidates per session (RFC 8445 §6.1.2.5 limits pairs for the same reason).
  static constexpr size_t kMaxRemoteCandidates = 100;
  // Peer-reflexive remote candidates of one IP address on one base that have not (yet) led to
  // a valid pair. Two address-and-port-dependent NATs that let anything in would otherwise
  // ping-pong forever, each triggered check opening a new mapping the other side learns anew.
  static constexpr size_t kMaxUnprovenPeerReflexive = 8;

  Agent(AgentConfig config, Random& random);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  const Credentials& local_credentials() const { return current_.local; }
  Role role() const { return role_; }
  uint64_t tie_breaker() const { return tie_breaker_; }
  const AgentConfig& config() const { return config_; }

  // Gathers host candidates at once (LocalCandidate events), then server-reflexive and relayed
  // ones as the servers answer; GatheringStateChanged kGathering ... kComplete.
  void StartGathering(Timestamp now);
  // The peer's ice-ufrag/ice-pwd. New credentials for the same session mean the peer restarted
  // ICE (RFC 8445 §9): a new check list starts, the old selected pair keeps working meanwhile.
  // SyntaxError for malformed credentials, InvalidStateError after Close().
  Result<void> SetRemoteCredentials(Timestamp now, Credentials remote);
  // A trickled remote candidate (RFC 8838 §11), before or after the credentials. Candidates for
  // other components, TCP candidates, candidates of another generation ("ufrag" extension not
  // the current remote ufrag) and non-mDNS host names are ignored (Ok); "*.local" names are
  // resolved with mDNS first. InvalidStateError after Close().
  Result<void> AddRemoteCandidate(Timestamp now, const Candidate& candidate);
  // RFC 8838 §13: the peer will send no more candidates for this session.
  void EndOfRemoteCandidates(Timestamp now);
  // The role from offer/answer (RFC 8445 §6.1.1: the offerer controls), before or after
  // gathering started; pair priorities follow. A role conflict later may still switch it.
  void SetRole(Timestamp now, Role role);
  // ICE restart (RFC 8445 §9): new local credentials (`local`, or generated; returned) and a new
  // check list once the peer's new credentials arrive. Application data keeps flowing on the
  // current selected pair until a pair of the new session is selected. Local candidates are
  // trickled again.
  Credentials Restart(Timestamp now, std::optional<Credentials> local = std::nullopt);
  // Sends application data on the selected pair. InvalidStateError when there is none, consent
  // has expired, or the agent is closed.
  Result<void> Send(Timestamp now, ByteView data);
  // Stops everything (TURN allocations are released); ConnectionStateChanged kClosed.
  void Close(Timestamp now);

  void HandleDatagram(Timestamp now, const Datagram& in);
  void HandleStreamConnected(Timestamp now, uint64_t connection);
  void HandleStreamData(Timestamp now, uint64_t connection, ByteView data);
  void HandleStreamClosed(Timestamp now, uint64_t connection, std::string reason);
  void HandleTimeout(Timestamp now);
  std::optional<Transmit> PollTransmit();
  std::optional<Event> PollEvent();
  std::optional<Timestamp> NextTimeout() const;

  ConnectionState connection_state() const { return state_; }
  GatheringState gathering_state() const { return gatherer_.state(); }
  // The selected pair (local as the peer sees it), if any.
  std::optional<SelectedPairChanged> selected_pair() const;
  Stats GetStats() const;

 private:
  // One ICE session: the credentials of one generation (RFC 8445 §9) and its trickle state.
  struct Session {
    uint32_t id = 0;
    Credentials local;
    std::optional<Credentials> remote;
    bool end_of_candidates = false;
    std::optional<Timestamp> last_remote_candidate;
    std::optional<Timestamp> first_valid;
    // False for a session the peer's restart started with our previous credentials: our own
    // Restart() then renews them in place instead of starting yet another session.
    bool fresh_local_credentials = true;
  };
  struct RemoteCandidateInfo {
    Candidate candidate;
    SocketAddress address;
    uint32_t session = 0;
    bool peer_reflexive = false;
  };
  // An outstanding Binding request of ours (connectivity or consent check).
  struct Check {
    stun::ClientTransaction transaction;
    uint64_t pair = 0;
    std::string remote_pwd;
    size_t local = 0;  // The base candidate it was sent from.
    SocketAddress remote;
    uint32_t priority = 0;
    Role role = Role::kControlling;
    bool use_candidate = false;
    bool consent = false;
    // Superseded by a triggered check (RFC 8445 §7.3.1.4): no retransmissions, and no failure
    // when it times out, but a late response still counts.
    bool cancelled = false;
  };
  struct PendingName {
    Candidate candidate;
    uint32_t session = 0;
  };

  // agent.cc: inputs, outputs and the pump that runs after each of them.
  void Process(Timestamp now);
  void DrainGatherer(Timestamp now);
  void DrainMdns(Timestamp now);
  void EmitGatheringState();
  void EmitLocalCandidate(size_t index);
  // Sends `payload` from local base candidate `local` (through its relay if relayed).
  void SendFrom(Timestamp now, size_t local, const SocketAddress& to, Bytes payload);
  void HandleInbound(Timestamp now, size_t base, const SocketAddress& source, ByteView payload);
  void HandleData(size_t base, const SocketAddress& source, ByteView payload);
  Session* FindSession(uint32_t id);
  const Session* FindSession(uint32_t id) const;
  // Starts a new session with `local` credentials, keeping the selected pair (if any) alive in
  // the previous one.
  void BeginSession(Timestamp now, Credentials local);
  void DropPreviousSession();

  // agent_pairs.cc: candidates and pairs.
  void AddRemote(Timestamp now, const Candidate& candidate, const SocketAddress& address,
                 uint32_t session);
  std::optional<size_t> FindRemote(uint32_t session, const SocketAddress& address) const;
  size_t AddPeerReflexiveRemote(const SocketAddress& source, uint32_t priority, uint32_t session);
  bool MayLearnPeerReflexive(uint32_t session, size_t base, const IpAddress& ip) const;
  void PairLocal(Timestamp now, size_t local);
  CandidatePair* MakePair(Timestamp now, size_t local, size_t remote);
  bool CanPair(size_t local, size_t remote) const;
  bool IsBase(size_t local) const;
  CandidatePair* FindDataPair(size_t base, const SocketAddress& source);
  void OnRelayLost(Timestamp now, size_t candidate);

  // agent_checks.cc: connectivity checks (RFC 8445 §6.1.4, §7).
  void RunScheduler(Timestamp now);
  bool Sendable(const CandidatePair& pair) const;
  bool HasCheckWork() const;
  void SendCheck(Timestamp now, uint64_t pair_id, bool use_candidate, bool consent);
  void RunCheckTimers(Timestamp now);
  void OnCheckTimedOut(Timestamp now, const stun::TransactionId& id, const Check& check);
  void HandleCheckRequest(Timestamp now, size_t base, const SocketAddress& source,
                          const stun::Message& request);
  bool HandleCheckResponse(Timestamp now, size_t base, const SocketAddress& source,
                           const stun::Message& response);
  void OnCheckSuccess(Timestamp now, const Check& check, const stun::Message& response,
                      std::optional<TimeDelta> rtt);
  void FailPair(CandidatePair& pair);
  void CancelCheck(const std::optional<stun::TransactionId>& id);
  void SwitchRole(Timestamp now, Role role);
  void AdoptRole(Role role);

  // agent_nomination.cc: nomination, selection and pruning (RFC 8445 §8).
  void MaybeNominate(Timestamp now);
  const CandidatePair* BestValidPair(uint32_t session) const;
  const CandidatePair* BestNominatedPair(uint32_t session) const;
  void UpdateSelectedPair(Timestamp now);
  void PruneAfterNomination();
  std::optional<Timestamp> NominationDeadline() const;

  // agent_state.cc: consent, keepalives and the connection state.
  void RunConsent(Timestamp now);
  void UpdateConnectionState(Timestamp now);
  ConnectionState ComputeState(Timestamp now) const;
  bool SessionFailed(Timestamp now) const;
  bool Completed() const;
  std::optional<Timestamp> StateDeadline() const;
  CandidatePair* selected();
  const CandidatePair* selected() const;
  const Candidate& PairLocalCandidate(const CandidatePair& pair) const;

  AgentConfig config_;
  Random& random_;
  Role role_;
  const uint64_t tie_breaker_;
  Gatherer gatherer_;
  MdnsResolver mdns_;
  CheckList checklist_;
  ConsentTracker consent_;

  Session current_;
  // During a restart: while its selected pair carries the data, and for disconnected_timeout
  // after a pair of the new session took over (the peer may switch a little later).
  std::optional<Session> previous_;
  std::optional<Timestamp> drop_previous_at_;
  uint32_t next_session_id_ = 1;
  std::vector<RemoteCandidateInfo> remote_;
  std::map<stun::TransactionId, Check> checks_;
  std::vector<PendingName> pending_names_;

  std::optional<uint64_t> selected_;
  bool had_selected_ = false;
  bool consent_expired_ = false;
  bool closed_ = false;
  bool started_ = false;
  Timestamp next_check_at_;
  bool check_sent_ = false;
  Timestamp last_now_;
  ConnectionState state_ = ConnectionState::kNew;
  GatheringState reported_gathering_ = GatheringState::kNew;

  std::deque<Transmit> transmits_;
  std::deque<Event> events_;
  AgentStats counters_;  // Drop counters (pairs are filled in by GetStats).
};

}  // namespace parley::ice
