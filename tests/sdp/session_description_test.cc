#include "sdp/session_description.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace parley::sdp {
namespace {

using ::testing::ElementsAre;

// A description with every kind of line at both levels, in RFC 8866 §5 order.
constexpr std::string_view kEveryLine =
    "v=0\r\n"
    "o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1\r\n"
    "s=Call to John Smith\r\n"
    "i=SDP Offer #1\r\n"
    "u=http://www.jdoe.example.com/home.html\r\n"
    "e=Jane Doe <jane@jdoe.example.com>\r\n"
    "p=+1 617 555-6011\r\n"
    "c=IN IP4 198.51.100.1\r\n"
    "b=AS:2000\r\n"
    "t=3724394400 3724398000\r\n"
    "r=7d 1h 0 25h\r\n"
    "t=3724400000 3724410000\r\n"
    "z=2882844526 -1h 2898848070 0\r\n"
    "k=prompt\r\n"
    "a=recvonly\r\n"
    "a=tool:x:y\r\n"
    "m=audio 49170 RTP/AVP 0\r\n"
    "i=voice\r\n"
    "c=IN IP4 198.51.100.2\r\n"
    "b=TIAS:64000\r\n"
    "k=prompt\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=empty:\r\n"
    "m=video 51372/2 RTP/AVP 99 100\r\n"
    "c=IN IP6 2001:db8::2\r\n"
    "a=rtpmap:99 h263-1998/90000\r\n"
    "m=application 0 UDP/DTLS/SCTP\r\n";

TEST(SdpParse, ReadsEveryField) {
  auto parsed = Parse(kEveryLine);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  const SessionDescription& d = *parsed;
  EXPECT_EQ(d.version, 0);
  EXPECT_EQ(d.origin.username, "jdoe");
  EXPECT_EQ(d.origin.session_id, "3724394400");
  EXPECT_EQ(d.origin.session_version, 3724394405u);
  EXPECT_EQ(d.origin.net_type, "IN");
  EXPECT_EQ(d.origin.address_type, "IP4");
  EXPECT_EQ(d.origin.address, "198.51.100.1");
  EXPECT_EQ(d.session_name, "Call to John Smith");
  EXPECT_THAT(
      d.lines_before_connection,
      ElementsAre(Line{'i', "SDP Offer #1"}, Line{'u', "http://www.jdoe.example.com/home.html"},
                  Line{'e', "Jane Doe <jane@jdoe.example.com>"}, Line{'p', "+1 617 555-6011"}));
  ASSERT_TRUE(d.connection.has_value());
  EXPECT_EQ(*d.connection, (Connection{"IN", "IP4", "198.51.100.1"}));
  EXPECT_THAT(d.lines_after_connection, ElementsAre(Line{'b', "AS:2000"}));
  EXPECT_THAT(d.timing, ElementsAre("3724394400 3724398000", "3724400000 3724410000"));
  EXPECT_THAT(d.lines_after_timing,
              ElementsAre(Line{'r', "7d 1h 0 25h"}, Line{'z', "2882844526 -1h 2898848070 0"},
                          Line{'k', "prompt"}));
  EXPECT_THAT(d.lines_after_each_timing, ElementsAre(1u));
  EXPECT_THAT(d.attributes,
              ElementsAre(Attribute{"recvonly", std::nullopt}, Attribute{"tool", "x:y"}));

  ASSERT_EQ(d.media.size(), 3u);
  const MediaDescription& audio = d.media[0];
  EXPECT_EQ(audio.media, "audio");
  EXPECT_EQ(audio.port, 49170);
  EXPECT_FALSE(audio.port_count.has_value());
  EXPECT_EQ(audio.proto, "RTP/AVP");
  EXPECT_THAT(audio.formats, ElementsAre("0"));
  EXPECT_THAT(audio.lines_before_connection, ElementsAre(Line{'i', "voice"}));
  EXPECT_EQ(audio.connection, (Connection{"IN", "IP4", "198.51.100.2"}));
  EXPECT_THAT(audio.lines_after_connection,
              ElementsAre(Line{'b', "TIAS:64000"}, Line{'k', "prompt"}));
  EXPECT_THAT(audio.attributes,
              ElementsAre(Attribute{"rtpmap", "0 PCMU/8000"}, Attribute{"empty", ""}));

  const MediaDescription& video = d.media[1];
  EXPECT_EQ(video.port, 51372);
  EXPECT_EQ(video.port_count, 2);
  EXPECT_THAT(video.formats, ElementsAre("99", "100"));
  EXPECT_EQ(video.connection, (Connection{"IN", "IP6", "2001:db8::2"}));

  const MediaDescription& application = d.media[2];
  EXPECT_EQ(application.port, 0);
  EXPECT_EQ(application.proto, "UDP/DTLS/SCTP");
  EXPECT_TRUE(application.formats.empty());
  EXPECT_TRUE(application.attributes.empty());
}

TEST(SdpParse, WriteGivesTheInputBack) {
  auto parsed = Parse(kEveryLine);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(Write(*parsed), kEveryLine);
}

TEST(SdpWrite, WritesADescriptionBuiltByHand) {
  SessionDescription d;
  d.origin.session_id = "4611731400430051336";
  d.origin.session_version = 2;
  d.Add("group", "BUNDLE 0");
  MediaDescription media;
  media.media = "application";
  media.proto = "UDP/DTLS/SCTP";
  media.formats = {"webrtc-datachannel"};
  media.connection = Connection{};
  media.Add("mid", "0");
  media.Add("sctp-port", "5000");
  d.media.push_back(media);
  EXPECT_EQ(Write(d),
            "v=0\r\n"
            "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
            "s=-\r\n"
            "t=0 0\r\n"
            "a=group:BUNDLE 0\r\n"
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
            "c=IN IP4 0.0.0.0\r\n"
            "a=mid:0\r\n"
            "a=sctp-port:5000\r\n");
  auto again = Parse(Write(d));
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(*again, d);
}

constexpr std::string_view kMinimal = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";

TEST(SdpParse, AcceptsBareLineFeeds) {
  auto parsed = Parse("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\na=x\nm=audio 9 RTP/AVP 0\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(Write(*parsed), std::string(kMinimal) + "a=x\r\nm=audio 9 RTP/AVP 0\r\n");
}

TEST(SdpParse, AcceptsMixedLineEndings) {
  auto parsed = Parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\ns=-\r\nt=0 0\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(Write(*parsed), kMinimal);
}

TEST(SdpParse, ToleratesAMissingFinalNewline) {
  auto parsed = Parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(Write(*parsed), kMinimal);
}

TEST(SdpParse, ToleratesTrailingBlankLines) {
  auto parsed = Parse(std::string(kMinimal) + "\r\n  \r\n\t\n\n   ");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(Write(*parsed), kMinimal);
}

TEST(SdpParse, KeepsTrailingSpacesOfTheLastLine) {
  // Only blank lines at the end are dropped; a value's own trailing space is kept.
  auto parsed = Parse(std::string(kMinimal) + "a=rtcp-fb:111 transport-cc \r\na=x ");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->attributes[0].value, "111 transport-cc ");
  EXPECT_EQ(parsed->attributes[1].name, "x ");
  EXPECT_EQ(Write(*parsed), std::string(kMinimal) + "a=rtcp-fb:111 transport-cc \r\na=x \r\n");
}

TEST(SdpParse, AcceptsAnEmptySessionName) {
  auto parsed = Parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=\r\nt=0 0\r\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->session_name, "");
  EXPECT_EQ(Write(*parsed), "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=\r\nt=0 0\r\n");
}

