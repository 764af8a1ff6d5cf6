// One agent stepped by hand with a fake clock, message by message: the exact STUN it sends for
// checks and answers (RFC 8445 §7.1, §7.3.1), pacing (§6.1.4.2: first check at once, then one
// per Ta), role conflicts both ways (§7.2.5.1, §7.3.1.1) and dropping unauthenticated input.
#include <gtest/gtest.h>

#include "ice/agent.h"
#include "ice/check_messages.h"
#include "stun/integrity.h"
#include "stun/message.h"

namespace parley::ice {
namespace {

const SocketAddress kLocal = *SocketAddress::Parse("192.0.2.1:5000");
const SocketAddress kRemote = *SocketAddress::Parse("192.0.2.2:6000");
const Credentials kRemoteCredentials{"rEmO", "remotepasswordremotepw"};
const Credentials kLocalCredentials{"LoCa", "localpasswordlocalpassw"};
const Timestamp kT0 = Timestamp::Seconds(100);

class AgentMessagesTest : public ::testing::Test {
 protected:
  void Make(Role role, bool aggressive = false) {
    AgentConfig config;
    config.role = role;
    config.local_sockets = {kLocal};
    config.local_credentials = kLocalCredentials;
    config.aggressive_nomination = aggressive;
    agent_ = std::make_unique<Agent>(config, random_);
    agent_->StartGathering(kT0);
  }

  Candidate RemoteHost(const SocketAddress& address = kRemote) {
    return Candidate::Make("7", CandidateType::kHost, 2122260223, address);
  }

  std::vector<Datagram> Sent() {
    std::vector<Datagram> out;
    while (auto transmit = agent_->PollTransmit()) {
      if (auto* d = std::get_if<Datagram>(&*transmit)) out.push_back(std::move(*d));
    }
    return out;
  }
  std::vector<Event> Events() {
    std::vector<Event> out;
    while (auto e = agent_->PollEvent())
      out.push_back(std::move(*e));
    return out;
  }

  // A check from the remote peer, as a browser would send it.
  Bytes PeerCheck(std::optional<uint64_t> controlling, std::optional<uint64_t> controlled,
                  bool use_candidate = false, std::string_view pwd = kLocalCredentials.pwd,
                  std::string_view username = "LoCa:rEmO") {
    stun::Message request = stun::Message::Request(stun::Method::kBinding, random_);
    request.Add(stun::Username{std::string(username)});
    request.Add(stun::Priority{1845501695});
    if (controlling) request.Add(stun::IceControlling{*controlling});
    if (controlled) request.Add(stun::IceControlled{*controlled});
    if (use_candidate) request.Add(stun::UseCandidate{});
    const stun::IntegrityKey key = stun::IntegrityKey::ShortTerm(pwd);
    return request.Serialize({.key = &key, .fingerprint = true});
  }

  SeededRandom random_{42};
  std::unique_ptr<Agent> agent_;
};

TEST_F(AgentMessagesTest, FirstCheckIsImmediateThenPacedByTa) {
  Make(Role::kControlling);
  Sent();
  ASSERT_TRUE(agent_->SetRemoteCredentials(kT0, kRemoteCredentials).ok());
  ASSERT_TRUE(agent_->AddRemoteCandidate(kT0, RemoteHost()).ok());
  std::vector<Datagram> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);  // At once, no initial wait.
  EXPECT_EQ(sent[0].source, kLocal);
  EXPECT_EQ(sent[0].destination, kRemote);
  auto check = stun::Parse(sent[0].payload);
  ASSERT_TRUE(check);
  EXPECT_TRUE(check->is_request());
  EXPECT_EQ(check->Get<stun::Username>()->value, "rEmO:LoCa");
  EXPECT_TRUE(check->Has<stun::Priority>());
  EXPECT_EQ(check->Get<stun::IceControlling>()->value, agent_->tie_breaker());
  EXPECT_FALSE(check->Has<stun::UseCandidate>());  // Regular nomination: not yet.
  EXPECT_EQ(stun::VerifyIntegrity(*check, stun::IntegrityKey::ShortTerm(kRemoteCredentials.pwd)),
            stun::IntegrityResult::kOk);
  EXPECT_EQ(stun::VerifyFingerprint(*check), stun::IntegrityResult::kOk);
  // The peer-reflexive PRIORITY of the base (§7.1.1): type preference 110.
  EXPECT_EQ(check->Get<stun::Priority>()->value >> 24, 110u);

