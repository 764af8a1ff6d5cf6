// Small text helpers shared by the SDP parser and the attribute codecs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/error.h"

namespace parley::sdp {

bool IsDigit(char c);

// A decimal number made only of digits (no sign, no spaces) that fits in `max_value`.
std::optional<uint64_t> ParseDecimal(std::string_view text, uint64_t max_value);

// Splits on runs of spaces; no empty fields.
std::vector<std::string_view> SplitFields(std::string_view text);

// Splits at the first space: {before, after}; `after` is empty if there is no space, and has
// its leading spaces removed.
std::pair<std::string_view, std::string_view> SplitFirstField(std::string_view text);

// Removes leading and trailing spaces and tabs.
std::string_view Trim(std::string_view text);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// The text in quotes for an error message, cut after 80 characters.
std::string Quote(std::string_view text);

// SyntaxError for a bad attribute value: `invalid a=rtpmap value "x": <why>`.
Error InvalidAttribute(std::string_view name, std::string_view value, std::string_view why);

// A payload type (RFC 3550 §5.1: 0..127).
std::optional<uint8_t> ParsePayloadType(std::string_view text);

}  // namespace parley::sdp
