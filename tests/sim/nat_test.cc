// NAT behaviour per RFC 4787, observed end to end: a client behind the NAT talks to servers on
// the internet while the test watches what the servers see and what gets through.
#include "sim/nat.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/sim_test.h"

namespace parley::sim {
namespace {

const SocketAddress kS1 = Addr("198.51.100.1:3478");
const SocketAddress kS1OtherPort = Addr("198.51.100.1:3479");
const SocketAddress kS2 = Addr("198.51.100.2:3478");
const IpAddress kExternal = Ip("203.0.113.1");

class NatTest : public SimTest {
 protected:
  // A NAT with `config`, client 192.168.1.2 behind it, servers s1 and s2 on the internet.
  void Build(const NatConfig& config) {
    nat_ = &sim().AddNat("nat", config, {kExternal});
    client_ = &Recording("client", Ip("192.168.1.2"), nat_);
    s1_ = &Recording("s1", kS1.ip());
    s2_ = &Recording("s2", kS2.ip());
  }

  Host& Recording(const std::string& name, IpAddress ip, NatBox* behind = nullptr) {
    Host& host = sim().AddHost(name, {ip}, behind);
    host.SetReceiver([this, name](Timestamp, const Datagram& d) { inbox_[name].push_back(d); });
    return host;
  }

  void Send(Host& from, uint16_t port, const SocketAddress& to) {
    from.Send(port, to, Bytes{1, 2, 3});
    sim().RunFor(TimeDelta::Millis(100));
  }

  std::vector<Datagram>& Inbox(const std::string& name) { return inbox_[name]; }
  SocketAddress LastSource(const std::string& name) { return inbox_[name].back().source; }

