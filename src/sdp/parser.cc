// The SDP parser (RFC 8866 §5, §9). Lines are filed by where they stand: each section moves
// through phases (before c=, after c=/b=, after t= at session level, attributes) and a line with
// no field of its own goes to the list of the phase it appears in, so order is kept.
#include <algorithm>

#include "sdp/session_description.h"
#include "sdp/text.h"

namespace parley::sdp {
namespace {

struct NumberedLine {
  size_t number;  // 1-based
  std::string_view text;
};

std::string LineError(const NumberedLine& line, std::string_view why) {
  return "SDP line " + std::to_string(line.number) + " (" + Quote(line.text) +
         "): " + std::string(why);
}

bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 8866 §9: text is any byte but NUL, CR and LF; other controls but tab make no sense in a
// description and would let a peer smuggle surprises into logs, so they are refused too.
bool HasControlCharacter(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7f;
  });
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// Splits on LF, dropping one CR before each LF, and drops blank lines at the end.
Result<std::vector<NumberedLine>> SplitLines(std::string_view text) {
  std::vector<NumberedLine> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    const size_t next = end == std::string_view::npos ? text.size() : end + 1;
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (lines.size() == kMaxLines)
      return SyntaxError("SDP has more than " + std::to_string(kMaxLines) + " lines");
    lines.push_back(NumberedLine{lines.size() + 1, line});
    start = next;
  }
  while (!lines.empty() && IsBlank(lines.back().text))
    lines.pop_back();
  return lines;
}

enum class Phase { kBeforeConnection, kAfterConnection, kAfterTiming, kAttributes };

class Parser {
 public:
  Result<SessionDescription> Run(const std::vector<NumberedLine>& lines) {
    description_.timing.clear();
    if (lines.empty()) return SyntaxError("SDP is empty: no v= line");
    for (const NumberedLine& line : lines) {
      if (auto error = ParseLine(line)) return SyntaxError(std::move(*error));
    }
    if (!session_checked_) {
      const NumberedLine& last = lines.back();
      if (auto error = CheckSession(last, last.number)) return SyntaxError(std::move(*error));
    }
    return std::move(description_);
  }

 private:
  using MaybeError = std::optional<std::string>;

  MaybeError ParseLine(const NumberedLine& line) {
    const std::string_view text = line.text;
    if (IsBlank(text)) return LineError(line, "empty line");
    if (text.size() < 2 || !IsLetter(text[0]) || text[1] != '=')
      return LineError(line, "not of the form <letter>=<value>");
    if (HasControlCharacter(text)) return LineError(line, "control character in line");
    const char type = text[0];
    const std::string_view value = text.substr(2);

    if (line.number == 1) {
      if (type != 'v') return LineError(line, "the first line must be v=");
      if (value != "0") return LineError(line, "version must be 0");
      description_.version = 0;
      return std::nullopt;
    }
    if (type == 'v') return LineError(line, "repeated v= line");
    if (type == 'm') return StartMedia(line, value);
    if (type == 'a') {
      auto attribute = ParseAttribute(line, value);
      if (!attribute) return attribute.error().message();
      std::vector<Attribute>& attributes = media_ ? media_->attributes : description_.attributes;
      attributes.push_back(std::move(*attribute));
      phase_ = Phase::kAttributes;
      return std::nullopt;
    }
    return media_ ? ParseMediaLine(line, type, value) : ParseSessionLine(line, type, value);
  }

  MaybeError ParseSessionLine(const NumberedLine& line, char type, std::string_view value) {
    switch (type) {
      case 'o':
        if (have_origin_) return LineError(line, "repeated o= line");
        have_origin_ = true;
        return ParseOrigin(line, value);
      case 's':
        if (have_session_name_) return LineError(line, "repeated s= line");
        have_session_name_ = true;
        description_.session_name = std::string(value);
        return std::nullopt;
      case 'c': {
        if (description_.connection) return LineError(line, "repeated c= line");
        auto connection = ParseConnection(line, value);
        if (!connection) return connection.error().message();
        description_.connection = std::move(*connection);
        Advance(Phase::kAfterConnection);
        return std::nullopt;
      }
      case 't':
        if (!description_.timing.empty()) {
          description_.lines_after_each_timing.push_back(description_.lines_after_timing.size() -
                                                         timing_segment_start_);
          timing_segment_start_ = description_.lines_after_timing.size();
        }
        description_.timing.emplace_back(value);
        Advance(Phase::kAfterTiming);
        return std::nullopt;
      case 'b':
        // Bandwidth always has its RFC 8866 §5 place, where JSEP looks for it.
        description_.lines_after_connection.push_back(Line{type, std::string(value)});
        Advance(Phase::kAfterConnection);
        return std::nullopt;
      default:
        break;
    }
    Line other{type, std::string(value)};
    switch (phase_) {
      case Phase::kBeforeConnection:
        description_.lines_before_connection.push_back(std::move(other));
        break;
      case Phase::kAfterConnection:
        description_.lines_after_connection.push_back(std::move(other));
        break;
      case Phase::kAfterTiming:
      case Phase::kAttributes:
        description_.lines_after_timing.push_back(std::move(other));
        break;
    }
    return std::nullopt;
  }

