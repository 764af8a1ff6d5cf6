#include "stun/message.h"

#include <gtest/gtest.h>

#include <vector>

#include "base/random.h"
#include "stun/integrity.h"
#include "stun/rfc5769_vectors.h"

namespace parley::stun {
namespace {

Bytes ToBytes(ByteView view) {
  return Bytes(view.begin(), view.end());
}

const std::vector<Bytes>& AllVectors() {
  static const std::vector<Bytes> vectors = {
      ToBytes(rfc5769::kSampleRequest), ToBytes(rfc5769::kSampleIpv4Response),
      ToBytes(rfc5769::kSampleIpv6Response), ToBytes(rfc5769::kSampleLongTermRequest)};
  return vectors;
}

// Overwrites the header length field.
void SetLength(Bytes& message, size_t length) {
  message[2] = static_cast<uint8_t>(length >> 8);
  message[3] = static_cast<uint8_t>(length);
}

// Appends a raw attribute after whatever the message ends with (integrity included) and fixes
// the length field, as a hostile or buggy sender might.
Bytes AppendAttribute(Bytes message, AttributeType type, ByteView value) {
  ByteWriter writer;
  writer.WriteBytes(message);
  writer.WriteU16(static_cast<uint16_t>(type)).WriteU16(static_cast<uint16_t>(value.size()));
  writer.WriteBytes(value).PadTo(4);
  Bytes out = std::move(writer).Take();
  SetLength(out, out.size() - kHeaderSize);
  return out;
}

Message SampleMessage(Random& random) {
  Message message = Message::Request(Method::kAllocate, random);
  message.Add(RequestedTransport{RequestedTransport::kUdp})
      .Add(Lifetime{600})
      .Add(Software{"parley"})
      .Add(DontFragment{})
      .Add(Data{{1, 2, 3, 4, 5}});
  return message;
}

TEST(MessageTest, BuildSerializeParseRoundTrip) {
  SeededRandom random(1);
  const Message message = SampleMessage(random);
  const Bytes wire = message.Serialize();
  ASSERT_EQ(wire.size() % 4, 0u);
  EXPECT_EQ(wire[2] << 8 | wire[3], static_cast<int>(wire.size() - kHeaderSize));
  auto parsed = Parse(wire);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->SameContent(message));
  EXPECT_EQ(parsed->raw().size(), wire.size());
  EXPECT_TRUE(parsed->integrity_attributes().empty());
  EXPECT_EQ(parsed->Get<Lifetime>(), Lifetime{600});
  EXPECT_EQ(parsed->Get<Data>(), (Data{{1, 2, 3, 4, 5}}));
  EXPECT_TRUE(parsed->Has<DontFragment>());
  EXPECT_FALSE(parsed->Has<UseCandidate>());
  EXPECT_EQ(parsed->Serialize(), wire);
}

TEST(MessageTest, EveryValueLengthPadsAndRoundTrips) {
  for (size_t length = 0; length < 12; ++length) {
    Message message(MessageClass::kIndication, Method::kSend, TransactionId{});
    message.AddRaw(static_cast<AttributeType>(0x8123), Bytes(length, 0xab));
    message.Add(Priority{7});
    const Bytes wire = message.Serialize();
    EXPECT_EQ(wire.size(), kHeaderSize + 4 + (length + 3) / 4 * 4 + 8) << length;
    auto parsed = Parse(wire);
    ASSERT_TRUE(parsed) << length;
    EXPECT_TRUE(parsed->SameContent(message)) << length;
  }
}

TEST(MessageTest, ResponsesCopyMethodAndTransactionId) {
  SeededRandom random(2);
  const Message request = Message::Request(Method::kChannelBind, random);
  const Message ok = Message::SuccessResponse(request);
  EXPECT_EQ(ok.message_class(), MessageClass::kSuccessResponse);
  EXPECT_EQ(ok.method(), Method::kChannelBind);
  EXPECT_EQ(ok.transaction_id(), request.transaction_id());
  EXPECT_TRUE(ok.is_response());

  const Message error = Message::ErrorResponse(request, error_code::kStaleNonce);
  EXPECT_TRUE(error.is_error_response());
  EXPECT_EQ(error.transaction_id(), request.transaction_id());
  EXPECT_EQ(error.Get<ErrorCode>(), (ErrorCode{438, "Stale Nonce"}));
  const Message custom = Message::ErrorResponse(request, 487, "Go away");
  EXPECT_EQ(custom.Get<ErrorCode>(), (ErrorCode{487, "Go away"}));

  const Message indication = Message::Indication(Method::kData, random);
  EXPECT_TRUE(indication.is_indication());
  EXPECT_NE(indication.transaction_id(), request.transaction_id());
}

TEST(MessageTest, FindGetAllAndRemove) {
  Message message(MessageClass::kRequest, Method::kCreatePermission, TransactionId{1, 2, 3});
  const SocketAddress a(IpAddress::V4(10, 0, 0, 1), 1000);
  const SocketAddress b = *SocketAddress::Parse("[2001:db8::7]:2000");
  message.Add(XorPeerAddress{a}).Add(Username{"u"}).Add(XorPeerAddress{b});
  auto parsed = Parse(message.Serialize());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->Get<XorPeerAddress>(), XorPeerAddress{a});
  EXPECT_EQ(parsed->GetAll<XorPeerAddress>(),
            (std::vector<XorPeerAddress>{XorPeerAddress{a}, XorPeerAddress{b}}));
  ASSERT_NE(parsed->Find(AttributeType::kUsername), nullptr);
  EXPECT_EQ(parsed->Find(AttributeType::kRealm), nullptr);
  EXPECT_EQ(message.Remove(AttributeType::kXorPeerAddress), 2u);
  EXPECT_EQ(message.attributes().size(), 1u);
  EXPECT_EQ(message.Remove(AttributeType::kXorPeerAddress), 0u);
}

