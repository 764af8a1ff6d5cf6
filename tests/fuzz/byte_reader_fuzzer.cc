// Drives ByteReader/BitReader with a program taken from the input itself: each opcode byte picks a
// read whose size may exceed what is left. ASan catches any out-of-bounds access; the position
// must never pass the end.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "base/byte_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  parley::ByteReader reader(input);
  parley::BitReader bits(input);
  while (auto op = reader.ReadU8()) {
    switch (*op % 10) {
      case 0:
        (void)reader.ReadU16();
        break;
      case 1:
        (void)reader.ReadU24();
        break;
      case 2:
        (void)reader.ReadU32();
        break;
      case 3:
        (void)reader.ReadU48();
        break;
      case 4:
        (void)reader.ReadU64();
        break;
      case 5:
        (void)reader.ReadBytes(*op / 10);
        break;
      case 6:
        (void)reader.Skip(*op / 10);
        break;
      case 7:
        (void)reader.PeekU16();
        break;
      case 8:
        (void)bits.ReadBits(*op % 65);
        break;
      case 9:
        (void)bits.SkipBits(*op);
        break;
    }
    if (reader.position() > size || bits.bit_position() > size * 8) std::abort();
  }
  return 0;
}
