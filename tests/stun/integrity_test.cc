#include "stun/integrity.h"

#include <gtest/gtest.h>

#include <string_view>

namespace parley::stun {
namespace {

ByteView Ascii(std::string_view text) {
  return ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

template <size_t N>
Bytes ToBytes(const std::array<uint8_t, N>& array) {
  return Bytes(array.begin(), array.end());
}

Bytes FromHex(std::string_view hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// RFC 2202 §3 test case 1 and RFC 4231 §4.2 test case 1.
TEST(HmacTest, MatchesPublishedVectors) {
  const Bytes key(20, 0x0b);
  EXPECT_EQ(ToBytes(HmacSha1(key, Ascii("Hi There"))),
            FromHex("b617318655057264e28bc0b6fb378c8ef146be00"));
  EXPECT_EQ(ToBytes(HmacSha256(key, Ascii("Hi There"))),
            FromHex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"));
}

TEST(HmacTest, EmptyKeyAndData) {
  EXPECT_EQ(ToBytes(HmacSha1(ByteView(), ByteView())),
            FromHex("fbdb1d1b18aa6c08324b7d64b71fb76370690e1d"));
}

TEST(IntegrityKeyTest, ShortTermIsThePassword) {
  EXPECT_EQ(IntegrityKey::ShortTerm("VOkJxbRl1RmTxUk/WvJxBt").bytes().size(), 22u);
  EXPECT_EQ(IntegrityKey::ShortTerm("abc"), IntegrityKey(Bytes{'a', 'b', 'c'}));
  EXPECT_TRUE(IntegrityKey::ShortTerm("").empty());
}

// RFC 8489 §9.2.2. Expected values from Python's hashlib.
TEST(IntegrityKeyTest, LongTermMd5AndSha256) {
  EXPECT_EQ(IntegrityKey::LongTerm("user", "realm", "pass").bytes().size(), 16u);
  EXPECT_EQ(IntegrityKey::LongTerm("user", "realm", "pass"),
            IntegrityKey(FromHex("8493fbc53ba582fb4c044c456bdc40eb")));
  EXPECT_EQ(
      IntegrityKey::LongTerm("user", "realm", "pass", PasswordAlgorithm::kSha256),
      IntegrityKey(FromHex("07e934117abd40836e7c6329b54731b2b2d2a5f9a71f544922d75e0730d8251b")));
}

TEST(IntegrityKeyTest, UserhashIsSha256OfUsernameAndRealm) {
  EXPECT_EQ(ToBytes(ComputeUserhash("user", "realm")),
            FromHex("6a3029116b47aa98bcaa325399733dc1a23cd57e26b81bef3ff6531ce624e2da"));
}

TEST(IntegrityResultTest, Names) {
  EXPECT_EQ(IntegrityResultName(IntegrityResult::kOk), "ok");
  EXPECT_EQ(IntegrityResultName(IntegrityResult::kMismatch), "mismatch");
  EXPECT_EQ(IntegrityResultName(IntegrityResult::kMissing), "missing");
}

}  // namespace
}  // namespace parley::stun
