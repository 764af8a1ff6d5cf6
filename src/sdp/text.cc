#include "sdp/text.h"

#include <algorithm>
#include <charconv>

namespace parley::sdp {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

std::optional<uint64_t> ParseDecimal(std::string_view text, uint64_t max_value) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), IsDigit)) return std::nullopt;
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max_value)
    return std::nullopt;
  return value;
}

std::vector<std::string_view> SplitFields(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ')
      ++i;
    if (i == text.size()) break;
    const size_t start = i;
    while (i < text.size() && text[i] != ' ')
      ++i;
    fields.push_back(text.substr(start, i - start));
  }
  return fields;
}

std::pair<std::string_view, std::string_view> SplitFirstField(std::string_view text) {
  const size_t space = text.find(' ');
  if (space == std::string_view::npos) return {text, {}};
  std::string_view rest = text.substr(space);
  while (!rest.empty() && rest.front() == ' ')
    rest.remove_prefix(1);
  return {text.substr(0, space), rest};
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

std::string Quote(std::string_view text) {
  constexpr size_t kShown = 80;
  std::string out = "\"";
  out.append(text.substr(0, kShown));
  if (text.size() > kShown) out.append("...");
  out.push_back('"');
  return out;
}

Error InvalidAttribute(std::string_view name, std::string_view value, std::string_view why) {
  std::string message = "invalid a=";
  message.append(name);
  message.append(" value ");
  message.append(Quote(value));
  message.append(": ");
  message.append(why);
  return SyntaxError(std::move(message));
}

std::optional<uint8_t> ParsePayloadType(std::string_view text) {
  const auto value = ParseDecimal(text, 127);
  if (!value) return std::nullopt;
  return static_cast<uint8_t>(*value);
}

}  // namespace parley::sdp
