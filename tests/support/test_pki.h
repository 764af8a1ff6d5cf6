// Certificates generated at test time (OpenSSL EVP/X509): a CA and a server certificate it signs,
// handed out as PEM text so no OpenSSL type leaks into test code. EC P-256 keys: fast enough to
// generate per test, even under ASan.
#pragma once

#include <string>
#include <vector>

namespace parley::testing {

struct PemCredentials {
  std::string certificate_pem;
  std::string private_key_pem;
};

struct TestPki {
  PemCredentials ca;      // Self-signed, basicConstraints CA:TRUE.
  PemCredentials server;  // Signed by `ca`, extendedKeyUsage serverAuth.
};

// A fresh CA named `ca_name` and a server certificate for the given subjectAltNames (DNS names
// and IP address literals), valid from an hour ago for a day. Aborts on an OpenSSL failure.
TestPki GenerateTestPki(const std::vector<std::string>& dns_names,
                        const std::vector<std::string>& ip_addresses,
                        const std::string& ca_name = "Parley Test CA");

}  // namespace parley::testing