  // A second pair waits for Ta (5 ms).
  ASSERT_TRUE(
      agent_->AddRemoteCandidate(kT0, RemoteHost(*SocketAddress::Parse("192.0.2.3:6000"))).ok());
  EXPECT_TRUE(Sent().empty());
  EXPECT_EQ(agent_->NextTimeout(), kT0 + TimeDelta::Millis(5));
  agent_->HandleTimeout(kT0 + TimeDelta::Millis(5));
  sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].destination, *SocketAddress::Parse("192.0.2.3:6000"));
}

TEST_F(AgentMessagesTest, AnswersAnAuthenticatedCheckAndTriggersOne) {
  Make(Role::kControlled);
  ASSERT_TRUE(agent_->SetRemoteCredentials(kT0, kRemoteCredentials).ok());
  Sent();
  // Before any remote candidate: the source becomes a peer-reflexive candidate (§7.3.1.3).
  agent_->HandleDatagram(kT0, {kRemote, kLocal, PeerCheck(77, std::nullopt)});
  std::vector<Datagram> sent = Sent();
  ASSERT_EQ(sent.size(), 2u);
  // The response: from the base it arrived on, to its source (§7.3.1.2).
  EXPECT_EQ(sent[0].source, kLocal);
  EXPECT_EQ(sent[0].destination, kRemote);
  auto response = stun::Parse(sent[0].payload);
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->is_success_response());
  EXPECT_EQ(response->Get<stun::XorMappedAddress>()->address, kRemote);
  EXPECT_EQ(stun::VerifyIntegrity(*response, stun::IntegrityKey::ShortTerm(kLocalCredentials.pwd)),
            stun::IntegrityResult::kOk);
  EXPECT_EQ(stun::VerifyFingerprint(*response), stun::IntegrityResult::kOk);
  // The triggered check (§7.3.1.4), as the controlled agent.
  auto triggered = stun::Parse(sent[1].payload);
  ASSERT_TRUE(triggered);
  EXPECT_TRUE(triggered->is_request());
  EXPECT_EQ(sent[1].destination, kRemote);
  EXPECT_EQ(triggered->Get<stun::IceControlled>()->value, agent_->tie_breaker());
  EXPECT_EQ(agent_->GetStats().checks_answered, 1u);

  // Its success makes the pair valid: connected, selected (peer-reflexive remote).
  stun::Message ok = stun::Message::SuccessResponse(*triggered);
  ok.Add(stun::XorMappedAddress{kLocal});
  const stun::IntegrityKey remote_key = stun::IntegrityKey::ShortTerm(kRemoteCredentials.pwd);
  agent_->HandleDatagram(
      kT0 + TimeDelta::Millis(1),
      {kRemote, kLocal, ok.Serialize({.key = &remote_key, .fingerprint = true})});
  EXPECT_EQ(agent_->connection_state(), ConnectionState::kConnected);
  auto selected = agent_->selected_pair();
  ASSERT_TRUE(selected);
  EXPECT_EQ(selected->remote.type, CandidateType::kPeerReflexive);
  EXPECT_EQ(selected->local.type, CandidateType::kHost);

  // Data from the peer now arrives; data from elsewhere does not.
  agent_->HandleDatagram(kT0 + TimeDelta::Millis(2), {kRemote, kLocal, Bytes{0x16, 0xfe, 0xfd}});
  agent_->HandleDatagram(kT0 + TimeDelta::Millis(2),
                         {*SocketAddress::Parse("192.0.2.9:1"), kLocal, Bytes{0x16, 0xfe, 0xfd}});
  int data = 0;
  for (const Event& e : Events())
    data += std::holds_alternative<DataReceived>(e);
  EXPECT_EQ(data, 1);
  EXPECT_EQ(agent_->GetStats().dropped_unknown, 1u);
}

