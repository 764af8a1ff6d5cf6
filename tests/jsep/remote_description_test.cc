// Remote descriptions that do not parse or do not fit (JSEP §5.8, §5.10): each fails with the
// W3C error and a message naming the problem, and changes nothing, as a correct call afterwards
// shows.
#include <gtest/gtest.h>

#include "negotiation_harness.h"

namespace parley::jsep {
namespace {

using namespace testing;

class JsepRemoteDescriptions : public ::testing::Test {
 protected:
  void SetUp() override {
    p_.alice->AddTransceiver(MediaKind::kAudio);
    p_.alice->AddTransceiver(MediaKind::kVideo);
    p_.alice->RequestDataChannel();
    offer_ = Must(p_.alice->CreateOffer({}));
  }

  // Bob rejects `offer` with `kind` (message containing `says`), then still takes the real one.
  void ExpectOfferRejected(const std::string& offer, ErrorKind kind, std::string_view says) {
    const Snapshot before = Take(p_.bob.negotiator);
    Result<Applied> result = p_.bob->SetRemoteDescription(SdpType::kOffer, offer);
    ASSERT_FALSE(result.ok()) << offer;
    EXPECT_EQ(result.error().kind(), kind) << result.error();
    EXPECT_NE(result.error().message().find(says), std::string::npos) << result.error();
    EXPECT_EQ(Take(p_.bob.negotiator), before);
    EXPECT_TRUE(p_.bob->SetRemoteDescription(SdpType::kOffer, offer_).ok());
  }

  // Alice (have-local-offer) rejects `answer`, then takes Bob's real one.
  void ExpectAnswerRejected(const std::string& answer, ErrorKind kind, std::string_view says) {
    const Snapshot before = Take(p_.alice.negotiator);
    Result<Applied> result = p_.alice->SetRemoteDescription(SdpType::kAnswer, answer);
    ASSERT_FALSE(result.ok()) << answer;
    EXPECT_EQ(result.error().kind(), kind) << result.error();
    EXPECT_NE(result.error().message().find(says), std::string::npos) << result.error();
    EXPECT_EQ(Take(p_.alice.negotiator), before);
    EXPECT_TRUE(p_.alice->SetRemoteDescription(SdpType::kAnswer, answer_).ok());
  }

  void PrepareAnswer() {
    Must(p_.alice->SetLocalDescription(SdpType::kOffer, offer_));
    Must(p_.bob->SetRemoteDescription(SdpType::kOffer, offer_));
    answer_ = Must(p_.bob->CreateAnswer());
  }

