// Typed attribute values both ways, against values as real stacks write them, and rejects.
#include "sdp/attributes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace parley::sdp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

// Expects a SyntaxError naming the attribute and saying why.
template <typename T>
void ExpectRejected(std::string_view value, std::string_view attribute, std::string_view why) {
  auto parsed = T::Parse(value);
  ASSERT_FALSE(parsed.ok()) << "parsed: '" << value << "'";
  EXPECT_EQ(parsed.error().kind(), ErrorKind::kSyntaxError);
  EXPECT_THAT(parsed.error().message(),
              HasSubstr("invalid a=" + std::string(attribute) + " value"));
  EXPECT_THAT(parsed.error().message(), HasSubstr(std::string(why)));
}

// Parses, checks the value writes back unchanged, and returns the parsed value.
template <typename T>
T RoundTrip(std::string_view value) {
  auto parsed = T::Parse(value);
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  if (!parsed.ok()) return T{};
  EXPECT_EQ(parsed->ToString(), value);
  return *parsed;
}

TEST(SdpRtpmap, ParsesAudioWithChannels) {
  const Rtpmap r = RoundTrip<Rtpmap>("111 opus/48000/2");
  EXPECT_EQ(r.payload_type, 111);
  EXPECT_EQ(r.encoding, "opus");
  EXPECT_EQ(r.clock_rate, 48000u);
  EXPECT_EQ(r.channels, 2);
}

TEST(SdpRtpmap, ParsesVideoWithoutChannels) {
  const Rtpmap r = RoundTrip<Rtpmap>("96 VP8/90000");
  EXPECT_EQ(r.payload_type, 96);
  EXPECT_EQ(r.encoding, "VP8");
  EXPECT_EQ(r.clock_rate, 90000u);
  EXPECT_FALSE(r.channels.has_value());
  RoundTrip<Rtpmap>("0 PCMU/8000");
  RoundTrip<Rtpmap>("127 telephone-event/8000");
  RoundTrip<Rtpmap>("9 G722/8000/1");  // Firefox writes the channel count for one channel
}

TEST(SdpRtpmap, WritesFields) {
  EXPECT_EQ((Rtpmap{63, "red", 48000, 2}).ToString(), "63 red/48000/2");
  EXPECT_EQ((Rtpmap{98, "VP9", 90000, std::nullopt}).ToString(), "98 VP9/90000");
}

TEST(SdpRtpmap, Rejects) {
  ExpectRejected<Rtpmap>("", "rtpmap", "expected");
  ExpectRejected<Rtpmap>("111", "rtpmap", "expected");
  ExpectRejected<Rtpmap>("111 opus/48000/2 extra", "rtpmap", "expected");
  ExpectRejected<Rtpmap>("x opus/48000", "rtpmap", "payload type is not a number 0..127");
  ExpectRejected<Rtpmap>("128 opus/48000", "rtpmap", "payload type is not a number 0..127");
  ExpectRejected<Rtpmap>("-1 opus/48000", "rtpmap", "payload type is not a number 0..127");
  ExpectRejected<Rtpmap>("111 opus", "rtpmap", "no clock rate");
  ExpectRejected<Rtpmap>("111 /48000", "rtpmap", "no encoding name");
  ExpectRejected<Rtpmap>("111 opus/", "rtpmap", "clock rate is not a 32-bit number");
  ExpectRejected<Rtpmap>("111 opus/4294967296", "rtpmap", "clock rate is not a 32-bit number");
  ExpectRejected<Rtpmap>("111 opus/48k", "rtpmap", "clock rate is not a 32-bit number");
  ExpectRejected<Rtpmap>("111 opus/48000/", "rtpmap", "channels");
  ExpectRejected<Rtpmap>("111 opus/48000/2/1", "rtpmap", "channels");
  ExpectRejected<Rtpmap>("111 opus/48000/65536", "rtpmap", "channels");
}

TEST(SdpFmtp, ParsesParametersInOrder) {
  const Fmtp f = RoundTrip<Fmtp>("111 minptime=10;useinbandfec=1");
  EXPECT_EQ(f.payload_type, 111);
  EXPECT_THAT(f.parameters, ElementsAre(Pair("minptime", "10"), Pair("useinbandfec", "1")));
  EXPECT_EQ(f.Get("useinbandfec"), "1");
  EXPECT_EQ(f.Get("stereo"), std::nullopt);
}