TEST(MessageTest, MalformedTypedValueReadsAsAbsent) {
  Message message(MessageClass::kRequest, Method::kBinding, TransactionId{});
  message.AddRaw(AttributeType::kPriority, {1, 2, 3});  // PRIORITY must be 4 bytes.
  auto parsed = Parse(message.Serialize());
  ASSERT_TRUE(parsed);  // The message itself is well-formed...
  EXPECT_TRUE(parsed->Has<Priority>());
  EXPECT_FALSE(parsed->Get<Priority>());  // ...but the value is not.
}

// --- Parse rejections ------------------------------------------------------------------------

TEST(ParseTest, RejectsEachStructuralError) {
  const Bytes good = ToBytes(rfc5769::kSampleRequest);
  auto reason = [](const Bytes& bytes) -> std::optional<ParseError> {
    ParseError error{};
    if (Parse(bytes, &error)) return std::nullopt;
    return error;
  };
  EXPECT_EQ(reason(good), std::nullopt);
  EXPECT_EQ(reason(Bytes(good.begin(), good.begin() + 19)), ParseError::kTooShort);
  EXPECT_EQ(reason({}), ParseError::kTooShort);

  Bytes top_bit = good;
  top_bit[0] |= 0x80;
  EXPECT_EQ(reason(top_bit), ParseError::kNotStun);
  Bytes second_bit = good;
  second_bit[0] |= 0x40;
  EXPECT_EQ(reason(second_bit), ParseError::kNotStun);

  Bytes cookie = good;
  cookie[7] ^= 0x01;
  EXPECT_EQ(reason(cookie), ParseError::kBadMagicCookie);

  Bytes odd_length = good;
  SetLength(odd_length, good.size() - kHeaderSize - 2);
  EXPECT_EQ(reason(odd_length), ParseError::kBadLength);

  Bytes long_length = good;
  SetLength(long_length, good.size() - kHeaderSize + 4);
  EXPECT_EQ(reason(long_length), ParseError::kLengthMismatch);
  Bytes trailing = good;
  trailing.insert(trailing.end(), {0, 0, 0, 0});
  EXPECT_EQ(reason(trailing), ParseError::kLengthMismatch);

  // SOFTWARE's length claims more than the message holds.
  Bytes overrun = good;
  overrun[22] = 0x01;
  EXPECT_EQ(reason(overrun), ParseError::kTruncatedAttribute);
  // The last attribute (FINGERPRINT, 4 bytes left) claims a 5-byte value.
  Bytes last = good;
  last[100 + 3] = 0x05;
  EXPECT_EQ(reason(last), ParseError::kTruncatedAttribute);
  // (Since the length is a multiple of 4, a value that fits always leaves room for its padding.)
}

