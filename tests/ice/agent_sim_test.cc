// Two ICE agents in the simulator, signaling through the harness: connection and its timing,
// trickle orders, failure, role conflicts, ICE restart, consent loss, keepalives, aggressive
// nomination, mDNS candidates, relay-only policy, and attackers without the password.
#include <gtest/gtest.h>

#include <map>

#include "ice/agent_harness.h"
#include "ice/mdns.h"
#include "sim/sim_test.h"
#include "stun/integrity.h"
#include "stun/message.h"
#include "support/stun_server.h"
#include "support/turn_server.h"
#include "turn/stream_framer.h"

namespace parley::ice {
namespace {

using sim::Addr;
using sim::Ip;
using testing::AgentEndpoint;
using testing::BasicConfig;
using testing::KindOf;
using testing::PathKind;
using testing::Peer;
using testing::SignalingOptions;

class AgentSimTest : public sim::SimTest {
 protected:
  // Two hosts on the internet, one socket each.
  void MakePeers(Role a_role = Role::kControlling, Role b_role = Role::kControlled,
                 SignalingOptions options = {},
                 const std::function<void(AgentConfig&)>& tweak = {}) {
    alice_host_ = &sim().AddHost("alice", {Ip("192.0.2.1")});
    bob_host_ = &sim().AddHost("bob", {Ip("192.0.2.2")});
    AgentConfig a = BasicConfig(a_role, {Addr("192.0.2.1:5000")});
    AgentConfig b = BasicConfig(b_role, {Addr("192.0.2.2:6000")});
    if (tweak) {
      tweak(a);
      tweak(b);
    }
    alice_ = std::make_unique<Peer>(sim(), "alice", *alice_host_, a);
    bob_ = std::make_unique<Peer>(sim(), "bob", *bob_host_, b);
    Peer::Wire(*alice_, *bob_, std::move(options));
  }

  bool BothConnected() const {
    return alice_->endpoint().Connected() && bob_->endpoint().Connected();
  }
  bool Both(ConnectionState state) const {
    return alice_->agent().connection_state() == state && bob_->agent().connection_state() == state;
  }
  AgentEndpoint& a() { return alice_->endpoint(); }
  AgentEndpoint& b() { return bob_->endpoint(); }

  // Counts datagrams `from` sends whose payload satisfies `match`, from now on.
  std::shared_ptr<int> CountSent(const std::string& host,
                                 std::function<bool(const Datagram&)> match) {
    auto count = std::make_shared<int>(0);
    sim().AddObserver([count, host, match](const sim::PacketEvent& e) {
      if (e.kind == sim::PacketEventKind::kSent && e.node == host && match(e.datagram)) ++*count;
    });
    return count;
  }

  // Sends a numbered packet from `peer` every `interval` until `stop`.
  void SendEvery(Peer& peer, TimeDelta interval, Timestamp stop, int* sent) {
    sim().Schedule(interval, [this, &peer, interval, stop, sent] {
      if (sim().now() >= stop) return;
      const Bytes data = {0x80, static_cast<uint8_t>(*sent), static_cast<uint8_t>(*sent >> 8)};
      if (peer.Send(data).ok()) ++*sent;
      SendEvery(peer, interval, stop, sent);
    });
  }

