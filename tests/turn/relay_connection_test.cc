// RelayConnection: the TURN client with its transport. UDP datagrams from the local base; TCP
// and TLS streams (connect first, framed messages, TLS handshake with a certificate generated
// in the test) against the test TurnServer through the in-memory stream harness; failures of the
// stream, of TLS and of the framing.
#include "turn/relay_connection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sim/sim_test.h"
#include "stun/message.h"
#include "support/relay_harness.h"
#include "support/test_pki.h"
#include "support/turn_server.h"
#include "turn/stepped_loop.h"

namespace parley::turn {
namespace {

using sim::Addr;
using sim::Ip;
using ::testing::HasSubstr;

constexpr char kTlsName[] = "turn.example.test";

const testing::TestPki& Pki() {
  static const testing::TestPki pki = testing::GenerateTestPki({kTlsName}, {"203.0.113.1"});
  return pki;
}

Bytes Text(const std::string& text) {
  return Bytes(text.begin(), text.end());
}

// --- Stepped, no network -------------------------------------------------------------------------

TEST(RelayConnectionTest, UdpSendsDatagramsFromTheLocalBase) {
  SeededRandom random(1);
  RelayConnection relay(ClientConfig(Addr("203.0.113.1:3478")), Addr("192.0.2.10:5000"), random);
  relay.Start(Timestamp::Seconds(1));
  auto output = relay.PollNetwork();
  ASSERT_TRUE(output);
  const auto* datagram = std::get_if<Datagram>(&*output);
  ASSERT_TRUE(datagram);
  EXPECT_EQ(datagram->source, Addr("192.0.2.10:5000"));
  EXPECT_EQ(datagram->destination, Addr("203.0.113.1:3478"));
  EXPECT_TRUE(stun::IsStun(datagram->payload));
  EXPECT_FALSE(relay.PollNetwork());

  EXPECT_TRUE(relay.IsFromServer({Addr("203.0.113.1:3478"), Addr("192.0.2.10:5000"), {}}));
  EXPECT_FALSE(relay.IsFromServer({Addr("203.0.113.1:3479"), Addr("192.0.2.10:5000"), {}}));
  EXPECT_FALSE(relay.IsFromServer({Addr("203.0.113.1:3478"), Addr("192.0.2.10:5001"), {}}));
  // Datagrams from elsewhere are not the client's business.
  relay.HandleDatagram(Timestamp::Seconds(1),
                       {Addr("198.51.100.1:1"), Addr("192.0.2.10:5000"), Bytes{0xFF}});
  EXPECT_EQ(relay.client().stats().dropped_malformed, 0u);
}

TEST(RelayConnectionTest, TcpConnectsBeforeSendingFramedMessages) {
  SeededRandom random(1);
  RelayConnection relay(ClientConfig(Addr("203.0.113.1:3478"), Transport::kTcp), {}, random);
  const Timestamp now = Timestamp::Seconds(1);
  relay.Start(now);
  auto connect = relay.PollNetwork();
  ASSERT_TRUE(connect);
  ASSERT_TRUE(std::holds_alternative<StreamConnect>(*connect));
  EXPECT_EQ(std::get<StreamConnect>(*connect).remote, Addr("203.0.113.1:3478"));
  EXPECT_FALSE(relay.PollNetwork());  // Nothing before the connection is up.
  EXPECT_FALSE(relay.IsFromServer({Addr("203.0.113.1:3478"), {}, {}}));

  relay.HandleStreamConnected(now);
  auto send = relay.PollNetwork();
  ASSERT_TRUE(send);
  ASSERT_TRUE(std::holds_alternative<StreamSend>(*send));
  auto allocate = stun::Parse(std::get<StreamSend>(*send).data);
  ASSERT_TRUE(allocate);
  EXPECT_EQ(allocate->method(), stun::Method::kAllocate);

  relay.HandleStreamClosed(now, "connection reset by peer");
  EXPECT_EQ(relay.state(), TurnClient::State::kFailed);
  auto failed = relay.PollEvent();
  ASSERT_TRUE(failed);
  EXPECT_THAT(std::get<AllocationFailed>(*failed).reason, HasSubstr("connection reset by peer"));
  EXPECT_FALSE(relay.PollNetwork());  // Already closed: no StreamClose.
}

TEST(RelayConnectionTest, CloseBeforeConnectingClosesTheStream) {
  SeededRandom random(1);
  RelayConnection relay(ClientConfig(Addr("203.0.113.1:3478"), Transport::kTls), {}, random);
  relay.Start(Timestamp::Seconds(1));
  (void)relay.PollNetwork();  // StreamConnect.
  relay.Close(Timestamp::Seconds(1));
  EXPECT_EQ(relay.state(), TurnClient::State::kClosed);
  auto close = relay.PollNetwork();
  ASSERT_TRUE(close);
  EXPECT_TRUE(std::holds_alternative<StreamClose>(*close));
}

// --- Through the simulator and the stream harness ------------------------------------------------

class RelayStreamTest : public sim::SimTest {
 protected:
  RelayStreamTest()
      : server_host_(sim().AddHost("turn", {Ip("203.0.113.1")})),
        client_host_(sim().AddHost("alice", {Ip("192.0.2.10")})),
        peer_host_(sim().AddHost("peer", {Ip("198.51.100.20")})),
        server_(server_host_.ip(), ServerConfigWithUser(), sim().random()) {
    sim().Attach(server_host_, server_);
    // The peer echoes whatever it receives.
    peer_host_.Bind(7000, [this](Timestamp, const Datagram& in) {
      peer_host_.Send(Datagram{in.destination, in.source, in.payload});
    });
  }

