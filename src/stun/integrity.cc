#include "stun/integrity.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>

#include "stun/crc32.h"
#include "stun/message.h"

namespace parley::stun {
namespace {

[[noreturn]] void CryptoFailure(const char* what) {
  std::fprintf(stderr, "parley::stun: OpenSSL %s failed\n", what);
  std::abort();
}

// One HMAC context per thread and digest, fetched once: OpenSSL 3's one-shot HMAC() fetches the
// algorithm on every call, which cost more than the MAC itself for STUN-sized messages.
struct MacContextDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

EVP_MAC_CTX* HmacContext(const char* digest_name) {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) CryptoFailure("EVP_MAC_fetch(HMAC)");
  thread_local std::unique_ptr<EVP_MAC_CTX, MacContextDeleter> sha1, sha256;
  auto& slot = std::string_view(digest_name) == "SHA1" ? sha1 : sha256;
  if (!slot) {
    slot.reset(EVP_MAC_CTX_new(mac));
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string("digest", const_cast<char*>(digest_name), 0),
        OSSL_PARAM_construct_end()};
    if (!slot || EVP_MAC_CTX_set_params(slot.get(), params) != 1) {
      CryptoFailure("EVP_MAC_CTX_set_params");
    }
  }
  return slot.get();
}

template <size_t N>
std::array<uint8_t, N> Hmac(const char* digest_name, ByteView key, ByteView data) {
  std::array<uint8_t, N> out{};
  // EVP_MAC_init wants a non-null key pointer even for an empty key.
  static const uint8_t kEmpty = 0;
  EVP_MAC_CTX* ctx = HmacContext(digest_name);
  size_t size = 0;
  if (EVP_MAC_init(ctx, key.empty() ? &kEmpty : key.data(), key.size(), nullptr) != 1 ||
      EVP_MAC_update(ctx, data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &size, out.size()) != 1 || size != N) {
    CryptoFailure("HMAC");
  }
  return out;
}

template <size_t N>
std::array<uint8_t, N> Digest(const EVP_MD* md, ByteView data) {
  std::array<uint8_t, N> out{};
  unsigned int size = 0;
  static const uint8_t kEmpty = 0;
  const uint8_t* input = data.empty() ? &kEmpty : data.data();
  if (EVP_Digest(input, data.size(), out.data(), &size, md, nullptr) != 1 || size != N) {
    CryptoFailure("EVP_Digest");
  }
  return out;
}

Bytes JoinWithColons(std::initializer_list<std::string_view> parts) {
  Bytes out;
  bool first = true;
  for (std::string_view part : parts) {
    if (!first) out.push_back(':');
    out.insert(out.end(), part.begin(), part.end());
    first = false;
  }
  return out;
}

// The message bytes before the attribute at `offset`, with the header length field rewritten to
// end `attribute_size` bytes after it: the input to the HMAC or CRC (§14.5-§14.7).
Bytes PrefixWithAdjustedLength(ByteView raw, size_t offset, size_t attribute_size) {
  Bytes prefix(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(offset));
  const size_t length = offset + attribute_size - kHeaderSize;
  prefix[2] = static_cast<uint8_t>(length >> 8);
  prefix[3] = static_cast<uint8_t>(length);
  return prefix;
}

bool ConstantTimeEqual(ByteView a, ByteView b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

IntegrityKey IntegrityKey::ShortTerm(std::string_view password) {
  return IntegrityKey(Bytes(password.begin(), password.end()));
}

IntegrityKey IntegrityKey::LongTerm(std::string_view username, std::string_view realm,
                                    std::string_view password, PasswordAlgorithm algorithm) {
  const Bytes input = JoinWithColons({username, realm, password});
  switch (algorithm) {
    case PasswordAlgorithm::kMd5: {
      const auto md5 = Digest<16>(EVP_md5(), input);
      return IntegrityKey(Bytes(md5.begin(), md5.end()));
    }
    case PasswordAlgorithm::kSha256: {
      const auto sha = Digest<32>(EVP_sha256(), input);
      return IntegrityKey(Bytes(sha.begin(), sha.end()));
    }
  }
  std::fprintf(stderr, "parley::stun: unknown password algorithm %u\n",
               static_cast<unsigned>(algorithm));
  std::abort();
}

std::string_view IntegrityResultName(IntegrityResult result) {
  switch (result) {
    case IntegrityResult::kOk:
      return "ok";
    case IntegrityResult::kMissing:
      return "missing";
    case IntegrityResult::kMismatch:
      return "mismatch";
  }
  return "?";
}

std::array<uint8_t, 20> HmacSha1(ByteView key, ByteView data) {
  return Hmac<20>("SHA1", key, data);
}

std::array<uint8_t, 32> HmacSha256(ByteView key, ByteView data) {
  return Hmac<32>("SHA256", key, data);
}

std::array<uint8_t, 32> ComputeUserhash(std::string_view username, std::string_view realm) {
  return Digest<32>(EVP_sha256(), JoinWithColons({username, realm}));
}

IntegrityResult VerifyMessageIntegrity(const Message& message, const IntegrityKey& key) {
  const auto offset = message.message_integrity_offset();
  const auto attribute = message.Get<MessageIntegrity>();
  if (!offset || !attribute || message.raw().empty()) return IntegrityResult::kMissing;
  const size_t size = kAttributeHeaderSize + MessageIntegrity::kSize;
  const auto expected =
      HmacSha1(key.bytes(), PrefixWithAdjustedLength(message.raw(), *offset, size));
  return ConstantTimeEqual(expected, attribute->hmac) ? IntegrityResult::kOk
                                                      : IntegrityResult::kMismatch;
}

IntegrityResult VerifyMessageIntegritySha256(const Message& message, const IntegrityKey& key) {
  const auto offset = message.message_integrity_sha256_offset();
  const auto attribute = message.Get<MessageIntegritySha256>();
  if (!offset || !attribute || message.raw().empty()) return IntegrityResult::kMissing;
  const size_t truncated = attribute->hmac.size();
  const auto expected = HmacSha256(
      key.bytes(),
      PrefixWithAdjustedLength(message.raw(), *offset, kAttributeHeaderSize + truncated));
  // §14.6: a truncated value is compared over its leftmost bytes.
  return ConstantTimeEqual(ByteView(expected.data(), truncated), attribute->hmac)
             ? IntegrityResult::kOk
             : IntegrityResult::kMismatch;
}

IntegrityResult VerifyIntegrity(const Message& message, const IntegrityKey& key) {
  if (message.message_integrity_sha256_offset()) return VerifyMessageIntegritySha256(message, key);
  return VerifyMessageIntegrity(message, key);
}

IntegrityResult VerifyFingerprint(const Message& message) {
  const auto offset = message.fingerprint_offset();
  const auto attribute = message.Get<Fingerprint>();
  if (!offset || !attribute || message.raw().empty()) return IntegrityResult::kMissing;
  const uint32_t expected =
      Crc32(PrefixWithAdjustedLength(message.raw(), *offset, kAttributeHeaderSize + 4)) ^
      kFingerprintXor;
  return expected == attribute->value ? IntegrityResult::kOk : IntegrityResult::kMismatch;
}

IntegrityResult VerifyIntegrity(ByteView datagram, const IntegrityKey& key) {
  auto message = Parse(datagram);
  return message ? VerifyIntegrity(*message, key) : IntegrityResult::kMissing;
}

IntegrityResult VerifyFingerprint(ByteView datagram) {
  auto message = Parse(datagram);
  return message ? VerifyFingerprint(*message) : IntegrityResult::kMissing;
}

}  // namespace parley::stun
