// srtp::Session between a client and a server built from the same keys, for every profile:
// both directions of RTP and RTCP, the rollover counter, replay and tamper detection, SSRCs
// added on the fly, options, and ownership.
#include "srtp/session.h"

#include <gtest/gtest.h>

#include <vector>

#include "srtp/test_packets.h"

namespace parley::srtp {
namespace {

using testing::kAllProfiles;
using testing::MakePair;
using testing::RtcpPacket;
using testing::RtpPacket;

class SessionTest : public ::testing::TestWithParam<Profile> {
 protected:
  SessionKeys keys() const { return testing::KeysFor(GetParam()); }
};

// Expected trailer sizes, RFC 5764 §4.1.2 and RFC 7714 §14.2: the _32 profile shortens only
// the SRTP tag; SRTCP adds the 4-byte E||index word.
TEST_P(SessionTest, OverheadMatchesTheProfile) {
  auto pair = MakePair(keys());
  const ProfileParams& params = ParamsOf(GetParam());
  EXPECT_EQ(pair.client.profile(), GetParam());
  EXPECT_EQ(pair.client.rtp_overhead(), params.rtp_auth_tag_length);
  EXPECT_EQ(pair.client.rtcp_overhead(), 4 + params.rtcp_auth_tag_length);

  Bytes rtp = RtpPacket(7, 0xabc);
  const size_t plain_size = rtp.size();
  ASSERT_TRUE(pair.client.ProtectRtp(rtp).ok());
  EXPECT_EQ(rtp.size(), plain_size + params.rtp_auth_tag_length);
  Bytes rtcp = RtcpPacket(0xabc);
  ASSERT_TRUE(pair.client.ProtectRtcp(rtcp).ok());
  EXPECT_EQ(rtcp.size(), 32 + 4 + params.rtcp_auth_tag_length);
}

TEST_P(SessionTest, RtpBothWays) {
  auto pair = MakePair(keys());
  for (uint16_t seq = 100; seq < 110; ++seq) {
    const Bytes plain = RtpPacket(seq, 0x1111, seq);  // also a 100+ byte payload spread
    Bytes packet = plain;
    ASSERT_TRUE(pair.client.ProtectRtp(packet).ok());
    EXPECT_NE(packet, plain);
    EXPECT_TRUE(std::equal(plain.begin(), plain.begin() + 12, packet.begin()));  // header clear
    ASSERT_EQ(pair.server.UnprotectRtp(packet), UnprotectStatus::kOk);
    EXPECT_EQ(packet, plain);

    const Bytes reply = RtpPacket(seq, 0x2222, 20);
    packet = reply;
    ASSERT_TRUE(pair.server.ProtectRtp(packet).ok());
    ASSERT_EQ(pair.client.UnprotectRtp(packet), UnprotectStatus::kOk);
    EXPECT_EQ(packet, reply);
  }
  EXPECT_EQ(pair.client.stats().rtp_protected, 10u);
  EXPECT_EQ(pair.client.stats().rtp_unprotected, 10u);
  EXPECT_EQ(pair.server.stats().rtp_protected, 10u);
  EXPECT_EQ(pair.server.stats().rtp_unprotected, 10u);
}

TEST_P(SessionTest, RtcpBothWays) {
  auto pair = MakePair(keys());
  for (int i = 0; i < 5; ++i) {
    const Bytes plain = RtcpPacket(0x1111, 0x2222 + i);
    Bytes packet = plain;
    ASSERT_TRUE(pair.client.ProtectRtcp(packet).ok());
    EXPECT_NE(packet, plain);
    ASSERT_EQ(pair.server.UnprotectRtcp(packet), UnprotectStatus::kOk);
    EXPECT_EQ(packet, plain);

    const Bytes reply = RtcpPacket(0x2222, 0x1111);
    packet = reply;
    ASSERT_TRUE(pair.server.ProtectRtcp(packet).ok());
    ASSERT_EQ(pair.client.UnprotectRtcp(packet), UnprotectStatus::kOk);
    EXPECT_EQ(packet, reply);
  }
  EXPECT_EQ(pair.client.stats().rtcp_protected, 5u);
  EXPECT_EQ(pair.server.stats().rtcp_unprotected, 5u);
}

TEST_P(SessionTest, HeaderWithCsrcsAndExtensionAndEmptyPayload) {
  auto pair = MakePair(keys());
  // V=2, X=1, CC=2; two CSRCs; a one-byte-header extension (RFC 8285) of one word; no payload.
  const Bytes plain = {0x92, 0x60, 0x00, 0x05, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
                       0x0a, 0xbc, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
                       0xbe, 0xde, 0x00, 0x01, 0x10, 0xff, 0x00, 0x00};
  Bytes packet = plain;
  ASSERT_TRUE(pair.client.ProtectRtp(packet).ok());
  EXPECT_EQ(packet.size(), plain.size() + pair.client.rtp_overhead());
  ASSERT_EQ(pair.server.UnprotectRtp(packet), UnprotectStatus::kOk);
  EXPECT_EQ(packet, plain);
}

// Protecting must work whatever the vector's capacity: exactly the size, or reserved ahead.
TEST_P(SessionTest, ProtectWithShortAndAmpleCapacity) {
  auto pair = MakePair(keys());
  Bytes tight = RtpPacket(1, 0x1, 1188);
  tight.shrink_to_fit();
  const Bytes plain = tight;
  ASSERT_TRUE(pair.client.ProtectRtp(tight).ok());
  ASSERT_EQ(pair.server.UnprotectRtp(tight), UnprotectStatus::kOk);
  EXPECT_EQ(tight, plain);

  Bytes roomy = RtpPacket(2, 0x1, 1188);
  roomy.reserve(roomy.size() + pair.client.rtp_overhead());
  const uint8_t* before = roomy.data();
  ASSERT_TRUE(pair.client.ProtectRtp(roomy).ok());
  EXPECT_EQ(roomy.data(), before);  // no reallocation
  ASSERT_EQ(pair.server.UnprotectRtp(roomy), UnprotectStatus::kOk);
}

TEST_P(SessionTest, CopyingOverloads) {
  auto pair = MakePair(keys());
  const Bytes plain = RtpPacket(9, 0x77);
  auto protected_rtp = pair.client.ProtectRtp(ByteView(plain));
  ASSERT_TRUE(protected_rtp.ok());
  auto again = pair.server.UnprotectRtp(ByteView(*protected_rtp));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, plain);
  EXPECT_FALSE(pair.server.UnprotectRtp(ByteView(*protected_rtp)));  // replay