TEST(SdpParse, KeepsUnknownAttributesAndLineTypesInPlace) {
  const std::string text = std::string(kMinimal) +
                           "a=x-unknown:anything at all: even colons\r\n"
                           "a=flag\r\n"
                           "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
                           "y=before connection\r\n"
                           "c=IN IP4 0.0.0.0\r\n"
                           "Q=upper-case type\r\n"
                           "a=x-google-flag:conference\r\n";
  auto parsed = Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->Value("x-unknown"), "anything at all: even colons");
  EXPECT_THAT(parsed->media[0].lines_before_connection,
              ElementsAre(Line{'y', "before connection"}));
  EXPECT_THAT(parsed->media[0].lines_after_connection, ElementsAre(Line{'Q', "upper-case type"}));
  EXPECT_EQ(Write(*parsed), text);
}

TEST(SdpParse, ToleratesDuplicateExtmapIdsAndPerSectionIceCredentials) {
  const std::string text = std::string(kMinimal) +
                           "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
                           "a=ice-ufrag:aaaa\r\n"
                           "a=ice-pwd:aaaaaaaaaaaaaaaaaaaaaaaa\r\n"
                           "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
                           "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
                           "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
                           "a=ice-ufrag:bbbb\r\n"
                           "a=ice-pwd:bbbbbbbbbbbbbbbbbbbbbbbb\r\n";
  auto parsed = Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->media[0].Value("ice-ufrag"), "aaaa");
  EXPECT_EQ(parsed->media[1].Value("ice-ufrag"), "bbbb");
  EXPECT_EQ(parsed->media[0].Values("extmap").size(), 2u);
  EXPECT_EQ(Write(*parsed), text);
}

