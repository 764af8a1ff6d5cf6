// Two DTLS endpoints on simulated hosts: connection timing in round trips, both role
// assignments, loss and long RTTs over several seeds (retransmissions in virtual time), a small
// MTU, a lost final flight, and retransmission times that follow the virtual clock exactly.
#include <gtest/gtest.h>

#include <memory>

#include "dtls/dtls_harness.h"
#include "dtls/endpoint.h"
#include "sim/sim_test.h"

namespace parley::dtls {
namespace {

using sim::Ip;
using testing::HasRecord;
using testing::MakeConfig;
using testing::SimDtls;
using testing::TestCertificate;
using testing::TestRsaCertificate;

// Alice and Bob on the internet; either may be the DTLS client.
struct SimPair {
  SimPair(sim::Simulator& sim, Role alice_role, Endpoint::Config alice_config,
          Endpoint::Config bob_config)
      : sim(sim),
        alice_host(sim.AddHost("alice", {Ip("192.0.2.1")})),
        bob_host(sim.AddHost("bob", {Ip("192.0.2.2")})),
        alice(std::move(alice_config)),
        bob(std::move(bob_config)),
        alice_sim(alice, alice_host.address(5000), bob_host.address(6000)),
        bob_sim(bob, bob_host.address(6000), alice_host.address(5000)),
        alice_role(alice_role) {
    sim.Attach(alice_host, alice_sim, 5000);
    sim.Attach(bob_host, bob_sim, 6000);
  }

  // Role-based configs: alice uses certificate 0, bob certificate 1.
  static std::unique_ptr<SimPair> Make(sim::Simulator& sim, Role alice_role) {
    const Role bob_role = alice_role == Role::kClient ? Role::kServer : Role::kClient;
    return std::make_unique<SimPair>(sim, alice_role,
                                     MakeConfig(alice_role, TestCertificate(0), TestCertificate(1)),
                                     MakeConfig(bob_role, TestCertificate(1), TestCertificate(0)));
  }

  void Start() {
    alice_sim.Start(sim.now());
    bob_sim.Start(sim.now());
    sim.Kick(alice_sim);
    sim.Kick(bob_sim);
  }
  bool Connected() const {
    return alice.state() == State::kConnected && bob.state() == State::kConnected;
  }
  SimDtls& client_sim() { return alice_role == Role::kClient ? alice_sim : bob_sim; }
  SimDtls& server_sim() { return alice_role == Role::kClient ? bob_sim : alice_sim; }
  Endpoint& client() { return alice_role == Role::kClient ? alice : bob; }
  Endpoint& server() { return alice_role == Role::kClient ? bob : alice; }

