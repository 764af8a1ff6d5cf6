// Base-layer costs against references in the same process:
//  - CryptoRandom::Fill vs a direct OpenSSL RAND_bytes call (the wrapper's overhead);
//  - ByteReader parsing of a 20-byte STUN-like header vs a raw unchecked memcpy-based read (the
//    price of bounds checking).
#include <benchmark/benchmark.h>
#include <openssl/rand.h>

#include <array>
#include <cstring>

#include "base/byte_io.h"
#include "base/random.h"

namespace {

void BM_RandBytesReference(benchmark::State& state) {
  std::array<uint8_t, 16> out{};
  for (auto _ : state) {
    RAND_bytes(out.data(), static_cast<int>(out.size()));
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_RandBytesReference);

void BM_CryptoRandomFill(benchmark::State& state) {
  std::array<uint8_t, 16> out{};
  parley::Random& rng = parley::CryptoRandom::Instance();
  for (auto _ : state) {
    rng.Fill(out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_CryptoRandomFill);

constexpr std::array<uint8_t, 20> kHeader = {0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4,
                                             0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                             0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

// Both variants fold the parsed fields into one value, as a parser consuming them would; forcing
// each std::optional into memory would measure store-forwarding stalls, not parsing.
void BM_HeaderUncheckedReference(benchmark::State& state) {
  const uint8_t* p = kHeader.data();
  for (auto _ : state) {
    benchmark::DoNotOptimize(p);  // Re-read every iteration, as ByteReader must.
    uint16_t type, length;
    uint32_t cookie;
    std::array<uint8_t, 12> txid;
    std::memcpy(&type, p, 2);
    std::memcpy(&length, p + 2, 2);
    std::memcpy(&cookie, p + 4, 4);
    std::memcpy(txid.data(), p + 8, 12);
    uint64_t folded = __builtin_bswap16(type) + __builtin_bswap16(length) +
                      __builtin_bswap32(cookie) + txid[0] + txid[11];
    benchmark::DoNotOptimize(folded);
  }
}
BENCHMARK(BM_HeaderUncheckedReference);

void BM_HeaderByteReader(benchmark::State& state) {
  std::span<const uint8_t> input(kHeader);
  for (auto _ : state) {
    benchmark::DoNotOptimize(input);
    parley::ByteReader r(input);
    auto type = r.ReadU16();
    auto length = r.ReadU16();
    auto cookie = r.ReadU32();
    std::array<uint8_t, 12> txid;
    uint64_t folded = 0;
    if (type && length && cookie && r.ReadInto(txid)) {
      folded = *type + *length + *cookie + txid[0] + txid[11];
    }
    benchmark::DoNotOptimize(folded);
  }
}
BENCHMARK(BM_HeaderByteReader);

}  // namespace