TEST_F(AgentMessagesTest, ChecksBeforeRemoteCredentialsAreAnsweredAndQueued) {
  Make(Role::kControlled);
  Sent();
  agent_->HandleDatagram(kT0, {kRemote, kLocal, PeerCheck(77, std::nullopt)});
  std::vector<Datagram> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);  // Answered; the triggered check waits for the password.
  EXPECT_TRUE(stun::Parse(sent[0].payload)->is_success_response());
  ASSERT_TRUE(agent_->SetRemoteCredentials(kT0 + TimeDelta::Millis(10), kRemoteCredentials).ok());
  sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(stun::Parse(sent[0].payload)->is_request());
}

TEST_F(AgentMessagesTest, UnauthenticatedChecksAreDroppedSilently) {
  Make(Role::kControlled);
  ASSERT_TRUE(agent_->SetRemoteCredentials(kT0, kRemoteCredentials).ok());
  Sent();
  // Wrong password, wrong ufrag, no USERNAME, no MESSAGE-INTEGRITY.
  agent_->HandleDatagram(
      kT0, {kRemote, kLocal, PeerCheck(1, std::nullopt, true, "wrongpasswordwrongpassw")});
  agent_->HandleDatagram(
      kT0, {kRemote, kLocal, PeerCheck(1, std::nullopt, true, kLocalCredentials.pwd, "XXXX:rEmO")});
  stun::Message bare = stun::Message::Request(stun::Method::kBinding, random_);
  bare.Add(stun::Priority{1});
  agent_->HandleDatagram(kT0, {kRemote, kLocal, bare.Serialize({.fingerprint = true})});
  stun::Message unsigned_check = stun::Message::Request(stun::Method::kBinding, random_);
  unsigned_check.Add(stun::Username{"LoCa:rEmO"}).Add(stun::Priority{1}).Add(stun::UseCandidate{});
  agent_->HandleDatagram(kT0, {kRemote, kLocal, unsigned_check.Serialize({.fingerprint = true})});
  EXPECT_TRUE(Sent().empty());
  EXPECT_EQ(agent_->GetStats().dropped_bad_integrity, 4u);
  EXPECT_EQ(agent_->GetStats().pairs.size(), 0u);
  EXPECT_EQ(agent_->connection_state(), ConnectionState::kNew);
}

TEST_F(AgentMessagesTest, RoleConflictAsControlling) {
  Make(Role::kControlling);
  ASSERT_TRUE(agent_->SetRemoteCredentials(kT0, kRemoteCredentials).ok());
  Sent();
  const uint64_t ours = agent_->tie_breaker();
  ASSERT_GT(ours, 0u);
  // §7.3.1.1: our tie-breaker is larger: 487, and we stay controlling.
  agent_->HandleDatagram(kT0, {kRemote, kLocal, PeerCheck(ours - 1, std::nullopt)});
  std::vector<Datagram> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  auto error = stun::Parse(sent[0].payload);
  ASSERT_TRUE(error && error->is_error_response());
  EXPECT_EQ(error->Get<stun::ErrorCode>()->code, 487);
  EXPECT_EQ(stun::VerifyIntegrity(*error, stun::IntegrityKey::ShortTerm(kLocalCredentials.pwd)),
            stun::IntegrityResult::kOk);
  EXPECT_EQ(agent_->role(), Role::kControlling);
  // Larger than ours: we switch to controlled and answer with success.
  if (ours == UINT64_MAX) GTEST_SKIP();
  agent_->HandleDatagram(kT0, {kRemote, kLocal, PeerCheck(ours + 1, std::nullopt)});
  EXPECT_EQ(agent_->role(), Role::kControlled);
  sent = Sent();
  ASSERT_GE(sent.size(), 1u);
  EXPECT_TRUE(stun::Parse(sent[0].payload)->is_success_response());
  bool role_changed = false;
  for (const Event& e : Events()) {
    if (auto* r = std::get_if<RoleChanged>(&e)) role_changed = r->role == Role::kControlled;
  }
  EXPECT_TRUE(role_changed);
}