  Pair p_;
  std::string offer_;
  std::string answer_;
};

TEST_F(JsepRemoteDescriptions, MalformedSdpIsASyntaxErrorNamingTheLine) {
  ExpectOfferRejected(Replace(offer_, "m=audio 9 ", "m=audio nine "), ErrorKind::kSyntaxError,
                      "line");
  ExpectOfferRejected("", ErrorKind::kSyntaxError, "setRemoteDescription(offer): ");
  ExpectOfferRejected("not sdp at all", ErrorKind::kSyntaxError, "line 1");
}

TEST_F(JsepRemoteDescriptions, MissingTransportAttributesAreInvalidAccess) {
  ExpectOfferRejected(RemoveLines(offer_, "a=fingerprint:"), ErrorKind::kInvalidAccessError,
                      "the m-section with mid '0' has no a=fingerprint");
  ExpectOfferRejected(RemoveLines(offer_, "a=ice-ufrag:"), ErrorKind::kInvalidAccessError,
                      "has no a=ice-ufrag");
  ExpectOfferRejected(RemoveLines(offer_, "a=ice-pwd:"), ErrorKind::kInvalidAccessError,
                      "has no a=ice-pwd");
  ExpectOfferRejected(RemoveLines(offer_, "a=setup:"), ErrorKind::kInvalidAccessError,
                      "has no a=setup");
}

TEST_F(JsepRemoteDescriptions, OnlyTheTagSectionNeedsTransportAttributes) {
  // The fingerprint is missing from the data section only: the tag (mid 0) has one.
  std::string offer = offer_;
  size_t data = offer.find("m=application");
  size_t line = offer.find("a=fingerprint:", data);
  offer.erase(line, offer.find("\r\n", line) + 2 - line);
  EXPECT_TRUE(p_.bob->SetRemoteDescription(SdpType::kOffer, offer).ok());
}

TEST_F(JsepRemoteDescriptions, MalformedTransportValuesAreSyntaxErrors) {
  ExpectOfferRejected(Replace(offer_, "a=fingerprint:sha-256 A1:A1", "a=fingerprint:sha-256 ZZ:A1"),
                      ErrorKind::kSyntaxError, "fingerprint");
  ExpectOfferRejected(Replace(offer_, "a=setup:actpass", "a=setup:sideways"),
                      ErrorKind::kSyntaxError, "sideways");
  ExpectOfferRejected(Replace(offer_, "a=ice-pwd:alicepasswordalicepassword", "a=ice-pwd:short"),
                      ErrorKind::kSyntaxError, "pwd");
  ExpectOfferRejected(Replace(offer_, "a=setup:actpass", "a=setup:holdconn"),
                      ErrorKind::kInvalidAccessError, "holdconn");
}

TEST_F(JsepRemoteDescriptions, DuplicateOrMissingMidsAreInvalidAccess) {
  ExpectOfferRejected(Replace(offer_, "a=mid:1", "a=mid:0"), ErrorKind::kInvalidAccessError,
                      "two m-sections have mid '0'");
  ExpectOfferRejected(Replace(offer_, "a=mid:1\r\n", ""), ErrorKind::kInvalidAccessError,
                      "m-section 1 has no a=mid");
}

TEST_F(JsepRemoteDescriptions, SetupActpassInAnAnswer) {
  PrepareAnswer();
  ExpectAnswerRejected(Replace(answer_, "a=setup:active", "a=setup:actpass"),
                       ErrorKind::kInvalidAccessError, "a=setup:actpass");
}

TEST_F(JsepRemoteDescriptions, AnswerWithAnotherNumberOfSections) {
  PrepareAnswer();
  std::string short_answer = answer_.substr(0, answer_.find("m=application"));
  ExpectAnswerRejected(short_answer, ErrorKind::kInvalidAccessError,
                       "the answer has 2 m-sections, the offer 3");
}

TEST_F(JsepRemoteDescriptions, AnswerWhoseMidsDoNotMatch) {
  PrepareAnswer();
  std::string swapped = Replace(answer_, "a=mid:1", "a=mid:x");
  ExpectAnswerRejected(swapped, ErrorKind::kInvalidAccessError,
                       "m-section 1 of the answer has mid 'x', the offer's '1'");
}

TEST_F(JsepRemoteDescriptions, AnswerWithAnotherMediaKind) {
  PrepareAnswer();
  ExpectAnswerRejected(Replace(answer_, "m=video 9", "m=audio 9"), ErrorKind::kInvalidAccessError,
                       "m-section 1 of the answer is 'audio'");
}

TEST_F(JsepRemoteDescriptions, AnswerMissingItsFingerprint) {
  PrepareAnswer();
  ExpectAnswerRejected(RemoveLines(answer_, "a=fingerprint:"), ErrorKind::kInvalidAccessError,
                       "a=fingerprint");
}

TEST_F(JsepRemoteDescriptions, SubsequentOfferMustKeepTheMlines) {
  PrepareAnswer();
  Must(p_.bob->SetLocalDescription(SdpType::kAnswer, answer_));
  Must(p_.alice->SetRemoteDescription(SdpType::kAnswer, answer_));
  std::string next = Must(p_.alice->CreateOffer({}));
  const Snapshot before = Take(p_.bob.negotiator);
  auto fewer =
      p_.bob->SetRemoteDescription(SdpType::kOffer, next.substr(0, next.find("m=application")));
  ASSERT_FALSE(fewer.ok());
  EXPECT_EQ(fewer.error().kind(), ErrorKind::kInvalidAccessError);
  auto renamed = p_.bob->SetRemoteDescription(SdpType::kOffer, Replace(next, "a=mid:1", "a=mid:z"));
  ASSERT_FALSE(renamed.ok());
  EXPECT_NE(renamed.error().message().find("has mid 'z' where the current description has '1'"),
            std::string::npos);
  auto changed_kind =
      p_.bob->SetRemoteDescription(SdpType::kOffer, Replace(next, "m=video 9", "m=audio 9"));
  ASSERT_FALSE(changed_kind.ok());
  EXPECT_EQ(Take(p_.bob.negotiator), before);
  EXPECT_TRUE(p_.bob->SetRemoteDescription(SdpType::kOffer, next).ok());
}

// JSEP §5.10: a peer may reuse a rejected m-section under a new mid; the new transceiver takes
// it and the stopped one keeps its mid without an m-line. An old mid may not come back on
// another m-section.
TEST_F(JsepRemoteDescriptions, RejectedMlineReusedUnderANewMid) {
  TransceiverId audio = p_.alice->transceivers().at(0).id;
  PrepareAnswer();
  Must(p_.bob->SetLocalDescription(SdpType::kAnswer, answer_));
  Must(p_.alice->SetRemoteDescription(SdpType::kAnswer, answer_));
  Must(p_.alice->StopTransceiver(audio));
  ASSERT_TRUE(Negotiate(p_.alice.negotiator, p_.bob.negotiator).ok);
  const TransceiverId stopped = p_.bob->transceivers().at(0).id;
  ASSERT_TRUE(p_.bob->transceivers().at(0).stopped);

  // Alice's next offer, rewritten as a stack that recycles m-lines would write it.
  p_.alice->AddTransceiver(MediaKind::kAudio);
  std::string offer = Must(p_.alice->CreateOffer({}));
  const std::string recycled_section = offer.substr(offer.rfind("m=audio 9"));
  std::string recycling = offer.substr(0, offer.find("m=audio 0"));
  recycling += Replace(recycled_section, "a=mid:3", "a=mid:7");
  recycling +=
      offer.substr(offer.find("m=video"), offer.rfind("m=audio 9") - offer.find("m=video"));
  recycling = Replace(recycling, "a=group:BUNDLE 1 2 3", "a=group:BUNDLE 7 1 2");

  // First with the old mid moved onto the new m-line: refused.
  std::string moved = Replace(recycling, "a=mid:7", "a=mid:9");
  moved += "m=audio 0 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n";
  const Snapshot before = Take(p_.bob.negotiator);
  auto refused = p_.bob->SetRemoteDescription(SdpType::kOffer, moved);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("reuses mid '0' of m-section 0"), std::string::npos)
      << refused.error();
  EXPECT_EQ(Take(p_.bob.negotiator), before);

