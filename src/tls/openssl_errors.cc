#include "tls/openssl_errors.h"

#include <openssl/err.h>

namespace parley::tls {

std::string TakeOpenSslErrors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char line[256];
    ERR_error_string_n(code, line, sizeof(line));
    if (!text.empty()) text += "; ";
    text += line;
  }
  return text;
}

std::string OpenSslSuffix() {
  std::string errors = TakeOpenSslErrors();
  return errors.empty() ? errors : ": " + errors;
}

}  // namespace parley::tls
