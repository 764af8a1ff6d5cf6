// Known-answer tests, both ways: protecting the plaintext gives exactly the reference bytes, and
// unprotecting the reference bytes gives exactly the plaintext.
//
// Vectors: libsrtp 2.5.0 test/srtp_driver.c, srtp_validate() (AES-CM-128/HMAC-SHA1-80, SSRC
// 0xcafebabe, seq 0x1234, first SRTCP index 1; its master key and salt are those of RFC 3711
// Appendix B.3) and srtp_validate_gcm() (AEAD_AES_128_GCM). Other implementations (e.g. Pion)
// check against the same bytes. RFC 7714 §16-17's GCM vectors start from session keys rather
// than master keys, which libsrtp cannot take; rfc_reference_test.cc covers them through an
// independent reference implementation.
#include <gtest/gtest.h>

#include "srtp/session.h"
#include "srtp/test_packets.h"

namespace parley::srtp {
namespace {

// clang-format off
const Bytes kRtpPlaintext = {
    0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe,
    0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
    0xab, 0xab, 0xab, 0xab};
const Bytes kRtcpPlaintext = {
    0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe,
    0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
    0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab};

// RFC 3711 Appendix B.3 master key and salt.
const MasterKey kCmKey = {
    {0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0,
     0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39},
    {0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6}};
const Bytes kCmSrtp = {
    0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe,
    0x4e, 0x55, 0xdc, 0x4c, 0xe7, 0x99, 0x78, 0xd8, 0x8c, 0xa4, 0xd2, 0x15,
    0x94, 0x9d, 0x24, 0x02,
    0xb7, 0x8d, 0x6a, 0xcc, 0x99, 0xea, 0x17, 0x9b, 0x8d, 0xbb};  // 80-bit tag
const Bytes kCmSrtcp = {
    0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe,
    0x71, 0x28, 0x03, 0x5b, 0xe4, 0x87, 0xb9, 0xbd, 0xbe, 0xf8, 0x90, 0x41,
    0xf9, 0x77, 0xa5, 0xa8,
    0x80, 0x00, 0x00, 0x01,                                       // E=1, index 1
    0x99, 0x3e, 0x08, 0xcd, 0x54, 0xd6, 0xc1, 0x23, 0x07, 0x98};  // 80-bit tag

const MasterKey kGcmKey = {
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
     0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f},
    {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab}};
const Bytes kGcmSrtp = {
    0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe,
    0xc5, 0x00, 0x2e, 0xde, 0x04, 0xcf, 0xdd, 0x2e, 0xb9, 0x11, 0x59, 0xe0,
    0x88, 0x0a, 0xa0, 0x6e,
    0xd2, 0x97, 0x68, 0x26, 0xf7, 0x96, 0xb2, 0x01,   // 128-bit tag
    0xdf, 0x31, 0x31, 0xa1, 0x27, 0xe8, 0xa3, 0x92};
const Bytes kGcmSrtcp = {
    0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe,
    0xc9, 0x8b, 0x8b, 0x5d, 0xf0, 0x39, 0x2a, 0x55, 0x85, 0x2b, 0x6c, 0x21,
    0xac, 0x8e, 0x70, 0x25,
    0xc5, 0x2c, 0x6f, 0xbe, 0xa2, 0xb3, 0xb4, 0x46,   // 128-bit tag
    0xea, 0x31, 0x12, 0x3b, 0xa8, 0x8c, 0xe6, 0x1e,
    0x80, 0x00, 0x00, 0x01};                          // E=1, index 1 (RFC 7714 §9.3)
// clang-format on

MasterKey OtherKey(const MasterKey& key) {
  MasterKey other = key;
  for (uint8_t& byte : other.key)
    byte ^= 0x5a;
  return other;
}

struct Vector {
  const char* name;
  Profile profile;
  const MasterKey* key;
  const Bytes* srtp;
  const Bytes* srtcp;
  friend void PrintTo(const Vector& v, std::ostream* os) { *os << v.name; }
};

const Vector kVectors[] = {
    {"AesCm128HmacSha1_80", Profile::kAes128CmSha1_80, &kCmKey, &kCmSrtp, &kCmSrtcp},
    {"AeadAes128Gcm", Profile::kAeadAes128Gcm, &kGcmKey, &kGcmSrtp, &kGcmSrtcp},
};

class KnownAnswerTest : public ::testing::TestWithParam<Vector> {};

// The vector's key is one side's write key: that side protects to the vector, the other side
// unprotects it. Checks both roles, so the direction of each key is pinned too.
TEST_P(KnownAnswerTest, ProtectGivesTheVectorBytes) {
  const Vector& v = GetParam();
  for (bool vector_key_is_client : {true, false}) {
    SCOPED_TRACE(vector_key_is_client ? "client key" : "server key");
    SessionKeys keys;
    keys.profile = v.profile;
    keys.client = vector_key_is_client ? *v.key : OtherKey(*v.key);
    keys.server = vector_key_is_client ? OtherKey(*v.key) : *v.key;
    auto sender = Session::Create(keys, /*local_is_client=*/vector_key_is_client);
    ASSERT_TRUE(sender.ok()) << sender.error();

    Bytes rtp = kRtpPlaintext;
    ASSERT_TRUE(sender->ProtectRtp(rtp).ok());
    EXPECT_EQ(rtp, *v.srtp);
    Bytes rtcp = kRtcpPlaintext;
    ASSERT_TRUE(sender->ProtectRtcp(rtcp).ok());
    EXPECT_EQ(rtcp, *v.srtcp);
  }
}

TEST_P(KnownAnswerTest, UnprotectGivesThePlaintext) {
  const Vector& v = GetParam();
  for (bool vector_key_is_client : {true, false}) {
    SCOPED_TRACE(vector_key_is_client ? "client key" : "server key");
    SessionKeys keys;
    keys.profile = v.profile;
    keys.client = vector_key_is_client ? *v.key : OtherKey(*v.key);
    keys.server = vector_key_is_client ? OtherKey(*v.key) : *v.key;
    auto receiver = Session::Create(keys, /*local_is_client=*/!vector_key_is_client);
    ASSERT_TRUE(receiver.ok()) << receiver.error();

    Bytes srtp = *v.srtp;
    ASSERT_EQ(receiver->UnprotectRtp(srtp), UnprotectStatus::kOk);
    EXPECT_EQ(srtp, kRtpPlaintext);
    Bytes srtcp = *v.srtcp;
    ASSERT_EQ(receiver->UnprotectRtcp(srtcp), UnprotectStatus::kOk);
    EXPECT_EQ(srtcp, kRtcpPlaintext);
    EXPECT_EQ(receiver->stats().rtp_unprotected, 1u);
    EXPECT_EQ(receiver->stats().rtcp_unprotected, 1u);
  }
}

// The sender's own keys do not open its packets: each direction has its own key.
TEST_P(KnownAnswerTest, SendersOwnSessionCannotUnprotect) {
  const Vector& v = GetParam();
  SessionKeys keys;
  keys.profile = v.profile;
  keys.client = *v.key;
  keys.server = OtherKey(*v.key);
  auto sender = Session::Create(keys, /*local_is_client=*/true);
  ASSERT_TRUE(sender.ok());
  Bytes srtp = *v.srtp;
  EXPECT_EQ(sender->UnprotectRtp(srtp), UnprotectStatus::kAuthenticationFailed);
}

INSTANTIATE_TEST_SUITE_P(Vectors, KnownAnswerTest, ::testing::ValuesIn(kVectors),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace parley::srtp