  std::unique_ptr<testing::RelayHarness> MakeClient(ServerConfig config,
                                                    testing::RelayHarnessOptions options = {}) {
    options.tls.certificate_pem = Pki().server.certificate_pem;
    options.tls.private_key_pem = Pki().server.private_key_pem;
    return std::make_unique<testing::RelayHarness>(sim(), client_host_, 5000, std::move(config),
                                                   &server_, std::move(options));
  }
  ServerConfig TlsConfig() {
    ServerConfig config = ClientConfig(server_.listen_address(), Transport::kTls);
    config.tls_server_name = kTlsName;
    config.tls_ca_pem = Pki().ca.certificate_pem;
    return config;
  }
  bool RunUntilSettled(testing::RelayHarness& client) {
    return sim().RunUntil([&] { return client.state() != TurnClient::State::kAllocating; },
                          TimeDelta::Seconds(60));
  }
  // Allocation, permission, data to the echoing peer and back (odd sizes, so ChannelData needs
  // its stream padding), then Close.
  void ExerciseRelay(testing::RelayHarness& client) {
    client.Start();
    ASSERT_TRUE(RunUntilSettled(client));
    ASSERT_EQ(client.state(), TurnClient::State::kAllocated)
        << (client.EventsOf<AllocationFailed>().empty()
                ? ""
                : client.EventsOf<AllocationFailed>()[0].reason);
    const Allocated allocated = *client.allocated();
    EXPECT_EQ(allocated.relayed.ip(), server_host_.ip());
    const SocketAddress peer = peer_host_.address(7000);
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(client.SendTo(peer, Text(std::string(static_cast<size_t>(i + 1), 'x'))).ok());
      sim().RunFor(TimeDelta::Millis(200));
    }
    const auto echoes = client.EventsOf<PeerData>();
    ASSERT_EQ(echoes.size(), 5u);
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(echoes[i].data, Text(std::string(static_cast<size_t>(i + 1), 'x')));
      EXPECT_EQ(echoes[i].peer, peer);
    }
    EXPECT_GE(client.client().stats().channel_data_sent, 3u);
    EXPECT_GE(client.client().stats().channel_data_received, 3u);

    client.Close();
    ASSERT_TRUE(sim().RunUntil([&] { return client.state() == TurnClient::State::kClosed; },
                               TimeDelta::Seconds(5)));
    sim().RunFor(TimeDelta::Seconds(1));
    EXPECT_TRUE(client.stream_closed_by_client());
    EXPECT_FALSE(server_.HasAllocation(allocated.relayed));
    EXPECT_EQ(server_.stats().allocations_deleted, 1u);
  }

  sim::Host& server_host_;
  sim::Host& client_host_;
  sim::Host& peer_host_;
  testing::TurnServer server_;
};

TEST_F(RelayStreamTest, RelaysOverTcp) {
  auto client = MakeClient(ClientConfig(server_.listen_address(), Transport::kTcp));
  ExerciseRelay(*client);
  // The first message on the stream was the Allocate; ChannelData went padded (the server's
  // framer would have lost sync otherwise) and came out whole.
  ASSERT_FALSE(client->messages_to_server().empty());
  EXPECT_EQ(stun::Parse(client->messages_to_server()[0])->method(), stun::Method::kAllocate);
  EXPECT_TRUE(client->stream_connected());
}

TEST_F(RelayStreamTest, RelaysOverTlsWithAGeneratedCertificate) {
  auto client = MakeClient(TlsConfig());
  ExerciseRelay(*client);
  ASSERT_NE(client->tls_server(), nullptr);
  EXPECT_TRUE(client->tls_server()->handshake_done());
  EXPECT_EQ(client->tls_server()->server_name(), kTlsName);  // SNI.
  EXPECT_TRUE(client->tls_server()->peer_closed());          // close_notify on Close.
}

TEST_F(RelayStreamTest, TlsTrustsACaFile) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("parley_turn_ca_" + std::to_string(::getpid()) + ".pem");
  std::ofstream(path) << Pki().ca.certificate_pem;
  ServerConfig config = TlsConfig();
  config.tls_ca_pem.clear();
  config.tls_ca_file = path.string();
  auto client = MakeClient(config);
  client->Start();
  ASSERT_TRUE(RunUntilSettled(*client));
  std::filesystem::remove(path);
  EXPECT_EQ(client->state(), TurnClient::State::kAllocated);
}

