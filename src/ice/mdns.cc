#include "ice/mdns.h"

#include <array>

namespace parley::ice::mdns {
namespace {

constexpr size_t kMaxNameLength = 255;  // RFC 1035 §2.3.4 (wire form).
constexpr size_t kMaxLabelLength = 63;
constexpr int kMaxPointerHops = 64;
constexpr size_t kMaxRecords = 256;  // Per section; an mDNS datagram holds far fewer.

// RFC 1035 §4.1.4: reads a possibly compressed name starting at reader's position, advancing
// the reader past it (the first pointer ends it).
std::optional<std::string> ReadName(ByteView message, ByteReader& reader) {
  std::string name;
  size_t wire_length = 1;
  size_t pos = reader.position();
  bool jumped = false;
  int hops = 0;
  size_t lowest_jump_origin = pos;
  while (true) {
    if (pos >= message.size()) return std::nullopt;
    const uint8_t length = message[pos];
    if ((length & 0xC0) == 0xC0) {
      if (pos + 1 >= message.size()) return std::nullopt;
      const size_t target = (size_t{length & 0x3Fu} << 8) | message[pos + 1];
      // Only backwards, to strictly earlier bytes than any label read so far: no loops.
      if (target >= lowest_jump_origin || ++hops > kMaxPointerHops) return std::nullopt;
      if (!jumped) {
        if (!reader.Skip(pos + 2 - reader.position())) return std::nullopt;
        jumped = true;
      }
      lowest_jump_origin = target;
      pos = target;
      continue;
    }
    if ((length & 0xC0) != 0) return std::nullopt;  // 0x40/0x80: reserved label types.
    if (length == 0) {
      if (!jumped && !reader.Skip(pos + 1 - reader.position())) return std::nullopt;
      return name;
    }
    if (pos + 1 + length > message.size()) return std::nullopt;
    wire_length += 1 + length;
    if (wire_length > kMaxNameLength) return std::nullopt;
    if (!name.empty()) name.push_back('.');
    name.append(reinterpret_cast<const char*>(message.data() + pos + 1), length);
    pos += 1 + length;
  }
}

void WriteName(ByteWriter& out, std::string_view name) {
  if (name.ends_with('.')) name.remove_suffix(1);
  // Validate first so a bad name becomes the root rather than a malformed message.
  size_t wire = 1;
  bool ok = true;
  for (std::string_view rest = name; !rest.empty();) {
    const size_t dot = rest.find('.');
    const std::string_view label = rest.substr(0, dot);
    if (label.empty() || label.size() > kMaxLabelLength) ok = false;
    wire += 1 + label.size();
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  if (ok && wire <= kMaxNameLength) {
    for (std::string_view rest = name; !rest.empty();) {
      const size_t dot = rest.find('.');
      const std::string_view label = rest.substr(0, dot);
      out.WriteU8(static_cast<uint8_t>(label.size()));
      out.WriteString(label);
      if (dot == std::string_view::npos) break;
      rest.remove_prefix(dot + 1);
    }
  }
  out.WriteU8(0);
}

std::optional<ResourceRecord> ReadRecord(ByteView message, ByteReader& reader) {
  ResourceRecord record;
  auto name = ReadName(message, reader);
  if (!name) return std::nullopt;
  record.name = std::move(*name);
  auto type = reader.ReadU16();
  auto klass = reader.ReadU16();
  auto ttl = reader.ReadU32();
  auto length = reader.ReadU16();
  if (!type || !klass || !ttl || !length) return std::nullopt;
  auto rdata = reader.ReadBytes(*length);
  if (!rdata) return std::nullopt;
  record.type = *type;
  record.klass = static_cast<uint16_t>(*klass & 0x7FFF);
  record.cache_flush = (*klass & 0x8000) != 0;
  record.ttl = *ttl;
  record.rdata.assign(rdata->begin(), rdata->end());
  return record;
}

bool ReadRecords(ByteView message, ByteReader& reader, uint16_t count,
                 std::vector<ResourceRecord>& out) {
  if (count > kMaxRecords) return false;
  for (uint16_t i = 0; i < count; ++i) {
    auto record = ReadRecord(message, reader);
    if (!record) return false;
    out.push_back(std::move(*record));
  }
  return true;
}

void WriteRecord(ByteWriter& out, const ResourceRecord& record) {
  WriteName(out, record.name);
  out.WriteU16(record.type);
  out.WriteU16(static_cast<uint16_t>((record.klass & 0x7FFF) | (record.cache_flush ? 0x8000 : 0)));
  out.WriteU32(record.ttl);
  out.WriteU16(static_cast<uint16_t>(record.rdata.size()));
  out.WriteBytes(record.rdata);
}

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

}  // namespace

SocketAddress MulticastGroup(IpFamily family) {
  if (family == IpFamily::kV4) return SocketAddress(IpAddress::V4(224, 0, 0, 251), kPort);
  std::array<uint8_t, 16> group{};
  group[0] = 0xff;
  group[1] = 0x02;
  group[15] = 0xfb;
  return SocketAddress(IpAddress::V6(group), kPort);
}

std::optional<IpAddress> ResourceRecord::address() const {
  if (type == record_type::kA && rdata.size() == 4) {
    return IpAddress::V4(rdata[0], rdata[1], rdata[2], rdata[3]);
  }
  if (type == record_type::kAaaa && rdata.size() == 16) {
    return IpAddress::V6(std::span<const uint8_t, 16>(rdata.data(), 16));
  }
  return std::nullopt;
}

ResourceRecord ResourceRecord::Address(std::string name, const IpAddress& ip, uint32_t ttl) {
  ResourceRecord record;
  record.name = std::move(name);
  record.type = ip.is_v4() ? record_type::kA : record_type::kAaaa;
  record.cache_flush = true;
  record.ttl = ttl;
  record.rdata.assign(ip.bytes().begin(), ip.bytes().end());
  return record;
}

Bytes Message::Serialize() const {
  ByteWriter out(512);
  out.WriteU16(id);
  out.WriteU16(flags);
  out.WriteU16(static_cast<uint16_t>(questions.size()));
  out.WriteU16(static_cast<uint16_t>(answers.size()));
  out.WriteU16(static_cast<uint16_t>(authorities.size()));
  out.WriteU16(static_cast<uint16_t>(additionals.size()));
  for (const Question& q : questions) {
    WriteName(out, q.name);
    out.WriteU16(q.type);
    out.WriteU16(static_cast<uint16_t>((q.klass & 0x7FFF) | (q.unicast_response ? 0x8000 : 0)));
  }
  for (const auto* section : {&answers, &authorities, &additionals}) {
    for (const ResourceRecord& record : *section)
      WriteRecord(out, record);
  }
  return std::move(out).Take();
}

std::optional<Message> Parse(ByteView datagram) {
  ByteReader reader(datagram);
  Message message;
  auto id = reader.ReadU16();
  auto flags = reader.ReadU16();
  auto qd = reader.ReadU16();
  auto an = reader.ReadU16();
  auto ns = reader.ReadU16();
  auto ar = reader.ReadU16();
  if (!id || !flags || !qd || !an || !ns || !ar) return std::nullopt;
  message.id = *id;
  message.flags = *flags;
  if (*qd > kMaxRecords) return std::nullopt;
  for (uint16_t i = 0; i < *qd; ++i) {
    Question q;
    auto name = ReadName(datagram, reader);
    auto type = reader.ReadU16();
    auto klass = reader.ReadU16();
    if (!name || !type || !klass) return std::nullopt;
    q.name = std::move(*name);
    q.type = *type;
    q.klass = static_cast<uint16_t>(*klass & 0x7FFF);
    q.unicast_response = (*klass & 0x8000) != 0;
    message.questions.push_back(std::move(q));
  }
  if (!ReadRecords(datagram, reader, *an, message.answers) ||
      !ReadRecords(datagram, reader, *ns, message.authorities) ||
      !ReadRecords(datagram, reader, *ar, message.additionals)) {
    return std::nullopt;
  }
  return message;
}

Bytes BuildQuery(uint16_t id, std::string_view name, std::span<const uint16_t> types,
                 bool unicast_response) {
  Message query;
  query.id = id;
  for (uint16_t type : types) {
    query.questions.push_back({std::string(name), type, kClassIn, unicast_response});
  }
  return query.Serialize();
}

bool SameName(std::string_view a, std::string_view b) {
  if (a.ends_with('.')) a.remove_suffix(1);
  if (b.ends_with('.')) b.remove_suffix(1);
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::optional<IpAddress> FindAddress(const Message& message, std::string_view name) {
  for (const auto* section : {&message.answers, &message.additionals}) {
    for (const ResourceRecord& record : *section) {
      if (record.klass != kClassIn || !SameName(record.name, name)) continue;
      if (auto ip = record.address()) return ip;
    }
  }
  return std::nullopt;
}

}  // namespace parley::ice::mdns
