#include "signaling/signaling_message.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

namespace parley::examples {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// Optional fields: absent and null mean "not given"; any other type than `T` is malformed.
bool ReadOptionalString(const Json& object, const char* key, std::optional<std::string>& out) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

bool ReadOptionalIndex(const Json& object, const char* key, std::optional<int>& out) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return true;
  if (it->is_number_unsigned()) {
    const auto value = it->get<uint64_t>();
    if (value > static_cast<uint64_t>(std::numeric_limits<int>::max())) return false;
    out = static_cast<int>(value);
    return true;
  }
  return false;  // Negative, fractional or not a number: RTCIceCandidateInit has an unsigned short.
}

std::optional<SignalingMessage> ParseCandidate(const Json& object) {
  const auto candidate = object.find("candidate");
  if (candidate == object.end()) return std::nullopt;
  SignalingMessage message;
  if (candidate->is_null()) {
    message.type = SignalingMessage::Type::kEndOfCandidates;
  } else if (candidate->is_string()) {
    message.candidate = candidate->get<std::string>();
    message.type = message.candidate.empty() ? SignalingMessage::Type::kEndOfCandidates
                                             : SignalingMessage::Type::kCandidate;
  } else {
    return std::nullopt;
  }
  if (!ReadOptionalString(object, "sdpMid", message.sdp_mid) ||
      !ReadOptionalIndex(object, "sdpMLineIndex", message.sdp_mline_index)) {
    return std::nullopt;
  }
  return message;
}

std::optional<SignalingMessage> ParseDescription(const Json& object, SignalingMessage::Type type) {
  const auto sdp = object.find("sdp");
  if (sdp == object.end() || !sdp->is_string()) return std::nullopt;
  SignalingMessage message;
  message.type = type;
  message.sdp = sdp->get<std::string>();
  return message;
}

}  // namespace

std::optional<SignalingMessage> ParseSignalingMessage(std::string_view text) {
  // No exceptions: a parse error gives a "discarded" value.
  const Json object = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return std::nullopt;
  const auto type = object.find("type");
  if (type == object.end() || !type->is_string()) return std::nullopt;
  const std::string& name = type->get_ref<const std::string&>();
  if (name == "offer") return ParseDescription(object, SignalingMessage::Type::kOffer);
  if (name == "answer") return ParseDescription(object, SignalingMessage::Type::kAnswer);
  if (name == "candidate") return ParseCandidate(object);
  SignalingMessage message;
  message.type = name == "bye" ? SignalingMessage::Type::kBye : SignalingMessage::Type::kUnknown;
  return message;
}

std::string ToJson(const SignalingMessage& message) {
  OrderedJson object;
  switch (message.type) {
    case SignalingMessage::Type::kOffer:
    case SignalingMessage::Type::kAnswer:
      object["type"] = message.type == SignalingMessage::Type::kOffer ? "offer" : "answer";
      object["sdp"] = message.sdp;
      break;
    case SignalingMessage::Type::kCandidate:
    case SignalingMessage::Type::kEndOfCandidates:
      object["type"] = "candidate";
      if (message.type == SignalingMessage::Type::kCandidate) {
        object["candidate"] = message.candidate;
      } else {
        object["candidate"] = nullptr;
      }
      if (message.sdp_mid) object["sdpMid"] = *message.sdp_mid;
      if (message.sdp_mline_index) object["sdpMLineIndex"] = *message.sdp_mline_index;
      break;
    case SignalingMessage::Type::kBye:
      object["type"] = "bye";
      break;
    case SignalingMessage::Type::kUnknown:
      object["type"] = "unknown";
      break;
  }
  return object.dump(-1, ' ', /*ensure_ascii=*/false, OrderedJson::error_handler_t::replace);
}

SignalingMessage OfferMessage(std::string sdp) {
  SignalingMessage message;
  message.type = SignalingMessage::Type::kOffer;
  message.sdp = std::move(sdp);
  return message;
}

SignalingMessage AnswerMessage(std::string sdp) {
  SignalingMessage message;
  message.type = SignalingMessage::Type::kAnswer;
  message.sdp = std::move(sdp);
  return message;
}

SignalingMessage CandidateMessage(std::string candidate, std::optional<std::string> sdp_mid,
                                  std::optional<int> sdp_mline_index) {
  SignalingMessage message;
  message.type = SignalingMessage::Type::kCandidate;
  message.candidate = std::move(candidate);
  message.sdp_mid = std::move(sdp_mid);
  message.sdp_mline_index = sdp_mline_index;
  return message;
}

SignalingMessage EndOfCandidatesMessage() {
  SignalingMessage message;
  message.type = SignalingMessage::Type::kEndOfCandidates;
  return message;
}

SignalingMessage ByeMessage() {
  SignalingMessage message;
  message.type = SignalingMessage::Type::kBye;
  return message;
}

}  // namespace parley::examples
