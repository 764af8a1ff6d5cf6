// Descriptions captured from real stacks (fixtures/README.md says how): each parses, writes back
// byte-exactly, has the expected sections, and every typed attribute in it parses. Every prefix
// of each parses or fails cleanly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sdp/attributes.h"
#include "sdp/session_description.h"

namespace parley::sdp {
namespace {

using ::testing::ElementsAreArray;

struct Expected {
  std::vector<std::string> media;  // media types in order
  std::vector<std::string> mids;   // a=mid values in order
  bool session_fingerprint;        // a=fingerprint at session level (else in every section)
  size_t candidates;               // a=candidate lines in all sections
};

const std::vector<std::string> kAudioVideoData = {"audio", "video", "application"};
const std::vector<std::string> kMids012 = {"0", "1", "2"};

const std::map<std::string, Expected>& Fixtures() {
  static const auto* fixtures = new std::map<std::string, Expected>{
      {"aiortc_answer_audio_video_datachannel.sdp", {kAudioVideoData, kMids012, false, 6}},
      {"aiortc_answer_to_chromium_offer.sdp", {kAudioVideoData, kMids012, false, 6}},
      {"aiortc_offer_audio_video_datachannel.sdp", {kAudioVideoData, kMids012, false, 6}},
      {"chromium_answer_audio_video_datachannel.sdp", {kAudioVideoData, kMids012, false, 0}},
      {"chromium_offer_audio_video_datachannel.sdp", {kAudioVideoData, kMids012, false, 0}},
      {"chromium_offer_datachannel.sdp", {{"application"}, {"0"}, false, 0}},
      {"chromium_offer_gathered.sdp", {{"audio", "application"}, {"0", "1"}, false, 16}},
      {"chromium_offer_simulcast.sdp", {{"video"}, {"0"}, false, 0}},
      {"chromium_offer_tracks.sdp", {kAudioVideoData, kMids012, false, 0}},
      {"firefox_answer_audio_video_datachannel.sdp", {kAudioVideoData, kMids012, true, 0}},
      {"firefox_offer_audio_video_datachannel.sdp", {kAudioVideoData, kMids012, true, 0}},
      {"firefox_offer_datachannel.sdp", {{"application"}, {"0"}, true, 0}},
      {"firefox_offer_gathered.sdp", {{"audio", "application"}, {"0", "1"}, true, 12}},
      {"firefox_offer_simulcast.sdp", {{"video"}, {"0"}, true, 0}},
      {"firefox_offer_tracks.sdp", {kAudioVideoData, kMids012, true, 0}},
      {"gstreamer_answer_to_chromium_offer.sdp", {kAudioVideoData, kMids012, false, 0}},
      {"gstreamer_offer_audio_video_datachannel.sdp",
       {kAudioVideoData, {"audio0", "video1", "application2"}, false, 0}},
      {"pion_answer_to_chromium_offer.sdp", {kAudioVideoData, kMids012, true, 0}},
      {"pion_offer_audio_video_datachannel.sdp", {kAudioVideoData, kMids012, true, 0}},
      {"pion_offer_datachannel.sdp", {{"application"}, {"0"}, true, 0}},
  };
  return *fixtures;
}

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::filesystem::path(PARLEY_SDP_FIXTURE_DIR) / name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> FixtureNames() {
  std::vector<std::string> names;
  for (const auto& [name, expected] : Fixtures())
    names.push_back(name);
  return names;
}

TEST(SdpFixtureSet, EveryFixtureFileHasExpectations) {
  std::vector<std::string> on_disk;
  for (const auto& entry : std::filesystem::directory_iterator(PARLEY_SDP_FIXTURE_DIR)) {
    if (entry.path().extension() == ".sdp") on_disk.push_back(entry.path().filename().string());
  }
  std::sort(on_disk.begin(), on_disk.end());
  EXPECT_THAT(on_disk, ElementsAreArray(FixtureNames()));
}

class SdpFixture : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    text_ = ReadFixture(GetParam());
    ASSERT_FALSE(text_.empty()) << "cannot read " << GetParam();
  }
  std::string text_;
};

TEST_P(SdpFixture, IsCrlfTerminated) {
  // The stacks all send CRLF; the round trip below is then byte-exact.
  ASSERT_TRUE(text_.ends_with("\r\n"));
  for (size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') {
      ASSERT_TRUE(i > 0 && text_[i - 1] == '\r') << "at byte " << i;
    }
  }
}

TEST_P(SdpFixture, WriteGivesTheSameBytesBack) {
  auto parsed = Parse(text_);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(Write(*parsed), text_);
}

TEST_P(SdpFixture, LineFeedOnlyVersionWritesTheCrlfOriginal) {
  std::string lf;
  for (char c : text_) {
    if (c != '\r') lf.push_back(c);
  }
  auto parsed = Parse(lf);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(Write(*parsed), text_);
}

