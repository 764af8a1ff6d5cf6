// PeerConnection end to end on loopback: offer/answer, trickle, data channels, renegotiation,
// ICE restart while data flows, rollback, errors, close and destruction from callbacks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <string>
#include <thread>

#include "peerconnection/peer_pair.h"

namespace parley::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int CountPrefix(const std::vector<std::string>& messages, const std::string& prefix) {
  return static_cast<int>(std::count_if(messages.begin(), messages.end(),
                                        [&](const auto& m) { return m.rfind(prefix, 0) == 0; }));
}

class PeerConnectionTest : public ::testing::TestWithParam<bool> {};

// Param: alice offers (true) or bob offers (false); the offerer creates the channel.
TEST_P(PeerConnectionTest, ConnectsAndEchoesOnADataChannelBothWays) {
  Peer alice("alice"), bob("bob");
  alice.TrickleTo(bob);
  bob.TrickleTo(alice);
  Peer& offerer = GetParam() ? alice : bob;
  Peer& answerer = GetParam() ? bob : alice;
  auto channel = offerer.pc().CreateDataChannel("chat").value();
  Peer::Watch(offerer.log_ptr(), channel, /*echo=*/true);
  EXPECT_EQ(channel->ready_state(), DataChannelState::kConnecting);
  ASSERT_TRUE(offerer.log().WaitFor([](PeerLog& l) { return l.negotiation_needed == 1; }));
  ASSERT_TRUE(Negotiate(offerer, answerer).ok());
  ASSERT_TRUE(offerer.WaitConnected());
  ASSERT_TRUE(answerer.WaitConnected());
  ASSERT_TRUE(offerer.log().WaitFor([](PeerLog& l) { return l.open_channels == 1; }));
  ASSERT_TRUE(answerer.log().WaitFor([](PeerLog& l) { return l.remote_channels.size() == 1; }));
  auto remote = answerer.log().remote_channels[0];
  EXPECT_EQ(remote->label(), "chat");
  ASSERT_TRUE(channel->Send("ping 1").ok());
  ASSERT_TRUE(remote->Send("ping 2").ok());
  EXPECT_TRUE(offerer.log().WaitFor(
      [](PeerLog& l) { return CountPrefix(l.messages, "echo:ping 1") == 1; }));
  EXPECT_TRUE(answerer.log().WaitFor(
      [](PeerLog& l) { return CountPrefix(l.messages, "echo:ping 2") == 1; }));
  EXPECT_EQ(offerer.pc().signaling_state(), SignalingState::kStable);
  EXPECT_EQ(answerer.pc().signaling_state(), SignalingState::kStable);
  EXPECT_TRUE(offerer.pc().current_local_description().has_value());
  EXPECT_FALSE(offerer.pc().pending_local_description().has_value());
}

INSTANTIATE_TEST_SUITE_P(EitherOffers, PeerConnectionTest, ::testing::Bool());

TEST(PeerConnection, StatsHaveTheW3CTypes) {
  Peer alice("alice"), bob("bob");
  alice.TrickleTo(bob);
  bob.TrickleTo(alice);
  auto channel = alice.pc().CreateDataChannel("stats").value();
  Peer::Watch(alice.log_ptr(), channel, false);
  ASSERT_TRUE(Negotiate(alice, bob).ok());
  ASSERT_TRUE(alice.log().WaitFor([](PeerLog& l) { return l.open_channels == 1; }));
  ASSERT_TRUE(channel->Send("hello").ok());
  ASSERT_TRUE(bob.log().WaitFor([](PeerLog& l) { return l.messages.size() == 1; }));
  auto report = alice.pc().GetStats().get();
  ASSERT_TRUE(report.ok());
  for (const char* type : {"peer-connection", "transport", "candidate-pair", "local-candidate",
                           "remote-candidate", "certificate", "data-channel"}) {
    EXPECT_FALSE(report->OfType(type).empty()) << type;
  }
  const Stats* transport = report->OfType("transport").front();
  EXPECT_EQ(transport->String("dtlsState"), "connected");
  ASSERT_TRUE(transport->String("selectedCandidatePairId").has_value());
  const Stats* pair = report->Find(*transport->String("selectedCandidatePairId"));
  ASSERT_NE(pair, nullptr);
  EXPECT_EQ(pair->String("state"), "succeeded");
  const Stats* local = report->Find(*pair->String("localCandidateId"));
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->String("address"), "127.0.0.1");
  const Stats* dc = report->OfType("data-channel").front();
  EXPECT_EQ(dc->String("label"), "stats");
  EXPECT_EQ(dc->Number("messagesSent"), 1);
  EXPECT_THAT(report->ToJson(), HasSubstr("\"candidate-pair\""));
}

