#include "turn/stream_framer.h"

#include <cstdio>

#include "stun/message.h"
#include "stun/types.h"
#include "turn/channel_data.h"

namespace parley::turn {
namespace {

uint16_t ReadU16At(const Bytes& buffer, size_t offset) {
  return static_cast<uint16_t>((buffer[offset] << 8) | buffer[offset + 1]);
}

std::string Hex(uint32_t value, int digits) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%0*x", digits, value);
  return text;
}

}  // namespace

void StreamFramer::Push(ByteView data) {
  if (failed()) return;
  buffer_.insert(buffer_.end(), data.begin(), data.end());
  if (!Extract()) return;
  // Drop what was consumed once it dominates the buffer (amortized O(1) per byte).
  if (position_ > 0 && position_ >= buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(position_));
    position_ = 0;
  }
}

std::optional<Bytes> StreamFramer::Pop() {
  if (ready_.empty()) return std::nullopt;
  Bytes message = std::move(ready_.front());
  ready_.pop_front();
  return message;
}

bool StreamFramer::Extract() {
  while (position_ < buffer_.size()) {
    const size_t available = buffer_.size() - position_;
    const uint8_t first = buffer_[position_];
    size_t message_size = 0;  // Bytes handed out.
    size_t consumed = 0;      // Bytes taken from the stream (with ChannelData padding).
    if ((first & 0xC0) == 0x00) {
      // RFC 8489 §5: STUN. Reject a bad length or cookie as soon as its bytes are in.
      if (available >= 4 && ReadU16At(buffer_, position_ + 2) % 4 != 0) {
        Fail("STUN length not a multiple of 4");
        return false;
      }
      if (available >= 8) {
        const uint32_t cookie =
            (uint32_t{ReadU16At(buffer_, position_ + 4)} << 16) | ReadU16At(buffer_, position_ + 6);
        if (cookie != stun::kMagicCookie) {
          Fail("bad STUN magic cookie " + Hex(cookie, 8));
          return false;
        }
      }
      if (available < stun::kHeaderSize) return true;
      const auto size = stun::MessageSizeFromHeader(ByteView(buffer_).subspan(position_));
      if (!size) {
        Fail("malformed STUN header");
        return false;
      }
      message_size = consumed = *size;
    } else if ((first & 0xC0) == 0x40) {
      // RFC 8656 §12.4: ChannelData, padded to 4 bytes on streams (§12.5).
      if (available >= 2) {
        const uint16_t channel = ReadU16At(buffer_, position_);
        if (!IsValidChannelNumber(channel)) {
          Fail("ChannelData with reserved channel number " + Hex(channel, 4));
          return false;
        }
      }
      if (available < kChannelDataHeaderSize) return true;
      const uint16_t length = ReadU16At(buffer_, position_ + 2);
      message_size = kChannelDataHeaderSize + length;
      consumed = PaddedChannelDataSize(length);
    } else {
      Fail("first byte " + Hex(first, 2) + " is neither STUN nor ChannelData");
      return false;
    }
    if (available < consumed) return true;
    const auto begin = buffer_.begin() + static_cast<std::ptrdiff_t>(position_);
    ready_.emplace_back(begin, begin + static_cast<std::ptrdiff_t>(message_size));
    position_ += consumed;
  }
  return true;
}

void StreamFramer::Fail(std::string why) {
  error_ = "TURN stream framing error: " + std::move(why);
  buffer_.clear();
  position_ = 0;
}

Bytes StreamFramer::Frame(ByteView message) {
  Bytes out(message.begin(), message.end());
  if (IsChannelData(message)) out.resize(((out.size() + 3) / 4) * 4, 0);
  return out;
}

}  // namespace parley::turn
