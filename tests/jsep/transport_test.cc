// What descriptions say about the transport: ICE restarts both ways (RFC 8839 §4.4.1.1.1),
// ICE roles, DTLS roles from a=setup (RFC 8842 §5), the SCTP port and max-message-size (RFC
// 8841), candidates and end-of-candidates inside the SDP, per-m-section ICE credentials.
#include <gtest/gtest.h>

#include "negotiation_harness.h"

namespace parley::jsep {
namespace {

using namespace testing;

const ice::Credentials kRestart{"restartU", "restartpasswordrestartpw"};

TEST(JsepTransport, IceRestartOfferedByUs) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  p.alice->RequestDataChannel();
  Exchange first = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(first.ok);
  EXPECT_FALSE(first.offerer_local.local_ice_restart);
  EXPECT_FALSE(first.answerer_remote.remote_ice_restart);
  const ice::Credentials bob_before = p.bob->local_credentials();

  std::string offer = Must(p.alice->CreateOffer({.ice_restart = true}, kRestart));
  EXPECT_TRUE(HasLine(offer, "a=ice-ufrag:restartU"));
  EXPECT_TRUE(HasLine(offer, "a=ice-pwd:restartpasswordrestartpw"));
  EXPECT_FALSE(HasLine(offer, "a=ice-ufrag:aliceufr"));
  Applied local = Must(p.alice->SetLocalDescription(SdpType::kOffer, offer));
  EXPECT_TRUE(local.local_ice_restart);
  EXPECT_EQ(local.local_credentials, kRestart);
  EXPECT_FALSE(local.ice_role);  // set once, by the first description
  EXPECT_EQ(p.alice->local_credentials(), kRestart);

  Applied remote = Must(p.bob->SetRemoteDescription(SdpType::kOffer, offer));
  EXPECT_TRUE(remote.remote_ice_restart);
  EXPECT_EQ(remote.remote_transport->remote_credentials, kRestart);
  std::string answer = Must(p.bob->CreateAnswer());
  EXPECT_FALSE(HasLine(answer, "a=ice-ufrag:" + bob_before.ufrag));  // the answer restarts too
  EXPECT_EQ(Must(p.bob->CreateAnswer()), answer);                    // with the same new ones
  Applied bob_local = Must(p.bob->SetLocalDescription(SdpType::kAnswer, answer));
  EXPECT_TRUE(bob_local.local_ice_restart);
  ASSERT_TRUE(bob_local.local_credentials);
  EXPECT_NE(*bob_local.local_credentials, bob_before);
  EXPECT_TRUE(HasLine(answer, "a=ice-ufrag:" + bob_local.local_credentials->ufrag));

  Applied alice_remote = Must(p.alice->SetRemoteDescription(SdpType::kAnswer, answer));
  EXPECT_TRUE(alice_remote.remote_ice_restart);
  EXPECT_FALSE(alice_remote.local_ice_restart);
  EXPECT_EQ(alice_remote.remote_transport->remote_credentials, *bob_local.local_credentials);
  EXPECT_FALSE(p.alice->negotiation_needed());

  // The next offer keeps the new credentials: no restart.
  Exchange after = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(after.ok);
  EXPECT_FALSE(after.offerer_local.local_ice_restart);
  EXPECT_FALSE(after.answerer_remote.remote_ice_restart);
  EXPECT_TRUE(HasLine(after.offer, "a=ice-ufrag:restartU"));
}

TEST(JsepTransport, RestartIceNeedsNegotiationAndTheOfferUsesTheGivenCredentials) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  ASSERT_TRUE(Negotiate(p.alice.negotiator, p.bob.negotiator).ok);
  p.alice->RestartIce(kRestart);
  EXPECT_TRUE(p.alice->negotiation_needed());
  Exchange e = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(e.ok);
  EXPECT_TRUE(HasLine(e.offer, "a=ice-ufrag:restartU"));
  EXPECT_TRUE(e.offerer_local.local_ice_restart);
  EXPECT_TRUE(e.answerer_remote.remote_ice_restart);
  EXPECT_FALSE(p.alice->negotiation_needed());
}

TEST(JsepTransport, IceRestartWithoutCredentialsDrawsFreshOnes) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  ASSERT_TRUE(Negotiate(p.alice.negotiator, p.bob.negotiator).ok);
  Exchange e = Negotiate(p.alice.negotiator, p.bob.negotiator, {.ice_restart = true});
  ASSERT_TRUE(e.ok);
  ASSERT_TRUE(e.offerer_local.local_credentials);
  EXPECT_NE(e.offerer_local.local_credentials->ufrag, "aliceufr");
  EXPECT_TRUE(HasLine(e.offer, "a=ice-ufrag:" + e.offerer_local.local_credentials->ufrag));
  EXPECT_TRUE(e.answerer_remote.remote_ice_restart);
}

