#include "base/byte_io.h"

#include <cstdlib>
#include <cstring>

namespace parley {

std::optional<uint8_t> ByteReader::PeekU8() const {
  if (remaining() < 1) return std::nullopt;
  return data_[pos_];
}

std::optional<uint16_t> ByteReader::PeekU16() const {
  if (remaining() < 2) return std::nullopt;
  return static_cast<uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
}

std::optional<uint64_t> BitReader::ReadBits(size_t count) {
  if (count > 64 || count > remaining_bits()) return std::nullopt;
  uint64_t value = 0;
  for (size_t i = 0; i < count; ++i, ++bit_pos_) {
    const uint8_t byte = data_[bit_pos_ / 8];
    value = (value << 1) | ((byte >> (7 - bit_pos_ % 8)) & 1u);
  }
  return value;
}

std::optional<bool> BitReader::ReadBit() {
  auto bit = ReadBits(1);
  if (!bit) return std::nullopt;
  return *bit != 0;
}

bool BitReader::SkipBits(size_t count) {
  if (count > remaining_bits()) return false;
  bit_pos_ += count;
  return true;
}

ByteWriter& ByteWriter::WriteBytes(ByteView bytes) {
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  return *this;
}

ByteWriter& ByteWriter::WriteString(std::string_view text) {
  buffer_.insert(buffer_.end(), text.begin(), text.end());
  return *this;
}

ByteWriter& ByteWriter::WriteZeros(size_t n) {
  buffer_.resize(buffer_.size() + n, 0);
  return *this;
}

ByteWriter& ByteWriter::PadTo(size_t alignment) {
  if (alignment > 1 && buffer_.size() % alignment != 0)
    WriteZeros(alignment - buffer_.size() % alignment);
  return *this;
}

void ByteWriter::PatchU16(size_t offset, uint16_t v) {
  Patch(offset, v, 2);
}
void ByteWriter::PatchU32(size_t offset, uint32_t v) {
  Patch(offset, v, 4);
}

void ByteWriter::Patch(size_t offset, uint64_t v, size_t n) {
  if (offset > buffer_.size() || buffer_.size() - offset < n) std::abort();
  for (size_t i = 0; i < n; ++i)
    buffer_[offset + i] = static_cast<uint8_t>(v >> (8 * (n - 1 - i)));
}

BitWriter& BitWriter::WriteBits(uint64_t value, size_t count) {
  if (count > 64) std::abort();
  for (size_t i = count; i-- > 0;) {
    if (bit_size_ % 8 == 0) bytes_.push_back(0);
    if ((value >> i) & 1u) bytes_.back() |= static_cast<uint8_t>(0x80u >> (bit_size_ % 8));
    ++bit_size_;
  }
  return *this;
}

}  // namespace parley
