#include "stun/crc32.h"

#include <gtest/gtest.h>

#include <string_view>

namespace parley::stun {
namespace {

ByteView Ascii(std::string_view text) {
  return ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

TEST(Crc32Test, KnownValues) {
  // The standard check value of CRC-32/ISO-HDLC.
  EXPECT_EQ(Crc32(Ascii("123456789")), 0xCBF43926u);
  EXPECT_EQ(Crc32(ByteView()), 0u);
  EXPECT_EQ(Crc32(Ascii("The quick brown fox jumps over the lazy dog")), 0x414FA339u);
}

TEST(Crc32Test, IncrementalEqualsOneShot) {
  const std::string_view text = "Session Traversal Utilities for NAT";
  for (size_t split = 0; split <= text.size(); ++split) {
    EXPECT_EQ(Crc32Update(Crc32(Ascii(text.substr(0, split))), Ascii(text.substr(split))),
              Crc32(Ascii(text)))
        << split;
  }
}

}  // namespace
}  // namespace parley::stun
