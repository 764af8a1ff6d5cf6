// Fingerprint parsing and printing (RFC 8122 §5) and digests against the openssl CLI.
#include "dtls/fingerprint.h"

#include <gtest/gtest.h>

#include <string>

#include "dtls/certificate.h"
#include "dtls/fixtures.h"

namespace parley::dtls {
namespace {

struct HashCase {
  HashAlgorithm algorithm;
  std::string_view name;
  std::string_view hex;  // From the fixture.
};

const HashCase kCases[] = {
    {HashAlgorithm::kSha1, "sha-1", fixtures::kSha1},
    {HashAlgorithm::kSha224, "sha-224", fixtures::kSha224},
    {HashAlgorithm::kSha256, "sha-256", fixtures::kSha256},
    {HashAlgorithm::kSha384, "sha-384", fixtures::kSha384},
    {HashAlgorithm::kSha512, "sha-512", fixtures::kSha512},
};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

Bytes FixtureDer() {
  return Certificate::FromPem(fixtures::kCertificatePem, fixtures::kPrivateKeyPem).value().der();
}

TEST(FingerprintTest, ComputeMatchesOpensslCliForEveryHash) {
  const Bytes der = FixtureDer();
  for (const HashCase& c : kCases) {
    SCOPED_TRACE(std::string(c.name));
    const Fingerprint computed = Fingerprint::Compute(c.algorithm, der);
    EXPECT_EQ(computed.digest.size(), DigestLength(c.algorithm));
    EXPECT_EQ(computed.ToString(), std::string(c.name) + " " + std::string(c.hex));
  }
}

TEST(FingerprintTest, ParseAndToStringRoundTripForEveryHash) {
  const Bytes der = FixtureDer();
  for (const HashCase& c : kCases) {
    SCOPED_TRACE(std::string(c.name));
    const std::string value = std::string(c.name) + " " + std::string(c.hex);
    auto parsed = Fingerprint::Parse(value);
    ASSERT_TRUE(parsed.ok()) << parsed.error();
    EXPECT_EQ(parsed->algorithm, c.algorithm);
    EXPECT_EQ(*parsed, Fingerprint::Compute(c.algorithm, der));
    EXPECT_EQ(parsed->ToString(), value);
  }
}

TEST(FingerprintTest, HashNameAndHexAreCaseInsensitive) {
  const std::string canonical = "sha-256 " + std::string(fixtures::kSha256);
  const Fingerprint expected = Fingerprint::Parse(canonical).value();
  for (const std::string& variant :
       {"SHA-256 " + std::string(fixtures::kSha256), "Sha-256 " + Lower(fixtures::kSha256),
        "sha-256 " + Lower(fixtures::kSha256), "  sha-256   " + std::string(fixtures::kSha256),
        "sha-256\t" + std::string(fixtures::kSha256) + " \r\n"}) {
    auto parsed = Fingerprint::Parse(variant);
    ASSERT_TRUE(parsed.ok()) << variant << ": " << parsed.error();
    EXPECT_EQ(*parsed, expected) << variant;
    // Printed as browsers do, whatever the input's case.
    EXPECT_EQ(parsed->ToString(), canonical);
  }
  EXPECT_EQ(Upper(Lower(fixtures::kSha256)), fixtures::kSha256);
}

TEST(FingerprintTest, HashAlgorithmNames) {
  for (const HashCase& c : kCases) {
    EXPECT_EQ(ToString(c.algorithm), c.name);
    EXPECT_EQ(HashAlgorithmFromName(c.name), c.algorithm);
    EXPECT_EQ(HashAlgorithmFromName(Upper(c.name)), c.algorithm);
  }
  EXPECT_FALSE(HashAlgorithmFromName("sha256").has_value());
  EXPECT_FALSE(HashAlgorithmFromName("md5").has_value());
  EXPECT_FALSE(HashAlgorithmFromName("").has_value());
}

// Each malformed value fails with SyntaxError and a message naming the problem.
TEST(FingerprintTest, MalformedValuesAreSyntaxErrorsNamingTheProblem) {
  const std::string good = std::string(fixtures::kSha256);
  struct Bad {
    std::string value;
    std::string mentions;
  };
  const Bad cases[] = {
      {"", "hash function and a digest"},
      {"sha-256", "hash function and a digest"},
      {"md5 " + good, "unsupported fingerprint hash function 'md5'"},
      {"sha-3 " + good, "unsupported fingerprint hash function 'sha-3'"},
      {"sha256 " + good, "unsupported fingerprint hash function 'sha256'"},
      {"sha-256 " + good.substr(0, good.size() - 3), "must have 32 bytes, got 31"},
      {"sha-256 " + good + ":AB", "must have 32 bytes, got 33"},
      {"sha-1 " + good, "must have 20 bytes, got 32"},
      {"sha-256 " + good.substr(0, good.size() - 1), "incomplete byte"},
      {"sha-256 " + good + ":", "incomplete byte"},
      {"sha-256 ZZ" + good.substr(2), "invalid hex byte 'ZZ' at position 0"},
      {"sha-256 9G" + good.substr(2), "invalid hex byte '9G'"},
      {"sha-256 906EBA55", "separate bytes with ':'"},
      {"sha-256 90-6E", "separate bytes with ':'"},
      {"sha-256 90::6E", "invalid hex byte"},
  };
  for (const Bad& bad : cases) {
    auto parsed = Fingerprint::Parse(bad.value);
    ASSERT_FALSE(parsed.ok()) << bad.value;
    EXPECT_EQ(parsed.error().kind(), ErrorKind::kSyntaxError) << bad.value;
    EXPECT_NE(parsed.error().message().find(bad.mentions), std::string::npos)
        << bad.value << " -> " << parsed.error().message();
  }
}

TEST(FingerprintTest, EqualityComparesAlgorithmAndDigest) {
  const Bytes der = FixtureDer();
  const Fingerprint a = Fingerprint::Compute(HashAlgorithm::kSha256, der);
  Fingerprint b = a;
  EXPECT_EQ(a, b);
  b.digest[0] ^= 1;
  EXPECT_NE(a, b);
  Fingerprint c = a;
  c.algorithm = HashAlgorithm::kSha384;
  EXPECT_NE(a, c);
}

TEST(FingerprintTest, VerifyAcceptsAnyMatchingFingerprintAndNamesBothOnMismatch) {
  const Bytes der = FixtureDer();
  const Fingerprint sha256 = Fingerprint::Compute(HashAlgorithm::kSha256, der);
  const Fingerprint sha512 = Fingerprint::Compute(HashAlgorithm::kSha512, der);
  Fingerprint wrong = sha256;
  wrong.digest.assign(32, 0xAB);
  EXPECT_TRUE(VerifyFingerprint(der, std::vector{sha256}).ok());
  EXPECT_TRUE(VerifyFingerprint(der, std::vector{wrong, sha512}).ok());

  Result<void> mismatch = VerifyFingerprint(der, std::vector{wrong});
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().kind(), ErrorKind::kInvalidAccessError);
  EXPECT_EQ(mismatch.error().message(),
            "remote certificate does not match the fingerprint in the remote description "
            "(expected " +
                wrong.ToString() + ", got " + sha256.ToString() + ")");
  EXPECT_FALSE(VerifyFingerprint(der, {}).ok());
}

}  // namespace
}  // namespace parley::dtls
