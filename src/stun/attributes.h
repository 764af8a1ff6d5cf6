// Typed STUN attributes (RFC 8489 §14, RFC 8445 §16.1, RFC 8656 §18).
//
// A Message stores every attribute as raw type + value bytes (RawAttribute), so unknown ones
// round-trip untouched. The structs below are typed views: each has
//
//   static constexpr AttributeType kType;
//   void EncodeValue(ByteWriter& out, const TransactionId& id) const;
//   static std::optional<Self> DecodeValue(ByteView value, const TransactionId& id);
//
// and is used through Message::Add(attribute) and Message::Get<Attribute>(). The transaction id
// is needed only by the XOR-*-ADDRESS attributes. DecodeValue returns nullopt for a malformed
// value (wrong length, bad family, out-of-range field); it never reads out of bounds.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/byte_io.h"
#include "base/socket_address.h"
#include "stun/types.h"

namespace parley::stun {

struct RawAttribute {
  AttributeType type{};
  Bytes value;
  bool operator==(const RawAttribute&) const = default;
};

// Shared value codecs -------------------------------------------------------------------------

// RFC 8489 §14.1: 0x00, family (0x01 IPv4 / 0x02 IPv6), port, address.
void EncodeAddressValue(ByteWriter& out, const SocketAddress& address);
std::optional<SocketAddress> DecodeAddressValue(ByteView value);
// RFC 8489 §14.2: as above with the port XORed with the cookie's top 16 bits and the address
// XORed with the cookie (IPv4) or the cookie followed by the transaction id (IPv6).
void EncodeXorAddressValue(ByteWriter& out, const SocketAddress& address, const TransactionId& id);
std::optional<SocketAddress> DecodeXorAddressValue(ByteView value, const TransactionId& id);
// UTF-8 text kept as bytes (no validation or normalisation); nullopt if longer than max_bytes.
std::optional<std::string> DecodeTextValue(ByteView value, size_t max_bytes);

// Attribute shapes shared by several types ----------------------------------------------------

// MAPPED-ADDRESS (RFC 8489 §14.1), ALTERNATE-SERVER (§14.15).
template <AttributeType T>
struct AddressAttribute {
  static constexpr AttributeType kType = T;
  SocketAddress address;

  void EncodeValue(ByteWriter& out, const TransactionId&) const {
    EncodeAddressValue(out, address);
  }
  static std::optional<AddressAttribute> DecodeValue(ByteView value, const TransactionId&) {
    auto address = DecodeAddressValue(value);
    if (!address) return std::nullopt;
    return AddressAttribute{*address};
  }
  bool operator==(const AddressAttribute&) const = default;
};

// XOR-MAPPED-ADDRESS (RFC 8489 §14.2), XOR-PEER-ADDRESS (RFC 8656 §18.3), XOR-RELAYED-ADDRESS
// (RFC 8656 §18.5).
template <AttributeType T>
struct XorAddressAttribute {
  static constexpr AttributeType kType = T;
  SocketAddress address;

  void EncodeValue(ByteWriter& out, const TransactionId& id) const {
    EncodeXorAddressValue(out, address, id);
  }
  static std::optional<XorAddressAttribute> DecodeValue(ByteView value, const TransactionId& id) {
    auto address = DecodeXorAddressValue(value, id);
    if (!address) return std::nullopt;
    return XorAddressAttribute{*address};
  }
  bool operator==(const XorAddressAttribute&) const = default;
};

// USERNAME (§14.3, < 513 bytes), REALM (§14.9), NONCE (§14.10), SOFTWARE (§14.14) (< 763 bytes).
// Values are UTF-8 text carried as bytes: no SASLprep/OpaqueString processing is applied.
template <AttributeType T, size_t kMaxBytes>
struct TextAttribute {
  static constexpr AttributeType kType = T;
  static constexpr size_t kMaxSize = kMaxBytes;
  std::string value;

