// RTCCertificate: the DTLS identity of a PeerConnection. Generate one (ECDSA P-256 by default,
// as browsers do) or load one from PEM, then give it to any number of PeerConnections through
// Configuration::certificates; copies share one immutable key and may be used from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parley/result.h"

namespace parley {

class Certificate {
 public:
  enum class KeyType { kEcdsaP256, kRsa2048 };

  // OperationError when key generation fails.
  static Result<Certificate> Generate(KeyType type = KeyType::kEcdsaP256);
  // The certificate (first PEM block) and its unencrypted private key. SyntaxError when either
  // does not parse; InvalidAccessError when they do not belong together.
  static Result<Certificate> FromPem(std::string_view certificate_pem,
                                     std::string_view private_key_pem);

  KeyType key_type() const;
  // RTCCertificate.getFingerprints(): "sha-256 AB:CD:..." (what a=fingerprint carries).
  std::vector<std::string> fingerprints() const;
  // RTCCertificate.expires, in milliseconds since the Unix epoch.
  uint64_t expires() const;
  std::string CertificatePem() const;
  std::string PrivateKeyPem() const;

  // The implementation's certificate (opaque here, so this header needs no OpenSSL).
  struct Impl;
  const std::shared_ptr<const Impl>& impl() const { return impl_; }

 private:
  explicit Certificate(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace parley
