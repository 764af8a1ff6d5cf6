// Which file under the web root an HTTP request target names, and its Content-Type. No IO but
// file-system lookups; the HTTP session does the reading and writing.
#pragma once

#include <filesystem>
#include <string_view>

namespace parley::examples {

struct StaticFileLookup {
  enum class Status {
    kFound,       // `path` is a regular file inside the web root.
    kNotFound,    // Nothing servable there (or no web root at all).
    kForbidden,   // A ".." (or any dot-file) segment, a backslash, or a way out of the root.
    kBadRequest,  // Not an origin-form target, or broken percent-encoding, or a NUL byte.
  };
  Status status = Status::kNotFound;
  std::filesystem::path path;
};

// Resolves a request target such as "/", "/app.js?v=2" or "/img/logo%20big.png" against
// `web_root`: the query is ignored, %XX escapes are decoded before any check, and a target
// ending in "/" (or naming a directory) means that directory's index.html. An empty `web_root`
// finds nothing.
StaticFileLookup LookUpStaticFile(const std::filesystem::path& web_root, std::string_view target);

// "text/html; charset=utf-8", "text/javascript; charset=utf-8", "text/css; charset=utf-8",
// "application/json", "image/svg+xml", "image/png", ... by extension (case-insensitive);
// "application/octet-stream" for anything else.
std::string_view ContentTypeFor(const std::filesystem::path& file);

}  // namespace parley::examples
