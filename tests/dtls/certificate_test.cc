// Certificate generation (both key types), PEM round trips and FromPem errors. The generated
// certificate's fields are read back with OpenSSL to check what browsers expect of it.
#include "dtls/certificate.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>
#include <memory>
#include <string>

#include "dtls/dtls_harness.h"
#include "dtls/fixtures.h"

namespace parley::dtls {
namespace {

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

X509Ptr ParsePem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509Ptr x(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return x;
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Seconds from now to `time` (negative in the past).
int64_t SecondsFromNow(const ASN1_TIME* time) {
  int days = 0;
  int seconds = 0;
  EXPECT_EQ(ASN1_TIME_diff(&days, &seconds, nullptr, time), 1);
  return int64_t{days} * 86400 + seconds;
}

std::string PemOfNewKey(const char* curve) {
  EVP_PKEY* key = EVP_EC_gen(curve);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

void ExpectLikeABrowserCertificate(const Certificate& certificate, int expected_key_id) {
  X509Ptr x = ParsePem(certificate.CertificatePem());
  ASSERT_TRUE(x);
  EXPECT_EQ(X509_get_version(x.get()), 2);  // v3
  EVP_PKEY* key = X509_get0_pubkey(x.get());
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(key), expected_key_id);
  // Self-signed with CN=WebRTC.
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(x.get()), X509_get_issuer_name(x.get())), 0);
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(x.get()), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "WebRTC");
  EXPECT_EQ(X509_verify(x.get(), key), 1);
  // notBefore a day back (peer clock skew), notAfter 30 days ahead.
  EXPECT_NEAR(static_cast<double>(SecondsFromNow(X509_get0_notBefore(x.get()))), -86400.0, 120.0);
  EXPECT_NEAR(static_cast<double>(SecondsFromNow(X509_get0_notAfter(x.get()))), 30 * 86400.0,
              120.0);
  EXPECT_NEAR(static_cast<double>(certificate.expires_unix_seconds()),
              static_cast<double>(UnixNow() + 30 * 86400), 120.0);
  // A positive serial of 8 bytes.
  const ASN1_INTEGER* serial = X509_get0_serialNumber(x.get());
  EXPECT_EQ(ASN1_STRING_length(serial), 8);
  EXPECT_EQ(ASN1_STRING_type(serial), V_ASN1_INTEGER);
}

TEST(CertificateTest, GeneratesEcdsaP256ByDefault) {
  auto certificate = Certificate::Generate();
  ASSERT_TRUE(certificate.ok()) << certificate.error();
  EXPECT_FALSE(certificate->empty());
  EXPECT_EQ(certificate->key_type(), KeyType::kEcdsaP256);
  ExpectLikeABrowserCertificate(*certificate, EVP_PKEY_EC);
  EXPECT_NE(certificate->PrivateKeyPem().find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
}

TEST(CertificateTest, GeneratesRsa2048) {
  const Certificate& certificate = testing::TestRsaCertificate();
  EXPECT_EQ(certificate.key_type(), KeyType::kRsa2048);
  ExpectLikeABrowserCertificate(certificate, EVP_PKEY_RSA);
  X509Ptr x = ParsePem(certificate.CertificatePem());
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(x.get())), 2048);
}

TEST(CertificateTest, EachGenerationIsFresh) {
  const Certificate& a = testing::TestCertificate(0);
  const Certificate& b = testing::TestCertificate(1);
  EXPECT_NE(a.der(), b.der());
  EXPECT_NE(a.fingerprint(), b.fingerprint());
  EXPECT_NE(a.PrivateKeyPem(), b.PrivateKeyPem());
}

TEST(CertificateTest, ValidityIsConfigurableAndMustBePositive) {
  auto day = Certificate::Generate(KeyType::kEcdsaP256, TimeDelta::Seconds(86400));
  ASSERT_TRUE(day.ok());
  EXPECT_NEAR(static_cast<double>(day->expires_unix_seconds()),
              static_cast<double>(UnixNow() + 86400), 120.0);
  auto zero = Certificate::Generate(KeyType::kEcdsaP256, TimeDelta::Zero());
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().kind(), ErrorKind::kRangeError);
}

