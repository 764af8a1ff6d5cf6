#include "dtls/certificate.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>
#include <mutex>

#include "tls/openssl_errors.h"

namespace parley::dtls {

struct Certificate::Impl {
  X509* certificate = nullptr;
  EVP_PKEY* key = nullptr;
  KeyType type = KeyType::kEcdsaP256;
  Bytes der;
  uint64_t expires = 0;
  mutable std::mutex context_mutex;
  mutable std::shared_ptr<void> context;  // See SharedContext.

  Impl(X509* c, EVP_PKEY* k, KeyType t) : certificate(c), key(k), type(t) {}
  ~Impl() {
    X509_free(certificate);
    EVP_PKEY_free(key);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // The DER encoding and expiry every accessor uses; false when encoding fails.
  bool Finish();
};

namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

BioPtr ReadBio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Seconds from the Unix epoch to `time`, without reading a clock.
uint64_t UnixSeconds(const ASN1_TIME* time) {
  ASN1_TIME* epoch = ASN1_TIME_set(nullptr, 0);
  int days = 0;
  int seconds = 0;
  const bool ok = epoch != nullptr && ASN1_TIME_diff(&days, &seconds, epoch, time) == 1;
  ASN1_TIME_free(epoch);
  if (!ok) return 0;
  const int64_t total = int64_t{days} * 86400 + seconds;
  return total > 0 ? static_cast<uint64_t>(total) : 0;
}

// The KeyType of a key we can use, or nullopt.
std::optional<KeyType> KeyTypeOf(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
    if (EVP_PKEY_get_bits(key) >= 2048) return KeyType::kRsa2048;
    return std::nullopt;
  }
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
    char group[64] = {};
    size_t length = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof(group), &length) == 1 &&
        (std::strcmp(group, "prime256v1") == 0 || std::strcmp(group, "P-256") == 0)) {
      return KeyType::kEcdsaP256;
    }
  }
  return std::nullopt;
}

bool SetName(X509* certificate) {
  X509_NAME* name = X509_get_subject_name(certificate);
  static const unsigned char kCommonName[] = "WebRTC";
  return X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, kCommonName, -1, -1, 0) == 1 &&
         X509_set_issuer_name(certificate, name) == 1;  // Self-signed.
}

bool SetRandomSerial(X509* certificate) {
  BIGNUM* serial = BN_new();
  // 63 random bits below a set top bit: positive, non-zero, 8 bytes (RFC 5280 §4.1.2.2).
  bool ok = serial != nullptr && BN_rand(serial, 64, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1 &&
            BN_clear_bit(serial, 63) == 1 && BN_set_bit(serial, 62) == 1 &&
            BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(certificate)) != nullptr;
  BN_free(serial);
  return ok;
}

}  // namespace

bool Certificate::Impl::Finish() {
  const int length = i2d_X509(certificate, nullptr);
  if (length <= 0) return false;
  der.resize(static_cast<size_t>(length));
  uint8_t* out = der.data();
  if (i2d_X509(certificate, &out) != length) return false;
  expires = UnixSeconds(X509_get0_notAfter(certificate));
  return true;
}

std::string_view ToString(KeyType type) {
  switch (type) {
    case KeyType::kEcdsaP256:
      return "ECDSA P-256";
    case KeyType::kRsa2048:
      return "RSA 2048";
  }
  return "unknown";
}

Result<Certificate> Certificate::Generate(KeyType type, TimeDelta validity) {
  if (validity <= TimeDelta::Zero()) {
    return RangeError("certificate validity must be positive");
  }
  ERR_clear_error();
  EVP_PKEY* key = type == KeyType::kRsa2048 ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
  if (key == nullptr) {
    return OperationError("generating a " + std::string(ToString(type)) + " key failed" +
                          tls::OpenSslSuffix());
  }
  X509* certificate = X509_new();
  if (certificate == nullptr) {
    EVP_PKEY_free(key);
    return OperationError("X509_new failed" + tls::OpenSslSuffix());
  }
  auto impl = std::make_shared<Impl>(certificate, key, type);
  // notBefore a day back, as browsers do, so a peer whose clock is behind accepts it.
  const bool ok = X509_set_version(certificate, 2) == 1 &&  // v3
                  SetRandomSerial(certificate) &&
                  X509_gmtime_adj(X509_getm_notBefore(certificate), -86400) != nullptr &&
                  X509_gmtime_adj(X509_getm_notAfter(certificate),
                                  static_cast<long>(validity.us() / 1'000'000)) != nullptr &&
                  SetName(certificate) && X509_set_pubkey(certificate, key) == 1 &&
                  X509_sign(certificate, key, EVP_sha256()) > 0;
  if (!ok)
    return OperationError("building the self-signed certificate failed" + tls::OpenSslSuffix());
  if (!impl->Finish())
    return OperationError("DER-encoding the certificate failed" + tls::OpenSslSuffix());
  return Certificate(std::move(impl));
}

Result<Certificate> Certificate::FromPem(std::string_view certificate_pem,
                                         std::string_view private_key_pem) {
  ERR_clear_error();
  BioPtr cert_bio = ReadBio(certificate_pem);
  X509* certificate =
      cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (certificate == nullptr) {
    return SyntaxError("certificate PEM does not parse" + tls::OpenSslSuffix());
  }
  BioPtr key_bio = ReadBio(private_key_pem);
  EVP_PKEY* key =
      key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (key == nullptr) {
    X509_free(certificate);
    return SyntaxError("private key PEM does not parse (an unencrypted key is needed)" +
                       tls::OpenSslSuffix());
  }
  const std::optional<KeyType> type = KeyTypeOf(key);
  auto impl = std::make_shared<Impl>(certificate, key, type.value_or(KeyType::kEcdsaP256));
  if (!type) {
    return InvalidAccessError(
        "unsupported private key: need ECDSA P-256 or RSA of 2048 bits "
        "or more");
  }
  if (X509_check_private_key(certificate, key) != 1) {
    ERR_clear_error();
    return InvalidAccessError("the private key does not belong to the certificate");
  }
  if (!impl->Finish())
    return OperationError("DER-encoding the certificate failed" + tls::OpenSslSuffix());
  return Certificate(std::move(impl));
}

KeyType Certificate::key_type() const {
  return impl_ ? impl_->type : KeyType::kEcdsaP256;
}

std::string Certificate::CertificatePem() const {
  if (!impl_) return "";
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), impl_->certificate) != 1) return "";
  return BioText(bio.get());
}

std::string Certificate::PrivateKeyPem() const {
  if (!impl_) return "";
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), impl_->key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return "";
  }
  return BioText(bio.get());
}

const Bytes& Certificate::der() const {
  static const Bytes kEmpty;
  return impl_ ? impl_->der : kEmpty;
}

Fingerprint Certificate::fingerprint(HashAlgorithm algorithm) const {
  if (!impl_) return Fingerprint{algorithm, {}};
  return Fingerprint::Compute(algorithm, impl_->der);
}

uint64_t Certificate::expires_unix_seconds() const {
  return impl_ ? impl_->expires : 0;
}

void* Certificate::native_certificate() const {
  return impl_ ? impl_->certificate : nullptr;
}

void* Certificate::native_private_key() const {
  return impl_ ? impl_->key : nullptr;
}

std::shared_ptr<void> Certificate::SharedContext(
    std::shared_ptr<void> (*make)(const Certificate&)) const {
  if (!impl_) return nullptr;
  std::lock_guard lock(impl_->context_mutex);
  if (!impl_->context) impl_->context = make(*this);
  return impl_->context;
}

}  // namespace parley::dtls
