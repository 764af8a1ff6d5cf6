#include "stun/message.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "stun/crc32.h"

namespace parley::stun {
namespace {

constexpr size_t kMaxBodySize = 0xFFFF;

[[noreturn]] void ProgrammingError(const char* what) {
  std::fprintf(stderr, "parley::stun: %s\n", what);
  std::abort();
}

size_t PaddingFor(size_t length) {
  return (4 - length % 4) % 4;
}

// Writes the message length field so that it covers everything written so far plus `extra`
// bytes still to come (§14.5-§14.7 compute each trailer with the length ending at itself).
void PatchLength(ByteWriter& writer, size_t extra) {
  const size_t body = writer.size() - kHeaderSize + extra;
  if (body > kMaxBodySize) ProgrammingError("message longer than the 16-bit length field allows");
  writer.PatchU16(2, static_cast<uint16_t>(body));
}

}  // namespace

std::string_view ParseErrorName(ParseError error) {
  switch (error) {
    case ParseError::kTooShort:
      return "too short";
    case ParseError::kNotStun:
      return "not STUN (top bits set)";
    case ParseError::kBadMagicCookie:
      return "bad magic cookie";
    case ParseError::kBadLength:
      return "length not a multiple of 4";
    case ParseError::kLengthMismatch:
      return "length does not match the datagram";
    case ParseError::kTruncatedAttribute:
      return "truncated attribute";
    case ParseError::kBadIntegrityAttribute:
      return "malformed integrity or fingerprint attribute";
  }
  return "?";
}

Message Message::Request(Method method, Random& random) {
  return Message(MessageClass::kRequest, method, NewTransactionId(random));
}

Message Message::Indication(Method method, Random& random) {
  return Message(MessageClass::kIndication, method, NewTransactionId(random));
}

Message Message::SuccessResponse(const Message& request) {
  return Message(MessageClass::kSuccessResponse, request.method(), request.transaction_id());
}

Message Message::ErrorResponse(const Message& request, uint16_t code, std::string_view reason) {
  Message response(MessageClass::kErrorResponse, request.method(), request.transaction_id());
  response.Add(ErrorCode{code, std::string(reason.empty() ? DefaultReasonPhrase(code) : reason)});
  return response;
}

Message Message::UnknownAttributesResponse(const Message& request,
                                           std::vector<AttributeType> unknown) {
  Message response = ErrorResponse(request, error_code::kUnknownAttribute);
  response.Add(UnknownAttributes{std::move(unknown)});
  return response;
}

Message& Message::AddRaw(AttributeType type, Bytes value) {
  if (IsIntegrityOrFingerprint(type)) {
    ProgrammingError("MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT are added by Serialize()");
  }
  if (value.size() > kMaxBodySize) ProgrammingError("attribute value longer than 65535 bytes");
  attributes_.push_back(RawAttribute{type, std::move(value)});
  return *this;
}

const RawAttribute* Message::Find(AttributeType type) const {
  const auto& list = IsIntegrityOrFingerprint(type) ? integrity_ : attributes_;
  auto it = std::find_if(list.begin(), list.end(),
                         [type](const RawAttribute& a) { return a.type == type; });
  return it == list.end() ? nullptr : &*it;
}

size_t Message::Remove(AttributeType type) {
  return std::erase_if(attributes_, [type](const RawAttribute& a) { return a.type == type; });
}

std::vector<AttributeType> Message::UnknownComprehensionRequired() const {
  std::vector<AttributeType> unknown;
  for (const RawAttribute& attribute : attributes_) {
    if (!IsComprehensionRequired(attribute.type) || IsKnownAttribute(attribute.type)) continue;
    if (std::find(unknown.begin(), unknown.end(), attribute.type) == unknown.end()) {
      unknown.push_back(attribute.type);
    }
  }
  return unknown;
}

Bytes Message::Serialize(const SerializeOptions& options) const {
  size_t estimate = kHeaderSize + 24 + 36 + 8;
  for (const RawAttribute& a : attributes_)
    estimate += kAttributeHeaderSize + a.value.size() + 3;
  ByteWriter out(estimate);

  // §5: type, length (patched below), magic cookie, transaction id.
  out.WriteU16(type()).WriteU16(0).WriteU32(kMagicCookie).WriteBytes(transaction_id_);

  // §14: type, length (unpadded), value, padding to a multiple of 4.
  for (const RawAttribute& a : attributes_) {
    out.WriteU16(static_cast<uint16_t>(a.type)).WriteU16(static_cast<uint16_t>(a.value.size()));
    out.WriteBytes(a.value);
    for (size_t i = 0; i < PaddingFor(a.value.size()); ++i)
      out.WriteU8(options.padding_byte);
  }

  if (options.key != nullptr && options.message_integrity) {
    // §14.5: HMAC-SHA1 over everything before this attribute, with the length field already
    // counting the 24 bytes of MESSAGE-INTEGRITY itself.
    PatchLength(out, kAttributeHeaderSize + MessageIntegrity::kSize);
    const auto hmac = HmacSha1(options.key->bytes(), out.view());
    out.WriteU16(static_cast<uint16_t>(AttributeType::kMessageIntegrity))
        .WriteU16(MessageIntegrity::kSize)
        .WriteBytes(hmac);
  }
  if (options.key != nullptr && options.message_integrity_sha256) {
    // §14.6: likewise with HMAC-SHA256, optionally truncated to its leftmost sha256_size bytes.
    const size_t size = options.sha256_size;
    if (!MessageIntegritySha256::IsValidSize(size)) {
      ProgrammingError("MESSAGE-INTEGRITY-SHA256 size must be 16..32 in steps of 4");
    }
    PatchLength(out, kAttributeHeaderSize + size);
    const auto hmac = HmacSha256(options.key->bytes(), out.view());
    out.WriteU16(static_cast<uint16_t>(AttributeType::kMessageIntegritySha256))
        .WriteU16(static_cast<uint16_t>(size))
        .WriteBytes(ByteView(hmac.data(), size));
  }
  if (options.fingerprint) {
    // §14.7: CRC-32 of everything before it (length counting its 8 bytes), XOR "STUN".
    PatchLength(out, kAttributeHeaderSize + 4);
    const uint32_t crc = Crc32(out.view()) ^ kFingerprintXor;
    out.WriteU16(static_cast<uint16_t>(AttributeType::kFingerprint)).WriteU16(4).WriteU32(crc);
  }
  PatchLength(out, 0);
  return std::move(out).Take();
}

std::optional<Message> Parse(ByteView datagram, ParseError* error) {
  auto fail = [error](ParseError why) -> std::optional<Message> {
    if (error != nullptr) *error = why;
    return std::nullopt;
  };
  if (datagram.size() < kHeaderSize) return fail(ParseError::kTooShort);

  ByteReader reader(datagram);
  const uint16_t type = *reader.ReadU16();
  const uint16_t length = *reader.ReadU16();
  const uint32_t cookie = *reader.ReadU32();
  TransactionId id;
  reader.ReadInto(id);
  // §5: "The most significant 2 bits of every STUN message MUST be zeroes."
  if ((type & 0xC000) != 0) return fail(ParseError::kNotStun);
  if (cookie != kMagicCookie) return fail(ParseError::kBadMagicCookie);
  // §5: all attributes are padded to 4 bytes, so the length is always a multiple of 4.
  if (length % 4 != 0) return fail(ParseError::kBadLength);
  if (kHeaderSize + length != datagram.size()) return fail(ParseError::kLengthMismatch);

  Message message(MessageClassFromType(type), MethodFromType(type), id);
  bool after_integrity = false;         // Saw MESSAGE-INTEGRITY (§14.5).
  bool after_integrity_sha256 = false;  // Saw MESSAGE-INTEGRITY-SHA256 (§14.6).
  bool after_fingerprint = false;       // Saw FINGERPRINT (§14.7).
  while (!reader.empty()) {
    const size_t offset = reader.position();
    auto attribute_type = reader.ReadU16();
    auto attribute_length = reader.ReadU16();
    if (!attribute_type || !attribute_length) return fail(ParseError::kTruncatedAttribute);
    auto value = reader.ReadBytes(*attribute_length);
    if (!value || !reader.Skip(PaddingFor(*attribute_length))) {
      return fail(ParseError::kTruncatedAttribute);
    }
    const auto kind = static_cast<AttributeType>(*attribute_type);

    // §14.5: after MESSAGE-INTEGRITY only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT count; §14.6:
    // after MESSAGE-INTEGRITY-SHA256 only FINGERPRINT; §14.7: FINGERPRINT is last.
    const bool ignored = after_fingerprint ||
                         (after_integrity_sha256 && kind != AttributeType::kFingerprint) ||
                         (after_integrity && kind != AttributeType::kFingerprint &&
                          kind != AttributeType::kMessageIntegritySha256);
    if (ignored) {
      ++message.ignored_attributes_;
      continue;
    }

    RawAttribute attribute{kind, Bytes(value->begin(), value->end())};
    switch (kind) {
      case AttributeType::kMessageIntegrity:
        if (attribute.value.size() != MessageIntegrity::kSize) {
          return fail(ParseError::kBadIntegrityAttribute);
        }
        after_integrity = true;
        message.mi_offset_ = offset;
        message.integrity_.push_back(std::move(attribute));
        break;
      case AttributeType::kMessageIntegritySha256:
        if (!MessageIntegritySha256::IsValidSize(attribute.value.size())) {
          return fail(ParseError::kBadIntegrityAttribute);
        }
        after_integrity_sha256 = true;
        message.mi_sha256_offset_ = offset;
        message.integrity_.push_back(std::move(attribute));
        break;
      case AttributeType::kFingerprint:
        if (attribute.value.size() != 4) return fail(ParseError::kBadIntegrityAttribute);
        after_fingerprint = true;
        message.fingerprint_offset_ = offset;
        message.integrity_.push_back(std::move(attribute));
        break;
      default:
        message.attributes_.push_back(std::move(attribute));
        break;
    }
  }
  message.raw_.assign(datagram.begin(), datagram.end());
  return message;
}

bool IsStun(ByteView datagram) {
  // RFC 7983: a first byte of 0..3 means STUN; the cookie (RFC 8489 §5) confirms it.
  if (datagram.size() < kHeaderSize || datagram[0] > 3) return false;
  ByteReader reader(datagram.subspan(4, 4));
  return reader.ReadU32() == kMagicCookie;
}

std::optional<size_t> MessageSizeFromHeader(ByteView header) {
  if (header.size() < kHeaderSize) return std::nullopt;
  ByteReader reader(header);
  const uint16_t type = *reader.ReadU16();
  const uint16_t length = *reader.ReadU16();
  if ((type & 0xC000) != 0 || length % 4 != 0 || reader.ReadU32() != kMagicCookie) {
    return std::nullopt;
  }
  return kHeaderSize + length;
}

}  // namespace parley::stun
