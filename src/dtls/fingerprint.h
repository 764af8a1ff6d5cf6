// Certificate fingerprints as SDP carries them in a=fingerprint (RFC 8122 §5), the only thing
// that authenticates a WebRTC DTLS peer: its self-signed certificate must hash to a fingerprint
// of the remote description (RFC 8827 §6.5).
//
//   auto fp = Fingerprint::Parse("sha-256 AB:CD:...");    // the attribute's value
//   fp->ToString();                                       // "sha-256 AB:CD:..." again
//   Fingerprint::Compute(HashAlgorithm::kSha256, der) == *fp
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/byte_io.h"
#include "parley/result.h"

namespace parley::dtls {

// The hash functions of RFC 8122 §5 that are still acceptable (md2 and md5 are not, RFC 8122
// §5 / RFC 8827 §6.5).
enum class HashAlgorithm : uint8_t { kSha1, kSha224, kSha256, kSha384, kSha512 };

// "sha-256": the SDP hash-func token (lowercase, as browsers write it).
std::string_view ToString(HashAlgorithm algorithm);
// Case-insensitive: "SHA-256" and "sha-256" both parse.
std::optional<HashAlgorithm> HashAlgorithmFromName(std::string_view name);
// Digest length in bytes (20, 28, 32, 48, 64).
size_t DigestLength(HashAlgorithm algorithm);

struct Fingerprint {
  HashAlgorithm algorithm = HashAlgorithm::kSha256;
  Bytes digest{};

  // The value of a=fingerprint: hash-func SP fingerprint, where fingerprint is colon-separated
  // hex bytes (RFC 8122 §5). The hash name is case-insensitive and hex may be either case.
  // SyntaxError naming the problem: unknown hash, wrong digest length, bad hex.
  static Result<Fingerprint> Parse(std::string_view sdp_value);
  // The digest of a DER-encoded certificate.
  static Fingerprint Compute(HashAlgorithm algorithm, ByteView der);

  // "sha-256 AB:CD:..." exactly as browsers write it: lowercase hash name, uppercase hex.
  std::string ToString() const;

  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

// RFC 8122 §5 / RFC 8827 §6.5: Ok when the certificate hashes (with each fingerprint's own
// algorithm) to one of `expected`; otherwise InvalidAccessError saying what was expected and what
// the certificate hashed to. `expected` must not be empty.
Result<void> VerifyFingerprint(ByteView certificate_der, std::span<const Fingerprint> expected);

}  // namespace parley::dtls
