// DATA_CHANNEL_OPEN and DATA_CHANNEL_ACK (RFC 8832 §5) against byte fixtures written from the
// RFC's figures, both ways, and every way a payload can be malformed.
#include "dcep/message.h"

#include <gtest/gtest.h>

#include <string>

namespace parley::dcep {
namespace {

// §5.1: type 0x03, channel type 0x81 (PARTIAL_RELIABLE_REXMIT_UNORDERED), priority 512,
// reliability parameter 3 retransmissions, label "chat", protocol "json".
const Bytes kOpenRexmitUnordered = {0x03, 0x81, 0x02, 0x00,  // type, channel type, priority
                                    0x00, 0x00, 0x00, 0x03,  // reliability parameter
                                    0x00, 0x04, 0x00, 0x04,  // label length, protocol length
                                    'c',  'h',  'a',  't',  'j', 's', 'o', 'n'};  // label, protocol
// Reliable ordered, priority 256 (low), no label, no protocol.
const Bytes kOpenReliableEmpty = {0x03, 0x00, 0x01, 0x00, 0x00, 0x00,
                                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
// PARTIAL_RELIABLE_TIMED (ordered), 1500 ms, priority 1024, label "é" (UTF-8 C3 A9), protocol "".
const Bytes kOpenTimed = {0x03, 0x02, 0x04, 0x00, 0x00, 0x00, 0x05,
                          0xDC, 0x00, 0x02, 0x00, 0x00, 0xC3, 0xA9};
// §5.2.
const Bytes kAck = {0x02};

Open ParseOpen(const Bytes& wire) {
  ParseError why{};
  auto message = Parse(wire, &why);
  EXPECT_TRUE(message.has_value()) << ParseErrorName(why);
  if (!message || !std::holds_alternative<Open>(*message)) return {};
  return std::get<Open>(*message);
}

std::optional<ParseError> ErrorOf(const Bytes& wire) {
  ParseError why{};
  if (Parse(wire, &why)) return std::nullopt;
  return why;
}

TEST(DcepMessageTest, ParsesOpenFixture) {
  const Open open = ParseOpen(kOpenRexmitUnordered);
  EXPECT_EQ(open.channel_type, ChannelType::kPartialReliableRexmitUnordered);
  EXPECT_EQ(open.priority, 512);
  EXPECT_EQ(open.reliability_parameter, 3u);
  EXPECT_EQ(open.label, "chat");
  EXPECT_EQ(open.protocol, "json");
  EXPECT_FALSE(IsOrdered(open.channel_type));
}

TEST(DcepMessageTest, SerializesOpenFixture) {
  EXPECT_EQ(Serialize(Open{.channel_type = ChannelType::kPartialReliableRexmitUnordered,
                           .priority = kPriorityMedium,
                           .reliability_parameter = 3,
                           .label = "chat",
                           .protocol = "json"}),
            kOpenRexmitUnordered);
  EXPECT_EQ(Serialize(Open{}), kOpenReliableEmpty);
  EXPECT_EQ(Serialize(Open{.channel_type = ChannelType::kPartialReliableTimed,
                           .priority = kPriorityHigh,
                           .reliability_parameter = 1500,
                           .label = "\xC3\xA9"}),
            kOpenTimed);
}

TEST(DcepMessageTest, ParsesEmptyLabelAndUtf8Label) {
  const Open empty = ParseOpen(kOpenReliableEmpty);
  EXPECT_EQ(empty.channel_type, ChannelType::kReliable);
  EXPECT_EQ(empty.priority, kPriorityLow);
  EXPECT_TRUE(empty.label.empty());
  EXPECT_TRUE(empty.protocol.empty());
  const Open timed = ParseOpen(kOpenTimed);
  EXPECT_EQ(timed.channel_type, ChannelType::kPartialReliableTimed);
  EXPECT_EQ(timed.reliability_parameter, 1500u);
  EXPECT_EQ(timed.label, "\xC3\xA9");
}

TEST(DcepMessageTest, AckBothWays) {
  auto message = Parse(kAck);
  ASSERT_TRUE(message.has_value());
  EXPECT_TRUE(std::holds_alternative<Ack>(*message));
  EXPECT_EQ(Serialize(Ack{}), kAck);
}

TEST(DcepMessageTest, EveryChannelTypeIsAccepted) {
  for (uint8_t type : {0x00, 0x01, 0x02, 0x80, 0x81, 0x82}) {
    Bytes wire = kOpenReliableEmpty;
    wire[1] = type;
    EXPECT_EQ(static_cast<uint8_t>(ParseOpen(wire).channel_type), type);
  }
}

TEST(DcepMessageTest, BadChannelTypesAreRefused) {
  for (int type = 0; type < 256; ++type) {
    Bytes wire = kOpenReliableEmpty;
    wire[1] = static_cast<uint8_t>(type);
    const bool valid = type == 0x00 || type == 0x01 || type == 0x02 || type == 0x80 ||
                       type == 0x81 || type == 0x82;
    EXPECT_EQ(IsValidChannelType(static_cast<uint8_t>(type)), valid) << type;
    if (!valid) {
      EXPECT_EQ(ErrorOf(wire), ParseError::kBadChannelType) << type;
    }
  }
}

TEST(DcepMessageTest, UnknownMessageTypesAreRefused) {
  EXPECT_EQ(ErrorOf({}), ParseError::kEmpty);
  for (int type = 0; type < 256; ++type) {
    if (type == 0x02 || type == 0x03) continue;
    Bytes wire = kOpenRexmitUnordered;
    wire[0] = static_cast<uint8_t>(type);
    EXPECT_EQ(ErrorOf(wire), ParseError::kUnknownMessageType) << type;
  }
}

TEST(DcepMessageTest, EveryTruncationIsRefused) {
  for (size_t n = 0; n < kOpenRexmitUnordered.size(); ++n) {
    const Bytes prefix(kOpenRexmitUnordered.begin(), kOpenRexmitUnordered.begin() + n);
    EXPECT_EQ(ErrorOf(prefix), n == 0 ? ParseError::kEmpty : ParseError::kTruncated) << n;
  }
}

TEST(DcepMessageTest, LengthsBeyondTheBufferAreRefused) {
  Bytes label_too_long = kOpenRexmitUnordered;
  label_too_long[9] = 9;  // 9 + 4 > 8 bytes left
  EXPECT_EQ(ErrorOf(label_too_long), ParseError::kTruncated);
  Bytes protocol_too_long = kOpenRexmitUnordered;
  protocol_too_long[11] = 5;
  EXPECT_EQ(ErrorOf(protocol_too_long), ParseError::kTruncated);
  Bytes huge = kOpenRexmitUnordered;
  huge[8] = huge[9] = huge[10] = huge[11] = 0xFF;
  EXPECT_EQ(ErrorOf(huge), ParseError::kTruncated);
}

TEST(DcepMessageTest, TrailingBytesAreIgnored) {
  Bytes open = kOpenRexmitUnordered;
  open.push_back(0xAB);
  EXPECT_EQ(ParseOpen(open).protocol, "json");
  auto ack = Parse(Bytes{0x02, 0x00});
  ASSERT_TRUE(ack.has_value());
  EXPECT_TRUE(std::holds_alternative<Ack>(*ack));
}

TEST(DcepMessageTest, LabelBytesNeedNotBeUtf8) {
  // Browsers accept any label bytes; so do we (only the length is checked).
  const Open open{.label = std::string("\xFF\xFE\x00x", 4), .protocol = "\x80"};
  EXPECT_EQ(ParseOpen(Serialize(open)), open);
}

TEST(DcepMessageTest, LongestLabelAndProtocolRoundTrip) {
  const Open open{.channel_type = ChannelType::kReliableUnordered,
                  .priority = 0xFFFF,
                  .reliability_parameter = 0xFFFFFFFF,
                  .label = std::string(0xFFFF, 'l'),
                  .protocol = std::string(0xFFFF, 'p')};
  const Bytes wire = Serialize(open);
  EXPECT_EQ(wire.size(), kOpenHeaderSize + 2 * 0xFFFF);
  EXPECT_EQ(ParseOpen(wire), open);
}

TEST(DcepMessageTest, ParseErrorNames) {
  EXPECT_EQ(ParseErrorName(ParseError::kEmpty), "empty");
  EXPECT_EQ(ParseErrorName(ParseError::kUnknownMessageType), "unknown message type");
  EXPECT_EQ(ParseErrorName(ParseError::kTruncated), "truncated");
  EXPECT_EQ(ParseErrorName(ParseError::kBadChannelType), "bad channel type");
}

}  // namespace
}  // namespace parley::dcep
