// A STUN message (RFC 8489 §5, §14): class, method, transaction id and an ordered attribute list,
// with its parser and serializer. Stateless and sans-IO.
//
//   Message request = Message::Request(Method::kBinding, CryptoRandom::Instance());
//   request.Add(Username{"rfrag:lfrag"}).Add(Priority{priority}).Add(IceControlling{tie});
//   Bytes wire = request.Serialize({.key = &remote_password_key, .fingerprint = true});
//
//   ParseError why;
//   std::optional<Message> in = Parse(datagram, &why);
//   if (!in) { ++drops[why]; return; }
//   if (VerifyIntegrity(*in, key) != IntegrityResult::kOk) { ... }
//   if (auto mapped = in->Get<XorMappedAddress>()) use(mapped->address);
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/byte_io.h"
#include "base/random.h"
#include "stun/attributes.h"
#include "stun/integrity.h"
#include "stun/types.h"

namespace parley::stun {

// Why Parse() rejected a datagram, for drop counters.
enum class ParseError : uint8_t {
  kTooShort,               // Fewer than 20 bytes.
  kNotStun,                // One of the two top bits of the type is set (§5).
  kBadMagicCookie,         // Bytes 4..7 are not 0x2112A442 (§5).
  kBadLength,              // The length field is not a multiple of 4 (§5).
  kLengthMismatch,         // 20 + length differs from the datagram's size.
  kTruncatedAttribute,     // An attribute header, value or its padding runs past the end (§14).
  kBadIntegrityAttribute,  // MESSAGE-INTEGRITY(-SHA256) or FINGERPRINT of an invalid length.
};
std::string_view ParseErrorName(ParseError error);

// How Serialize() finishes the message (RFC 8489 §14.5-§14.7).
struct SerializeOptions {
  // If set, append MESSAGE-INTEGRITY and/or MESSAGE-INTEGRITY-SHA256 computed with this key.
  const IntegrityKey* key = nullptr;
  bool message_integrity = true;          // HMAC-SHA1 (§14.5); used only with a key.
  bool message_integrity_sha256 = false;  // HMAC-SHA256 (§14.6); used only with a key.
  size_t sha256_size = 32;                // Truncation: 16..32 in steps of 4 (§14.6).
  // Append FINGERPRINT last (§14.7).
  bool fingerprint = false;
  // Padding bytes after attribute values. RFC 8489 §14 says zero; RFC 5769's vectors pad with
  // 0x20 to show receivers must ignore the padding, so tests set it to reproduce them exactly.
  uint8_t padding_byte = 0;
};

class Message {
 public:
  Message(MessageClass cls, Method method, const TransactionId& transaction_id)
      : class_(cls), method_(method), transaction_id_(transaction_id) {}

  // A request or indication with a fresh transaction id from `random` (pass CryptoRandom in
  // production: §6 requires it to be uniformly random).
  static Message Request(Method method, Random& random);
  static Message Indication(Method method, Random& random);
  // RFC 8489 §6.3: a response carries the request's method and transaction id.
  static Message SuccessResponse(const Message& request);
  // An error response with ERROR-CODE (reason defaults to DefaultReasonPhrase(code)).
  static Message ErrorResponse(const Message& request, uint16_t code, std::string_view reason = {});
  // RFC 8489 §6.3.1.1: 420 (Unknown Attribute) listing `unknown` in UNKNOWN-ATTRIBUTES, e.g.
  // UnknownAttributesResponse(request, request.UnknownComprehensionRequired()).
  static Message UnknownAttributesResponse(const Message& request,
                                           std::vector<AttributeType> unknown);

  MessageClass message_class() const { return class_; }
  Method method() const { return method_; }
  const TransactionId& transaction_id() const { return transaction_id_; }
  bool is_request() const { return class_ == MessageClass::kRequest; }
  bool is_indication() const { return class_ == MessageClass::kIndication; }
  bool is_success_response() const { return class_ == MessageClass::kSuccessResponse; }
  bool is_error_response() const { return class_ == MessageClass::kErrorResponse; }
  bool is_response() const { return is_success_response() || is_error_response(); }
  // The 14-bit type field (§5).
  uint16_t type() const { return EncodeMessageType(class_, method_); }

  // Attributes in wire order, excluding MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT, which the
  // serializer appends and Parse() records separately (see integrity_attributes()).
  const std::vector<RawAttribute>& attributes() const { return attributes_; }

  // Appends a typed attribute, encoded now (XOR addresses use this message's transaction id).
  template <typename A>
  Message& Add(const A& attribute) {
    static_assert(!IsIntegrityOrFingerprint(A::kType),
                  "MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT are added by Serialize()");
    ByteWriter value;
    attribute.EncodeValue(value, transaction_id_);
    return AddRaw(A::kType, std::move(value).Take());
  }
  // Appends raw bytes under any type, e.g. to relay an unknown attribute. Values longer than
  // 65535 bytes, and the integrity/fingerprint types, are programming errors and abort.
  Message& AddRaw(AttributeType type, Bytes value);

