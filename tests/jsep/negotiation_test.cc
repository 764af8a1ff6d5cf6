// The negotiation matrix between two Negotiators (JSEP §5): media and data with each side
// offering, data only, adding a data channel or a track later, stopping a transceiver, the
// direction table, codec preferences, renegotiation and recycling.
#include <gtest/gtest.h>

#include "jsep/media_section.h"
#include "negotiation_harness.h"

namespace parley::jsep {
namespace {

using namespace testing;

const Transceiver& Only(const Negotiator& negotiator, size_t index) {
  EXPECT_GT(negotiator.transceivers().size(), index);
  return negotiator.transceivers().at(index);
}

// Alice offers, Bob answers; then the other way round (Bob's transceivers first).
class JsepEachSideOffers : public ::testing::TestWithParam<bool> {
 protected:
  Negotiator& offerer() { return GetParam() ? pair_.alice.negotiator : pair_.bob.negotiator; }
  Negotiator& answerer() { return GetParam() ? pair_.bob.negotiator : pair_.alice.negotiator; }
  Pair pair_;
};

TEST_P(JsepEachSideOffers, AudioVideoAndData) {
  TransceiverId audio =
      offerer().AddTransceiver(MediaKind::kAudio, {.stream_ids = {"s"}, .track_id = "mic"});
  TransceiverId video =
      offerer().AddTransceiver(MediaKind::kVideo, {.stream_ids = {"s"}, .track_id = "cam"});
  offerer().RequestDataChannel();
  EXPECT_TRUE(offerer().negotiation_needed());

  std::string offer = Must(offerer().CreateOffer({}));
  EXPECT_TRUE(offer.starts_with("v=0\r\no=- "));
  EXPECT_NE(offer.find(" 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                       "a=group:BUNDLE 0 1 2\r\na=extmap-allow-mixed\r\na=msid-semantic: WMS\r\n"
                       "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
                       "a=rtcp:9 IN IP4 0.0.0.0\r\n"),
            std::string::npos)
      << offer;
  EXPECT_TRUE(HasLine(offer, "m=video 9 UDP/TLS/RTP/SAVPF 98 99 96 97"));
  EXPECT_TRUE(HasLine(offer, "m=application 9 UDP/DTLS/SCTP webrtc-datachannel"));
  EXPECT_TRUE(HasLine(offer, "a=sctp-port:5000"));
  EXPECT_TRUE(HasLine(offer, "a=max-message-size:262144"));
  EXPECT_TRUE(HasLine(offer, "a=msid:s mic"));
  EXPECT_TRUE(HasLine(offer, "a=rtpmap:99 rtx/90000"));
  EXPECT_TRUE(HasLine(offer, "a=fmtp:99 apt=98"));
  const Transceiver sender = *offerer().transceiver(video);  // a copy: the list is replaced
  EXPECT_TRUE(HasLine(offer, "a=ssrc-group:FID " + std::to_string(sender.ssrc) + " " +
                                 std::to_string(sender.rtx_ssrc)));
  EXPECT_TRUE(HasLine(offer, "a=ssrc:" + std::to_string(sender.ssrc) + " msid:s cam"));

  Applied offered = Must(offerer().SetLocalDescription(SdpType::kOffer, offer));
  EXPECT_EQ(offered.signaling_state, SignalingState::kHaveLocalOffer);
  EXPECT_EQ(offered.ice_role, ice::Role::kControlling);
  EXPECT_EQ(offerer().transceiver(audio)->mid, "0");
  EXPECT_EQ(offerer().transceiver(video)->mid, "1");
  EXPECT_FALSE(offerer().negotiation_needed());  // not stable

  Applied received = Must(answerer().SetRemoteDescription(SdpType::kOffer, offer));
  EXPECT_EQ(received.signaling_state, SignalingState::kHaveRemoteOffer);
  EXPECT_EQ(received.ice_role, ice::Role::kControlled);
  ASSERT_TRUE(received.remote_transport);
  EXPECT_EQ(received.remote_transport->remote_credentials, offerer().local_credentials());
  EXPECT_EQ(received.remote_transport->remote_setup, dtls::Setup::kActpass);
  EXPECT_EQ(received.remote_transport->remote_fingerprints, offerer().config().local_fingerprints);
  ASSERT_EQ(answerer().transceivers().size(), 2u);
  EXPECT_EQ(received.new_remote_tracks,
            (std::vector<TransceiverId>{Only(answerer(), 0).id, Only(answerer(), 1).id}));
  for (const Transceiver& t : answerer().transceivers()) {
    EXPECT_TRUE(t.created_by_remote);
    EXPECT_EQ(t.direction, Direction::kRecvOnly);
    EXPECT_EQ(t.remote_stream_ids, std::vector<std::string>{"s"});
  }
  EXPECT_EQ(Only(answerer(), 0).remote_track_id, "mic");
  EXPECT_EQ(Only(answerer(), 1).remote_ssrcs,
            (std::vector<uint32_t>{sender.ssrc, sender.rtx_ssrc}));

  std::string answer = Must(answerer().CreateAnswer());
  EXPECT_TRUE(HasLine(answer, "a=group:BUNDLE 0 1 2"));
  EXPECT_TRUE(HasLine(answer, "a=setup:active"));
  EXPECT_TRUE(HasLine(answer, "a=recvonly"));
  EXPECT_FALSE(HasLine(answer, "a=sendrecv"));
  Applied answered = Must(answerer().SetLocalDescription(SdpType::kAnswer, answer));
  EXPECT_TRUE(answered.negotiation_complete);
  EXPECT_EQ(answered.dtls_role, dtls::Role::kClient);
  ASSERT_TRUE(answered.sctp);
  EXPECT_EQ(answered.sctp->mid, "2");
  EXPECT_EQ(answered.sctp->remote_max_message_size, 262144u);

  Applied completed = Must(offerer().SetRemoteDescription(SdpType::kAnswer, answer));
  EXPECT_EQ(completed.signaling_state, SignalingState::kStable);
  EXPECT_TRUE(completed.negotiation_complete);
  EXPECT_EQ(completed.dtls_role, dtls::Role::kServer);  // we said actpass, they active
  EXPECT_EQ(completed.remote_transport->remote_setup, dtls::Setup::kActive);
  EXPECT_TRUE(completed.new_remote_tracks.empty());  // the answerer sends nothing
  ASSERT_TRUE(completed.sctp);
  EXPECT_EQ(*completed.sctp, (SctpParameters{"2", 5000, 262144}));
  EXPECT_TRUE(offerer().has_data_channel_section());
  EXPECT_TRUE(answerer().has_data_channel_section());

  const Transceiver& sent = *offerer().transceiver(video);
  EXPECT_EQ(sent.current_direction, Direction::kSendOnly);
  ASSERT_EQ(sent.codecs.size(), 2u);
  EXPECT_EQ(sent.codecs[0].name, "VP9");
  EXPECT_EQ(sent.codecs[0].payload_type, 98);
  EXPECT_EQ(sent.codecs[0].rtx_payload_type, 99);
  EXPECT_EQ(sent.extensions.size(), 5u);
  EXPECT_EQ(Only(answerer(), 1).current_direction, Direction::kRecvOnly);
  EXPECT_EQ(Only(answerer(), 0).codecs.at(0).name, "opus");
  EXPECT_FALSE(offerer().negotiation_needed());
  EXPECT_FALSE(answerer().negotiation_needed());
  EXPECT_EQ(offerer().current_local_description()->sdp, offer);
  EXPECT_EQ(offerer().current_remote_description()->sdp, answer);
  EXPECT_EQ(answerer().local_description()->type, SdpType::kAnswer);
}

TEST_P(JsepEachSideOffers, AnswererThatAlsoSendsGetsTracksBothWays) {
  offerer().AddTransceiver(MediaKind::kAudio, {.stream_ids = {"a"}, .track_id = "mic"});
  Must(offerer().SetLocalDescription(SdpType::kOffer, Must(offerer().CreateOffer({}))));
  Must(answerer().SetRemoteDescription(SdpType::kOffer, offerer().local_description()->sdp));
  const TransceiverId id = Only(answerer(), 0).id;
  Must(answerer().SetDirection(id, Direction::kSendRecv));  // addTrack on the recycled one
  Must(answerer().SetSenderTrack(id, "their-mic", {"b"}));
  Must(answerer().SetLocalDescription(SdpType::kAnswer, Must(answerer().CreateAnswer())));
  Applied done =
      Must(offerer().SetRemoteDescription(SdpType::kAnswer, answerer().local_description()->sdp));
  EXPECT_EQ(done.new_remote_tracks, std::vector<TransceiverId>{Only(offerer(), 0).id});
  EXPECT_EQ(Only(offerer(), 0).remote_stream_ids, std::vector<std::string>{"b"});
  EXPECT_EQ(Only(offerer(), 0).remote_track_id, "their-mic");
  EXPECT_EQ(Only(offerer(), 0).current_direction, Direction::kSendRecv);
  EXPECT_EQ(Only(answerer(), 0).current_direction, Direction::kSendRecv);
  EXPECT_FALSE(answerer().negotiation_needed());
}

INSTANTIATE_TEST_SUITE_P(Jsep, JsepEachSideOffers, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Alice" : "Bob"; });

TEST(JsepNegotiation, DataOnly) {
  Pair p;
  p.alice->RequestDataChannel();
  EXPECT_TRUE(p.alice->negotiation_needed());
  Exchange e = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(e.ok);
  EXPECT_EQ(ParseSdp(e.offer).media.size(), 1u);
  EXPECT_TRUE(HasLine(e.offer, "a=group:BUNDLE 0"));
  EXPECT_TRUE(HasLine(e.answer, "m=application 9 UDP/DTLS/SCTP webrtc-datachannel"));
  EXPECT_TRUE(HasLine(e.answer, "a=group:BUNDLE 0"));
  EXPECT_EQ(e.offerer_remote.sctp, (SctpParameters{"0", 5000, 262144}));
  EXPECT_EQ(e.answerer_local.sctp, (SctpParameters{"0", 5000, 262144}));
  EXPECT_TRUE(p.bob->transceivers().empty());
  EXPECT_FALSE(p.alice->negotiation_needed());
  // A second createDataChannel needs nothing new.
  p.alice->RequestDataChannel();
  EXPECT_FALSE(p.alice->negotiation_needed());
}

TEST(JsepNegotiation, EmptyOfferNegotiatesNothing) {
  Pair p;
  EXPECT_FALSE(p.alice->negotiation_needed());
  Exchange e = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(e.ok);
  EXPECT_TRUE(ParseSdp(e.offer).media.empty());
  EXPECT_FALSE(HasLine(e.offer, "a=group:BUNDLE"));
  EXPECT_FALSE(e.offerer_remote.remote_transport);
  EXPECT_FALSE(e.offerer_remote.dtls_role);
}

TEST(JsepNegotiation, DataChannelAddedLaterGetsTheNextMid) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  Exchange first = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(first.ok);
  EXPECT_FALSE(p.alice->has_data_channel_section());
  EXPECT_FALSE(first.offerer_remote.sctp);
  p.alice->RequestDataChannel();
  EXPECT_TRUE(p.alice->negotiation_needed());
  Exchange second = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(second.ok);
  EXPECT_TRUE(HasLine(second.offer, "a=group:BUNDLE 0 1"));
  EXPECT_EQ(SectionAt(second.offer, 1).media, "application");
  EXPECT_EQ(second.offerer_remote.sctp, (SctpParameters{"1", 5000, 262144}));
  EXPECT_FALSE(p.alice->negotiation_needed());
}

TEST(JsepNegotiation, TrackAddedLaterGoesAtTheEndAndTheVersionGoesUp) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  p.alice->RequestDataChannel();
  Exchange first = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(first.ok);
  EXPECT_FALSE(p.alice->negotiation_needed());

