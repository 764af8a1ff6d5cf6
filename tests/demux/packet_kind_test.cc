// RFC 7983 / RFC 9443 demultiplexing: every first-byte range boundary, RTP vs RTCP by the
// payload-type octet (RFC 5761 §4), real packets of each protocol, and truncated input.
#include "demux/packet_kind.h"

#include <gtest/gtest.h>

#include <vector>

#include "stun/rfc5769_vectors.h"

namespace parley::demux {
namespace {

Bytes Packet(std::initializer_list<uint8_t> head, size_t size) {
  Bytes packet(head);
  packet.resize(size, 0);
  return packet;
}

PacketKind KindOfFirstByte(uint8_t first, uint8_t second = 0) {
  return Classify(Packet({first, second}, 64));
}

TEST(PacketKindTest, FirstByteRangesFollowRfc7983) {
  for (int b = 0; b < 256; ++b) {
    const auto first = static_cast<uint8_t>(b);
    PacketKind expected = PacketKind::kUnknown;
    if (b <= 3)
      expected = PacketKind::kStun;
    else if (b >= 16 && b <= 19)
      expected = PacketKind::kZrtp;
    else if (b >= 20 && b <= 63)
      expected = PacketKind::kDtls;
    else if (b >= 64 && b <= 79)
      expected = PacketKind::kTurnChannelData;
    else if (b >= 128 && b <= 191)
      expected = PacketKind::kRtp;
    EXPECT_EQ(KindOfFirstByte(first, 96), expected) << "first byte " << b;
  }
}

TEST(PacketKindTest, RtcpPacketTypesAreTellApartFromRtpPayloadTypes) {
  for (int second = 0; second < 256; ++second) {
    const bool rtcp = second >= 192 && second <= 223;
    EXPECT_EQ(KindOfFirstByte(0x80, static_cast<uint8_t>(second)),
              rtcp ? PacketKind::kRtcp : PacketKind::kRtp)
        << "second byte " << second;
  }
  // Marker bit set on ordinary dynamic payload types stays RTP: 0x80|96 = 224, 0x80|111 = 239.
  EXPECT_EQ(KindOfFirstByte(0x80, 0x80 | 96), PacketKind::kRtp);
  EXPECT_EQ(KindOfFirstByte(0x80, 0x80 | 111), PacketKind::kRtp);
}

TEST(PacketKindTest, RealPacketsOfEachProtocol) {
  EXPECT_EQ(Classify(stun::rfc5769::kSampleRequest), PacketKind::kStun);
  // DTLS 1.2 handshake record header (ClientHello, record version DTLS 1.0 as OpenSSL sends).
  const Bytes client_hello = Packet({22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 1}, 113);
  EXPECT_EQ(Classify(client_hello), PacketKind::kDtls);
  const Bytes application_data = Packet({23, 0xfe, 0xfd, 0, 1}, 80);
  EXPECT_EQ(Classify(application_data), PacketKind::kDtls);
  // ChannelData on channel 0x4000 with 4 bytes of data (RFC 8656 §12.4).
  EXPECT_EQ(Classify(Bytes{0x40, 0x00, 0x00, 0x04, 1, 2, 3, 4}), PacketKind::kTurnChannelData);
  // RTP: V=2, PT=111 (Opus), seq 1, ts 0, SSRC 0x12345678, one payload byte.
  EXPECT_EQ(Classify(Bytes{0x80, 111, 0, 1, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 0xf8}),
            PacketKind::kRtp);
  // RTCP receiver report with no blocks (RFC 3550 §6.4.2): 8 bytes.
  EXPECT_EQ(Classify(Bytes{0x80, 201, 0, 1, 0x12, 0x34, 0x56, 0x78}), PacketKind::kRtcp);
  // RTCP PLI (RFC 4585 §6.3.1: PSFB 206, FMT 1).
  EXPECT_EQ(Classify(Packet({0x81, 206, 0, 2}, 12)), PacketKind::kRtcp);
}

TEST(PacketKindTest, TooShortForItsKindIsUnknown) {
  EXPECT_EQ(Classify(Packet({0x00, 0x01}, kMinStunSize - 1)), PacketKind::kUnknown);
  EXPECT_EQ(Classify(Packet({22, 0xfe, 0xfd}, kMinDtlsSize - 1)), PacketKind::kUnknown);
  EXPECT_EQ(Classify(Packet({0x40, 0x00}, kMinChannelDataSize - 1)), PacketKind::kUnknown);
  EXPECT_EQ(Classify(Packet({0x80, 96}, kMinRtpSize - 1)), PacketKind::kUnknown);
  EXPECT_EQ(Classify(Packet({0x80, 200}, kMinRtcpSize - 1)), PacketKind::kUnknown);
  EXPECT_EQ(Classify(Bytes{0x80}), PacketKind::kUnknown);
  EXPECT_EQ(Classify(Bytes{}), PacketKind::kUnknown);
}

TEST(PacketKindTest, EveryPrefixOfARealPacketClassifiesWithoutReadingPastIt) {
  const std::vector<Bytes> packets = {
      Bytes(stun::rfc5769::kSampleRequest.begin(), stun::rfc5769::kSampleRequest.end()),
      Packet({22, 0xfe, 0xfd}, 60), Packet({0x80, 111}, 40), Packet({0x80, 200}, 28),
      Bytes{0x40, 0x01, 0x00, 0x02, 9, 9}};
  for (const Bytes& packet : packets) {
    const PacketKind full = Classify(packet);
    for (size_t n = 0; n <= packet.size(); ++n) {
      // A heap copy of exactly n bytes, so ASan catches any read beyond the prefix.
      const Bytes prefix(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(n));
      const PacketKind kind = Classify(prefix);
      EXPECT_TRUE(kind == full || kind == PacketKind::kUnknown) << "prefix " << n;
    }
  }
}

TEST(PacketKindTest, NamesAreStable) {
  EXPECT_EQ(ToString(PacketKind::kDtls), "dtls");
  EXPECT_EQ(ToString(PacketKind::kRtcp), "rtcp");
  EXPECT_EQ(ToString(PacketKind::kTurnChannelData), "turn-channel-data");
}

}  // namespace
}  // namespace parley::demux