  void EncodeValue(ByteWriter& out, const TransactionId&) const { out.WriteString(value); }
  static std::optional<TextAttribute> DecodeValue(ByteView bytes, const TransactionId&) {
    auto text = DecodeTextValue(bytes, kMaxBytes);
    if (!text) return std::nullopt;
    return TextAttribute{std::move(*text)};
  }
  bool operator==(const TextAttribute&) const = default;
};

// A 32-bit unsigned integer: PRIORITY (RFC 8445 §16.1), LIFETIME (RFC 8656 §18.2, seconds).
template <AttributeType T>
struct U32Attribute {
  static constexpr AttributeType kType = T;
  uint32_t value = 0;

  void EncodeValue(ByteWriter& out, const TransactionId&) const { out.WriteU32(value); }
  static std::optional<U32Attribute> DecodeValue(ByteView bytes, const TransactionId&) {
    if (bytes.size() != 4) return std::nullopt;
    ByteReader reader(bytes);
    return U32Attribute{*reader.ReadU32()};
  }
  bool operator==(const U32Attribute&) const = default;
};

// A 64-bit tie-breaker: ICE-CONTROLLED, ICE-CONTROLLING (RFC 8445 §16.1).
template <AttributeType T>
struct U64Attribute {
  static constexpr AttributeType kType = T;
  uint64_t value = 0;

  void EncodeValue(ByteWriter& out, const TransactionId&) const { out.WriteU64(value); }
  static std::optional<U64Attribute> DecodeValue(ByteView bytes, const TransactionId&) {
    if (bytes.size() != 8) return std::nullopt;
    ByteReader reader(bytes);
    return U64Attribute{*reader.ReadU64()};
  }
  bool operator==(const U64Attribute&) const = default;
};

// No value: USE-CANDIDATE (RFC 8445 §16.1), DONT-FRAGMENT (RFC 8656 §18.9).
template <AttributeType T>
struct FlagAttribute {
  static constexpr AttributeType kType = T;

  void EncodeValue(ByteWriter&, const TransactionId&) const {}
  static std::optional<FlagAttribute> DecodeValue(ByteView bytes, const TransactionId&) {
    if (!bytes.empty()) return std::nullopt;
    return FlagAttribute{};
  }
  bool operator==(const FlagAttribute&) const = default;
};

// Opaque bytes of a fixed size: USERHASH (§14.4, 32), RESERVATION-TOKEN (RFC 8656 §18.10, 8).
template <AttributeType T, size_t kSize>
struct FixedBytesAttribute {
  static constexpr AttributeType kType = T;
  std::array<uint8_t, kSize> value{};

  void EncodeValue(ByteWriter& out, const TransactionId&) const { out.WriteBytes(value); }
  static std::optional<FixedBytesAttribute> DecodeValue(ByteView bytes, const TransactionId&) {
    if (bytes.size() != kSize) return std::nullopt;
    FixedBytesAttribute out;
    ByteReader(bytes).ReadInto(out.value);
    return out;
  }
  bool operator==(const FixedBytesAttribute&) const = default;
};

// The attributes ------------------------------------------------------------------------------

using MappedAddress = AddressAttribute<AttributeType::kMappedAddress>;
using AlternateServer = AddressAttribute<AttributeType::kAlternateServer>;
using XorMappedAddress = XorAddressAttribute<AttributeType::kXorMappedAddress>;
using XorPeerAddress = XorAddressAttribute<AttributeType::kXorPeerAddress>;
using XorRelayedAddress = XorAddressAttribute<AttributeType::kXorRelayedAddress>;

using Username = TextAttribute<AttributeType::kUsername, 513>;
using Realm = TextAttribute<AttributeType::kRealm, 763>;
using Nonce = TextAttribute<AttributeType::kNonce, 763>;
using Software = TextAttribute<AttributeType::kSoftware, 763>;

using Priority = U32Attribute<AttributeType::kPriority>;
using Lifetime = U32Attribute<AttributeType::kLifetime>;
using IceControlled = U64Attribute<AttributeType::kIceControlled>;
using IceControlling = U64Attribute<AttributeType::kIceControlling>;
using UseCandidate = FlagAttribute<AttributeType::kUseCandidate>;
using DontFragment = FlagAttribute<AttributeType::kDontFragment>;

// RFC 8489 §14.4: SHA-256(username ":" realm) (see ComputeUserhash in integrity.h).
using Userhash = FixedBytesAttribute<AttributeType::kUserhash, 32>;
using ReservationToken = FixedBytesAttribute<AttributeType::kReservationToken, 8>;

// RFC 8656 §18.4: the application data relayed by Send/Data indications.
struct Data {
  static constexpr AttributeType kType = AttributeType::kData;
  Bytes value;