TEST(ParseTest, RejectsMalformedIntegrityAttributes) {
  Message message(MessageClass::kRequest, Method::kBinding, TransactionId{});
  const Bytes base = message.Serialize();
  EXPECT_EQ(Parse(AppendAttribute(base, AttributeType::kMessageIntegrity, Bytes(16, 0))),
            std::nullopt);
  EXPECT_EQ(Parse(AppendAttribute(base, AttributeType::kFingerprint, Bytes(8, 0))), std::nullopt);
  for (size_t size = 0; size <= 36; ++size) {
    ParseError error{};
    const bool ok =
        Parse(AppendAttribute(base, AttributeType::kMessageIntegritySha256, Bytes(size, 0)), &error)
            .has_value();
    EXPECT_EQ(ok, size >= 16 && size <= 32 && size % 4 == 0) << size;
    if (!ok) {
      EXPECT_EQ(error, ParseError::kBadIntegrityAttribute);
    }
  }
}

// Every strict prefix of every vector fails cleanly (the length no longer matches).
TEST(ParseTest, EveryTruncatedPrefixFails) {
  for (const Bytes& vector : AllVectors()) {
    for (size_t size = 0; size < vector.size(); ++size) {
      EXPECT_FALSE(Parse(ByteView(vector.data(), size))) << size;
    }
    EXPECT_TRUE(Parse(vector));
  }
}

// Prefixes whose length field is patched to match: only the attribute bounds checks stand
// between them and an out-of-bounds read. Whatever parses must verify without crashing.
TEST(ParseTest, TruncatedPrefixesWithPatchedLengthNeverOverrun) {
  const auto short_term = IntegrityKey::ShortTerm(rfc5769::kShortTermPassword);
  const auto long_term = IntegrityKey::LongTerm(rfc5769::kLongTermUsername, rfc5769::kRealm,
                                                rfc5769::kLongTermPassword);
  for (size_t v = 0; v < AllVectors().size(); ++v) {
    const Bytes& vector = AllVectors()[v];
    const IntegrityKey& key = v == 3 ? long_term : short_term;
    size_t parsed_count = 0;
    for (size_t size = kHeaderSize; size < vector.size(); size += 4) {
      Bytes prefix(vector.begin(), vector.begin() + static_cast<std::ptrdiff_t>(size));
      SetLength(prefix, size - kHeaderSize);
      auto message = Parse(prefix);
      if (!message) continue;
      ++parsed_count;
      // Cutting off only what follows MESSAGE-INTEGRITY (the FINGERPRINT) leaves it valid: its
      // HMAC never covered the rest. Any shorter cut loses it.
      EXPECT_EQ(VerifyIntegrity(*message, key), message->message_integrity_offset()
                                                    ? IntegrityResult::kOk
                                                    : IntegrityResult::kMissing)
          << size;
      EXPECT_EQ(VerifyFingerprint(*message), IntegrityResult::kMissing) << size;
      EXPECT_TRUE(Parse(message->Serialize()));
    }
    EXPECT_GT(parsed_count, 0u);  // Cuts at attribute boundaries parse.
  }
}

TEST(ParseTest, RandomGarbageNeverCrashes) {
  SeededRandom random(0x5757);
  const auto key = IntegrityKey::ShortTerm("key");
  size_t parsed_count = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes data(random.Uniform(0, 120));
    random.Fill(data);
    if (i % 2 == 0 && data.size() >= kHeaderSize) {
      // Make the header plausible so the attribute walk is exercised.
      data[0] &= 0x3F;
      SetLength(data, (data.size() - kHeaderSize) & ~size_t{3});
      data.resize(kHeaderSize + ((data.size() - kHeaderSize) & ~size_t{3}));
      data[4] = 0x21;
      data[5] = 0x12;
      data[6] = 0xA4;
      data[7] = 0x42;
    }
    auto message = Parse(data);
    if (!message) continue;
    ++parsed_count;
    (void)VerifyIntegrity(*message, key);
    (void)VerifyFingerprint(*message);
    (void)message->UnknownComprehensionRequired();
    auto again = Parse(message->Serialize());
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->SameContent(*message));
  }
  EXPECT_GT(parsed_count, 100u);
}

// --- Integrity-related parsing (§14.5-§14.7) ----------------------------------------------------

