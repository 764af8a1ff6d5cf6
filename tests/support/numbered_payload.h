// Test payloads that carry their own index and size, so a receiver can check that each message
// arrived intact, once, and in which order (SCTP and data-channel tests).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/byte_io.h"

namespace parley::testing {

// A payload whose bytes encode `index` and its size, to check integrity and order.
inline Bytes NumberedPayload(uint32_t index, size_t size) {
  Bytes payload(std::max<size_t>(size, 8));
  const auto length = static_cast<uint32_t>(payload.size());
  for (size_t i = 0; i < 4; ++i) {
    payload[i] = static_cast<uint8_t>(index >> (24 - 8 * i));
    payload[4 + i] = static_cast<uint8_t>(length >> (24 - 8 * i));
  }
  for (size_t i = 8; i < payload.size(); ++i)
    payload[i] = static_cast<uint8_t>(index * 31 + i);
  return payload;
}

// The index NumberedPayload() encoded, if the payload is intact.
inline std::optional<uint32_t> PayloadIndex(const Bytes& payload) {
  if (payload.size() < 8) return std::nullopt;
  uint32_t index = 0;
  uint32_t length = 0;
  for (size_t i = 0; i < 4; ++i) {
    index = (index << 8) | payload[i];
    length = (length << 8) | payload[4 + i];
  }
  if (length != payload.size()) return std::nullopt;
  for (size_t i = 8; i < payload.size(); ++i)
    if (payload[i] != static_cast<uint8_t>(index * 31 + i)) return std::nullopt;
  return index;
}

}  // namespace parley::testing
