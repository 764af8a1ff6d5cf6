#include "dcep/message.h"

#include <cstdlib>

#include "base/logging.h"

namespace parley::dcep {

bool IsValidChannelType(uint8_t value) {
  switch (value & ~kUnorderedBit) {
    case 0x00:
    case 0x01:
    case 0x02:
      return true;
    default:
      return false;
  }
}

std::string_view ParseErrorName(ParseError error) {
  switch (error) {
    case ParseError::kEmpty:
      return "empty";
    case ParseError::kUnknownMessageType:
      return "unknown message type";
    case ParseError::kTruncated:
      return "truncated";
    case ParseError::kBadChannelType:
      return "bad channel type";
  }
  return "unknown";
}

namespace {

std::optional<Message> Fail(ParseError why, ParseError* error) {
  if (error) *error = why;
  return std::nullopt;
}

}  // namespace

std::optional<Message> Parse(ByteView payload, ParseError* error) {
  ByteReader reader(payload);
  const auto type = reader.ReadU8();
  if (!type) return Fail(ParseError::kEmpty, error);
  if (*type == static_cast<uint8_t>(MessageType::kAck)) return Ack{};
  if (*type != static_cast<uint8_t>(MessageType::kOpen)) {
    return Fail(ParseError::kUnknownMessageType, error);
  }
  const auto channel_type = reader.ReadU8();
  const auto priority = reader.ReadU16();
  const auto reliability = reader.ReadU32();
  const auto label_length = reader.ReadU16();
  const auto protocol_length = reader.ReadU16();
  if (!channel_type || !priority || !reliability || !label_length || !protocol_length) {
    return Fail(ParseError::kTruncated, error);
  }
  if (!IsValidChannelType(*channel_type)) return Fail(ParseError::kBadChannelType, error);
  const auto label = reader.ReadBytes(*label_length);
  if (!label) return Fail(ParseError::kTruncated, error);
  const auto protocol = reader.ReadBytes(*protocol_length);
  if (!protocol) return Fail(ParseError::kTruncated, error);
  return Open{.channel_type = static_cast<ChannelType>(*channel_type),
              .priority = *priority,
              .reliability_parameter = *reliability,
              .label = std::string(label->begin(), label->end()),
              .protocol = std::string(protocol->begin(), protocol->end())};
}

Bytes Serialize(const Message& message) {
  if (std::holds_alternative<Ack>(message)) return Bytes{static_cast<uint8_t>(MessageType::kAck)};
  const Open& open = std::get<Open>(message);
  if (open.label.size() > 0xFFFF || open.protocol.size() > 0xFFFF) {
    PARLEY_LOG(kError, "dcep") << "label or protocol longer than 65535 bytes";
    std::abort();
  }
  ByteWriter writer(kOpenHeaderSize + open.label.size() + open.protocol.size());
  writer.WriteU8(static_cast<uint8_t>(MessageType::kOpen))
      .WriteU8(static_cast<uint8_t>(open.channel_type))
      .WriteU16(open.priority)
      .WriteU32(open.reliability_parameter)
      .WriteU16(static_cast<uint16_t>(open.label.size()))
      .WriteU16(static_cast<uint16_t>(open.protocol.size()))
      .WriteString(open.label)
      .WriteString(open.protocol);
  return std::move(writer).Take();
}

}  // namespace parley::dcep