TEST(ParseTest, AttributesAfterMessageIntegrityAreIgnored) {
  const auto key = IntegrityKey::ShortTerm("pw");
  Message message(MessageClass::kRequest, Method::kBinding, TransactionId{9});
  message.Add(Username{"a:b"});
  const Bytes signed_bytes = message.Serialize({.key = &key});
  const Bytes tampered = AppendAttribute(signed_bytes, AttributeType::kPriority, Bytes(4, 1));
  auto parsed = Parse(tampered);
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(parsed->Has<Priority>());
  EXPECT_EQ(parsed->ignored_attribute_count(), 1u);
  EXPECT_EQ(parsed->attributes().size(), 1u);
  // MESSAGE-INTEGRITY still verifies: its HMAC never covered the appended bytes.
  EXPECT_EQ(VerifyIntegrity(*parsed, key), IntegrityResult::kOk);
  // An unknown comprehension-required attribute after MI is ignored too (no 420).
  auto unknown = Parse(AppendAttribute(signed_bytes, static_cast<AttributeType>(0x7777), {}));
  ASSERT_TRUE(unknown);
  EXPECT_TRUE(unknown->UnknownComprehensionRequired().empty());
}

TEST(ParseTest, IntegritySha256AndFingerprintAfterMessageIntegrityCount) {
  const auto key = IntegrityKey::ShortTerm("pw");
  Message message(MessageClass::kRequest, Method::kBinding, TransactionId{9});
  message.Add(Username{"a:b"});
  const Bytes wire = message.Serialize({.key = &key,
                                        .message_integrity = true,
                                        .message_integrity_sha256 = true,
                                        .fingerprint = true});
  auto parsed = Parse(wire);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->integrity_attributes().size(), 3u);
  EXPECT_EQ(parsed->integrity_attributes()[0].type, AttributeType::kMessageIntegrity);
  EXPECT_EQ(parsed->integrity_attributes()[1].type, AttributeType::kMessageIntegritySha256);
  EXPECT_EQ(parsed->integrity_attributes()[2].type, AttributeType::kFingerprint);
  EXPECT_EQ(parsed->ignored_attribute_count(), 0u);
  EXPECT_EQ(VerifyMessageIntegrity(*parsed, key), IntegrityResult::kOk);
  EXPECT_EQ(VerifyMessageIntegritySha256(*parsed, key), IntegrityResult::kOk);
  EXPECT_EQ(VerifyFingerprint(*parsed), IntegrityResult::kOk);
}

TEST(ParseTest, NothingCountsAfterFingerprint) {
  Message message(MessageClass::kIndication, Method::kBinding, TransactionId{3});
  const Bytes wire = message.Serialize({.fingerprint = true});
  Bytes after = AppendAttribute(wire, AttributeType::kSoftware, Bytes{'x'});
  after = AppendAttribute(after, AttributeType::kMessageIntegrity, Bytes(20, 0));
  after = AppendAttribute(after, AttributeType::kFingerprint, Bytes(4, 0));
  auto parsed = Parse(after);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->attributes().empty());
  ASSERT_EQ(parsed->integrity_attributes().size(), 1u);
  EXPECT_EQ(parsed->ignored_attribute_count(), 3u);
  EXPECT_FALSE(parsed->message_integrity_offset());
  // The fingerprint was computed over the original message and still checks out.
  EXPECT_EQ(VerifyFingerprint(*parsed), IntegrityResult::kOk);
}

TEST(ParseTest, MessageIntegrityAfterSha256IsIgnored) {
  const auto key = IntegrityKey::ShortTerm("pw");
  Message message(MessageClass::kRequest, Method::kBinding, TransactionId{4});
  const Bytes wire = message.Serialize(
      {.key = &key, .message_integrity = false, .message_integrity_sha256 = true});
  auto parsed = Parse(AppendAttribute(wire, AttributeType::kMessageIntegrity, Bytes(20, 0)));
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(parsed->message_integrity_offset());
  EXPECT_EQ(parsed->ignored_attribute_count(), 1u);
  EXPECT_EQ(VerifyIntegrity(*parsed, key), IntegrityResult::kOk);
}

// --- Unknown attributes (§6.3.1) --------------------------------------------------------------

