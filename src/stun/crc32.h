// CRC-32 (ISO-HDLC: reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF), as used
// by STUN's FINGERPRINT attribute (RFC 8489 §14.7, which defers to ISO/IEC 13239 / RFC 1952).
#pragma once

#include <cstdint>

#include "base/byte_io.h"

namespace parley::stun {

// The CRC-32 of `data`. Crc32("123456789") == 0xCBF43926.
uint32_t Crc32(ByteView data);

// Continues a CRC over more data: Crc32Update(Crc32(a), b) == Crc32(a ++ b).
uint32_t Crc32Update(uint32_t crc, ByteView data);

}  // namespace parley::stun
