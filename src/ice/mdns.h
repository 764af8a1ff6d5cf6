// A small DNS message codec (RFC 1035 §4) for resolving the mDNS names browsers put in host
// candidates ("<uuid>.local", RFC 6762, draft-ietf-mmusic-mdns-ice-candidates). Queries are sent
// from an ordinary (non-5353) port, so responders answer by unicast with our query id (RFC 6762
// §6.7 "legacy unicast"). Stateless: the agent keeps the pending names.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_io.h"
#include "base/socket_address.h"

namespace parley::ice::mdns {

inline constexpr uint16_t kPort = 5353;
// RFC 6762 §3: 224.0.0.251 and ff02::fb.
SocketAddress MulticastGroup(IpFamily family);

// RFC 1035 §3.2.2, RFC 3596 (AAAA), RFC 6762.
namespace record_type {
inline constexpr uint16_t kA = 1;
inline constexpr uint16_t kPtr = 12;
inline constexpr uint16_t kTxt = 16;
inline constexpr uint16_t kAaaa = 28;
inline constexpr uint16_t kSrv = 33;
inline constexpr uint16_t kNsec = 47;
inline constexpr uint16_t kAny = 255;
}  // namespace record_type
inline constexpr uint16_t kClassIn = 1;

struct Question {
  std::string name;  // Dotted, without the trailing dot: "abc.local".
  uint16_t type = record_type::kA;
  uint16_t klass = kClassIn;
  bool unicast_response = false;  // RFC 6762 §5.4: the top bit of the class ("QU").
  bool operator==(const Question&) const = default;
};

struct ResourceRecord {
  std::string name;
  uint16_t type = record_type::kA;
  uint16_t klass = kClassIn;
  bool cache_flush = false;  // RFC 6762 §10.2: the top bit of the class.
  uint32_t ttl = 0;
  Bytes rdata;

  // An A or AAAA record's address; nullopt for other types or a malformed length.
  std::optional<IpAddress> address() const;
  static ResourceRecord Address(std::string name, const IpAddress& ip, uint32_t ttl = 120);
  bool operator==(const ResourceRecord&) const = default;
};

struct Message {
  uint16_t id = 0;
  uint16_t flags = 0;  // QR (0x8000), opcode, AA (0x0400), TC, RD, RA, Z, rcode.
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authorities;
  std::vector<ResourceRecord> additionals;

  bool is_response() const { return (flags & 0x8000) != 0; }
  // Uncompressed names. Names with labels over 63 bytes or over 255 bytes in all are
  // truncated to nothing (encoded as the root), which a caller building messages must avoid.
  Bytes Serialize() const;
  bool operator==(const Message&) const = default;
};

inline constexpr uint16_t kFlagResponse = 0x8000;
inline constexpr uint16_t kFlagAuthoritative = 0x0400;

// Parses a DNS message; follows name compression pointers only backwards (no loops) and
// rejects anything truncated, over-long or with trailing sections missing. Never reads out of
// bounds.
std::optional<Message> Parse(ByteView datagram);

// A query for `name` with one question per type.
Bytes BuildQuery(uint16_t id, std::string_view name, std::span<const uint16_t> types,
                 bool unicast_response = true);

// Case-insensitive DNS name comparison (RFC 1035 §2.3.3), ignoring a trailing dot.
bool SameName(std::string_view a, std::string_view b);

// The first A/AAAA address for `name` among the answers and additional records.
std::optional<IpAddress> FindAddress(const Message& message, std::string_view name);

}  // namespace parley::ice::mdns
