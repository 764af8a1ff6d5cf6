#include "stun/attributes.h"

#include <cstdio>
#include <cstdlib>

namespace parley::stun {
namespace {

// RFC 8489 §14.1: address family codes.
constexpr uint8_t kFamilyV4 = 0x01;
constexpr uint8_t kFamilyV6 = 0x02;

uint8_t FamilyCode(IpFamily family) {
  return family == IpFamily::kV4 ? kFamilyV4 : kFamilyV6;
}

// Reads "reserved, family, port" and the address bytes; the caller un-XORs them if needed.
struct RawAddress {
  uint8_t family;
  uint16_t port;
  std::array<uint8_t, 16> bytes;
};

std::optional<RawAddress> ReadRawAddress(ByteView value) {
  ByteReader reader(value);
  RawAddress out{};
  if (!reader.Skip(1)) return std::nullopt;  // Reserved: ignored on receipt (§14.1).
  auto family = reader.ReadU8();
  auto port = reader.ReadU16();
  if (!family || !port) return std::nullopt;
  out.family = *family;
  out.port = *port;
  const size_t size = out.family == kFamilyV4 ? 4 : out.family == kFamilyV6 ? 16 : 0;
  // An unknown family, or a length that does not match the family, is malformed.
  if (size == 0 || reader.remaining() != size) return std::nullopt;
  reader.ReadInto(std::span<uint8_t>(out.bytes.data(), size));
  return out;
}

SocketAddress ToSocketAddress(const RawAddress& raw) {
  if (raw.family == kFamilyV4) {
    return {IpAddress::V4(raw.bytes[0], raw.bytes[1], raw.bytes[2], raw.bytes[3]), raw.port};
  }
  return {IpAddress::V6(raw.bytes), raw.port};
}

// The XOR pad of §14.2: the magic cookie followed by the transaction id.
std::array<uint8_t, 16> XorPad(const TransactionId& id) {
  std::array<uint8_t, 16> pad{};
  pad[0] = static_cast<uint8_t>(kMagicCookie >> 24);
  pad[1] = static_cast<uint8_t>(kMagicCookie >> 16);
  pad[2] = static_cast<uint8_t>(kMagicCookie >> 8);
  pad[3] = static_cast<uint8_t>(kMagicCookie);
  for (size_t i = 0; i < id.size(); ++i)
    pad[4 + i] = id[i];
  return pad;
}

void WriteAddress(ByteWriter& out, uint8_t family, uint16_t port, ByteView bytes) {
  out.WriteU8(0).WriteU8(family).WriteU16(port).WriteBytes(bytes);
}

std::optional<PasswordAlgorithmEntry> ReadPasswordAlgorithm(ByteReader& reader) {
  auto algorithm = reader.ReadU16();
  auto length = reader.ReadU16();
  if (!algorithm || !length) return std::nullopt;
  auto parameters = reader.ReadBytes(*length);
  if (!parameters) return std::nullopt;
  // Parameters are padded to a multiple of 4 (§14.11).
  const size_t padding = (4 - *length % 4) % 4;
  if (!reader.Skip(padding)) return std::nullopt;
  return PasswordAlgorithmEntry{static_cast<PasswordAlgorithm>(*algorithm),
                                Bytes(parameters->begin(), parameters->end())};
}

void WritePasswordAlgorithm(ByteWriter& out, const PasswordAlgorithmEntry& entry) {
  out.WriteU16(static_cast<uint16_t>(entry.algorithm))
      .WriteU16(static_cast<uint16_t>(entry.parameters.size()))
      .WriteBytes(entry.parameters)
      .WriteZeros((4 - entry.parameters.size() % 4) % 4);
}

}  // namespace

void EncodeAddressValue(ByteWriter& out, const SocketAddress& address) {
  WriteAddress(out, FamilyCode(address.family()), address.port(), address.ip().bytes());
}

std::optional<SocketAddress> DecodeAddressValue(ByteView value) {
  auto raw = ReadRawAddress(value);
  if (!raw) return std::nullopt;
  return ToSocketAddress(*raw);
}

void EncodeXorAddressValue(ByteWriter& out, const SocketAddress& address, const TransactionId& id) {
  const auto pad = XorPad(id);
  const auto ip = address.ip().bytes();
  std::array<uint8_t, 16> bytes{};
  for (size_t i = 0; i < ip.size(); ++i)
    bytes[i] = ip[i] ^ pad[i];
  const auto port = static_cast<uint16_t>(address.port() ^ (kMagicCookie >> 16));
  WriteAddress(out, FamilyCode(address.family()), port, ByteView(bytes.data(), ip.size()));
}

std::optional<SocketAddress> DecodeXorAddressValue(ByteView value, const TransactionId& id) {
  auto raw = ReadRawAddress(value);
  if (!raw) return std::nullopt;
  const auto pad = XorPad(id);
  for (size_t i = 0; i < raw->bytes.size(); ++i)
    raw->bytes[i] ^= pad[i];
  raw->port = static_cast<uint16_t>(raw->port ^ (kMagicCookie >> 16));
  return ToSocketAddress(*raw);
}

std::optional<std::string> DecodeTextValue(ByteView value, size_t max_bytes) {
  if (value.size() > max_bytes) return std::nullopt;
  return std::string(value.begin(), value.end());
}

std::optional<Data> Data::DecodeValue(ByteView bytes, const TransactionId&) {
  return Data{Bytes(bytes.begin(), bytes.end())};
}

ErrorCode ErrorCode::WithDefaultReason(uint16_t code) {
  return ErrorCode{code, std::string(DefaultReasonPhrase(code))};
}

void ErrorCode::EncodeValue(ByteWriter& out, const TransactionId&) const {
  if (code < 300 || code > 699) {
    std::fprintf(stderr, "stun::ErrorCode: code %u is outside 300..699 (RFC 8489 §14.8)\n",
                 static_cast<unsigned>(code));
    std::abort();
  }
  // 21 reserved bits, then the 3-bit class and the 8-bit number (§14.8).
  out.WriteU16(0).WriteU8(error_class()).WriteU8(number()).WriteString(reason);
}

std::optional<ErrorCode> ErrorCode::DecodeValue(ByteView bytes, const TransactionId&) {
  ByteReader reader(bytes);
  if (!reader.Skip(2)) return std::nullopt;
  auto cls = reader.ReadU8();
  auto number = reader.ReadU8();
  if (!cls || !number) return std::nullopt;
  const uint8_t error_class = *cls & 0x07;  // The upper 5 bits are reserved.
  if (error_class < 3 || error_class > 6 || *number > 99) return std::nullopt;
  auto reason = DecodeTextValue(reader.rest(), 763);
  if (!reason) return std::nullopt;
  return ErrorCode{static_cast<uint16_t>(error_class * 100 + *number), std::move(*reason)};
}

void UnknownAttributes::EncodeValue(ByteWriter& out, const TransactionId&) const {
  for (AttributeType type : types)
    out.WriteU16(static_cast<uint16_t>(type));
}

std::optional<UnknownAttributes> UnknownAttributes::DecodeValue(ByteView bytes,
                                                                const TransactionId&) {
  if (bytes.size() % 2 != 0) return std::nullopt;
  UnknownAttributes out;
  ByteReader reader(bytes);
  while (auto type = reader.ReadU16())
    out.types.push_back(static_cast<AttributeType>(*type));
  return out;
}

void PasswordAlgorithmsAttribute::EncodeValue(ByteWriter& out, const TransactionId&) const {
  for (const auto& entry : algorithms)
    WritePasswordAlgorithm(out, entry);
}

std::optional<PasswordAlgorithmsAttribute> PasswordAlgorithmsAttribute::DecodeValue(
    ByteView bytes, const TransactionId&) {
  PasswordAlgorithmsAttribute out;
  ByteReader reader(bytes);
  while (!reader.empty()) {
    auto entry = ReadPasswordAlgorithm(reader);
    if (!entry) return std::nullopt;
    out.algorithms.push_back(std::move(*entry));
  }
  return out;
}

void PasswordAlgorithmAttribute::EncodeValue(ByteWriter& out, const TransactionId&) const {
  WritePasswordAlgorithm(out, entry);
}

std::optional<PasswordAlgorithmAttribute> PasswordAlgorithmAttribute::DecodeValue(
    ByteView bytes, const TransactionId&) {
  ByteReader reader(bytes);
  auto entry = ReadPasswordAlgorithm(reader);
  if (!entry || !reader.empty()) return std::nullopt;
  return PasswordAlgorithmAttribute{std::move(*entry)};
}

void ChannelNumber::EncodeValue(ByteWriter& out, const TransactionId&) const {
  out.WriteU16(number).WriteU16(0);  // RFFU
}

std::optional<ChannelNumber> ChannelNumber::DecodeValue(ByteView bytes, const TransactionId&) {
  if (bytes.size() != 4) return std::nullopt;
  return ChannelNumber{*ByteReader(bytes).ReadU16()};
}

void RequestedAddressFamily::EncodeValue(ByteWriter& out, const TransactionId&) const {
  out.WriteU8(FamilyCode(family)).WriteU24(0);  // RFFU
}

std::optional<RequestedAddressFamily> RequestedAddressFamily::DecodeValue(ByteView bytes,
                                                                          const TransactionId&) {
  if (bytes.size() != 4) return std::nullopt;
  if (bytes[0] == kFamilyV4) return RequestedAddressFamily{IpFamily::kV4};
  if (bytes[0] == kFamilyV6) return RequestedAddressFamily{IpFamily::kV6};
  return std::nullopt;
}

void EvenPort::EncodeValue(ByteWriter& out, const TransactionId&) const {
  out.WriteU8(reserve_next ? 0x80 : 0x00);
}

std::optional<EvenPort> EvenPort::DecodeValue(ByteView bytes, const TransactionId&) {
  if (bytes.size() != 1) return std::nullopt;
  return EvenPort{(bytes[0] & 0x80) != 0};
}

void RequestedTransport::EncodeValue(ByteWriter& out, const TransactionId&) const {
  out.WriteU8(protocol).WriteU24(0);  // RFFU
}

std::optional<RequestedTransport> RequestedTransport::DecodeValue(ByteView bytes,
                                                                  const TransactionId&) {
  if (bytes.size() != 4) return std::nullopt;
  return RequestedTransport{bytes[0]};
}

std::optional<MessageIntegrity> MessageIntegrity::DecodeValue(ByteView bytes,
                                                              const TransactionId&) {
  if (bytes.size() != kSize) return std::nullopt;
  MessageIntegrity out;
  ByteReader(bytes).ReadInto(out.hmac);
  return out;
}

std::optional<MessageIntegritySha256> MessageIntegritySha256::DecodeValue(ByteView bytes,
                                                                          const TransactionId&) {
  if (!IsValidSize(bytes.size())) return std::nullopt;
  return MessageIntegritySha256{Bytes(bytes.begin(), bytes.end())};
}

std::optional<Fingerprint> Fingerprint::DecodeValue(ByteView bytes, const TransactionId&) {
  if (bytes.size() != 4) return std::nullopt;
  return Fingerprint{*ByteReader(bytes).ReadU32()};
}

}  // namespace parley::stun