  sim::Host* alice_host_ = nullptr;
  sim::Host* bob_host_ = nullptr;
  std::unique_ptr<Peer> alice_;
  std::unique_ptr<Peer> bob_;
};

bool IsStunPacket(const Datagram& d) {
  return stun::IsStun(d.payload);
}
bool IsBindingIndication(const Datagram& d) {
  auto m = stun::Parse(d.payload);
  return m && m->is_indication() && m->method() == stun::Method::kBinding;
}

TEST_F(AgentSimTest, HostToHostConnectsAndCarriesData) {
  MakePeers();
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
  ASSERT_FALSE(a().selections.empty());
  ASSERT_FALSE(b().selections.empty());
  EXPECT_EQ(KindOf(a().selections.back().second), PathKind::kHost);
  EXPECT_EQ(KindOf(b().selections.back().second), PathKind::kHost);
  EXPECT_EQ(a().selections.back().second.remote.address, "192.0.2.2");
  // Gathering: kGathering, the host candidate, kComplete.
  ASSERT_EQ(a().gathering.size(), 2u);
  EXPECT_EQ(a().gathering[0].second, GatheringState::kGathering);
  EXPECT_EQ(a().gathering[1].second, GatheringState::kComplete);
  ASSERT_EQ(a().local_candidates.size(), 1u);
  EXPECT_EQ(a().local_candidates[0].type, CandidateType::kHost);
  EXPECT_EQ(a().local_candidates[0].extension("ufrag"), alice_->agent().local_credentials().ufrag);
  // States as a browser reports them.
  std::vector<ConnectionState> seen;
  for (const auto& [at, s] : a().states)
    seen.push_back(s);
  EXPECT_EQ(seen,
            (std::vector<ConnectionState>{ConnectionState::kChecking, ConnectionState::kConnected,
                                          ConnectionState::kCompleted}));
  // Data both ways.
  ASSERT_TRUE(alice_->Send(Bytes{0x17, 1}).ok());
  ASSERT_TRUE(bob_->Send(Bytes{0x17, 2}).ok());
  sim().RunFor(TimeDelta::Millis(10));
  ASSERT_EQ(b().received.size(), 1u);
  EXPECT_EQ(b().received[0].second, (Bytes{0x17, 1}));
  ASSERT_EQ(a().received.size(), 1u);
  const AgentStats stats = alice_->agent().GetStats();
  bool found = false;
  for (const CandidatePairStats& p : stats.pairs) {
    if (!p.selected) continue;
    found = true;
    EXPECT_TRUE(p.nominated);
    EXPECT_EQ(p.state, PairState::kSucceeded);
    EXPECT_EQ(p.packets_sent, 1u);
    EXPECT_EQ(p.bytes_received, 2u);
    EXPECT_GE(p.requests_sent, 2u);  // The check and the nomination.
    EXPECT_GE(p.responses_received, 2u);
  }
  EXPECT_TRUE(found);
}

TEST_F(AgentSimTest, ConnectsImmediatelyWithZeroLatency) {
  MakePeers();
  const Timestamp t0 = sim().now();
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(sim().RunUntil([&] { return BothConnected(); }, TimeDelta::Seconds(5)));
  // The first check goes out at once: with no latency both connect without time passing.
  EXPECT_EQ(*a().FirstTime(ConnectionState::kConnected) - t0, TimeDelta::Zero());
  EXPECT_EQ(*b().FirstTime(ConnectionState::kConnected) - t0, TimeDelta::Zero());
}

TEST_F(AgentSimTest, ConnectsInOneRoundTrip) {
  MakePeers();
  // 25 ms per link direction: 50 ms one way, RTT 100 ms.
  alice_host_->SetLinkConfig({.latency = TimeDelta::Millis(25)});
  bob_host_->SetLinkConfig({.latency = TimeDelta::Millis(25)});
  const Timestamp t0 = sim().now();
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(sim().RunUntil([&] { return BothConnected(); }, TimeDelta::Seconds(5)));
  const TimeDelta rtt = TimeDelta::Millis(100);
  EXPECT_EQ(*a().FirstTime(ConnectionState::kConnected) - t0, rtt);
  EXPECT_EQ(*b().FirstTime(ConnectionState::kConnected) - t0, rtt);
  // Nomination takes one more round trip; then completed.
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
  EXPECT_LE(*a().FirstTime(ConnectionState::kCompleted) - t0, 2 * rtt + TimeDelta::Millis(10));
}

TEST_F(AgentSimTest, TrickleCandidatesBeforeCredentials) {
  // Candidates arrive at once, the credentials only 500 ms later: no check before that.
  MakePeers(Role::kControlling, Role::kControlled,
            {.delay = TimeDelta::Zero(), .credentials_delay = TimeDelta::Millis(500)});
  auto checks = CountSent("alice", IsStunPacket);
  const Timestamp t0 = sim().now();
  Peer::Start(*alice_, *bob_);
  sim().RunFor(TimeDelta::Millis(499));
  EXPECT_EQ(*checks, 0);
  EXPECT_EQ(alice_->agent().connection_state(), ConnectionState::kNew);
  ASSERT_TRUE(sim().RunUntil([&] { return BothConnected(); }, TimeDelta::Seconds(5)));
  EXPECT_EQ(*a().FirstTime(ConnectionState::kConnected) - t0, TimeDelta::Millis(500));
}

TEST_F(AgentSimTest, TrickleCandidatesAfterCredentials) {
  MakePeers(Role::kControlling, Role::kControlled,
            {.delay = TimeDelta::Millis(800), .credentials_delay = TimeDelta::Zero()});
  const Timestamp t0 = sim().now();
  Peer::Start(*alice_, *bob_);
  sim().RunFor(TimeDelta::Millis(100));
  EXPECT_EQ(alice_->agent().connection_state(), ConnectionState::kNew);
  ASSERT_TRUE(sim().RunUntil([&] { return BothConnected(); }, TimeDelta::Seconds(5)));
  EXPECT_EQ(*a().FirstTime(ConnectionState::kConnected) - t0, TimeDelta::Millis(800));
}

TEST_F(AgentSimTest, OneSidedTrickleConnectsThroughPeerReflexiveCandidates) {
  // Alice's candidates never reach Bob: Bob learns her address from her checks (RFC 8445
  // §7.3.1.3).
  MakePeers(Role::kControlling, Role::kControlled,
            {.rewrite = [](const std::string& from, Candidate c) -> std::optional<Candidate> {
              if (from == "alice") return std::nullopt;
              return c;
            }});
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(sim().RunUntil([&] { return BothConnected(); }, TimeDelta::Seconds(5)));
  EXPECT_EQ(b().selections.back().second.remote.type, CandidateType::kPeerReflexive);
  EXPECT_EQ(b().selections.back().second.remote.address, "192.0.2.1");
}

TEST_F(AgentSimTest, FailsWithinBoundedTimeWhenUdpIsBlocked) {
  MakePeers();
  bob_host_->SetUdpBlocked(true);
  const Timestamp t0 = sim().now();
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kFailed); }, TimeDelta::Seconds(30)));
  EXPECT_FALSE(a().FirstTime(ConnectionState::kConnected));
  // Checks give up after about 10 s (RFC 8445 §14.3 pacing, capped retransmissions).
  EXPECT_LE(*a().FirstTime(ConnectionState::kFailed) - t0, TimeDelta::Seconds(11));
  EXPECT_GE(*a().FirstTime(ConnectionState::kFailed) - t0, TimeDelta::Seconds(9));
  EXPECT_FALSE(alice_->Send(Bytes{1}).ok());
}

TEST_F(AgentSimTest, FailsAtEndOfCandidatesWhenThereAreNone) {
  MakePeers(Role::kControlling, Role::kControlled,
            {.rewrite = [](const std::string&, Candidate) -> std::optional<Candidate> {
              return std::nullopt;
            }});
  const Timestamp t0 = sim().now();
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kFailed); }, TimeDelta::Seconds(1)));
  EXPECT_EQ(*a().FirstTime(ConnectionState::kFailed) - t0, TimeDelta::Zero());
}

TEST_F(AgentSimTest, WithoutEndOfCandidatesFailsAfterTheTrickleGrace) {
  MakePeers(Role::kControlling, Role::kControlled, {.forward_end_of_candidates = false});
  bob_host_->SetUdpBlocked(true);
  const Timestamp t0 = sim().now();
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kFailed); }, TimeDelta::Seconds(30)));
  EXPECT_LE(*a().FirstTime(ConnectionState::kFailed) - t0,
            Agent::kTrickleGrace + TimeDelta::Seconds(1));
}

