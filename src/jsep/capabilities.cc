#include "jsep/capabilities.h"

#include <algorithm>

namespace parley::jsep {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

std::string_view ParameterOr(const std::vector<std::pair<std::string, std::string>>* parameters,
                             std::string_view key, std::string_view fallback) {
  if (parameters == nullptr) return fallback;
  for (const auto& [name, value] : *parameters)
    if (EqualsIgnoreCase(name, key)) return value;
  return fallback;
}

const std::vector<std::string> kVideoFeedback = {"goog-remb", "transport-cc", "ccm fir", "nack",
                                                 "nack pli"};

}  // namespace

Capabilities DefaultCapabilities() {
  Capabilities caps;
  caps.audio.push_back(CodecCapability{.name = "opus",
                                       .clock_rate = 48000,
                                       .channels = 2,
                                       .parameters = {{"minptime", "10"}, {"useinbandfec", "1"}},
                                       .feedback = {"transport-cc"},
                                       .rtx = false,
                                       .preferred_payload_type = 111});
  caps.video.push_back(CodecCapability{.name = "VP9",
                                       .clock_rate = 90000,
                                       .channels = std::nullopt,
                                       .parameters = {{"profile-id", "0"}},
                                       .feedback = kVideoFeedback,
                                       .rtx = true,
                                       .preferred_payload_type = 98});
  caps.video.push_back(CodecCapability{.name = "VP8",
                                       .clock_rate = 90000,
                                       .channels = std::nullopt,
                                       .parameters = {},
                                       .feedback = kVideoFeedback,
                                       .rtx = true,
                                       .preferred_payload_type = 96});
  caps.extensions = {
      {"urn:ietf:params:rtp-hdrext:sdes:mid", 1, true, true},
      {"http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", 2, true, true},
      {"http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", 3, true, true},
      {"urn:ietf:params:rtp-hdrext:ssrc-audio-level", 4, true, false},
      {"urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", 5, false, true},
      {"urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id", 6, false, true},
  };
  return caps;
}

bool SameCodec(const CodecKey& a, const CodecKey& b) {
  if (!EqualsIgnoreCase(a.name, b.name) || a.clock_rate != b.clock_rate) return false;
  if (a.channels.value_or(1) != b.channels.value_or(1)) return false;
  if (EqualsIgnoreCase(a.name, "VP9"))
    return ParameterOr(a.parameters, "profile-id", "0") ==
           ParameterOr(b.parameters, "profile-id", "0");
  return true;
}

CodecKey KeyOf(const CodecCapability& codec) {
  return CodecKey{codec.name, codec.clock_rate, codec.channels, &codec.parameters};
}

bool IsRtx(std::string_view name) {
  return EqualsIgnoreCase(name, "rtx");
}

bool IsRedundancyCodec(std::string_view name) {
  return EqualsIgnoreCase(name, "rtx") || EqualsIgnoreCase(name, "red") ||
         EqualsIgnoreCase(name, "ulpfec") || EqualsIgnoreCase(name, "flexfec-03");
}

}  // namespace parley::jsep
