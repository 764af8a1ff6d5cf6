// The signaling state machine (JSEP §3.2, webrtc-pc §4.3.1): every call in a state that does
// not allow it fails with InvalidStateError naming the call and the state, and changes nothing;
// pranswer; rollback of a local and of a remote offer; implicit setLocalDescription; close.
#include <gtest/gtest.h>

#include "negotiation_harness.h"

namespace parley::jsep {
namespace {

using namespace testing;

template <typename T>
void ExpectStateError(const Result<T>& result, std::string_view message) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind(), ErrorKind::kInvalidStateError);
  EXPECT_EQ(result.error().message(), message);
}

TEST(JsepStateMachine, AnswerCallsInStableFailAndChangeNothing) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  p.bob->AddTransceiver(MediaKind::kAudio);
  const std::string offer = Must(p.bob->CreateOffer({}));
  const Snapshot before = Take(p.alice.negotiator);
  ExpectStateError(p.alice->SetRemoteDescription(SdpType::kAnswer, offer),
                   "setRemoteDescription(answer) is not allowed in signaling state 'stable'");
  ExpectStateError(p.alice->SetRemoteDescription(SdpType::kPranswer, offer),
                   "setRemoteDescription(pranswer) is not allowed in signaling state 'stable'");
  ExpectStateError(p.alice->SetLocalDescription(SdpType::kAnswer, offer),
                   "setLocalDescription(answer) is not allowed in signaling state 'stable'");
  ExpectStateError(p.alice->CreateAnswer(),
                   "createAnswer is not allowed in signaling state 'stable'");
  ExpectStateError(p.alice->SetLocalDescription(SdpType::kRollback, ""),
                   "setLocalDescription(rollback) is not allowed in signaling state 'stable'");
  ExpectStateError(p.alice->SetRemoteDescription(SdpType::kRollback, ""),
                   "setRemoteDescription(rollback) is not allowed in signaling state 'stable'");
  EXPECT_EQ(Take(p.alice.negotiator), before);
  // The right call still works.
  EXPECT_TRUE(p.alice->SetRemoteDescription(SdpType::kOffer, offer).ok());
}

TEST(JsepStateMachine, OffersCrossingFailWithoutImplicitRollback) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  p.bob->AddTransceiver(MediaKind::kAudio);
  Must(p.alice->SetLocalDescription(SdpType::kOffer, Must(p.alice->CreateOffer({}))));
  Must(p.bob->SetLocalDescription(SdpType::kOffer, Must(p.bob->CreateOffer({}))));
  const Snapshot before = Take(p.alice.negotiator);
  ExpectStateError(
      p.alice->SetRemoteDescription(SdpType::kOffer, p.bob->local_description()->sdp),
      "setRemoteDescription(offer) is not allowed in signaling state 'have-local-offer'");
  ExpectStateError(p.alice->SetLocalDescription(SdpType::kAnswer, p.bob->local_description()->sdp),
                   "setLocalDescription(answer) is not allowed in signaling state "
                   "'have-local-offer'");
  EXPECT_EQ(Take(p.alice.negotiator), before);
  // Glare resolved the polite way: roll back, take the other offer, answer it.
  Applied rolled = Must(p.alice->SetLocalDescription(SdpType::kRollback, ""));
  EXPECT_EQ(rolled.signaling_state, SignalingState::kStable);
  Must(p.alice->SetRemoteDescription(SdpType::kOffer, p.bob->local_description()->sdp));
  ExpectStateError(p.alice->CreateOffer({}),
                   "createOffer is not allowed in signaling state 'have-remote-offer'");
  ExpectStateError(
      p.alice->SetLocalDescription(SdpType::kOffer, p.bob->local_description()->sdp),
      "setLocalDescription(offer) is not allowed in signaling state 'have-remote-offer'");
  Must(p.alice->SetLocalDescription(SdpType::kAnswer, Must(p.alice->CreateAnswer())));
  Applied done =
      Must(p.bob->SetRemoteDescription(SdpType::kAnswer, p.alice->local_description()->sdp));
  EXPECT_TRUE(done.negotiation_complete);
  // Alice's transceiver was recycled for Bob's audio: nothing left to negotiate.
  EXPECT_EQ(p.alice->transceivers().size(), 1u);
  EXPECT_FALSE(p.alice->negotiation_needed());
}