TEST_F(AgentSimTest, RoleConflictBothControllingResolves) {
  MakePeers(Role::kControlling, Role::kControlling);
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
  EXPECT_NE(alice_->agent().role(), bob_->agent().role());
  EXPECT_EQ(a().role_changes.size() + b().role_changes.size(), 1u);
  // RFC 8445 §7.3.1.1: the larger tie-breaker stays controlling.
  const bool alice_wins = alice_->agent().tie_breaker() > bob_->agent().tie_breaker();
  EXPECT_EQ(alice_->agent().role(), alice_wins ? Role::kControlling : Role::kControlled);
  EXPECT_GT(alice_->agent().GetStats().role_conflicts + bob_->agent().GetStats().role_conflicts,
            0u);
}

TEST_F(AgentSimTest, RoleConflictBothControlledResolves) {
  MakePeers(Role::kControlled, Role::kControlled);
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
  EXPECT_NE(alice_->agent().role(), bob_->agent().role());
  const bool alice_wins = alice_->agent().tie_breaker() > bob_->agent().tie_breaker();
  EXPECT_EQ(alice_->agent().role(), alice_wins ? Role::kControlling : Role::kControlled);
}

TEST_F(AgentSimTest, RestartKeepsDataFlowingOnTheOldPair) {
  MakePeers(Role::kControlling, Role::kControlled, {.delay = TimeDelta::Millis(200)});
  alice_host_->SetLinkConfig({.latency = TimeDelta::Millis(20)});
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
  int sent_a = 0;
  int sent_b = 0;
  const Timestamp stop = sim().now() + TimeDelta::Seconds(4);
  SendEvery(*alice_, TimeDelta::Millis(10), stop, &sent_a);
  SendEvery(*bob_, TimeDelta::Millis(10), stop, &sent_b);
  sim().RunFor(TimeDelta::Millis(500));
  const Credentials old_a = alice_->agent().local_credentials();
  const size_t selections_a = a().selections.size();
  const size_t selections_b = b().selections.size();
  const Timestamp restart = sim().now();
  alice_->Restart();
  bob_->Restart();
  EXPECT_NE(alice_->agent().local_credentials(), old_a);
  // Until the new credentials and candidates arrive (200 ms), the old pair carries the data.
  sim().RunFor(TimeDelta::Millis(150));
  EXPECT_TRUE(BothConnected());
  EXPECT_EQ(a().selections.size(), selections_a);
  ASSERT_TRUE(sim().RunUntil(
      [&] { return a().selections.size() > selections_a && b().selections.size() > selections_b; },
      TimeDelta::Seconds(5)));
  const Timestamp switched = a().selections.back().first;
  EXPECT_GT(switched - restart, TimeDelta::Millis(200));
  sim().RunTo(stop + TimeDelta::Millis(500));
  // Nothing was lost, in either direction, across the restart.
  EXPECT_EQ(static_cast<int>(b().received.size()), sent_a);
  EXPECT_EQ(static_cast<int>(a().received.size()), sent_b);
  int during = 0;
  for (const auto& [at, data] : b().received)
    during += at > restart && at < switched;
  EXPECT_GT(during, 10);
  EXPECT_TRUE(Both(ConnectionState::kCompleted));
  // The old session lingers for disconnected_timeout (the peer may switch later), then only
  // pairs of the new generation remain.
  sim().RunFor(TimeDelta::Seconds(5));
  for (const CandidatePairStats& p : alice_->agent().GetStats().pairs)
    EXPECT_EQ(p.remote.extension("ufrag").value_or(bob_->agent().local_credentials().ufrag),
              bob_->agent().local_credentials().ufrag);
}

TEST_F(AgentSimTest, RestartInitiatedByThePeerAsJsepDoes) {
  // Alice offers a restart; Bob applies her new credentials first (a new session with his old
  // ones), then answers with new credentials of his own 50 ms later.
  MakePeers(Role::kControlling, Role::kControlled, {.delay = TimeDelta::Millis(200)});
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
  int sent_a = 0;
  const Timestamp stop = sim().now() + TimeDelta::Seconds(3);
  SendEvery(*alice_, TimeDelta::Millis(10), stop, &sent_a);
  sim().RunFor(TimeDelta::Millis(100));
  const Credentials bob_before = bob_->agent().local_credentials();
  const size_t selections_a = a().selections.size();
  const size_t selections_b = b().selections.size();
  alice_->Restart();
  sim().RunFor(TimeDelta::Millis(250));
  EXPECT_EQ(bob_->agent().local_credentials(), bob_before);
  bob_->Restart();
  EXPECT_NE(bob_->agent().local_credentials(), bob_before);
  ASSERT_TRUE(sim().RunUntil(
      [&] {
        return a().selections.size() > selections_a && b().selections.size() > selections_b &&
               Both(ConnectionState::kCompleted);
      },
      TimeDelta::Seconds(5)));
  sim().RunTo(stop + TimeDelta::Millis(100));
  EXPECT_EQ(static_cast<int>(b().received.size()), sent_a);
  EXPECT_TRUE(Both(ConnectionState::kCompleted));
}

TEST_F(AgentSimTest, RestartRecoversAfterConsentExpired) {
  MakePeers();
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
  bob_host_->SetUdpBlocked(true);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kFailed); }, TimeDelta::Seconds(40)));
  EXPECT_FALSE(alice_->agent().selected_pair());
  bob_host_->SetUdpBlocked(false);
  alice_->Restart();
  bob_->Restart();
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
  EXPECT_TRUE(alice_->Send(Bytes{0x17}).ok());
}