TEST(MessageTest, UnknownComprehensionRequiredAreListedOptionalIgnored) {
  Message message(MessageClass::kRequest, Method::kBinding, TransactionId{5});
  message
      .AddRaw(static_cast<AttributeType>(0x0777), {1})  // unknown, required
      .Add(Priority{1})
      .AddRaw(AttributeType::kGoogNetworkInfo, {0, 1, 0, 2})  // unknown, optional
      .AddRaw(static_cast<AttributeType>(0x7FFF), {})         // unknown, required
      .AddRaw(static_cast<AttributeType>(0x0777), {2})        // listed once
      .AddRaw(static_cast<AttributeType>(0x8001), {});        // known-ish optional
  auto parsed = Parse(message.Serialize());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->UnknownComprehensionRequired(),
            (std::vector<AttributeType>{static_cast<AttributeType>(0x0777),
                                        static_cast<AttributeType>(0x7FFF)}));
  // GOOG-NETWORK-INFO is kept raw and round-trips.
  ASSERT_NE(parsed->Find(AttributeType::kGoogNetworkInfo), nullptr);
  EXPECT_EQ(parsed->Find(AttributeType::kGoogNetworkInfo)->value, (Bytes{0, 1, 0, 2}));
  EXPECT_EQ(parsed->Serialize(), message.Serialize());

  const Message response =
      Message::UnknownAttributesResponse(*parsed, parsed->UnknownComprehensionRequired());
  auto wire = Parse(response.Serialize());
  ASSERT_TRUE(wire);
  EXPECT_TRUE(wire->is_error_response());
  EXPECT_EQ(wire->method(), Method::kBinding);
  EXPECT_EQ(wire->transaction_id(), message.transaction_id());
  EXPECT_EQ(wire->Get<ErrorCode>(), (ErrorCode{420, "Unknown Attribute"}));
  EXPECT_EQ(wire->Get<UnknownAttributes>()->types, parsed->UnknownComprehensionRequired());
}

TEST(MessageTest, OnlyOptionalUnknownsMeanNothingToReport) {
  Message message(MessageClass::kRequest, Method::kBinding, TransactionId{});
  message.AddRaw(AttributeType::kGoogNetworkInfo, {})
      .AddRaw(static_cast<AttributeType>(0xFFFF), {});
  EXPECT_TRUE(message.UnknownComprehensionRequired().empty());
}

// --- Integrity and fingerprint on the wire ----------------------------------------------------

TEST(IntegrityWireTest, AnyTamperedByteFailsIntegrityAndFingerprint) {
  const auto key = IntegrityKey::ShortTerm(rfc5769::kShortTermPassword);
  const Bytes good = ToBytes(rfc5769::kSampleRequest);
  const size_t mi_offset = 76;
  for (size_t i = 0; i < good.size(); ++i) {
    for (uint8_t bit : {0x01, 0x10, 0x80}) {
      Bytes bad = good;
      bad[i] ^= bit;
      auto message = Parse(bad);
      if (!message) continue;
      if (i < mi_offset + 24) {
        EXPECT_NE(VerifyIntegrity(*message, key), IntegrityResult::kOk) << i;
      }
      EXPECT_NE(VerifyFingerprint(*message), IntegrityResult::kOk) << i;
    }
  }
}

TEST(IntegrityWireTest, WrongKeyFails) {
  SeededRandom random(3);
  Message message = SampleMessage(random);
  const auto key = IntegrityKey::LongTerm("user", "realm", "pass");
  auto parsed = Parse(message.Serialize({.key = &key, .fingerprint = true}));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(VerifyIntegrity(*parsed, key), IntegrityResult::kOk);
  EXPECT_EQ(VerifyIntegrity(*parsed, IntegrityKey::LongTerm("user", "realm", "Pass")),
            IntegrityResult::kMismatch);
  EXPECT_EQ(VerifyIntegrity(*parsed, IntegrityKey::ShortTerm("pass")), IntegrityResult::kMismatch);
  EXPECT_EQ(VerifyIntegrity(*parsed, IntegrityKey()), IntegrityResult::kMismatch);
}

