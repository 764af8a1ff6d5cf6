// Injectable randomness. Protocol code takes a Random& so tests can make it deterministic:
// CryptoRandom (OpenSSL's CSPRNG) in production for ids, ICE credentials and keys; SeededRandom
// (xoshiro256**) in the simulator so every run reproduces from its seed. SeededRandom must never
// produce keys or credentials outside tests.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace parley {

class Random {
 public:
  virtual ~Random() = default;
  virtual void Fill(std::span<uint8_t> out) = 0;

  uint32_t NextU32();
  uint64_t NextU64();
  // Uniform in [lo, hi] (inclusive), without modulo bias.
  uint64_t Uniform(uint64_t lo, uint64_t hi);
  // Uniform in [0, 1).
  double NextDouble();
  bool Bernoulli(double probability) { return NextDouble() < probability; }
  // `length` characters drawn uniformly from `alphabet`, e.g. ICE ufrags from ice-char.
  std::string String(size_t length, std::string_view alphabet);
  // ICE ufrag/pwd characters (RFC 8839 §5.4 ice-char: ALPHA / DIGIT / "+" / "/").
  static constexpr std::string_view kIceChars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
};

// Cryptographically secure: OpenSSL RAND_bytes. Thread-safe. Aborts if the CSPRNG fails, since
// continuing with weak keys would be worse.
class CryptoRandom final : public Random {
 public:
  void Fill(std::span<uint8_t> out) override;
  // A process-wide instance.
  static CryptoRandom& Instance();
};

// Deterministic xoshiro256** seeded through splitmix64. Not thread-safe, not secure.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed);
  void Fill(std::span<uint8_t> out) override;
  uint64_t seed() const { return seed_; }

 private:
  uint64_t Next();
  uint64_t seed_;
  std::array<uint64_t, 4> state_{};
};

}  // namespace parley
