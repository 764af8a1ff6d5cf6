#include "jsep/codec_negotiation.h"

#include <algorithm>

namespace parley::jsep {
namespace {

CodecKey KeyOf(const SectionCodec& codec) {
  return CodecKey{codec.name, codec.clock_rate, codec.channels, &codec.parameters};
}

std::vector<std::string> CommonFeedback(const std::vector<std::string>& first,
                                        const std::vector<std::string>& second) {
  std::vector<std::string> common;
  for (const std::string& fb : first)
    if (std::find(second.begin(), second.end(), fb) != second.end()) common.push_back(fb);
  return common;
}

// The RTX payload type in `section` that retransmits `payload_type`.
std::optional<uint8_t> RtxFor(const std::vector<SectionCodec>& section, uint8_t payload_type) {
  for (const SectionCodec& codec : section)
    if (codec.apt == payload_type && IsRtx(codec.name)) return codec.payload_type;
  return std::nullopt;
}

bool IsMediaCodec(const SectionCodec& codec) {
  return !IsRedundancyCodec(codec.name);
}

bool Supports(const HeaderExtensionCapability& extension, MediaKind kind) {
  return kind == MediaKind::kAudio ? extension.audio : extension.video;
}

}  // namespace

std::vector<NegotiatedCodec> AnswerCodecs(const std::vector<SectionCodec>& offered,
                                          const std::vector<CodecCapability>& preferences) {
  std::vector<NegotiatedCodec> answer;
  std::vector<uint8_t> used;
  for (const CodecCapability& preference : preferences) {
    auto match = std::find_if(offered.begin(), offered.end(), [&](const SectionCodec& codec) {
      return IsMediaCodec(codec) && SameCodec(KeyOf(preference), KeyOf(codec)) &&
             std::find(used.begin(), used.end(), codec.payload_type) == used.end();
    });
    if (match == offered.end()) continue;
    used.push_back(match->payload_type);
    answer.push_back(NegotiatedCodec{
        .payload_type = match->payload_type,
        .name = preference.name,
        .clock_rate = preference.clock_rate,
        .channels = preference.channels,
        .parameters = preference.parameters,
        .feedback = CommonFeedback(preference.feedback, match->feedback),
        .rtx_payload_type = preference.rtx ? RtxFor(offered, match->payload_type) : std::nullopt,
    });
  }
  return answer;
}

std::vector<NegotiatedCodec> AgreedCodecs(const std::vector<SectionCodec>& remote,
                                          const std::vector<SectionCodec>& local) {
  std::vector<NegotiatedCodec> agreed;
  for (const SectionCodec& codec : remote) {
    if (!IsMediaCodec(codec)) continue;
    auto mine = std::find_if(local.begin(), local.end(), [&](const SectionCodec& candidate) {
      return IsMediaCodec(candidate) && SameCodec(KeyOf(candidate), KeyOf(codec));
    });
    if (mine == local.end()) continue;
    std::optional<uint8_t> rtx = RtxFor(remote, codec.payload_type);
    if (!RtxFor(local, mine->payload_type)) rtx.reset();
    agreed.push_back(NegotiatedCodec{
        .payload_type = codec.payload_type,
        .name = codec.name,
        .clock_rate = codec.clock_rate,
        .channels = codec.channels,
        .parameters = codec.parameters,
        .feedback = CommonFeedback(codec.feedback, mine->feedback),
        .rtx_payload_type = rtx,
    });
  }
  return agreed;
}

std::vector<NegotiatedExtension> AnswerExtensions(
    const std::vector<NegotiatedExtension>& offered,
    const std::vector<HeaderExtensionCapability>& supported, MediaKind kind) {
  std::vector<NegotiatedExtension> answer;
  for (const NegotiatedExtension& extension : offered) {
    bool known = std::any_of(supported.begin(), supported.end(), [&](const auto& capability) {
      return capability.uri == extension.uri && Supports(capability, kind);
    });
    if (known) answer.push_back(extension);
  }
  return answer;
}

std::vector<NegotiatedExtension> AgreedExtensions(const std::vector<NegotiatedExtension>& remote,
                                                  const std::vector<NegotiatedExtension>& local) {
  std::vector<NegotiatedExtension> agreed;
  for (const NegotiatedExtension& extension : remote) {
    bool both = std::any_of(local.begin(), local.end(),
                            [&](const auto& mine) { return mine.uri == extension.uri; });
    if (both) agreed.push_back(extension);
  }
  return agreed;
}

OfferNumbering::OfferNumbering(const std::vector<const sdp::SessionDescription*>& descriptions) {
  for (const sdp::SessionDescription* description : descriptions) {
    if (description == nullptr) continue;
    for (const sdp::MediaDescription& media : description->media) {
      if (media.media != "audio" && media.media != "video") continue;
      for (SectionCodec& codec : ReadCodecs(media))
        payload_types_.try_emplace(codec.payload_type, std::move(codec));
      for (NegotiatedExtension& extension : ReadExtensions(media))
        extension_ids_.try_emplace(extension.id, std::move(extension.uri));
    }
  }
}

std::vector<NegotiatedCodec> OfferNumbering::Codecs(
    const std::vector<CodecCapability>& preferences) {
  std::vector<NegotiatedCodec> codecs;
  for (const CodecCapability& preference : preferences) {
    std::optional<uint8_t> payload_type = CodecType(preference);
    if (!payload_type) continue;
    std::optional<uint8_t> rtx;
    if (preference.rtx) rtx = RtxType(*payload_type, preference.preferred_payload_type + 1);
    codecs.push_back(NegotiatedCodec{*payload_type, preference.name, preference.clock_rate,
                                     preference.channels, preference.parameters,
                                     preference.feedback, rtx});
  }
  return codecs;
}

std::vector<NegotiatedExtension> OfferNumbering::Extensions(
    const std::vector<HeaderExtensionCapability>& supported, MediaKind kind) {
  std::vector<NegotiatedExtension> extensions;
  for (const HeaderExtensionCapability& extension : supported) {
    if (!Supports(extension, kind)) continue;
    if (std::optional<uint16_t> id = ExtensionId(extension))
      extensions.push_back(NegotiatedExtension{*id, extension.uri});
  }
  std::sort(extensions.begin(), extensions.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  return extensions;
}

std::optional<uint8_t> OfferNumbering::CodecType(const CodecCapability& codec) {
  for (const auto& [payload_type, known] : payload_types_)
    if (IsMediaCodec(known) && SameCodec(KeyOf(codec), KeyOf(known))) return payload_type;
  std::optional<uint8_t> payload_type = FreeType(codec.preferred_payload_type);
  if (payload_type)
    payload_types_[*payload_type] = SectionCodec{.payload_type = *payload_type,
                                                 .name = codec.name,
                                                 .clock_rate = codec.clock_rate,
                                                 .channels = codec.channels,
                                                 .parameters = codec.parameters};
  return payload_type;
}

std::optional<uint8_t> OfferNumbering::RtxType(uint8_t apt, uint8_t preferred) {
  for (const auto& [payload_type, known] : payload_types_)
    if (known.apt == apt && IsRtx(known.name)) return payload_type;
  std::optional<uint8_t> payload_type = FreeType(preferred);
  if (payload_type)
    payload_types_[*payload_type] =
        SectionCodec{.payload_type = *payload_type, .name = "rtx", .clock_rate = 90000, .apt = apt};
  return payload_type;
}

// RFC 3551 §3 / RFC 5761 §4: 96-127 are the dynamic types; 35-63 are also free of RTCP packet
// types under rtcp-mux and used by browsers once 96-127 run out.
std::optional<uint8_t> OfferNumbering::FreeType(uint8_t preferred) const {
  auto free = [&](unsigned type) { return payload_types_.count(static_cast<uint8_t>(type)) == 0; };
  if (preferred <= 127 && free(preferred)) return preferred;
  for (unsigned type = 96; type <= 127; ++type)
    if (free(type)) return static_cast<uint8_t>(type);
  for (unsigned type = 35; type <= 63; ++type)
    if (free(type)) return static_cast<uint8_t>(type);
  return std::nullopt;
}

// RFC 8285 §5: one-byte ids are 1-14; beyond those, two-byte ids (16-255, with
// a=extmap-allow-mixed, which we always offer).
std::optional<uint16_t> OfferNumbering::ExtensionId(const HeaderExtensionCapability& extension) {
  for (const auto& [id, uri] : extension_ids_)
    if (uri == extension.uri) return id;
  auto free = [&](uint16_t id) { return extension_ids_.count(id) == 0; };
  std::optional<uint16_t> chosen;
  if (extension.preferred_id >= 1 && extension.preferred_id <= 255 &&
      extension.preferred_id != 15 && free(extension.preferred_id))
    chosen = extension.preferred_id;
  for (uint16_t id = 1; !chosen && id <= 255; ++id)
    if (id != 15 && free(id)) chosen = id;
  if (chosen) extension_ids_[*chosen] = extension.uri;
  return chosen;
}

}  // namespace parley::jsep
