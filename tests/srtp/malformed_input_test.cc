// Hostile input never crashes and never comes out as kOk: every prefix of valid SRTP and SRTCP
// packets, headers whose CSRC count or extension length point past the end, bad versions, and
// seeded random garbage. Run under ASan (the asan preset) to catch out-of-bounds reads.
#include <gtest/gtest.h>

#include "base/random.h"
#include "srtp/session.h"
#include "srtp/test_packets.h"

namespace parley::srtp {
namespace {

using testing::MakePair;
using testing::RtcpPacket;
using testing::RtpPacket;

class MalformedInputTest : public ::testing::TestWithParam<Profile> {
 protected:
  testing::SessionPair pair_ = MakePair(testing::KeysFor(GetParam()));
};

TEST_P(MalformedInputTest, EveryPrefixOfSrtpIsRejected) {
  Bytes packet = RtpPacket(1, 0x1234, 50);
  ASSERT_TRUE(pair_.client.ProtectRtp(packet).ok());
  for (size_t length = 0; length < packet.size(); ++length) {
    Bytes prefix(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(length));
    prefix.shrink_to_fit();  // so ASan sees the end of the buffer
    const UnprotectStatus status = pair_.server.UnprotectRtp(prefix);
    EXPECT_NE(status, UnprotectStatus::kOk) << "length " << length;
    // Too short for header and tag: caught before libsrtp sees it.
    if (length < 12 + pair_.server.rtp_overhead()) {
      EXPECT_EQ(status, UnprotectStatus::kMalformed) << "length " << length;
    }
  }
  const Session::Stats stats = pair_.server.stats();
  EXPECT_EQ(stats.dropped_malformed + stats.dropped_auth_failed + stats.dropped_other,
            packet.size());
  // The full packet still decrypts: failed attempts did not poison the stream.
  EXPECT_EQ(pair_.server.UnprotectRtp(packet), UnprotectStatus::kOk);
}

TEST_P(MalformedInputTest, EveryPrefixOfSrtcpIsRejected) {
  Bytes packet = RtcpPacket(0x1234);
  ASSERT_TRUE(pair_.client.ProtectRtcp(packet).ok());
  for (size_t length = 0; length < packet.size(); ++length) {
    Bytes prefix(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(length));
    prefix.shrink_to_fit();
    const UnprotectStatus status = pair_.server.UnprotectRtcp(prefix);
    EXPECT_NE(status, UnprotectStatus::kOk) << "length " << length;
    if (length < 8 + pair_.server.rtcp_overhead()) {
      EXPECT_EQ(status, UnprotectStatus::kMalformed) << "length " << length;
    }
  }
  EXPECT_EQ(pair_.server.UnprotectRtcp(packet), UnprotectStatus::kOk);
}

// Headers whose CSRC count or extension length claim more than the packet holds: libsrtp 2.5
// would compute the payload start from them, so these must stop at our check.
TEST_P(MalformedInputTest, HeaderFieldsPointingPastTheEnd) {
  Bytes valid = RtpPacket(5, 0x1234, 20);
  ASSERT_TRUE(pair_.client.ProtectRtp(valid).ok());
  const size_t size = valid.size();

  Bytes csrcs = valid;
  csrcs[0] = 0x8f;  // CC = 15: 60 bytes of CSRCs
  EXPECT_EQ(pair_.server.UnprotectRtp(csrcs), UnprotectStatus::kMalformed);

  Bytes extension = valid;
  extension[0] = 0x90;  // X = 1; the "extension header" is payload bytes 12..15
  extension[14] = 0xff;
  extension[15] = 0xff;  // 65535 words
  EXPECT_EQ(pair_.server.UnprotectRtp(extension), UnprotectStatus::kMalformed);

  // The extension fits but leaves no room for the tag.
  Bytes no_tag_room = valid;
  no_tag_room[0] = 0x90;
  const size_t words = (size - 12 - 4) / 4;
  no_tag_room[14] = static_cast<uint8_t>(words >> 8);
  no_tag_room[15] = static_cast<uint8_t>(words);
  EXPECT_EQ(pair_.server.UnprotectRtp(no_tag_room), UnprotectStatus::kMalformed);

  for (uint8_t version : {0x00, 0x40, 0xc0}) {
    Bytes wrong_version = valid;
    wrong_version[0] = static_cast<uint8_t>((wrong_version[0] & 0x3f) | version);
    EXPECT_EQ(pair_.server.UnprotectRtp(wrong_version), UnprotectStatus::kMalformed);
    Bytes rtcp = RtcpPacket(1);
    ASSERT_TRUE(pair_.client.ProtectRtcp(rtcp).ok());
    rtcp[0] = static_cast<uint8_t>((rtcp[0] & 0x3f) | version);
    EXPECT_EQ(pair_.server.UnprotectRtcp(rtcp), UnprotectStatus::kMalformed);
  }
  EXPECT_EQ(pair_.server.stats().dropped_malformed, 9u);
  EXPECT_EQ(pair_.server.UnprotectRtp(valid), UnprotectStatus::kOk);
}

TEST_P(MalformedInputTest, RandomGarbageIsRejected) {
  SeededRandom random(0x5e5510a);
  for (int i = 0; i < 2000; ++i) {
    Bytes garbage(random.Uniform(0, 300));
    random.Fill(garbage);
    if (i % 2 == 0 && !garbage.empty())
      garbage[0] = static_cast<uint8_t>(0x80 | (garbage[0] & 0x3f));
    garbage.shrink_to_fit();
    Bytes copy = garbage;
    EXPECT_NE(pair_.server.UnprotectRtp(garbage), UnprotectStatus::kOk);
    EXPECT_NE(pair_.server.UnprotectRtcp(copy), UnprotectStatus::kOk);
  }
  const Session::Stats stats = pair_.server.stats();
  EXPECT_EQ(stats.rtp_unprotected + stats.rtcp_unprotected, 0u);
  EXPECT_EQ(stats.dropped_malformed + stats.dropped_auth_failed + stats.dropped_replayed +
                stats.dropped_other,
            4000u);
  // Garbage that authenticated nothing created no stream state: real traffic still flows.
  Bytes packet = RtpPacket(1, 0x1234);
  ASSERT_TRUE(pair_.client.ProtectRtp(packet).ok());
  EXPECT_EQ(pair_.server.UnprotectRtp(packet), UnprotectStatus::kOk);
}

INSTANTIATE_TEST_SUITE_P(Profiles, MalformedInputTest, ::testing::ValuesIn(testing::kAllProfiles),
                         [](const auto& info) { return testing::ProfileName(info.param); });

}  // namespace
}  // namespace parley::srtp
