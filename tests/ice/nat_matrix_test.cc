// The NAT matrix: two agents, each on the internet or behind a NAT with any RFC 4787 mapping x
// filtering behaviour (3 x 3), with a STUN and a TURN server on the simulated internet. Every
// pair connects, and the selected path is the best one the two NATs allow:
//   - host-host when neither side is behind a NAT,
//   - direct through reflexive (server- or peer-reflexive) addresses whenever hole punching can
//     work (ExpectDirect below derives it from the mapping and filtering behaviours),
//   - through TURN otherwise (e.g. symmetric NATs on both sides).
// Each case runs on a clean network and again with 5 % loss and 300 ms RTT; each reproduces
// from its seed (printed on failure).
#include <gtest/gtest.h>

#include <iostream>
#include <tuple>

#include "ice/agent_harness.h"
#include "sim/sim_test.h"
#include "support/stun_server.h"
#include "support/turn_server.h"

namespace parley::ice {
namespace {

using sim::Addr;
using sim::FilteringBehavior;
using sim::Ip;
using sim::MappingBehavior;
using testing::KindOf;
using testing::PathKind;
using testing::Peer;

struct NatCase {
  const char* name;
  bool nat;
  MappingBehavior mapping;
  FilteringBehavior filtering;
};

constexpr MappingBehavior EIM = MappingBehavior::kEndpointIndependent;
constexpr MappingBehavior ADM = MappingBehavior::kAddressDependent;
constexpr MappingBehavior APDM = MappingBehavior::kAddressAndPortDependent;
constexpr FilteringBehavior EIF = FilteringBehavior::kEndpointIndependent;
constexpr FilteringBehavior ADF = FilteringBehavior::kAddressDependent;
constexpr FilteringBehavior APDF = FilteringBehavior::kAddressAndPortDependent;

const NatCase kNats[] = {
    {"none", false, EIM, EIF},       {"eim_eif", true, EIM, EIF},   {"eim_adf", true, EIM, ADF},
    {"eim_apdf", true, EIM, APDF},   {"adm_eif", true, ADM, EIF},   {"adm_adf", true, ADM, ADF},
    {"adm_apdf", true, ADM, APDF},   {"apdm_eif", true, APDM, EIF}, {"apdm_adf", true, APDM, ADF},
    {"apdm_apdf", true, APDM, APDF},
};

// Can X's first check, sent from its host socket to Y's server-reflexive address, lead to a
// working direct path? X's packet leaves through X's mapping towards Y (X's srflx only if X is
// EIM); Y learns that address (peer-reflexive), answers and checks back from Y's mapping towards
// it; the exchange converges once both sides send from and to stable addresses.
bool Contact(const NatCase& x, const NatCase& y) {
  // 1. X's check reaches Y through Y's mapping for the STUN server (Y's srflx): Y's filter must
  //    let it in. EIF does; ADF does once Y sent to X's IP from that same mapping (Y is EIM);
  //    APDF only if moreover X sends from the address Y sent to (X is EIM too).
  const bool first =
      y.filtering == EIF || (y.mapping == EIM && (y.filtering == ADF || x.mapping == EIM));
  // 2. Y answers (and checks back) from its mapping towards X's address; that mapping is Y's
  //    srflx only if Y is EIM. X's filter, which only saw X send to Y's srflx, must let it in.
  const bool second = x.filtering != APDF || y.mapping == EIM;
  // 3. X then sends to Y's new address. If X's mapping stays the same (X is not APDM, or Y's
  //    address did not change), both ends are stable. Otherwise X appears at yet another port,
  //    which Y's filter must let in and Y must answer from the same port (Y is ADM).
  const bool third =
      x.mapping != APDM || y.mapping == EIM || (y.filtering != APDF && y.mapping == ADM);
  return first && second && third;
}

bool ExpectDirect(const NatCase& a, const NatCase& b) {
  auto effective = [](const NatCase& c) {
    return c.nat ? c : NatCase{c.name, false, EIM, EIF};  // A public host behaves as EIM/EIF.
  };
  return Contact(effective(a), effective(b)) || Contact(effective(b), effective(a));
}

PathKind ExpectedKind(const NatCase& a, const NatCase& b) {
  if (!a.nat && !b.nat) return PathKind::kHost;
  return ExpectDirect(a, b) ? PathKind::kReflexive : PathKind::kRelay;
}

enum class Network { kClean, kLossyHighRtt };

using Param = std::tuple<int, int, Network>;

class NatMatrixTest : public sim::SimTestWithParam<Param> {
 protected:
  struct Side {
    sim::Host* host = nullptr;
    SocketAddress socket;
  };

