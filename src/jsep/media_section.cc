#include "jsep/media_section.h"

#include <algorithm>
#include <charconv>

#include "sdp/attributes.h"

namespace parley::jsep {
namespace {

std::optional<uint8_t> ParsePayloadType(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > 127) return std::nullopt;
  return static_cast<uint8_t>(value);
}

// RFC 3551 §6: the static payload types a browser may offer without an rtpmap.
std::optional<SectionCodec> StaticCodec(uint8_t payload_type) {
  switch (payload_type) {
    case 0:
      return SectionCodec{.payload_type = 0, .name = "PCMU", .clock_rate = 8000};
    case 8:
      return SectionCodec{.payload_type = 8, .name = "PCMA", .clock_rate = 8000};
    case 9:
      return SectionCodec{.payload_type = 9, .name = "G722", .clock_rate = 8000};
    default:
      return std::nullopt;
  }
}

std::string FeedbackValue(const sdp::RtcpFb& fb) {
  return fb.parameter.empty() ? fb.type : fb.type + ' ' + fb.parameter;
}

void AddUnique(std::vector<std::string>& list, std::string value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

}  // namespace

std::vector<SectionCodec> ReadCodecs(const sdp::MediaDescription& media) {
  std::vector<sdp::Rtpmap> rtpmaps;
  for (std::string_view value : media.Values("rtpmap"))
    if (auto rtpmap = sdp::Rtpmap::Parse(value)) rtpmaps.push_back(*rtpmap);
  std::vector<sdp::Fmtp> fmtps;
  for (std::string_view value : media.Values("fmtp"))
    if (auto fmtp = sdp::Fmtp::Parse(value)) fmtps.push_back(*fmtp);
  std::vector<sdp::RtcpFb> feedback;
  for (std::string_view value : media.Values("rtcp-fb"))
    if (auto fb = sdp::RtcpFb::Parse(value)) feedback.push_back(*fb);

  std::vector<SectionCodec> codecs;
  for (const std::string& format : media.formats) {
    std::optional<uint8_t> payload_type = ParsePayloadType(format);
    if (!payload_type) continue;
    bool duplicate = std::any_of(codecs.begin(), codecs.end(), [&](const SectionCodec& c) {
      return c.payload_type == *payload_type;
    });
    if (duplicate) continue;
    std::optional<SectionCodec> codec;
    auto rtpmap = std::find_if(rtpmaps.begin(), rtpmaps.end(), [&](const sdp::Rtpmap& r) {
      return r.payload_type == *payload_type;
    });
    if (rtpmap != rtpmaps.end()) {
      codec = SectionCodec{.payload_type = *payload_type,
                           .name = rtpmap->encoding,
                           .clock_rate = rtpmap->clock_rate,
                           .channels = rtpmap->channels};
    } else {
      codec = StaticCodec(*payload_type);
    }
    if (!codec) continue;
    for (const sdp::Fmtp& fmtp : fmtps) {
      if (fmtp.payload_type != *payload_type) continue;
      codec->parameters = fmtp.parameters;
      if (auto apt = fmtp.Get("apt")) codec->apt = ParsePayloadType(*apt);
      break;
    }
    for (const sdp::RtcpFb& fb : feedback)
      if (fb.payload_type == "*" || fb.payload_type == format)
        AddUnique(codec->feedback, FeedbackValue(fb));
    codecs.push_back(std::move(*codec));
  }
  return codecs;
}

std::vector<NegotiatedExtension> ReadExtensions(const sdp::MediaDescription& media) {
  std::vector<NegotiatedExtension> extensions;
  for (std::string_view value : media.Values("extmap")) {
    auto extmap = sdp::Extmap::Parse(value);
    if (!extmap) continue;
    bool seen = std::any_of(extensions.begin(), extensions.end(), [&](const auto& e) {
      return e.id == extmap->id || e.uri == extmap->uri;
    });
    if (!seen) extensions.push_back(NegotiatedExtension{extmap->id, extmap->uri});
  }
  return extensions;
}

SectionSender ReadSender(const sdp::MediaDescription& media) {
  SectionSender sender;
  auto add_ssrc = [&](uint32_t ssrc) {
    if (std::find(sender.ssrcs.begin(), sender.ssrcs.end(), ssrc) == sender.ssrcs.end())
      sender.ssrcs.push_back(ssrc);
  };
  auto add_msid = [&](const sdp::Msid& msid) {
    if (msid.stream_id != "-") AddUnique(sender.stream_ids, msid.stream_id);
    if (!sender.track_id && !msid.track_id.empty()) sender.track_id = msid.track_id;
  };
  for (std::string_view value : media.Values("msid")) {
    if (auto msid = sdp::Msid::Parse(value)) {
      sender.has_msid = true;
      add_msid(*msid);
    }
  }
  for (std::string_view value : media.Values("ssrc-group"))
    if (auto group = sdp::SsrcGroup::Parse(value))
      for (uint32_t ssrc : group->ssrcs)
        add_ssrc(ssrc);
  for (std::string_view value : media.Values("ssrc")) {
    auto attribute = sdp::SsrcAttribute::Parse(value);
    if (!attribute) continue;
    add_ssrc(attribute->ssrc);
    // Plan B era stacks announce the stream only here.
    if (!sender.has_msid && attribute->attribute == "msid")
      if (auto msid = sdp::Msid::Parse(attribute->value)) add_msid(*msid);
  }
  return sender;
}

void WriteCodecs(sdp::MediaDescription& media, const std::vector<NegotiatedCodec>& codecs) {
  for (const NegotiatedCodec& codec : codecs) {
    const std::string pt = std::to_string(codec.payload_type);
    media.formats.push_back(pt);
    media.Add(
        "rtpmap",
        sdp::Rtpmap{codec.payload_type, codec.name, codec.clock_rate, codec.channels}.ToString());
    for (const std::string& fb : codec.feedback)
      media.Add("rtcp-fb", pt + ' ' + fb);
    if (!codec.parameters.empty())
      media.Add("fmtp", sdp::Fmtp{codec.payload_type, codec.parameters}.ToString());
    if (!codec.rtx_payload_type) continue;
    media.formats.push_back(std::to_string(*codec.rtx_payload_type));
    media.Add("rtpmap",
              sdp::Rtpmap{*codec.rtx_payload_type, "rtx", codec.clock_rate, {}}.ToString());
    media.Add("fmtp", sdp::Fmtp{*codec.rtx_payload_type, {{"apt", pt}}}.ToString());
  }
}

void WriteExtensions(sdp::MediaDescription& media,
                     const std::vector<NegotiatedExtension>& extensions) {
  for (const NegotiatedExtension& extension : extensions)
    media.Add("extmap", sdp::Extmap{extension.id, std::nullopt, extension.uri, ""}.ToString());
}

void WriteMsid(sdp::MediaDescription& media, const LocalSender& sender) {
  if (sender.stream_ids.empty()) {
    media.Add("msid", sdp::Msid{"-", sender.track_id}.ToString());
    return;
  }
  for (const std::string& stream : sender.stream_ids)
    media.Add("msid", sdp::Msid{stream, sender.track_id}.ToString());
}

void WriteSsrcs(sdp::MediaDescription& media, const LocalSender& sender) {
  std::vector<uint32_t> ssrcs = {sender.ssrc};
  if (sender.rtx_ssrc) {
    ssrcs.push_back(*sender.rtx_ssrc);
    media.Add("ssrc-group", sdp::SsrcGroup{"FID", ssrcs}.ToString());
  }
  const std::string stream = sender.stream_ids.empty() ? "-" : sender.stream_ids.front();
  for (uint32_t ssrc : ssrcs) {
    media.Add("ssrc", sdp::SsrcAttribute{ssrc, "cname", sender.cname}.ToString());
    media.Add("ssrc", sdp::SsrcAttribute{ssrc, "msid", stream + ' ' + sender.track_id}.ToString());
  }
}

}  // namespace parley::jsep