  MaybeError ParseMediaLine(const NumberedLine& line, char type, std::string_view value) {
    switch (type) {
      case 'o':
      case 's':
      case 't':
        return LineError(line, std::string(1, type) + "= line inside a media section");
      case 'c': {
        if (media_->connection) return LineError(line, "repeated c= line in media section");
        auto connection = ParseConnection(line, value);
        if (!connection) return connection.error().message();
        media_->connection = std::move(*connection);
        Advance(Phase::kAfterConnection);
        return std::nullopt;
      }
      case 'b':
      case 'k':
        // Bandwidth and key always have their RFC 8866 §5 place, where JSEP looks for them.
        Advance(Phase::kAfterConnection);
        break;
      default:
        break;
    }
    Line other{type, std::string(value)};
    if (phase_ == Phase::kBeforeConnection) {
      media_->lines_before_connection.push_back(std::move(other));
    } else {
      media_->lines_after_connection.push_back(std::move(other));
    }
    return std::nullopt;
  }

  // RFC 8866 §5: v=, o=, s= and at least one t= precede the first m=.
  MaybeError CheckSession(const NumberedLine& report_at, size_t last_session_line) {
    session_checked_ = true;
    const std::string session =
        "the session section (lines 1-" + std::to_string(last_session_line) + ")";
    if (!have_origin_) return LineError(report_at, session + " has no o= line");
    if (!have_session_name_) return LineError(report_at, session + " has no s= line");
    if (description_.timing.empty()) return LineError(report_at, session + " has no t= line");
    return std::nullopt;
  }

  // "o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>" (§5.2).
  MaybeError ParseOrigin(const NumberedLine& line, std::string_view value) {
    const std::vector<std::string_view> fields = SplitFields(value);
    if (fields.size() != 6) return LineError(line, "o= needs 6 fields");
    const auto version = ParseDecimal(fields[2], UINT64_MAX);
    if (!version) return LineError(line, "session version is not a 64-bit number");
    Origin& origin = description_.origin;
    origin.username = std::string(fields[0]);
    origin.session_id = std::string(fields[1]);
    origin.session_version = *version;
    origin.net_type = std::string(fields[3]);
    origin.address_type = std::string(fields[4]);
    origin.address = std::string(fields[5]);
    return std::nullopt;
  }

  // "c=<nettype> <addrtype> <connection-address>" (§5.7).
  static Result<Connection> ParseConnection(const NumberedLine& line, std::string_view value) {
    const std::vector<std::string_view> fields = SplitFields(value);
    if (fields.size() != 3) return SyntaxError(LineError(line, "c= needs 3 fields"));
    return Connection{std::string(fields[0]), std::string(fields[1]), std::string(fields[2])};
  }

  // "a=<attribute-name>[:<attribute-value>]" (§5.13).
  static Result<Attribute> ParseAttribute(const NumberedLine& line, std::string_view value) {
    const size_t colon = value.find(':');
    const std::string_view name = value.substr(0, colon);
    if (name.empty()) return SyntaxError(LineError(line, "attribute has no name"));
    Attribute attribute{std::string(name), std::nullopt};
    if (colon != std::string_view::npos) attribute.value = std::string(value.substr(colon + 1));
    return attribute;
  }

  // "m=<media> <port>[/<number of ports>] <proto> <fmt> ..." (§5.14).
  MaybeError StartMedia(const NumberedLine& line, std::string_view value) {
    if (!session_checked_) {
      if (auto error = CheckSession(line, line.number - 1)) return error;
    }
    const std::vector<std::string_view> fields = SplitFields(value);
    if (fields.empty()) return LineError(line, "m= line has no media type");
    if (fields.size() < 2) return LineError(line, "m= line has no port");
    if (fields.size() < 3) return LineError(line, "m= line has no proto");
    MediaDescription media;
    media.media = std::string(fields[0]);
    const std::string_view port_field = fields[1];
    const size_t slash = port_field.find('/');
    const std::string_view port = port_field.substr(0, slash);
    if (port.empty() || !std::all_of(port.begin(), port.end(), IsDigit))
      return LineError(line, "port is not a number");
    const auto port_number = ParseDecimal(port, UINT16_MAX);
    if (!port_number) return LineError(line, "port is out of range");
    media.port = static_cast<uint16_t>(*port_number);
    if (slash != std::string_view::npos) {
      const auto count = ParseDecimal(port_field.substr(slash + 1), UINT16_MAX);
      if (!count) return LineError(line, "port count is not a number up to 65535");
      media.port_count = static_cast<uint16_t>(*count);
    }
    media.proto = std::string(fields[2]);
    for (size_t i = 3; i < fields.size(); ++i)
      media.formats.emplace_back(fields[i]);
    description_.media.push_back(std::move(media));
    media_ = &description_.media.back();
    phase_ = Phase::kBeforeConnection;
    return std::nullopt;
  }

  void Advance(Phase phase) { phase_ = std::max(phase_, phase); }

  SessionDescription description_;
  MediaDescription* media_ = nullptr;  // the section being parsed; null at session level
  Phase phase_ = Phase::kBeforeConnection;
  bool have_origin_ = false;
  bool have_session_name_ = false;
  bool session_checked_ = false;
  size_t timing_segment_start_ = 0;
};

}  // namespace

Result<SessionDescription> Parse(std::string_view text) {
  if (text.size() > kMaxTextSize) {
    return SyntaxError("SDP is " + std::to_string(text.size()) + " bytes, more than the " +
                       std::to_string(kMaxTextSize) + " accepted");
  }
  auto lines = SplitLines(text);
  if (!lines) return lines.error();
  return Parser().Run(*lines);
}

}  // namespace parley::sdp