  Side MakeSide(const NatCase& c, int index, const sim::LinkConfig& edge) {
    const std::string name = index == 0 ? "alice" : "bob";
    const std::string octet = std::to_string(index + 1);
    Side side;
    if (c.nat) {
      sim::NatConfig config;
      config.mapping = c.mapping;
      config.filtering = c.filtering;
      sim::NatBox& nat = sim().AddNat(name + "-nat", config, {Ip("203.0.113." + octet)});
      nat.SetLinkConfig(edge);
      side.host = &sim().AddHost(name, {Ip("10.0." + octet + ".2")}, &nat);
      side.socket = Addr("10.0." + octet + ".2:5000");
    } else {
      side.host = &sim().AddHost(name, {Ip("192.0.2." + octet)});
      side.host->SetLinkConfig(edge);
      side.socket = Addr("192.0.2." + octet + ":5000");
    }
    return side;
  }

  AgentConfig Config(Role role, const Side& side, const std::string& user) {
    AgentConfig config = testing::BasicConfig(role, {side.socket});
    config.stun_servers = {Addr("198.51.100.1:3478")};
    config.turn_servers.push_back(
        testing::TurnUdp(Addr("198.51.100.2:3478"), user, user + "-secret"));
    return config;
  }
};

TEST_P(NatMatrixTest, SelectsTheBestPathTheNatsAllow) {
  const auto [ai, bi, network] = GetParam();
  const NatCase& a_nat = kNats[ai];
  const NatCase& b_nat = kNats[bi];
  const bool lossy = network == Network::kLossyHighRtt;
  // 300 ms RTT between the peers: 75 ms on each edge link, each way; ~5 % loss end to end.
  const sim::LinkConfig edge =
      lossy ? sim::LinkConfig{.latency = TimeDelta::Millis(75), .loss = 0.025} : sim::LinkConfig{};

  sim::Host& stun_host = sim().AddHost("stun", {Ip("198.51.100.1")});
  sim::Host& turn_host = sim().AddHost("turn", {Ip("198.51.100.2")});
  parley::testing::StunServer stun;
  sim().Attach(stun_host, stun, 3478);
  SeededRandom turn_random(sim::DeriveSeed(seed(), "turn"));
  parley::testing::TurnServer turn(
      Ip("198.51.100.2"), testing::TurnUsers({{"alice", "alice-secret"}, {"bob", "bob-secret"}}),
      turn_random);
  sim().Attach(turn_host, turn);

  const Side a_side = MakeSide(a_nat, 0, edge);
  const Side b_side = MakeSide(b_nat, 1, edge);
  Peer alice(sim(), "alice", *a_side.host, Config(Role::kControlling, a_side, "alice"));
  Peer bob(sim(), "bob", *b_side.host, Config(Role::kControlled, b_side, "bob"));
  Peer::Wire(alice, bob);
  const Timestamp t0 = sim().now();
  Peer::Start(alice, bob);

  auto state = [](Peer& p) { return p.agent().connection_state(); };
  auto dump = [](Peer& p) {
    std::string out = "\n" + p.name() + " (" + std::string(ToString(p.agent().role())) + "):";
    for (const CandidatePairStats& s : p.agent().GetStats().pairs) {
      out += "\n  " + s.local.ToString() + "\n   -> " + s.remote.ToString() + "\n   " +
             std::string(ToString(s.state)) + (s.nominated ? " nominated" : "") +
             (s.selected ? " selected" : "") + " req=" + std::to_string(s.requests_sent) +
             " resp=" + std::to_string(s.responses_received) +
             " in=" + std::to_string(s.requests_received);
    }
    for (const auto& [at, st] : p.endpoint().states)
      out += "\n  " + std::to_string(at.ms()) + " " + std::string(ToString(st));
    return out;
  };
  const TimeDelta limit = TimeDelta::Seconds(lossy ? 60 : 30);
  ASSERT_TRUE(sim().RunUntil(
      [&] { return alice.endpoint().Connected() && bob.endpoint().Connected(); }, limit))
      << a_nat.name << " x " << b_nat.name << ": alice " << state(alice) << ", bob " << state(bob)
      << dump(alice) << dump(bob);
  const TimeDelta connect_time = sim().now() - t0;
  // Let the checks settle (every better pair succeeded or failed): completed.
  ASSERT_TRUE(sim().RunUntil(
      [&] {
        return state(alice) == ConnectionState::kCompleted &&
               state(bob) == ConnectionState::kCompleted;
      },
      limit))
      << a_nat.name << " x " << b_nat.name << ": alice " << state(alice) << ", bob " << state(bob);

  const PathKind expected = ExpectedKind(a_nat, b_nat);
  const auto a_pair = alice.agent().selected_pair();
  const auto b_pair = bob.agent().selected_pair();
  ASSERT_TRUE(a_pair && b_pair);
  EXPECT_EQ(KindOf(*a_pair), expected)
      << a_nat.name << " x " << b_nat.name << ": alice selected " << a_pair->local.ToString()
      << " -> " << a_pair->remote.ToString();
  EXPECT_EQ(KindOf(*b_pair), expected)
      << a_nat.name << " x " << b_nat.name << ": bob selected " << b_pair->local.ToString()
      << " -> " << b_pair->remote.ToString();
  // Both ends use the same path: what Alice sends to is where Bob's local candidate says he is
  // (or Bob's relay), and data gets through.
  ASSERT_TRUE(alice.Send(Bytes{0x17, 1}).ok());
  ASSERT_TRUE(bob.Send(Bytes{0x17, 2}).ok());
  sim().RunFor(TimeDelta::Seconds(1));
  if (!lossy) {
    EXPECT_EQ(bob.endpoint().received.size(), 1u);
    EXPECT_EQ(alice.endpoint().received.size(), 1u);
  }
  std::cout << "[nat-matrix] " << (lossy ? "lossy " : "clean ") << a_nat.name << " x " << b_nat.name
            << " -> " << testing::ToString(KindOf(*a_pair)) << " (expected "
            << testing::ToString(expected) << ", connected in " << connect_time.ms() << " ms)\n";
}

std::string CaseName(const ::testing::TestParamInfo<Param>& info) {
  const auto [a, b, network] = info.param;
  return std::string(kNats[a].name) + "__" + kNats[b].name +
         (network == Network::kClean ? "__clean" : "__loss5_rtt300");
}

INSTANTIATE_TEST_SUITE_P(AllNats, NatMatrixTest,
                         ::testing::Combine(::testing::Range(0, 10), ::testing::Range(0, 10),
                                            ::testing::Values(Network::kClean,
                                                              Network::kLossyHighRtt)),
                         CaseName);

// The expectation model on its own, against the classic cases.
TEST(NatMatrixModelTest, ClassicCases) {
  const NatCase& none = kNats[0];
  const NatCase& full_cone = kNats[1];
  const NatCase& port_restricted = kNats[3];
  const NatCase& symmetric = kNats[9];
  EXPECT_EQ(ExpectedKind(none, none), PathKind::kHost);
  EXPECT_EQ(ExpectedKind(none, symmetric), PathKind::kReflexive);
  EXPECT_EQ(ExpectedKind(full_cone, symmetric), PathKind::kReflexive);
  EXPECT_EQ(ExpectedKind(port_restricted, port_restricted), PathKind::kReflexive);
  EXPECT_EQ(ExpectedKind(port_restricted, symmetric), PathKind::kRelay);
  EXPECT_EQ(ExpectedKind(symmetric, symmetric), PathKind::kRelay);
  EXPECT_EQ(ExpectedKind(kNats[8], kNats[8]), PathKind::kRelay);  // apdm_adf both sides.
  for (int a = 0; a < 10; ++a) {
    for (int b = 0; b < 10; ++b) {
      EXPECT_EQ(ExpectedKind(kNats[a], kNats[b]), ExpectedKind(kNats[b], kNats[a]));
      // Both sides endpoint-independent mapping: always direct.
      if (kNats[a].mapping == EIM && kNats[b].mapping == EIM) {
        EXPECT_NE(ExpectedKind(kNats[a], kNats[b]), PathKind::kRelay);
      }
    }
  }
}

}  // namespace
}  // namespace parley::ice
