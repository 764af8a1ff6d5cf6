// ChannelData (RFC 8656 §12.4-§12.5) both ways against byte fixtures, the padding rules for UDP
// and TCP/TLS, and every truncated prefix.
#include "turn/channel_data.h"

#include <gtest/gtest.h>

namespace parley::turn {
namespace {

// Channel 0x4001, "abcde": length 5, then 3 bytes of padding on streams.
const Bytes kUnpadded = {0x40, 0x01, 0x00, 0x05, 'a', 'b', 'c', 'd', 'e'};
const Bytes kPadded = {0x40, 0x01, 0x00, 0x05, 'a', 'b', 'c', 'd', 'e', 0x00, 0x00, 0x00};
const Bytes kData = {'a', 'b', 'c', 'd', 'e'};

TEST(ChannelDataTest, SerializesWithoutPaddingForUdp) {
  EXPECT_EQ(SerializeChannelData(0x4001, kData), kUnpadded);
  EXPECT_EQ(SerializeChannelData(0x4001, kData, ChannelDataPadding::kNone), kUnpadded);
}

TEST(ChannelDataTest, SerializesWithPaddingForStreams) {
  EXPECT_EQ(SerializeChannelData(0x4001, kData, ChannelDataPadding::kFourByte), kPadded);
  // Already a multiple of 4: nothing added. Empty data: just the header.
  const Bytes four = {1, 2, 3, 4};
  EXPECT_EQ(SerializeChannelData(0x4FFF, four, ChannelDataPadding::kFourByte),
            (Bytes{0x4F, 0xFF, 0x00, 0x04, 1, 2, 3, 4}));
  EXPECT_EQ(SerializeChannelData(0x4000, {}, ChannelDataPadding::kFourByte),
            (Bytes{0x40, 0x00, 0x00, 0x00}));
}

TEST(ChannelDataTest, ParsesWithAndWithoutPadding) {
  for (const Bytes& wire : {kUnpadded, kPadded}) {
    auto parsed = ParseChannelData(wire);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->channel, 0x4001);
    EXPECT_EQ(Bytes(parsed->data.begin(), parsed->data.end()), kData);
  }
  // One or two padding bytes (a sender padding partially) are also just ignored (§12.5).
  for (size_t extra = 1; extra <= 2; ++extra) {
    Bytes wire = kUnpadded;
    wire.insert(wire.end(), extra, 0xAB);
    EXPECT_TRUE(ParseChannelData(wire)) << extra;
  }
}

TEST(ChannelDataTest, RoundTripsEveryLength) {
  Bytes data;
  for (size_t length = 0; length < 70; ++length) {
    for (auto padding : {ChannelDataPadding::kNone, ChannelDataPadding::kFourByte}) {
      const Bytes wire = SerializeChannelData(0x4ABC, data, padding);
      EXPECT_EQ(wire.size(),
                padding == ChannelDataPadding::kNone ? 4 + length : PaddedChannelDataSize(length));
      auto parsed = ParseChannelData(wire);
      ASSERT_TRUE(parsed) << length;
      EXPECT_EQ(parsed->channel, 0x4ABC);
      EXPECT_EQ(Bytes(parsed->data.begin(), parsed->data.end()), data);
    }
    data.push_back(static_cast<uint8_t>(length));
  }
  const Bytes largest(0xFFFF, 0x5A);
  auto parsed =
      ParseChannelData(SerializeChannelData(0x4000, largest, ChannelDataPadding::kFourByte));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->data.size(), 0xFFFFu);
}

TEST(ChannelDataTest, RejectsEveryTruncatedPrefix) {
  for (size_t size = 0; size < kUnpadded.size(); ++size) {
    ChannelDataError error{};
    EXPECT_FALSE(ParseChannelData(ByteView(kUnpadded).first(size), &error)) << size;
    EXPECT_EQ(error, size < 4 ? ChannelDataError::kTooShort : ChannelDataError::kTruncated) << size;
  }
}

TEST(ChannelDataTest, RejectsBadChannelNumbersAndTrailingBytes) {
  ChannelDataError error{};
  for (uint16_t channel : {0x0000, 0x3FFF, 0x5000, 0x7FFF, 0xFFFF}) {
    const Bytes wire = {static_cast<uint8_t>(channel >> 8), static_cast<uint8_t>(channel), 0, 0};
    EXPECT_FALSE(ParseChannelData(wire, &error)) << channel;
    EXPECT_EQ(error, ChannelDataError::kBadChannelNumber);
  }
  Bytes too_long = kPadded;
  too_long.push_back(0);
  EXPECT_FALSE(ParseChannelData(too_long, &error));
  EXPECT_EQ(error, ChannelDataError::kTrailingBytes);
  EXPECT_EQ(ChannelDataErrorName(ChannelDataError::kTrailingBytes), "trailing bytes");
}

TEST(ChannelDataTest, RecognisesTheRfc7983Range) {
  EXPECT_TRUE(IsChannelData(kUnpadded));
  EXPECT_TRUE(IsChannelData(Bytes{0x4F}));
  EXPECT_FALSE(IsChannelData(Bytes{0x3F}));
  EXPECT_FALSE(IsChannelData(Bytes{0x50}));
  EXPECT_FALSE(IsChannelData(Bytes{0x00, 0x01}));  // STUN.
  EXPECT_FALSE(IsChannelData(Bytes{}));
  EXPECT_TRUE(IsValidChannelNumber(kMinChannelNumber));
  EXPECT_TRUE(IsValidChannelNumber(kMaxChannelNumber));
  EXPECT_FALSE(IsValidChannelNumber(0x5000));
}

TEST(ChannelDataDeathTest, SerializingAnInvalidChannelAborts) {
  EXPECT_DEATH(SerializeChannelData(0x3FFF, kData), "channel number");
  EXPECT_DEATH(SerializeChannelData(0x4000, Bytes(0x10000)), "65535");
}

}  // namespace
}  // namespace parley::turn