  void EncodeValue(ByteWriter& out, const TransactionId&) const { out.WriteBytes(value); }
  static std::optional<Data> DecodeValue(ByteView bytes, const TransactionId&);
  bool operator==(const Data&) const = default;
};

// RFC 8489 §14.8: class (3..6) and number (0..99) as one code (300..699), plus a UTF-8 reason
// phrase (< 763 bytes).
struct ErrorCode {
  static constexpr AttributeType kType = AttributeType::kErrorCode;
  uint16_t code = 0;
  std::string reason;

  uint8_t error_class() const { return static_cast<uint8_t>(code / 100); }
  uint8_t number() const { return static_cast<uint8_t>(code % 100); }
  // `code` with its DefaultReasonPhrase().
  static ErrorCode WithDefaultReason(uint16_t code);

  // Requires 300 <= code <= 699; an out-of-range code is a programming error and aborts.
  void EncodeValue(ByteWriter& out, const TransactionId&) const;
  static std::optional<ErrorCode> DecodeValue(ByteView bytes, const TransactionId&);
  bool operator==(const ErrorCode&) const = default;
};

// RFC 8489 §14.13: the comprehension-required types a 420 response did not understand.
struct UnknownAttributes {
  static constexpr AttributeType kType = AttributeType::kUnknownAttributes;
  std::vector<AttributeType> types;

  void EncodeValue(ByteWriter& out, const TransactionId&) const;
  static std::optional<UnknownAttributes> DecodeValue(ByteView bytes, const TransactionId&);
  bool operator==(const UnknownAttributes&) const = default;
};

// RFC 8489 §14.11/§14.12: an algorithm number and its parameters (none are defined for MD5 and
// SHA-256, so `parameters` is normally empty).
struct PasswordAlgorithmEntry {
  PasswordAlgorithm algorithm = PasswordAlgorithm::kMd5;
  Bytes parameters;
  bool operator==(const PasswordAlgorithmEntry&) const = default;
};

// PASSWORD-ALGORITHMS (RFC 8489 §14.11): the server's list, in its order of preference.
struct PasswordAlgorithmsAttribute {
  static constexpr AttributeType kType = AttributeType::kPasswordAlgorithms;
  std::vector<PasswordAlgorithmEntry> algorithms;

  void EncodeValue(ByteWriter& out, const TransactionId&) const;
  static std::optional<PasswordAlgorithmsAttribute> DecodeValue(ByteView bytes,
                                                                const TransactionId&);
  bool operator==(const PasswordAlgorithmsAttribute&) const = default;
};

// PASSWORD-ALGORITHM (RFC 8489 §14.12): the one the client chose.
struct PasswordAlgorithmAttribute {
  static constexpr AttributeType kType = AttributeType::kPasswordAlgorithm;
  PasswordAlgorithmEntry entry;

  void EncodeValue(ByteWriter& out, const TransactionId&) const;
  static std::optional<PasswordAlgorithmAttribute> DecodeValue(ByteView bytes,
                                                               const TransactionId&);
  bool operator==(const PasswordAlgorithmAttribute&) const = default;
};

// RFC 8656 §18.1: a 16-bit channel number followed by 2 reserved bytes. The TURN layer checks
// the 0x4000-0x4FFF range; this codec accepts any value.
struct ChannelNumber {
  static constexpr AttributeType kType = AttributeType::kChannelNumber;
  uint16_t number = 0;

