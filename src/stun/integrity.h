// STUN message integrity and fingerprint: keys (RFC 8489 §9.1.1 short-term, §9.2.2 long-term),
// MESSAGE-INTEGRITY (§14.5, HMAC-SHA1), MESSAGE-INTEGRITY-SHA256 (§14.6) and FINGERPRINT (§14.7).
// OpenSSL does the hashing; no OpenSSL type appears here.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "base/byte_io.h"
#include "stun/types.h"

namespace parley::stun {

class Message;

// The HMAC key for MESSAGE-INTEGRITY(-SHA256).
//
// Neither OpaqueString (RFC 8265, which RFC 8489 requires) nor SASLprep (RFC 4013, which RFC
// 5389 required) is applied: callers pass strings that are already in their processed form.
// ICE credentials (RFC 8839 ice-char: ASCII letters, digits, '+' and '/') are unchanged by
// either profile, so for ICE this is exact.
class IntegrityKey {
 public:
  IntegrityKey() = default;
  explicit IntegrityKey(Bytes key) : key_(std::move(key)) {}

  // RFC 8489 §9.1.1: short-term credentials; the key is the password itself.
  static IntegrityKey ShortTerm(std::string_view password);
  // RFC 8489 §9.2.2: long-term credentials; the key is
  //   MD5(username ":" realm ":" password)      for kMd5 (also when no algorithm was negotiated)
  //   SHA-256(username ":" realm ":" password)  for kSha256.
  // Any other algorithm number is a programming error and aborts.
  static IntegrityKey LongTerm(std::string_view username, std::string_view realm,
                               std::string_view password,
                               PasswordAlgorithm algorithm = PasswordAlgorithm::kMd5);

  ByteView bytes() const { return key_; }
  bool empty() const { return key_.empty(); }
  bool operator==(const IntegrityKey&) const = default;

 private:
  Bytes key_;
};

enum class IntegrityResult : uint8_t {
  kOk,
  kMissing,   // The message carries no such attribute (or, for raw bytes, is not STUN).
  kMismatch,  // The attribute is there but its value is wrong: tampered, or the wrong key.
};
std::string_view IntegrityResultName(IntegrityResult result);

// Checks a message returned by Parse(). RFC 8489 §9.1.3/§9.2.4: if MESSAGE-INTEGRITY-SHA256 is
// present it is the one checked; otherwise MESSAGE-INTEGRITY. Each HMAC covers the message up to
// its attribute with the header length field adjusted to end just after it (§14.5, §14.6).
// A Message built in memory (not parsed) has no wire bytes and yields kMissing.
IntegrityResult VerifyIntegrity(const Message& message, const IntegrityKey& key);
// Only MESSAGE-INTEGRITY (HMAC-SHA1), or only MESSAGE-INTEGRITY-SHA256 (compared over its
// possibly truncated length).
IntegrityResult VerifyMessageIntegrity(const Message& message, const IntegrityKey& key);
IntegrityResult VerifyMessageIntegritySha256(const Message& message, const IntegrityKey& key);
// RFC 8489 §14.7: CRC-32 of the message up to FINGERPRINT (length field adjusted), XOR
// 0x5354554E.
IntegrityResult VerifyFingerprint(const Message& message);

// The same on raw bytes (parsed first; unparseable bytes yield kMissing).
IntegrityResult VerifyIntegrity(ByteView datagram, const IntegrityKey& key);
IntegrityResult VerifyFingerprint(ByteView datagram);

// RFC 8489 §14.4: USERHASH = SHA-256(username ":" realm), both already OpaqueString-processed.
std::array<uint8_t, 32> ComputeUserhash(std::string_view username, std::string_view realm);

// Primitives (exposed for the serializer and tests).
std::array<uint8_t, 20> HmacSha1(ByteView key, ByteView data);
std::array<uint8_t, 32> HmacSha256(ByteView key, ByteView data);

}  // namespace parley::stun