TEST(JsepTransport, BadRestartCredentialsAreRefused) {
  Pair p;
  Result<std::string> offer =
      p.alice->CreateOffer({.ice_restart = true}, ice::Credentials{"ab", "short"});
  ASSERT_FALSE(offer.ok());
  EXPECT_EQ(offer.error().kind(), ErrorKind::kSyntaxError);
}

// The remote restarts: our answer uses the credentials given to RestartIce() before answering.
TEST(JsepTransport, IceRestartOfferedByThePeerWithOurCredentialsChosen) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  ASSERT_TRUE(Negotiate(p.alice.negotiator, p.bob.negotiator).ok);
  Must(p.alice->SetLocalDescription(SdpType::kOffer,
                                    Must(p.alice->CreateOffer({.ice_restart = true}))));
  Applied remote =
      Must(p.bob->SetRemoteDescription(SdpType::kOffer, p.alice->local_description()->sdp));
  ASSERT_TRUE(remote.remote_ice_restart);
  const ice::Credentials chosen{"bobnewuf", "bobnewpasswordbobnewpass"};
  p.bob->RestartIce(chosen);
  Applied answered = Must(p.bob->SetLocalDescription(SdpType::kAnswer, ""));
  EXPECT_TRUE(answered.local_ice_restart);
  EXPECT_EQ(answered.local_credentials, chosen);
  EXPECT_TRUE(HasLine(p.bob->local_description()->sdp, "a=ice-ufrag:bobnewuf"));
  EXPECT_FALSE(p.bob->negotiation_needed());  // the restart happened, nothing pending
}

TEST(JsepTransport, RollingBackARestartOfferTakesTheOldCredentialsBack) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  ASSERT_TRUE(Negotiate(p.alice.negotiator, p.bob.negotiator).ok);
  Must(p.alice->SetLocalDescription(SdpType::kOffer,
                                    Must(p.alice->CreateOffer({.ice_restart = true}, kRestart))));
  Applied rolled = Must(p.alice->SetLocalDescription(SdpType::kRollback, ""));
  EXPECT_TRUE(rolled.local_ice_restart);
  EXPECT_EQ(rolled.local_credentials, (ice::Credentials{"aliceufr", "alicepasswordalicepassword"}));

  // And a rolled-back remote restart offer gives the peer's old credentials back.
  Must(p.bob->SetRemoteDescription(SdpType::kOffer,
                                   Must(p.alice->CreateOffer({.ice_restart = true}, kRestart))));
  Applied remote_rolled = Must(p.bob->SetRemoteDescription(SdpType::kRollback, ""));
  EXPECT_TRUE(remote_rolled.remote_ice_restart);
  EXPECT_EQ(remote_rolled.remote_transport->remote_credentials.ufrag, "aliceufr");
}

TEST(JsepTransport, DtlsRolesOffererActpassAnswererActive) {
  Pair p;
  p.alice->RequestDataChannel();
  Exchange e = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(e.ok);
  EXPECT_TRUE(HasLine(e.offer, "a=setup:actpass"));
  EXPECT_TRUE(HasLine(e.answer, "a=setup:active"));
  EXPECT_EQ(e.offerer_remote.dtls_role, dtls::Role::kServer);
  EXPECT_EQ(e.answerer_local.dtls_role, dtls::Role::kClient);
  EXPECT_FALSE(e.offerer_local.dtls_role);  // unknown until the answer

  // Renegotiating the other way keeps the roles: Bob offers actpass, Alice (the server) answers
  // passive (RFC 8842 §5.5).
  Exchange back = Negotiate(p.bob.negotiator, p.alice.negotiator);
  ASSERT_TRUE(back.ok);
  EXPECT_TRUE(HasLine(back.offer, "a=setup:actpass"));
  EXPECT_TRUE(HasLine(back.answer, "a=setup:passive"));
  EXPECT_EQ(back.answerer_local.dtls_role, dtls::Role::kServer);
  EXPECT_EQ(back.offerer_remote.dtls_role, dtls::Role::kClient);
}

TEST(JsepTransport, DtlsRolesAnswererPassiveMakesTheOffererClient) {
  Pair p;
  p.alice->RequestDataChannel();
  Must(p.alice->SetLocalDescription(SdpType::kOffer, Must(p.alice->CreateOffer({}))));
  Must(p.bob->SetRemoteDescription(SdpType::kOffer, p.alice->local_description()->sdp));
  std::string answer = Replace(Must(p.bob->CreateAnswer()), "a=setup:active", "a=setup:passive");
  Applied bob = Must(p.bob->SetLocalDescription(SdpType::kAnswer, answer));
  EXPECT_EQ(bob.dtls_role, dtls::Role::kServer);
  Applied alice = Must(p.alice->SetRemoteDescription(SdpType::kAnswer, answer));
  EXPECT_EQ(alice.dtls_role, dtls::Role::kClient);
  EXPECT_EQ(alice.remote_transport->remote_setup, dtls::Setup::kPassive);
}

