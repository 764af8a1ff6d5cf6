#include "stun/crc32.h"

#include <array>

namespace parley::stun {
namespace {

// One table entry per byte value: the byte's CRC remainder, computed at compile time.
constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
    table[n] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = MakeTable();

}  // namespace

uint32_t Crc32Update(uint32_t crc, ByteView data) {
  uint32_t c = crc ^ 0xFFFFFFFFu;
  for (uint8_t byte : data)
    c = kTable[(c ^ byte) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

uint32_t Crc32(ByteView data) {
  return Crc32Update(0, data);
}

}  // namespace parley::stun