  const Bytes rtcp = RtcpPacket(0x77);
  auto protected_rtcp = pair.client.ProtectRtcp(ByteView(rtcp));
  ASSERT_TRUE(protected_rtcp.ok());
  auto rtcp_again = pair.server.UnprotectRtcp(ByteView(*protected_rtcp));
  ASSERT_TRUE(rtcp_again);
  EXPECT_EQ(*rtcp_again, rtcp);

  EXPECT_FALSE(pair.client.ProtectRtp(ByteView(Bytes{0x80, 0x00})).ok());
  EXPECT_FALSE(pair.client.ProtectRtcp(ByteView(Bytes{0x80, 0xc8})).ok());
}

// RFC 3711 §3.3.1: the sender increments the ROC when the sequence number wraps; the receiver
// estimates it (Appendix A). 65530..65535, 0..10, all in order.
TEST_P(SessionTest, RolloverCounterWrapsInOrder) {
  auto pair = MakePair(keys());
  uint16_t seq = 65530;
  for (int i = 0; i < 17; ++i, ++seq) {
    const Bytes plain = RtpPacket(seq, 0xfeed);
    Bytes packet = plain;
    ASSERT_TRUE(pair.client.ProtectRtp(packet).ok()) << seq;
    ASSERT_EQ(pair.server.UnprotectRtp(packet), UnprotectStatus::kOk) << "seq " << seq;
    EXPECT_EQ(packet, plain);
  }
  EXPECT_EQ(seq, 11);
}

// Packets lost across the wrap: 65534, then 65535 and 0 lost, then 1, 2 (and 5 after two more
// losses). The receiver still guesses ROC = 1.
TEST_P(SessionTest, RolloverCounterWrapsWithLoss) {
  auto pair = MakePair(keys());
  for (uint16_t seq : {uint16_t{65533}, uint16_t{65534}, uint16_t{65535}, uint16_t{0}, uint16_t{1},
                       uint16_t{2}, uint16_t{3}, uint16_t{4}, uint16_t{5}}) {
    Bytes packet = RtpPacket(seq, 0xfeed);
    ASSERT_TRUE(pair.client.ProtectRtp(packet).ok());
    if (seq == 65535 || seq == 0 || seq == 3 || seq == 4) continue;  // lost
    ASSERT_EQ(pair.server.UnprotectRtp(packet), UnprotectStatus::kOk) << "seq " << seq;
  }
  EXPECT_EQ(pair.server.stats().rtp_unprotected, 5u);
}

// A late packet from before the wrap (ROC 0) arriving after it (ROC 1) still decrypts.
TEST_P(SessionTest, ReorderedAcrossTheWrap) {
  auto pair = MakePair(keys());
  std::vector<Bytes> sent;
  for (uint16_t seq : {uint16_t{65534}, uint16_t{65535}, uint16_t{0}, uint16_t{1}}) {
    sent.push_back(RtpPacket(seq, 0xfeed));
    ASSERT_TRUE(pair.client.ProtectRtp(sent.back()).ok());
  }
  for (size_t i : {0, 2, 1, 3}) {
    ASSERT_EQ(pair.server.UnprotectRtp(sent[i]), UnprotectStatus::kOk) << i;
  }
}

TEST_P(SessionTest, ReplayedRtpIsRejectedAndCounted) {
  auto pair = MakePair(keys());
  Bytes first = RtpPacket(1000, 0x42);
  ASSERT_TRUE(pair.client.ProtectRtp(first).ok());
  const Bytes copy = first;
  ASSERT_EQ(pair.server.UnprotectRtp(first), UnprotectStatus::kOk);
  Bytes replay = copy;
  EXPECT_EQ(pair.server.UnprotectRtp(replay), UnprotectStatus::kReplayed);
  EXPECT_EQ(pair.server.stats().dropped_replayed, 1u);

  // Far behind the window (1024 by default): also a replay.
  Bytes old = RtpPacket(1, 0x42);
  ASSERT_TRUE(pair.client.ProtectRtp(old).ok());
  for (uint16_t seq = 1001; seq <= 2100; ++seq) {
    Bytes packet = RtpPacket(seq, 0x42, 4);
    ASSERT_TRUE(pair.client.ProtectRtp(packet).ok());
    ASSERT_EQ(pair.server.UnprotectRtp(packet), UnprotectStatus::kOk);
  }
  EXPECT_EQ(pair.server.UnprotectRtp(old), UnprotectStatus::kReplayed);
  EXPECT_EQ(pair.server.stats().dropped_replayed, 2u);

  // The stream goes on.
  Bytes next = RtpPacket(2101, 0x42);
  ASSERT_TRUE(pair.client.ProtectRtp(next).ok());
  EXPECT_EQ(pair.server.UnprotectRtp(next), UnprotectStatus::kOk);
}

// Reordering within the window is not replay: 1000 packets arriving in reverse all decrypt.
TEST_P(SessionTest, ReorderingWithinTheWindowIsAccepted) {
  auto pair = MakePair(keys());
  std::vector<Bytes> sent;
  for (uint16_t seq = 0; seq < 1000; ++seq) {
    sent.push_back(RtpPacket(seq, 0x43, 8));
    ASSERT_TRUE(pair.client.ProtectRtp(sent.back()).ok());
  }
  ASSERT_EQ(pair.server.UnprotectRtp(sent.back()), UnprotectStatus::kOk);
  for (size_t i = sent.size() - 1; i-- > 0;) {
    ASSERT_EQ(pair.server.UnprotectRtp(sent[i]), UnprotectStatus::kOk) << i;
  }
}

TEST_P(SessionTest, SmallerReplayWindowRejectsOlderPackets) {
  auto pair = MakePair(keys(), {.replay_window = 64});
  Bytes old = RtpPacket(0, 0x44);
  ASSERT_TRUE(pair.client.ProtectRtp(old).ok());
  for (uint16_t seq = 1; seq <= 100; ++seq) {
    Bytes packet = RtpPacket(seq, 0x44, 4);
    ASSERT_TRUE(pair.client.ProtectRtp(packet).ok());
    ASSERT_EQ(pair.server.UnprotectRtp(packet), UnprotectStatus::kOk);
  }
  EXPECT_EQ(pair.server.UnprotectRtp(old), UnprotectStatus::kReplayed);
}

TEST_P(SessionTest, ReplayedRtcpIsRejectedAndCounted) {
  auto pair = MakePair(keys());
  Bytes packet = RtcpPacket(0x42);
  ASSERT_TRUE(pair.client.ProtectRtcp(packet).ok());
  Bytes replay = packet;
  ASSERT_EQ(pair.server.UnprotectRtcp(packet), UnprotectStatus::kOk);
  EXPECT_EQ(pair.server.UnprotectRtcp(replay), UnprotectStatus::kReplayed);
  EXPECT_EQ(pair.server.stats().dropped_replayed, 1u);

  Bytes next = RtcpPacket(0x42);
  ASSERT_TRUE(pair.client.ProtectRtcp(next).ok());
  EXPECT_EQ(pair.server.UnprotectRtcp(next), UnprotectStatus::kOk);
}

// One flipped bit anywhere — header, payload, tag — fails authentication (RFC 3711 §3.4 covers
// header and payload; RFC 7714 §8 covers the header as AAD), is counted, and the session keeps
// working afterwards. The sequence number and SSRC are excluded: flipping those moves the
// packet to another index or stream, which may also read as a replay.
TEST_P(SessionTest, TamperedRtpIsRejectedAndCounted) {
  auto pair = MakePair(keys());
  Bytes original = RtpPacket(500, 0x99, 40);
  ASSERT_TRUE(pair.client.ProtectRtp(original).ok());
  const size_t tag_start = original.size() - pair.client.rtp_overhead();
  const std::vector<size_t> bits = {1 * 8 + 0,                 // header: payload type
                                    5 * 8 + 3,                 // header: timestamp
                                    12 * 8 + 0,                // payload, first byte
                                    (12 + 20) * 8 + 7,         // payload, middle
                                    tag_start * 8,             // first tag bit
                                    original.size() * 8 - 1};  // last tag bit
  uint64_t failures = 0;
  for (size_t bit : bits) {
    Bytes tampered = original;
    tampered[bit / 8] ^= static_cast<uint8_t>(0x80 >> (bit % 8));
    EXPECT_EQ(pair.server.UnprotectRtp(tampered), UnprotectStatus::kAuthenticationFailed)
        << "bit " << bit;
    EXPECT_EQ(pair.server.stats().dropped_auth_failed, ++failures);
  }
  Bytes intact = original;
  EXPECT_EQ(pair.server.UnprotectRtp(intact), UnprotectStatus::kOk);
  Bytes next = RtpPacket(501, 0x99);
  ASSERT_TRUE(pair.client.ProtectRtp(next).ok());
  EXPECT_EQ(pair.server.UnprotectRtp(next), UnprotectStatus::kOk);
  EXPECT_EQ(pair.server.stats().rtp_unprotected, 2u);
}

TEST_P(SessionTest, TamperedRtcpIsRejectedAndCounted) {
  auto pair = MakePair(keys());
  Bytes original = RtcpPacket(0x99);
  ASSERT_TRUE(pair.client.ProtectRtcp(original).ok());
  const size_t index_start = 32;  // E||SRTCP index, covered by the tag (RFC 3711 §3.4)
  for (size_t byte :
       {size_t{1}, size_t{10}, size_t{31}, index_start, index_start + 3, original.size() - 1}) {
    Bytes tampered = original;
    tampered[byte] ^= 0x01;
    EXPECT_NE(pair.server.UnprotectRtcp(tampered), UnprotectStatus::kOk) << "byte " << byte;
  }
  EXPECT_GE(pair.server.stats().dropped_auth_failed, 5u);
  EXPECT_EQ(pair.server.UnprotectRtcp(original), UnprotectStatus::kOk);
}

// RFC 3711 §3.2.3: every new inbound SSRC gets its own cryptographic context (ROC and replay
// list) from the session's master key, and every new outbound SSRC likewise.
TEST_P(SessionTest, ManyInboundSsrcsOnTheFly) {
  auto pair = MakePair(keys());
  constexpr uint32_t kStreams = 50;
  for (uint16_t seq = 0; seq < 3; ++seq) {
    for (uint32_t ssrc = 1; ssrc <= kStreams; ++ssrc) {
      const Bytes plain = RtpPacket(static_cast<uint16_t>(seq + ssrc * 1000), ssrc * 0x01010101);
      Bytes packet = plain;
      ASSERT_TRUE(pair.client.ProtectRtp(packet).ok());
      ASSERT_EQ(pair.server.UnprotectRtp(packet), UnprotectStatus::kOk) << ssrc;
      EXPECT_EQ(packet, plain);
      Bytes rtcp = RtcpPacket(ssrc * 0x01010101);
      ASSERT_TRUE(pair.client.ProtectRtcp(rtcp).ok());
      ASSERT_EQ(pair.server.UnprotectRtcp(rtcp), UnprotectStatus::kOk) << ssrc;
    }
  }
  EXPECT_EQ(pair.server.stats().rtp_unprotected, 3 * kStreams);
  EXPECT_EQ(pair.server.stats().rtcp_unprotected, 3 * kStreams);
}

// Same sequence number on two SSRCs is not a replay: each stream has its own window.
TEST_P(SessionTest, ReplayWindowsArePerSsrc) {
  auto pair = MakePair(keys());
  for (uint32_t ssrc : {1u, 2u}) {
    Bytes packet = RtpPacket(77, ssrc);
    ASSERT_TRUE(pair.client.ProtectRtp(packet).ok());
    EXPECT_EQ(pair.server.UnprotectRtp(packet), UnprotectStatus::kOk);
  }
}

// A retransmission of the same sequence number (allow_repeat_tx) is allowed to the sender; the
// receiver drops the second copy as a replay. Without the option the sender refuses.
TEST_P(SessionTest, RepeatTransmission) {
  auto pair = MakePair(keys());
  Bytes first = RtpPacket(300, 0x5);
  Bytes second = first;
  ASSERT_TRUE(pair.client.ProtectRtp(first).ok());
  ASSERT_TRUE(pair.client.ProtectRtp(second).ok());
  EXPECT_EQ(first, second);
  EXPECT_EQ(pair.server.UnprotectRtp(first), UnprotectStatus::kOk);
  EXPECT_EQ(pair.server.UnprotectRtp(second), UnprotectStatus::kReplayed);

  auto strict = MakePair(keys(), {.allow_repeat_tx = false});
  Bytes once = RtpPacket(300, 0x5);
  Bytes twice = once;
  ASSERT_TRUE(strict.client.ProtectRtp(once).ok());
  const Bytes before = twice;
  auto result = strict.client.ProtectRtp(twice);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind(), ErrorKind::kOperationError);
  EXPECT_EQ(twice, before);
  EXPECT_EQ(strict.client.stats().protect_errors, 1u);
}

