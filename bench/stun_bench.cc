// STUN parse + integrity check throughput (issue 3), against the inherent cost in the same
// process: one raw OpenSSL HMAC-SHA1 over the same bytes (what any STUN stack must pay per
// authenticated check) plus a CRC-32 for FINGERPRINT. The ratio is the price of our parsing,
// validation and attribute bookkeeping on top of the cryptography.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include <array>

#include "stun/crc32.h"
#include "stun/integrity.h"
#include "stun/message.h"
#include "stun/rfc5769_vectors.h"  // tests/stun/

namespace {

using parley::stun::rfc5769::kSampleRequest;
using parley::stun::rfc5769::kShortTermPassword;

// Checking the RFC 5769 §2.1 request as an ICE agent does: parse, verify MESSAGE-INTEGRITY with
// the short-term key, verify FINGERPRINT, read USERNAME and PRIORITY.
void BM_StunParseAndVerify(benchmark::State& state) {
  const auto key = parley::stun::IntegrityKey::ShortTerm(kShortTermPassword);
  for (auto _ : state) {
    auto message = parley::stun::Parse(kSampleRequest);
    bool ok = message &&
              parley::stun::VerifyIntegrity(*message, key) == parley::stun::IntegrityResult::kOk &&
              parley::stun::VerifyFingerprint(*message) == parley::stun::IntegrityResult::kOk &&
              message->Get<parley::stun::Username>() && message->Get<parley::stun::Priority>();
    if (!ok) state.SkipWithError("vector did not verify");
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StunParseAndVerify);

// Reference 1, the cryptographic floor: one HMAC-SHA1 over the bytes before MESSAGE-INTEGRITY
// (offset 76 in this vector) with a pre-fetched, reused OpenSSL context, plus one CRC-32 over the
// bytes before FINGERPRINT. The ratio against it is the cost of parsing and validation.
void BM_CryptoFloorReference(benchmark::State& state) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char digest[] = "SHA1";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                         OSSL_PARAM_construct_end()};
  EVP_MAC_CTX_set_params(ctx, params);
  const auto* key = reinterpret_cast<const uint8_t*>(kShortTermPassword.data());
  for (auto _ : state) {
    std::array<uint8_t, 20> out;
    size_t size = 0;
    EVP_MAC_init(ctx, key, kShortTermPassword.size(), nullptr);
    EVP_MAC_update(ctx, kSampleRequest.data(), 76);
    EVP_MAC_final(ctx, out.data(), &size, out.size());
    uint32_t crc = parley::stun::Crc32(std::span(kSampleRequest.data(), 100));
    benchmark::DoNotOptimize(out);
    benchmark::DoNotOptimize(crc);
  }
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CryptoFloorReference);

// Reference 2, the common way: OpenSSL's one-shot HMAC(), which fetches the algorithm per call.
void BM_OneShotHmacReference(benchmark::State& state) {
  for (auto _ : state) {
    std::array<uint8_t, EVP_MAX_MD_SIZE> out;
    unsigned int size = 0;
    HMAC(EVP_sha1(), kShortTermPassword.data(), static_cast<int>(kShortTermPassword.size()),
         kSampleRequest.data(), 76, out.data(), &size);
    uint32_t crc = parley::stun::Crc32(std::span(kSampleRequest.data(), 100));
    benchmark::DoNotOptimize(out);
    benchmark::DoNotOptimize(crc);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OneShotHmacReference);

}  // namespace