  NatBox* nat_ = nullptr;
  Host* client_ = nullptr;
  Host* s1_ = nullptr;
  Host* s2_ = nullptr;
  std::map<std::string, std::vector<Datagram>> inbox_;
};

// RFC 4787 §4.1: endpoint-independent mapping reuses X1':x1' for every destination.
TEST_F(NatTest, EndpointIndependentMappingKeepsOnePortForAllDestinations) {
  Build(NatConfig::FullCone());
  Send(*client_, 5000, kS1);
  Send(*client_, 5000, kS1OtherPort);
  Send(*client_, 5000, kS2);
  ASSERT_EQ(Inbox("s1").size(), 2u);
  ASSERT_EQ(Inbox("s2").size(), 1u);
  const SocketAddress mapped(kExternal, 5000);  // Port preserved (§4.2.1).
  EXPECT_EQ(Inbox("s1")[0].source, mapped);
  EXPECT_EQ(Inbox("s1")[1].source, mapped);
  EXPECT_EQ(Inbox("s2")[0].source, mapped);
  EXPECT_EQ(nat_->stats().mappings_created, 1u);
}

// RFC 4787 §4.1: address-and-port-dependent ("symmetric") mapping, one port per destination.
TEST_F(NatTest, SymmetricNatUsesNewExternalPortPerDestination) {
  Build(NatConfig::Symmetric());
  Send(*client_, 5000, kS1);
  Send(*client_, 5000, kS1OtherPort);
  Send(*client_, 5000, kS2);
  Send(*client_, 5000, kS1);  // Same destination again: same mapping.
  ASSERT_EQ(Inbox("s1").size(), 3u);
  const SocketAddress to_s1 = Inbox("s1")[0].source;
  const SocketAddress to_s1_other = Inbox("s1")[1].source;
  const SocketAddress to_s2 = LastSource("s2");
  EXPECT_EQ(to_s1.ip(), kExternal);
  EXPECT_NE(to_s1.port(), to_s1_other.port());
  EXPECT_NE(to_s1.port(), to_s2.port());
  EXPECT_NE(to_s1_other.port(), to_s2.port());
  EXPECT_EQ(Inbox("s1")[2].source, to_s1);
  EXPECT_EQ(nat_->stats().mappings_created, 3u);

  // The address s1 saw (what a STUN server would report) is useless to s2.
  s2_->Send(3478, to_s1, Bytes{9});
  sim().RunFor(TimeDelta::Millis(100));
  EXPECT_TRUE(Inbox("client").empty());
  EXPECT_EQ(sim().network().drops(DropReason::kFiltered), 1u);
}

TEST_F(NatTest, AddressDependentMappingSharesPortAcrossPortsOfOneAddress) {
  NatConfig config;
  config.mapping = MappingBehavior::kAddressDependent;
  Build(config);
  Send(*client_, 5000, kS1);
  Send(*client_, 5000, kS1OtherPort);
  Send(*client_, 5000, kS2);
  ASSERT_EQ(Inbox("s1").size(), 2u);
  EXPECT_EQ(Inbox("s1")[0].source, Inbox("s1")[1].source);
  EXPECT_NE(Inbox("s1")[0].source, LastSource("s2"));
  EXPECT_EQ(nat_->stats().mappings_created, 2u);
}

TEST_F(NatTest, InboundWithoutMappingIsDroppedAndCounted) {
  Build(NatConfig::FullCone());
  Send(*s1_, 3478, SocketAddress(kExternal, 5000));
  EXPECT_TRUE(Inbox("client").empty());
  EXPECT_EQ(nat_->stats().dropped_no_mapping, 1u);
  EXPECT_EQ(sim().network().drops(DropReason::kNoMapping), 1u);
}

// RFC 4787 §5: endpoint-independent filtering lets anyone reach an existing mapping.
TEST_F(NatTest, FullConeAcceptsAnyoneOnceAMappingExists) {
  Build(NatConfig::FullCone());
  Send(*client_, 5000, kS1);
  Send(*s2_, 9999, SocketAddress(kExternal, 5000));  // s2 was never contacted.
  ASSERT_EQ(Inbox("client").size(), 1u);
  EXPECT_EQ(Inbox("client")[0].source, Addr("198.51.100.2:9999"));
  EXPECT_EQ(Inbox("client")[0].destination, Addr("192.168.1.2:5000"));
}

// RFC 4787 §5: address-dependent filtering ("restricted cone").
TEST_F(NatTest, AddressRestrictedNatFiltersUnknownAddressesOnly) {
  Build(NatConfig::RestrictedCone());
  Send(*client_, 5000, kS1);
  const SocketAddress mapped = LastSource("s1");
  Send(*s2_, 3478, mapped);
  EXPECT_TRUE(Inbox("client").empty());
  EXPECT_EQ(nat_->stats().dropped_filtered, 1u);
  Send(*s1_, 4000, mapped);  // Contacted address, another port: accepted.
  ASSERT_EQ(Inbox("client").size(), 1u);
  EXPECT_EQ(Inbox("client")[0].source, Addr("198.51.100.1:4000"));
}

// RFC 4787 §5: address-and-port-dependent filtering ("port restricted cone").
TEST_F(NatTest, PortRestrictedNatFiltersOtherPortsOfAContactedAddress) {
  Build(NatConfig::PortRestrictedCone());
  Send(*client_, 5000, kS1);
  const SocketAddress mapped = LastSource("s1");
  Send(*s1_, 4000, mapped);
  EXPECT_TRUE(Inbox("client").empty());
  EXPECT_EQ(nat_->stats().dropped_filtered, 1u);
  Send(*s1_, kS1.port(), mapped);
  ASSERT_EQ(Inbox("client").size(), 1u);
  EXPECT_EQ(Inbox("client")[0].source, kS1);
}

// RFC 4787 §4.3: the binding expires after binding_timeout of no (outbound) traffic.
TEST_F(NatTest, BindingTimeoutExpiresMapping) {
  NatConfig config = NatConfig::FullCone();
  config.binding_timeout = TimeDelta::Seconds(30);
  Build(config);
  Send(*client_, 5000, kS1);
  const SocketAddress mapped = LastSource("s1");
  sim().RunFor(TimeDelta::Seconds(20));
  Send(*s1_, 3478, mapped);
  EXPECT_EQ(Inbox("client").size(), 1u);
  sim().RunFor(TimeDelta::Seconds(11));  // 31 s after the last outbound packet.
  Send(*s1_, 3478, mapped);
  EXPECT_EQ(Inbox("client").size(), 1u);
  EXPECT_EQ(nat_->stats().mappings_expired, 1u);
  EXPECT_EQ(nat_->stats().dropped_no_mapping, 1u);
  EXPECT_TRUE(nat_->Mappings().empty());
}

// REQ-6: outbound traffic refreshes the binding, so keepalives keep the mapping alive.
TEST_F(NatTest, OutboundKeepalivesKeepMappingAlive) {
  NatConfig config = NatConfig::PortRestrictedCone();
  config.binding_timeout = TimeDelta::Seconds(30);
  Build(config);
  Send(*client_, 5000, kS1);
  const SocketAddress mapped = LastSource("s1");
  for (int i = 0; i < 10; ++i) {
    sim().RunFor(TimeDelta::Seconds(15));
    Send(*client_, 5000, kS1);
    EXPECT_EQ(LastSource("s1"), mapped);
  }
  sim().RunFor(TimeDelta::Seconds(20));
  Send(*s1_, 3478, mapped);
  EXPECT_EQ(Inbox("client").size(), 1u);
  EXPECT_EQ(nat_->stats().mappings_created, 1u);
  EXPECT_EQ(nat_->stats().mappings_expired, 0u);
}

TEST_F(NatTest, InboundTrafficDoesNotRefreshByDefault) {
  NatConfig config = NatConfig::FullCone();
  config.binding_timeout = TimeDelta::Seconds(30);
  Build(config);
  Send(*client_, 5000, kS1);
  for (int i = 0; i < 4; ++i) {
    sim().RunFor(TimeDelta::Seconds(12));
    Send(*s1_, 3478, SocketAddress(kExternal, 5000));
  }
  EXPECT_EQ(Inbox("client").size(), 2u);  // At ~12 s and ~24 s; later ones find it expired.
}

TEST_F(NatTest, InboundRefreshKeepsMappingAliveWhenEnabled) {
  NatConfig config = NatConfig::FullCone();
  config.binding_timeout = TimeDelta::Seconds(30);
  config.inbound_refresh = true;
  Build(config);
  Send(*client_, 5000, kS1);
  for (int i = 0; i < 4; ++i) {
    sim().RunFor(TimeDelta::Seconds(12));
    Send(*s1_, 3478, SocketAddress(kExternal, 5000));
  }
  EXPECT_EQ(Inbox("client").size(), 4u);
}

// RFC 4787 §6: hairpinning, with the sender's external address as the source (REQ-9).
TEST_F(NatTest, HairpinningDeliversBetweenInternalHostsViaExternalAddresses) {
  Build(NatConfig::FullCone());
  Host& peer = Recording("peer", Ip("192.168.1.3"), nat_);
  Send(peer, 6000, kS1);
  const SocketAddress peer_mapped = LastSource("s1");
  Send(*client_, 5000, peer_mapped);
  ASSERT_EQ(Inbox("peer").size(), 1u);
  EXPECT_EQ(Inbox("peer")[0].source, SocketAddress(kExternal, 5000));
  EXPECT_EQ(Inbox("peer")[0].destination, Addr("192.168.1.3:6000"));
  EXPECT_EQ(nat_->stats().hairpinned, 1u);
}

TEST_F(NatTest, HairpinningDisabledDropsTraffic) {
  NatConfig config = NatConfig::FullCone();
  config.hairpinning = false;
  Build(config);
  Host& peer = Recording("peer", Ip("192.168.1.3"), nat_);
  Send(peer, 6000, kS1);
  Send(*client_, 5000, LastSource("s1"));
  EXPECT_TRUE(Inbox("peer").empty());
  EXPECT_EQ(nat_->stats().dropped_hairpin, 1u);
  EXPECT_EQ(sim().network().drops(DropReason::kHairpinDisabled), 1u);
}

TEST_F(NatTest, TrafficInsideThePrivateRealmIsNotTranslated) {
  Build(NatConfig::Symmetric());
  Host& peer = Recording("peer", Ip("192.168.1.3"), nat_);
  Send(*client_, 5000, Addr("192.168.1.3:6000"));
  ASSERT_EQ(Inbox("peer").size(), 1u);
  EXPECT_EQ(Inbox("peer")[0].source, Addr("192.168.1.2:5000"));
  EXPECT_EQ(nat_->stats().translated_out, 0u);
  (void)peer;
}

TEST_F(NatTest, DoubleNatTranslatesTwiceAndFiltersAtEachLayer) {
  NatConfig carrier = NatConfig::FullCone();
  carrier.port_assignment = PortAssignment::kSequential;
  carrier.port_min = 40000;
  nat_ = &sim().AddNat("cgn", carrier, {kExternal});
  NatBox& home = sim().AddNat("home", NatConfig::PortRestrictedCone(), {Ip("100.64.0.2")}, nat_);
  client_ = &Recording("client", Ip("192.168.1.2"), &home);
  s1_ = &Recording("s1", kS1.ip());
  s2_ = &Recording("s2", kS2.ip());

  Send(*client_, 5000, kS1);
  const SocketAddress mapped = LastSource("s1");
  EXPECT_EQ(mapped, SocketAddress(kExternal, 40000));
  ASSERT_TRUE(home.FindMapping(Addr("192.168.1.2:5000"), kS1));
  EXPECT_EQ(*home.FindMapping(Addr("192.168.1.2:5000"), kS1), Addr("100.64.0.2:5000"));

  Send(*s1_, kS1.port(), mapped);
  ASSERT_EQ(Inbox("client").size(), 1u);
  EXPECT_EQ(Inbox("client")[0].source, kS1);
  EXPECT_EQ(Inbox("client")[0].destination, Addr("192.168.1.2:5000"));

  // The carrier NAT lets s2 in (EIF); the home NAT does not (APDF).
  Send(*s2_, 3478, mapped);
  EXPECT_EQ(Inbox("client").size(), 1u);
  EXPECT_EQ(nat_->stats().translated_in, 2u);
  EXPECT_EQ(home.stats().dropped_filtered, 1u);
}

TEST_F(NatTest, UdpBlockedDropsEverythingBothWays) {
  Build(NatConfig::FullCone());
  nat_->SetUdpBlocked(true);
  Send(*client_, 5000, kS1);
  Send(*s1_, 3478, SocketAddress(kExternal, 5000));
  EXPECT_TRUE(Inbox("s1").empty());
  EXPECT_TRUE(Inbox("client").empty());
  EXPECT_EQ(nat_->stats().dropped_udp_blocked, 2u);
  EXPECT_EQ(sim().network().drops(DropReason::kUdpBlocked), 2u);
  EXPECT_EQ(nat_->stats().mappings_created, 0u);
}

TEST_F(NatTest, PortPreservationFallsBackWhenThePortIsTaken) {
  Build(NatConfig::FullCone());
  Host& peer = Recording("peer", Ip("192.168.1.3"), nat_);
  Send(*client_, 5000, kS1);
  Send(peer, 5000, kS1);
  ASSERT_EQ(Inbox("s1").size(), 2u);
  EXPECT_EQ(Inbox("s1")[0].source.port(), 5000);
  EXPECT_NE(Inbox("s1")[1].source.port(), 5000);
}

TEST_F(NatTest, SequentialPortAssignment) {
  NatConfig config = NatConfig::Symmetric();
  config.port_assignment = PortAssignment::kSequential;
  config.port_min = 40000;
  Build(config);
  Send(*client_, 5000, kS1);
  Send(*client_, 5000, kS1OtherPort);
  Send(*client_, 5000, kS2);
  EXPECT_EQ(Inbox("s1")[0].source.port(), 40000);
  EXPECT_EQ(Inbox("s1")[1].source.port(), 40001);
  EXPECT_EQ(LastSource("s2").port(), 40002);
}

TEST_F(NatTest, RandomPortAssignmentStaysInRange) {
  NatConfig config = NatConfig::Symmetric();
  config.port_assignment = PortAssignment::kRandom;
  config.port_min = 50000;
  config.port_max = 50999;
  Build(config);
  std::set<uint16_t> ports;
  for (uint16_t p = 1; p <= 50; ++p) {
    Send(*client_, 5000, SocketAddress(kS1.ip(), p));
    const uint16_t port = LastSource("s1").port();
    EXPECT_GE(port, 50000);
    EXPECT_LE(port, 50999);
    ports.insert(port);
  }
  EXPECT_EQ(ports.size(), 50u);
}

TEST(NatTableTest, TranslatesWithoutANetwork) {
  NatTable nat(NatConfig::RestrictedCone(), {kExternal}, 1);
  const Timestamp t0 = Timestamp::Seconds(10);
  const SocketAddress internal = Addr("10.0.0.2:5000");
  const NatVerdict out = nat.Outbound(t0, internal, kS1);
  ASSERT_TRUE(out.address);
  EXPECT_EQ(*out.address, SocketAddress(kExternal, 5000));
  EXPECT_EQ(nat.Inbound(t0, kS2, *out.address).drop, DropReason::kFiltered);
  EXPECT_EQ(nat.Inbound(t0, kS1OtherPort, *out.address).address, internal);
  EXPECT_EQ(nat.Inbound(t0, kS1, SocketAddress(kExternal, 5001)).drop, DropReason::kNoMapping);
  // No external IPv6 address: an IPv6 destination cannot be mapped.
  EXPECT_EQ(nat.Outbound(t0, Addr("[fd00::2]:5000"), Addr("[2001:db8::1]:3478")).drop,
            DropReason::kNatExhausted);
  // Idle for exactly the binding timeout: gone.
  EXPECT_EQ(nat.Inbound(t0 + TimeDelta::Seconds(120), kS1, *out.address).drop,
            DropReason::kNoMapping);
}

}  // namespace
}  // namespace parley::sim
