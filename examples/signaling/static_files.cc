#include "signaling/static_files.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

namespace parley::examples {
namespace {

using Status = StaticFileLookup::Status;

std::optional<int> HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

// RFC 3986 §2.1. nullopt for a truncated or non-hex escape, or a NUL byte.
std::optional<std::string> PercentDecode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const std::optional<int> high = HexValue(text[i + 1]);
      const std::optional<int> low = HexValue(text[i + 2]);
      if (!high || !low) return std::nullopt;
      c = static_cast<char>(*high * 16 + *low);
      i += 2;
    }
    if (c == '\0') return std::nullopt;
    decoded.push_back(c);
  }
  return decoded;
}

// True when `inner` is `outer` or lies below it (both canonical).
bool IsWithin(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  auto [outer_end, inner_end] =
      std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  (void)inner_end;
  return outer_end == outer.end();
}

}  // namespace

StaticFileLookup LookUpStaticFile(const std::filesystem::path& web_root, std::string_view target) {
  target = target.substr(0, target.find_first_of("?#"));
  if (target.empty() || target.front() != '/') return {Status::kBadRequest, {}};
  const std::optional<std::string> decoded = PercentDecode(target);
  if (!decoded) return {Status::kBadRequest, {}};
  if (decoded->find('\\') != std::string::npos) return {Status::kForbidden, {}};

  // Every segment is a plain name: no "..", ".", or dot-files, so nothing climbs out of the root
  // or reveals hidden files.
  std::filesystem::path relative;
  size_t start = 1;
  while (start <= decoded->size()) {
    const size_t end = std::min(decoded->find('/', start), decoded->size());
    const std::string_view segment = std::string_view(*decoded).substr(start, end - start);
    if (!segment.empty()) {
      if (segment.front() == '.') return {Status::kForbidden, {}};
      relative /= std::string(segment);
    }
    start = end + 1;
  }
  if (web_root.empty()) return {Status::kNotFound, {}};

  std::error_code error;
  const std::filesystem::path root = std::filesystem::canonical(web_root, error);
  if (error) return {Status::kNotFound, {}};
  std::filesystem::path file = root / relative;
  if (decoded->back() == '/' || std::filesystem::is_directory(file, error)) file /= "index.html";

  // A symbolic link may still point outside the root: compare the real paths.
  const std::filesystem::path real = std::filesystem::canonical(file, error);
  if (error) return {Status::kNotFound, {}};
  if (!IsWithin(real, root)) return {Status::kForbidden, {}};
  if (!std::filesystem::is_regular_file(real, error)) return {Status::kNotFound, {}};
  return {Status::kFound, real};
}

std::string_view ContentTypeFor(const std::filesystem::path& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
  }};
  std::string extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [suffix, type] : kTypes) {
    if (extension == suffix) return type;
  }
  return "application/octet-stream";
}

}  // namespace parley::examples
