// Candidate priorities (RFC 8445 §5.1.2), pair priorities (§6.1.2.3) and foundations
// (§5.1.1.3).
#include "ice/priority.h"

#include <gtest/gtest.h>

#include <set>

namespace parley::ice {
namespace {

IpAddress Ip(const char* text) {
  return *IpAddress::Parse(text);
}

TEST(PriorityTest, FormulaMatchesRfc) {
  // (2^24)*type + (2^8)*local + (256 - component).
  EXPECT_EQ(CandidatePriority(126u, 65535, 1), (126u << 24) + (65535u << 8) + 255u);
  EXPECT_EQ(CandidatePriority(0u, 0, 1), 255u);
  EXPECT_EQ(CandidatePriority(100u, 1000, 2), (100u << 24) + (1000u << 8) + 254u);
  // Chromium's typical host priority for an IPv4 first interface: type 126, component 1.
  EXPECT_EQ(CandidatePriority(CandidateType::kHost, LocalPreference(Ip("192.168.1.5"), 0)) >> 24,
            126u);
}

TEST(PriorityTest, TypePreferencesOrderHostPrflxSrflxRelay) {
  EXPECT_EQ(TypePreference(CandidateType::kHost), 126u);
  EXPECT_EQ(TypePreference(CandidateType::kPeerReflexive), 110u);
  EXPECT_EQ(TypePreference(CandidateType::kServerReflexive), 100u);
  EXPECT_EQ(TypePreference(CandidateType::kRelay), 0u);
  const uint16_t local = LocalPreference(Ip("192.0.2.1"), 0);
  EXPECT_GT(CandidatePriority(CandidateType::kHost, local),
            CandidatePriority(CandidateType::kPeerReflexive, local));
  EXPECT_GT(CandidatePriority(CandidateType::kPeerReflexive, local),
            CandidatePriority(CandidateType::kServerReflexive, local));
  EXPECT_GT(CandidatePriority(CandidateType::kServerReflexive, 0),
            CandidatePriority(CandidateType::kRelay, 65535));
}

TEST(PriorityTest, LocalPreferenceDistinguishesFamiliesInterfacesAndRelayProtocols) {
  // RFC 8421: IPv6 over IPv4.
  EXPECT_GT(LocalPreference(Ip("2001:db8::1"), 0), LocalPreference(Ip("192.0.2.1"), 0));
  // Link-local IPv6 below IPv4.
  EXPECT_LT(LocalPreference(Ip("fe80::1"), 0), LocalPreference(Ip("192.0.2.1"), 0));
  // Earlier interfaces first; every base distinct (§5.1.2.1: unique per base).
  EXPECT_GT(LocalPreference(Ip("192.0.2.1"), 0), LocalPreference(Ip("192.0.2.2"), 1));
  std::set<uint16_t> seen;
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(seen.insert(LocalPreference(Ip("192.0.2.1"), i)).second);
    EXPECT_TRUE(seen.insert(LocalPreference(Ip("2001:db8::1"), i)).second);
  }
  // Relays: UDP > TCP > TLS.
  const IpAddress relay = Ip("198.51.100.1");
  EXPECT_GT(LocalPreference(relay, 0, RelayProtocol::kUdp),
            LocalPreference(relay, 0, RelayProtocol::kTcp));
  EXPECT_GT(LocalPreference(relay, 0, RelayProtocol::kTcp),
            LocalPreference(relay, 0, RelayProtocol::kTls));
}

TEST(PriorityTest, PairPriorityFormula) {
  // 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0).
  const uint32_t g = 2130706431;
  const uint32_t d = 1694498815;
  EXPECT_EQ(PairPriority(g, d), (uint64_t{d} << 32) + 2 * uint64_t{g} + 1);
  EXPECT_EQ(PairPriority(d, g), (uint64_t{d} << 32) + 2 * uint64_t{g});
  EXPECT_EQ(PairPriority(5, 5), (uint64_t{5} << 32) + 10);
  // Both agents order pairs alike: swapping roles only changes the tie bit.
  EXPECT_EQ(PairPriority(g, d) - PairPriority(d, g), 1u);
  EXPECT_EQ(PairPriority(UINT32_MAX, UINT32_MAX),
            (uint64_t{UINT32_MAX} << 32) + 2 * uint64_t{UINT32_MAX});
  // The lower candidate dominates.
  EXPECT_GT(PairPriority(1002, 1002), PairPriority(UINT32_MAX, 999));
}

TEST(PriorityTest, FoundationRules) {
  const auto base = Ip("192.168.1.5");
  const auto other_base = Ip("192.168.1.6");
  const auto stun = Ip("198.51.100.1");
  const auto other_stun = Ip("198.51.100.2");
  // Same type, base, server and transport: same foundation.
  EXPECT_EQ(ComputeFoundation(CandidateType::kServerReflexive, base, stun),
            ComputeFoundation(CandidateType::kServerReflexive, base, stun));
  // Any difference: different foundations.
  const std::set<std::string> all = {
      ComputeFoundation(CandidateType::kHost, base, std::nullopt),
      ComputeFoundation(CandidateType::kHost, other_base, std::nullopt),
      ComputeFoundation(CandidateType::kServerReflexive, base, stun),
      ComputeFoundation(CandidateType::kServerReflexive, base, other_stun),
      ComputeFoundation(CandidateType::kServerReflexive, other_base, stun),
      ComputeFoundation(CandidateType::kHost, base, std::nullopt, TransportProtocol::kTcp),
      ComputeFoundation(CandidateType::kRelay, base, stun, TransportProtocol::kUdp,
                        RelayProtocol::kUdp),
      ComputeFoundation(CandidateType::kRelay, base, stun, TransportProtocol::kUdp,
                        RelayProtocol::kTls),
      ComputeFoundation(CandidateType::kPeerReflexive, base, std::nullopt),
  };
  EXPECT_EQ(all.size(), 9u);
  for (const std::string& f : all) {
    EXPECT_LE(f.size(), 32u);
    EXPECT_TRUE(Candidate::Parse("candidate:" + f + " 1 udp 1 192.0.2.1 1 typ host").ok()) << f;
  }
}

}  // namespace
}  // namespace parley::ice
