// What we can send and receive (RTCRtpCapabilities, as SDP describes it): codecs in our order of
// preference and RTP header extensions. The order of `audio` and `video` is the order we offer
// in and, as answerer, the order of the intersection (JSEP §5.3.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jsep/types.h"

namespace parley::jsep {

struct CodecCapability {
  std::string name{};  // the rtpmap encoding name: "opus", "VP9", "VP8"
  uint32_t clock_rate = 0;
  std::optional<uint16_t> channels{};  // audio channels as rtpmap writes them ("opus/48000/2")
  std::vector<std::pair<std::string, std::string>> parameters{};  // fmtp, in order
  // a=rtcp-fb values: "nack", "nack pli", "ccm fir", "transport-cc", "goog-remb".
  std::vector<std::string> feedback{};
  // An RFC 4588 retransmission payload type goes with it; offered as preferred_payload_type + 1
  // when free (Chromium's VP8 96/97, VP9 98/99).
  bool rtx = false;
  uint8_t preferred_payload_type = 0;

  bool operator==(const CodecCapability&) const = default;
};

struct HeaderExtensionCapability {
  std::string uri{};
  uint16_t preferred_id = 0;
  bool audio = false;
  bool video = false;

  bool operator==(const HeaderExtensionCapability&) const = default;
};

struct Capabilities {
  std::vector<CodecCapability> audio{};
  std::vector<CodecCapability> video{};
  std::vector<HeaderExtensionCapability> extensions{};

  const std::vector<CodecCapability>& codecs(MediaKind kind) const {
    return kind == MediaKind::kAudio ? audio : video;
  }
};

// Opus; VP9 (profile 0) before VP8, each with RTX; the header extensions of Chromium's offers
// that our RTP stack uses (see negotiator.h for the list and ids).
Capabilities DefaultCapabilities();

// The identity of a codec for offer/answer matching (JSEP §5.3.1 / RFC 3264 §6.1): encoding
// name (case-insensitive, RFC 4855 §3), clock rate, channels (absent means 1, RFC 8866 §6.6)
// and, for VP9, profile-id (absent means 0, draft-ietf-payload-vp9 §6).
struct CodecKey {
  std::string_view name;
  uint32_t clock_rate = 0;
  std::optional<uint16_t> channels{};
  const std::vector<std::pair<std::string, std::string>>* parameters = nullptr;
};
bool SameCodec(const CodecKey& a, const CodecKey& b);
CodecKey KeyOf(const CodecCapability& codec);

// "rtx", "red", "ulpfec", "flexfec-03": payload types that carry another codec's packets.
bool IsRedundancyCodec(std::string_view name);
// RFC 4588 retransmission ("rtx", any case).
bool IsRtx(std::string_view name);

}  // namespace parley::jsep