TEST(SdpFmtp, ParametersWithoutEqualsHaveEmptyValues) {
  const Fmtp red = RoundTrip<Fmtp>("63 111/111");
  EXPECT_THAT(red.parameters, ElementsAre(Pair("111/111", "")));
  const Fmtp dtmf = RoundTrip<Fmtp>("101 0-15");
  EXPECT_THAT(dtmf.parameters, ElementsAre(Pair("0-15", "")));
  EXPECT_EQ(dtmf.Get("0-15"), "");
}

TEST(SdpFmtp, SplitsOnTheFirstEqualsAndTrims) {
  auto f = Fmtp::Parse("97  apt=96 ; x = a=b ;; ;flag;");
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_EQ(f->payload_type, 97);
  EXPECT_THAT(f->parameters, ElementsAre(Pair("apt", "96"), Pair("x", "a=b"), Pair("flag", "")));
  EXPECT_EQ(f->ToString(), "97 apt=96;x=a=b;flag");
}

TEST(SdpFmtp, GetIgnoresCase) {
  const Fmtp f =
      RoundTrip<Fmtp>("102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
  EXPECT_EQ(f.Get("PROFILE-LEVEL-ID"), "42001f");
  EXPECT_EQ(f.Get("packetization-mode"), "1");
}

TEST(SdpFmtp, AcceptsNoParameters) {
  auto f = Fmtp::Parse("96");
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_TRUE(f->parameters.empty());
  EXPECT_EQ(f->ToString(), "96");
}

TEST(SdpFmtp, WritesFields) {
  Fmtp f{98, {{"profile-id", "0"}}};
  EXPECT_EQ(f.ToString(), "98 profile-id=0");
  f.parameters.emplace_back("x", "");
  EXPECT_EQ(f.ToString(), "98 profile-id=0;x");
}

TEST(SdpFmtp, Rejects) {
  ExpectRejected<Fmtp>("", "fmtp", "payload type is not a number 0..127");
  ExpectRejected<Fmtp>("webrtc-datachannel max-message-size=65536", "fmtp", "payload type");
  ExpectRejected<Fmtp>("200 apt=96", "fmtp", "payload type is not a number 0..127");
  ExpectRejected<Fmtp>(" 96 apt=96", "fmtp", "payload type");
}

TEST(SdpRtcpFb, ParsesTypeAndParameter) {
  const RtcpFb pli = RoundTrip<RtcpFb>("96 nack pli");
  EXPECT_EQ(pli.payload_type, "96");
  EXPECT_EQ(pli.type, "nack");
  EXPECT_EQ(pli.parameter, "pli");
  const RtcpFb nack = RoundTrip<RtcpFb>("96 nack");
  EXPECT_EQ(nack.type, "nack");
  EXPECT_EQ(nack.parameter, "");
  const RtcpFb wildcard = RoundTrip<RtcpFb>("* trr-int 100");
  EXPECT_EQ(wildcard.payload_type, "*");
  EXPECT_EQ(wildcard.type, "trr-int");
  EXPECT_EQ(wildcard.parameter, "100");
  const RtcpFb tmmbr = RoundTrip<RtcpFb>("97 ccm tmmbr smaxpr=120");
  EXPECT_EQ(tmmbr.parameter, "tmmbr smaxpr=120");
  RoundTrip<RtcpFb>("111 transport-cc");
  RoundTrip<RtcpFb>("96 goog-remb");
}

TEST(SdpRtcpFb, DropsTheTrailingSpacePionWrites) {
  auto fb = RtcpFb::Parse("111 transport-cc ");
  ASSERT_TRUE(fb.ok()) << fb.error();
  EXPECT_EQ(fb->type, "transport-cc");
  EXPECT_EQ(fb->parameter, "");
  EXPECT_EQ(fb->ToString(), "111 transport-cc");
}

TEST(SdpRtcpFb, WritesFields) {
  EXPECT_EQ((RtcpFb{"100", "ccm", "fir"}).ToString(), "100 ccm fir");
  EXPECT_EQ((RtcpFb{"*", "transport-cc", ""}).ToString(), "* transport-cc");
}

TEST(SdpRtcpFb, Rejects) {
  ExpectRejected<RtcpFb>("", "rtcp-fb", "payload type");
  ExpectRejected<RtcpFb>("x nack", "rtcp-fb", "payload type is neither \"*\" nor a number 0..127");
  ExpectRejected<RtcpFb>("128 nack", "rtcp-fb", "payload type");
  ExpectRejected<RtcpFb>("** nack", "rtcp-fb", "payload type");
  ExpectRejected<RtcpFb>("96", "rtcp-fb", "no feedback type");
  ExpectRejected<RtcpFb>("96 ", "rtcp-fb", "no feedback type");
}

TEST(SdpDirection, NamesBothWays) {
  for (Direction d :
       {Direction::kSendRecv, Direction::kSendOnly, Direction::kRecvOnly, Direction::kInactive}) {
    EXPECT_EQ(ParseDirection(ToString(d)), d);
  }
  EXPECT_EQ(ToString(Direction::kSendRecv), "sendrecv");
  EXPECT_EQ(ToString(Direction::kSendOnly), "sendonly");
  EXPECT_EQ(ToString(Direction::kRecvOnly), "recvonly");
  EXPECT_EQ(ToString(Direction::kInactive), "inactive");
  EXPECT_EQ(ParseDirection("SendRecv"), std::nullopt);
  EXPECT_EQ(ParseDirection("send"), std::nullopt);
  EXPECT_EQ(ParseDirection(""), std::nullopt);
}

TEST(SdpDirection, DirectionOfIsTheFirstDirectionAttribute) {
  MediaDescription media;
  EXPECT_EQ(DirectionOf(media), std::nullopt);
  media.Add("mid", "0");
  media.Add("recvonly");
  media.Add("sendrecv");  // Firefox's gathered offers repeat a direction
  EXPECT_EQ(DirectionOf(media), Direction::kRecvOnly);
  SessionDescription session;
  EXPECT_EQ(DirectionOf(session), std::nullopt);
  session.Add("inactive");
  EXPECT_EQ(DirectionOf(session), Direction::kInactive);
}

TEST(SdpDirection, SetDirectionReplacesInPlaceAndRemovesOthers) {
  MediaDescription media;
  media.Add("mid", "0");
  media.Add("sendrecv");
  media.Add("rtcp-mux");
  media.Add("inactive");
  SetDirection(media, Direction::kSendOnly);
  EXPECT_THAT(media.attributes,
              ElementsAre(Attribute{"mid", "0"}, Attribute{"sendonly", std::nullopt},
                          Attribute{"rtcp-mux", std::nullopt}));
  EXPECT_EQ(DirectionOf(media), Direction::kSendOnly);
}

TEST(SdpDirection, SetDirectionAppendsWhenThereIsNone) {
  MediaDescription media;
  media.Add("mid", "0");
  SetDirection(media, Direction::kInactive);
  EXPECT_THAT(media.attributes,
              ElementsAre(Attribute{"mid", "0"}, Attribute{"inactive", std::nullopt}));
}

TEST(SdpExtmap, ParsesIdAndUri) {
  const Extmap e = RoundTrip<Extmap>(
      "3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01");
  EXPECT_EQ(e.id, 3);
  EXPECT_FALSE(e.direction.has_value());
  EXPECT_EQ(e.uri, "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01");
  EXPECT_EQ(e.extension_attributes, "");
}

TEST(SdpExtmap, ParsesDirectionAndExtensionAttributes) {
  const Extmap e = RoundTrip<Extmap>("2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level");
  EXPECT_EQ(e.id, 2);
  EXPECT_EQ(e.direction, Direction::kRecvOnly);
  const Extmap encrypted = RoundTrip<Extmap>(
      "4095/sendonly urn:ietf:params:rtp-hdrext:encrypt urn:ietf:params:rtp-hdrext:toffset x");
  EXPECT_EQ(encrypted.id, 4095);
  EXPECT_EQ(encrypted.direction, Direction::kSendOnly);
  EXPECT_EQ(encrypted.uri, "urn:ietf:params:rtp-hdrext:encrypt");
  EXPECT_EQ(encrypted.extension_attributes, "urn:ietf:params:rtp-hdrext:toffset x");
  RoundTrip<Extmap>("1 urn:ietf:params:rtp-hdrext:ssrc-audio-level vad=on");
}

TEST(SdpExtmap, WritesFields) {
  EXPECT_EQ((Extmap{4, std::nullopt, "urn:ietf:params:rtp-hdrext:sdes:mid", ""}).ToString(),
            "4 urn:ietf:params:rtp-hdrext:sdes:mid");
  EXPECT_EQ((Extmap{14, Direction::kInactive, "urn:x", "a b"}).ToString(), "14/inactive urn:x a b");
}

TEST(SdpExtmap, Rejects) {
  ExpectRejected<Extmap>("0 urn:x", "extmap", "id is not a number 1..4095");
  ExpectRejected<Extmap>("4096 urn:x", "extmap", "id is not a number 1..4095");
  ExpectRejected<Extmap>("99999999999999999999 urn:x", "extmap", "id is not a number 1..4095");
  ExpectRejected<Extmap>("x urn:x", "extmap", "id is not a number 1..4095");
  ExpectRejected<Extmap>("/sendonly urn:x", "extmap", "id is not a number 1..4095");
  ExpectRejected<Extmap>("1/send urn:x", "extmap", "unknown direction");
  ExpectRejected<Extmap>("1/ urn:x", "extmap", "unknown direction");
  ExpectRejected<Extmap>("1", "extmap", "no URI");
  ExpectRejected<Extmap>("1 ", "extmap", "no URI");
  ExpectRejected<Extmap>("", "extmap", "id");
}

TEST(SdpGroup, ParsesSemanticsAndMids) {
  const Group g = RoundTrip<Group>("BUNDLE 0 1 2");
  EXPECT_EQ(g.semantics, "BUNDLE");
  EXPECT_THAT(g.mids, ElementsAre("0", "1", "2"));
  const Group gst = RoundTrip<Group>("BUNDLE audio0 video1 application2");
  EXPECT_THAT(gst.mids, ElementsAre("audio0", "video1", "application2"));
  const Group empty = RoundTrip<Group>("BUNDLE");
  EXPECT_TRUE(empty.mids.empty());
  RoundTrip<Group>("LS a b");
}

TEST(SdpGroup, WritesFieldsAndRejects) {
  EXPECT_EQ((Group{"BUNDLE", {"a", "b"}}).ToString(), "BUNDLE a b");
  ExpectRejected<Group>("", "group", "no semantics");
  ExpectRejected<Group>("   ", "group", "no semantics");
}

TEST(SdpMsid, ParsesStreamAndTrack) {
  const Msid m =
      RoundTrip<Msid>("2c323db6-f3e6-48e9-a61b-3b6fca8091ef adecd10f-9927-4065-9456-0075164802be");
  EXPECT_EQ(m.stream_id, "2c323db6-f3e6-48e9-a61b-3b6fca8091ef");
  EXPECT_EQ(m.track_id, "adecd10f-9927-4065-9456-0075164802be");
  const Msid no_stream = RoundTrip<Msid>("- {5ef0fcc4-3319-4d20-9a75-5dff808ad14e}");
  EXPECT_EQ(no_stream.stream_id, "-");
  const Msid stream_only = RoundTrip<Msid>("stream");
  EXPECT_EQ(stream_only.stream_id, "stream");
  EXPECT_EQ(stream_only.track_id, "");
}

TEST(SdpMsid, WritesFieldsAndRejects) {
  EXPECT_EQ((Msid{"s", "t"}).ToString(), "s t");
  EXPECT_EQ((Msid{"s", ""}).ToString(), "s");
  ExpectRejected<Msid>("", "msid", "no stream id");
  ExpectRejected<Msid>("a b c", "msid", "more than two fields");
}

TEST(SdpSsrcAttribute, ParsesAttributeAndValue) {
  const SsrcAttribute cname = RoundTrip<SsrcAttribute>("3182899504 cname:Ze2EeyhpaamrF68P");
  EXPECT_EQ(cname.ssrc, 3182899504u);
  EXPECT_EQ(cname.attribute, "cname");
  EXPECT_EQ(cname.value, "Ze2EeyhpaamrF68P");
  const SsrcAttribute msid =
      RoundTrip<SsrcAttribute>("651234167 msid:user1612055434@host-ca47f693 webrtctransceiver0");
  EXPECT_EQ(msid.attribute, "msid");
  EXPECT_EQ(msid.value, "user1612055434@host-ca47f693 webrtctransceiver0");
  const SsrcAttribute colons = RoundTrip<SsrcAttribute>("4294967295 label:a:b");
  EXPECT_EQ(colons.ssrc, 4294967295u);
  EXPECT_EQ(colons.value, "a:b");
  const SsrcAttribute flag = RoundTrip<SsrcAttribute>("1 x-flag");
  EXPECT_EQ(flag.attribute, "x-flag");
  EXPECT_EQ(flag.value, "");
  auto empty_value = SsrcAttribute::Parse("1 cname:");
  ASSERT_TRUE(empty_value.ok()) << empty_value.error();
  EXPECT_EQ(empty_value->value, "");
  EXPECT_EQ(empty_value->ToString(), "1 cname");
}

TEST(SdpSsrcAttribute, WritesFieldsAndRejects) {
  EXPECT_EQ((SsrcAttribute{1, "cname", "x"}).ToString(), "1 cname:x");
  ExpectRejected<SsrcAttribute>("", "ssrc", "SSRC is not a 32-bit number");
  ExpectRejected<SsrcAttribute>("4294967296 cname:x", "ssrc", "SSRC is not a 32-bit number");
  ExpectRejected<SsrcAttribute>("-1 cname:x", "ssrc", "SSRC is not a 32-bit number");
  ExpectRejected<SsrcAttribute>("1", "ssrc", "no source attribute");
  ExpectRejected<SsrcAttribute>("1 :x", "ssrc", "no source attribute");
}

TEST(SdpSsrcGroup, ParsesSemanticsAndSsrcs) {
  const SsrcGroup fid = RoundTrip<SsrcGroup>("FID 669045892 3328289937");
  EXPECT_EQ(fid.semantics, "FID");
  EXPECT_THAT(fid.ssrcs, ElementsAre(669045892u, 3328289937u));
  const SsrcGroup sim = RoundTrip<SsrcGroup>("SIM 1 2 3");
  EXPECT_THAT(sim.ssrcs, ElementsAre(1u, 2u, 3u));
  EXPECT_EQ((SsrcGroup{"FEC-FR", {5, 6}}).ToString(), "FEC-FR 5 6");
}

TEST(SdpSsrcGroup, Rejects) {
  ExpectRejected<SsrcGroup>("", "ssrc-group", "no semantics");
  ExpectRejected<SsrcGroup>("FID 1 x", "ssrc-group", "SSRC is not a 32-bit number");
  ExpectRejected<SsrcGroup>("FID 1 4294967296", "ssrc-group", "SSRC is not a 32-bit number");
}

TEST(SdpRid, ParsesIdDirectionAndRestrictions) {
  const Rid q = RoundTrip<Rid>("q send");
  EXPECT_EQ(q.id, "q");
  EXPECT_EQ(q.direction, "send");
  EXPECT_EQ(q.restrictions, "");
  const Rid hi = RoundTrip<Rid>("hi-res_1 recv pt=96,97;max-width=1280;max-height=720");
  EXPECT_EQ(hi.id, "hi-res_1");
  EXPECT_EQ(hi.direction, "recv");
  EXPECT_EQ(hi.restrictions, "pt=96,97;max-width=1280;max-height=720");
  EXPECT_EQ((Rid{"f", "send", "max-fps=30"}).ToString(), "f send max-fps=30");
}

TEST(SdpRid, Rejects) {
  ExpectRejected<Rid>("", "rid", "id is not letters, digits");
  ExpectRejected<Rid>("a.b send", "rid", "id is not letters, digits");
  ExpectRejected<Rid>("q", "rid", "direction is not send or recv");
  ExpectRejected<Rid>("q sendrecv", "rid", "direction is not send or recv");
  ExpectRejected<Rid>("q Send", "rid", "direction is not send or recv");
}

}  // namespace
}  // namespace parley::sdp
