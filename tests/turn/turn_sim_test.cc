// TURN scenarios in the simulator (tier 3): a RelayConnection (UDP) on a client host, the test
// TurnServer on its own host and a plain UDP peer host, all in virtual time. Failures print the
// seed (rerun with PARLEY_SIM_SEED=N).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "sim/sim_test.h"
#include "stun/message.h"
#include "support/relay_harness.h"
#include "support/turn_server.h"
#include "turn/channel_data.h"
#include "turn/stepped_loop.h"

namespace parley::turn {
namespace {

using sim::Addr;
using sim::Ip;
using ::testing::HasSubstr;

// A plain UDP application on the peer host: records what arrives and sends on request.
class PeerApp final : public sim::Endpoint {
 public:
  explicit PeerApp(SocketAddress local) : local_(local) {}
  void Send(const SocketAddress& to, Bytes payload) {
    out_.push_back(Datagram{local_, to, std::move(payload)});
  }
  const std::vector<Datagram>& received() const { return received_; }
  // Echo every datagram back to its sender.
  void set_echo(bool echo) { echo_ = echo; }

  void HandleDatagram(Timestamp, const Datagram& in) override {
    received_.push_back(in);
    if (echo_) Send(in.source, in.payload);
  }
  void HandleTimeout(Timestamp) override {}
  std::optional<Datagram> PollTransmit() override {
    if (out_.empty()) return std::nullopt;
    Datagram d = std::move(out_.front());
    out_.pop_front();
    return d;
  }
  std::optional<Timestamp> NextTimeout() const override { return std::nullopt; }

 private:
  SocketAddress local_;
  std::deque<Datagram> out_;
  std::vector<Datagram> received_;
  bool echo_ = false;
};

Bytes Text(const std::string& text) {
  return Bytes(text.begin(), text.end());
}

class TurnSimTest : public sim::SimTest {
 protected:
  explicit TurnSimTest(testing::TurnServerConfig server_config = ServerConfigWithUser())
      : server_host_(sim().AddHost("turn", {Ip("203.0.113.1")})),
        client_host_(sim().AddHost("alice", {Ip("192.0.2.10")})),
        peer_host_(sim().AddHost("peer", {Ip("198.51.100.20")})),
        server_(server_host_.ip(), std::move(server_config), sim().random()),
        peer_(peer_host_.address(7000)) {
    const sim::LinkConfig link{.latency = TimeDelta::Millis(20)};
    for (sim::Host* host : {&server_host_, &client_host_, &peer_host_})
      host->SetLinkConfig(link);
    sim().Attach(server_host_, server_);
    sim().Attach(peer_host_, peer_, 7000);
  }

  std::unique_ptr<testing::RelayHarness> MakeClient(ServerConfig config = {}) {
    if (config.username.empty()) config = ClientConfig(server_.listen_address());
    return std::make_unique<testing::RelayHarness>(sim(), client_host_, 5000, std::move(config),
                                                   &server_);
  }
  // Starts `client` and runs until it is allocated.
  void Allocate(testing::RelayHarness& client) {
    client.Start();
    ASSERT_TRUE(
        sim().RunUntil([&] { return client.allocated().has_value(); }, TimeDelta::Seconds(5)));
  }
  std::vector<std::string> PeerTexts() const {
    std::vector<std::string> out;
    for (const Datagram& d : peer_.received())
      out.emplace_back(d.payload.begin(), d.payload.end());
    return out;
  }