// An offer that says active (not actpass) gets passive.
TEST(JsepTransport, DtlsOfferActiveIsAnsweredPassive) {
  Pair p;
  p.alice->RequestDataChannel();
  std::string offer = Replace(Must(p.alice->CreateOffer({})), "a=setup:actpass", "a=setup:active");
  Must(p.bob->SetRemoteDescription(SdpType::kOffer, offer));
  std::string answer = Must(p.bob->CreateAnswer());
  EXPECT_TRUE(HasLine(answer, "a=setup:passive"));
  EXPECT_EQ(Must(p.bob->SetLocalDescription(SdpType::kAnswer, answer)).dtls_role,
            dtls::Role::kServer);
}

TEST(JsepTransport, IceLiteOffererMakesTheAnswererControlling) {
  Pair p;
  p.alice->RequestDataChannel();
  std::string offer = Replace(Must(p.alice->CreateOffer({})), "a=msid-semantic: WMS\r\n",
                              "a=msid-semantic: WMS\r\na=ice-lite\r\n");
  Applied received = Must(p.bob->SetRemoteDescription(SdpType::kOffer, offer));
  EXPECT_TRUE(received.remote_transport->ice_lite);
  EXPECT_EQ(received.ice_role, ice::Role::kControlling);
}

// RFC 8843 §7.3.1: when the answer rejects the offerer's BUNDLE tag, the transport moves to the
// first mid of the group the answer accepted: our candidates are signalled there, and as
// answerer we report the offer's parameters of that m-section.
TEST(JsepTransport, RejectedTagMovesTheTransport) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  p.alice->AddTransceiver(MediaKind::kVideo);
  std::string offer = Must(p.alice->CreateOffer({}));
  Must(p.alice->SetLocalDescription(SdpType::kOffer, offer));
  // Alice's video m-section got credentials of its own (as aiortc writes them).
  size_t video = offer.find("m=video");
  offer.replace(offer.find("a=ice-ufrag:aliceufr", video), 20, "a=ice-ufrag:videoufr");
  Applied received = Must(p.bob->SetRemoteDescription(SdpType::kOffer, offer));
  EXPECT_EQ(received.remote_transport->remote_credentials.ufrag, "aliceufr");
  Must(p.bob->StopTransceiver(p.bob->transceivers().at(0).id));
  std::string answer = Must(p.bob->CreateAnswer());
  EXPECT_TRUE(HasLine(answer, "a=group:BUNDLE 1"));
  Applied answered = Must(p.bob->SetLocalDescription(SdpType::kAnswer, answer));
  ASSERT_TRUE(answered.remote_transport);
  EXPECT_EQ(answered.remote_transport->remote_credentials.ufrag, "videoufr");
  EXPECT_EQ(p.bob->AddLocalCandidate(
                Must(ice::Candidate::Parse("candidate:1 1 udp 1 127.0.0.1 9 typ host"))),
            (Negotiator::CandidateLocation{"1", 1}));

  Applied completed = Must(p.alice->SetRemoteDescription(SdpType::kAnswer, answer));
  EXPECT_EQ(completed.remote_transport->remote_credentials.ufrag, "bobufrag");
  EXPECT_EQ(p.alice->AddLocalCandidate(
                Must(ice::Candidate::Parse("candidate:1 1 udp 1 127.0.0.1 9 typ host"))),
            (Negotiator::CandidateLocation{"1", 1}));
  EXPECT_TRUE(Section(p.alice->local_description()->sdp, "1").Has("candidate"));
  EXPECT_FALSE(Section(p.alice->local_description()->sdp, "0").Has("candidate"));
}

TEST(JsepTransport, SctpPortAndMaxMessageSizePresent) {
  Pair p;
  p.alice->RequestDataChannel();
  Must(p.alice->SetLocalDescription(SdpType::kOffer, Must(p.alice->CreateOffer({}))));
  std::string offer =
      Replace(p.alice->local_description()->sdp, "a=sctp-port:5000", "a=sctp-port:5001");
  offer = Replace(offer, "a=max-message-size:262144", "a=max-message-size:1073741823");
  Must(p.bob->SetRemoteDescription(SdpType::kOffer, offer));
  Applied bob = Must(p.bob->SetLocalDescription(SdpType::kAnswer, ""));
  EXPECT_EQ(bob.sctp, (SctpParameters{"0", 5001, 1073741823}));
  EXPECT_TRUE(HasLine(p.bob->local_description()->sdp, "a=sctp-port:5000"));  // ours
  EXPECT_EQ(p.bob->sctp(), bob.sctp);
}

