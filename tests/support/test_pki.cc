#include "support/test_pki.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>

namespace parley::testing {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "GenerateTestPki: %s failed\n", what);
  ERR_print_errors_fp(stderr);
  std::abort();
}

void Check(bool ok, const char* what) {
  if (!ok) Die(what);
}

EVP_PKEY* NewKey() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  Check(key != nullptr, "EVP_EC_gen");
  return key;
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  Check(extension != nullptr, "X509V3_EXT_conf_nid");
  Check(X509_add_ext(cert, extension, -1) == 1, "X509_add_ext");
  X509_EXTENSION_free(extension);
}

X509* NewCertificate(EVP_PKEY* key, const std::string& common_name, long serial) {
  X509* cert = X509_new();
  Check(cert != nullptr, "X509_new");
  Check(X509_set_version(cert, 2) == 1, "X509_set_version");  // v3
  Check(ASN1_INTEGER_set(X509_get_serialNumber(cert), serial) == 1, "ASN1_INTEGER_set");
  Check(X509_gmtime_adj(X509_getm_notBefore(cert), -3600) != nullptr, "notBefore");
  Check(X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600) != nullptr, "notAfter");
  Check(X509_set_pubkey(cert, key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(cert);
  Check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                   -1, 0) == 1,
        "X509_NAME_add_entry_by_txt");
  return cert;
}

std::string CertificatePem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  Check(bio != nullptr && PEM_write_bio_X509(bio, cert) == 1, "PEM_write_bio_X509");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

std::string KeyPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  Check(bio != nullptr &&
            PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

}  // namespace

TestPki GenerateTestPki(const std::vector<std::string>& dns_names,
                        const std::vector<std::string>& ip_addresses, const std::string& ca_name) {
  static long next_serial = 1;
  EVP_PKEY* ca_key = NewKey();
  X509* ca = NewCertificate(ca_key, ca_name, next_serial++);
  Check(X509_set_issuer_name(ca, X509_get_subject_name(ca)) == 1, "X509_set_issuer_name");
  AddExtension(ca, ca, NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(ca, ca, NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(ca, ca, NID_subject_key_identifier, "hash");
  Check(X509_sign(ca, ca_key, EVP_sha256()) > 0, "X509_sign (CA)");

  EVP_PKEY* server_key = NewKey();
  const std::string common_name = dns_names.empty() ? "parley test server" : dns_names.front();
  X509* server = NewCertificate(server_key, common_name, next_serial++);
  Check(X509_set_issuer_name(server, X509_get_subject_name(ca)) == 1, "X509_set_issuer_name");
  AddExtension(server, ca, NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(server, ca, NID_key_usage, "critical,digitalSignature");
  AddExtension(server, ca, NID_ext_key_usage, "serverAuth");
  std::string alt_names;
  for (const std::string& dns : dns_names)
    alt_names += (alt_names.empty() ? "" : ",") + ("DNS:" + dns);
  for (const std::string& ip : ip_addresses)
    alt_names += (alt_names.empty() ? "" : ",") + ("IP:" + ip);
  if (!alt_names.empty()) AddExtension(server, ca, NID_subject_alt_name, alt_names);
  Check(X509_sign(server, ca_key, EVP_sha256()) > 0, "X509_sign (server)");

  TestPki pki{{CertificatePem(ca), KeyPem(ca_key)}, {CertificatePem(server), KeyPem(server_key)}};
  X509_free(server);
  EVP_PKEY_free(server_key);
  X509_free(ca);
  EVP_PKEY_free(ca_key);
  return pki;
}

}  // namespace parley::testing
