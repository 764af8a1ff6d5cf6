// Offer/answer of codecs and header extensions (JSEP §5.2.1, §5.3.1, RFC 3264 §6.1, RFC 8285).
//
// As answerer we keep the offered codecs we support, in OUR order of preference, under the
// OFFERER's payload types; an RTX type only for a codec we kept (its apt) and only if we do RTX
// for it; rtcp-fb values both sides list. Header extensions: those the offer has and we
// support, under the offer's ids. Once an answer is applied, what we send with is the remote's
// list in the remote's order (AgreedCodecs), which a peer lists by its preference.
//
// As offerer, payload types and extension ids stay what they are in the descriptions exchanged
// so far (RFC 3264 §8.3.2: a payload type keeps its meaning for the session; RFC 8843 §9.1: one
// meaning across the BUNDLE group), so a codec's type is looked up first, then its preferred
// type if free, then a free dynamic one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "jsep/capabilities.h"
#include "jsep/media_section.h"
#include "jsep/transceiver.h"
#include "sdp/session_description.h"

namespace parley::jsep {

std::vector<NegotiatedCodec> AnswerCodecs(const std::vector<SectionCodec>& offered,
                                          const std::vector<CodecCapability>& preferences);

// The remote section's codecs (its order, types, fmtp) that the local section also has, with the
// rtcp-fb both list, and the remote's RTX type where both do RTX for the codec.
std::vector<NegotiatedCodec> AgreedCodecs(const std::vector<SectionCodec>& remote,
                                          const std::vector<SectionCodec>& local);

std::vector<NegotiatedExtension> AnswerExtensions(
    const std::vector<NegotiatedExtension>& offered,
    const std::vector<HeaderExtensionCapability>& supported, MediaKind kind);
std::vector<NegotiatedExtension> AgreedExtensions(const std::vector<NegotiatedExtension>& remote,
                                                  const std::vector<NegotiatedExtension>& local);

// Payload types and extension ids already given a meaning by `descriptions`, and new ones for
// codecs and extensions not seen yet.
class OfferNumbering {
 public:
  explicit OfferNumbering(const std::vector<const sdp::SessionDescription*>& descriptions);

  // The codecs to offer for `preferences`, with payload types; a codec for which no type is
  // left (all 64 dynamic ones taken) is left out.
  std::vector<NegotiatedCodec> Codecs(const std::vector<CodecCapability>& preferences);
  std::vector<NegotiatedExtension> Extensions(
      const std::vector<HeaderExtensionCapability>& supported, MediaKind kind);

 private:
  std::optional<uint8_t> CodecType(const CodecCapability& codec);
  std::optional<uint8_t> RtxType(uint8_t apt, uint8_t preferred);
  std::optional<uint8_t> FreeType(uint8_t preferred) const;
  std::optional<uint16_t> ExtensionId(const HeaderExtensionCapability& extension);

  std::map<uint8_t, SectionCodec> payload_types_;
  std::map<uint16_t, std::string> extension_ids_;
};

}  // namespace parley::jsep
