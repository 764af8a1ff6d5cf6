// Bounds-checked big-endian (network order) readers and writers. Every wire-format parser reads
// through ByteReader/BitReader so a truncated or hostile input yields std::nullopt, never an
// out-of-bounds access.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace parley {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

class ByteReader {
 public:
  explicit ByteReader(ByteView data) : data_(data) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return remaining() == 0; }
  // Everything not yet read.
  ByteView rest() const { return data_.subspan(pos_); }

  std::optional<uint8_t> ReadU8() { return ReadUint<uint8_t>(1); }
  std::optional<uint16_t> ReadU16() { return ReadUint<uint16_t>(2); }
  std::optional<uint32_t> ReadU24() { return ReadUint<uint32_t>(3); }
  std::optional<uint32_t> ReadU32() { return ReadUint<uint32_t>(4); }
  std::optional<uint64_t> ReadU48() { return ReadUint<uint64_t>(6); }
  std::optional<uint64_t> ReadU64() { return ReadUint<uint64_t>(8); }
  // A view of the next n bytes (valid as long as the underlying buffer is).
  // Inline: these sit on every packet's parse path.
  std::optional<ByteView> ReadBytes(size_t n) {
    if (remaining() < n) return std::nullopt;
    ByteView out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  // Reads into `out`, all or nothing.
  bool ReadInto(std::span<uint8_t> out) {
    if (remaining() < out.size()) return false;
    if (!out.empty()) std::memcpy(out.data(), data_.data() + pos_, out.size());
    pos_ += out.size();
    return true;
  }
  bool Skip(size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }
  // Peeks without consuming.
  std::optional<uint8_t> PeekU8() const;
  std::optional<uint16_t> PeekU16() const;

 private:
  template <typename U>
  std::optional<U> ReadUint(size_t n) {
    if (remaining() < n) return std::nullopt;
    U value;
    if (n == sizeof(U)) {
      // Whole-width reads compile to one load and a byte swap.
      std::memcpy(&value, data_.data() + pos_, sizeof(U));
      if constexpr (std::endian::native == std::endian::little && sizeof(U) > 1) {
        value = ByteSwap(value);
      }
    } else {
      value = 0;
      for (size_t i = 0; i < n; ++i)
        value = static_cast<U>((value << 8) | data_[pos_ + i]);
    }
    pos_ += n;
    return value;
  }
  template <typename U>
  static U ByteSwap(U v) {
    if constexpr (sizeof(U) == 2) return __builtin_bswap16(v);
    if constexpr (sizeof(U) == 4) return __builtin_bswap32(v);
    if constexpr (sizeof(U) == 8) return __builtin_bswap64(v);
    return v;
  }

  ByteView data_;
  size_t pos_ = 0;
};

// Reads bit fields most-significant bit first, as RFC diagrams draw them.
class BitReader {
 public:
  explicit BitReader(ByteView data) : data_(data) {}

  size_t bit_position() const { return bit_pos_; }
  size_t remaining_bits() const { return data_.size() * 8 - bit_pos_; }
  // Up to 64 bits.
  std::optional<uint64_t> ReadBits(size_t count);
  std::optional<bool> ReadBit();
  bool SkipBits(size_t count);

 private:
  ByteView data_;
  size_t bit_pos_ = 0;
};

class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(size_t reserve) { buffer_.reserve(reserve); }

  size_t size() const { return buffer_.size(); }
  ByteView view() const { return buffer_; }
  Bytes Take() && { return std::move(buffer_); }

  ByteWriter& WriteU8(uint8_t v) { return WriteUint(v, 1); }
  ByteWriter& WriteU16(uint16_t v) { return WriteUint(v, 2); }
  // Writes the low 24 bits.
  ByteWriter& WriteU24(uint32_t v) { return WriteUint(v, 3); }
  ByteWriter& WriteU32(uint32_t v) { return WriteUint(v, 4); }
  ByteWriter& WriteU48(uint64_t v) { return WriteUint(v, 6); }
  ByteWriter& WriteU64(uint64_t v) { return WriteUint(v, 8); }
  ByteWriter& WriteBytes(ByteView bytes);
  ByteWriter& WriteString(std::string_view text);
  ByteWriter& WriteZeros(size_t n);
  // Pads with zeros to a multiple of `alignment` (e.g. STUN attributes to 4 bytes).
  ByteWriter& PadTo(size_t alignment);
  // Overwrites already-written bytes, e.g. a length field known only at the end. The range must
  // have been written already; out-of-range patches are a programming error and abort.
  void PatchU16(size_t offset, uint16_t v);
  void PatchU32(size_t offset, uint32_t v);

 private:
  template <typename U>
  ByteWriter& WriteUint(U v, size_t n) {
    for (size_t i = n; i-- > 0;)
      buffer_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }
  void Patch(size_t offset, uint64_t v, size_t n);

  Bytes buffer_;
};

// Writes bit fields most-significant bit first; the last byte is zero-padded.
class BitWriter {
 public:
  // Writes the low `count` bits of `value` (count <= 64).
  BitWriter& WriteBits(uint64_t value, size_t count);
  BitWriter& WriteBit(bool bit) { return WriteBits(bit ? 1 : 0, 1); }
  size_t bit_size() const { return bit_size_; }
  Bytes Take() && { return std::move(bytes_); }

 private:
  Bytes bytes_;
  size_t bit_size_ = 0;
};

}  // namespace parley