  sim::Host& server_host_;
  sim::Host& client_host_;
  sim::Host& peer_host_;
  testing::TurnServer server_;
  PeerApp peer_;
};

TEST_F(TurnSimTest, Allocates) {
  auto client = MakeClient();
  Allocate(*client);
  const Allocated allocated = *client->allocated();
  EXPECT_EQ(allocated.relayed.ip(), server_host_.ip());
  EXPECT_EQ(allocated.mapped, client_host_.address(5000));
  EXPECT_TRUE(server_.HasAllocation(allocated.relayed));
  // Two round trips: the 401, then the success (each 4 links of 20 ms).
  EXPECT_LE(sim().now() - sim::Simulator::kStartTime, TimeDelta::Millis(200));
  EXPECT_EQ(server_.stats().unauthenticated, 1u);
  EXPECT_EQ(server_.stats().allocations_created, 1u);
}

TEST_F(TurnSimTest, AllocatesBehindANatWithTheNatsMappedAddress) {
  sim::NatBox& nat =
      sim().AddNat("nat", sim::NatConfig::PortRestrictedCone(), {Ip("198.51.100.99")});
  sim::Host& inside = sim().AddHost("bob", {Ip("10.0.0.2")}, &nat);
  testing::RelayHarness client(sim(), inside, 6000, ClientConfig(server_.listen_address()),
                               &server_);
  Allocate(client);
  EXPECT_EQ(client.allocated()->mapped.ip(), Ip("198.51.100.99"));
  // Peer data crosses the NAT back to the client through the allocation.
  client.CreatePermission(peer_host_.ip());
  sim().RunFor(TimeDelta::Seconds(1));
  peer_.Send(client.allocated()->relayed, Text("through the nat"));
  sim().Kick(peer_);
  sim().RunFor(TimeDelta::Seconds(1));
  ASSERT_EQ(client.EventsOf<PeerData>().size(), 1u);
}

TEST_F(TurnSimTest, RefreshesBeforeExpiryForAnHour) {
  auto client = MakeClient();
  Allocate(*client);
  const SocketAddress relayed = client->allocated()->relayed;
  sim().RunFor(TimeDelta::Seconds(3600));
  EXPECT_EQ(client->state(), TurnClient::State::kAllocated);
  EXPECT_TRUE(client->EventsOf<AllocationLost>().empty());
  EXPECT_TRUE(server_.HasAllocation(relayed));
  EXPECT_EQ(server_.stats().allocations_expired, 0u);
  // Every 540 s (600 s lifetime minus a minute): 6 refreshes in an hour.
  EXPECT_EQ(client->client().stats().allocation_refreshes, 6u);
  EXPECT_EQ(server_.stats().refreshes, 6u);
}

class TurnSimShortNonceTest : public TurnSimTest {
 protected:
  static testing::TurnServerConfig Config() {
    testing::TurnServerConfig config = ServerConfigWithUser();
    config.nonce_lifetime = TimeDelta::Seconds(200);
    return config;
  }
  TurnSimShortNonceTest() : TurnSimTest(Config()) {}
};

TEST_F(TurnSimShortNonceTest, StaleNonceDuringRefreshIsTransparent) {
  auto client = MakeClient();
  Allocate(*client);
  sim().RunFor(TimeDelta::Seconds(1200));
  EXPECT_EQ(client->state(), TurnClient::State::kAllocated);
  EXPECT_EQ(client->events().size(), 1u);  // Just the Allocated.
  EXPECT_GE(client->client().stats().stale_nonce_retries, 2u);
  EXPECT_EQ(server_.stats().stale_nonces, client->client().stats().stale_nonce_retries);
  EXPECT_EQ(client->client().stats().allocation_refreshes, 2u);
}

TEST_F(TurnSimTest, AllocationIsLostWhenTheServerBecomesUnreachable) {
  auto client = MakeClient();
  Allocate(*client);
  const Timestamp expiry = *client->client().allocation_expiry();
  server_host_.SetUdpBlocked(true);
  ASSERT_TRUE(sim().RunUntil([&] { return !client->EventsOf<AllocationLost>().empty(); },
                             TimeDelta::Seconds(700)));
  EXPECT_EQ(sim().now(), expiry);
  EXPECT_THAT(client->EventsOf<AllocationLost>()[0].reason, HasSubstr("expired"));
  EXPECT_EQ(client->state(), TurnClient::State::kFailed);
  EXPECT_FALSE(client->relay().NextTimeout());
}

TEST_F(TurnSimTest, PeerDataIsFilteredUntilAPermissionExists) {
  auto client = MakeClient();
  Allocate(*client);
  const SocketAddress relayed = client->allocated()->relayed;
  peer_.Send(relayed, Text("too early"));
  sim().Kick(peer_);
  sim().RunFor(TimeDelta::Seconds(1));
  EXPECT_EQ(server_.stats().peer_data_filtered, 1u);
  EXPECT_TRUE(client->EventsOf<PeerData>().empty());

  client->CreatePermission(peer_host_.ip());
  sim().RunFor(TimeDelta::Seconds(1));
  EXPECT_TRUE(server_.HasPermission(relayed, peer_host_.ip()));
  peer_.Send(relayed, Text("welcome"));
  sim().Kick(peer_);
  sim().RunFor(TimeDelta::Seconds(1));
  const auto data = client->EventsOf<PeerData>();
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0].peer, peer_host_.address(7000));
  EXPECT_EQ(data[0].data, Text("welcome"));
  EXPECT_EQ(client->client().stats().data_indications, 1u);  // No channel: a Data indication.
}

