// OpenSSL's per-thread error queue as text, for error messages. No OpenSSL type appears here.
#pragma once

#include <string>

namespace parley::tls {

// Drains the error queue into one line, oldest first ("" when empty).
std::string TakeOpenSslErrors();
// ": <TakeOpenSslErrors()>", or "" when the queue is empty; for appending to a message.
std::string OpenSslSuffix();

}  // namespace parley::tls
