// ICE credentials (RFC 8445 §5.3, RFC 8839 §5.4): generation and validation.
#pragma once

#include "base/random.h"
#include "ice/agent_types.h"
#include "parley/result.h"

namespace parley::ice {

// RFC 8445 §5.3: at least 24 bits of randomness in the ufrag and 128 in the password. We use
// 8 and 24 ice-chars (48 and 144 bits) from `random` (CryptoRandom in production).
Credentials GenerateCredentials(Random& random);

// RFC 8839 §5.4: ufrag 4..256 and pwd 22..256 ice-chars (ALPHA / DIGIT / "+" / "/").
// SyntaxError naming the offending field.
Result<void> ValidateCredentials(const Credentials& credentials);

}  // namespace parley::ice
