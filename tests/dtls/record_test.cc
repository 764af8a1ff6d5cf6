// The DTLS record reader (RFC 6347 §4.1, §4.2.2): byte fixtures in both directions, every
// truncation of a valid datagram, and each kind of malformed header.
#include "dtls/record.h"

#include <gtest/gtest.h>

namespace parley::dtls {
namespace {

// A ClientHello-like handshake record (epoch 0, DTLS 1.0 record version as in a ClientHello)
// followed by an encrypted application data record (epoch 1), by hand.
const Bytes kTwoRecords = {
    // type=22 version=FEFF epoch=0 seq=0x000000000001 length=16
    0x16, 0xFE, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x10,
    // msg_type=1 length=4 message_seq=0 fragment_offset=0 fragment_length=4 body=FEFD0102
    0x01, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xFE, 0xFD, 0x01, 0x02,
    // type=23 version=FEFD epoch=1 seq=0x0102030405 06 length=3
    0x17, 0xFE, 0xFD, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x00, 0x03, 0xAA, 0xBB, 0xCC};

TEST(RecordTest, ParsesHandBuiltRecords) {
  auto records = ParseRecords(kTwoRecords);
  ASSERT_TRUE(records.has_value());
  ASSERT_EQ(records->size(), 2u);
  const RecordView& hello = (*records)[0];
  EXPECT_EQ(hello.type, ContentType::kHandshake);
  EXPECT_EQ(hello.version, kDtls10Version);
  EXPECT_EQ(hello.epoch, 0);
  EXPECT_EQ(hello.sequence_number, 1u);
  EXPECT_EQ(hello.fragment.size(), 16u);
  const RecordView& data = (*records)[1];
  EXPECT_EQ(data.type, ContentType::kApplicationData);
  EXPECT_EQ(data.version, kDtls12Version);
  EXPECT_EQ(data.epoch, 1);
  EXPECT_EQ(data.sequence_number, 0x010203040506u);
  EXPECT_EQ(Bytes(data.fragment.begin(), data.fragment.end()), (Bytes{0xAA, 0xBB, 0xCC}));

  auto fragments = ParseHandshakeFragments(hello.fragment);
  ASSERT_TRUE(fragments.has_value());
  ASSERT_EQ(fragments->size(), 1u);
  EXPECT_EQ((*fragments)[0].msg_type, static_cast<uint8_t>(HandshakeType::kClientHello));
  EXPECT_EQ((*fragments)[0].length, 4u);
  EXPECT_EQ((*fragments)[0].message_seq, 0);
  EXPECT_EQ((*fragments)[0].fragment_offset, 0u);
  EXPECT_EQ((*fragments)[0].fragment_length, 4u);
}

TEST(RecordTest, WritesTheSameBytes) {
  const Bytes body = {0xFE, 0xFD, 0x01, 0x02};
  ByteWriter handshake;
  WriteHandshakeFragment(handshake, {.msg_type = 1,
                                     .length = 4,
                                     .message_seq = 0,
                                     .fragment_offset = 0,
                                     .fragment_length = 4,
                                     .body = body});
  const Bytes hello = std::move(handshake).Take();
  const Bytes data = {0xAA, 0xBB, 0xCC};
  ByteWriter out;
  WriteRecord(out, {.type = ContentType::kHandshake,
                    .version = kDtls10Version,
                    .epoch = 0,
                    .sequence_number = 1,
                    .fragment = hello});
  WriteRecord(out, {.type = ContentType::kApplicationData,
                    .version = kDtls12Version,
                    .epoch = 1,
                    .sequence_number = 0x010203040506,
                    .fragment = data});
  EXPECT_EQ(std::move(out).Take(), kTwoRecords);
}

TEST(RecordTest, SequenceNumberIsTruncatedTo48Bits) {
  ByteWriter out;
  WriteRecord(out, {.type = ContentType::kAlert,
                    .version = kDtls12Version,
                    .epoch = 2,
                    .sequence_number = 0xFFFF'0000'0000'0007ull,
                    .fragment = {}});
  const Bytes bytes = std::move(out).Take();
  auto records = ParseRecords(bytes);
  ASSERT_TRUE(records.has_value());
  EXPECT_EQ((*records)[0].sequence_number, 7u);
  EXPECT_TRUE((*records)[0].fragment.empty());
}

TEST(RecordTest, EveryTruncationIsRejectedExceptAtARecordBoundary) {
  for (size_t length = 0; length < kTwoRecords.size(); ++length) {
    auto records = ParseRecords(ByteView(kTwoRecords).first(length));
    if (length == 29) {  // Exactly the first record.
      ASSERT_TRUE(records.has_value());
      EXPECT_EQ(records->size(), 1u);
    } else {
      EXPECT_FALSE(records.has_value()) << length;
    }
  }
  EXPECT_TRUE(ParseRecords(kTwoRecords).has_value());
}

TEST(RecordTest, RejectsUnknownTypesVersionsAndOversizeLengths) {
  for (uint8_t type : {0, 19, 24, 25, 63, 255}) {
    Bytes bad = kTwoRecords;
    bad[0] = type;
    EXPECT_FALSE(ParseRecords(bad).has_value()) << int{type};
  }
  for (uint8_t type : {20, 21, 22, 23}) {
    Bytes good = kTwoRecords;
    good[0] = type;
    EXPECT_TRUE(ParseRecords(good).has_value()) << int{type};
  }
  for (uint16_t version : {0x0303, 0xFEFC, 0xFEFE, 0x0000}) {
    Bytes bad = kTwoRecords;
    bad[1] = static_cast<uint8_t>(version >> 8);
    bad[2] = static_cast<uint8_t>(version);
    EXPECT_FALSE(ParseRecords(bad).has_value()) << version;
  }
  // A length above 2^14 + 2048, even with the bytes present.
  Bytes big(kRecordHeaderLength + kMaxRecordFragmentLength + 1, 0);
  big[0] = 23;
  big[1] = 0xFE;
  big[2] = 0xFD;
  big[11] = static_cast<uint8_t>((kMaxRecordFragmentLength + 1) >> 8);
  big[12] = static_cast<uint8_t>(kMaxRecordFragmentLength + 1);
  EXPECT_FALSE(ParseRecords(big).has_value());
  big.pop_back();
  big[11] = static_cast<uint8_t>(kMaxRecordFragmentLength >> 8);
  big[12] = static_cast<uint8_t>(kMaxRecordFragmentLength);
  EXPECT_TRUE(ParseRecords(big).has_value());
  EXPECT_FALSE(ParseRecords({}).has_value());
}

TEST(RecordTest, LooksLikeDtlsFollowsRfc7983) {
  EXPECT_FALSE(LooksLikeDtls({}));
  EXPECT_FALSE(LooksLikeDtls(Bytes{19}));
  EXPECT_TRUE(LooksLikeDtls(Bytes{20}));
  EXPECT_TRUE(LooksLikeDtls(Bytes{63}));
  EXPECT_FALSE(LooksLikeDtls(Bytes{64}));
  EXPECT_FALSE(LooksLikeDtls(Bytes{0x00, 0x01}));  // STUN
  EXPECT_FALSE(LooksLikeDtls(Bytes{0x80}));        // RTP
}

TEST(RecordTest, SeveralHandshakeFragmentsInOneRecord) {
  const Bytes a = {1, 2, 3};
  const Bytes b = {4, 5};
  ByteWriter out;
  // Two fragments of one 5-byte message: [0, 3) and [3, 5).
  WriteHandshakeFragment(out, {.msg_type = 11, .length = 5, .fragment_offset = 0, .body = a});
  WriteHandshakeFragment(out, {.msg_type = 11, .length = 5, .fragment_offset = 3, .body = b});
  const Bytes bytes = std::move(out).Take();
  auto fragments = ParseHandshakeFragments(bytes);
  ASSERT_TRUE(fragments.has_value());
  ASSERT_EQ(fragments->size(), 2u);
  EXPECT_EQ((*fragments)[1].fragment_offset, 3u);
  EXPECT_EQ((*fragments)[1].fragment_length, 2u);
  for (size_t length = 0; length < bytes.size(); ++length) {
    auto truncated = ParseHandshakeFragments(ByteView(bytes).first(length));
    EXPECT_EQ(truncated.has_value(), length == 15) << length;
  }
}

TEST(RecordTest, HandshakeFragmentMustLieWithinItsMessage) {
  const Bytes body = {1, 2, 3};
  ByteWriter out;
  WriteHandshakeFragment(out, {.msg_type = 11, .length = 4, .fragment_offset = 2, .body = body});
  EXPECT_FALSE(ParseHandshakeFragments(std::move(out).Take()).has_value());
  EXPECT_FALSE(ParseHandshakeFragments({}).has_value());
}

}  // namespace
}  // namespace parley::dtls
