// Data Channel Establishment Protocol messages (RFC 8832 §5), sent with SCTP PPID 50 on the data
// channel's own stream: DATA_CHANNEL_OPEN announces a channel and its parameters,
// DATA_CHANNEL_ACK accepts it. Stateless parse and serialize; the protocol runs in datachannel/.
//
//   ParseError why;
//   std::optional<Message> in = Parse(payload, &why);
//   if (!in) { ++malformed; return; }
//   if (auto* open = std::get_if<Open>(&*in)) ...
//   Bytes wire = Serialize(Open{.channel_type = ChannelType::kReliable, .label = "chat"});
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/byte_io.h"
#include "dcep/priority.h"

namespace parley::dcep {

// RFC 8832 §8.2.1 message types.
enum class MessageType : uint8_t { kAck = 0x02, kOpen = 0x03 };

// RFC 8832 §5.1 / §8.2.2 channel types: the low bits select the reliability, 0x80 unordered.
enum class ChannelType : uint8_t {
  kReliable = 0x00,
  kReliableUnordered = 0x80,
  kPartialReliableRexmit = 0x01,
  kPartialReliableRexmitUnordered = 0x81,
  kPartialReliableTimed = 0x02,
  kPartialReliableTimedUnordered = 0x82,
};
inline constexpr uint8_t kUnorderedBit = 0x80;
bool IsValidChannelType(uint8_t value);
inline bool IsOrdered(ChannelType type) {
  return (static_cast<uint8_t>(type) & kUnorderedBit) == 0;
}

// DATA_CHANNEL_OPEN (RFC 8832 §5.1):
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  Message Type |  Channel Type |            Priority           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                    Reliability Parameter                      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |         Label Length          |       Protocol Length         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   \                             Label                             /
//   \                            Protocol                           /
// Label and protocol are UTF-8 by the RFC, but carried here as the bytes they are: browsers accept
// any bytes, and rejecting a channel over its label's encoding helps nobody.
struct Open {
  ChannelType channel_type = ChannelType::kReliable;
  uint16_t priority = kPriorityLow;
  // Retransmissions (REXMIT) or lifetime in ms (TIMED); ignored for the reliable types, but kept
  // as received so that Serialize(Parse(x)) == x.
  uint32_t reliability_parameter = 0;
  std::string label{};     // at most 65535 bytes
  std::string protocol{};  // at most 65535 bytes

  friend bool operator==(const Open&, const Open&) = default;
};
inline constexpr size_t kOpenHeaderSize = 12;

// DATA_CHANNEL_ACK (RFC 8832 §5.2): the message type byte alone.
struct Ack {
  friend bool operator==(const Ack&, const Ack&) = default;
};

using Message = std::variant<Open, Ack>;

// Why Parse() rejected a payload, for drop counters.
enum class ParseError : uint8_t {
  kEmpty,               // no message type byte
  kUnknownMessageType,  // neither 0x02 nor 0x03 (§8.2.1)
  kTruncated,           // the OPEN header, label or protocol runs past the end
  kBadChannelType,      // not one of the six channel types (§8.2.2)
};
std::string_view ParseErrorName(ParseError error);

// Parses one DCEP message filling `payload`. Bytes after a complete message are ignored, as
// libwebrtc does (the RFC defines none; future extensions could append).
std::optional<Message> Parse(ByteView payload, ParseError* error = nullptr);

// Label or protocol longer than 65535 bytes is a programming error and aborts (callers validate,
// as the W3C API does with a TypeError).
Bytes Serialize(const Message& message);

}  // namespace parley::dcep