TEST_F(TurnSimTest, PermissionRefreshKeepsItAliveForTwentyMinutes) {
  auto client = MakeClient();
  Allocate(*client);
  const SocketAddress relayed = client->allocated()->relayed;
  client->CreatePermission(peer_host_.ip());
  for (int minute = 1; minute <= 20; ++minute) {
    sim().RunFor(TimeDelta::Seconds(60));
    peer_.Send(relayed, Text("minute " + std::to_string(minute)));
    sim().Kick(peer_);
  }
  sim().RunFor(TimeDelta::Seconds(1));
  EXPECT_EQ(client->EventsOf<PeerData>().size(), 20u);
  EXPECT_EQ(server_.stats().peer_data_filtered, 0u);
  // Refreshed every 240 s: at 4, 8, 12, 16 and 20 minutes.
  EXPECT_EQ(client->client().stats().permission_refreshes, 5u);
  EXPECT_EQ(server_.stats().permissions_installed, 6u);
  EXPECT_EQ(client->state(), TurnClient::State::kAllocated);
}

TEST_F(TurnSimTest, ChannelBindingSwitchesTrafficToChannelData) {
  // Everything the client and the server's listening port exchange, as delivered.
  std::vector<Bytes> client_to_server;
  std::vector<Bytes> server_to_client;
  sim().AddObserver([&](const sim::PacketEvent& event) {
    if (event.kind != sim::PacketEventKind::kDelivered) return;
    if (event.datagram.destination == server_.listen_address()) {
      client_to_server.push_back(event.datagram.payload);
    } else if (event.datagram.source == server_.listen_address()) {
      server_to_client.push_back(event.datagram.payload);
    }
  });
  auto client = MakeClient();
  Allocate(*client);
  const SocketAddress relayed = client->allocated()->relayed;
  const SocketAddress peer = peer_host_.address(7000);
  client_to_server.clear();
  server_to_client.clear();

  // First datagram: a Send indication (the ChannelBind is still on its way).
  ASSERT_TRUE(client->SendTo(peer, Text("one")).ok());
  sim().RunFor(TimeDelta::Seconds(1));
  ASSERT_EQ(client_to_server.size(), 3u);
  auto is_method = [](const Bytes& b, stun::Method m) {
    auto message = stun::Parse(b);
    return message && message->method() == m;
  };
  EXPECT_TRUE(is_method(client_to_server[0], stun::Method::kCreatePermission));
  EXPECT_TRUE(is_method(client_to_server[1], stun::Method::kChannelBind));
  EXPECT_TRUE(is_method(client_to_server[2], stun::Method::kSend));
  const auto channel = client->client().BoundChannel(peer);
  ASSERT_TRUE(channel);
  EXPECT_EQ(server_.ChannelFor(relayed, peer), channel);

  // Then ChannelData, on the wire both ways.
  client_to_server.clear();
  server_to_client.clear();
  ASSERT_TRUE(client->SendTo(peer, Text("two")).ok());
  sim().RunFor(TimeDelta::Seconds(1));
  ASSERT_EQ(client_to_server.size(), 1u);
  EXPECT_EQ(client_to_server[0], SerializeChannelData(*channel, Text("two")));
  EXPECT_EQ(PeerTexts(), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(peer_.received()[0].source, relayed);

  peer_.Send(relayed, Text("three"));
  sim().Kick(peer_);
  sim().RunFor(TimeDelta::Seconds(1));
  ASSERT_EQ(server_to_client.size(), 1u);
  EXPECT_EQ(server_to_client[0], SerializeChannelData(*channel, Text("three")));
  const auto data = client->EventsOf<PeerData>();
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0].peer, peer);
  EXPECT_EQ(data[0].data, Text("three"));
}

TEST_F(TurnSimTest, DataFlowsBothWaysThroughTheRelay) {
  auto client = MakeClient();
  Allocate(*client);
  peer_.set_echo(true);
  const SocketAddress peer = peer_host_.address(7000);
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(client->SendTo(peer, Text("message " + std::to_string(i))).ok());
    sim().RunFor(TimeDelta::Millis(20));
  }
  sim().RunFor(TimeDelta::Seconds(1));
  ASSERT_EQ(peer_.received().size(), 50u);
  const auto echoes = client->EventsOf<PeerData>();
  ASSERT_EQ(echoes.size(), 50u);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(echoes[i].data, Text("message " + std::to_string(i)));
    EXPECT_EQ(echoes[i].peer, peer);
  }
  // After the first round trip everything used the channel.
  EXPECT_GE(client->client().stats().channel_data_sent, 45u);
  EXPECT_GE(client->client().stats().channel_data_received, 45u);
}