TEST_F(AgentSimTest, ConsentLossDisconnectsThenFailsAndStopsSending) {
  MakePeers();
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
  sim().RunFor(TimeDelta::Seconds(3));
  // Bob goes silent.
  const Timestamp silent = sim().now();
  bob_host_->SetUdpBlocked(true);
  ASSERT_TRUE(
      sim().RunUntil([&] { return alice_->agent().connection_state() == ConnectionState::kFailed; },
                     TimeDelta::Seconds(40)));
  const Timestamp disconnected = *a().FirstTime(ConnectionState::kDisconnected);
  const Timestamp failed = *a().FirstTime(ConnectionState::kFailed);
  // disconnected_timeout (5 s) after the last response, which came at most one consent
  // interval (2.5 s * 1.2) before the silence.
  EXPECT_LE(disconnected - silent, TimeDelta::Seconds(5));
  EXPECT_GE(disconnected - silent, TimeDelta::Seconds(2));
  // RFC 7675: consent expires 30 s after the last response.
  EXPECT_LE(failed - silent, TimeDelta::Seconds(30));
  EXPECT_GE(failed - silent, TimeDelta::Seconds(27));
  EXPECT_EQ(failed - disconnected, TimeDelta::Seconds(25));
  // No more application data, and nothing at all on the wire.
  Result<void> send = alice_->Send(Bytes{0x17});
  ASSERT_FALSE(send.ok());
  EXPECT_EQ(send.error().kind(), ErrorKind::kInvalidStateError);
  auto after = CountSent("alice", [](const Datagram&) { return true; });
  sim().RunFor(TimeDelta::Seconds(30));
  EXPECT_EQ(*after, 0);
}

TEST_F(AgentSimTest, ConsentComesBackAfterAShortOutage) {
  MakePeers();
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
  bob_host_->SetUdpBlocked(true);
  ASSERT_TRUE(sim().RunUntil(
      [&] { return alice_->agent().connection_state() == ConnectionState::kDisconnected; },
      TimeDelta::Seconds(10)));
  bob_host_->SetUdpBlocked(false);
  // Consent checks go out every second while unanswered: back within ~1 s.
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Millis(1100)));
  EXPECT_TRUE(alice_->Send(Bytes{0x17}).ok());
}

TEST_F(AgentSimTest, KeepalivesOnlyWhenIdle) {
  MakePeers(Role::kControlling, Role::kControlled, {},
            [](AgentConfig& c) { c.keepalive_interval = TimeDelta::Millis(800); });
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
  auto indications = CountSent("alice", IsBindingIndication);
  sim().RunFor(TimeDelta::Seconds(10));
  EXPECT_GE(*indications, 5);  // RFC 8445 §11: Binding indications on an idle pair.
  int sent = 0;
  ASSERT_TRUE(alice_->Send(Bytes{0x17}).ok());
  const int idle = *indications;
  const Timestamp stop = sim().now() + TimeDelta::Seconds(10);
  SendEvery(*alice_, TimeDelta::Millis(200), stop, &sent);
  sim().RunTo(stop);
  EXPECT_EQ(*indications, idle);  // Data flowing: no keepalives needed.
  EXPECT_GT(sent, 40);
  EXPECT_TRUE(Both(ConnectionState::kCompleted));  // Bob ignores the indications quietly.
  EXPECT_EQ(bob_->agent().GetStats().dropped_unknown, 0u);
}

TEST_F(AgentSimTest, AcceptsAggressiveNominationFromThePeer) {
  MakePeers(Role::kControlling, Role::kControlled, {},
            [](AgentConfig& c) { c.aggressive_nomination = c.role == Role::kControlling; });
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
  bool nominated = false;
  for (const CandidatePairStats& p : bob_->agent().GetStats().pairs)
    nominated = nominated || (p.selected && p.nominated);
  EXPECT_TRUE(nominated);
}

TEST_F(AgentSimTest, DualStackPrefersIpv6) {
  alice_host_ = &sim().AddHost("alice", {Ip("192.0.2.1"), Ip("2001:db8::1")});
  bob_host_ = &sim().AddHost("bob", {Ip("192.0.2.2"), Ip("2001:db8::2")});
  alice_ = std::make_unique<Peer>(
      sim(), "alice", *alice_host_,
      BasicConfig(Role::kControlling, {Addr("192.0.2.1:5000"), Addr("[2001:db8::1]:5000")}));
  bob_ = std::make_unique<Peer>(
      sim(), "bob", *bob_host_,
      BasicConfig(Role::kControlled, {Addr("192.0.2.2:6000"), Addr("[2001:db8::2]:6000")}));
  Peer::Wire(*alice_, *bob_);
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
  EXPECT_EQ(a().selections.back().second.remote.address, "2001:db8::2");
  EXPECT_EQ(a().local_candidates.size(), 2u);
  // No IPv4-IPv6 pairs (RFC 8445 §6.1.2.2).
  for (const CandidatePairStats& p : alice_->agent().GetStats().pairs)
    EXPECT_EQ(p.local.ip()->family(), p.remote.ip()->family());
}

TEST_F(AgentSimTest, ResolvesMdnsHostCandidates) {
  const std::string name = "4c5b2e8d-1f0e-4b9d-8c77-2f1e3a5b6c7d.local";
  MakePeers(Role::kControlling, Role::kControlled,
            {.rewrite = [name](const std::string& from, Candidate c) -> std::optional<Candidate> {
              if (from == "bob") c.address = name;  // Bob hides his address, as browsers do.
              return c;
            }});
  // Answer Alice's query (RFC 6762 §6.7: unicast to the querying port, from port 5353).
  int queries = 0;
  sim().AddObserver([&](const sim::PacketEvent& e) {
    if (e.kind != sim::PacketEventKind::kSent || e.node != "alice" ||
        e.datagram.destination != mdns::MulticastGroup(IpFamily::kV4)) {
      return;
    }
    ++queries;
    auto query = mdns::Parse(e.datagram.payload);
    ASSERT_TRUE(query);
    ASSERT_EQ(query->questions.size(), 1u);
    EXPECT_EQ(query->questions[0].name, name);
    mdns::Message answer;
    answer.id = query->id;
    answer.flags = mdns::kFlagResponse | mdns::kFlagAuthoritative;
    answer.answers.push_back(mdns::ResourceRecord::Address(name, Ip("192.0.2.2")));
    const Datagram reply{Addr("192.0.2.2:5353"), e.datagram.source, answer.Serialize()};
    sim().Schedule(TimeDelta::Millis(1), [this, reply] {
      alice_->Do([&](Agent& agent, Timestamp now) { agent.HandleDatagram(now, reply); });
    });
  });
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
  EXPECT_EQ(queries, 1);
  // Bob's check may arrive first (a peer-reflexive remote); the resolved candidate replaces it.
  EXPECT_EQ(a().selections.back().second.remote.type, CandidateType::kHost);
  EXPECT_EQ(alice_->agent().selected_pair()->remote.address, name);
}