TEST_F(AgentMessagesTest, RoleConflictAsControlled) {
  Make(Role::kControlled);
  ASSERT_TRUE(agent_->SetRemoteCredentials(kT0, kRemoteCredentials).ok());
  Sent();
  const uint64_t ours = agent_->tie_breaker();
  if (ours == UINT64_MAX || ours == 0) GTEST_SKIP();
  // Theirs larger: 487.
  agent_->HandleDatagram(kT0, {kRemote, kLocal, PeerCheck(std::nullopt, ours + 1)});
  std::vector<Datagram> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(stun::Parse(sent[0].payload)->Get<stun::ErrorCode>()->code, 487);
  EXPECT_EQ(agent_->role(), Role::kControlled);
  // Ours larger: we become controlling.
  agent_->HandleDatagram(kT0, {kRemote, kLocal, PeerCheck(std::nullopt, ours - 1)});
  EXPECT_EQ(agent_->role(), Role::kControlling);
}

TEST_F(AgentMessagesTest, RoleConflictResponseSwitchesRoleAndRetries) {
  Make(Role::kControlling);
  ASSERT_TRUE(agent_->SetRemoteCredentials(kT0, kRemoteCredentials).ok());
  ASSERT_TRUE(agent_->AddRemoteCandidate(kT0, RemoteHost()).ok());
  std::vector<Datagram> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  auto check = stun::Parse(sent[0].payload);
  // §7.2.5.1: a signed 487 switches our role and the pair is checked again.
  const stun::IntegrityKey key = stun::IntegrityKey::ShortTerm(kRemoteCredentials.pwd);
  agent_->HandleDatagram(
      kT0 + TimeDelta::Millis(1),
      {kRemote, kLocal,
       stun::Message::ErrorResponse(*check, 487).Serialize({.key = &key, .fingerprint = true})});
  EXPECT_EQ(agent_->role(), Role::kControlled);
  agent_->HandleTimeout(kT0 + TimeDelta::Millis(5));
  sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  auto again = stun::Parse(sent[0].payload);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->Has<stun::IceControlled>());
  EXPECT_FALSE(again->Has<stun::IceControlling>());
  // An unsigned 487 would have changed nothing.
  Make(Role::kControlling);
  ASSERT_TRUE(agent_->SetRemoteCredentials(kT0, kRemoteCredentials).ok());
  ASSERT_TRUE(agent_->AddRemoteCandidate(kT0, RemoteHost()).ok());
  sent = Sent();
  check = stun::Parse(sent.back().payload);
  agent_->HandleDatagram(
      kT0 + TimeDelta::Millis(1),
      {kRemote, kLocal,
       stun::Message::ErrorResponse(*check, 487).Serialize({.fingerprint = true})});
  EXPECT_EQ(agent_->role(), Role::kControlling);
  EXPECT_EQ(agent_->GetStats().dropped_bad_integrity, 1u);
}

TEST_F(AgentMessagesTest, ControllingNominatesWithUseCandidateAfterSuccess) {
  Make(Role::kControlling);
  ASSERT_TRUE(agent_->SetRemoteCredentials(kT0, kRemoteCredentials).ok());
  ASSERT_TRUE(agent_->AddRemoteCandidate(kT0, RemoteHost()).ok());
  auto check = stun::Parse(Sent().at(0).payload);
  stun::Message ok = stun::Message::SuccessResponse(*check);
  ok.Add(stun::XorMappedAddress{kLocal});
  const stun::IntegrityKey key = stun::IntegrityKey::ShortTerm(kRemoteCredentials.pwd);
  const Timestamp t1 = kT0 + TimeDelta::Millis(40);
  agent_->HandleDatagram(t1, {kRemote, kLocal, ok.Serialize({.key = &key, .fingerprint = true})});
  EXPECT_EQ(agent_->connection_state(), ConnectionState::kConnected);
  // Nothing better pending: the nomination goes out at once (Ta has passed).
  std::vector<Datagram> sent = Sent();
  ASSERT_EQ(sent.size(), 1u);
  auto nomination = stun::Parse(sent[0].payload);
  EXPECT_TRUE(nomination->Has<stun::UseCandidate>());
  stun::Message ok2 = stun::Message::SuccessResponse(*nomination);
  ok2.Add(stun::XorMappedAddress{kLocal});
  agent_->HandleDatagram(t1 + TimeDelta::Millis(40),
                         {kRemote, kLocal, ok2.Serialize({.key = &key, .fingerprint = true})});
  const AgentStats stats = agent_->GetStats();
  ASSERT_EQ(stats.pairs.size(), 1u);
  EXPECT_TRUE(stats.pairs[0].nominated);
  EXPECT_TRUE(stats.pairs[0].selected);
  EXPECT_EQ(stats.pairs[0].current_rtt, TimeDelta::Millis(40));
  // Completed once our gathering is done and the peer said end-of-candidates.
  agent_->EndOfRemoteCandidates(t1 + TimeDelta::Millis(50));
  EXPECT_EQ(agent_->connection_state(), ConnectionState::kCompleted);
}

