// Codec and header extension offer/answer on m-sections as text (JSEP §5.2.1, §5.3.1).
#include "jsep/codec_negotiation.h"

#include <gtest/gtest.h>

#include "jsep/media_section.h"
#include "negotiation_harness.h"

namespace parley::jsep {
namespace {

using testing::ParseSdp;

// A video m-section as a peer that prefers VP8 and uses its own payload types offers it.
constexpr std::string_view kVideoOffer =
    "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 100 101 120 121 122\r\n"
    "a=rtpmap:100 VP8/90000\r\n"
    "a=rtcp-fb:100 nack\r\n"
    "a=rtcp-fb:100 nack pli\r\n"
    "a=rtcp-fb:100 goog-remb\r\n"
    "a=rtpmap:101 rtx/90000\r\n"
    "a=fmtp:101 apt=100\r\n"
    "a=rtpmap:120 VP9/90000\r\n"
    "a=fmtp:120 profile-id=0\r\n"
    "a=rtcp-fb:* transport-cc\r\n"
    "a=rtpmap:121 rtx/90000\r\n"
    "a=fmtp:121 apt=120\r\n"
    "a=rtpmap:122 VP9/90000\r\n"
    "a=fmtp:122 profile-id=2\r\n"
    "a=extmap:7 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=extmap:7 urn:ietf:params:rtp-hdrext:toffset\r\n"
    "a=extmap:9 urn:3gpp:video-orientation\r\n"
    "a=extmap:12 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n"
    "a=extmap:13 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n";

std::vector<SectionCodec> OfferedVideo() {
  return ReadCodecs(ParseSdp(kVideoOffer).media.at(0));
}

TEST(JsepCodecNegotiation, ReadsRtpmapFmtpFeedbackAndWildcards) {
  std::vector<SectionCodec> codecs = OfferedVideo();
  ASSERT_EQ(codecs.size(), 5u);
  EXPECT_EQ(codecs[0].name, "VP8");
  EXPECT_EQ(codecs[0].payload_type, 100);
  EXPECT_EQ(codecs[0].feedback,
            (std::vector<std::string>{"nack", "nack pli", "goog-remb", "transport-cc"}));
  EXPECT_EQ(codecs[1].apt, 100);
  EXPECT_EQ(codecs[2].feedback, std::vector<std::string>{"transport-cc"});
  EXPECT_EQ(codecs[4].parameters[0], (std::pair<std::string, std::string>{"profile-id", "2"}));
}

TEST(JsepCodecNegotiation, StaticPayloadTypesWithoutRtpmap) {
  auto codecs = ReadCodecs(
      ParseSdp("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/SAVPF 0 8 9 18\r\n")
          .media.at(0));
  ASSERT_EQ(codecs.size(), 3u);  // 18 (G729) has no rtpmap and no meaning to us
  EXPECT_EQ(codecs[0].name, "PCMU");
  EXPECT_EQ(codecs[1].name, "PCMA");
  EXPECT_EQ(codecs[2].name, "G722");
}

// Our order (VP9 before VP8), the offerer's payload types, RTX following its codec, rtcp-fb
// only where both list it, VP9 profile 2 not matched by our profile 0.
TEST(JsepCodecNegotiation, AnswerUsesOurOrderAndTheOfferersPayloadTypes) {
  std::vector<NegotiatedCodec> answer = AnswerCodecs(OfferedVideo(), DefaultCapabilities().video);
  ASSERT_EQ(answer.size(), 2u);
  EXPECT_EQ(answer[0].name, "VP9");
  EXPECT_EQ(answer[0].payload_type, 120);
  EXPECT_EQ(answer[0].rtx_payload_type, 121);
  EXPECT_EQ(answer[0].feedback, std::vector<std::string>{"transport-cc"});
  EXPECT_EQ(answer[0].parameters,
            (std::vector<std::pair<std::string, std::string>>{{"profile-id", "0"}}));
  EXPECT_EQ(answer[1].name, "VP8");
  EXPECT_EQ(answer[1].payload_type, 100);
  EXPECT_EQ(answer[1].rtx_payload_type, 101);
  EXPECT_EQ(answer[1].feedback,
            (std::vector<std::string>{"goog-remb", "transport-cc", "nack", "nack pli"}));
}

TEST(JsepCodecNegotiation, RtxOnlyForKeptCodecsAndOnlyIfWeDoRtx) {
  Capabilities caps = DefaultCapabilities();
  caps.video.erase(caps.video.begin());  // VP8 only
  caps.video[0].rtx = false;
  std::vector<NegotiatedCodec> answer = AnswerCodecs(OfferedVideo(), caps.video);
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_EQ(answer[0].payload_type, 100);
  EXPECT_EQ(answer[0].rtx_payload_type, std::nullopt);
}

TEST(JsepCodecNegotiation, NoCommonCodecGivesAnEmptyAnswer) {
  EXPECT_TRUE(AnswerCodecs(OfferedVideo(), DefaultCapabilities().audio).empty());
}

TEST(JsepCodecNegotiation, WrittenCodecsReadBackAsAgreed) {
  std::vector<NegotiatedCodec> answer = AnswerCodecs(OfferedVideo(), DefaultCapabilities().video);
  sdp::MediaDescription section;
  WriteCodecs(section, answer);
  EXPECT_EQ(section.formats, (std::vector<std::string>{"120", "121", "100", "101"}));
  EXPECT_EQ(section.Values("fmtp"),
            (std::vector<std::string_view>{"120 profile-id=0", "121 apt=120", "101 apt=100"}));
  // What the offerer then sends with: our answer's list in our order, under its own types.
  std::vector<NegotiatedCodec> agreed = AgreedCodecs(ReadCodecs(section), OfferedVideo());
  ASSERT_EQ(agreed.size(), 2u);
  EXPECT_EQ(agreed[0].payload_type, 120);
  EXPECT_EQ(agreed[0].rtx_payload_type, 121);
  EXPECT_EQ(agreed[1].payload_type, 100);
}

// The offer has id 7 twice (aiortc does this): the first wins, the second is ignored; of
// the rest we keep what we support for video, with the offer's ids.
TEST(JsepCodecNegotiation, ExtensionsIntersectWithTheOffersIdsAndDuplicateIdsAreIgnored) {
  std::vector<NegotiatedExtension> offered = ReadExtensions(ParseSdp(kVideoOffer).media.at(0));
  ASSERT_EQ(offered.size(), 4u);
  EXPECT_EQ(offered[0], (NegotiatedExtension{7, "urn:ietf:params:rtp-hdrext:sdes:mid"}));
  std::vector<NegotiatedExtension> answer =
      AnswerExtensions(offered, DefaultCapabilities().extensions, MediaKind::kVideo);
  EXPECT_EQ(answer, (std::vector<NegotiatedExtension>{
                        {7, "urn:ietf:params:rtp-hdrext:sdes:mid"},
                        {12, "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"}}));
}

TEST(JsepCodecNegotiation, OfferNumberingKeepsKnownTypesAndIdsAndAvoidsTakenOnes) {
  // The peer gave 98 to H264 and 96 to VP8, and id 2 to toffset.
  sdp::SessionDescription known = ParseSdp(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96 98\r\n"
      "a=rtpmap:96 VP8/90000\r\na=rtpmap:98 H264/90000\r\n"
      "a=extmap:2 urn:ietf:params:rtp-hdrext:toffset\r\n"
      "a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid\r\n");
  OfferNumbering numbering({&known});
  std::vector<NegotiatedCodec> codecs = numbering.Codecs(DefaultCapabilities().video);
  ASSERT_EQ(codecs.size(), 2u);
  EXPECT_EQ(codecs[0].name, "VP9");
  EXPECT_EQ(codecs[0].payload_type, 97);  // 98 is H264's; the first free dynamic type
  EXPECT_EQ(codecs[0].rtx_payload_type, 99);
  EXPECT_EQ(codecs[1].payload_type, 96);  // VP8 keeps its type
  EXPECT_EQ(codecs[1].rtx_payload_type, 100);
  std::vector<NegotiatedExtension> extensions =
      numbering.Extensions(DefaultCapabilities().extensions, MediaKind::kVideo);
  ASSERT_EQ(extensions.size(), 5u);
  EXPECT_EQ(extensions[0],
            (NegotiatedExtension{1, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"}));
  EXPECT_EQ(extensions.back(), (NegotiatedExtension{9, "urn:ietf:params:rtp-hdrext:sdes:mid"}));
}

TEST(JsepCodecNegotiation, DefaultCapabilitiesAreTheDocumentedOnes) {
  Capabilities caps = DefaultCapabilities();
  ASSERT_EQ(caps.audio.size(), 1u);
  EXPECT_EQ(caps.audio[0].name, "opus");
  EXPECT_EQ(caps.audio[0].preferred_payload_type, 111);
  ASSERT_EQ(caps.video.size(), 2u);
  EXPECT_EQ(caps.video[0].name, "VP9");
  EXPECT_EQ(caps.video[0].preferred_payload_type, 98);
  EXPECT_EQ(caps.video[1].name, "VP8");
  EXPECT_EQ(caps.video[1].preferred_payload_type, 96);
  EXPECT_EQ(caps.extensions.size(), 6u);
}

}  // namespace
}  // namespace parley::jsep
