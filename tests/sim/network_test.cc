// Topology and routing: hosts on the internet and behind NATs, IPv4 and IPv6, link latencies
// along a path, drops for bad input, observers, and reproducibility from the seed.
#include "sim/network.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "sim/sim_test.h"

namespace parley::sim {
namespace {

struct Received {
  Timestamp at;
  Datagram datagram;
};

class NetworkTest : public SimTest {
 protected:
  Host& Recording(const std::string& name, std::vector<IpAddress> ips, NatBox* behind = nullptr) {
    Host& host = sim().AddHost(name, std::move(ips), behind);
    host.SetReceiver([this, name](Timestamp now, const Datagram& d) {
      inbox_[name].push_back({now, d});
    });
    return host;
  }
  std::vector<Received>& Inbox(const std::string& name) { return inbox_[name]; }

  std::map<std::string, std::vector<Received>> inbox_;
};

TEST_F(NetworkTest, PathLatencyIsTheSumOfUplinkAndDownlink) {
  Host& alice = Recording("alice", {Ip("192.0.2.1")});
  Host& bob = Recording("bob", {Ip("192.0.2.2")});
  alice.uplink().set_config({.latency = TimeDelta::Millis(10)});
  bob.downlink().set_config({.latency = TimeDelta::Millis(5)});
  bob.uplink().set_config({.latency = TimeDelta::Millis(2)});

  const Timestamp t0 = sim().now();
  alice.Send(1000, bob.address(2000), Bytes{1});
  sim().RunFor(TimeDelta::Seconds(1));
  ASSERT_EQ(Inbox("bob").size(), 1u);
  EXPECT_EQ(Inbox("bob")[0].at - t0, TimeDelta::Millis(15));
  EXPECT_EQ(Inbox("bob")[0].datagram.source, Addr("192.0.2.1:1000"));

  const Timestamp t1 = sim().now();
  bob.Send(2000, alice.address(1000), Bytes{2});
  sim().RunFor(TimeDelta::Seconds(1));
  ASSERT_EQ(Inbox("alice").size(), 1u);
  EXPECT_EQ(Inbox("alice")[0].at - t1, TimeDelta::Millis(2));
}

TEST_F(NetworkTest, NatPathAddsEveryHopsLatency) {
  NatBox& nat = sim().AddNat("nat", NatConfig::FullCone(), {Ip("203.0.113.1")});
  Host& client = Recording("client", {Ip("10.0.0.2")}, &nat);
  Recording("server", {Ip("198.51.100.1")});
  const LinkConfig one_ms{.latency = TimeDelta::Millis(1)};
  client.SetLinkConfig(one_ms);
  nat.SetLinkConfig({.latency = TimeDelta::Millis(20)});
  const Timestamp t0 = sim().now();
  client.Send(5000, Addr("198.51.100.1:80"), Bytes{1});
  sim().RunFor(TimeDelta::Seconds(1));
  ASSERT_EQ(Inbox("server").size(), 1u);
  EXPECT_EQ(Inbox("server")[0].at - t0, TimeDelta::Millis(21));  // client.up + nat.up.
}

TEST_F(NetworkTest, Ipv6HostsExchangeDatagrams) {
  Host& a = Recording("a", {Ip("2001:db8::1")});
  Host& b = Recording("b", {Ip("2001:db8::2")});
  a.Send(4000, b.address(4001, IpFamily::kV6), Bytes{1, 2});
  sim().RunFor(TimeDelta::Millis(1));
  ASSERT_EQ(Inbox("b").size(), 1u);
  EXPECT_EQ(Inbox("b")[0].datagram.source, Addr("[2001:db8::1]:4000"));
  EXPECT_EQ(Inbox("b")[0].datagram.destination, Addr("[2001:db8::2]:4001"));
  EXPECT_EQ(Inbox("b")[0].datagram.payload, (Bytes{1, 2}));
}

TEST_F(NetworkTest, DualStackHostSendsFromTheDestinationsFamily) {
  Host& dual = Recording("dual", {Ip("192.0.2.10"), Ip("2001:db8::10")});
  Recording("v4", {Ip("192.0.2.20")});
  Recording("v6", {Ip("2001:db8::20")});
  dual.Send(7000, Addr("192.0.2.20:7000"), Bytes{4});
  dual.Send(7000, Addr("[2001:db8::20]:7000"), Bytes{6});
  sim().RunFor(TimeDelta::Millis(1));
  ASSERT_EQ(Inbox("v4").size(), 1u);
  ASSERT_EQ(Inbox("v6").size(), 1u);
  EXPECT_EQ(Inbox("v4")[0].datagram.source, Addr("192.0.2.10:7000"));
  EXPECT_EQ(Inbox("v6")[0].datagram.source, Addr("[2001:db8::10]:7000"));
}

TEST_F(NetworkTest, SameFamilyAddressesBehindNatsMayRepeatAcrossRealms) {
  NatBox& nat_a = sim().AddNat("nat-a", NatConfig::FullCone(), {Ip("203.0.113.1")});
  NatBox& nat_b = sim().AddNat("nat-b", NatConfig::FullCone(), {Ip("203.0.113.2")});
  Host& a = Recording("a", {Ip("192.168.1.2")}, &nat_a);
  Host& b = Recording("b", {Ip("192.168.1.2")}, &nat_b);
  // b opens its mapping towards a's NAT (which drops it: no mapping yet), then a sends to b's
  // external address and gets through.
  b.Send(6000, Addr("203.0.113.1:5000"), Bytes{0});
  sim().RunFor(TimeDelta::Millis(10));
  EXPECT_EQ(nat_a.stats().dropped_no_mapping, 1u);
  a.Send(5000, Addr("203.0.113.2:6000"), Bytes{1});
  sim().RunFor(TimeDelta::Millis(10));
  ASSERT_EQ(Inbox("b").size(), 1u);
  EXPECT_EQ(Inbox("b")[0].datagram.source, Addr("203.0.113.1:5000"));
  EXPECT_EQ(Inbox("b")[0].datagram.destination, Addr("192.168.1.2:6000"));
  EXPECT_TRUE(Inbox("a").empty());
}

TEST_F(NetworkTest, BadSourceAndUnroutableAndNoReceiverAreDroppedAndCounted) {
  Host& a = Recording("a", {Ip("192.0.2.1")});
  Host& quiet = sim().AddHost("quiet", {Ip("192.0.2.3")});
  a.Send(Datagram{Addr("192.0.2.99:1"), Addr("192.0.2.3:1"), {}});     // Not a's address.
  a.Send(Datagram{Addr("192.0.2.1:1"), Addr("[2001:db8::3]:1"), {}});  // Family mismatch.
  a.Send(1, Addr("198.51.100.200:1"), {});                             // Nobody there.
  a.Send(1, Addr("192.0.2.3:1"), {});                                  // No receiver.
  sim().RunFor(TimeDelta::Millis(1));
  const Network& net = sim().network();
  EXPECT_EQ(net.drops(DropReason::kBadSource), 2u);
  EXPECT_EQ(net.drops(DropReason::kUnroutable), 1u);
  EXPECT_EQ(net.drops(DropReason::kNoReceiver), 1u);
  EXPECT_EQ(a.stats().dropped_bad_source, 2u);
  EXPECT_EQ(a.stats().sent, 2u);
  EXPECT_EQ(quiet.stats().dropped_no_receiver, 1u);
}

TEST_F(NetworkTest, PortBindingsTakePrecedenceOverTheDefaultReceiver) {
  Host& a = Recording("a", {Ip("192.0.2.1")});
  Host& b = Recording("b", {Ip("192.0.2.2")});
  int on_9000 = 0;
  b.Bind(9000, [&](Timestamp, const Datagram&) { ++on_9000; });
  a.Send(1, b.address(9000), {});
  a.Send(1, b.address(9001), {});
  sim().RunFor(TimeDelta::Millis(1));
  EXPECT_EQ(on_9000, 1);
  EXPECT_EQ(Inbox("b").size(), 1u);
  b.Unbind(9000);
  a.Send(1, b.address(9000), {});
  sim().RunFor(TimeDelta::Millis(1));
  EXPECT_EQ(Inbox("b").size(), 2u);
}

TEST_F(NetworkTest, UdpBlockedHostSendsAndReceivesNothing) {
  Host& a = Recording("a", {Ip("192.0.2.1")});
  Host& b = Recording("b", {Ip("192.0.2.2")});
  b.SetUdpBlocked(true);
  a.Send(1, b.address(1), {});
  b.Send(1, a.address(1), {});
  sim().RunFor(TimeDelta::Millis(1));
  EXPECT_TRUE(Inbox("a").empty());
  EXPECT_TRUE(Inbox("b").empty());
  EXPECT_EQ(b.stats().dropped_udp_blocked, 2u);
  b.SetUdpBlocked(false);
  a.Send(1, b.address(1), {});
  sim().RunFor(TimeDelta::Millis(1));
  EXPECT_EQ(Inbox("b").size(), 1u);
}

TEST_F(NetworkTest, ObserversSeeEachStepInOrder) {
  NatBox& nat = sim().AddNat("nat", NatConfig::FullCone(), {Ip("203.0.113.1")});
  Host& client = Recording("client", {Ip("10.0.0.2")}, &nat);
  Recording("server", {Ip("198.51.100.1")});
  std::vector<std::string> trace;
  sim().AddObserver([&](const PacketEvent& e) {
    trace.push_back(std::string(ToString(e.kind)) + " " + std::string(e.node) + " " +
                    e.datagram.source.ToString());
  });
  client.Send(5000, Addr("198.51.100.1:80"), Bytes{1});
  client.Send(5000, Addr("198.51.100.9:80"), Bytes{1});
  sim().RunFor(TimeDelta::Millis(1));
  EXPECT_EQ(trace, (std::vector<std::string>{
                       "sent client 10.0.0.2:5000",
                       "sent client 10.0.0.2:5000",
                       "translated nat 203.0.113.1:5000",
                       "translated nat 203.0.113.1:5000",
                       "dropped internet 203.0.113.1:5000",
                       "delivered server 203.0.113.1:5000",
                   }));
}

// Everything random (loss, jitter, reordering, duplication, NAT ports) descends from the seed.
std::vector<std::string> RunScenario(uint64_t seed) {
  Simulator sim(seed);
  NatConfig random_ports = NatConfig::Symmetric();
  random_ports.port_assignment = PortAssignment::kRandom;
  NatBox& nat = sim.AddNat("nat", random_ports, {Ip("203.0.113.1")});
  Host& a = sim.AddHost("a", {Ip("10.0.0.2")}, &nat);
  Host& b = sim.AddHost("b", {Ip("198.51.100.1")});
  const LinkConfig bad{.latency = TimeDelta::Millis(40),
                       .jitter = TimeDelta::Millis(15),
                       .jitter_reorders = true,
                       .loss = 0.05,
                       .burst_loss = {.p = 0.02, .r = 0.4},
                       .reorder = 0.03,
                       .duplicate = 0.02,
                       .rate_bps = 1'000'000,
                       .queue_bytes = 10'000};
  a.SetLinkConfig(bad);
  b.SetLinkConfig(bad);
  b.SetReceiver([&](Timestamp, const Datagram& d) { b.Send(80, d.source, d.payload); });
  a.SetReceiver([](Timestamp, const Datagram&) {});
  std::vector<std::string> trace;
  sim.AddObserver([&](const PacketEvent& e) { trace.push_back(Describe(e)); });
  for (int i = 0; i < 300; ++i) {
    a.Send(static_cast<uint16_t>(5000 + i % 3), Addr("198.51.100.1:80"),
           Bytes(200, static_cast<uint8_t>(i)));
    sim.RunFor(TimeDelta::Millis(2));
  }
  sim.RunFor(TimeDelta::Seconds(5));
  return trace;
}

TEST(SimulatorDeterminismTest, SameSeedGivesIdenticalTraceDifferentSeedDoesNot) {
  const uint64_t seed = SeedFromEnv();
  PARLEY_SIM_SCOPED_SEED(seed);
  const std::vector<std::string> first = RunScenario(seed);
  EXPECT_GT(first.size(), 600u);
  EXPECT_EQ(first, RunScenario(seed));
  EXPECT_NE(first, RunScenario(seed + 1));
}

}  // namespace
}  // namespace parley::sim