TEST_F(AgentSimTest, UnresolvedMdnsCandidateGivesUp) {
  MakePeers(Role::kControlling, Role::kControlled,
            {.rewrite = [](const std::string& from, Candidate c) -> std::optional<Candidate> {
              if (from == "bob") c.address = "nobody-answers.local";
              if (from == "alice") return std::nullopt;
              return c;
            }});
  Peer::Start(*alice_, *bob_);
  // Nobody answers: after 5 s the name is dropped; with end-of-candidates, failed.
  ASSERT_TRUE(
      sim().RunUntil([&] { return alice_->agent().connection_state() == ConnectionState::kFailed; },
                     TimeDelta::Seconds(7)));
  EXPECT_GE(sim().now() - sim::Simulator::kStartTime, TimeDelta::Seconds(5));
}

// An attacker who sees the traffic but lacks the password: forged checks (with USE-CANDIDATE
// and a role grab), forged responses to Alice's real checks, garbage. Nothing is answered,
// nothing selected, no state changes; once Bob is reachable they connect as usual.
TEST_F(AgentSimTest, ForgedChecksAndResponsesWithoutThePasswordAreIgnored) {
  MakePeers();
  bob_host_->SetUdpBlocked(true);
  sim::Host& mallory_host = sim().AddHost("mallory", {Ip("192.0.2.66")});
  (void)mallory_host;
  SeededRandom evil(sim().seed() + 666);
  std::vector<stun::Message> seen_checks;
  sim().AddObserver([&](const sim::PacketEvent& e) {
    if (e.kind != sim::PacketEventKind::kSent || e.node != "alice") return;
    if (auto m = stun::Parse(e.datagram.payload); m && m->is_request()) seen_checks.push_back(*m);
  });
  auto replies_to_mallory = CountSent("alice", [](const Datagram& d) {
    return d.destination.ip() == Ip("192.0.2.66") || d.destination.ip() == Ip("192.0.2.2");
  });
  Peer::Start(*alice_, *bob_);
  sim().RunFor(TimeDelta::Millis(100));
  ASSERT_FALSE(seen_checks.empty());
  const int checks_before = *replies_to_mallory;

  const std::string username =
      alice_->agent().local_credentials().ufrag + ":" + bob_->agent().local_credentials().ufrag;
  const stun::IntegrityKey wrong = stun::IntegrityKey::ShortTerm("guessedpasswordguessed");
  auto inject = [&](const SocketAddress& from, Bytes payload) {
    alice_->Do([&](Agent& agent, Timestamp now) {
      agent.HandleDatagram(now, {from, Addr("192.0.2.1:5000"), payload});
    });
  };
  for (const SocketAddress& from : {Addr("192.0.2.2:6000"), Addr("192.0.2.66:1234")}) {
    // A check with a guessed password, nominating, grabbing the controlling role.
    stun::Message check = stun::Message::Request(stun::Method::kBinding, evil);
    check.Add(stun::Username{username}).Add(stun::Priority{0xFFFFFFFF});
    check.Add(stun::IceControlling{UINT64_MAX}).Add(stun::UseCandidate{});
    inject(from, check.Serialize({.key = &wrong, .fingerprint = true}));
    // Without integrity at all.
    inject(from, check.Serialize({.fingerprint = true}));
    // With a username not ours.
    stun::Message other = stun::Message::Request(stun::Method::kBinding, evil);
    other.Add(stun::Username{"evil:" + bob_->agent().local_credentials().ufrag});
    other.Add(stun::Priority{1});
    inject(from, other.Serialize({.key = &wrong, .fingerprint = true}));
  }
  // Forged successes and role conflicts for every check Alice sent (the attacker sees them).
  for (const stun::Message& check : seen_checks) {
    stun::Message ok = stun::Message::SuccessResponse(check);
    ok.Add(stun::XorMappedAddress{Addr("192.0.2.66:1")});
    inject(Addr("192.0.2.2:6000"), ok.Serialize({.key = &wrong, .fingerprint = true}));
    inject(Addr("192.0.2.2:6000"), ok.Serialize({.fingerprint = true}));
    inject(
        Addr("192.0.2.2:6000"),
        stun::Message::ErrorResponse(check, 487).Serialize({.key = &wrong, .fingerprint = true}));
  }
  sim().RunFor(TimeDelta::Millis(100));
  const AgentStats stats = alice_->agent().GetStats();
  EXPECT_EQ(stats.dropped_bad_integrity, 6 + 3 * seen_checks.size());
  EXPECT_EQ(stats.checks_answered, 0u);
  EXPECT_EQ(alice_->agent().connection_state(), ConnectionState::kChecking);
  EXPECT_EQ(alice_->agent().role(), Role::kControlling);
  EXPECT_FALSE(alice_->agent().selected_pair());
  EXPECT_TRUE(a().role_changes.empty());
  for (const CandidatePairStats& p : stats.pairs) {
    EXPECT_NE(p.state, PairState::kSucceeded);
    EXPECT_FALSE(p.nominated);
    EXPECT_NE(p.remote.address, "192.0.2.66");
  }
  // Only Alice's own check retransmissions went out: no answers to the forgeries.
  for (int i = 0; i < 1; ++i) {
    auto answers = CountSent("alice", [](const Datagram& d) {
      auto m = stun::Parse(d.payload);
      return m && m->is_response();
    });
    sim().RunFor(TimeDelta::Millis(1));
    EXPECT_EQ(*answers, 0);
  }
  EXPECT_GE(*replies_to_mallory, checks_before);
  // The real peer still gets through.
  bob_host_->SetUdpBlocked(false);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
}

