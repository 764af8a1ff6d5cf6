// addIceCandidate against the remote description (webrtc-pc §4.4.1.5, RFC 8840), and gathered
// local candidates recorded in the local description.
#include <gtest/gtest.h>

#include "negotiation_harness.h"

namespace parley::jsep {
namespace {

using namespace testing;

constexpr std::string_view kHost = "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host";

// Bob has Alice's offer (audio mid 0, video mid 1, data mid 2) as remote description.
class JsepRemoteCandidates : public ::testing::Test {
 protected:
  void SetUp() override {
    p_.alice->AddTransceiver(MediaKind::kAudio);
    p_.alice->AddTransceiver(MediaKind::kVideo);
    p_.alice->RequestDataChannel();
    offer_ = Must(p_.alice->CreateOffer({}));
  }
  Negotiator& bob() { return p_.bob.negotiator; }
  void ReceiveOffer() { Must(bob().SetRemoteDescription(SdpType::kOffer, offer_)); }
  template <typename T>
  void ExpectError(const Result<T>& result, ErrorKind kind) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind(), kind) << result.error();
  }
  Pair p_;
  std::string offer_;
};

TEST_F(JsepRemoteCandidates, NeedARemoteDescription) {
  ExpectError(bob().AddRemoteCandidate(kHost, "0", 0, std::nullopt), ErrorKind::kInvalidStateError);
  ReceiveOffer();
  EXPECT_TRUE(bob().AddRemoteCandidate(kHost, "0", 0, std::nullopt).ok());
}

TEST_F(JsepRemoteCandidates, AcceptedByMidOrIndexAndRecorded) {
  ReceiveOffer();
  auto by_mid = Must(bob().AddRemoteCandidate(kHost, "0", std::nullopt, std::nullopt));
  ASSERT_TRUE(by_mid);
  EXPECT_EQ(by_mid->port, 50000);
  EXPECT_TRUE(HasLine(bob().remote_description()->sdp,
                      "a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host"));
  // A bundled m-section's candidate is the transport's too (the index alone locates it).
  auto by_index = Must(bob().AddRemoteCandidate(
      "a=candidate:2 1 udp 2122260222 127.0.0.1 50002 typ host generation 0 ufrag aliceufr",
      std::nullopt, 2, std::nullopt));
  ASSERT_TRUE(by_index);
  EXPECT_EQ(by_index->port, 50002);
  EXPECT_EQ(Section(bob().remote_description()->sdp, "2").Values("candidate").size(), 1u);
  // The mid wins over a wrong index.
  EXPECT_TRUE(Must(bob().AddRemoteCandidate(kHost, "1", 7, "aliceufr")));
}

TEST_F(JsepRemoteCandidates, EndOfCandidatesIsRecorded) {
  ReceiveOffer();
  EXPECT_EQ(Must(bob().AddRemoteCandidate("", "1", std::nullopt, std::nullopt)), std::nullopt);
  EXPECT_TRUE(Section(bob().remote_description()->sdp, "1").Has("end-of-candidates"));
  EXPECT_FALSE(Section(bob().remote_description()->sdp, "0").Has("end-of-candidates"));
  // Neither mid nor index: all of them.
  EXPECT_EQ(Must(bob().AddRemoteCandidate("", std::nullopt, std::nullopt, std::nullopt)),
            std::nullopt);
  for (const sdp::MediaDescription& media : ParseSdp(bob().remote_description()->sdp).media)
    EXPECT_TRUE(media.Has("end-of-candidates"));
}

TEST_F(JsepRemoteCandidates, BadInputFailsAndChangesNothing) {
  ReceiveOffer();
  const Snapshot before = Take(bob());
  ExpectError(bob().AddRemoteCandidate(kHost, std::nullopt, std::nullopt, std::nullopt),
              ErrorKind::kTypeError);
  auto unknown_mid = bob().AddRemoteCandidate(kHost, "9", std::nullopt, std::nullopt);
  ExpectError(unknown_mid, ErrorKind::kOperationError);
  EXPECT_EQ(unknown_mid.error().message(), "addIceCandidate: no m-section with mid '9'");
  ExpectError(bob().AddRemoteCandidate(kHost, std::nullopt, 3, std::nullopt),
              ErrorKind::kOperationError);
  ExpectError(bob().AddRemoteCandidate(kHost, std::nullopt, -1, std::nullopt),
              ErrorKind::kOperationError);
  ExpectError(bob().AddRemoteCandidate("candidate:1 1 udp x 127.0.0.1 5 typ host", "0",
                                       std::nullopt, std::nullopt),
              ErrorKind::kSyntaxError);
  ExpectError(bob().AddRemoteCandidate(kHost, "0", std::nullopt, "neverseen"),
              ErrorKind::kOperationError);
  ExpectError(bob().AddRemoteCandidate(kHost, "9", std::nullopt, std::nullopt),
              ErrorKind::kOperationError);
  EXPECT_EQ(Take(bob()), before);
  EXPECT_TRUE(Must(bob().AddRemoteCandidate(kHost, "0", std::nullopt, "aliceufr")));
}

