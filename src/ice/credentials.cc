#include "ice/credentials.h"

#include <algorithm>

namespace parley::ice {
namespace {

bool AllIceChars(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return Random::kIceChars.find(c) != std::string_view::npos; });
}

}  // namespace

Credentials GenerateCredentials(Random& random) {
  return {random.String(8, Random::kIceChars), random.String(24, Random::kIceChars)};
}

Result<void> ValidateCredentials(const Credentials& credentials) {
  if (credentials.ufrag.size() < 4 || credentials.ufrag.size() > 256 ||
      !AllIceChars(credentials.ufrag)) {
    return SyntaxError("invalid ice-ufrag: must be 4 to 256 characters of ALPHA, DIGIT, '+', '/'");
  }
  if (credentials.pwd.size() < 22 || credentials.pwd.size() > 256 ||
      !AllIceChars(credentials.pwd)) {
    return SyntaxError("invalid ice-pwd: must be 22 to 256 characters of ALPHA, DIGIT, '+', '/'");
  }
  return Ok();
}

}  // namespace parley::ice
