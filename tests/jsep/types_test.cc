// The W3C strings and the offer/answer direction table (RFC 3264 §6.1, JSEP §5.3.1).
#include "jsep/types.h"

#include <gtest/gtest.h>

namespace parley::jsep {
namespace {

TEST(JsepTypes, SdpTypeStringsRoundTrip) {
  for (SdpType type : {SdpType::kOffer, SdpType::kPranswer, SdpType::kAnswer, SdpType::kRollback})
    EXPECT_EQ(ParseSdpType(ToString(type)), type);
  EXPECT_EQ(ToString(SdpType::kPranswer), "pranswer");
  EXPECT_EQ(ParseSdpType("Offer"), std::nullopt);
  EXPECT_EQ(ParseSdpType(""), std::nullopt);
}

TEST(JsepTypes, SignalingStateStringsAreW3c) {
  EXPECT_EQ(ToString(SignalingState::kStable), "stable");
  EXPECT_EQ(ToString(SignalingState::kHaveLocalOffer), "have-local-offer");
  EXPECT_EQ(ToString(SignalingState::kHaveRemoteOffer), "have-remote-offer");
  EXPECT_EQ(ToString(SignalingState::kHaveLocalPranswer), "have-local-pranswer");
  EXPECT_EQ(ToString(SignalingState::kHaveRemotePranswer), "have-remote-pranswer");
  EXPECT_EQ(ToString(SignalingState::kClosed), "closed");
}

TEST(JsepTypes, DirectionStrings) {
  EXPECT_EQ(ToString(Direction::kSendRecv), "sendrecv");
  EXPECT_EQ(ToString(Direction::kSendOnly), "sendonly");
  EXPECT_EQ(ToString(Direction::kRecvOnly), "recvonly");
  EXPECT_EQ(ToString(Direction::kInactive), "inactive");
  EXPECT_EQ(ToString(Direction::kStopped), "stopped");
  EXPECT_EQ(ToString(MediaKind::kVideo), "video");
}

TEST(JsepTypes, ReverseSwapsSendAndReceive) {
  EXPECT_EQ(Reverse(Direction::kSendOnly), Direction::kRecvOnly);
  EXPECT_EQ(Reverse(Direction::kRecvOnly), Direction::kSendOnly);
  EXPECT_EQ(Reverse(Direction::kSendRecv), Direction::kSendRecv);
  EXPECT_EQ(Reverse(Direction::kInactive), Direction::kInactive);
  EXPECT_EQ(Reverse(Direction::kStopped), Direction::kStopped);
}

// Every (our transceiver's direction, offered direction) pair.
TEST(JsepTypes, AnswerDirectionTable) {
  using D = Direction;
  struct Row {
    D ours, offered, answer;
  };
  const Row table[] = {
      {D::kSendRecv, D::kSendRecv, D::kSendRecv}, {D::kSendRecv, D::kSendOnly, D::kRecvOnly},
      {D::kSendRecv, D::kRecvOnly, D::kSendOnly}, {D::kSendRecv, D::kInactive, D::kInactive},
      {D::kSendOnly, D::kSendRecv, D::kSendOnly}, {D::kSendOnly, D::kSendOnly, D::kInactive},
      {D::kSendOnly, D::kRecvOnly, D::kSendOnly}, {D::kSendOnly, D::kInactive, D::kInactive},
      {D::kRecvOnly, D::kSendRecv, D::kRecvOnly}, {D::kRecvOnly, D::kSendOnly, D::kRecvOnly},
      {D::kRecvOnly, D::kRecvOnly, D::kInactive}, {D::kRecvOnly, D::kInactive, D::kInactive},
      {D::kInactive, D::kSendRecv, D::kInactive}, {D::kInactive, D::kSendOnly, D::kInactive},
      {D::kInactive, D::kRecvOnly, D::kInactive}, {D::kInactive, D::kInactive, D::kInactive},
  };
  for (const Row& row : table)
    EXPECT_EQ(AnswerDirection(row.ours, row.offered), row.answer)
        << "ours " << row.ours << ", offered " << row.offered;
}

TEST(JsepTypes, SdpDirectionConversion) {
  for (Direction d :
       {Direction::kSendRecv, Direction::kSendOnly, Direction::kRecvOnly, Direction::kInactive})
    EXPECT_EQ(FromSdp(ToSdp(d)), d);
  EXPECT_EQ(ToSdp(Direction::kStopped), sdp::Direction::kInactive);
}

}  // namespace
}  // namespace parley::jsep
