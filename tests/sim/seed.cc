#include "sim/seed.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace parley::sim {
namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

uint64_t SeedFromEnv(uint64_t fallback) {
  const char* text = std::getenv(kSeedEnvVar);
  if (text == nullptr || *text == '\0') return fallback;
  errno = 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 0);
  if (errno != 0 || end == text || *end != '\0' || *text == '-') {
    std::fprintf(stderr, "parley sim: malformed %s=\"%s\"\n", kSeedEnvVar, text);
    std::abort();
  }
  return value;
}

uint64_t DeriveSeed(uint64_t seed, std::string_view component) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a.
  for (char c : component)
    h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
  return SplitMix64(seed ^ SplitMix64(h));
}

std::string SeedMessage(uint64_t seed) {
  const std::string n = std::to_string(seed);
  return "seed=" + n + " (rerun with " + kSeedEnvVar + "=" + n + ")";
}

}  // namespace parley::sim
