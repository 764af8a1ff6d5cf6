// Session (libsrtp) against an independent OpenSSL reference written from the RFCs
// (reference_srtp.h). The reference is first pinned to the RFCs' own vectors: RFC 3711
// Appendix B.3 (key derivation) and RFC 7714 §16.1.1 / §17.2 (AEAD_AES_128_GCM SRTP,
// AEAD_AES_256_GCM SRTCP, which start from session keys, so libsrtp cannot take them directly).
// Then, for every profile, what a Session sends must equal the reference's bytes for keys
// derived from the same master key, across a rollover, and the peer Session must accept the
// reference's packets.
#include <gtest/gtest.h>

#include "srtp/reference_srtp.h"
#include "srtp/session.h"
#include "srtp/test_packets.h"

namespace parley::srtp {
namespace {

using reference::DeriveKey;
using reference::FromHex;
using reference::Label;

TEST(ReferenceTest, Rfc3711AppendixB3KeyDerivation) {
  const Bytes master_key = FromHex("E1F97A0D3E018BE0D64FA32C06DE4139");
  const Bytes master_salt = FromHex("0EC675AD498AFEEBB6960B3AABE6");
  EXPECT_EQ(DeriveKey(master_key, master_salt, Label::kRtpEncryption, 16),
            FromHex("C61E7A93744F39EE10734AFE3FF7A087"));
  EXPECT_EQ(DeriveKey(master_key, master_salt, Label::kRtpSalt, 14),
            FromHex("30CBBC08863D8C85D49DB34A9AE1"));
  EXPECT_EQ(DeriveKey(master_key, master_salt, Label::kRtpAuthentication, 20),
            FromHex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"));
}

const char kRfc7714Salt[] = "517569642070726f2071756f";  // "Quid pro quo"

TEST(ReferenceTest, Rfc7714Section16_1_1Srtp) {
  const Bytes rtp = FromHex(
      "8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976 69736120 "
      "696e2070 61727465 73207472 6573");
  const Bytes expected = FromHex(
      "8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f "
      "42a5f47a 51c7d19b 36de3adf 8833 899d7f27 beb16a91 52cf765e e4390cce");
  EXPECT_EQ(reference::ProtectRtpGcm(FromHex("000102030405060708090a0b0c0d0e0f"),
                                     FromHex(kRfc7714Salt), rtp, /*roc=*/0),
            expected);
}

TEST(ReferenceTest, Rfc7714Section17_2Srtcp) {
  const Bytes rtcp = FromHex(
      "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef "
      "deadbeef deadbeef deadbeef deadbeef");
  const Bytes expected = FromHex(
      "81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28 2c3ece5d bffe0a50 a2eaa5c1 "
      "110555be 8415f658 c61de047 6f1b6fad 1d1eb30c 4446839f 57ff6f6c b26ac3be 800005d4");
  EXPECT_EQ(reference::ProtectRtcpGcm(
                FromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
                FromHex(kRfc7714Salt), rtcp, /*index=*/0x5d4),
            expected);
}

// What the reference sends with `key` for this profile.
struct ReferenceSender {
  Profile profile;
  MasterKey key;

  Bytes Rtp(ByteView rtp, uint32_t roc) const {
    const ProfileParams& p = ParamsOf(profile);
    const Bytes k = DeriveKey(key.key, key.salt, Label::kRtpEncryption, p.master_key_length);
    const Bytes s = DeriveKey(key.key, key.salt, Label::kRtpSalt, p.master_salt_length);
    if (profile == Profile::kAeadAes128Gcm || profile == Profile::kAeadAes256Gcm) {
      return reference::ProtectRtpGcm(k, s, rtp, roc);
    }
    const Bytes a = DeriveKey(key.key, key.salt, Label::kRtpAuthentication, 20);
    return reference::ProtectRtpAesCm(k, s, a, p.rtp_auth_tag_length, rtp, roc);
  }

  Bytes Rtcp(ByteView rtcp, uint32_t index) const {
    const ProfileParams& p = ParamsOf(profile);
    const Bytes k = DeriveKey(key.key, key.salt, Label::kRtcpEncryption, p.master_key_length);
    const Bytes s = DeriveKey(key.key, key.salt, Label::kRtcpSalt, p.master_salt_length);
    if (profile == Profile::kAeadAes128Gcm || profile == Profile::kAeadAes256Gcm) {
      return reference::ProtectRtcpGcm(k, s, rtcp, index);
    }
    const Bytes a = DeriveKey(key.key, key.salt, Label::kRtcpAuthentication, 20);
    return reference::ProtectRtcpAesCm(k, s, a, rtcp, index);
  }
};

class SessionVsReferenceTest : public ::testing::TestWithParam<Profile> {};

TEST_P(SessionVsReferenceTest, SrtpMatchesAcrossTheRollover) {
  const SessionKeys keys = testing::KeysFor(GetParam(), 42);
  auto pair = testing::MakePair(keys);
  const ReferenceSender client{GetParam(), keys.client};
  uint32_t roc = 0;
  for (uint16_t seq :
       {uint16_t{65533}, uint16_t{65534}, uint16_t{65535}, uint16_t{0}, uint16_t{1}, uint16_t{7}}) {
    if (seq == 0) roc = 1;
    const Bytes plain = testing::RtpPacket(seq, 0x5501a0b2, 37);
    Bytes packet = plain;
    ASSERT_TRUE(pair.client.ProtectRtp(packet).ok());
    EXPECT_EQ(packet, client.Rtp(plain, roc)) << "seq " << seq;
  }
}

TEST_P(SessionVsReferenceTest, SrtcpMatches) {
  const SessionKeys keys = testing::KeysFor(GetParam(), 43);
  auto pair = testing::MakePair(keys);
  const ReferenceSender client{GetParam(), keys.client};
  for (uint32_t index = 1; index <= 3; ++index) {  // libsrtp's first SRTCP index is 1
    const Bytes plain = testing::RtcpPacket(0x4d617273, index);
    Bytes packet = plain;
    ASSERT_TRUE(pair.client.ProtectRtcp(packet).ok());
    EXPECT_EQ(packet, client.Rtcp(plain, index)) << "index " << index;
  }
}

// The other way: the Session accepts what the reference sends as the DTLS server.
TEST_P(SessionVsReferenceTest, SessionUnprotectsTheReference) {
  const SessionKeys keys = testing::KeysFor(GetParam(), 44);
  auto pair = testing::MakePair(keys);
  const ReferenceSender server{GetParam(), keys.server};
  const Bytes rtp = testing::RtpPacket(1234, 0xdecafbad, 100);
  Bytes packet = server.Rtp(rtp, 0);
  ASSERT_EQ(pair.client.UnprotectRtp(packet), UnprotectStatus::kOk);
  EXPECT_EQ(packet, rtp);
  const Bytes rtcp = testing::RtcpPacket(0xdecafbad);
  packet = server.Rtcp(rtcp, 0x5d4);
  ASSERT_EQ(pair.client.UnprotectRtcp(packet), UnprotectStatus::kOk);
  EXPECT_EQ(packet, rtcp);
}

INSTANTIATE_TEST_SUITE_P(Profiles, SessionVsReferenceTest,
                         ::testing::ValuesIn(testing::kAllProfiles),
                         [](const auto& info) { return testing::ProfileName(info.param); });

}  // namespace
}  // namespace parley::srtp
