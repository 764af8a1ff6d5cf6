// A DTLS certificate and its private key, as RTCCertificate: generated once (self-signed; WebRTC
// authenticates peers by fingerprint, RFC 8827 §6.5, not by a CA) or loaded from PEM, then
// shared by any number of connections. Copies are cheap and share one immutable key and
// certificate; a copy may be used from any thread.
//
//   auto certificate = Certificate::Generate();            // ECDSA P-256, 30 days, as browsers
//   certificate->fingerprint().ToString();                 // for a=fingerprint
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/byte_io.h"
#include "base/time.h"
#include "dtls/fingerprint.h"
#include "parley/result.h"

namespace parley::dtls {

enum class KeyType : uint8_t {
  kEcdsaP256,  // What browsers generate by default (RTCCertificate "ECDSA" P-256).
  kRsa2048,
};

std::string_view ToString(KeyType type);

class Certificate {
 public:
  // An empty certificate (no key): the default of configuration structs. An Endpoint given one
  // fails at Start.
  Certificate() = default;

  // Self-signed, CN "WebRTC" (as Chromium's), random 64-bit serial, valid from a day ago (for
  // the peer's clock skew) for `validity`. The validity period is wall-clock X.509 time, the one
  // thing here OpenSSL reads the system clock for; no protocol timing depends on it.
  // OperationError if key generation fails; RangeError for a validity that is not positive.
  static Result<Certificate> Generate(KeyType type = KeyType::kEcdsaP256,
                                      TimeDelta validity = TimeDelta::Seconds(30 * 24 * 3600));
  // The certificate (first PEM block) and its private key (PKCS#8 or traditional, unencrypted).
  // SyntaxError when either does not parse; InvalidAccessError when the key does not belong to
  // the certificate, or the key is neither P-256 ECDSA nor RSA.
  static Result<Certificate> FromPem(std::string_view certificate_pem,
                                     std::string_view private_key_pem);

  bool empty() const { return impl_ == nullptr; }
  KeyType key_type() const;
  std::string CertificatePem() const;
  // PKCS#8, unencrypted. Keep it secret.
  std::string PrivateKeyPem() const;
  // DER encoding of the certificate (what fingerprints hash).
  const Bytes& der() const;
  Fingerprint fingerprint(HashAlgorithm algorithm = HashAlgorithm::kSha256) const;
  // notAfter, in seconds since the Unix epoch (RTCCertificate.expires is the same in ms).
  uint64_t expires_unix_seconds() const;

  // Same key and certificate.
  friend bool operator==(const Certificate& a, const Certificate& b) { return a.der() == b.der(); }

 private:
  friend class Endpoint;
  struct Impl;
  explicit Certificate(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  // For Endpoint: the OpenSSL X509* and EVP_PKEY* behind the pimpl, typed void* so that no
  // OpenSSL type appears in this header. Null when empty().
  void* native_certificate() const;
  void* native_private_key() const;
  // For Endpoint: the TLS context built for this certificate, made by `make` on first use and
  // then shared by every connection with it (OpenSSL 3 spends ~150 µs in SSL_CTX_new). Typed
  // void for the same reason. Thread-safe.
  std::shared_ptr<void> SharedContext(std::shared_ptr<void> (*make)(const Certificate&)) const;

  std::shared_ptr<const Impl> impl_;
};

}  // namespace parley::dtls