TEST(JsepStateMachine, PranswerBothWaysThenAnswer) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  p.alice->RequestDataChannel();
  Must(p.alice->SetLocalDescription(SdpType::kOffer, Must(p.alice->CreateOffer({}))));
  Must(p.bob->SetRemoteDescription(SdpType::kOffer, p.alice->local_description()->sdp));

  Applied bob_pranswer = Must(p.bob->SetLocalDescription(SdpType::kPranswer, ""));  // implicit
  EXPECT_EQ(bob_pranswer.signaling_state, SignalingState::kHaveLocalPranswer);
  EXPECT_FALSE(bob_pranswer.negotiation_complete);
  EXPECT_EQ(bob_pranswer.dtls_role, dtls::Role::kClient);
  EXPECT_EQ(p.bob->local_description()->type, SdpType::kPranswer);
  EXPECT_FALSE(p.bob->current_local_description());
  const std::string pranswer = p.bob->local_description()->sdp;

  Applied alice_pranswer = Must(p.alice->SetRemoteDescription(SdpType::kPranswer, pranswer));
  EXPECT_EQ(alice_pranswer.signaling_state, SignalingState::kHaveRemotePranswer);
  EXPECT_FALSE(alice_pranswer.negotiation_complete);
  EXPECT_TRUE(alice_pranswer.remote_transport);
  EXPECT_EQ(alice_pranswer.dtls_role, dtls::Role::kServer);
  EXPECT_TRUE(alice_pranswer.sctp);
  EXPECT_EQ(p.alice->remote_description()->type, SdpType::kPranswer);
  ExpectStateError(p.alice->SetRemoteDescription(SdpType::kRollback, ""),
                   "setRemoteDescription(rollback) is not allowed in signaling state "
                   "'have-remote-pranswer'");
  ExpectStateError(p.alice->CreateOffer({}),
                   "createOffer is not allowed in signaling state 'have-remote-pranswer'");
  ExpectStateError(p.bob->SetLocalDescription(SdpType::kRollback, ""),
                   "setLocalDescription(rollback) is not allowed in signaling state "
                   "'have-local-pranswer'");

  // The final answer, from have-local-pranswer / have-remote-pranswer.
  std::string answer = Must(p.bob->CreateAnswer());
  Applied bob_done = Must(p.bob->SetLocalDescription(SdpType::kAnswer, answer));
  EXPECT_TRUE(bob_done.negotiation_complete);
  EXPECT_EQ(bob_done.signaling_state, SignalingState::kStable);
  Applied alice_done = Must(p.alice->SetRemoteDescription(SdpType::kAnswer, answer));
  EXPECT_TRUE(alice_done.negotiation_complete);
  EXPECT_FALSE(alice_done.remote_ice_restart);
  EXPECT_EQ(p.alice->current_remote_description()->type, SdpType::kAnswer);
  EXPECT_FALSE(p.alice->pending_remote_description());
  EXPECT_FALSE(p.bob->pending_local_description());
}

TEST(JsepStateMachine, RollbackOfALocalOfferTakesItsMidsBack) {
  Pair p;
  TransceiverId audio = p.alice->AddTransceiver(MediaKind::kAudio);
  p.alice->RequestDataChannel();
  Applied offered = Must(p.alice->SetLocalDescription(SdpType::kOffer, ""));  // implicit
  EXPECT_EQ(offered.signaling_state, SignalingState::kHaveLocalOffer);
  EXPECT_EQ(p.alice->transceiver(audio)->mid, "0");

  Applied rolled = Must(p.alice->SetLocalDescription(SdpType::kRollback, ""));
  EXPECT_EQ(rolled.signaling_state, SignalingState::kStable);
  EXPECT_FALSE(rolled.local_ice_restart);
  EXPECT_FALSE(p.alice->transceiver(audio)->mid);
  EXPECT_FALSE(p.alice->transceiver(audio)->mline_index);
  EXPECT_FALSE(p.alice->local_description());
  EXPECT_TRUE(p.alice->negotiation_needed());

  // Mids are never reused: the next offer takes new ones.
  Exchange e = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(e.ok);
  EXPECT_TRUE(HasLine(e.offer, "a=group:BUNDLE 2 3"));
  EXPECT_EQ(p.alice->transceiver(audio)->mid, "2");
  EXPECT_FALSE(p.alice->negotiation_needed());
}

TEST(JsepStateMachine, RollbackOfARenegotiationKeepsWhatWasNegotiated) {
  Pair p;
  TransceiverId audio = p.alice->AddTransceiver(MediaKind::kAudio);
  Exchange first = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(first.ok);
  TransceiverId video = p.alice->AddTransceiver(MediaKind::kVideo);
  Must(p.alice->SetLocalDescription(SdpType::kOffer, Must(p.alice->CreateOffer({}))));
  TransceiverId meanwhile = p.alice->AddTransceiver(MediaKind::kVideo);  // after the offer
  Must(p.alice->SetRemoteDescription(SdpType::kRollback, ""));
  EXPECT_EQ(p.alice->transceiver(audio)->mid, "0");
  EXPECT_EQ(p.alice->transceiver(audio)->current_direction, Direction::kSendOnly);
  EXPECT_FALSE(p.alice->transceiver(video)->mid);
  EXPECT_TRUE(p.alice->transceiver(meanwhile));
  EXPECT_EQ(p.alice->local_description()->sdp, first.offer);
  EXPECT_TRUE(p.alice->negotiation_needed());
}