TEST(PeerConnection, CandidatesBeforeTheRemoteDescriptionAreQueued) {
  Peer alice("alice"), bob("bob");
  // Bob's candidates are held back and delivered to alice before bob's answer.
  std::vector<IceCandidate> held;
  std::mutex held_mutex;
  alice.TrickleTo(bob);
  auto channel = alice.pc().CreateDataChannel("chat").value();
  Peer::Watch(alice.log_ptr(), channel, false);
  ASSERT_TRUE(alice.pc().SetLocalDescription().get().ok());
  ASSERT_TRUE(bob.pc().SetRemoteDescription(*alice.pc().local_description()).get().ok());
  // Bob answers; its candidates are gathered but alice has no remote description yet.
  ASSERT_TRUE(bob.pc().SetLocalDescription().get().ok());
  ASSERT_TRUE(bob.log().WaitFor([](PeerLog& l) { return l.gathering_complete; }));
  // Take bob's candidates from its local description and add them to alice first.
  const std::string answer = bob.pc().local_description()->sdp;
  size_t at = 0;
  int added = 0;
  while ((at = answer.find("a=candidate:", at)) != std::string::npos) {
    const size_t end = answer.find("\r\n", at);
    IceCandidate candidate{answer.substr(at + 2, end - at - 2), "0", 0, std::nullopt};
    auto result = alice.pc().AddIceCandidate(candidate);
    (void)result;  // completes once the description arrives
    at = end;
    ++added;
  }
  ASSERT_GT(added, 0);
  // An answer without its candidates: only the queued ones can connect.
  std::string stripped;
  for (size_t pos = 0; pos < answer.size();) {
    const size_t end = answer.find("\r\n", pos);
    const std::string line = answer.substr(pos, end - pos);
    if (line.rfind("a=candidate:", 0) != 0 && line != "a=end-of-candidates")
      stripped += line + "\r\n";
    pos = end + 2;
  }
  ASSERT_TRUE(alice.pc().SetRemoteDescription({SdpType::kAnswer, stripped}).get().ok());
  EXPECT_TRUE(alice.WaitConnected());
  EXPECT_TRUE(alice.log().WaitFor([](PeerLog& l) { return l.open_channels == 1; }));
}

TEST(PeerConnection, DataChannelAddedLaterRenegotiatesAndOpens) {
  Peer alice("alice"), bob("bob");
  alice.TrickleTo(bob);
  bob.TrickleTo(alice);
  ASSERT_TRUE(alice.pc().AddTransceiver(MediaKind::kAudio).ok());
  ASSERT_TRUE(Negotiate(alice, bob).ok());
  ASSERT_TRUE(alice.WaitConnected());
  ASSERT_TRUE(bob.log().WaitFor([](PeerLog& l) { return l.tracks.size() == 1; }));
  EXPECT_EQ(bob.log().tracks[0].track->kind(), MediaKind::kAudio);
  const int needed_before = alice.log().negotiation_needed;
  auto channel = alice.pc().CreateDataChannel("late").value();
  Peer::Watch(alice.log_ptr(), channel, false);
  ASSERT_TRUE(alice.log().WaitFor(
      [needed_before](PeerLog& l) { return l.negotiation_needed == needed_before + 1; }));
  ASSERT_TRUE(Negotiate(alice, bob).ok());
  ASSERT_TRUE(alice.log().WaitFor([](PeerLog& l) { return l.open_channels == 1; }));
  ASSERT_TRUE(channel->Send("ping 7").ok());
  EXPECT_TRUE(
      alice.log().WaitFor([](PeerLog& l) { return CountPrefix(l.messages, "echo:ping 7") == 1; }));
  EXPECT_EQ(alice.pc().GetTransceivers().size(), 1u);
  EXPECT_EQ(alice.pc().GetTransceivers()[0]->mid(), "0");
}

