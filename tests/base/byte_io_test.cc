#include "base/byte_io.h"

#include <gtest/gtest.h>

#include <array>

namespace parley {
namespace {

TEST(ByteReaderTest, ReadsBigEndianIntegers) {
  const std::array<uint8_t, 27> data = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
                                        0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12,
                                        0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b};
  ByteReader r(data);
  EXPECT_EQ(r.ReadU8(), 0x01);
  EXPECT_EQ(r.ReadU16(), 0x0203);
  EXPECT_EQ(r.ReadU24(), 0x040506u);
  EXPECT_EQ(r.ReadU32(), 0x0708090au);
  EXPECT_EQ(r.ReadU48(), 0x0b0c0d0e0f10ull);
  EXPECT_EQ(r.ReadU64(), 0x1112131415161718ull);
  EXPECT_EQ(r.position(), 24u);
  EXPECT_EQ(r.remaining(), 3u);
  EXPECT_EQ(r.PeekU8(), 0x19);
  EXPECT_EQ(r.PeekU16(), 0x191a);
  EXPECT_EQ(r.position(), 24u);
}

TEST(ByteReaderTest, FailsWithoutConsumingWhenShort) {
  const std::array<uint8_t, 3> data = {0xff, 0xee, 0xdd};
  ByteReader r(data);
  EXPECT_EQ(r.ReadU32(), std::nullopt);
  EXPECT_EQ(r.position(), 0u);
  EXPECT_FALSE(r.ReadBytes(4).has_value());
  EXPECT_FALSE(r.Skip(4));
  std::array<uint8_t, 4> out{};
  EXPECT_FALSE(r.ReadInto(out));
  EXPECT_EQ(r.ReadU24(), 0xffeeddu);
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.ReadU8(), std::nullopt);
  EXPECT_EQ(r.PeekU8(), std::nullopt);
  EXPECT_EQ(r.PeekU16(), std::nullopt);
}

TEST(ByteReaderTest, BytesAndSkip) {
  const std::array<uint8_t, 6> data = {1, 2, 3, 4, 5, 6};
  ByteReader r(data);
  ASSERT_TRUE(r.Skip(1));
  auto view = r.ReadBytes(2);
  ASSERT_TRUE(view);
  EXPECT_EQ((*view)[0], 2);
  EXPECT_EQ((*view)[1], 3);
  std::array<uint8_t, 2> out{};
  ASSERT_TRUE(r.ReadInto(out));
  EXPECT_EQ(out[1], 5);
  EXPECT_EQ(r.rest().size(), 1u);
  EXPECT_TRUE(r.ReadBytes(0).has_value());
}

// Every truncated prefix of a record must fail cleanly, never read out of bounds.
TEST(ByteReaderTest, TruncatedInputLoop) {
  ByteWriter w;
  w.WriteU8(7).WriteU16(0xbeef).WriteU32(0xdeadbeef).WriteU64(42).WriteString("tail");
  const Bytes full = std::move(w).Take();
  auto parse = [](ByteView in) -> bool {
    ByteReader r(in);
    return r.ReadU8() && r.ReadU16() && r.ReadU32() && r.ReadU64() && r.ReadBytes(4);
  };
  EXPECT_TRUE(parse(full));
  for (size_t n = 0; n < full.size(); ++n) {
    Bytes prefix(full.begin(), full.begin() + static_cast<ptrdiff_t>(n));
    EXPECT_FALSE(parse(prefix)) << "prefix of " << n << " bytes";
  }
}

TEST(ByteWriterTest, WritesBigEndianAndRoundTrips) {
  ByteWriter w;
  w.WriteU8(0x01).WriteU16(0x0203).WriteU24(0xff040506).WriteU32(0x0708090a);
  w.WriteU48(0x0b0c0d0e0f10).WriteU64(0x1112131415161718);
  const Bytes bytes = std::move(w).Take();
  const Bytes expected = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
                          0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18};
  EXPECT_EQ(bytes, expected);
}

TEST(ByteWriterTest, PaddingZerosAndPatching) {
  ByteWriter w;
  w.WriteU16(0).WriteString("abcde");
  EXPECT_EQ(w.size(), 7u);
  w.PadTo(4);
  EXPECT_EQ(w.size(), 8u);
  w.PadTo(4);
  EXPECT_EQ(w.size(), 8u);
  w.PatchU16(0, 5);
  w.WriteZeros(2).WriteU32(0);
  w.PatchU32(10, 0xcafebabe);
  const Bytes b = std::move(w).Take();
  EXPECT_EQ(b, (Bytes{0, 5, 'a', 'b', 'c', 'd', 'e', 0, 0, 0, 0xca, 0xfe, 0xba, 0xbe}));
}

TEST(ByteWriterDeathTest, PatchOutsideWrittenRangeAborts) {
  ByteWriter w;
  w.WriteU16(1);
  EXPECT_DEATH(w.PatchU32(0, 1), "");
}

TEST(BitReaderTest, ReadsFieldsMostSignificantFirst) {
  // RTP's first byte: V=2, P=0, X=1, CC=3 -> 10 0 1 0011 = 0x93.
  const std::array<uint8_t, 3> data = {0x93, 0xff, 0x01};
  BitReader r(data);
  EXPECT_EQ(r.ReadBits(2), 2u);
  EXPECT_EQ(r.ReadBit(), false);
  EXPECT_EQ(r.ReadBit(), true);
  EXPECT_EQ(r.ReadBits(4), 3u);
  EXPECT_EQ(r.ReadBits(9), 0x1feu);
  EXPECT_EQ(r.remaining_bits(), 7u);
  EXPECT_EQ(r.ReadBits(8), std::nullopt);
  EXPECT_TRUE(r.SkipBits(6));
  EXPECT_EQ(r.ReadBit(), true);
  EXPECT_EQ(r.ReadBit(), std::nullopt);
  EXPECT_FALSE(r.SkipBits(1));
  EXPECT_EQ(r.ReadBits(0), 0u);
}

TEST(BitReaderTest, RejectsMoreThan64Bits) {
  const std::array<uint8_t, 9> data{};
  BitReader r(data);
  EXPECT_EQ(r.ReadBits(65), std::nullopt);
  EXPECT_EQ(r.ReadBits(64), 0u);
}

TEST(BitWriterTest, RoundTripsWithBitReader) {
  BitWriter w;
  w.WriteBits(2, 2).WriteBit(false).WriteBit(true).WriteBits(3, 4).WriteBits(0x1fe, 9);
  w.WriteBits(0x123456789abcdef0ull, 64);
  EXPECT_EQ(w.bit_size(), 81u);
  const Bytes b = std::move(w).Take();
  ASSERT_EQ(b.size(), 11u);
  EXPECT_EQ(b[0], 0x93);
  EXPECT_EQ(b[1], 0xff);
  BitReader r(b);
  EXPECT_EQ(r.ReadBits(8), 0x93u);
  EXPECT_EQ(r.ReadBits(9), 0x1feu);
  EXPECT_EQ(r.ReadBits(64), 0x123456789abcdef0ull);
  EXPECT_EQ(r.remaining_bits(), 7u);
  EXPECT_EQ(r.ReadBits(7), 0u);  // Zero padding.
}

}  // namespace
}  // namespace parley