  TransceiverId video =
      p.alice->AddTransceiver(MediaKind::kVideo, {.stream_ids = {"s"}, .track_id = "cam"});
  EXPECT_TRUE(p.alice->negotiation_needed());
  Exchange second = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(second.ok);
  sdp::SessionDescription before = ParseSdp(first.offer);
  sdp::SessionDescription after = ParseSdp(second.offer);
  EXPECT_EQ(after.origin.session_id, before.origin.session_id);
  EXPECT_EQ(after.origin.session_version, before.origin.session_version + 1);
  ASSERT_EQ(after.media.size(), 3u);
  EXPECT_EQ(after.media[0].Value("mid"), "0");
  EXPECT_EQ(after.media[1].media, "application");
  EXPECT_EQ(after.media[1].Value("mid"), "1");
  EXPECT_EQ(after.media[2].media, "video");
  EXPECT_EQ(after.media[2].Value("mid"), "2");
  EXPECT_EQ(p.alice->transceiver(video)->mid, "2");
  EXPECT_EQ(p.alice->transceiver(video)->mline_index, 2u);
  EXPECT_EQ(second.answerer_remote.new_remote_tracks.size(), 1u);
  EXPECT_EQ(p.bob->transceivers().back().mid, "2");
  EXPECT_EQ(p.bob->transceivers().back().remote_track_id, "cam");
  EXPECT_FALSE(p.alice->negotiation_needed());
  EXPECT_FALSE(p.bob->negotiation_needed());
}

TEST(JsepNegotiation, UnchangedOffersKeepTheirVersionAndChangedOnesIncrementIt) {
  Pair p;
  TransceiverId audio = p.alice->AddTransceiver(MediaKind::kAudio);
  std::string first = Must(p.alice->CreateOffer({}));
  EXPECT_EQ(Must(p.alice->CreateOffer({})), first);
  Must(p.alice->SetDirection(audio, Direction::kRecvOnly));
  std::string changed = Must(p.alice->CreateOffer({}));
  EXPECT_EQ(ParseSdp(changed).origin.session_version, ParseSdp(first).origin.session_version + 1);
  EXPECT_EQ(ParseSdp(changed).origin.session_id, ParseSdp(first).origin.session_id);
  EXPECT_TRUE(HasLine(changed, "a=recvonly"));
  // recvonly: no longer sending, so no msid and no SSRCs (JSEP §5.2.1).
  EXPECT_EQ(changed.find("a=msid:"), std::string::npos);
  EXPECT_EQ(changed.find("a=ssrc:"), std::string::npos);
  EXPECT_NE(first.find("a=msid:- "), std::string::npos);  // sending without a track or stream
}

TEST(JsepNegotiation, StoppedTransceiverKeepsItsMlineWithPortZero) {
  Pair p;
  TransceiverId audio = p.alice->AddTransceiver(MediaKind::kAudio);
  TransceiverId video = p.alice->AddTransceiver(MediaKind::kVideo);
  ASSERT_TRUE(Negotiate(p.alice.negotiator, p.bob.negotiator).ok);
  const TransceiverId bob_audio = p.bob->transceivers().at(0).id;

  Must(p.alice->StopTransceiver(audio));
  EXPECT_TRUE(p.alice->transceiver(audio)->stopping);
  EXPECT_FALSE(p.alice->transceiver(audio)->stopped);
  EXPECT_EQ(p.alice->transceiver(audio)->direction, Direction::kStopped);
  EXPECT_TRUE(p.alice->negotiation_needed());
  EXPECT_EQ(p.alice->SetDirection(audio, Direction::kSendRecv).error().kind(),
            ErrorKind::kInvalidStateError);

  Exchange e = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(e.ok);
  sdp::MediaDescription rejected = SectionAt(e.offer, 0);
  EXPECT_EQ(rejected.port, 0);
  EXPECT_EQ(rejected.Value("mid"), "0");
  EXPECT_EQ(rejected.attributes.size(), 1u);  // the mid alone
  EXPECT_TRUE(HasLine(e.offer, "a=group:BUNDLE 1"));
  EXPECT_EQ(SectionAt(e.answer, 0).port, 0);
  EXPECT_TRUE(HasLine(e.answer, "a=group:BUNDLE 1"));
  EXPECT_EQ(e.answerer_local.stopped_transceivers, std::vector<TransceiverId>{bob_audio});
  EXPECT_EQ(e.answerer_remote.removed_remote_tracks, std::vector<TransceiverId>{bob_audio});
  EXPECT_EQ(e.offerer_remote.stopped_transceivers, std::vector<TransceiverId>{audio});
  const Transceiver& stopped = *p.alice->transceiver(audio);
  EXPECT_TRUE(stopped.stopped);
  EXPECT_EQ(stopped.current_direction, Direction::kStopped);
  EXPECT_TRUE(p.bob->transceiver(bob_audio)->stopped);
  EXPECT_FALSE(p.alice->negotiation_needed());
  EXPECT_FALSE(p.bob->negotiation_needed());

  // The rejected m-line stays where it was in every later offer, from either side.
  p.bob->AddTransceiver(MediaKind::kAudio);
  Exchange later = Negotiate(p.bob.negotiator, p.alice.negotiator);
  ASSERT_TRUE(later.ok);
  sdp::SessionDescription offer = ParseSdp(later.offer);
  ASSERT_EQ(offer.media.size(), 3u);
  EXPECT_EQ(offer.media[0].port, 0);
  EXPECT_EQ(offer.media[2].Value("mid"), "2");
  EXPECT_EQ(p.alice->transceiver(video)->mline_index, 1u);
  EXPECT_EQ(p.alice->transceivers().size(), 3u);
}

TEST(JsepNegotiation, StoppingAnUnnegotiatedTransceiverNeedsNoNegotiation) {
  Pair p;
  TransceiverId audio = p.alice->AddTransceiver(MediaKind::kAudio);
  Must(p.alice->StopTransceiver(audio));
  EXPECT_TRUE(p.alice->transceiver(audio)->stopped);
  EXPECT_FALSE(p.alice->negotiation_needed());
  EXPECT_TRUE(ParseSdp(Must(p.alice->CreateOffer({}))).media.empty());
}

TEST(JsepNegotiation, RemoteRejectionStopsOurTransceiver) {
  Pair p;
  TransceiverId video = p.alice->AddTransceiver(MediaKind::kVideo);
  Must(p.alice->SetLocalDescription(SdpType::kOffer, Must(p.alice->CreateOffer({}))));
  Must(p.bob->SetRemoteDescription(SdpType::kOffer, p.alice->local_description()->sdp));
  Must(p.bob->StopTransceiver(p.bob->transceivers().at(0).id));
  std::string answer = Must(p.bob->CreateAnswer());
  EXPECT_EQ(SectionAt(answer, 0).port, 0);
  EXPECT_FALSE(HasLine(answer, "a=group:BUNDLE 0"));
  Must(p.bob->SetLocalDescription(SdpType::kAnswer, answer));
  Applied done = Must(p.alice->SetRemoteDescription(SdpType::kAnswer, answer));
  EXPECT_EQ(done.stopped_transceivers, std::vector<TransceiverId>{video});
  EXPECT_FALSE(done.remote_transport);  // nothing accepted, no transport
  EXPECT_TRUE(p.alice->transceiver(video)->stopped);
  EXPECT_FALSE(p.alice->negotiation_needed());
}

// Alice's transceiver direction × Bob's (set before he answers): the answer's direction and
// both sides' currentDirection (JSEP §5.3.1 table).
TEST(JsepNegotiation, DirectionMatrix) {
  const Direction all[] = {Direction::kSendRecv, Direction::kSendOnly, Direction::kRecvOnly,
                           Direction::kInactive};
  for (Direction alice_direction : all) {
    for (Direction bob_direction : all) {
      SCOPED_TRACE(std::string(ToString(alice_direction)) + " / " +
                   std::string(ToString(bob_direction)));
      Pair p;
      TransceiverId mine =
          p.alice->AddTransceiver(MediaKind::kAudio, {.direction = alice_direction});
      Must(p.alice->SetLocalDescription(SdpType::kOffer, Must(p.alice->CreateOffer({}))));
      EXPECT_TRUE(HasLine(p.alice->local_description()->sdp,
                          "a=" + std::string(ToString(alice_direction))));
      Must(p.bob->SetRemoteDescription(SdpType::kOffer, p.alice->local_description()->sdp));
      const TransceiverId theirs = p.bob->transceivers().at(0).id;
      Must(p.bob->SetDirection(theirs, bob_direction));
      std::string answer = Must(p.bob->CreateAnswer());
      const Direction expected = AnswerDirection(bob_direction, alice_direction);
      EXPECT_TRUE(HasLine(answer, "a=" + std::string(ToString(expected)))) << answer;
      Must(p.bob->SetLocalDescription(SdpType::kAnswer, answer));
      Must(p.alice->SetRemoteDescription(SdpType::kAnswer, answer));
      EXPECT_EQ(p.bob->transceiver(theirs)->current_direction, expected);
      EXPECT_EQ(p.alice->transceiver(mine)->current_direction, Reverse(expected));
      EXPECT_EQ(p.bob->negotiation_needed(), false);
    }
  }
}

TEST(JsepNegotiation, DirectionChangeNeedsNegotiationUntilReflected) {
  Pair p;
  TransceiverId audio = p.alice->AddTransceiver(MediaKind::kAudio);
  ASSERT_TRUE(Negotiate(p.alice.negotiator, p.bob.negotiator).ok);
  Must(p.alice->SetDirection(audio, Direction::kRecvOnly));
  EXPECT_TRUE(p.alice->negotiation_needed());
  Must(p.alice->SetDirection(audio, Direction::kSendRecv));  // back: nothing to do
  EXPECT_FALSE(p.alice->negotiation_needed());
  // Bob answered recvonly, so sendonly is what was negotiated already (webrtc-pc §4.7.3
  // compares with the answer's direction reversed too).
  Must(p.alice->SetDirection(audio, Direction::kSendOnly));
  EXPECT_FALSE(p.alice->negotiation_needed());
  Must(p.alice->SetDirection(audio, Direction::kInactive));
  Exchange e = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(e.ok);
  EXPECT_EQ(p.alice->transceiver(audio)->current_direction, Direction::kInactive);
  EXPECT_FALSE(p.alice->negotiation_needed());
}

TEST(JsepNegotiation, StreamChangeNeedsNegotiation) {
  Pair p;
  TransceiverId audio = p.alice->AddTransceiver(MediaKind::kAudio, {.stream_ids = {"a"}});
  ASSERT_TRUE(Negotiate(p.alice.negotiator, p.bob.negotiator).ok);
  Must(p.alice->SetSenderTrack(audio, "other-track", {"a"}));  // replaceTrack: no negotiation
  EXPECT_FALSE(p.alice->negotiation_needed());
  Must(p.alice->SetSenderTrack(audio, "other-track", {"b"}));
  EXPECT_TRUE(p.alice->negotiation_needed());
  Exchange e = Negotiate(p.alice.negotiator, p.bob.negotiator);
  ASSERT_TRUE(e.ok);
  EXPECT_TRUE(HasLine(e.offer, "a=msid:b other-track"));
  EXPECT_EQ(p.bob->transceivers().at(0).remote_stream_ids, std::vector<std::string>{"b"});
  EXPECT_FALSE(p.alice->negotiation_needed());
}

// Bob prefers VP8: his answer lists VP8 first under Alice's payload types, RTX with it, and
// Alice then sends VP8 first.
TEST(JsepNegotiation, CodecPreferencesOrderTheAnswer) {
  Pair p;
  TransceiverId video = p.alice->AddTransceiver(MediaKind::kVideo);
  Must(p.alice->SetLocalDescription(SdpType::kOffer, Must(p.alice->CreateOffer({}))));
  Must(p.bob->SetRemoteDescription(SdpType::kOffer, p.alice->local_description()->sdp));
  const TransceiverId bobs = p.bob->transceivers().at(0).id;
  Capabilities caps = DefaultCapabilities();
  Must(p.bob->SetCodecPreferences(bobs, {caps.video[1], caps.video[0]}));
  std::string answer = Must(p.bob->CreateAnswer());
  EXPECT_TRUE(HasLine(answer, "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99")) << answer;
  Must(p.bob->SetLocalDescription(SdpType::kAnswer, answer));
  Must(p.alice->SetRemoteDescription(SdpType::kAnswer, answer));
  const Transceiver& sender = *p.alice->transceiver(video);
  ASSERT_EQ(sender.codecs.size(), 2u);
  EXPECT_EQ(sender.codecs[0].name, "VP8");
  EXPECT_EQ(sender.codecs[0].payload_type, 96);
  EXPECT_EQ(sender.codecs[0].rtx_payload_type, 97);
  EXPECT_EQ(sender.codecs[1].name, "VP9");

  // Only VP8: the next offer from Bob carries VP8 alone, with its negotiated types.
  Must(p.bob->SetCodecPreferences(bobs, {caps.video[1]}));
  std::string offer = Must(p.bob->CreateOffer({}));
  EXPECT_TRUE(HasLine(offer, "m=video 9 UDP/TLS/RTP/SAVPF 96 97")) << offer;
}

TEST(JsepNegotiation, CodecPreferencesRejectUnknownCodecs) {
  Pair p;
  TransceiverId audio = p.alice->AddTransceiver(MediaKind::kAudio);
  CodecCapability h264{.name = "H264", .clock_rate = 90000};
  Result<void> result = p.alice->SetCodecPreferences(audio, {h264});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind(), ErrorKind::kInvalidModificationError);
  EXPECT_NE(result.error().message().find("H264/90000"), std::string::npos);
  // A video codec on an audio transceiver is unknown too.
  EXPECT_FALSE(p.alice->SetCodecPreferences(audio, {DefaultCapabilities().video[0]}).ok());
  CodecCapability rtx{.name = "rtx", .clock_rate = 90000};
  EXPECT_FALSE(p.alice->SetCodecPreferences(audio, {rtx}).ok());
  EXPECT_TRUE(p.alice->SetCodecPreferences(audio, {}).ok());
  EXPECT_EQ(p.alice->SetCodecPreferences(999, {}).error().kind(), ErrorKind::kInvalidAccessError);
}

