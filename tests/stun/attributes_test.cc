#include "stun/attributes.h"

#include <gtest/gtest.h>

#include "base/random.h"
#include "stun/rfc5769_vectors.h"

namespace parley::stun {
namespace {

template <typename A>
Bytes Encode(const A& attribute, const TransactionId& id = {}) {
  ByteWriter out;
  attribute.EncodeValue(out, id);
  return std::move(out).Take();
}

template <typename A>
void ExpectRoundTrip(const A& attribute, const TransactionId& id = {}) {
  const Bytes value = Encode(attribute, id);
  auto decoded = A::DecodeValue(value, id);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, attribute);
}

SocketAddress RandomAddress(Random& random, IpFamily family) {
  const auto port = static_cast<uint16_t>(random.NextU32());
  if (family == IpFamily::kV4) return {IpAddress::V4(random.NextU32()), port};
  std::array<uint8_t, 16> bytes;
  random.Fill(bytes);
  return {IpAddress::V6(bytes), port};
}

// --- Addresses (RFC 8489 §14.1, §14.2) ------------------------------------------------------

TEST(AddressAttributeTest, MappedAddressEncodesPlainly) {
  const SocketAddress address(IpAddress::V4(192, 0, 2, 1), 32853);
  EXPECT_EQ(Encode(MappedAddress{address}), (Bytes{0x00, 0x01, 0x80, 0x55, 192, 0, 2, 1}));
  ExpectRoundTrip(MappedAddress{address});
  ExpectRoundTrip(AlternateServer{*SocketAddress::Parse("[2001:db8::1]:3478")});
  EXPECT_EQ(Encode(AlternateServer{*SocketAddress::Parse("[::1]:1")}).size(), 20u);
}

TEST(AddressAttributeTest, XorMappedAddressMatchesRfc5769) {
  // RFC 5769 §2.2's value: 192.0.2.1:32853 under transaction id b7e7a701...
  const Bytes value = {0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43};
  auto decoded = XorMappedAddress::DecodeValue(value, rfc5769::kTransactionId);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->address, SocketAddress(IpAddress::V4(192, 0, 2, 1), 32853));
  EXPECT_EQ(Encode(*decoded, rfc5769::kTransactionId), value);
  // §2.3's IPv6 value: the address XORs with the cookie *and* the transaction id.
  const Bytes v6 = {0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa, 0xa5, 0xd3,
                    0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9};
  auto decoded_v6 = XorMappedAddress::DecodeValue(v6, rfc5769::kTransactionId);
  ASSERT_TRUE(decoded_v6);
  EXPECT_EQ(decoded_v6->address.ToString(), "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
  EXPECT_EQ(Encode(*decoded_v6, rfc5769::kTransactionId), v6);
}

TEST(AddressAttributeTest, XorAddressesRoundTripV4AndV6) {
  SeededRandom random(11);
  for (int i = 0; i < 200; ++i) {
    const TransactionId id = NewTransactionId(random);
    for (IpFamily family : {IpFamily::kV4, IpFamily::kV6}) {
      const SocketAddress address = RandomAddress(random, family);
      ExpectRoundTrip(XorMappedAddress{address}, id);
      ExpectRoundTrip(XorPeerAddress{address}, id);
      ExpectRoundTrip(XorRelayedAddress{address}, id);
      // The wire form really is XORed (and depends on the id for IPv6).
      const Bytes plain = Encode(MappedAddress{address});
      const Bytes xored = Encode(XorMappedAddress{address}, id);
      ASSERT_EQ(plain.size(), xored.size());
      EXPECT_EQ(plain[1], xored[1]);  // Family is not XORed.
      EXPECT_EQ((plain[2] ^ xored[2]), 0x21);
      EXPECT_EQ((plain[3] ^ xored[3]), 0x12);
      if (family == IpFamily::kV6) {
        EXPECT_EQ((plain[8] ^ xored[8]), id[0]);
        EXPECT_EQ((plain[19] ^ xored[19]), id[11]);
      }
    }
  }
}

TEST(AddressAttributeTest, MalformedAddressesAreRejected) {
  const TransactionId id{};
  EXPECT_FALSE(MappedAddress::DecodeValue(Bytes{0, 3, 0, 1, 1, 2, 3, 4}, id));  // Bad family.
  EXPECT_FALSE(MappedAddress::DecodeValue(Bytes{0, 1, 0, 1, 1, 2, 3}, id));     // Short v4.
  EXPECT_FALSE(MappedAddress::DecodeValue(Bytes{0, 1, 0, 1, 1, 2, 3, 4, 5}, id));
  EXPECT_FALSE(MappedAddress::DecodeValue(Bytes(19, 0), id));
  Bytes v6(20, 0);
  v6[1] = 2;
  EXPECT_TRUE(MappedAddress::DecodeValue(v6, id));
  v6[1] = 1;  // IPv4 family with an IPv6-sized value.
  EXPECT_FALSE(MappedAddress::DecodeValue(v6, id));
  EXPECT_FALSE(XorMappedAddress::DecodeValue(Bytes{}, id));
  // The reserved first byte is ignored on receipt.
  EXPECT_TRUE(MappedAddress::DecodeValue(Bytes{0xff, 1, 0, 1, 1, 2, 3, 4}, id));
}

// --- Text (§14.3, §14.9, §14.10, §14.14) ---------------------------------------------------

TEST(TextAttributeTest, RoundTripsAndEnforcesLimits) {
  ExpectRoundTrip(Username{"evtj:h6vY"});
  ExpectRoundTrip(Realm{"example.org"});
  ExpectRoundTrip(Nonce{""});
  ExpectRoundTrip(Software{"parley 0.1"});
  EXPECT_TRUE(Username::DecodeValue(Bytes(513, 'a'), {}));
  EXPECT_FALSE(Username::DecodeValue(Bytes(514, 'a'), {}));
  EXPECT_TRUE(Realm::DecodeValue(Bytes(763, 'a'), {}));
  EXPECT_FALSE(Realm::DecodeValue(Bytes(764, 'a'), {}));
  EXPECT_FALSE(Software::DecodeValue(Bytes(800, 'a'), {}));
}

// --- ERROR-CODE (§14.8) and UNKNOWN-ATTRIBUTES (§14.13) --------------------------------------

TEST(ErrorCodeTest, EncodesClassAndNumber) {
  const ErrorCode error{438, "Stale Nonce"};
  EXPECT_EQ(error.error_class(), 4);
  EXPECT_EQ(error.number(), 38);
  const Bytes value = Encode(error);
  ASSERT_EQ(value.size(), 4u + 11u);
  EXPECT_EQ(value[0], 0);
  EXPECT_EQ(value[1], 0);
  EXPECT_EQ(value[2], 4);
  EXPECT_EQ(value[3], 38);
  ExpectRoundTrip(error);
  ExpectRoundTrip(ErrorCode{300, ""});
  ExpectRoundTrip(ErrorCode{699, "x"});
  EXPECT_EQ(ErrorCode::WithDefaultReason(401), (ErrorCode{401, "Unauthorized"}));
  EXPECT_EQ(ErrorCode::WithDefaultReason(487).reason, "Role Conflict");
  EXPECT_EQ(ErrorCode::WithDefaultReason(599).reason, "");
}

TEST(ErrorCodeTest, RejectsMalformedValues) {
  EXPECT_FALSE(ErrorCode::DecodeValue(Bytes{0, 0, 4}, {}));                // Too short.
  EXPECT_FALSE(ErrorCode::DecodeValue(Bytes{0, 0, 2, 0}, {}));             // Class 2.
  EXPECT_FALSE(ErrorCode::DecodeValue(Bytes{0, 0, 7, 0}, {}));             // Class 7.
  EXPECT_FALSE(ErrorCode::DecodeValue(Bytes{0, 0, 4, 100}, {}));           // Number 100.
  auto reserved = ErrorCode::DecodeValue(Bytes{0xff, 0xff, 0xfc, 1}, {});  // Reserved bits set.
  ASSERT_TRUE(reserved);
  EXPECT_EQ(reserved->code, 401);
  Bytes long_reason = {0, 0, 5, 0};
  long_reason.resize(4 + 764, 'r');
  EXPECT_FALSE(ErrorCode::DecodeValue(long_reason, {}));
}

TEST(ErrorCodeDeathTest, OutOfRangeCodeIsAProgrammingError) {
  EXPECT_DEATH(Encode(ErrorCode{200, "OK"}), "300..699");
}

TEST(UnknownAttributesTest, RoundTripsAndRejectsOddLength) {
  const UnknownAttributes unknown{{static_cast<AttributeType>(0x0777), AttributeType::kData}};
  EXPECT_EQ(Encode(unknown), (Bytes{0x07, 0x77, 0x00, 0x13}));
  ExpectRoundTrip(unknown);
  ExpectRoundTrip(UnknownAttributes{});
  EXPECT_FALSE(UnknownAttributes::DecodeValue(Bytes{0, 1, 0}, {}));
}

// --- PASSWORD-ALGORITHMS / PASSWORD-ALGORITHM (§14.11, §14.12), USERHASH (§14.4) ------------

TEST(PasswordAlgorithmTest, ListRoundTripsWithPaddedParameters) {
  const PasswordAlgorithmsAttribute list{{{PasswordAlgorithm::kSha256, {}},
                                          {PasswordAlgorithm::kMd5, {}},
                                          {static_cast<PasswordAlgorithm>(9), {1, 2, 3}}}};
  const Bytes value = Encode(list);
  EXPECT_EQ(value, (Bytes{0, 2, 0, 0, 0, 1, 0, 0, 0, 9, 0, 3, 1, 2, 3, 0}));
  ExpectRoundTrip(list);
  EXPECT_FALSE(PasswordAlgorithmsAttribute::DecodeValue(Bytes{0, 2, 0}, {}));
  EXPECT_FALSE(PasswordAlgorithmsAttribute::DecodeValue(Bytes{0, 2, 0, 4, 1, 2}, {}));
  EXPECT_FALSE(PasswordAlgorithmsAttribute::DecodeValue(Bytes{0, 9, 0, 3, 1, 2, 3}, {}));

  const PasswordAlgorithmAttribute chosen{{PasswordAlgorithm::kSha256, {}}};
  EXPECT_EQ(Encode(chosen), (Bytes{0, 2, 0, 0}));
  ExpectRoundTrip(chosen);
  EXPECT_FALSE(PasswordAlgorithmAttribute::DecodeValue(Bytes{0, 2, 0, 0, 0, 1, 0, 0}, {}));
  EXPECT_FALSE(PasswordAlgorithmAttribute::DecodeValue(Bytes{}, {}));
}

TEST(UserhashTest, IsExactly32Bytes) {
  Userhash hash;
  hash.value.fill(0x5a);
  ExpectRoundTrip(hash);
  EXPECT_FALSE(Userhash::DecodeValue(Bytes(31, 0), {}));
  EXPECT_FALSE(Userhash::DecodeValue(Bytes(33, 0), {}));
}

// --- ICE (RFC 8445 §16.1) ----------------------------------------------------------------------

TEST(IceAttributeTest, RoundTrip) {
  ExpectRoundTrip(Priority{0x6e0001ff});
  EXPECT_EQ(Encode(Priority{0x01020304}), (Bytes{1, 2, 3, 4}));
  ExpectRoundTrip(IceControlled{0x932ff9b151263b36});
  ExpectRoundTrip(IceControlling{~uint64_t{0}});
  EXPECT_EQ(Encode(IceControlling{0x0102030405060708}), (Bytes{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_TRUE(Encode(UseCandidate{}).empty());
  ExpectRoundTrip(UseCandidate{});
  EXPECT_FALSE(UseCandidate::DecodeValue(Bytes{0}, {}));
  EXPECT_FALSE(Priority::DecodeValue(Bytes(5, 0), {}));
  EXPECT_FALSE(IceControlled::DecodeValue(Bytes(4, 0), {}));
}

// --- TURN (RFC 8656 §18) ------------------------------------------------------------------------

TEST(TurnAttributeTest, RoundTrip) {
  EXPECT_EQ(Encode(ChannelNumber{0x4001}), (Bytes{0x40, 0x01, 0, 0}));
  ExpectRoundTrip(ChannelNumber{0x4fff});
  EXPECT_FALSE(ChannelNumber::DecodeValue(Bytes{0x40, 0x01}, {}));

  EXPECT_EQ(Encode(Lifetime{600}), (Bytes{0, 0, 2, 0x58}));
  ExpectRoundTrip(Lifetime{0});

  ExpectRoundTrip(Data{{}});
  ExpectRoundTrip(Data{Bytes(1500, 0x42)});

  EXPECT_EQ(Encode(RequestedAddressFamily{IpFamily::kV6}), (Bytes{2, 0, 0, 0}));
  ExpectRoundTrip(RequestedAddressFamily{IpFamily::kV4});
  EXPECT_FALSE(RequestedAddressFamily::DecodeValue(Bytes{3, 0, 0, 0}, {}));
  EXPECT_FALSE(RequestedAddressFamily::DecodeValue(Bytes{1}, {}));

  EXPECT_EQ(Encode(EvenPort{true}), (Bytes{0x80}));
  ExpectRoundTrip(EvenPort{false});
  EXPECT_EQ(EvenPort::DecodeValue(Bytes{0xff}, {}), EvenPort{true});  // RFFU bits ignored.
  EXPECT_FALSE(EvenPort::DecodeValue(Bytes{}, {}));

  EXPECT_EQ(Encode(RequestedTransport{}), (Bytes{17, 0, 0, 0}));
  ExpectRoundTrip(RequestedTransport{RequestedTransport::kTcp});
  EXPECT_FALSE(RequestedTransport::DecodeValue(Bytes{17}, {}));

  ExpectRoundTrip(DontFragment{});
  ReservationToken token;
  token.value = {1, 2, 3, 4, 5, 6, 7, 8};
  ExpectRoundTrip(token);
  EXPECT_FALSE(ReservationToken::DecodeValue(Bytes(7, 0), {}));
}

// --- The integrity attributes (§14.5-§14.7) ----------------------------------------------------

TEST(IntegrityAttributeTest, SizesAreChecked) {
  EXPECT_TRUE(MessageIntegrity::DecodeValue(Bytes(20, 1), {}));
  EXPECT_FALSE(MessageIntegrity::DecodeValue(Bytes(32, 1), {}));
  for (size_t size = 0; size <= 40; ++size) {
    EXPECT_EQ(MessageIntegritySha256::DecodeValue(Bytes(size, 1), {}).has_value(),
              size >= 16 && size <= 32 && size % 4 == 0)
        << size;
  }
  EXPECT_EQ(Fingerprint::DecodeValue(Bytes{0xe5, 0x7a, 0x3b, 0xcf}, {}), Fingerprint{0xe57a3bcf});
  EXPECT_FALSE(Fingerprint::DecodeValue(Bytes(3, 0), {}));
  EXPECT_TRUE(IsIntegrityOrFingerprint(AttributeType::kMessageIntegritySha256));
  EXPECT_FALSE(IsIntegrityOrFingerprint(AttributeType::kUsername));
}

}  // namespace
}  // namespace parley::stun
