// Typed values of the SDP attributes WebRTC negotiates: the text after "a=<name>:". Each type
// parses its value (SyntaxError names the attribute and what is wrong) and writes it back with
// ToString(); for values as browsers write them, ToString(Parse(v)) == v.
//
// Not here: a=candidate (ice::Candidate), a=fingerprint (dtls::Fingerprint), a=setup
// (dtls::ParseSetup).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parley/result.h"
#include "sdp/session_description.h"

namespace parley::sdp {

// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>] (RFC 8866 §6.6),
// e.g. "111 opus/48000/2". The payload type is 0..127 (RFC 3550 §5.1: seven bits).
struct Rtpmap {
  uint8_t payload_type = 0;
  std::string encoding;
  uint32_t clock_rate = 0;
  std::optional<uint16_t> channels;  // audio channels (the encoding parameters)

  static Result<Rtpmap> Parse(std::string_view value);
  std::string ToString() const;
  bool operator==(const Rtpmap&) const = default;
};

// a=fmtp:<payload type> <format specific parameters> (RFC 8866 §6.15), e.g.
// "111 minptime=10;useinbandfec=1". Parameters are split on ';' and on the first '=' of each,
// whitespace-trimmed, empty ones skipped and order kept; one without '=' (telephone-event's
// "0-15") has an empty value, and ToString() writes it back without '='.
struct Fmtp {
  uint8_t payload_type = 0;
  std::vector<std::pair<std::string, std::string>> parameters;

  // The value of the first parameter named `key`, compared case-insensitively (media type
  // parameter names are, RFC 6838 §4.3).
  std::optional<std::string_view> Get(std::string_view key) const;

  static Result<Fmtp> Parse(std::string_view value);
  std::string ToString() const;  // "<pt> k=v;k=v"
  bool operator==(const Fmtp&) const = default;
};

// a=rtcp-fb:<payload type or "*"> <type> [<parameter>] (RFC 4585 §4.2), e.g. "96 nack pli",
// "96 ccm fir", "* transport-cc". The parameter is the rest of the value, verbatim.
struct RtcpFb {
  std::string payload_type;  // "0".."127" or "*"
  std::string type;
  std::string parameter;

  static Result<RtcpFb> Parse(std::string_view value);
  std::string ToString() const;
  bool operator==(const RtcpFb&) const = default;
};

// The media direction attributes (RFC 8866 §6.7).
enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive };
std::string_view ToString(Direction direction);  // "sendrecv", ...
// The direction an attribute name stands for; nullopt for any other name.
std::optional<Direction> ParseDirection(std::string_view name);

// The first direction attribute of a section; nullopt if it has none.
std::optional<Direction> DirectionOf(const MediaDescription& media);
std::optional<Direction> DirectionOf(const SessionDescription& session);
// Makes `direction` the section's only direction attribute, in place of the first existing one
// (or appended).
void SetDirection(MediaDescription& media, Direction direction);

// a=extmap:<id>[/<direction>] <URI> [<extension attributes>] (RFC 8285 §8), e.g.
// "3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01". The id is
// 1..4095 (duplicates across a description are JSEP's to judge, not the parser's).
struct Extmap {
  uint16_t id = 0;
  std::optional<Direction> direction;
  std::string uri;
  std::string extension_attributes;  // the rest, verbatim; empty if none

  static Result<Extmap> Parse(std::string_view value);
  std::string ToString() const;
  bool operator==(const Extmap&) const = default;
};

// a=group:<semantics> *(SP <identification-tag>) (RFC 5888 §5), e.g. "BUNDLE 0 1".
struct Group {
  std::string semantics;
  std::vector<std::string> mids;

  static Result<Group> Parse(std::string_view value);
  std::string ToString() const;
  bool operator==(const Group&) const = default;
};

// a=msid:<stream id> [<track id>] (RFC 8830 §2); "-" as the stream id means "no stream".
struct Msid {
  std::string stream_id;
  std::string track_id;  // empty if absent

  static Result<Msid> Parse(std::string_view value);
  std::string ToString() const;
  bool operator==(const Msid&) const = default;
};

// a=ssrc:<ssrc> <attribute>[:<value>] (RFC 5576 §4.1), e.g. "1 cname:x". The value is the rest
// after the first ':', verbatim; ToString() writes the ':' only if the value is not empty.
struct SsrcAttribute {
  uint32_t ssrc = 0;
  std::string attribute;
  std::string value;

  static Result<SsrcAttribute> Parse(std::string_view value);
  std::string ToString() const;
  bool operator==(const SsrcAttribute&) const = default;
};

// a=ssrc-group:<semantics> *(SP <ssrc>) (RFC 5576 §4.2), e.g. "FID 1 2".
struct SsrcGroup {
  std::string semantics;
  std::vector<uint32_t> ssrcs;

  static Result<SsrcGroup> Parse(std::string_view value);
  std::string ToString() const;
  bool operator==(const SsrcGroup&) const = default;
};

// a=rid:<rid-id> <"send" | "recv"> [<restrictions>] (RFC 8851 §10), e.g.
// "hi send pt=96;max-width=1280". The restrictions are the rest, verbatim.
struct Rid {
  std::string id;
  std::string direction;  // "send" or "recv"
  std::string restrictions;

  static Result<Rid> Parse(std::string_view value);
  std::string ToString() const;
  bool operator==(const Rid&) const = default;
};

}  // namespace parley::sdp