TEST(JsepTransport, SctpPortAndMaxMessageSizeAbsentTakeTheirDefaults) {
  Pair p;
  p.alice->RequestDataChannel();
  Must(p.alice->SetLocalDescription(SdpType::kOffer, Must(p.alice->CreateOffer({}))));
  Must(p.bob->SetRemoteDescription(SdpType::kOffer, p.alice->local_description()->sdp));
  std::string answer = RemoveLines(Must(p.bob->CreateAnswer()), "a=sctp-port:");
  answer = RemoveLines(answer, "a=max-message-size:");
  Applied alice = Must(p.alice->SetRemoteDescription(SdpType::kAnswer, answer));
  ASSERT_TRUE(alice.sctp);
  EXPECT_EQ(alice.sctp->remote_port, 5000);
  EXPECT_EQ(alice.sctp->remote_max_message_size, 65536u);  // RFC 8841 §6
}

TEST(JsepTransport, MaxMessageSizeZeroMeansAnySize) {
  Pair p;
  p.alice->RequestDataChannel();
  Must(p.alice->SetLocalDescription(SdpType::kOffer, Must(p.alice->CreateOffer({}))));
  Must(p.bob->SetRemoteDescription(SdpType::kOffer, p.alice->local_description()->sdp));
  std::string answer =
      Replace(Must(p.bob->CreateAnswer()), "a=max-message-size:262144", "a=max-message-size:0");
  EXPECT_EQ(
      Must(p.alice->SetRemoteDescription(SdpType::kAnswer, answer)).sctp->remote_max_message_size,
      SIZE_MAX);
}

// A peer without trickle (aiortc) puts its candidates and end-of-candidates in the SDP, and a
// different ice-ufrag in every m-section: the BUNDLE tag's are the ones that count.
TEST(JsepTransport, CandidatesInsideTheSdpAndPerSectionCredentials) {
  Pair p;
  p.bob->AddTransceiver(MediaKind::kAudio);
  p.bob->RequestDataChannel();
  std::string offer = Must(p.bob->CreateOffer({}));
  // Section 1 (data) gets its own credentials; section 0 (the tag) candidates.
  size_t data = offer.find("m=application");
  offer.replace(offer.find("a=ice-ufrag:bobufrag", data), 20, "a=ice-ufrag:otherUfr");
  offer =
      Replace(offer, "a=mid:0\r\n",
              "a=mid:0\r\n"
              "a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host\r\n"
              "a=candidate:2 1 udp 1694498815 192.0.2.7 50001 typ srflx raddr 0.0.0.0 rport 0\r\n"
              "a=candidate:this is not a candidate\r\n"
              "a=end-of-candidates\r\n");
  Applied received = Must(p.alice->SetRemoteDescription(SdpType::kOffer, offer));
  ASSERT_TRUE(received.remote_transport);
  const TransportParameters& transport = *received.remote_transport;
  EXPECT_EQ(transport.remote_credentials.ufrag, "bobufrag");
  ASSERT_EQ(transport.remote_candidates.size(), 2u);  // the malformed line is skipped
  EXPECT_EQ(transport.remote_candidates[0].port, 50000);
  EXPECT_EQ(transport.remote_candidates[1].type, ice::CandidateType::kServerReflexive);
  EXPECT_TRUE(transport.end_of_candidates);
  std::string answer = Must(p.alice->CreateAnswer());
  EXPECT_TRUE(HasLine(answer, "a=group:BUNDLE 0 1"));
}

TEST(JsepTransport, SessionLevelTransportAttributesCount) {
  Pair p;
  p.bob->RequestDataChannel();
  std::string offer = Must(p.bob->CreateOffer({}));
  const std::string fingerprint =
      "a=fingerprint:" + p.bob->config().local_fingerprints[0].ToString();
  offer = RemoveLines(offer, "a=fingerprint:");
  offer = RemoveLines(offer, "a=ice-ufrag:");
  offer = RemoveLines(offer, "a=ice-pwd:");
  offer = Replace(offer, "a=msid-semantic: WMS\r\n",
                  "a=msid-semantic: WMS\r\n" + fingerprint +
                      "\r\na=ice-ufrag:sessufrg\r\na=ice-pwd:sessionpasswordsessionpw\r\n");
  Applied received = Must(p.alice->SetRemoteDescription(SdpType::kOffer, offer));
  EXPECT_EQ(received.remote_transport->remote_credentials.ufrag, "sessufrg");
  EXPECT_EQ(received.remote_transport->remote_fingerprints, p.bob->config().local_fingerprints);
}

}  // namespace
}  // namespace parley::jsep
