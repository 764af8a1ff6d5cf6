// TURN ChannelData messages (RFC 8656 §12.4): the 4-byte-header framing that carries application
// data over a bound channel instead of a 36+-byte Send/Data indication.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |         Channel Number        |            Length             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   /                       Application Data                        /
//   +-------------------------------+-------------------------------+
//
// Padding (§12.5): over TCP and TLS the message is padded to a multiple of 4 bytes (the length
// field does not count the padding); over UDP the padding is optional, so a receiver accepts a
// datagram with or without it. Stateless and sans-IO.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/byte_io.h"

namespace parley::turn {

// RFC 8656 §12: channel numbers 0x4000 through 0x4FFF; 0x5000-0xFFFF are reserved (RFC 7983
// keeps them clear of other protocols' first bytes), 0x0000-0x3FFF cannot be channels because
// their top bits would collide with STUN.
inline constexpr uint16_t kMinChannelNumber = 0x4000;
inline constexpr uint16_t kMaxChannelNumber = 0x4FFF;
inline constexpr size_t kChannelDataHeaderSize = 4;

constexpr bool IsValidChannelNumber(uint16_t number) {
  return number >= kMinChannelNumber && number <= kMaxChannelNumber;
}

// RFC 7983 demultiplexing: the first byte of a ChannelData message is 64..79 (0x40-0x4F). Cheap;
// a true result does not promise ParseChannelData() succeeds.
bool IsChannelData(ByteView message);

// The padded size of a ChannelData message carrying `data_size` bytes: header + data rounded up
// to a multiple of 4 (§12.5).
constexpr size_t PaddedChannelDataSize(size_t data_size) {
  return kChannelDataHeaderSize + ((data_size + 3) & ~size_t{3});
}

enum class ChannelDataPadding : uint8_t {
  kNone,      // UDP (§12.5: padding not required).
  kFourByte,  // TCP/TLS (§12.5: padded to a multiple of 4).
};

// Why ParseChannelData() rejected a message, for drop counters.
enum class ChannelDataError : uint8_t {
  kTooShort,          // Fewer than 4 bytes.
  kBadChannelNumber,  // Not within 0x4000-0x4FFF (§12).
  kTruncated,         // The length field claims more data than the message holds (§12.4).
  kTrailingBytes,     // More bytes than the data plus at most 3 bytes of padding (§12.5).
};
std::string_view ChannelDataErrorName(ChannelDataError error);

// A parsed ChannelData message. `data` points into the parsed buffer: valid only as long as it.
struct ChannelDataView {
  uint16_t channel = 0;
  ByteView data;
};

// Parses one ChannelData message filling `message`, with or without its padding (0-3 bytes after
// the data, not checked for zeros: §12.5 lets receivers ignore them). Never reads outside
// `message`.
std::optional<ChannelDataView> ParseChannelData(ByteView message,
                                                ChannelDataError* error = nullptr);

// Serializes a ChannelData message. `channel` outside 0x4000-0x4FFF and data longer than 65535
// bytes are programming errors and abort.
Bytes SerializeChannelData(uint16_t channel, ByteView data,
                           ChannelDataPadding padding = ChannelDataPadding::kNone);

}  // namespace parley::turn