TEST(PeerConnection, TracksNegotiateAddRemoveDirectionAndStop) {
  Peer alice("alice"), bob("bob");
  alice.TrickleTo(bob);
  bob.TrickleTo(alice);
  auto camera = MediaStreamTrack::Create(MediaKind::kVideo);
  auto sender = alice.pc().AddTrack(camera, {"stream-a"});
  ASSERT_TRUE(sender.ok());
  EXPECT_EQ(alice.pc().AddTrack(camera, {}).error().kind(), ErrorKind::kInvalidAccessError);
  ASSERT_TRUE(Negotiate(alice, bob).ok());
  ASSERT_TRUE(bob.log().WaitFor([](PeerLog& l) { return l.tracks.size() == 1; }));
  {
    std::lock_guard lock(bob.log().mutex);
    EXPECT_EQ(bob.log().tracks[0].track->kind(), MediaKind::kVideo);
    EXPECT_EQ(bob.log().tracks[0].stream_ids, std::vector<std::string>{"stream-a"});
    EXPECT_EQ(bob.log().tracks[0].transceiver->current_direction(),
              TransceiverDirection::kRecvOnly);
  }
  EXPECT_EQ((*sender)->current_direction(), TransceiverDirection::kSendOnly);
  ASSERT_FALSE((*sender)->negotiated_codecs().empty());
  EXPECT_EQ((*sender)->negotiated_codecs()[0].mime_type, "video/VP9");

  // removeTrack: sendrecv -> recvonly; renegotiation follows negotiationneeded.
  const int needed = alice.log().negotiation_needed;
  ASSERT_TRUE(alice.pc().RemoveTrack(*sender).ok());
  EXPECT_EQ((*sender)->direction(), TransceiverDirection::kRecvOnly);
  EXPECT_EQ((*sender)->sender_track(), nullptr);
  ASSERT_TRUE(
      alice.log().WaitFor([needed](PeerLog& l) { return l.negotiation_needed == needed + 1; }));
  ASSERT_TRUE(Negotiate(alice, bob).ok());
  EXPECT_EQ((*sender)->current_direction(), TransceiverDirection::kInactive);

  // A direction of "stopped" is a TypeError; stop() rejects the m-section for good.
  EXPECT_EQ((*sender)->SetDirection(TransceiverDirection::kStopped).error().kind(),
            ErrorKind::kTypeError);
  ASSERT_TRUE((*sender)->Stop().ok());
  ASSERT_TRUE(Negotiate(alice, bob).ok());
  EXPECT_THAT(alice.pc().local_description()->sdp, HasSubstr("m=video 0 "));
  EXPECT_TRUE(alice.pc().GetTransceivers().empty());
  EXPECT_EQ((*sender)->SetDirection(TransceiverDirection::kSendRecv).error().kind(),
            ErrorKind::kInvalidStateError);
}

// Param: restart through restartIce() + the implicit offer (true), or through an explicit
// createOffer({iceRestart: true}) given to setLocalDescription (false).
class IceRestartTest : public ::testing::TestWithParam<bool> {};

TEST_P(IceRestartTest, WhileDataFlowsLosesNoMessage) {
  Peer alice("alice"), bob("bob");
  alice.TrickleTo(bob);
  bob.TrickleTo(alice);
  auto channel = alice.pc().CreateDataChannel("flow").value();
  Peer::Watch(alice.log_ptr(), channel, false);
  ASSERT_TRUE(Negotiate(alice, bob).ok());
  ASSERT_TRUE(alice.log().WaitFor([](PeerLog& l) { return l.open_channels == 1; }));
  const std::string ufrag_before = [&] {
    auto report = alice.pc().GetStats().get().value();
    return *report.OfType("transport").front()->String("iceLocalUsernameFragment");
  }();
  constexpr int kMessages = 400;
  std::atomic<bool> restarted{false};
  std::thread sender([&] {
    for (int i = 0; i < kMessages; ++i) {
      ASSERT_TRUE(channel->Send("m" + std::to_string(i)).ok());
      if (i == kMessages / 4) {
        if (GetParam()) {
          alice.pc().RestartIce();
          ASSERT_TRUE(Negotiate(alice, bob).ok());
        } else {
          auto offer = alice.pc().CreateOffer({.ice_restart = true}).get();
          ASSERT_TRUE(offer.ok());
          ASSERT_TRUE(alice.pc().SetLocalDescription(*offer).get().ok());
          ASSERT_TRUE(bob.pc().SetRemoteDescription(*offer).get().ok());
          ASSERT_TRUE(bob.pc().SetLocalDescription().get().ok());
          ASSERT_TRUE(alice.pc().SetRemoteDescription(*bob.pc().local_description()).get().ok());
        }
        restarted = true;
      }
    }
  });
  sender.join();
  ASSERT_TRUE(restarted);
  ASSERT_TRUE(bob.log().WaitFor([](PeerLog& l) { return l.messages.size() == kMessages; }));
  for (int i = 0; i < kMessages; ++i)
    EXPECT_EQ(bob.log().messages[i], "m" + std::to_string(i));
  auto report = alice.pc().GetStats().get().value();
  EXPECT_NE(*report.OfType("transport").front()->String("iceLocalUsernameFragment"), ufrag_before);
  EXPECT_THAT(alice.pc().local_description()->sdp, Not(HasSubstr("a=ice-ufrag:" + ufrag_before)));
  // Still connected on the new session, and data keeps flowing.
  ASSERT_TRUE(channel->Send("after").ok());
  EXPECT_TRUE(bob.log().WaitFor([](PeerLog& l) { return l.messages.size() == kMessages + 1; }));
}

