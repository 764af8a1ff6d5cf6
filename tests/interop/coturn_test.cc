// Two IceTransports with the relay-only policy connect through a real coturn (UDP, TCP, TLS), so
// every byte they exchange goes client -> coturn -> relayed address -> coturn -> client.
#include <algorithm>
#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "interop/coturn.h"
#include "runtime/ice_test_peer.h"
#include "runtime/runtime.h"

namespace parley {
namespace {

using test::Coturn;
using test::CountOccurrences;
using test::IcePeer;
using test::ToBytes;

// TURN allocations, permissions and checks through the relay; generous for sanitizer builds.
constexpr std::chrono::seconds kConnectBound{20};

struct RelayCase {
  const char* name;
  turn::Transport transport;
  // TLS only: how the server's certificate is checked.
  enum class Tls { kVerifyName, kVerifyIp, kInsecure } tls = Tls::kVerifyName;
};

void PrintTo(const RelayCase& relay, std::ostream* os) {
  *os << relay.name;
}

turn::ServerConfig ServerFor(const Coturn& server, const RelayCase& relay) {
  turn::ServerConfig config = server.Server(relay.transport);
  if (relay.transport != turn::Transport::kTls) return config;
  switch (relay.tls) {
    case RelayCase::Tls::kVerifyName:
      break;  // The generated certificate as the CA, and its DNS name.
    case RelayCase::Tls::kVerifyIp:
      config.tls_server_name.clear();  // Checked against the iPAddress subjectAltName.
      break;
    case RelayCase::Tls::kInsecure:
      config.tls_ca_file.clear();
      config.tls_server_name.clear();
      config.tls_insecure_skip_verify = true;
      break;
  }
  return config;
}

ice::AgentConfig RelayConfig(ice::Role role, const turn::ServerConfig& turn_server) {
  ice::AgentConfig config;
  config.role = role;
  config.local_sockets = {SocketAddress(IpAddress::V4(127, 0, 0, 1), 0)};
  config.turn_servers = {turn_server};
  config.policy = ice::TransportPolicy::kRelay;
  return config;
}

class CoturnRelay : public ::testing::TestWithParam<RelayCase> {};

TEST_P(CoturnRelay, TwoRelayOnlyTransportsConnectAndExchangeData) {
  const RelayCase relay = GetParam();
  // Never skipped: without coturn this fails and says how to install it.
  auto server = Coturn::Start();
  ASSERT_TRUE(server.ok()) << server.error();
  const turn::ServerConfig turn_server = ServerFor(**server, relay);

  auto runtime = Runtime::Create();
  IcePeer a("a");
  IcePeer b("b");
  ASSERT_TRUE(a.Create(*runtime, RelayConfig(ice::Role::kControlling, turn_server)).ok());
  ASSERT_TRUE(b.Create(*runtime, RelayConfig(ice::Role::kControlled, turn_server)).ok());
  b.EnableEcho("echo:");
  IcePeer::Wire(a, b);
  a.transport()->Start();
  b.transport()->Start();
  const bool connected = a.WaitConnected(kConnectBound) && b.WaitConnected(kConnectBound);
  if (!connected) {
    IcePeer::Destroy(*runtime, {&a, &b});
    FAIL() << "no connection through coturn; its log:\n" << (*server)->log();
  }

  // Relay-only: every candidate and both ends of the selected pair are relayed addresses on
  // coturn's relay IP.
  for (IcePeer* peer : {&a, &b}) {
    ASSERT_FALSE(peer->candidates().empty()) << peer->name();
    for (const ice::Candidate& candidate : peer->candidates()) {
      EXPECT_EQ(candidate.type, ice::CandidateType::kRelay) << peer->name() << ": " << candidate;
      EXPECT_EQ(candidate.address, "127.0.0.1") << candidate;
    }
  }
  ASSERT_TRUE(a.WaitForSelectedPair());
  EXPECT_EQ(a.selected_local().type, ice::CandidateType::kRelay) << a.selected_local();
  EXPECT_EQ(a.selected_remote().type, ice::CandidateType::kRelay) << a.selected_remote();
  const auto b_candidates = b.candidates();
  EXPECT_TRUE(std::any_of(
      b_candidates.begin(), b_candidates.end(),
      [&](const auto& c) { return c.socket_address() == a.selected_remote().socket_address(); }))
      << "a's selected remote " << a.selected_remote() << " is not one of b's relayed addresses";

  constexpr int kMessages = 20;
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_TRUE(a.transport()->Send(ToBytes("via coturn " + std::to_string(i))).ok());
  }
  // UDP through a relay may lose a datagram in theory; loopback does not in practice.
  ASSERT_TRUE(a.WaitForData(kMessages)) << a.data().size() << " echoes";
  for (int i = 0; i < kMessages; ++i) {
    EXPECT_EQ(a.data()[i], ToBytes("echo:via coturn " + std::to_string(i)));
  }
  if (relay.transport != turn::Transport::kUdp) {
    // TURN over TCP/TLS: the transports opened streams to coturn.
    EXPECT_GE(a.transport()->GetStats().streams_opened, 1u);
  }
  IcePeer::Destroy(*runtime, {&a, &b});

  // coturn saw both allocations, the permissions for the peers, and the deallocations (Refresh
  // with lifetime 0) sent when the transports were destroyed.
  const Coturn& turn = **server;
  EXPECT_TRUE(turn.WaitForLog("ALLOCATE processed, success", 2)) << turn.log();
  EXPECT_TRUE(turn.WaitForLog("CREATE_PERMISSION processed, success", 2)) << turn.log();
  EXPECT_TRUE(turn.WaitForLog("username=<user>, lifetime=0", 2)) << turn.log();
  const std::string log = turn.log();
  // Sessions over TLS name their cipher and protocol version.
  const size_t tls_sessions = CountOccurrences(log,
                                               "new, realm=<test>, username=<user>, "
                                               "lifetime=600, cipher=");
  if (relay.transport == turn::Transport::kTls) {
    EXPECT_GE(tls_sessions, 2u) << log;
  } else {
    EXPECT_EQ(tls_sessions, 0u) << log;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Interop, CoturnRelay,
    ::testing::Values(
        RelayCase{"Udp", turn::Transport::kUdp}, RelayCase{"Tcp", turn::Transport::kTcp},
        RelayCase{"TlsVerifiedByName", turn::Transport::kTls, RelayCase::Tls::kVerifyName},
        RelayCase{"TlsVerifiedByIp", turn::Transport::kTls, RelayCase::Tls::kVerifyIp},
        RelayCase{"TlsInsecureSkipVerify", turn::Transport::kTls, RelayCase::Tls::kInsecure}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(CoturnRelay, TlsWithAWrongServerNameGetsNoRelayCandidate) {
  auto server = Coturn::Start();
  ASSERT_TRUE(server.ok()) << server.error();
  turn::ServerConfig turn_server = (*server)->Server(turn::Transport::kTls);
  turn_server.tls_server_name = "not-the-name.parley.test";
  auto runtime = Runtime::Create();
  IcePeer a("a");
  ASSERT_TRUE(a.Create(*runtime, RelayConfig(ice::Role::kControlling, turn_server)).ok());
  a.transport()->Start();
  ASSERT_TRUE(a.WaitGatheringComplete(kConnectBound));
  EXPECT_TRUE(a.candidates().empty()) << a.candidates()[0];
  IcePeer::Destroy(*runtime, {&a});
  EXPECT_EQ(CountOccurrences((*server)->log(), "ALLOCATE processed, success"), 0u);
}

}  // namespace
}  // namespace parley