// JSEP §5.10: Alice added an audio transceiver but had not negotiated; Bob's audio offer
// takes it instead of creating another.
TEST(JsepNegotiation, RemoteOfferRecyclesAnUnassociatedTransceiver) {
  Pair p;
  TransceiverId mine = p.alice->AddTransceiver(MediaKind::kAudio, {.track_id = "mic"});
  p.bob->AddTransceiver(MediaKind::kAudio);
  p.bob->AddTransceiver(MediaKind::kAudio, {.direction = Direction::kSendOnly});
  Exchange e = Negotiate(p.bob.negotiator, p.alice.negotiator);
  ASSERT_TRUE(e.ok);
  ASSERT_EQ(p.alice->transceivers().size(), 2u);
  EXPECT_EQ(p.alice->transceiver(mine)->mid, "0");
  EXPECT_FALSE(p.alice->transceiver(mine)->created_by_remote);
  EXPECT_EQ(p.alice->transceiver(mine)->current_direction, Direction::kSendRecv);
  // The sendonly m-section (the offerer does not receive) gets a new recvonly transceiver.
  EXPECT_TRUE(p.alice->transceivers().at(1).created_by_remote);
  EXPECT_EQ(p.alice->transceivers().at(1).current_direction, Direction::kRecvOnly);
  EXPECT_FALSE(p.alice->negotiation_needed());
}

