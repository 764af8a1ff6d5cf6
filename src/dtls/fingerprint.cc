#include "dtls/fingerprint.h"

#include <openssl/evp.h>

#include <array>
#include <cstdlib>

namespace parley::dtls {
namespace {

struct AlgorithmInfo {
  HashAlgorithm algorithm;
  std::string_view sdp_name;  // RFC 8122 §5 hash-func token.
  const char* openssl_name;   // For EVP_MD_fetch.
  size_t digest_length;
};

constexpr std::array<AlgorithmInfo, 5> kAlgorithms = {{
    {HashAlgorithm::kSha1, "sha-1", "SHA1", 20},
    {HashAlgorithm::kSha224, "sha-224", "SHA2-224", 28},
    {HashAlgorithm::kSha256, "sha-256", "SHA2-256", 32},
    {HashAlgorithm::kSha384, "sha-384", "SHA2-384", 48},
    {HashAlgorithm::kSha512, "sha-512", "SHA2-512", 64},
}};

const AlgorithmInfo& InfoOf(HashAlgorithm algorithm) {
  return kAlgorithms[static_cast<size_t>(algorithm)];
}

// Fetched once per process: OpenSSL 3 otherwise looks the algorithm up on every digest.
const EVP_MD* Md(HashAlgorithm algorithm) {
  static const std::array<EVP_MD*, kAlgorithms.size()> mds = [] {
    std::array<EVP_MD*, kAlgorithms.size()> fetched{};
    for (size_t i = 0; i < kAlgorithms.size(); ++i) {
      fetched[i] = EVP_MD_fetch(nullptr, kAlgorithms[i].openssl_name, nullptr);
    }
    return fetched;
  }();
  return mds[static_cast<size_t>(algorithm)];
}

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t';
}

std::optional<uint8_t> HexValue(char c) {
  if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<uint8_t>(c - 'A' + 10);
  return std::nullopt;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && (IsSpace(text.back()) || text.back() == '\r' || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::string_view ToString(HashAlgorithm algorithm) {
  return InfoOf(algorithm).sdp_name;
}

std::optional<HashAlgorithm> HashAlgorithmFromName(std::string_view name) {
  for (const AlgorithmInfo& info : kAlgorithms) {
    if (name.size() != info.sdp_name.size()) continue;
    bool equal = true;
    for (size_t i = 0; i < name.size() && equal; ++i)
      equal = Lower(name[i]) == info.sdp_name[i];
    if (equal) return info.algorithm;
  }
  return std::nullopt;
}

size_t DigestLength(HashAlgorithm algorithm) {
  return InfoOf(algorithm).digest_length;
}

Result<Fingerprint> Fingerprint::Parse(std::string_view sdp_value) {
  const std::string_view value = Trim(sdp_value);
  const size_t space = value.find_first_of(" \t");
  if (space == std::string_view::npos) {
    return SyntaxError("fingerprint '" + std::string(value) +
                       "' must be a hash function and a digest separated by a space");
  }
  const std::string_view name = value.substr(0, space);
  const std::optional<HashAlgorithm> algorithm = HashAlgorithmFromName(name);
  if (!algorithm) {
    return SyntaxError("unsupported fingerprint hash function '" + std::string(name) +
                       "' (expected sha-1, sha-224, sha-256, sha-384 or sha-512)");
  }
  const std::string_view hex = Trim(value.substr(space));
  // RFC 8122 §5: fingerprint = 2UHEX *(":" 2UHEX).
  Fingerprint fingerprint;
  fingerprint.algorithm = *algorithm;
  size_t pos = 0;
  while (true) {
    if (pos + 2 > hex.size()) {
      return SyntaxError("fingerprint digest '" + std::string(hex) + "' ends in an incomplete " +
                         "byte at position " + std::to_string(pos));
    }
    const auto high = HexValue(hex[pos]);
    const auto low = HexValue(hex[pos + 1]);
    if (!high || !low) {
      return SyntaxError("fingerprint digest has an invalid hex byte '" +
                         std::string(hex.substr(pos, 2)) + "' at position " + std::to_string(pos));
    }
    fingerprint.digest.push_back(static_cast<uint8_t>(*high << 4 | *low));
    pos += 2;
    if (pos == hex.size()) break;
    if (hex[pos] != ':') {
      return SyntaxError("fingerprint digest must separate bytes with ':', found '" +
                         std::string(1, hex[pos]) + "' at position " + std::to_string(pos));
    }
    ++pos;
  }
  const size_t expected = DigestLength(*algorithm);
  if (fingerprint.digest.size() != expected) {
    return SyntaxError(std::string(dtls::ToString(*algorithm)) + " fingerprint must have " +
                       std::to_string(expected) + " bytes, got " +
                       std::to_string(fingerprint.digest.size()));
  }
  return fingerprint;
}

Fingerprint Fingerprint::Compute(HashAlgorithm algorithm, ByteView der) {
  Fingerprint fingerprint;
  fingerprint.algorithm = algorithm;
  fingerprint.digest.resize(DigestLength(algorithm));
  unsigned int length = 0;
  if (Md(algorithm) == nullptr ||
      EVP_Digest(der.data(), der.size(), fingerprint.digest.data(), &length, Md(algorithm),
                 nullptr) != 1 ||
      length != fingerprint.digest.size()) {
    std::abort();  // The hash functions are built into libcrypto; failing here is a broken build.
  }
  return fingerprint;
}

std::string Fingerprint::ToString() const {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string text(dtls::ToString(algorithm));
  text += ' ';
  for (size_t i = 0; i < digest.size(); ++i) {
    if (i > 0) text += ':';
    text += kHex[digest[i] >> 4];
    text += kHex[digest[i] & 0xF];
  }
  return text;
}

Result<void> VerifyFingerprint(ByteView certificate_der, std::span<const Fingerprint> expected) {
  if (expected.empty()) {
    return InvalidAccessError("no remote fingerprint to verify the remote certificate against");
  }
  for (const Fingerprint& fingerprint : expected) {
    if (Fingerprint::Compute(fingerprint.algorithm, certificate_der) == fingerprint) return Ok();
  }
  std::string wanted;
  for (const Fingerprint& fingerprint : expected) {
    if (!wanted.empty()) wanted += " or ";
    wanted += fingerprint.ToString();
  }
  return InvalidAccessError(
      "remote certificate does not match the fingerprint in the remote description (expected " +
      wanted + ", got " +
      Fingerprint::Compute(expected.front().algorithm, certificate_der).ToString() + ")");
}

}  // namespace parley::dtls
