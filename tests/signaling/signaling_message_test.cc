// The JSON signaling messages (examples/signaling/signaling_message.h): each of the five kinds
// both ways, the end-of-candidates forms, unknown types, and malformed input.
#include "signaling/signaling_message.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace parley::examples {
namespace {

using Type = SignalingMessage::Type;

constexpr const char* kSdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
constexpr const char* kCandidate = "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host";

// Compares JSON texts as values (key order and spacing aside).
nlohmann::json AsJson(const std::string& text) {
  return nlohmann::json::parse(text);
}

TEST(SignalingMessageTest, ParsesOffer) {
  const auto message = ParseSignalingMessage(
      R"({"type":"offer","sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"})");
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->type, Type::kOffer);
  EXPECT_EQ(message->sdp, kSdp);
}

TEST(SignalingMessageTest, ParsesAnswer) {
  const auto message = ParseSignalingMessage(R"({"sdp":"v=0\r\n","type":"answer"})");
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->type, Type::kAnswer);
  EXPECT_EQ(message->sdp, "v=0\r\n");
}

TEST(SignalingMessageTest, ParsesCandidateWithMidAndIndex) {
  const auto message = ParseSignalingMessage(
      R"({"type":"candidate","candidate":"candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host","sdpMid":"0","sdpMLineIndex":0})");
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->type, Type::kCandidate);
  EXPECT_EQ(message->candidate, kCandidate);
  EXPECT_EQ(message->sdp_mid, "0");
  EXPECT_EQ(message->sdp_mline_index, 0);
}

TEST(SignalingMessageTest, ParsesCandidateWithoutOptionalFields) {
  // What a browser's RTCIceCandidate.toJSON() may give: nulls, an extra usernameFragment.
  const auto message = ParseSignalingMessage(
      R"({"type":"candidate","candidate":"candidate:1 1 udp 1 ::1 9 typ host","sdpMid":null,"sdpMLineIndex":null,"usernameFragment":"abcd"})");
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->type, Type::kCandidate);
  EXPECT_EQ(message->sdp_mid, std::nullopt);
  EXPECT_EQ(message->sdp_mline_index, std::nullopt);
}

TEST(SignalingMessageTest, NullCandidateIsEndOfCandidates) {
  const auto message = ParseSignalingMessage(R"({"type":"candidate","candidate":null})");
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->type, Type::kEndOfCandidates);
  EXPECT_TRUE(message->candidate.empty());
}

TEST(SignalingMessageTest, EmptyCandidateIsEndOfCandidates) {
  const auto message = ParseSignalingMessage(
      R"({"type":"candidate","candidate":"","sdpMid":"1","sdpMLineIndex":1})");
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->type, Type::kEndOfCandidates);
  EXPECT_EQ(message->sdp_mid, "1");
  EXPECT_EQ(message->sdp_mline_index, 1);
}

TEST(SignalingMessageTest, ParsesBye) {
  const auto message = ParseSignalingMessage(R"({"type":"bye"})");
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->type, Type::kBye);
}

TEST(SignalingMessageTest, UnknownTypeIsKeptAsUnknown) {
  const auto message = ParseSignalingMessage(R"({"type":"stats","framesDecoded":42})");
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->type, Type::kUnknown);
}

TEST(SignalingMessageTest, RejectsGarbage) {
  for (const char* text :
       {"", "not json", "{", "[1,2]", "\"offer\"", "42", "null", "{}", R"({"type":7})",
        R"({"type":null})", "{\"type\":\"bye\"} trailing", "\xff\xfe{}"}) {
    EXPECT_EQ(ParseSignalingMessage(text), std::nullopt) << text;
  }
}