TEST(JsepRemoteCandidatesAfterRestart, OldGenerationIsIgnored) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  ASSERT_TRUE(Negotiate(p.alice.negotiator, p.bob.negotiator).ok);
  const ice::Credentials fresh{"newufrag", "newpasswordnewpassword"};
  std::string restart = Must(p.alice->CreateOffer({.ice_restart = true}, fresh));
  Must(p.bob->SetRemoteDescription(SdpType::kOffer, restart));
  EXPECT_EQ(Must(p.bob->AddRemoteCandidate(kHost, "0", std::nullopt, "aliceufr")), std::nullopt);
  EXPECT_EQ(Must(p.bob->AddRemoteCandidate(std::string(kHost) + " generation 0 ufrag aliceufr", "0",
                                           std::nullopt, std::nullopt)),
            std::nullopt);
  EXPECT_TRUE(Must(p.bob->AddRemoteCandidate(kHost, "0", std::nullopt, "newufrag")));
  EXPECT_FALSE(p.bob->AddRemoteCandidate(kHost, "0", std::nullopt, "other").ok());
}

TEST(JsepRemoteCandidatesOnRejected, AreIgnored) {
  Pair p;
  TransceiverId audio = p.alice->AddTransceiver(MediaKind::kAudio);
  p.alice->AddTransceiver(MediaKind::kVideo);
  ASSERT_TRUE(Negotiate(p.alice.negotiator, p.bob.negotiator).ok);
  Must(p.alice->StopTransceiver(audio));
  ASSERT_TRUE(Negotiate(p.alice.negotiator, p.bob.negotiator).ok);
  EXPECT_EQ(Must(p.bob->AddRemoteCandidate(kHost, "0", std::nullopt, std::nullopt)), std::nullopt);
  EXPECT_TRUE(Must(p.bob->AddRemoteCandidate(kHost, "1", std::nullopt, std::nullopt)));
}

TEST(JsepLocalCandidates, RecordedInTheTagSectionOfTheLocalDescription) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  p.alice->RequestDataChannel();
  const ice::Candidate host = Must(ice::Candidate::Parse(kHost));
  EXPECT_EQ(p.alice->AddLocalCandidate(host), std::nullopt);  // no local description yet
  const std::string offer = Must(p.alice->CreateOffer({}));
  Must(p.alice->SetLocalDescription(SdpType::kOffer, offer));
  EXPECT_EQ(p.alice->AddLocalCandidate(host), (Negotiator::CandidateLocation{"0", 0}));
  EXPECT_EQ(p.alice->AddLocalCandidate(host), (Negotiator::CandidateLocation{"0", 0}));
  p.alice->SetLocalEndOfCandidates();
  const std::string shown = p.alice->local_description()->sdp;
  EXPECT_NE(shown, offer);
  sdp::MediaDescription tag = Section(shown, "0");
  EXPECT_EQ(tag.Values("candidate").size(), 1u);  // once
  EXPECT_TRUE(tag.Has("end-of-candidates"));
  EXPECT_FALSE(Section(shown, "1").Has("candidate"));
  EXPECT_EQ(p.alice->pending_local_description()->sdp, shown);

  // A peer given the description as it is now (no trickle) finds them in it.
  Applied bob = Must(p.bob->SetRemoteDescription(SdpType::kOffer, shown));
  ASSERT_EQ(bob.remote_transport->remote_candidates.size(), 1u);
  EXPECT_EQ(bob.remote_transport->remote_candidates[0], host);
  EXPECT_TRUE(bob.remote_transport->end_of_candidates);
  // Once the answer is applied, the current description shows them too.
  Must(p.bob->SetLocalDescription(SdpType::kAnswer, ""));
  Must(p.alice->SetRemoteDescription(SdpType::kAnswer, p.bob->local_description()->sdp));
  EXPECT_EQ(p.alice->current_local_description()->sdp, shown);
}

TEST(JsepLocalCandidates, DroppedByAnIceRestart) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  ASSERT_TRUE(Negotiate(p.alice.negotiator, p.bob.negotiator).ok);
  p.alice->AddLocalCandidate(Must(ice::Candidate::Parse(kHost)));
  p.alice->SetLocalEndOfCandidates();
  EXPECT_TRUE(Section(p.alice->local_description()->sdp, "0").Has("candidate"));
  Exchange e = Negotiate(p.alice.negotiator, p.bob.negotiator, {.ice_restart = true});
  ASSERT_TRUE(e.ok);
  EXPECT_FALSE(Section(p.alice->local_description()->sdp, "0").Has("candidate"));
  EXPECT_FALSE(Section(p.alice->local_description()->sdp, "0").Has("end-of-candidates"));
}

}  // namespace
}  // namespace parley::jsep