TEST_F(AgentMessagesTest, AggressiveNominationPutsUseCandidateOnEveryCheck) {
  Make(Role::kControlling, /*aggressive=*/true);
  ASSERT_TRUE(agent_->SetRemoteCredentials(kT0, kRemoteCredentials).ok());
  ASSERT_TRUE(agent_->AddRemoteCandidate(kT0, RemoteHost()).ok());
  EXPECT_TRUE(stun::Parse(Sent().at(0).payload)->Has<stun::UseCandidate>());
}

TEST_F(AgentMessagesTest, SendNeedsASelectedPairAndCloseStopsEverything) {
  Make(Role::kControlling);
  const Bytes data = {1, 2, 3};
  Result<void> sent = agent_->Send(kT0, data);
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind(), ErrorKind::kInvalidStateError);
  agent_->Close(kT0);
  EXPECT_EQ(agent_->connection_state(), ConnectionState::kClosed);
  EXPECT_FALSE(agent_->AddRemoteCandidate(kT0, RemoteHost()).ok());
  EXPECT_FALSE(agent_->SetRemoteCredentials(kT0, kRemoteCredentials).ok());
  EXPECT_EQ(agent_->NextTimeout(), std::nullopt);
}

TEST_F(AgentMessagesTest, RejectsMalformedCredentials) {
  Make(Role::kControlling);
  EXPECT_EQ(agent_->SetRemoteCredentials(kT0, {"abc", kRemoteCredentials.pwd}).error().kind(),
            ErrorKind::kSyntaxError);
  EXPECT_FALSE(agent_->SetRemoteCredentials(kT0, {"abcd", "short"}).ok());
  EXPECT_FALSE(agent_->SetRemoteCredentials(kT0, {"ab:d", kRemoteCredentials.pwd}).ok());
  // Generated credentials follow RFC 8839.
  EXPECT_GE(agent_->local_credentials().ufrag.size(), 4u);
  AgentConfig config;
  config.local_sockets = {kLocal};
  Agent generated(config, random_);
  EXPECT_GE(generated.local_credentials().ufrag.size(), 4u);
  EXPECT_GE(generated.local_credentials().pwd.size(), 22u);
}

TEST_F(AgentMessagesTest, IgnoresUnusableRemoteCandidates) {
  Make(Role::kControlling);
  ASSERT_TRUE(agent_->SetRemoteCredentials(kT0, kRemoteCredentials).ok());
  Sent();
  auto parse = [](const char* line) { return *Candidate::Parse(line); };
  // TCP, component 2, another generation, port 0, an unresolvable name: all Ok, all ignored.
  for (const char* line :
       {"candidate:1 1 tcp 1518280447 192.0.2.2 9 typ host tcptype active",
        "candidate:1 2 udp 2122260222 192.0.2.2 6001 typ host",
        "candidate:1 1 udp 2122260223 192.0.2.2 6000 typ host generation 0 ufrag OLD1",
        "candidate:1 1 udp 2122260223 192.0.2.2 0 typ host",
        "candidate:1 1 udp 2122260223 example.com 6000 typ host"}) {
    EXPECT_TRUE(agent_->AddRemoteCandidate(kT0, parse(line)).ok()) << line;
  }
  EXPECT_TRUE(Sent().empty());
  EXPECT_EQ(agent_->GetStats().remote_candidates, 0u);
  // The current generation's ufrag is accepted.
  EXPECT_TRUE(
      agent_
          ->AddRemoteCandidate(
              kT0,
              parse("candidate:1 1 udp 2122260223 192.0.2.2 6000 typ host generation 0 ufrag rEmO"))
          .ok());
  EXPECT_EQ(Sent().size(), 1u);
}

}  // namespace
}  // namespace parley::ice
