// SDP session descriptions (RFC 8866) as plain values, with a parser and a writer that lose
// nothing: every line the model has no field for (i= u= e= p= b= r= z= k=, unknown letters,
// unknown attributes) is kept verbatim and in place, so Write(Parse(x)) == x for any well-formed
// input with CRLF line endings. The typed meaning of attribute values is in attributes.h.
//
// Parse() is liberal where real stacks are untidy and strict where ambiguity would hurt:
//  - CRLF or bare LF line endings; a missing final newline; blank lines (empty or spaces and
//    tabs) at the end of the text.
//  - v= first and "0"; exactly one o= and s= (s= may be empty) and at least one t= before the
//    first m=; m= needs a numeric port (0..65535, optional "/count") and a proto. Formats may be
//    absent (some stacks write rejected m-lines that way).
//  - Lines within a section in any order. Each line without a field of its own is kept in the
//    list for where it stands (before c=, after c=, after t=), so any order of them round-trips;
//    except that b= (and k= in a media section) always goes in lines_after_connection, and a
//    non-a= line after a section's attributes is moved before them. Only such inputs, which RFC
//    8866 §5 does not allow, fail to round-trip byte-exactly. Numbers are normalised ("o=- 1 007
//    ..." writes version 7, "m=audio 09 ..." port 9), as are runs of spaces between o=, c= and m=
//    fields.
//  - Rejected with SyntaxError naming the line: a line not of the form <letter>=<value>, an empty
//    line before the end, control characters (other than tab) or NUL, a repeated v=/o=/s=/c=,
//    an o= without its six fields, a c= without its three, attributes without a name.
//  - At most kMaxTextSize bytes and kMaxLines lines, which bounds memory.
//
// Names are compared exactly (RFC 8866 §5.13: attribute names are case-sensitive).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parley/result.h"

namespace parley::sdp {

inline constexpr size_t kMaxTextSize = 1 << 20;  // 1 MiB
inline constexpr size_t kMaxLines = 1 << 16;     // 64 Ki

// "a=<name>[:<value>]" (RFC 8866 §5.13). A property attribute ("a=sendrecv") has no value;
// "a=name:" has an empty one. The value is kept verbatim.
struct Attribute {
  std::string name;
  std::optional<std::string> value;
  bool operator==(const Attribute&) const = default;
};

// "o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>" (§5.2).
struct Origin {
  std::string username = "-";
  std::string session_id;
  uint64_t session_version = 0;
  std::string net_type = "IN";
  std::string address_type = "IP4";
  std::string address = "127.0.0.1";
  bool operator==(const Origin&) const = default;
};

// "c=<nettype> <addrtype> <connection-address>" (§5.7); a multicast address keeps its
// "/ttl/count" suffix in `address`.
struct Connection {
  std::string net_type = "IN";
  std::string address_type = "IP4";
  std::string address = "0.0.0.0";
  bool operator==(const Connection&) const = default;
};

// Any line the model has no field for, verbatim: type letter and the text after '='.
struct Line {
  char type;
  std::string value;
  bool operator==(const Line&) const = default;
};

// Attribute lookups shared by the session and media levels (first match by exact name).
namespace detail {
const Attribute* FindAttribute(const std::vector<Attribute>& list, std::string_view name);
std::vector<std::string_view> AttributeValues(const std::vector<Attribute>& list,
                                              std::string_view name);
void RemoveAttributes(std::vector<Attribute>& list, std::string_view name);
void SetAttribute(std::vector<Attribute>& list, std::string name, std::optional<std::string> value);
}  // namespace detail

// The attribute convenience members, identical at both levels.
#define PARLEY_SDP_ATTRIBUTE_ACCESSORS                                            \
  const Attribute* Find(std::string_view name) const {                            \
    return detail::FindAttribute(attributes, name);                               \
  }                                                                               \
  Attribute* Find(std::string_view name) {                                        \
    return const_cast<Attribute*>(detail::FindAttribute(attributes, name));       \
  }                                                                               \
  /* The first a=name's value: nullopt if absent, "" for a property attribute. */ \
  std::optional<std::string_view> Value(std::string_view name) const {            \
    const Attribute* found = Find(name);                                          \
    if (found == nullptr) return std::nullopt;                                    \
    return found->value ? std::string_view(*found->value) : std::string_view();   \
  }                                                                               \
  std::vector<std::string_view> Values(std::string_view name) const {             \
    return detail::AttributeValues(attributes, name);                             \
  }                                                                               \
  bool Has(std::string_view name) const {                                         \
    return Find(name) != nullptr;                                                 \
  }                                                                               \
  void Add(std::string name, std::optional<std::string> value = std::nullopt) {   \
    attributes.push_back(Attribute{std::move(name), std::move(value)});           \
  }                                                                               \
  /* Removes every a=name. */                                                     \
  void Remove(std::string_view name) {                                            \
    detail::RemoveAttributes(attributes, name);                                   \
  }                                                                               \
  /* Replaces the first a=name (keeping its place) or appends one. */             \
  void Set(std::string name, std::optional<std::string> value = std::nullopt) {   \
    detail::SetAttribute(attributes, std::move(name), std::move(value));          \
  }

// One "m=" section (§5.14) and everything up to the next m= line.
struct MediaDescription {
  std::string media;  // "audio" | "video" | "application" | anything
  uint16_t port = 9;
  std::optional<uint16_t> port_count;  // "m=video 49170/2 ..."
  std::string proto;                   // "UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP", "DTLS/SCTP", ...
  std::vector<std::string> formats;    // payload types, or "webrtc-datachannel" / "5000"
  std::vector<Line> lines_before_connection;  // i= (and unknown letters before c=)
  std::optional<Connection> connection;
  std::vector<Line> lines_after_connection;  // b=, k= (and other lines after c=)
  std::vector<Attribute> attributes;         // in order

  PARLEY_SDP_ATTRIBUTE_ACCESSORS
  bool operator==(const MediaDescription&) const = default;
};

struct SessionDescription {
  int version = 0;
  Origin origin;
  std::string session_name = "-";
  std::vector<Line> lines_before_connection;  // i= u= e= p= (lines before c= and b=)
  std::optional<Connection> connection;
  std::vector<Line> lines_after_connection;  // b= (and other lines after c=, before t=)
  std::vector<std::string> timing{"0 0"};    // t= values, verbatim
  // r= z= k= (and other lines after t=, or after the session attributes). With several t= lines,
  // the first lines_after_each_timing[i] of these (in order) follow t= number i, for every i but
  // the last t=; the rest follow the last one. Empty: all of them follow the last t=.
  std::vector<Line> lines_after_timing;
  std::vector<size_t> lines_after_each_timing;
  std::vector<Attribute> attributes;  // session-level attributes, in order
  std::vector<MediaDescription> media;

  PARLEY_SDP_ATTRIBUTE_ACCESSORS
  bool operator==(const SessionDescription&) const = default;
};

#undef PARLEY_SDP_ATTRIBUTE_ACCESSORS

// Parses a whole description. SyntaxError names the offending line, e.g.
// `SDP line 7 ("m=audio x UDP"): port is not a number`.
Result<SessionDescription> Parse(std::string_view text);

// Writes the description with CRLF line endings in RFC 8866 §5 order.
std::string Write(const SessionDescription& description);

}  // namespace parley::sdp