TEST(JsepNegotiation, TransceiversAreInMlineOrderThenUnassociated) {
  Pair p;
  p.bob->AddTransceiver(MediaKind::kVideo);
  p.bob->AddTransceiver(MediaKind::kAudio);
  TransceiverId local =
      p.alice->AddTransceiver(MediaKind::kAudio, {.direction = Direction::kSendOnly});
  TransceiverId later = p.alice->AddTransceiver(MediaKind::kVideo);
  // Bob's offer recycles both of Alice's transceivers in his m-line order.
  ASSERT_TRUE(Negotiate(p.bob.negotiator, p.alice.negotiator).ok);
  ASSERT_EQ(p.alice->transceivers().size(), 2u);
  EXPECT_EQ(p.alice->transceivers()[0].id, later);
  EXPECT_EQ(p.alice->transceivers()[1].id, local);
  TransceiverId fresh = p.alice->AddTransceiver(MediaKind::kAudio);
  EXPECT_EQ(p.alice->transceivers().back().id, fresh);
  EXPECT_FALSE(p.alice->transceivers().back().mid);
}

// One transport: an offer without BUNDLE gets its first m-section accepted, the others rejected
// (and no group in the answer).
TEST(JsepNegotiation, OfferWithoutBundleGetsOnlyItsFirstSectionAccepted) {
  Pair p;
  TransceiverId audio = p.alice->AddTransceiver(MediaKind::kAudio);
  TransceiverId video = p.alice->AddTransceiver(MediaKind::kVideo);
  p.alice->RequestDataChannel();
  std::string offer = RemoveLines(Must(p.alice->CreateOffer({})), "a=group:");
  Must(p.alice->SetLocalDescription(SdpType::kOffer, offer));
  Must(p.bob->SetRemoteDescription(SdpType::kOffer, offer));
  std::string answer = Must(p.bob->CreateAnswer());
  EXPECT_FALSE(HasLine(answer, "a=group:BUNDLE 0"));
  sdp::SessionDescription parsed = ParseSdp(answer);
  ASSERT_EQ(parsed.media.size(), 3u);
  EXPECT_EQ(parsed.media[0].port, 9);
  EXPECT_EQ(parsed.media[1].port, 0);
  EXPECT_EQ(parsed.media[2].port, 0);
  Applied bob = Must(p.bob->SetLocalDescription(SdpType::kAnswer, answer));
  EXPECT_FALSE(bob.sctp);
  Applied alice = Must(p.alice->SetRemoteDescription(SdpType::kAnswer, answer));
  EXPECT_EQ(alice.stopped_transceivers, std::vector<TransceiverId>{video});
  EXPECT_FALSE(p.alice->transceiver(audio)->stopped);
  EXPECT_FALSE(p.alice->has_data_channel_section());
}