TEST_F(AgentSimTest, MalformedDatagramsAreCountedAndHarmless) {
  MakePeers();
  Peer::Start(*alice_, *bob_);
  ASSERT_TRUE(
      sim().RunUntil([&] { return Both(ConnectionState::kCompleted); }, TimeDelta::Seconds(5)));
  auto inject = [&](const SocketAddress& from, Bytes payload) {
    alice_->Do([&](Agent& agent, Timestamp now) {
      agent.HandleDatagram(now, {from, Addr("192.0.2.1:5000"), payload});
    });
  };
  SeededRandom junk(sim().seed() + 7);
  stun::Message valid = stun::Message::Request(stun::Method::kBinding, junk);
  valid.Add(stun::Priority{1});
  const Bytes good = valid.Serialize({.fingerprint = true});
  // Truncated STUN (a valid header whose length lies), a bad fingerprint, a bad length field.
  Bytes truncated = good;
  truncated.resize(good.size() - 4);
  Bytes bad_fingerprint = good;
  bad_fingerprint.back() ^= 1;
  Bytes bad_length = good;
  bad_length[3] = 0xFF;
  for (const Bytes& b : {truncated, bad_fingerprint, bad_length})
    inject(Addr("192.0.2.2:6000"), b);
  EXPECT_EQ(alice_->agent().GetStats().dropped_malformed, 3u);
  // Non-STUN junk from a stranger, and a STUN method ICE does not use.
  inject(Addr("192.0.2.99:1"), Bytes{0x17, 0xfe, 0xfd, 0, 1});
  stun::Message allocate = stun::Message::Request(stun::Method::kAllocate, junk);
  inject(Addr("192.0.2.2:6000"), allocate.Serialize());
  EXPECT_EQ(alice_->agent().GetStats().dropped_unknown, 2u);
  // A thousand random STUN-looking datagrams.
  for (int i = 0; i < 1000; ++i) {
    Bytes b = good;
    for (int k = 0; k < 4; ++k)
      b[junk.Uniform(20, b.size() - 1)] = static_cast<uint8_t>(junk.NextU32());
    b.resize(junk.Uniform(0, b.size()));
    inject(Addr("192.0.2.2:6000"), std::move(b));
  }
  sim().RunFor(TimeDelta::Seconds(1));
  EXPECT_TRUE(Both(ConnectionState::kCompleted));
  EXPECT_TRUE(alice_->Send(Bytes{0x17}).ok());
}

class GatheringAndRelayTest : public sim::SimTest {
 protected:
  void StartGathering(testing::AgentEndpoint& endpoint) {
    endpoint.agent().StartGathering(sim().now());
    endpoint.Drain(sim().now());
    sim().Kick(endpoint);
  }
  bool GatheringCompletes(testing::AgentEndpoint& endpoint, TimeDelta limit) {
    return sim().RunUntil(
        [&] { return endpoint.agent().gathering_state() == GatheringState::kComplete; }, limit);
  }
};

TEST_F(GatheringAndRelayTest, RelayOnlyPolicyConnectsThroughTurn) {
  sim::Host& turn_host = sim().AddHost("turn", {Ip("198.51.100.2")});
  SeededRandom turn_random(sim().seed() + 1);
  parley::testing::TurnServer turn(Ip("198.51.100.2"),
                                   testing::TurnUsers({{"alice", "alicepass"}, {"bob", "bobpass"}}),
                                   turn_random);
  sim().Attach(turn_host, turn);
  sim::NatBox& nat = sim().AddNat("nat", sim::NatConfig::FullCone(), {Ip("203.0.113.1")});
  sim::Host& a_host = sim().AddHost("alice", {Ip("10.0.1.2")}, &nat);
  sim::Host& b_host = sim().AddHost("bob", {Ip("192.0.2.2")});
  auto config = [](Role role, SocketAddress socket, std::string user, std::string pass) {
    AgentConfig c = BasicConfig(role, {socket});
    c.policy = TransportPolicy::kRelay;
    c.turn_servers.push_back(testing::TurnUdp(Addr("198.51.100.2:3478"), user, pass));
    return c;
  };
  Peer alice(sim(), "alice", a_host,
             config(Role::kControlling, Addr("10.0.1.2:5000"), "alice", "alicepass"));
  Peer bob(sim(), "bob", b_host,
           config(Role::kControlled, Addr("192.0.2.2:6000"), "bob", "bobpass"));
  Peer::Wire(alice, bob);
  Peer::Start(alice, bob);
  ASSERT_TRUE(sim().RunUntil(
      [&] {
        return alice.agent().connection_state() == ConnectionState::kCompleted &&
               bob.agent().connection_state() == ConnectionState::kCompleted;
      },
      TimeDelta::Seconds(10)));
  // Only relayed candidates were trickled and paired.
  for (const Candidate& c : alice.endpoint().local_candidates)
    EXPECT_EQ(c.type, CandidateType::kRelay);
  for (const Candidate& c : bob.endpoint().local_candidates)
    EXPECT_EQ(c.type, CandidateType::kRelay);
  ASSERT_FALSE(alice.endpoint().local_candidates.empty());
  for (const CandidatePairStats& p : alice.agent().GetStats().pairs)
    EXPECT_EQ(p.local.type, CandidateType::kRelay);
  EXPECT_EQ(KindOf(alice.endpoint().selections.back().second), PathKind::kRelay);
  // Data through the relays.
  ASSERT_TRUE(alice.Send(Bytes{0x17, 9}).ok());
  sim().RunFor(TimeDelta::Millis(100));
  ASSERT_EQ(bob.endpoint().received.size(), 1u);
  EXPECT_EQ(bob.endpoint().received[0].second, (Bytes{0x17, 9}));
  EXPECT_GT(turn.stats().allocations_created, 1u);
}