  sim::Simulator& sim;
  sim::Host& alice_host;
  sim::Host& bob_host;
  Endpoint alice;
  Endpoint bob;
  SimDtls alice_sim;
  SimDtls bob_sim;
  Role alice_role;
};

class DtlsSimTest : public sim::SimTestWithParam<Role> {};

// 25 ms per link direction: 50 ms one way, RTT 100 ms. The server connects after 1.5 RTTs
// (the client's second flight), the client after 2.
TEST_P(DtlsSimTest, ConnectsInTwoRoundTripsInEitherRoleAssignment) {
  auto pair = SimPair::Make(sim(), GetParam());
  pair->alice_host.SetLinkConfig({.latency = TimeDelta::Millis(25)});
  pair->bob_host.SetLinkConfig({.latency = TimeDelta::Millis(25)});
  const Timestamp t0 = sim().now();
  pair->Start();
  ASSERT_TRUE(sim().RunUntil([&] { return pair->server().state() == State::kConnected; },
                             TimeDelta::Seconds(5)));
  EXPECT_EQ(sim().now() - t0, TimeDelta::Millis(150));
  ASSERT_TRUE(sim().RunUntil([&] { return pair->Connected(); }, TimeDelta::Seconds(5)));
  EXPECT_EQ(sim().now() - t0, TimeDelta::Millis(200));
  EXPECT_EQ(pair->alice.srtp_keys(), pair->bob.srtp_keys());
  EXPECT_EQ(pair->alice.role(), GetParam());
  // Data both ways over the simulated path.
  ASSERT_TRUE(pair->alice.Send(sim().now(), Bytes{1, 2, 3}).ok());
  ASSERT_TRUE(pair->bob.Send(sim().now(), Bytes{4, 5}).ok());
  sim().Kick(pair->alice_sim);
  sim().Kick(pair->bob_sim);
  sim().RunFor(TimeDelta::Millis(100));
  ASSERT_EQ(pair->bob_sim.events().data.size(), 1u);
  EXPECT_EQ(pair->bob_sim.events().data[0], (Bytes{1, 2, 3}));
  ASSERT_EQ(pair->alice_sim.events().data.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Roles, DtlsSimTest, ::testing::Values(Role::kClient, Role::kServer),
                         [](const ::testing::TestParamInfo<Role>& info) {
                           return info.param == Role::kClient ? "AliceClient" : "AliceServer";
                         });

// 10 % loss each way and a 200 ms RTT, over many seeds: every run connects through
// retransmissions in virtual time, with both sides holding the same keys.
TEST(DtlsLossTest, LossyLongRttConnectsForEverySeed) {
  uint64_t total_retransmissions = 0;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    PARLEY_SIM_SCOPED_SEED(seed);
    sim::Simulator sim(seed);
    auto pair = SimPair::Make(sim, seed % 2 ? Role::kClient : Role::kServer);
    for (sim::Host* host : {&pair->alice_host, &pair->bob_host}) {
      host->uplink().set_config({.latency = TimeDelta::Millis(100), .loss = 0.10});
      host->downlink().set_config({});
    }
    pair->Start();
    ASSERT_TRUE(sim.RunUntil([&] { return pair->Connected(); }, TimeDelta::Seconds(30)))
        << "alice " << ToString(pair->alice.state()) << " " << pair->alice.error() << ", bob "
        << ToString(pair->bob.state()) << " " << pair->bob.error();
    ASSERT_TRUE(pair->client().srtp_keys().has_value());
    EXPECT_EQ(pair->client().srtp_keys()->client, pair->server().srtp_keys()->client);
    EXPECT_EQ(pair->client().srtp_keys()->server, pair->server().srtp_keys()->server);
    total_retransmissions +=
        pair->alice.stats().retransmissions + pair->bob.stats().retransmissions;
  }
  EXPECT_GT(total_retransmissions, 0u);  // The loss did bite somewhere.
}

TEST(DtlsMtuSimTest, SmallMtuKeepsEveryDatagramWithinIt) {
  sim::Simulator sim(sim::SeedFromEnv());
  PARLEY_SIM_SCOPED_SEED(sim.seed());
  Endpoint::Config client = MakeConfig(Role::kClient, TestCertificate(0), TestRsaCertificate());
  Endpoint::Config server = MakeConfig(Role::kServer, TestRsaCertificate(), TestCertificate(0));
  client.mtu = 600;
  server.mtu = 600;
  SimPair pair(sim, Role::kClient, std::move(client), std::move(server));
  size_t largest = 0;
  int sent = 0;
  sim.AddObserver([&](const sim::PacketEvent& event) {
    if (event.kind != sim::PacketEventKind::kSent) return;
    largest = std::max(largest, event.datagram.payload.size());
    ++sent;
  });
  pair.alice_host.SetLinkConfig({.latency = TimeDelta::Millis(10)});
  pair.Start();
  ASSERT_TRUE(sim.RunUntil([&] { return pair.Connected(); }, TimeDelta::Seconds(10)));
  EXPECT_LE(largest, 600u);
  EXPECT_GT(largest, 500u);  // Fragments fill the datagrams.
  // The server's flight (certificate ~680 bytes) needed more than one datagram.
  int server_flight = 0;
  for (const auto& [at, datagram] : pair.server_sim().sent) {
    if (at == pair.server_sim().sent.front().first) ++server_flight;
  }
  EXPECT_GE(server_flight, 2);
}

TEST(DtlsLostFlightSimTest, LostFinalFlightIsRecovered) {
  sim::Simulator sim(sim::SeedFromEnv());
  PARLEY_SIM_SCOPED_SEED(sim.seed());
  auto pair = SimPair::Make(sim, Role::kServer);  // Bob is the client.
  pair->alice_host.SetLinkConfig({.latency = TimeDelta::Millis(20)});
  pair->bob_host.SetLinkConfig({.latency = TimeDelta::Millis(20)});
  bool dropped = false;
  pair->server_sim().drop = [&](const Bytes& datagram) {
    if (dropped || !HasRecord(datagram, ContentType::kChangeCipherSpec)) return false;
    dropped = true;
    return true;
  };
  const Timestamp t0 = sim.now();
  pair->Start();
  ASSERT_TRUE(sim.RunUntil([&] { return pair->Connected(); }, TimeDelta::Seconds(10)));
  EXPECT_TRUE(dropped);
  // Client flight 2 at 80 ms (RTT 80 ms), resent 400 ms later; the server's answer takes one
  // more RTT.
  EXPECT_EQ(sim.now() - t0, TimeDelta::Millis(80 + 400 + 80));
  EXPECT_EQ(pair->client().stats().retransmissions, 1u);
  EXPECT_EQ(pair->alice.srtp_keys(), pair->bob.srtp_keys());
}

// Nobody answers: the client's ClientHello leaves exactly at t0 + 0, 0.4, 1.2, 2.8, 6.0, 12.4
// and 25.2 s of virtual time, and the handshake fails at 30 s.
TEST(DtlsTimerSimTest, RetransmissionsFollowTheVirtualClock) {
  sim::Simulator sim(sim::SeedFromEnv());
  PARLEY_SIM_SCOPED_SEED(sim.seed());
  auto pair = SimPair::Make(sim, Role::kClient);
  pair->bob_host.SetUdpBlocked(true);
  const Timestamp t0 = sim.now();
  pair->Start();
  sim.RunFor(TimeDelta::Seconds(40));
  std::vector<int64_t> at_ms;
  for (const auto& [at, datagram] : pair->client_sim().sent)
    at_ms.push_back((at - t0).ms());
  EXPECT_EQ(at_ms, (std::vector<int64_t>{0, 400, 1200, 2800, 6000, 12400, 25200}));
  EXPECT_EQ(pair->client().state(), State::kFailed);
  EXPECT_EQ(pair->client_sim().events().Reason(), "handshake timed out (after 6 retransmissions)");
  // The server never heard anything and times out waiting, too.
  EXPECT_EQ(pair->server().state(), State::kFailed);
  EXPECT_EQ(pair->server().error(), "handshake timed out (nothing received from the peer)");
}

}  // namespace
}  // namespace parley::dtls