TEST(JsepStateMachine, RollbackOfARemoteOfferRemovesWhatItCreated) {
  Pair p;
  TransceiverId mine = p.alice->AddTransceiver(MediaKind::kAudio);
  p.bob->AddTransceiver(MediaKind::kAudio);
  p.bob->AddTransceiver(MediaKind::kVideo);
  p.bob->RequestDataChannel();
  const std::string offer = Must(p.bob->CreateOffer({}));
  Applied received = Must(p.alice->SetRemoteDescription(SdpType::kOffer, offer));
  ASSERT_EQ(p.alice->transceivers().size(), 2u);
  EXPECT_EQ(p.alice->transceiver(mine)->mid, "0");  // recycled
  const TransceiverId created = p.alice->transceivers().at(1).id;
  EXPECT_EQ(received.new_remote_tracks, (std::vector<TransceiverId>{mine, created}));

  Applied rolled = Must(p.alice->SetLocalDescription(SdpType::kRollback, ""));
  EXPECT_EQ(rolled.signaling_state, SignalingState::kStable);
  EXPECT_EQ(rolled.removed_remote_tracks, (std::vector<TransceiverId>{mine, created}));
  ASSERT_EQ(p.alice->transceivers().size(), 1u);
  EXPECT_EQ(p.alice->transceivers()[0].id, mine);
  EXPECT_FALSE(p.alice->transceivers()[0].mid);
  EXPECT_TRUE(p.alice->transceivers()[0].remote_ssrcs.empty());
  EXPECT_FALSE(p.alice->remote_description());
  EXPECT_EQ(p.alice->signaling_state(), SignalingState::kStable);

  // Then the same offer again works as if the first had never come.
  Applied again = Must(p.alice->SetRemoteDescription(SdpType::kOffer, offer));
  EXPECT_EQ(again.ice_role, ice::Role::kControlled);
  EXPECT_EQ(p.alice->transceivers().size(), 2u);
  Must(p.alice->SetLocalDescription(SdpType::kAnswer, ""));
  EXPECT_EQ(p.alice->signaling_state(), SignalingState::kStable);
}

TEST(JsepStateMachine, RollbackKeepsARemoteCreatedTransceiverThatGotATrack) {
  Pair p;
  p.bob->AddTransceiver(MediaKind::kVideo);
  Must(p.alice->SetRemoteDescription(SdpType::kOffer, Must(p.bob->CreateOffer({}))));
  const TransceiverId created = p.alice->transceivers().at(0).id;
  Must(p.alice->SetSenderTrack(created, "cam", {"s"}));  // addTrack reused it
  Must(p.alice->SetRemoteDescription(SdpType::kRollback, ""));
  ASSERT_EQ(p.alice->transceivers().size(), 1u);
  EXPECT_FALSE(p.alice->transceivers()[0].mid);
  EXPECT_FALSE(p.alice->transceivers()[0].created_by_remote);
}

TEST(JsepStateMachine, ASecondRemoteOfferReplacesThePendingOne) {
  Pair p;
  p.bob->AddTransceiver(MediaKind::kAudio);
  const std::string first = Must(p.bob->CreateOffer({}));
  Must(p.alice->SetRemoteDescription(SdpType::kOffer, first));
  p.bob->AddTransceiver(MediaKind::kVideo);
  const std::string second = Must(p.bob->CreateOffer({}));
  Applied replaced = Must(p.alice->SetRemoteDescription(SdpType::kOffer, second));
  EXPECT_EQ(replaced.signaling_state, SignalingState::kHaveRemoteOffer);
  EXPECT_EQ(replaced.new_remote_tracks.size(), 1u);  // the audio track was announced already
  EXPECT_EQ(p.alice->transceivers().size(), 2u);
  EXPECT_EQ(p.alice->remote_description()->sdp, second);
}