TEST_F(GatheringAndRelayTest, GathersHostServerReflexiveAndRelayedCandidates) {
  sim::Host& stun_host = sim().AddHost("stun", {Ip("198.51.100.1")});
  sim::Host& turn_host = sim().AddHost("turn", {Ip("198.51.100.2")});
  parley::testing::StunServer stun;
  sim().Attach(stun_host, stun, 3478);
  SeededRandom turn_random(sim().seed() + 1);
  parley::testing::TurnServer turn(Ip("198.51.100.2"), testing::TurnUsers({{"u", "p"}}),
                                   turn_random);
  sim().Attach(turn_host, turn);
  sim::NatBox& nat = sim().AddNat("nat", sim::NatConfig::Symmetric(), {Ip("203.0.113.1")});
  sim::Host& host = sim().AddHost("alice", {Ip("10.0.1.2")}, &nat);
  AgentConfig config = BasicConfig(Role::kControlling, {Addr("10.0.1.2:5000")});
  config.stun_servers = {Addr("198.51.100.1:3478")};
  config.turn_servers.push_back(testing::TurnUdp(Addr("198.51.100.2:3478"), "u", "p"));
  AgentEndpoint endpoint("alice", config, 1);
  sim().Attach(host, endpoint);
  StartGathering(endpoint);
  ASSERT_TRUE(GatheringCompletes(endpoint, TimeDelta::Seconds(5)));
  std::map<CandidateType, Candidate> by_type;
  for (const Candidate& c : endpoint.local_candidates)
    by_type.emplace(c.type, c);
  ASSERT_TRUE(by_type.contains(CandidateType::kHost));
  ASSERT_TRUE(by_type.contains(CandidateType::kServerReflexive));
  ASSERT_TRUE(by_type.contains(CandidateType::kRelay));
  EXPECT_EQ(by_type[CandidateType::kHost].address, "10.0.1.2");
  EXPECT_EQ(by_type[CandidateType::kServerReflexive].address, "203.0.113.1");
  EXPECT_EQ(by_type[CandidateType::kServerReflexive].related_address, "10.0.1.2");
  EXPECT_EQ(by_type[CandidateType::kRelay].address, "198.51.100.2");
  EXPECT_EQ(by_type[CandidateType::kRelay].related_address, "203.0.113.1");
  // Priorities per RFC 8445 §5.1.2: host > srflx > relay; gathering events bracket the
  // candidates.
  EXPECT_GT(by_type[CandidateType::kHost].priority,
            by_type[CandidateType::kServerReflexive].priority);
  EXPECT_GT(by_type[CandidateType::kServerReflexive].priority,
            by_type[CandidateType::kRelay].priority);
  ASSERT_EQ(endpoint.gathering.size(), 2u);
  EXPECT_EQ(endpoint.gathering.back().second, GatheringState::kComplete);
  sim().Detach(endpoint);
}

TEST_F(GatheringAndRelayTest, StunAndTurnOnTheSameServerAddress) {
  // As with coturn: stun: and turn: URLs pointing at one address and port. The STUN answers
  // must reach the gatherer, not the TURN client.
  sim::Host& turn_host = sim().AddHost("turn", {Ip("198.51.100.2")});
  SeededRandom turn_random(sim().seed() + 1);
  parley::testing::TurnServer turn(Ip("198.51.100.2"), testing::TurnUsers({{"u", "p"}}),
                                   turn_random);
  sim().Attach(turn_host, turn);
  sim::NatBox& nat = sim().AddNat("nat", sim::NatConfig::PortRestrictedCone(), {Ip("203.0.113.1")});
  sim::Host& host = sim().AddHost("alice", {Ip("10.0.1.2")}, &nat);
  AgentConfig config = BasicConfig(Role::kControlling, {Addr("10.0.1.2:5000")});
  config.stun_servers = {Addr("198.51.100.2:3478")};
  config.turn_servers.push_back(testing::TurnUdp(Addr("198.51.100.2:3478"), "u", "p"));
  AgentEndpoint endpoint("alice", config, 1);
  sim().Attach(host, endpoint);
  StartGathering(endpoint);
  ASSERT_TRUE(GatheringCompletes(endpoint, TimeDelta::Millis(100)));
  int srflx = 0;
  int relay = 0;
  for (const Candidate& c : endpoint.local_candidates) {
    srflx += c.type == CandidateType::kServerReflexive;
    relay += c.type == CandidateType::kRelay;
  }
  EXPECT_EQ(srflx, 1);  // From Binding and from Allocate: the same address, pruned (§5.1.3).
  EXPECT_EQ(relay, 1);
  EXPECT_GE(turn.stats().binding_requests, 1u);
  sim().Detach(endpoint);
}

TEST_F(GatheringAndRelayTest, ServerReflexiveEqualToItsBaseIsPruned) {
  // No NAT: the STUN server sees the host address itself (RFC 8445 §5.1.3).
  sim::Host& stun_host = sim().AddHost("stun", {Ip("198.51.100.1")});
  parley::testing::StunServer stun;
  sim().Attach(stun_host, stun, 3478);
  sim::Host& host = sim().AddHost("alice", {Ip("192.0.2.1")});
  AgentConfig config = BasicConfig(Role::kControlling, {Addr("192.0.2.1:5000")});
  config.stun_servers = {Addr("198.51.100.1:3478")};
  AgentEndpoint endpoint("alice", config, 1);
  sim().Attach(host, endpoint);
  StartGathering(endpoint);
  ASSERT_TRUE(GatheringCompletes(endpoint, TimeDelta::Seconds(1)));
  EXPECT_EQ(stun.stats().binding_requests, 1u);
  ASSERT_EQ(endpoint.local_candidates.size(), 1u);
  EXPECT_EQ(endpoint.local_candidates[0].type, CandidateType::kHost);
  sim().Detach(endpoint);
}

