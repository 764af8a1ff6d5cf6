// rtpmap, fmtp, rtcp-fb and extmap values.
#include "sdp/attributes.h"
#include "sdp/text.h"

namespace parley::sdp {

// RFC 8866 §6.6: <payload type> <encoding name>/<clock rate>[/<encoding parameters>].
Result<Rtpmap> Rtpmap::Parse(std::string_view value) {
  auto invalid = [&](std::string_view why) { return InvalidAttribute("rtpmap", value, why); };
  const std::vector<std::string_view> fields = SplitFields(value);
  if (fields.size() != 2) return invalid("expected \"<payload type> <encoding>/<clock rate>\"");
  Rtpmap rtpmap;
  const auto payload_type = ParsePayloadType(fields[0]);
  if (!payload_type) return invalid("payload type is not a number 0..127");
  rtpmap.payload_type = *payload_type;

  std::string_view rest = fields[1];
  const size_t slash = rest.find('/');
  if (slash == 0) return invalid("no encoding name");
  if (slash == std::string_view::npos) return invalid("no clock rate");
  rtpmap.encoding = std::string(rest.substr(0, slash));
  rest.remove_prefix(slash + 1);
  const size_t channel_slash = rest.find('/');
  const auto clock_rate = ParseDecimal(rest.substr(0, channel_slash), UINT32_MAX);
  if (!clock_rate) return invalid("clock rate is not a 32-bit number");
  rtpmap.clock_rate = static_cast<uint32_t>(*clock_rate);
  if (channel_slash != std::string_view::npos) {
    const auto channels = ParseDecimal(rest.substr(channel_slash + 1), UINT16_MAX);
    if (!channels) return invalid("channels is not a number up to 65535");
    rtpmap.channels = static_cast<uint16_t>(*channels);
  }
  return rtpmap;
}

std::string Rtpmap::ToString() const {
  std::string out =
      std::to_string(payload_type) + ' ' + encoding + '/' + std::to_string(clock_rate);
  if (channels) out += '/' + std::to_string(*channels);
  return out;
}

// RFC 8866 §6.15: <format> <format specific parameters>; the parameters' syntax is each
// format's, but "key=value" pairs separated by ';' is what every RTP payload format uses.
Result<Fmtp> Fmtp::Parse(std::string_view value) {
  const auto [format, parameters] = SplitFirstField(value);
  Fmtp fmtp;
  const auto payload_type = ParsePayloadType(format);
  if (!payload_type) return InvalidAttribute("fmtp", value, "payload type is not a number 0..127");
  fmtp.payload_type = *payload_type;
  std::string_view rest = parameters;
  while (!rest.empty()) {
    const size_t semicolon = rest.find(';');
    const std::string_view parameter = Trim(rest.substr(0, semicolon));
    rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
    if (parameter.empty()) continue;
    const size_t equals = parameter.find('=');
    if (equals == std::string_view::npos) {
      fmtp.parameters.emplace_back(std::string(parameter), std::string());
      continue;
    }
    const std::string_view key = Trim(parameter.substr(0, equals));
    const std::string_view parameter_value = Trim(parameter.substr(equals + 1));
    if (key.empty() && parameter_value.empty()) continue;  // a lone "=" says nothing
    fmtp.parameters.emplace_back(std::string(key), std::string(parameter_value));
  }
  return fmtp;
}

std::optional<std::string_view> Fmtp::Get(std::string_view key) const {
  for (const auto& [name, value] : parameters) {
    if (EqualsIgnoreCase(name, key)) return std::string_view(value);
  }
  return std::nullopt;
}

std::string Fmtp::ToString() const {
  std::string out = std::to_string(payload_type);
  for (size_t i = 0; i < parameters.size(); ++i) {
    out += i == 0 ? ' ' : ';';
    out += parameters[i].first;
    if (!parameters[i].second.empty()) out += '=' + parameters[i].second;
  }
  return out;
}

// RFC 4585 §4.2: rtcp-fb-pt SP rtcp-fb-val, where rtcp-fb-val is a type ("ack", "nack",
// "trr-int", "ccm", an extension token) and an optional parameter.
Result<RtcpFb> RtcpFb::Parse(std::string_view value) {
  auto invalid = [&](std::string_view why) { return InvalidAttribute("rtcp-fb", value, why); };
  const auto [payload_type, rest] = SplitFirstField(value);
  if (payload_type != "*" && !ParsePayloadType(payload_type))
    return invalid("payload type is neither \"*\" nor a number 0..127");
  const auto [type, parameter] = SplitFirstField(rest);
  if (type.empty()) return invalid("no feedback type");
  return RtcpFb{std::string(payload_type), std::string(type), std::string(parameter)};
}

std::string RtcpFb::ToString() const {
  std::string out = payload_type + ' ' + type;
  if (!parameter.empty()) out += ' ' + parameter;
  return out;
}

// RFC 8285 §8: <value>["/"<direction>] SP <URI> [SP <extensionattributes>].
Result<Extmap> Extmap::Parse(std::string_view value) {
  auto invalid = [&](std::string_view why) { return InvalidAttribute("extmap", value, why); };
  const auto [id_and_direction, rest] = SplitFirstField(value);
  Extmap extmap;
  const size_t slash = id_and_direction.find('/');
  const auto id = ParseDecimal(id_and_direction.substr(0, slash), 4095);
  if (!id || *id == 0) return invalid("id is not a number 1..4095");
  extmap.id = static_cast<uint16_t>(*id);
  if (slash != std::string_view::npos) {
    extmap.direction = ParseDirection(id_and_direction.substr(slash + 1));
    if (!extmap.direction) return invalid("unknown direction");
  }
  const auto [uri, extension_attributes] = SplitFirstField(rest);
  if (uri.empty()) return invalid("no URI");
  extmap.uri = std::string(uri);
  extmap.extension_attributes = std::string(extension_attributes);
  return extmap;
}

std::string Extmap::ToString() const {
  std::string out = std::to_string(id);
  if (direction) out += '/' + std::string(sdp::ToString(*direction));
  out += ' ' + uri;
  if (!extension_attributes.empty()) out += ' ' + extension_attributes;
  return out;
}

}  // namespace parley::sdp