INSTANTIATE_TEST_SUITE_P(Either, IceRestartTest, ::testing::Bool());

TEST(PeerConnection, RollbackOfALocalOfferReturnsToStable) {
  Peer alice("alice");
  ASSERT_TRUE(alice.pc().CreateDataChannel("x").ok());
  ASSERT_TRUE(alice.pc().SetLocalDescription().get().ok());
  EXPECT_EQ(alice.pc().signaling_state(), SignalingState::kHaveLocalOffer);
  ASSERT_TRUE(
      alice.pc().SetLocalDescription(SessionDescription{SdpType::kRollback, ""}).get().ok());
  EXPECT_EQ(alice.pc().signaling_state(), SignalingState::kStable);
  EXPECT_FALSE(alice.pc().local_description().has_value());
  // A fresh offer still works.
  Peer bob("bob");
  alice.TrickleTo(bob);
  bob.TrickleTo(alice);
  ASSERT_TRUE(Negotiate(alice, bob).ok());
  EXPECT_TRUE(alice.WaitConnected());
}

TEST(PeerConnection, RollbackOfARemoteOfferRemovesItsTransceivers) {
  Peer alice("alice"), bob("bob");
  ASSERT_TRUE(alice.pc().AddTransceiver(MediaKind::kVideo).ok());
  ASSERT_TRUE(alice.pc().SetLocalDescription().get().ok());
  ASSERT_TRUE(bob.pc().SetRemoteDescription(*alice.pc().local_description()).get().ok());
  EXPECT_EQ(bob.pc().GetTransceivers().size(), 1u);
  ASSERT_TRUE(bob.pc().SetRemoteDescription({SdpType::kRollback, ""}).get().ok());
  EXPECT_EQ(bob.pc().signaling_state(), SignalingState::kStable);
  EXPECT_TRUE(bob.pc().GetTransceivers().empty());
}

TEST(PeerConnection, WrongStateAndBadInputGetClearErrorsAndLeaveTheConnectionWorking) {
  Peer alice("alice"), bob("bob");
  alice.TrickleTo(bob);
  bob.TrickleTo(alice);
  // Wrong state.
  auto answer = alice.pc().CreateAnswer().get();
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().kind(), ErrorKind::kInvalidStateError);
  auto early_answer = alice.pc().SetRemoteDescription({SdpType::kAnswer, "v=0\r\n"}).get();
  ASSERT_FALSE(early_answer.ok());
  // Malformed SDP names its line.
  auto malformed = alice.pc().SetRemoteDescription({SdpType::kOffer, "v=0\r\nbogus\r\n"}).get();
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().kind(), ErrorKind::kSyntaxError);
  EXPECT_THAT(malformed.error().message(), HasSubstr("line 2"));

  auto channel = alice.pc().CreateDataChannel("chat").value();
  Peer::Watch(alice.log_ptr(), channel, true);
  ASSERT_TRUE(Negotiate(alice, bob).ok());
  ASSERT_TRUE(alice.log().WaitFor([](PeerLog& l) { return l.open_channels == 1; }));
  // After connecting: a candidate for an unknown mid, a malformed candidate, a description in
  // the wrong state.
  auto unknown_mid = alice.pc()
                         .AddIceCandidate({"candidate:1 1 udp 2122260223 127.0.0.1 9 typ host",
                                           "no-such-mid", std::nullopt, std::nullopt})
                         .get();
  ASSERT_FALSE(unknown_mid.ok());
  EXPECT_EQ(unknown_mid.error().kind(), ErrorKind::kOperationError);
  auto bad_candidate =
      alice.pc().AddIceCandidate({"candidate:garbage", "0", 0, std::nullopt}).get();
  ASSERT_FALSE(bad_candidate.ok());
  EXPECT_EQ(bad_candidate.error().kind(), ErrorKind::kSyntaxError);
  auto stale_answer = alice.pc().SetRemoteDescription(*bob.pc().local_description()).get();
  ASSERT_FALSE(stale_answer.ok());
  EXPECT_EQ(stale_answer.error().kind(), ErrorKind::kInvalidStateError);
  EXPECT_THAT(stale_answer.error().message(), HasSubstr("stable"));
  // Still working.
  ASSERT_TRUE(bob.log().WaitFor([](PeerLog& l) { return l.remote_channels.size() == 1; }));
  ASSERT_TRUE(bob.log().remote_channels[0]->Send("ping 9").ok());
  EXPECT_TRUE(
      bob.log().WaitFor([](PeerLog& l) { return CountPrefix(l.messages, "echo:ping 9") == 1; }));
  EXPECT_EQ(alice.pc().connection_state(), PeerConnectionState::kConnected);
}