TEST(JsepStateMachine, ImplicitDescriptionsFollowTheState) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  Applied offered = Must(p.alice->SetLocalDescription(SdpType::kAnswer, ""));
  EXPECT_EQ(offered.signaling_state, SignalingState::kHaveLocalOffer);
  EXPECT_EQ(p.alice->local_description()->type, SdpType::kOffer);
  Must(p.bob->SetRemoteDescription(SdpType::kOffer, p.alice->local_description()->sdp));
  Applied answered = Must(p.bob->SetLocalDescription(SdpType::kOffer, ""));
  EXPECT_EQ(answered.signaling_state, SignalingState::kStable);
  EXPECT_EQ(p.bob->local_description()->type, SdpType::kAnswer);
  Must(p.alice->SetRemoteDescription(SdpType::kAnswer, p.bob->local_description()->sdp));
  EXPECT_EQ(p.alice->signaling_state(), SignalingState::kStable);
}

TEST(JsepStateMachine, LocalDescriptionsMustBeOnesWeCreated) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  p.bob->AddTransceiver(MediaKind::kVideo);
  const Snapshot before = Take(p.alice.negotiator);
  // Bob's offer has an m-section Alice never planned.
  Result<Applied> foreign =
      p.alice->SetLocalDescription(SdpType::kOffer, Must(p.bob->CreateOffer({})));
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().kind(), ErrorKind::kInvalidModificationError);
  EXPECT_EQ(Take(p.alice.negotiator), before);
  EXPECT_TRUE(p.alice->SetLocalDescription(SdpType::kOffer, Must(p.alice->CreateOffer({}))).ok());
}

TEST(JsepStateMachine, CloseStopsEverythingAndRefusesEveryCall) {
  Pair p;
  TransceiverId audio = p.alice->AddTransceiver(MediaKind::kAudio);
  Exchange e = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(e.ok);
  p.alice->Close();
  EXPECT_EQ(p.alice->signaling_state(), SignalingState::kClosed);
  EXPECT_TRUE(p.alice->transceiver(audio)->stopped);
  EXPECT_FALSE(p.alice->negotiation_needed());
  ExpectStateError(p.alice->CreateOffer({}),
                   "createOffer is not allowed in signaling state 'closed'");
  ExpectStateError(p.alice->CreateAnswer(),
                   "createAnswer is not allowed in signaling state 'closed'");
  ExpectStateError(p.alice->SetLocalDescription(SdpType::kOffer, e.offer),
                   "setLocalDescription(offer) is not allowed in signaling state 'closed'");
  ExpectStateError(p.alice->SetLocalDescription(SdpType::kOffer, ""),
                   "setLocalDescription is not allowed in signaling state 'closed'");
  ExpectStateError(p.alice->SetRemoteDescription(SdpType::kAnswer, e.answer),
                   "setRemoteDescription(answer) is not allowed in signaling state 'closed'");
  ExpectStateError(p.alice->SetRemoteDescription(SdpType::kRollback, ""),
                   "setRemoteDescription(rollback) is not allowed in signaling state 'closed'");
  EXPECT_EQ(p.alice->SetDirection(audio, Direction::kInactive).error().kind(),
            ErrorKind::kInvalidStateError);
  EXPECT_EQ(p.alice->StopTransceiver(audio).error().kind(), ErrorKind::kInvalidStateError);
  EXPECT_EQ(p.alice->AddRemoteCandidate("", "0", std::nullopt, std::nullopt).error().kind(),
            ErrorKind::kInvalidStateError);
  EXPECT_FALSE(p.alice->AddLocalCandidate(
      Must(ice::Candidate::Parse("candidate:1 1 udp 1 127.0.0.1 5000 typ host"))));
  EXPECT_EQ(p.alice->current_local_description()->sdp, e.offer);
}

TEST(JsepStateMachine, TransceiverCallsCheckTheirArguments) {
  Pair p;
  TransceiverId audio = p.alice->AddTransceiver(MediaKind::kAudio);
  EXPECT_EQ(p.alice->SetDirection(audio, Direction::kStopped).error().kind(),
            ErrorKind::kTypeError);
  EXPECT_EQ(p.alice->SetDirection(77, Direction::kInactive).error().kind(),
            ErrorKind::kInvalidAccessError);
  EXPECT_EQ(p.alice->StopTransceiver(77).error().kind(), ErrorKind::kInvalidAccessError);
  EXPECT_EQ(p.alice->SetSenderTrack(77, "t", {}).error().kind(), ErrorKind::kInvalidAccessError);
  EXPECT_EQ(p.alice->transceiver(audio)->direction, Direction::kSendRecv);
  TransceiverId odd =
      p.alice->AddTransceiver(MediaKind::kVideo, {.direction = Direction::kStopped});
  EXPECT_EQ(p.alice->transceiver(odd)->direction, Direction::kInactive);
  EXPECT_NE(p.alice->transceiver(audio)->ssrc, p.alice->transceiver(odd)->ssrc);
  EXPECT_NE(p.alice->transceiver(audio)->ssrc, 0u);
}

}  // namespace
}  // namespace parley::jsep