TEST(IntegrityWireTest, Sha256TruncationsVerify) {
  const auto key = IntegrityKey::LongTerm("user", "realm", "pass", PasswordAlgorithm::kSha256);
  Message message(MessageClass::kRequest, Method::kRefresh, TransactionId{7, 7});
  message.Add(Lifetime{0});
  for (size_t size = 16; size <= 32; size += 4) {
    auto parsed = Parse(message.Serialize({.key = &key,
                                           .message_integrity = false,
                                           .message_integrity_sha256 = true,
                                           .sha256_size = size}));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->Get<MessageIntegritySha256>()->hmac.size(), size);
    EXPECT_EQ(VerifyIntegrity(*parsed, key), IntegrityResult::kOk) << size;
    EXPECT_EQ(VerifyMessageIntegrity(*parsed, key), IntegrityResult::kMissing);
    EXPECT_EQ(VerifyIntegrity(*parsed, IntegrityKey::ShortTerm("x")), IntegrityResult::kMismatch);
  }
}

TEST(IntegrityWireTest, Sha256IsPreferredWhenBothArePresent) {
  const auto key = IntegrityKey::ShortTerm("right");
  Message message(MessageClass::kRequest, Method::kBinding, TransactionId{});
  Bytes wire =
      message.Serialize({.key = &key, .message_integrity = true, .message_integrity_sha256 = true});
  // Corrupt MESSAGE-INTEGRITY-SHA256's last byte (covered by nothing): SHA-1 still passes.
  wire.back() ^= 0xFF;
  auto parsed = Parse(wire);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(VerifyMessageIntegrity(*parsed, key), IntegrityResult::kOk);
  EXPECT_EQ(VerifyIntegrity(*parsed, key), IntegrityResult::kMismatch);
}

TEST(IntegrityWireTest, MissingAttributesAndInMemoryMessages) {
  Message message(MessageClass::kRequest, Method::kBinding, TransactionId{});
  const auto key = IntegrityKey::ShortTerm("k");
  EXPECT_EQ(VerifyIntegrity(message, key), IntegrityResult::kMissing);  // Never parsed.
  EXPECT_EQ(VerifyFingerprint(message), IntegrityResult::kMissing);
  auto parsed = Parse(message.Serialize());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(VerifyIntegrity(*parsed, key), IntegrityResult::kMissing);
  EXPECT_EQ(VerifyFingerprint(*parsed), IntegrityResult::kMissing);
  EXPECT_EQ(VerifyIntegrity(ByteView(), key), IntegrityResult::kMissing);
  EXPECT_EQ(VerifyFingerprint(ByteView()), IntegrityResult::kMissing);
}

// --- Demultiplexing helpers --------------------------------------------------------------------

TEST(IsStunTest, RecognisesStunAndRejectsOthers) {
  for (const Bytes& vector : AllVectors())
    EXPECT_TRUE(IsStun(vector));
  Bytes rtp = ToBytes(rfc5769::kSampleRequest);
  rtp[0] = 0x80;  // RTP/RTCP: 128..191 (RFC 7983).
  EXPECT_FALSE(IsStun(rtp));
  Bytes dtls = ToBytes(rfc5769::kSampleRequest);
  dtls[0] = 22;  // DTLS handshake: 20..63.
  EXPECT_FALSE(IsStun(dtls));
  Bytes no_cookie = ToBytes(rfc5769::kSampleRequest);
  no_cookie[5] = 0;
  EXPECT_FALSE(IsStun(no_cookie));
  EXPECT_FALSE(IsStun(ByteView(rfc5769::kSampleRequest).first(19)));
  EXPECT_FALSE(IsStun(ByteView()));
}

TEST(MessageSizeFromHeaderTest, ReadsLengthForStreamFraming) {
  EXPECT_EQ(MessageSizeFromHeader(rfc5769::kSampleRequest), 108u);
  EXPECT_EQ(MessageSizeFromHeader(ByteView(rfc5769::kSampleRequest).first(20)), 108u);
  EXPECT_EQ(MessageSizeFromHeader(ByteView(rfc5769::kSampleRequest).first(19)), std::nullopt);
  Bytes bad = ToBytes(rfc5769::kSampleRequest);
  SetLength(bad, 3);
  EXPECT_EQ(MessageSizeFromHeader(bad), std::nullopt);
}

TEST(MessageDeathTest, IntegrityAttributesCannotBeAddedRaw) {
  Message message(MessageClass::kRequest, Method::kBinding, TransactionId{});
  EXPECT_DEATH(message.AddRaw(AttributeType::kFingerprint, Bytes(4)), "Serialize");
  EXPECT_DEATH(message.AddRaw(AttributeType::kData, Bytes(70000)), "65535");
}

}  // namespace
}  // namespace parley::stun
