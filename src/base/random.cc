#include "base/random.h"

#include <openssl/rand.h>

#include <bit>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace parley {

uint32_t Random::NextU32() {
  uint8_t b[4];
  Fill(b);
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

uint64_t Random::NextU64() {
  uint64_t v;
  uint8_t b[8];
  Fill(b);
  std::memcpy(&v, b, sizeof v);
  return v;
}

uint64_t Random::Uniform(uint64_t lo, uint64_t hi) {
  if (hi <= lo) return lo;
  const uint64_t span = hi - lo;
  if (span == UINT64_MAX) return NextU64();
  const uint64_t range = span + 1;
  // Rejection sampling: discard the top partial bucket so every value is equally likely.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % range);
  uint64_t v;
  do {
    v = NextU64();
  } while (v >= limit);
  return lo + v % range;
}

double Random::NextDouble() {
  // 53 random bits give every representable multiple of 2^-53 in [0, 1).
  return static_cast<double>(NextU64() >> 11) * 0x1.0p-53;
}

std::string Random::String(size_t length, std::string_view alphabet) {
  std::string out;
  out.reserve(length);
  for (size_t i = 0; i < length; ++i)
    out.push_back(alphabet[Uniform(0, alphabet.size() - 1)]);
  return out;
}

void CryptoRandom::Fill(std::span<uint8_t> out) {
  if (out.empty()) return;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) std::abort();
}

CryptoRandom& CryptoRandom::Instance() {
  static CryptoRandom instance;
  return instance;
}

namespace {
uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
}  // namespace

SeededRandom::SeededRandom(uint64_t seed) : seed_(seed) {
  uint64_t x = seed;
  for (auto& s : state_)
    s = SplitMix64(x);
}

uint64_t SeededRandom::Next() {
  const uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = std::rotl(state_[3], 45);
  return result;
}

void SeededRandom::Fill(std::span<uint8_t> out) {
  size_t i = 0;
  while (i < out.size()) {
    uint64_t v = Next();
    for (int b = 0; b < 8 && i < out.size(); ++b, ++i)
      out[i] = static_cast<uint8_t>(v >> (8 * b));
  }
}

}  // namespace parley