  Applied received = Must(p_.bob->SetRemoteDescription(SdpType::kOffer, recycling));
  ASSERT_EQ(received.new_remote_tracks.size(), 1u);
  const Transceiver* fresh = p_.bob->transceiver(received.new_remote_tracks[0]);
  EXPECT_EQ(fresh->mid, "7");
  EXPECT_EQ(fresh->mline_index, 0u);
  EXPECT_EQ(p_.bob->transceiver(stopped)->mid, "0");
  EXPECT_FALSE(p_.bob->transceiver(stopped)->mline_index);
  std::string answer = Must(p_.bob->CreateAnswer());
  EXPECT_TRUE(HasLine(answer, "a=group:BUNDLE 7 1 2")) << answer;
  EXPECT_EQ(SectionAt(answer, 0).Value("mid"), "7");
  Must(p_.bob->SetLocalDescription(SdpType::kAnswer, answer));
}

// Lenient where real stacks differ: unknown lines, an unknown m-section, a rejected one
// without attributes, bad rtpmap or extmap lines, and duplicate extmap ids.
TEST_F(JsepRemoteDescriptions, TolerantOfOddButHarmlessLines) {
  std::string offer = Replace(offer_, "a=rtcp-rsize\r\n",
                              "a=rtcp-rsize\r\na=x-unknown:1\r\na=rtpmap:bad\r\n"
                              "a=extmap:1 urn:example:duplicate-id\r\n");
  offer += "m=text 0 RTP/AVP 0\r\n";
  offer += "m=message 9 TCP/MSRP *\r\nc=IN IP4 0.0.0.0\r\na=mid:msrp\r\n";
  Applied received = Must(p_.bob->SetRemoteDescription(SdpType::kOffer, offer));
  EXPECT_EQ(received.new_remote_tracks.size(), 2u);
  EXPECT_EQ(p_.bob->transceivers().size(), 2u);
  std::string answer = Must(p_.bob->CreateAnswer());
  sdp::SessionDescription parsed = ParseSdp(answer);
  ASSERT_EQ(parsed.media.size(), 5u);
  EXPECT_EQ(parsed.media[3].port, 0);
  EXPECT_EQ(parsed.media[4].port, 0);
  EXPECT_EQ(parsed.media[4].Value("mid"), "msrp");
  EXPECT_EQ(parsed.media[4].attributes.size(), 1u);
  EXPECT_TRUE(HasLine(answer, "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid"));
  EXPECT_TRUE(HasLine(answer, "a=group:BUNDLE 0 1 2"));
  Must(p_.bob->SetLocalDescription(SdpType::kAnswer, answer));
}

}  // namespace
}  // namespace parley::jsep