TEST_P(SdpFixture, HasTheExpectedSections) {
  const Expected& expected = Fixtures().at(GetParam());
  auto parsed = Parse(text_);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  const SessionDescription& d = *parsed;

  std::vector<std::string> media_types;
  std::vector<std::string> mids;
  size_t candidates = 0;
  for (const MediaDescription& m : d.media) {
    media_types.push_back(m.media);
    ASSERT_TRUE(m.Value("mid").has_value()) << m.media;
    mids.emplace_back(*m.Value("mid"));
    candidates += m.Values("candidate").size();
    EXPECT_FALSE(m.proto.empty());
    EXPECT_FALSE(m.formats.empty());
    // ICE credentials and the DTLS fingerprint, per section or for the session.
    EXPECT_TRUE(m.Has("ice-ufrag") || d.Has("ice-ufrag")) << m.media;
    EXPECT_TRUE(m.Has("ice-pwd") || d.Has("ice-pwd")) << m.media;
    EXPECT_TRUE(m.Has("setup")) << m.media;
    if (!expected.session_fingerprint) {
      EXPECT_TRUE(m.Has("fingerprint")) << m.media;
    }
  }
  EXPECT_THAT(media_types, ElementsAreArray(expected.media));
  EXPECT_THAT(mids, ElementsAreArray(expected.mids));
  EXPECT_EQ(candidates, expected.candidates);
  EXPECT_EQ(d.Has("fingerprint"), expected.session_fingerprint);

  // One BUNDLE group with every mid, in order.
  ASSERT_EQ(d.Values("group").size(), 1u);
  auto group = Group::Parse(*d.Value("group"));
  ASSERT_TRUE(group.ok()) << group.error();
  EXPECT_EQ(group->semantics, "BUNDLE");
  EXPECT_THAT(group->mids, ElementsAreArray(expected.mids));
}

// Parses every value of a=<name> in the description as T; ToString() must give it back (but for
// trailing spaces, which Pion leaves in a=rtcp-fb). Returns how many there were.
template <typename T>
size_t CheckAll(const SessionDescription& d, std::string_view name) {
  size_t count = 0;
  auto check = [&](std::string_view value) {
    ++count;
    auto parsed = T::Parse(value);
    ASSERT_TRUE(parsed.ok()) << "a=" << name << ":" << value << ": " << parsed.error();
    std::string_view trimmed = value;
    while (trimmed.ends_with(' '))
      trimmed.remove_suffix(1);
    EXPECT_EQ(parsed->ToString(), trimmed);
  };
  for (std::string_view value : d.Values(name))
    check(value);
  for (const MediaDescription& m : d.media) {
    for (std::string_view value : m.Values(name))
      check(value);
  }
  return count;
}

TEST_P(SdpFixture, EveryTypedAttributeParsesAndWritesBack) {
  auto parsed = Parse(text_);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  const SessionDescription& d = *parsed;
  const bool has_rtp = std::any_of(d.media.begin(), d.media.end(), [](const MediaDescription& m) {
    return m.media != "application";
  });
  const size_t rtpmaps = CheckAll<Rtpmap>(d, "rtpmap");
  CheckAll<Fmtp>(d, "fmtp");
  CheckAll<RtcpFb>(d, "rtcp-fb");
  CheckAll<Extmap>(d, "extmap");
  CheckAll<Group>(d, "group");
  CheckAll<Msid>(d, "msid");
  CheckAll<SsrcAttribute>(d, "ssrc");
  CheckAll<SsrcGroup>(d, "ssrc-group");
  CheckAll<Rid>(d, "rid");
  EXPECT_EQ(rtpmaps > 0, has_rtp);
  // Every RTP section declares a direction.
  for (const MediaDescription& m : d.media) {
    if (m.media != "application") {
      EXPECT_TRUE(DirectionOf(m).has_value()) << m.media;
    }
  }
}

TEST_P(SdpFixture, EveryPrefixParsesOrFailsCleanly) {
  size_t parsed_prefixes = 0;
  for (size_t size = 0; size <= text_.size(); ++size) {
    auto parsed = Parse(std::string_view(text_).substr(0, size));
    if (!parsed.ok()) {
      ASSERT_EQ(parsed.error().kind(), ErrorKind::kSyntaxError);
      continue;
    }
    ++parsed_prefixes;
    const std::string written = Write(*parsed);
    auto again = Parse(written);
    ASSERT_TRUE(again.ok()) << "prefix " << size << ": " << again.error();
    ASSERT_EQ(Write(*again), written) << "prefix " << size;
  }
  // Once the session section is complete, nearly every prefix is a (shorter) description.
  EXPECT_GT(parsed_prefixes, text_.size() / 2);
}

INSTANTIATE_TEST_SUITE_P(Captured, SdpFixture, ::testing::ValuesIn(FixtureNames()),
                         [](const auto& info) {
                           std::string name = info.param.substr(0, info.param.size() - 4);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(SdpFixturePairs, AnswersCarryTheOfferMids) {
  // The answers to chromium_offer_audio_video_datachannel.sdp keep its mids and order.
  auto offer = Parse(ReadFixture("chromium_offer_audio_video_datachannel.sdp"));
  ASSERT_TRUE(offer.ok());
  for (const char* name :
       {"aiortc_answer_to_chromium_offer.sdp", "gstreamer_answer_to_chromium_offer.sdp",
        "pion_answer_to_chromium_offer.sdp"}) {
    auto answer = Parse(ReadFixture(name));
    ASSERT_TRUE(answer.ok()) << name;
    ASSERT_EQ(answer->media.size(), offer->media.size()) << name;
    for (size_t i = 0; i < offer->media.size(); ++i) {
      EXPECT_EQ(answer->media[i].media, offer->media[i].media) << name;
      EXPECT_EQ(answer->media[i].Value("mid"), offer->media[i].Value("mid")) << name;
    }
  }
}

}  // namespace
}  // namespace parley::sdp