TEST(SdpParse, KeepsLinesWhereTheyStandWhenOutOfOrder) {
  // i= after c= at session level, an unknown line after c= in a media section: kept in place.
  const std::string text =
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\ni=late info\r\nt=0 0\r\n"
      "m=audio 9 RTP/AVP 0\r\nc=IN IP4 0.0.0.0\r\ny=unknown\r\ni=late info\r\n";
  auto parsed = Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_THAT(parsed->lines_after_connection, ElementsAre(Line{'i', "late info"}));
  EXPECT_THAT(parsed->media[0].lines_after_connection,
              ElementsAre(Line{'y', "unknown"}, Line{'i', "late info"}));
  EXPECT_EQ(Write(*parsed), text);
}

TEST(SdpParse, MovesLinesItCannotHoldWhereTheyStandToTheirPlace) {
  // A line after the attributes is written before them; k= before c= in a media section goes
  // after it (b= and k= always land in lines_after_connection).
  auto parsed = Parse(std::string(kMinimal) +
                      "a=x\r\ny=late\r\nm=audio 9 RTP/AVP 0\r\nk=prompt\r\n"
                      "c=IN IP4 0.0.0.0\r\na=mid:0\r\nb=AS:30\r\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_THAT(parsed->lines_after_timing, ElementsAre(Line{'y', "late"}));
  EXPECT_THAT(parsed->media[0].lines_after_connection,
              ElementsAre(Line{'k', "prompt"}, Line{'b', "AS:30"}));
  EXPECT_EQ(Write(*parsed), std::string(kMinimal) +
                                "y=late\r\na=x\r\nm=audio 9 RTP/AVP 0\r\n"
                                "c=IN IP4 0.0.0.0\r\nk=prompt\r\nb=AS:30\r\na=mid:0\r\n");
}

TEST(SdpParse, FilesBandwidthAfterConnectionWhereverItStands) {
  auto parsed = Parse(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nb=AS:1\r\nk=clear:x\r\n"
      "m=audio 9 RTP/AVP 0\r\nb=AS:2\r\nc=IN IP4 0.0.0.0\r\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_THAT(parsed->lines_after_connection, ElementsAre(Line{'b', "AS:1"}));
  EXPECT_THAT(parsed->lines_after_timing, ElementsAre(Line{'k', "clear:x"}));
  EXPECT_THAT(parsed->media[0].lines_after_connection, ElementsAre(Line{'b', "AS:2"}));
  EXPECT_TRUE(parsed->media[0].lines_before_connection.empty());
  EXPECT_EQ(Write(*parsed),
            "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nb=AS:1\r\nt=0 0\r\nk=clear:x\r\n"
            "m=audio 9 RTP/AVP 0\r\nc=IN IP4 0.0.0.0\r\nb=AS:2\r\n");
}

TEST(SdpParse, NormalisesNumbersAndSpaces) {
  auto parsed =
      Parse("v=0\r\no=-  1 007 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio  09  RTP/AVP  0 8\r\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->origin.session_version, 7u);
  EXPECT_EQ(parsed->media[0].port, 9);
  EXPECT_EQ(Write(*parsed),
            "v=0\r\no=- 1 7 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0 8\r\n");
}

TEST(SdpParse, ReadsLargeSessionVersionsAndPortCounts) {
  auto parsed = Parse(
      "v=0\r\no=- 1 18446744073709551615 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
      "m=video 65535/65535 RTP/AVP 96\r\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->origin.session_version, UINT64_MAX);
  EXPECT_EQ(parsed->media[0].port, 65535);
  EXPECT_EQ(parsed->media[0].port_count, 65535);
}

TEST(SdpParse, AcceptsTabsAndUtf8InText) {
  const std::string text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=R\xC3\xA9union\tweekly\r\nt=0 0\r\n";
  auto parsed = Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->session_name, "R\xC3\xA9union\tweekly");
  EXPECT_EQ(Write(*parsed), text);
}

TEST(SdpParse, AcceptsExactlyOneMebibyte) {
  const std::string line = "a=x:" + std::string(96, 'x') + "\r\n";
  std::string text(kMinimal);
  while (kMaxTextSize - text.size() >= line.size() + 8)
    text += line;
  text += "a=y:" + std::string(kMaxTextSize - text.size() - 6, 'y') + "\r\n";
  ASSERT_EQ(text.size(), kMaxTextSize);
  auto parsed = Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(Write(*parsed), text);
  EXPECT_FALSE(Parse(text + "\n").ok());  // one byte more, even a blank one, is refused
}

TEST(SdpAttributes, FindValueValuesHas) {
  MediaDescription media;
  media.Add("ssrc", "1 cname:a");
  media.Add("rtcp-mux");
  media.Add("ssrc", "2 cname:a");
  media.Add("empty", "");
  ASSERT_NE(media.Find("ssrc"), nullptr);
  EXPECT_EQ(media.Find("ssrc")->value, "1 cname:a");
  EXPECT_EQ(media.Find("missing"), nullptr);
  EXPECT_EQ(media.Value("ssrc"), "1 cname:a");
  EXPECT_EQ(media.Value("rtcp-mux"), "");
  EXPECT_EQ(media.Value("empty"), "");
  EXPECT_EQ(media.Value("missing"), std::nullopt);
  EXPECT_EQ(media.Value("SSRC"), std::nullopt);  // names are case-sensitive
  EXPECT_THAT(media.Values("ssrc"), ElementsAre("1 cname:a", "2 cname:a"));
  EXPECT_TRUE(media.Values("missing").empty());
  EXPECT_TRUE(media.Has("rtcp-mux"));
  EXPECT_FALSE(media.Has("rtcp"));
}

TEST(SdpAttributes, RemoveDeletesEveryMatch) {
  MediaDescription media;
  media.Add("ssrc", "1 cname:a");
  media.Add("mid", "0");
  media.Add("ssrc", "2 cname:a");
  media.Remove("ssrc");
  EXPECT_THAT(media.attributes, ElementsAre(Attribute{"mid", "0"}));
  media.Remove("absent");
  EXPECT_EQ(media.attributes.size(), 1u);
}

TEST(SdpAttributes, SetReplacesTheFirstInPlaceOrAppends) {
  SessionDescription session;
  session.Add("a", "1");
  session.Add("b", "1");
  session.Add("b", "2");
  session.Set("b", "3");
  session.Set("c");
  EXPECT_THAT(session.attributes, ElementsAre(Attribute{"a", "1"}, Attribute{"b", "3"},
                                              Attribute{"b", "2"}, Attribute{"c", std::nullopt}));
  session.Find("a")->value = "9";
  EXPECT_EQ(session.Value("a"), "9");
}

}  // namespace
}  // namespace parley::sdp