TEST_F(TurnSimTest, ChannelAndPermissionStayAliveForTwentyFiveMinutes) {
  auto client = MakeClient();
  Allocate(*client);
  peer_.set_echo(true);
  const SocketAddress peer = peer_host_.address(7000);
  for (int minute = 0; minute < 25; ++minute) {
    ASSERT_TRUE(client->SendTo(peer, Text("tick")).ok());
    sim().RunFor(TimeDelta::Seconds(60));
  }
  EXPECT_EQ(client->EventsOf<PeerData>().size(), 25u);
  // ChannelBind refreshed every 540 s; the allocation every 540 s.
  EXPECT_EQ(client->client().stats().channel_refreshes, 2u);
  EXPECT_EQ(client->client().stats().send_indications, 1u);
  EXPECT_EQ(server_.stats().peer_data_filtered, 0u);
  EXPECT_EQ(server_.stats().client_data_dropped, 0u);
}

TEST_F(TurnSimTest, CloseSendsRefreshZeroAndTheServerFreesTheAllocation) {
  std::vector<stun::Message> refreshes;
  sim().AddObserver([&](const sim::PacketEvent& event) {
    if (event.kind != sim::PacketEventKind::kDelivered ||
        event.datagram.destination != server_.listen_address()) {
      return;
    }
    if (auto m = stun::Parse(event.datagram.payload); m && m->method() == stun::Method::kRefresh) {
      refreshes.push_back(*m);
    }
  });
  auto client = MakeClient();
  Allocate(*client);
  const SocketAddress relayed = client->allocated()->relayed;
  client->Close();
  ASSERT_TRUE(sim().RunUntil([&] { return client->state() == TurnClient::State::kClosed; },
                             TimeDelta::Seconds(5)));
  ASSERT_EQ(refreshes.size(), 1u);
  EXPECT_EQ(refreshes[0].Get<stun::Lifetime>()->value, 0u);
  EXPECT_FALSE(server_.HasAllocation(relayed));
  EXPECT_EQ(server_.allocation_count(), 0u);
  EXPECT_EQ(server_.stats().allocations_deleted, 1u);
  EXPECT_FALSE(client->relay().NextTimeout());
}

// RFC 8489 §6.2.1 retransmissions carry the allocation through 5 % loss each way, for every
// one of 20 seeds; across them some requests or responses really were lost.
TEST(TurnSimLossTest, AllocatesUnderFivePercentLoss) {
  uint64_t lost = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    PARLEY_SIM_SCOPED_SEED(seed);
    sim::Simulator sim(seed);
    sim::Host& server_host = sim.AddHost("turn", {Ip("203.0.113.1")});
    sim::Host& client_host = sim.AddHost("alice", {Ip("192.0.2.10")});
    client_host.SetLinkConfig({.latency = TimeDelta::Millis(30), .loss = 0.05});
    testing::TurnServer server(server_host.ip(), ServerConfigWithUser(), sim.random());
    sim.Attach(server_host, server);
    testing::RelayHarness client(sim, client_host, 5000, ClientConfig(server.listen_address()),
                                 &server);
    client.Start();
    ASSERT_TRUE(
        sim.RunUntil([&] { return client.allocated().has_value(); }, TimeDelta::Seconds(39)));
    // Permissions and channels too.
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(client.SendTo(SocketAddress(Ip("198.51.100.20"), 7000 + i), Bytes{1}).ok());
    }
    ASSERT_TRUE(sim.RunUntil(
        [&] {
          for (int i = 0; i < 5; ++i) {
            if (!client.client().BoundChannel(SocketAddress(Ip("198.51.100.20"), 7000 + i))) {
              return false;
            }
          }
          return true;
        },
        TimeDelta::Seconds(39)));
    EXPECT_TRUE(client.EventsOf<AllocationFailed>().empty());
    EXPECT_TRUE(client.EventsOf<PermissionFailed>().empty());
    lost += client_host.uplink().stats().lost_random + client_host.downlink().stats().lost_random;
  }
  EXPECT_GT(lost, 0u);
}

}  // namespace
}  // namespace parley::turn