TEST(CertificateTest, PemRoundTripKeepsCertificateAndKey) {
  for (const Certificate* original :
       {&testing::TestCertificate(0), &testing::TestRsaCertificate()}) {
    auto copy = Certificate::FromPem(original->CertificatePem(), original->PrivateKeyPem());
    ASSERT_TRUE(copy.ok()) << copy.error();
    EXPECT_EQ(copy->der(), original->der());
    EXPECT_EQ(*copy, *original);
    EXPECT_EQ(copy->key_type(), original->key_type());
    EXPECT_EQ(copy->fingerprint(), original->fingerprint());
    EXPECT_EQ(copy->CertificatePem(), original->CertificatePem());
    EXPECT_EQ(copy->PrivateKeyPem(), original->PrivateKeyPem());
    EXPECT_EQ(copy->expires_unix_seconds(), original->expires_unix_seconds());
  }
}

TEST(CertificateTest, FromPemOfTheFixture) {
  auto certificate = Certificate::FromPem(fixtures::kCertificatePem, fixtures::kPrivateKeyPem);
  ASSERT_TRUE(certificate.ok()) << certificate.error();
  EXPECT_EQ(certificate->fingerprint().ToString(), "sha-256 " + std::string(fixtures::kSha256));
  EXPECT_EQ(certificate->fingerprint(HashAlgorithm::kSha1).ToString(),
            "sha-1 " + std::string(fixtures::kSha1));
  // notAfter 2036-11-19 06:00:25 UTC.
  EXPECT_EQ(certificate->expires_unix_seconds(), 2110687225u);
}

TEST(CertificateTest, FromPemRejectsAKeyOfAnotherCertificate) {
  const Certificate& other = testing::TestCertificate(1);
  auto mismatched = Certificate::FromPem(fixtures::kCertificatePem, other.PrivateKeyPem());
  ASSERT_FALSE(mismatched.ok());
  EXPECT_EQ(mismatched.error().kind(), ErrorKind::kInvalidAccessError);
  EXPECT_NE(mismatched.error().message().find("does not belong"), std::string::npos);
}

TEST(CertificateTest, FromPemRejectsGarbageAndUnsupportedKeys) {
  auto bad_cert = Certificate::FromPem("not a pem", fixtures::kPrivateKeyPem);
  ASSERT_FALSE(bad_cert.ok());
  EXPECT_EQ(bad_cert.error().kind(), ErrorKind::kSyntaxError);
  EXPECT_NE(bad_cert.error().message().find("certificate PEM"), std::string::npos);

  auto bad_key = Certificate::FromPem(fixtures::kCertificatePem, "-----BEGIN PRIVATE KEY-----");
  ASSERT_FALSE(bad_key.ok());
  EXPECT_EQ(bad_key.error().kind(), ErrorKind::kSyntaxError);
  EXPECT_NE(bad_key.error().message().find("private key PEM"), std::string::npos);

  auto p384 = Certificate::FromPem(fixtures::kCertificatePem, PemOfNewKey("P-384"));
  ASSERT_FALSE(p384.ok());
  EXPECT_EQ(p384.error().kind(), ErrorKind::kInvalidAccessError);
  EXPECT_NE(p384.error().message().find("unsupported private key"), std::string::npos);
}

TEST(CertificateTest, CopiesShareOneImmutableCertificate) {
  const Certificate& original = testing::TestCertificate(0);
  const Certificate copy = original;  // NOLINT: the copy is the point
  EXPECT_EQ(&copy.der(), &original.der());
  EXPECT_EQ(copy, original);
}

TEST(CertificateTest, EmptyCertificateHasNothing) {
  const Certificate empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_TRUE(empty.der().empty());
  EXPECT_EQ(empty.CertificatePem(), "");
  EXPECT_EQ(empty.PrivateKeyPem(), "");
  EXPECT_TRUE(empty.fingerprint().digest.empty());
  EXPECT_EQ(empty.expires_unix_seconds(), 0u);
}

}  // namespace
}  // namespace parley::dtls