TEST_F(GatheringAndRelayTest, GatheringCompletesWhenNoServerAnswers) {
  // Neither server exists: the STUN transaction gives up after 9.5 s, the TURN allocation when
  // its client does (RFC 8489 §6.2.1: 39.5 s); host candidates are out at once meanwhile.
  sim::Host& host = sim().AddHost("alice", {Ip("192.0.2.1")});
  AgentConfig config = BasicConfig(Role::kControlling, {Addr("192.0.2.1:5000")});
  config.stun_servers = {Addr("198.51.100.1:3478")};
  config.turn_servers.push_back(testing::TurnUdp(Addr("198.51.100.2:3478"), "u", "p"));
  AgentEndpoint endpoint("alice", config, 1);
  sim().Attach(host, endpoint);
  const Timestamp t0 = sim().now();
  StartGathering(endpoint);
  EXPECT_EQ(endpoint.local_candidates.size(), 1u);
  ASSERT_TRUE(GatheringCompletes(endpoint, TimeDelta::Seconds(60)));
  EXPECT_GE(sim().now() - t0, TimeDelta::Millis(9500));
  EXPECT_LE(sim().now() - t0, TimeDelta::Millis(39500));
  EXPECT_EQ(endpoint.local_candidates.size(), 1u);
  sim().Detach(endpoint);
}

// TURN over TCP: the agent's stream outputs go through an in-memory pipe (5 ms each way) to
// the TURN server's stream front end; the peer reaches the relayed address over UDP.
TEST_F(GatheringAndRelayTest, TurnOverTcpCarriesChecksAndData) {
  sim::Host& turn_host = sim().AddHost("turn", {Ip("198.51.100.2")});
  SeededRandom turn_random(sim().seed() + 1);
  parley::testing::TurnServer turn(Ip("198.51.100.2"), testing::TurnUsers({{"u", "p"}}),
                                   turn_random);
  sim().Attach(turn_host, turn);
  sim::Host& a_host = sim().AddHost("alice", {Ip("192.0.2.1")});
  sim::Host& b_host = sim().AddHost("bob", {Ip("192.0.2.2")});
  AgentConfig a_config = BasicConfig(Role::kControlling, {Addr("192.0.2.1:5000")});
  a_config.policy = TransportPolicy::kRelay;
  turn::ServerConfig tcp = testing::TurnUdp(Addr("198.51.100.2:3478"), "u", "p");
  tcp.transport = turn::Transport::kTcp;
  a_config.turn_servers.push_back(tcp);
  Peer alice(sim(), "alice", a_host, a_config);
  Peer bob(sim(), "bob", b_host, BasicConfig(Role::kControlled, {Addr("192.0.2.2:6000")}));

  const SocketAddress client = Addr("192.0.2.1:40000");  // The TCP connection's local end.
  const TimeDelta delay = TimeDelta::Millis(5);
  turn::StreamFramer framer;
  std::optional<uint64_t> connection;
  int connects = 0;
  alice.endpoint().on_stream = [&](Transmit transmit) {
    if (auto* connect = std::get_if<StreamConnect>(&transmit)) {
      ++connects;
      EXPECT_EQ(connect->remote, Addr("198.51.100.2:3478"));
      connection = connect->connection;
      sim().Schedule(delay, [&, id = connect->connection] {
        turn.HandleStreamConnected(client, [&, id](Bytes message) {
          sim().Schedule(delay, [&, id, framed = turn::StreamFramer::Frame(message)] {
            alice.Do([&](Agent& agent, Timestamp now) { agent.HandleStreamData(now, id, framed); });
          });
        });
        alice.Do([id](Agent& agent, Timestamp now) { agent.HandleStreamConnected(now, id); });
      });
    } else if (auto* send = std::get_if<StreamSend>(&transmit)) {
      EXPECT_EQ(send->connection, connection);
      framer.Push(send->data);
      while (auto message = framer.Pop()) {
        sim().Schedule(delay, [&, m = std::move(*message)] {
          turn.HandleStreamMessage(sim().now(), client, m);
          sim().Kick(turn);
        });
      }
    } else if (std::holds_alternative<StreamClose>(transmit)) {
      sim().Schedule(delay, [&] { turn.HandleStreamClosed(client); });
    }
  };
  Peer::Wire(alice, bob);
  Peer::Start(alice, bob);
  ASSERT_TRUE(sim().RunUntil(
      [&] {
        return alice.agent().connection_state() == ConnectionState::kCompleted &&
               bob.agent().connection_state() == ConnectionState::kCompleted;
      },
      TimeDelta::Seconds(10)));
  EXPECT_EQ(connects, 1);
  EXPECT_FALSE(framer.failed());
  EXPECT_EQ(KindOf(*alice.agent().selected_pair()), PathKind::kRelay);
  ASSERT_TRUE(alice.Send(Bytes{0x17, 3}).ok());
  ASSERT_TRUE(bob.Send(Bytes{0x17, 4}).ok());
  sim().RunFor(TimeDelta::Millis(100));
  ASSERT_EQ(bob.endpoint().received.size(), 1u);
  ASSERT_EQ(alice.endpoint().received.size(), 1u);
  EXPECT_EQ(alice.endpoint().received[0].second, (Bytes{0x17, 4}));
  // Close releases the allocation over the stream and closes it.
  alice.Do([](Agent& agent, Timestamp now) { agent.Close(now); });
  sim().RunFor(TimeDelta::Seconds(1));
  EXPECT_EQ(turn.allocation_count(), 0u);
}

}  // namespace
}  // namespace parley::ice
