// STUN vocabulary (RFC 8489 §5, §18): message classes and methods, the type-field bit
// interleaving, transaction ids, attribute type numbers and error codes. Plain values only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "base/random.h"

namespace parley::stun {

// RFC 8489 §5: the fixed value in bytes 4..7 of every message (network order).
inline constexpr uint32_t kMagicCookie = 0x2112A442;
inline constexpr size_t kHeaderSize = 20;
inline constexpr size_t kAttributeHeaderSize = 4;
// RFC 8489 §14.7: FINGERPRINT is CRC-32 XOR this ("STUN" in ASCII).
inline constexpr uint32_t kFingerprintXor = 0x5354554E;

// RFC 8489 §5: the 96-bit transaction id. Generate it with NewTransactionId(CryptoRandom&) in
// production: it must be uniformly random so that off-path attackers cannot forge responses.
using TransactionId = std::array<uint8_t, 12>;

TransactionId NewTransactionId(Random& random);
// 24 lowercase hex digits, for logs.
std::string ToHex(const TransactionId& id);

// RFC 8489 §5: the two class bits C1 C0.
enum class MessageClass : uint8_t {
  kRequest = 0b00,
  kIndication = 0b01,
  kSuccessResponse = 0b10,
  kErrorResponse = 0b11,
};

// RFC 8489 §18.2 and RFC 8656 (IANA "STUN Methods"). Any 12-bit value is representable;
// unnamed values parse and round-trip.
enum class Method : uint16_t {
  kBinding = 0x001,
  kAllocate = 0x003,          // RFC 8656 (TURN)
  kRefresh = 0x004,           // RFC 8656
  kSend = 0x006,              // RFC 8656 (indication only)
  kData = 0x007,              // RFC 8656 (indication only)
  kCreatePermission = 0x008,  // RFC 8656
  kChannelBind = 0x009,       // RFC 8656
};
inline constexpr uint16_t kMaxMethod = 0x0FFF;

// RFC 8489 §5, figure 3: the 14-bit message type interleaves the method bits M11..M0 with the
// class bits C1 C0:  0 0 M11 M10 M9 M8 M7 C1 M6 M5 M4 C0 M3 M2 M1 M0.
constexpr uint16_t EncodeMessageType(MessageClass cls, Method method) {
  const auto m = static_cast<uint16_t>(static_cast<uint16_t>(method) & kMaxMethod);
  const auto c = static_cast<uint16_t>(cls);
  return static_cast<uint16_t>((m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) |
                               ((c & 0b01) << 4) | ((c & 0b10) << 7));
}
constexpr MessageClass MessageClassFromType(uint16_t type) {
  return static_cast<MessageClass>(((type >> 4) & 0b01) | ((type >> 7) & 0b10));
}
constexpr Method MethodFromType(uint16_t type) {
  return static_cast<Method>((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));
}

// RFC 8489 §18.3 (IANA "STUN Attributes"), RFC 8445 §16.1 (ICE), RFC 8656 §18 (TURN). Any
// 16-bit value is representable; unknown ones are kept as raw bytes.
enum class AttributeType : uint16_t {
  // Comprehension-required (0x0000-0x7FFF).
  kMappedAddress = 0x0001,           // RFC 8489 §14.1
  kUsername = 0x0006,                // RFC 8489 §14.3
  kMessageIntegrity = 0x0008,        // RFC 8489 §14.5
  kErrorCode = 0x0009,               // RFC 8489 §14.8
  kUnknownAttributes = 0x000A,       // RFC 8489 §14.13
  kChannelNumber = 0x000C,           // RFC 8656 §18.1
  kLifetime = 0x000D,                // RFC 8656 §18.2
  kXorPeerAddress = 0x0012,          // RFC 8656 §18.3
  kData = 0x0013,                    // RFC 8656 §18.4
  kRealm = 0x0014,                   // RFC 8489 §14.9
  kNonce = 0x0015,                   // RFC 8489 §14.10
  kXorRelayedAddress = 0x0016,       // RFC 8656 §18.5
  kRequestedAddressFamily = 0x0017,  // RFC 8656 §18.6
  kEvenPort = 0x0018,                // RFC 8656 §18.7
  kRequestedTransport = 0x0019,      // RFC 8656 §18.8
  kDontFragment = 0x001A,            // RFC 8656 §18.9
  kMessageIntegritySha256 = 0x001C,  // RFC 8489 §14.6
  kPasswordAlgorithm = 0x001D,       // RFC 8489 §14.12
  kUserhash = 0x001E,                // RFC 8489 §14.4
  kXorMappedAddress = 0x0020,        // RFC 8489 §14.2
  kReservationToken = 0x0022,        // RFC 8656 §18.10
  kPriority = 0x0024,                // RFC 8445 §16.1
  kUseCandidate = 0x0025,            // RFC 8445 §16.1
  // Comprehension-optional (0x8000-0xFFFF).
  kAdditionalAddressFamily = 0x8000,  // RFC 8656 §18.11
  kAddressErrorCode = 0x8001,         // RFC 8656 §18.12
  kPasswordAlgorithms = 0x8002,       // RFC 8489 §14.11
  kAlternateDomain = 0x8003,          // RFC 8489 §14.16
  kIcmp = 0x8004,                     // RFC 8656 §18.13
  kSoftware = 0x8022,                 // RFC 8489 §14.14
  kAlternateServer = 0x8023,          // RFC 8489 §14.15
  kFingerprint = 0x8028,              // RFC 8489 §14.7
  kIceControlled = 0x8029,            // RFC 8445 §16.1
  kIceControlling = 0x802A,           // RFC 8445 §16.1
  kGoogNetworkInfo = 0xC057,          // Google (libwebrtc), unregistered-range; kept raw
};

// RFC 8489 §14: types below 0x8000 must be understood or the request fails with 420.
constexpr bool IsComprehensionRequired(AttributeType type) {
  return static_cast<uint16_t>(type) < 0x8000;
}
// Whether this codec knows how to decode `type` (i.e. it is not "unknown" in the sense of
// RFC 8489 §6.3.1). MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT count as known.
bool IsKnownAttribute(AttributeType type);

// RFC 8489 §18.5 (IANA "STUN Password Algorithms").
enum class PasswordAlgorithm : uint16_t {
  kMd5 = 0x0001,     // RFC 8489 §18.5.1.1
  kSha256 = 0x0002,  // RFC 8489 §18.5.1.2
};

// RFC 8489 §14.8, RFC 8656 (TURN) and RFC 8445 §7.3.1.1 (487 Role Conflict): error codes with
// defined meanings.
namespace error_code {
inline constexpr uint16_t kTryAlternate = 300;
inline constexpr uint16_t kBadRequest = 400;
inline constexpr uint16_t kUnauthorized = 401;
inline constexpr uint16_t kForbidden = 403;
inline constexpr uint16_t kUnknownAttribute = 420;
inline constexpr uint16_t kAllocationMismatch = 437;
inline constexpr uint16_t kStaleNonce = 438;
inline constexpr uint16_t kAddressFamilyNotSupported = 440;
inline constexpr uint16_t kWrongCredentials = 441;
inline constexpr uint16_t kUnsupportedTransportProtocol = 442;
inline constexpr uint16_t kPeerAddressFamilyMismatch = 443;
inline constexpr uint16_t kAllocationQuotaReached = 486;
inline constexpr uint16_t kRoleConflict = 487;
inline constexpr uint16_t kServerError = 500;
inline constexpr uint16_t kInsufficientCapacity = 508;
}  // namespace error_code

// The RFC's suggested reason phrase for `code`, or "" if it has none.
std::string_view DefaultReasonPhrase(uint16_t code);

// Names for logs: "Binding", "success response", "XOR-MAPPED-ADDRESS"; unknown values print in
// hex ("0x0abc").
std::string MethodName(Method method);
std::string_view MessageClassName(MessageClass cls);
std::string AttributeTypeName(AttributeType type);

std::ostream& operator<<(std::ostream& os, Method method);
std::ostream& operator<<(std::ostream& os, MessageClass cls);
std::ostream& operator<<(std::ostream& os, AttributeType type);

}  // namespace parley::stun