  void EncodeValue(ByteWriter& out, const TransactionId&) const;
  static std::optional<ChannelNumber> DecodeValue(ByteView bytes, const TransactionId&);
  bool operator==(const ChannelNumber&) const = default;
};

// RFC 8656 §18.6: family (0x01 IPv4, 0x02 IPv6) followed by 3 reserved bytes.
struct RequestedAddressFamily {
  static constexpr AttributeType kType = AttributeType::kRequestedAddressFamily;
  IpFamily family = IpFamily::kV4;

  void EncodeValue(ByteWriter& out, const TransactionId&) const;
  static std::optional<RequestedAddressFamily> DecodeValue(ByteView bytes, const TransactionId&);
  bool operator==(const RequestedAddressFamily&) const = default;
};

// RFC 8656 §18.7: one byte whose top bit (R) asks the server to reserve the next port too.
struct EvenPort {
  static constexpr AttributeType kType = AttributeType::kEvenPort;
  bool reserve_next = false;

  void EncodeValue(ByteWriter& out, const TransactionId&) const;
  static std::optional<EvenPort> DecodeValue(ByteView bytes, const TransactionId&);
  bool operator==(const EvenPort&) const = default;
};

// RFC 8656 §18.8: an IANA protocol number (17 = UDP, 6 = TCP) followed by 3 reserved bytes.
struct RequestedTransport {
  static constexpr AttributeType kType = AttributeType::kRequestedTransport;
  static constexpr uint8_t kUdp = 17;
  static constexpr uint8_t kTcp = 6;
  uint8_t protocol = kUdp;

  void EncodeValue(ByteWriter& out, const TransactionId&) const;
  static std::optional<RequestedTransport> DecodeValue(ByteView bytes, const TransactionId&);
  bool operator==(const RequestedTransport&) const = default;
};

// The integrity attributes. Message::Serialize appends them (never Message::Add); after Parse,
// Message::Get<MessageIntegrity>() etc. return what the message carried. Verify them with
// VerifyIntegrity / VerifyFingerprint (integrity.h).

// RFC 8489 §14.5: HMAC-SHA1, 20 bytes.
struct MessageIntegrity {
  static constexpr AttributeType kType = AttributeType::kMessageIntegrity;
  static constexpr size_t kSize = 20;
  std::array<uint8_t, kSize> hmac{};

  void EncodeValue(ByteWriter& out, const TransactionId&) const { out.WriteBytes(hmac); }
  static std::optional<MessageIntegrity> DecodeValue(ByteView bytes, const TransactionId&);
  bool operator==(const MessageIntegrity&) const = default;
};

// RFC 8489 §14.6: HMAC-SHA256, possibly truncated to 16..32 bytes in steps of 4.
struct MessageIntegritySha256 {
  static constexpr AttributeType kType = AttributeType::kMessageIntegritySha256;
  static constexpr size_t kMinSize = 16;
  static constexpr size_t kMaxSize = 32;
  Bytes hmac;

  static constexpr bool IsValidSize(size_t size) {
    return size >= kMinSize && size <= kMaxSize && size % 4 == 0;
  }
  void EncodeValue(ByteWriter& out, const TransactionId&) const { out.WriteBytes(hmac); }
  static std::optional<MessageIntegritySha256> DecodeValue(ByteView bytes, const TransactionId&);
  bool operator==(const MessageIntegritySha256&) const = default;
};

// RFC 8489 §14.7: CRC-32 of the message up to this attribute, XOR 0x5354554E.
struct Fingerprint {
  static constexpr AttributeType kType = AttributeType::kFingerprint;
  uint32_t value = 0;

  void EncodeValue(ByteWriter& out, const TransactionId&) const { out.WriteU32(value); }
  static std::optional<Fingerprint> DecodeValue(ByteView bytes, const TransactionId&);
  bool operator==(const Fingerprint&) const = default;
};

// True for the attributes only the serializer may place, at the end of a message.
constexpr bool IsIntegrityOrFingerprint(AttributeType type) {
  return type == AttributeType::kMessageIntegrity ||
         type == AttributeType::kMessageIntegritySha256 || type == AttributeType::kFingerprint;
}

}  // namespace parley::stun