TEST(PeerConnection, AWrongFingerprintFailsTheConnection) {
  Peer alice("alice"), bob("bob");
  alice.TrickleTo(bob);
  bob.TrickleTo(alice);
  ASSERT_TRUE(alice.pc().CreateDataChannel("chat").ok());
  ASSERT_TRUE(alice.pc().SetLocalDescription().get().ok());
  ASSERT_TRUE(bob.pc().SetRemoteDescription(*alice.pc().local_description()).get().ok());
  ASSERT_TRUE(bob.pc().SetLocalDescription().get().ok());
  std::string answer = bob.pc().local_description()->sdp;
  // Another certificate's fingerprint in place of bob's.
  const std::string other = Certificate::Generate().value().fingerprints()[0];
  const size_t at = answer.find("a=fingerprint:");
  ASSERT_NE(at, std::string::npos);
  answer.replace(at + 14, answer.find("\r\n", at) - at - 14, other);
  ASSERT_TRUE(alice.pc().SetRemoteDescription({SdpType::kAnswer, answer}).get().ok());
  EXPECT_TRUE(alice.log().WaitFor([](PeerLog& l) {
    return !l.states.empty() && l.states.back() == PeerConnectionState::kFailed;
  }));
}

TEST(PeerConnection, CloseIsPromptAndSilencesCallbacks) {
  Peer alice("alice"), bob("bob");
  alice.TrickleTo(bob);
  bob.TrickleTo(alice);
  auto channel = alice.pc().CreateDataChannel("chat").value();
  ASSERT_TRUE(Negotiate(alice, bob).ok());
  ASSERT_TRUE(alice.WaitConnected());
  alice.pc().Close();
  alice.pc().Close();  // idempotent
  EXPECT_EQ(alice.pc().signaling_state(), SignalingState::kClosed);
  EXPECT_EQ(alice.pc().connection_state(), PeerConnectionState::kClosed);
  auto offer = alice.pc().CreateOffer().get();
  ASSERT_FALSE(offer.ok());
  EXPECT_EQ(offer.error().kind(), ErrorKind::kInvalidStateError);
  EXPECT_FALSE(alice.pc().CreateDataChannel("late").ok());
}

TEST(PeerConnection, MayBeDestroyedFromItsOwnCallback) {
  auto peer = std::make_shared<Peer>("alice");
  Peer bob("bob");
  std::promise<void> destroyed;
  std::shared_ptr<PeerConnection> holder = peer->pc_ptr();
  peer->pc_ptr().reset();
  // The only reference left is `holder`, released inside the state callback via a channel.
  auto pc_holder = std::make_shared<std::shared_ptr<PeerConnection>>(holder);
  holder.reset();
  ASSERT_TRUE((*pc_holder)->CreateDataChannel("x").ok());
  std::atomic<bool> done{false};
  (*pc_holder)->CreateOffer({}, [pc_holder, &done, &destroyed](Result<SessionDescription>) {
    pc_holder->reset();  // the last reference: destroyed here, on the callback thread
    done = true;
    destroyed.set_value();
  });
  ASSERT_EQ(destroyed.get_future().wait_for(kWait), std::future_status::ready);
  EXPECT_TRUE(done);
}

}  // namespace
}  // namespace parley::testing