TEST_F(RelayStreamTest, TlsVerifiesTheServerIpWhenNoNameIsGiven) {
  ServerConfig config = TlsConfig();
  config.tls_server_name.clear();  // The certificate also names 203.0.113.1.
  auto client = MakeClient(config);
  client->Start();
  ASSERT_TRUE(RunUntilSettled(*client));
  EXPECT_EQ(client->state(), TurnClient::State::kAllocated);
}

TEST_F(RelayStreamTest, TlsWithTheWrongCaFailsTheAllocation) {
  ServerConfig config = TlsConfig();
  config.tls_ca_pem = testing::GenerateTestPki({kTlsName}, {}, "Untrusted CA").ca.certificate_pem;
  auto client = MakeClient(config);
  client->Start();
  ASSERT_TRUE(RunUntilSettled(*client));
  EXPECT_EQ(client->state(), TurnClient::State::kFailed);
  const auto failures = client->EventsOf<AllocationFailed>();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].error_code, 0);
  EXPECT_THAT(failures[0].reason, HasSubstr("certificate verification failed"));
  sim().RunFor(TimeDelta::Seconds(1));
  EXPECT_TRUE(client->stream_closed_by_client());
  EXPECT_EQ(server_.stats().allocations_created, 0u);
}

TEST_F(RelayStreamTest, TlsWithTheWrongNameFailsTheAllocation) {
  ServerConfig config = TlsConfig();
  config.tls_server_name = "evil.example.test";
  auto client = MakeClient(config);
  client->Start();
  ASSERT_TRUE(RunUntilSettled(*client));
  ASSERT_EQ(client->EventsOf<AllocationFailed>().size(), 1u);
  EXPECT_THAT(client->EventsOf<AllocationFailed>()[0].reason, HasSubstr("hostname mismatch"));
}

TEST_F(RelayStreamTest, TlsInsecureSkipVerifyAllocatesAnyway) {
  ServerConfig config = TlsConfig();
  config.tls_ca_pem.clear();
  config.tls_server_name = "evil.example.test";
  config.tls_insecure_skip_verify = true;
  auto client = MakeClient(config);
  client->Start();
  ASSERT_TRUE(RunUntilSettled(*client));
  EXPECT_EQ(client->state(), TurnClient::State::kAllocated);
}

TEST_F(RelayStreamTest, RefusedConnectionFailsTheAllocation) {
  auto client =
      MakeClient(ClientConfig(server_.listen_address(), Transport::kTcp), {.refuse_stream = true});
  client->Start();
  ASSERT_TRUE(RunUntilSettled(*client));
  ASSERT_EQ(client->EventsOf<AllocationFailed>().size(), 1u);
  EXPECT_THAT(client->EventsOf<AllocationFailed>()[0].reason, HasSubstr("connection refused"));
}

TEST_F(RelayStreamTest, ADroppedStreamLosesTheAllocation) {
  auto client = MakeClient(ClientConfig(server_.listen_address(), Transport::kTcp));
  client->Start();
  ASSERT_TRUE(RunUntilSettled(*client));
  ASSERT_EQ(client->state(), TurnClient::State::kAllocated);
  client->DropStream("server restarted");
  sim().RunFor(TimeDelta::Seconds(1));
  ASSERT_EQ(client->EventsOf<AllocationLost>().size(), 1u);
  EXPECT_THAT(client->EventsOf<AllocationLost>()[0].reason, HasSubstr("server restarted"));
  EXPECT_EQ(server_.allocation_count(), 0u);  // TCP: the allocation dies with the connection.
}

TEST_F(RelayStreamTest, GarbageOnTheStreamIsFatal) {
  auto client = MakeClient(ClientConfig(server_.listen_address(), Transport::kTcp));
  client->Start();
  ASSERT_TRUE(RunUntilSettled(*client));
  // A TLS record where TURN over plain TCP was expected: top bits 00 like STUN, but no cookie.
  client->InjectStreamBytes(Bytes{0x16, 0x03, 0x03, 0x00, 0x40, 0x02, 0x00, 0x00, 0x3C, 0x03});
  ASSERT_EQ(client->EventsOf<AllocationLost>().size(), 1u);
  EXPECT_THAT(client->EventsOf<AllocationLost>()[0].reason, HasSubstr("framing error"));
  EXPECT_EQ(client->state(), TurnClient::State::kFailed);
  sim().RunFor(TimeDelta::Seconds(1));
  EXPECT_TRUE(client->stream_closed_by_client());
  EXPECT_EQ(server_.allocation_count(), 0u);
}

TEST_F(RelayStreamTest, RefreshesOverTlsForAnHour) {
  auto client = MakeClient(TlsConfig());
  client->Start();
  ASSERT_TRUE(RunUntilSettled(*client));
  sim().RunFor(TimeDelta::Seconds(3600));
  EXPECT_EQ(client->state(), TurnClient::State::kAllocated);
  EXPECT_EQ(client->client().stats().allocation_refreshes, 6u);
}

}  // namespace
}  // namespace parley::turn