// m-sections outside the offer's BUNDLE group are rejected; the group's tag need not be first.
TEST(JsepNegotiation, SectionsOutsideTheBundleGroupAreRejected) {
  Pair p;
  p.alice->AddTransceiver(MediaKind::kAudio);
  p.alice->AddTransceiver(MediaKind::kVideo);
  std::string offer =
      Replace(Must(p.alice->CreateOffer({})), "a=group:BUNDLE 0 1", "a=group:BUNDLE 1");
  Applied received = Must(p.bob->SetRemoteDescription(SdpType::kOffer, offer));
  EXPECT_TRUE(received.remote_transport);
  std::string answer = Must(p.bob->CreateAnswer());
  EXPECT_TRUE(HasLine(answer, "a=group:BUNDLE 1"));
  EXPECT_EQ(SectionAt(answer, 0).port, 0);
  EXPECT_EQ(SectionAt(answer, 1).port, 9);
  Must(p.bob->SetLocalDescription(SdpType::kAnswer, answer));
  EXPECT_TRUE(p.bob->transceivers().at(0).stopped);
  EXPECT_FALSE(p.bob->transceivers().at(1).stopped);
}

TEST(JsepNegotiation, RenegotiationKeepsPayloadTypesTheRemoteChose) {
  Pair p;
  // Bob (as a different stack would) numbers VP8 100 and its RTX 101 in his offer.
  p.bob->AddTransceiver(MediaKind::kVideo);
  std::string offer = Must(p.bob->CreateOffer({}));
  offer = Replace(offer, "m=video 9 UDP/TLS/RTP/SAVPF 98 99 96 97",
                  "m=video 9 UDP/TLS/RTP/SAVPF 98 99 100 101");
  for (std::string_view line :
       {"a=rtpmap:96 VP8", "a=rtcp-fb:96 goog-remb", "a=rtcp-fb:96 transport-cc",
        "a=rtcp-fb:96 ccm fir", "a=rtcp-fb:96 nack\r", "a=rtcp-fb:96 nack pli", "a=rtpmap:97 rtx",
        "a=fmtp:97 apt=96"}) {
    std::string from(line);
    std::string to = from;
    to.replace(to.find(":9") + 1, 2, from.find(":96") != std::string::npos ? "100" : "101");
    offer = Replace(offer, from, to);
  }
  offer = Replace(offer, "a=fmtp:101 apt=96", "a=fmtp:101 apt=100");
  Must(p.bob->SetLocalDescription(SdpType::kOffer, offer));
  Must(p.alice->SetRemoteDescription(SdpType::kOffer, offer));
  std::string answer = Must(p.alice->CreateAnswer());
  EXPECT_TRUE(HasLine(answer, "m=video 9 UDP/TLS/RTP/SAVPF 98 99 100 101")) << answer;
  Must(p.alice->SetLocalDescription(SdpType::kAnswer, answer));
  Must(p.bob->SetRemoteDescription(SdpType::kAnswer, answer));
  // Alice's next offer keeps VP8 at 100 (RFC 3264 §8.3.2).
  p.alice->AddTransceiver(MediaKind::kVideo);
  std::string next = Must(p.alice->CreateOffer({}));
  EXPECT_TRUE(HasLine(next, "m=video 9 UDP/TLS/RTP/SAVPF 98 99 100 101")) << next;
  EXPECT_EQ(ParseSdp(next).media.size(), 2u);
  EXPECT_EQ(SectionAt(next, 1).formats, (std::vector<std::string>{"98", "99", "100", "101"}));
}

}  // namespace
}  // namespace parley::jsep
