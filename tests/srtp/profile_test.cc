// DTLS-SRTP profiles and the RFC 5764 §4.2 split of the exported keying material, with byte
// fixtures for each profile.
#include <gtest/gtest.h>

#include <numeric>

#include "srtp/profile.h"
#include "srtp/test_packets.h"

namespace parley::srtp {
namespace {

using testing::kAllProfiles;

// 0, 1, 2, ...: every byte says where it came from.
Bytes Counting(size_t size) {
  Bytes bytes(size);
  std::iota(bytes.begin(), bytes.end(), uint8_t{0});
  return bytes;
}

Bytes Range(uint8_t first, size_t size) {
  Bytes bytes(size);
  std::iota(bytes.begin(), bytes.end(), first);
  return bytes;
}

TEST(ProfileTest, KeyingMaterialLengths) {
  EXPECT_EQ(KeyingMaterialLength(Profile::kAes128CmSha1_80), 60u);  // 2 * (16 + 14)
  EXPECT_EQ(KeyingMaterialLength(Profile::kAes128CmSha1_32), 60u);
  EXPECT_EQ(KeyingMaterialLength(Profile::kAeadAes128Gcm), 56u);  // 2 * (16 + 12)
  EXPECT_EQ(KeyingMaterialLength(Profile::kAeadAes256Gcm), 88u);  // 2 * (32 + 12)
}

TEST(ProfileTest, IdsAndNamesRoundTrip) {
  for (Profile profile : kAllProfiles) {
    EXPECT_EQ(ProfileFromId(static_cast<uint16_t>(profile)), profile);
    EXPECT_EQ(ProfileFromName(ToString(profile)), profile);
  }
  EXPECT_EQ(ProfileFromId(0x0007), Profile::kAeadAes128Gcm);
  EXPECT_EQ(ProfileFromName("SRTP_AES128_CM_SHA1_80"), Profile::kAes128CmSha1_80);
  EXPECT_FALSE(ProfileFromId(0x0003));  // SRTP_NULL_HMAC_SHA1_80: never offered
  EXPECT_FALSE(ProfileFromName("SRTP_NULL_SHA1_80"));
}

// RFC 5764 §4.2: client key | server key | client salt | server salt.
TEST(ProfileTest, SplitAes128CmSha1_80) {
  auto keys = SplitKeyingMaterial(Profile::kAes128CmSha1_80, Counting(60));
  ASSERT_TRUE(keys.ok()) << keys.error();
  EXPECT_EQ(keys->profile, Profile::kAes128CmSha1_80);
  EXPECT_EQ(keys->client.key, Range(0, 16));
  EXPECT_EQ(keys->server.key, Range(16, 16));
  EXPECT_EQ(keys->client.salt, Range(32, 14));
  EXPECT_EQ(keys->server.salt, Range(46, 14));
}

TEST(ProfileTest, SplitAes128CmSha1_32) {
  auto keys = SplitKeyingMaterial(Profile::kAes128CmSha1_32, Counting(60));
  ASSERT_TRUE(keys.ok()) << keys.error();
  EXPECT_EQ(keys->profile, Profile::kAes128CmSha1_32);
  EXPECT_EQ(keys->client.key, Range(0, 16));
  EXPECT_EQ(keys->server.key, Range(16, 16));
  EXPECT_EQ(keys->client.salt, Range(32, 14));
  EXPECT_EQ(keys->server.salt, Range(46, 14));
}

TEST(ProfileTest, SplitAeadAes128Gcm) {
  auto keys = SplitKeyingMaterial(Profile::kAeadAes128Gcm, Counting(56));
  ASSERT_TRUE(keys.ok()) << keys.error();
  EXPECT_EQ(keys->profile, Profile::kAeadAes128Gcm);
  EXPECT_EQ(keys->client.key, Range(0, 16));
  EXPECT_EQ(keys->server.key, Range(16, 16));
  EXPECT_EQ(keys->client.salt, Range(32, 12));
  EXPECT_EQ(keys->server.salt, Range(44, 12));
}

TEST(ProfileTest, SplitAeadAes256Gcm) {
  auto keys = SplitKeyingMaterial(Profile::kAeadAes256Gcm, Counting(88));
  ASSERT_TRUE(keys.ok()) << keys.error();
  EXPECT_EQ(keys->profile, Profile::kAeadAes256Gcm);
  EXPECT_EQ(keys->client.key, Range(0, 32));
  EXPECT_EQ(keys->server.key, Range(32, 32));
  EXPECT_EQ(keys->client.salt, Range(64, 12));
  EXPECT_EQ(keys->server.salt, Range(76, 12));
}

// Both sides split the same material the same way; which half a side sends with is decided by
// its DTLS role, so a client/server pair built from one split talks in both directions while
// two "clients" cannot.
TEST(ProfileTest, SplitKeysDriveBothRoles) {
  for (Profile profile : kAllProfiles) {
    SCOPED_TRACE(ToString(profile));
    auto keys = SplitKeyingMaterial(profile, Counting(KeyingMaterialLength(profile)));
    ASSERT_TRUE(keys.ok());
    auto pair = testing::MakePair(*keys);
    auto wrong_role = Session::Create(*keys, /*local_is_client=*/true);
    ASSERT_TRUE(wrong_role.ok());

    auto from_client = pair.client.ProtectRtp(ByteView(testing::RtpPacket(1, 0x1234)));
    ASSERT_TRUE(from_client.ok());
    EXPECT_TRUE(pair.server.UnprotectRtp(ByteView(*from_client)));
    EXPECT_FALSE(wrong_role->UnprotectRtp(ByteView(*from_client)));

    auto from_server = pair.server.ProtectRtp(ByteView(testing::RtpPacket(1, 0x5678)));
    ASSERT_TRUE(from_server.ok());
    EXPECT_TRUE(pair.client.UnprotectRtp(ByteView(*from_server)));
  }
}

TEST(ProfileTest, SplitRejectsWrongLength) {
  for (Profile profile : kAllProfiles) {
    const size_t length = KeyingMaterialLength(profile);
    for (size_t wrong : {size_t{0}, length - 1, length + 1, 2 * length}) {
      auto keys = SplitKeyingMaterial(profile, Counting(wrong));
      ASSERT_FALSE(keys.ok()) << ToString(profile) << " accepted " << wrong << " bytes";
      EXPECT_EQ(keys.error().kind(), ErrorKind::kInvalidAccessError);
    }
  }
  // 60 bytes is right for AES-CM but not for AES-128-GCM.
  EXPECT_FALSE(SplitKeyingMaterial(Profile::kAeadAes128Gcm, Counting(60)).ok());
}

}  // namespace
}  // namespace parley::srtp
