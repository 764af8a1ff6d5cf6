#include <memory>
#include <string>
#include <vector>

#include "peerconnection/certificate_impl.h"

namespace parley {

Result<Certificate> Certificate::Generate(KeyType type) {
  auto generated = dtls::Certificate::Generate(
      type == KeyType::kRsa2048 ? dtls::KeyType::kRsa2048 : dtls::KeyType::kEcdsaP256);
  if (!generated.ok()) return generated.error();
  return Certificate(std::make_shared<const Impl>(Impl{std::move(generated).value()}));
}

Result<Certificate> Certificate::FromPem(std::string_view certificate_pem,
                                         std::string_view private_key_pem) {
  auto loaded = dtls::Certificate::FromPem(certificate_pem, private_key_pem);
  if (!loaded.ok()) return loaded.error();
  return Certificate(std::make_shared<const Impl>(Impl{std::move(loaded).value()}));
}

Certificate::KeyType Certificate::key_type() const {
  return impl_->certificate.key_type() == dtls::KeyType::kRsa2048 ? KeyType::kRsa2048
                                                                  : KeyType::kEcdsaP256;
}

std::vector<std::string> Certificate::fingerprints() const {
  return {impl_->certificate.fingerprint().ToString()};
}

uint64_t Certificate::expires() const {
  return impl_->certificate.expires_unix_seconds() * 1000;
}

std::string Certificate::CertificatePem() const {
  return impl_->certificate.CertificatePem();
}

std::string Certificate::PrivateKeyPem() const {
  return impl_->certificate.PrivateKeyPem();
}

}  // namespace parley