TEST_P(SessionTest, ProtectRejectsNonRtpInput) {
  auto pair = MakePair(keys());
  for (Bytes bad : {Bytes{}, Bytes(11, 0x80), Bytes{0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1},
                    Bytes{0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1},  // CC=1 but no CSRC
                    Bytes{0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0, 1}}) {
    const Bytes before = bad;
    auto result = pair.client.ProtectRtp(bad);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind(), ErrorKind::kInvalidAccessError);
    EXPECT_EQ(bad, before);
  }
  for (Bytes bad : {Bytes{}, Bytes(7, 0x80), Bytes{0x01, 0xc8, 0, 1, 0, 0, 0, 1}}) {
    EXPECT_FALSE(pair.client.ProtectRtcp(bad).ok());
  }
  // The protected packet must still fit in a datagram.
  Bytes largest = RtpPacket(1, 1, 0xFFFF - 12 - pair.client.rtp_overhead());
  Bytes too_large = RtpPacket(2, 1, 0xFFFF - 12 - pair.client.rtp_overhead() + 1);
  EXPECT_FALSE(pair.client.ProtectRtp(too_large).ok());
  Bytes rtcp_too_large = RtcpPacket(1);
  rtcp_too_large.resize(0xFFFF - pair.client.rtcp_overhead() + 1);
  EXPECT_FALSE(pair.client.ProtectRtcp(rtcp_too_large).ok());
  EXPECT_EQ(pair.client.stats().protect_errors, 10u);
  ASSERT_TRUE(pair.client.ProtectRtp(largest).ok());
  EXPECT_EQ(largest.size(), 0xFFFFu);
  EXPECT_EQ(pair.server.UnprotectRtp(largest), UnprotectStatus::kOk);
  largest.resize(0x10000);
  EXPECT_EQ(pair.server.UnprotectRtp(largest), UnprotectStatus::kMalformed);
  EXPECT_EQ(pair.client.stats().rtp_protected, 1u);
}