  // The first attribute of type A, decoded; nullopt if absent or malformed. Integrity and
  // fingerprint attributes are found among integrity_attributes().
  template <typename A>
  std::optional<A> Get() const {
    const RawAttribute* raw = Find(A::kType);
    if (raw == nullptr) return std::nullopt;
    return A::DecodeValue(raw->value, transaction_id_);
  }
  // Every well-formed attribute of type A, in order (e.g. XOR-PEER-ADDRESS in CreatePermission).
  template <typename A>
  std::vector<A> GetAll() const {
    std::vector<A> out;
    for (const RawAttribute& raw : attributes_) {
      if (raw.type != A::kType) continue;
      if (auto value = A::DecodeValue(raw.value, transaction_id_)) out.push_back(std::move(*value));
    }
    return out;
  }
  template <typename A>
  bool Has() const {
    return Find(A::kType) != nullptr;
  }
  bool Has(AttributeType type) const { return Find(type) != nullptr; }
  // The first attribute of `type`, raw; nullptr if absent.
  const RawAttribute* Find(AttributeType type) const;
  // Removes every attribute of `type`; returns how many.
  size_t Remove(AttributeType type);

  // RFC 8489 §6.3.1: comprehension-required attribute types (< 0x8000) this codec does not know,
  // each listed once in order of appearance. A server answers a request that has any with
  // UnknownAttributesResponse(); other messages with any are discarded.
  std::vector<AttributeType> UnknownComprehensionRequired() const;

  // Writes the message: header, attributes (each padded to 4 bytes), then MESSAGE-INTEGRITY,
  // MESSAGE-INTEGRITY-SHA256 and FINGERPRINT as `options` asks, each computed with the header
  // length covering the message up to and including itself (§14.5-§14.7). A message whose
  // attributes exceed the 16-bit length field is a programming error and aborts.
  Bytes Serialize(const SerializeOptions& options = {}) const;

  // --- Filled in by Parse() --------------------------------------------------------------

  // The exact bytes parsed (empty for a message built in memory).
  ByteView raw() const { return raw_; }
  // MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT as received, in wire order.
  const std::vector<RawAttribute>& integrity_attributes() const { return integrity_; }
  // Byte offsets in raw() of each one's attribute header (§14.5-§14.7 need them to recompute).
  std::optional<size_t> message_integrity_offset() const { return mi_offset_; }
  std::optional<size_t> message_integrity_sha256_offset() const { return mi_sha256_offset_; }
  std::optional<size_t> fingerprint_offset() const { return fingerprint_offset_; }
  // Attributes Parse() skipped because they followed MESSAGE-INTEGRITY(-SHA256) or FINGERPRINT
  // (§14.5, §14.6, §14.7).
  size_t ignored_attribute_count() const { return ignored_attributes_; }

  // Structural equality: class, method, transaction id and attributes (not the parse record).
  bool SameContent(const Message& other) const {
    return class_ == other.class_ && method_ == other.method_ &&
           transaction_id_ == other.transaction_id_ && attributes_ == other.attributes_;
  }

 private:
  friend std::optional<Message> Parse(ByteView datagram, ParseError* error);

  MessageClass class_;
  Method method_;
  TransactionId transaction_id_;
  std::vector<RawAttribute> attributes_;

  Bytes raw_;
  std::vector<RawAttribute> integrity_;
  std::optional<size_t> mi_offset_;
  std::optional<size_t> mi_sha256_offset_;
  std::optional<size_t> fingerprint_offset_;
  size_t ignored_attributes_ = 0;
};

// Parses one STUN message that fills the whole datagram (RFC 8489 §5, §6.3): the top two bits
// are zero, the magic cookie matches, the length is a multiple of 4 and equals the datagram's
// remaining bytes, and every attribute with its padding lies within it. Attributes after
// MESSAGE-INTEGRITY are ignored except MESSAGE-INTEGRITY-SHA256 and FINGERPRINT; after
// MESSAGE-INTEGRITY-SHA256 all but FINGERPRINT; after FINGERPRINT all (§14.5-§14.7). Padding
// bytes are not checked (§14: receivers ignore them). On failure, *error (if given) says why.
// Never throws and never reads outside `datagram`.
std::optional<Message> Parse(ByteView datagram, ParseError* error = nullptr);

// RFC 7983 demultiplexing: at least a header, first byte 0..3 and the magic cookie. Cheap; a
// true result does not promise Parse() succeeds.
bool IsStun(ByteView datagram);

// For stream transports (TCP/TLS, RFC 8489 §6.2.2): given at least the 20-byte header, the size
// of the whole message (20 + length); nullopt if the header is not STUN or is incomplete.
std::optional<size_t> MessageSizeFromHeader(ByteView header);

}  // namespace parley::stun