TEST(SignalingMessageTest, RejectsMissingOrMistypedFields) {
  for (
      const char* text : {
          R"({"type":"offer"})",
          R"({"type":"answer","sdp":null})",
          R"({"type":"offer","sdp":5})",
          R"({"type":"candidate"})",
          R"({"type":"candidate","candidate":7})",
          R"({"type":"candidate","candidate":"candidate:1 1 udp 1 ::1 9 typ host","sdpMid":0})",
          R"({"type":"candidate","candidate":"candidate:1 1 udp 1 ::1 9 typ host","sdpMLineIndex":-1})",
          R"({"type":"candidate","candidate":"candidate:1 1 udp 1 ::1 9 typ host","sdpMLineIndex":0.5})",
          R"({"type":"candidate","candidate":"candidate:1 1 udp 1 ::1 9 typ host","sdpMLineIndex":"0"})",
          R"({"type":"candidate","candidate":"candidate:1 1 udp 1 ::1 9 typ host","sdpMLineIndex":4294967296})",
      }) {
    EXPECT_EQ(ParseSignalingMessage(text), std::nullopt) << text;
  }
}

TEST(SignalingMessageTest, SurvivesDeepNesting) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(ParseSignalingMessage(deep), std::nullopt);
  const std::string deep_field =
      R"({"type":"bye","x":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  const auto message = ParseSignalingMessage(deep_field);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->type, Type::kBye);
}

TEST(SignalingMessageTest, EmitsEachKind) {
  EXPECT_EQ(ToJson(OfferMessage(kSdp)),
            R"({"type":"offer","sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"})");
  EXPECT_EQ(ToJson(AnswerMessage("v=0\r\n")), R"({"type":"answer","sdp":"v=0\r\n"})");
  EXPECT_EQ(ToJson(CandidateMessage(kCandidate, "0", 0)),
            R"({"type":"candidate","candidate":")" + std::string(kCandidate) +
                R"(","sdpMid":"0","sdpMLineIndex":0})");
  EXPECT_EQ(ToJson(CandidateMessage(kCandidate, std::nullopt, std::nullopt)),
            R"({"type":"candidate","candidate":")" + std::string(kCandidate) + R"("})");
  EXPECT_EQ(ToJson(EndOfCandidatesMessage()), R"({"type":"candidate","candidate":null})");
  EXPECT_EQ(ToJson(ByeMessage()), R"({"type":"bye"})");
  EXPECT_EQ(ToJson(SignalingMessage{}), R"({"type":"unknown"})");
}

TEST(SignalingMessageTest, EachKindRoundTrips) {
  SignalingMessage end_with_mid = EndOfCandidatesMessage();
  end_with_mid.sdp_mid = "audio";
  end_with_mid.sdp_mline_index = 3;
  for (const SignalingMessage& message :
       {OfferMessage(kSdp), AnswerMessage(kSdp), CandidateMessage(kCandidate, "0", 0),
        CandidateMessage(kCandidate, std::nullopt, 1), EndOfCandidatesMessage(), end_with_mid,
        ByeMessage()}) {
    const std::string json = ToJson(message);
    EXPECT_EQ(ParseSignalingMessage(json), message) << json;
  }
}

TEST(SignalingMessageTest, KeepsUnicodeAndReplacesInvalidUtf8) {
  const std::string sdp = "v=0\r\ns=Grüße ☃ 🎥\r\n";
  const std::string json = ToJson(OfferMessage(sdp));
  EXPECT_NE(json.find("Grüße ☃ 🎥"), std::string::npos) << json;  // Not \u-escaped.
  EXPECT_EQ(ParseSignalingMessage(json)->sdp, sdp);

  const std::string broken = ToJson(OfferMessage("s=\xff\xfe\r\n"));
  const auto parsed = ParseSignalingMessage(broken);
  ASSERT_TRUE(parsed.has_value()) << broken;
  EXPECT_EQ(parsed->sdp, "s=\xEF\xBF\xBD\xEF\xBF\xBD\r\n");  // Two U+FFFD.
  EXPECT_EQ(AsJson(broken)["type"], "offer");
}

}  // namespace
}  // namespace parley::examples