// Moving hands over the libsrtp contexts with their state (ROC, replay windows); destroying
// the moved-from shell frees nothing twice (ASan checks).
TEST_P(SessionTest, MoveKeepsStateAndTearsDownOnce) {
  auto pair = MakePair(keys());
  Bytes first = RtpPacket(10, 0x1);
  ASSERT_TRUE(pair.client.ProtectRtp(first).ok());
  ASSERT_EQ(pair.server.UnprotectRtp(first), UnprotectStatus::kOk);

  Session moved_server(std::move(pair.server));
  Bytes again = RtpPacket(10, 0x1);
  ASSERT_TRUE(pair.client.ProtectRtp(again).ok());  // allow_repeat_tx: same bytes
  EXPECT_EQ(moved_server.UnprotectRtp(again), UnprotectStatus::kReplayed);  // window moved
  EXPECT_EQ(moved_server.stats().rtp_unprotected, 1u);                      // stats moved

  // Move-assign over a live session: the old contexts are freed.
  auto other = MakePair(testing::KeysFor(GetParam(), 9));
  other.client = std::move(pair.client);
  Bytes next = RtpPacket(11, 0x1);
  ASSERT_TRUE(other.client.ProtectRtp(next).ok());
  EXPECT_EQ(moved_server.UnprotectRtp(next), UnprotectStatus::kOk);

  // A moved-from session refuses politely.
  Bytes packet = RtpPacket(12, 0x1);
  EXPECT_FALSE(pair.client.ProtectRtp(packet).ok());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(pair.client.UnprotectRtp(packet), UnprotectStatus::kOther);
  EXPECT_EQ(pair.client.stats().rtp_protected, 0u);

  std::vector<Session> many;
  for (uint8_t seed = 0; seed < 20; ++seed) {
    auto session = Session::Create(testing::KeysFor(GetParam(), seed), seed % 2 == 0);
    ASSERT_TRUE(session.ok());
    many.push_back(std::move(session).value());
  }
}

