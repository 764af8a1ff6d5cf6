// The JSON signaling messages the examples exchange through parley-signal, one per WebSocket
// text frame (docs/signaling.md):
//
//   {"type":"offer",  "sdp":"v=0\r\n..."}
//   {"type":"answer", "sdp":"v=0\r\n..."}
//   {"type":"candidate", "candidate":"candidate:1 1 udp ...", "sdpMid":"0", "sdpMLineIndex":0}
//   {"type":"candidate", "candidate":null}          (end of candidates)
//   {"type":"bye"}
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley::examples {

struct SignalingMessage {
  enum class Type { kOffer, kAnswer, kCandidate, kEndOfCandidates, kBye, kUnknown };

  Type type = Type::kUnknown;
  std::string sdp;        // kOffer, kAnswer.
  std::string candidate;  // kCandidate: the RFC 8839 "candidate:..." attribute, without "a=".
  // kCandidate and kEndOfCandidates (as RTCIceCandidateInit); absent when null or missing.
  std::optional<std::string> sdp_mid;
  std::optional<int> sdp_mline_index;

  bool operator==(const SignalingMessage&) const = default;
};

// nullopt for text that is not a JSON object, has no string "type", lacks a field its type needs
// ("sdp" for offer/answer, "candidate" for candidate) or has a field of the wrong type. An
// unknown "type" parses as kUnknown (receivers ignore it). A "candidate" that is null or "" (as
// the W3C API signals the end of candidates) parses as kEndOfCandidates. Never throws.
std::optional<SignalingMessage> ParseSignalingMessage(std::string_view text);

// The message as compact JSON with "type" first; kEndOfCandidates has "candidate":null and
// kUnknown is {"type":"unknown"}. sdpMid/sdpMLineIndex appear only when set. Never throws
// (invalid UTF-8 is replaced by U+FFFD).
std::string ToJson(const SignalingMessage& message);

// Shorthands for the messages the examples send.
SignalingMessage OfferMessage(std::string sdp);
SignalingMessage AnswerMessage(std::string sdp);
SignalingMessage CandidateMessage(std::string candidate, std::optional<std::string> sdp_mid,
                                  std::optional<int> sdp_mline_index);
SignalingMessage EndOfCandidatesMessage();
SignalingMessage ByeMessage();

}  // namespace parley::examples
