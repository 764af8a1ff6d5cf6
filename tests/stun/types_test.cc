#include "stun/types.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "base/random.h"

namespace parley::stun {
namespace {

constexpr MessageClass kClasses[] = {MessageClass::kRequest, MessageClass::kIndication,
                                     MessageClass::kSuccessResponse, MessageClass::kErrorResponse};

// RFC 8489 §5: for methods below 0x010 the class bits land at 0x010 (C0) and 0x100 (C1), so e.g.
// a Binding request is 0x0001, indication 0x0011, success 0x0101, error 0x0111.
TEST(MessageTypeTest, EveryClassAndNamedMethod) {
  struct Case {
    Method method;
    uint16_t request, indication, success, error;
  };
  const Case cases[] = {
      {Method::kBinding, 0x0001, 0x0011, 0x0101, 0x0111},
      {Method::kAllocate, 0x0003, 0x0013, 0x0103, 0x0113},
      {Method::kRefresh, 0x0004, 0x0014, 0x0104, 0x0114},
      {Method::kSend, 0x0006, 0x0016, 0x0106, 0x0116},
      {Method::kData, 0x0007, 0x0017, 0x0107, 0x0117},
      {Method::kCreatePermission, 0x0008, 0x0018, 0x0108, 0x0118},
      {Method::kChannelBind, 0x0009, 0x0019, 0x0109, 0x0119},
  };
  for (const Case& c : cases) {
    const uint16_t expected[] = {c.request, c.indication, c.success, c.error};
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(EncodeMessageType(kClasses[i], c.method), expected[i]) << c.method;
      EXPECT_EQ(MessageClassFromType(expected[i]), kClasses[i]);
      EXPECT_EQ(MethodFromType(expected[i]), c.method);
    }
  }
}

TEST(MessageTypeTest, InterleavingOfHighMethodBits) {
  // M4..M6 skip C0 (bit 4); M7..M11 skip C1 (bit 8) too.
  EXPECT_EQ(EncodeMessageType(MessageClass::kRequest, static_cast<Method>(0x010)), 0x0020);
  EXPECT_EQ(EncodeMessageType(MessageClass::kRequest, static_cast<Method>(0x080)), 0x0200);
  EXPECT_EQ(EncodeMessageType(MessageClass::kErrorResponse, static_cast<Method>(0xFFF)), 0x3FFF);
  EXPECT_EQ(EncodeMessageType(MessageClass::kRequest, static_cast<Method>(0xFFF)), 0x3EEF);
}

TEST(MessageTypeTest, AllTypesRoundTripAndKeepTopBitsClear) {
  std::set<uint16_t> seen;
  for (uint16_t m = 0; m <= kMaxMethod; ++m) {
    for (MessageClass cls : kClasses) {
      const uint16_t type = EncodeMessageType(cls, static_cast<Method>(m));
      EXPECT_EQ(type & 0xC000, 0);
      EXPECT_EQ(MessageClassFromType(type), cls);
      EXPECT_EQ(MethodFromType(type), static_cast<Method>(m));
      seen.insert(type);
    }
  }
  EXPECT_EQ(seen.size(), 0x4000u);  // A bijection onto the 14-bit space.
}

TEST(TransactionIdTest, ComesFromTheInjectedRandom) {
  SeededRandom a(42), b(42);
  const TransactionId first = NewTransactionId(a);
  EXPECT_EQ(first, NewTransactionId(b));
  EXPECT_NE(first, NewTransactionId(a));
  EXPECT_EQ(
      ToHex(TransactionId{0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae}),
      "b7e7a701bc34d686fa87dfae");
}

TEST(AttributeTypeTest, ComprehensionRangesAndKnownTypes) {
  EXPECT_TRUE(IsComprehensionRequired(AttributeType::kUsername));
  EXPECT_TRUE(IsComprehensionRequired(static_cast<AttributeType>(0x7FFF)));
  EXPECT_FALSE(IsComprehensionRequired(AttributeType::kSoftware));
  EXPECT_FALSE(IsComprehensionRequired(AttributeType::kGoogNetworkInfo));
  EXPECT_TRUE(IsKnownAttribute(AttributeType::kXorMappedAddress));
  EXPECT_TRUE(IsKnownAttribute(AttributeType::kReservationToken));
  EXPECT_TRUE(IsKnownAttribute(AttributeType::kMessageIntegrity));
  EXPECT_FALSE(IsKnownAttribute(static_cast<AttributeType>(0x0002)));  // Reserved (RFC 3489).
  EXPECT_FALSE(IsKnownAttribute(AttributeType::kGoogNetworkInfo));
}

TEST(NamesTest, ForLogs) {
  EXPECT_EQ(MethodName(Method::kCreatePermission), "CreatePermission");
  EXPECT_EQ(MethodName(static_cast<Method>(0x80)), "0x080");
  EXPECT_EQ(MessageClassName(MessageClass::kErrorResponse), "error response");
  EXPECT_EQ(AttributeTypeName(AttributeType::kXorRelayedAddress), "XOR-RELAYED-ADDRESS");
  EXPECT_EQ(AttributeTypeName(AttributeType::kGoogNetworkInfo), "GOOG-NETWORK-INFO");
  EXPECT_EQ(AttributeTypeName(static_cast<AttributeType>(0xabc)), "0x0abc");
  std::ostringstream os;
  os << Method::kBinding << ' ' << MessageClass::kIndication << ' ' << AttributeType::kNonce;
  EXPECT_EQ(os.str(), "Binding indication NONCE");
  EXPECT_EQ(DefaultReasonPhrase(420), "Unknown Attribute");
  EXPECT_EQ(DefaultReasonPhrase(438), "Stale Nonce");
  EXPECT_EQ(DefaultReasonPhrase(123), "");
}

}  // namespace
}  // namespace parley::stun