INSTANTIATE_TEST_SUITE_P(Profiles, SessionTest, ::testing::ValuesIn(kAllProfiles),
                         [](const auto& info) { return testing::ProfileName(info.param); });

TEST(SessionCreateTest, RejectsWrongKeyLengths) {
  for (Profile profile : kAllProfiles) {
    SessionKeys keys = testing::KeysFor(profile);
    keys.client.key.pop_back();
    auto session = Session::Create(keys, true);
    ASSERT_FALSE(session.ok());
    EXPECT_EQ(session.error().kind(), ErrorKind::kInvalidAccessError);

    keys = testing::KeysFor(profile);
    keys.server.salt.push_back(0);
    EXPECT_FALSE(Session::Create(keys, false).ok());
  }
  // AES-128 keys with an AES-256 profile.
  SessionKeys keys = testing::KeysFor(Profile::kAeadAes128Gcm);
  keys.profile = Profile::kAeadAes256Gcm;
  EXPECT_FALSE(Session::Create(keys, true).ok());
}

TEST(SessionCreateTest, RejectsUnknownProfile) {
  SessionKeys keys = testing::KeysFor(Profile::kAes128CmSha1_80);
  keys.profile = static_cast<Profile>(0x0003);
  auto session = Session::Create(keys, true);
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().kind(), ErrorKind::kInvalidAccessError);
}

TEST(SessionCreateTest, ReplayWindowBounds) {
  const SessionKeys keys = testing::KeysFor(Profile::kAeadAes128Gcm);
  for (size_t window : {size_t{0}, size_t{63}, size_t{32768}}) {
    auto session = Session::Create(keys, true, {.replay_window = window});
    ASSERT_FALSE(session.ok()) << window;
    EXPECT_EQ(session.error().kind(), ErrorKind::kRangeError);
  }
  for (size_t window : {size_t{64}, size_t{1024}, size_t{32767}}) {
    EXPECT_TRUE(Session::Create(keys, true, {.replay_window = window}).ok()) << window;
  }
}

TEST(SessionCreateTest, StatusNames) {
  EXPECT_EQ(ToString(UnprotectStatus::kOk), "ok");
  EXPECT_EQ(ToString(UnprotectStatus::kReplayed), "replayed");
  EXPECT_EQ(ToString(UnprotectStatus::kAuthenticationFailed), "authentication failed");
  EXPECT_EQ(ToString(UnprotectStatus::kMalformed), "malformed");
  EXPECT_EQ(ToString(UnprotectStatus::kOther), "other");
}

}  // namespace
}  // namespace parley::srtp
