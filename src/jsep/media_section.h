// Reading and writing the RTP parts of one m-section (JSEP §5.2.1 / §5.8): payload types with
// their rtpmap, fmtp and rtcp-fb lines, header extensions, and the sender's msid and SSRCs.
// Reading is liberal: a line that does not parse is skipped, as if it were absent, so a peer's
// odd line costs at most that codec or extension, never the session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "jsep/transceiver.h"
#include "sdp/session_description.h"

namespace parley::jsep {

// A payload type as an m-section describes it.
struct SectionCodec {
  uint8_t payload_type = 0;
  std::string name{};
  uint32_t clock_rate = 0;
  std::optional<uint16_t> channels{};
  std::vector<std::pair<std::string, std::string>> parameters{};
  std::vector<std::string> feedback{};  // its a=rtcp-fb values and the "*" ones
  std::optional<uint8_t> apt{};         // rtx: the payload type it retransmits (fmtp apt=)
};

// The m-line's payload types in its order. A static type without a=rtpmap gets its RFC 3551
// meaning (0 PCMU, 8 PCMA, 9 G722); other formats without a usable rtpmap are skipped.
std::vector<SectionCodec> ReadCodecs(const sdp::MediaDescription& media);

// The a=extmap lines in order. A second line with an id already seen is ignored (aiortc offers
// such duplicates), as is a second line for a URI already seen.
std::vector<NegotiatedExtension> ReadExtensions(const sdp::MediaDescription& media);

// The remote sender of an m-section: a=msid (RFC 8830) or, from older stacks, a=ssrc msid:.
struct SectionSender {
  std::vector<uint32_t> ssrcs{};  // a=ssrc and a=ssrc-group, first appearance order
  std::vector<std::string> stream_ids{};
  std::optional<std::string> track_id{};
  bool has_msid = false;  // any a=msid line (possibly "- <track>": no stream)
};
SectionSender ReadSender(const sdp::MediaDescription& media);

// Appends the codecs' payload types to the m-line (each codec followed by its RTX) and their
// a=rtpmap, a=rtcp-fb and a=fmtp lines, as Chromium orders them.
void WriteCodecs(sdp::MediaDescription& media, const std::vector<NegotiatedCodec>& codecs);
void WriteExtensions(sdp::MediaDescription& media,
                     const std::vector<NegotiatedExtension>& extensions);

// What we signal about our sender (JSEP §5.2.1): one a=msid per stream ("-" for none).
struct LocalSender {
  std::vector<std::string> stream_ids{};
  std::string track_id{};
  uint32_t ssrc = 0;
  std::optional<uint32_t> rtx_ssrc{};
  std::string cname{};
};
void WriteMsid(sdp::MediaDescription& media, const LocalSender& sender);
// a=ssrc-group:FID (with RTX) and a=ssrc cname/msid lines for each SSRC (RFC 5576).
void WriteSsrcs(sdp::MediaDescription& media, const LocalSender& sender);

}  // namespace parley::jsep
