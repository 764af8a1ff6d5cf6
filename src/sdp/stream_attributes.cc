// group, msid, ssrc, ssrc-group and rid values.
#include <algorithm>

#include "sdp/attributes.h"
#include "sdp/text.h"

namespace parley::sdp {
namespace {

std::optional<uint32_t> ParseSsrc(std::string_view text) {
  const auto value = ParseDecimal(text, UINT32_MAX);
  if (!value) return std::nullopt;
  return static_cast<uint32_t>(*value);
}

// RFC 8851 §10: rid-id = 1*(alpha-numeric / "-" / "_").
bool IsRidId(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
  });
}

}  // namespace

// RFC 5888 §5: group-attribute = "a=group:" semantics *(SP identification-tag).
Result<Group> Group::Parse(std::string_view value) {
  const std::vector<std::string_view> fields = SplitFields(value);
  if (fields.empty()) return InvalidAttribute("group", value, "no semantics");
  Group group{std::string(fields[0]), {}};
  for (size_t i = 1; i < fields.size(); ++i)
    group.mids.emplace_back(fields[i]);
  return group;
}

std::string Group::ToString() const {
  std::string out = semantics;
  for (const std::string& mid : mids)
    out += ' ' + mid;
  return out;
}

// RFC 8830 §2: msid-value = msid-id [ SP msid-appdata ].
Result<Msid> Msid::Parse(std::string_view value) {
  const std::vector<std::string_view> fields = SplitFields(value);
  if (fields.empty()) return InvalidAttribute("msid", value, "no stream id");
  if (fields.size() > 2) return InvalidAttribute("msid", value, "more than two fields");
  return Msid{std::string(fields[0]), fields.size() == 2 ? std::string(fields[1]) : ""};
}

std::string Msid::ToString() const {
  return track_id.empty() ? stream_id : stream_id + ' ' + track_id;
}

// RFC 5576 §4.1: ssrc-attr = "ssrc:" ssrc-id SP attribute, attribute = name [":" value].
Result<SsrcAttribute> SsrcAttribute::Parse(std::string_view value) {
  auto invalid = [&](std::string_view why) { return InvalidAttribute("ssrc", value, why); };
  const auto [ssrc_text, rest] = SplitFirstField(value);
  const auto ssrc = ParseSsrc(ssrc_text);
  if (!ssrc) return invalid("SSRC is not a 32-bit number");
  const size_t colon = rest.find(':');
  const std::string_view attribute = rest.substr(0, colon);
  if (attribute.empty()) return invalid("no source attribute");
  SsrcAttribute out{*ssrc, std::string(attribute), {}};
  if (colon != std::string_view::npos) out.value = std::string(rest.substr(colon + 1));
  return out;
}

std::string SsrcAttribute::ToString() const {
  std::string out = std::to_string(ssrc) + ' ' + attribute;
  if (!value.empty()) out += ':' + value;
  return out;
}

// RFC 5576 §4.2: ssrc-group-attr = "ssrc-group:" semantics *(SP ssrc-id).
Result<SsrcGroup> SsrcGroup::Parse(std::string_view value) {
  const std::vector<std::string_view> fields = SplitFields(value);
  if (fields.empty()) return InvalidAttribute("ssrc-group", value, "no semantics");
  SsrcGroup group{std::string(fields[0]), {}};
  for (size_t i = 1; i < fields.size(); ++i) {
    const auto ssrc = ParseSsrc(fields[i]);
    if (!ssrc) return InvalidAttribute("ssrc-group", value, "SSRC is not a 32-bit number");
    group.ssrcs.push_back(*ssrc);
  }
  return group;
}

std::string SsrcGroup::ToString() const {
  std::string out = semantics;
  for (uint32_t ssrc : ssrcs)
    out += ' ' + std::to_string(ssrc);
  return out;
}

// RFC 8851 §10: rid-syntax = "a=rid:" rid-id SP rid-dir [ rid-pt-param-list / rid-param-list ].
Result<Rid> Rid::Parse(std::string_view value) {
  auto invalid = [&](std::string_view why) { return InvalidAttribute("rid", value, why); };
  const auto [id, rest] = SplitFirstField(value);
  if (!IsRidId(id)) return invalid("id is not letters, digits, '-' and '_'");
  const auto [direction, restrictions] = SplitFirstField(rest);
  if (direction != "send" && direction != "recv") return invalid("direction is not send or recv");
  return Rid{std::string(id), std::string(direction), std::string(restrictions)};
}

std::string Rid::ToString() const {
  std::string out = id + ' ' + direction;
  if (!restrictions.empty()) out += ' ' + restrictions;
  return out;
}

}  // namespace parley::sdp
