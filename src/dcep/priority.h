// Data channel priority (RFC 8831 §6.4): carried as a 16-bit value in DATA_CHANNEL_OPEN
// (RFC 8832 §5.1); the W3C API names four levels (RTCPriorityType) whose wire values are those of
// W3C "WebRTC Priority Control" §4.2 (also used by libwebrtc).
#pragma once

#include <cstdint>
#include <string_view>

namespace parley::dcep {

enum class Priority : uint8_t { kVeryLow, kLow, kMedium, kHigh };

inline constexpr uint16_t kPriorityVeryLow = 128;
inline constexpr uint16_t kPriorityLow = 256;  // the default
inline constexpr uint16_t kPriorityMedium = 512;
inline constexpr uint16_t kPriorityHigh = 1024;

uint16_t ToWire(Priority priority);
// Any 16-bit value maps to the lowest level whose wire value is at least it: [0, 128] very-low,
// (128, 256] low, (256, 512] medium, above that high. The four values round-trip; others (RFC
// 8832 allows any) land in the nearest level above.
Priority PriorityFromWire(uint16_t value);
// "very-low", "low", "medium", "high" (RTCPriorityType).
std::string_view ToString(Priority priority);

}  // namespace parley::dcep
