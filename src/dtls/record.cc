#include "dtls/record.h"

namespace parley::dtls {
namespace {

bool IsValidContentType(uint8_t type) {
  return type >= static_cast<uint8_t>(ContentType::kChangeCipherSpec) &&
         type <= static_cast<uint8_t>(ContentType::kApplicationData);
}

}  // namespace

std::optional<std::vector<RecordView>> ParseRecords(ByteView datagram) {
  if (datagram.empty()) return std::nullopt;
  std::vector<RecordView> records;
  ByteReader reader(datagram);
  while (!reader.empty()) {
    if (reader.remaining() < kRecordHeaderLength) return std::nullopt;
    const auto type = reader.ReadU8();
    const auto version = reader.ReadU16();
    const auto epoch = reader.ReadU16();
    const auto sequence = reader.ReadU48();
    const auto length = reader.ReadU16();
    if (!type || !version || !epoch || !sequence || !length) return std::nullopt;
    if (!IsValidContentType(*type)) return std::nullopt;
    if (*version != kDtls12Version && *version != kDtls10Version) return std::nullopt;
    if (*length > kMaxRecordFragmentLength) return std::nullopt;
    const auto fragment = reader.ReadBytes(*length);
    if (!fragment) return std::nullopt;
    records.push_back({static_cast<ContentType>(*type), *version, *epoch, *sequence, *fragment});
  }
  return records;
}

void WriteRecord(ByteWriter& out, const RecordView& record) {
  out.WriteU8(static_cast<uint8_t>(record.type))
      .WriteU16(record.version)
      .WriteU16(record.epoch)
      .WriteU48(record.sequence_number & 0xFFFF'FFFF'FFFFull)
      .WriteU16(static_cast<uint16_t>(record.fragment.size()))
      .WriteBytes(record.fragment);
}

bool LooksLikeDtls(ByteView datagram) {
  return !datagram.empty() && datagram[0] >= 20 && datagram[0] <= 63;
}

std::optional<std::vector<HandshakeFragment>> ParseHandshakeFragments(ByteView record_fragment) {
  if (record_fragment.empty()) return std::nullopt;
  std::vector<HandshakeFragment> fragments;
  ByteReader reader(record_fragment);
  while (!reader.empty()) {
    if (reader.remaining() < kHandshakeHeaderLength) return std::nullopt;
    const auto type = reader.ReadU8();
    const auto length = reader.ReadU24();
    const auto seq = reader.ReadU16();
    const auto offset = reader.ReadU24();
    const auto fragment_length = reader.ReadU24();
    if (!type || !length || !seq || !offset || !fragment_length) return std::nullopt;
    if (uint64_t{*offset} + *fragment_length > *length) return std::nullopt;
    const auto body = reader.ReadBytes(*fragment_length);
    if (!body) return std::nullopt;
    fragments.push_back({*type, *length, *seq, *offset, *fragment_length, *body});
  }
  return fragments;
}

void WriteHandshakeFragment(ByteWriter& out, const HandshakeFragment& fragment) {
  out.WriteU8(fragment.msg_type)
      .WriteU24(fragment.length)
      .WriteU16(fragment.message_seq)
      .WriteU24(fragment.fragment_offset)
      .WriteU24(static_cast<uint32_t>(fragment.body.size()))
      .WriteBytes(fragment.body);
}

}  // namespace parley::dtls
