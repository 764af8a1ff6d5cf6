// Two Negotiators that exchange descriptions in memory, and helpers to look into SDP text.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/random.h"
#include "jsep/negotiator.h"
#include "sdp/session_description.h"

namespace parley::jsep::testing {

// A config with a fixed sha-256 fingerprint made of `fingerprint_byte` and fixed credentials.
Config TestConfig(uint8_t fingerprint_byte, std::string ufrag, std::string pwd);

struct Peer {
  Peer(uint64_t seed, uint8_t fingerprint_byte, std::string ufrag, std::string pwd);
  SeededRandom random;
  Negotiator negotiator;
  Negotiator* operator->() { return &negotiator; }
};

// Alice and Bob with distinct fingerprints and credentials.
struct Pair {
  Peer alice{1, 0xA1, "aliceufr", "alicepasswordalicepassword"};
  Peer bob{2, 0xB2, "bobufrag", "bobpasswordbobpasswordbobpw"};
};

// One complete offer/answer, offerer first.
struct Exchange {
  std::string offer;
  std::string answer;
  Applied offerer_local;
  Applied answerer_remote;
  Applied answerer_local;
  Applied offerer_remote;
  bool ok = false;
};
Exchange Negotiate(Negotiator& offerer, Negotiator& answerer, OfferOptions options = {});

// Result<T> unwrapping that fails the test with the error's text.
template <typename T>
T Must(Result<T> result) {
  if (!result.ok()) {
    ADD_FAILURE() << result.error();
    return T{};
  }
  return std::move(result).value();
}
inline void Must(Result<void> result) {
  if (!result.ok()) ADD_FAILURE() << result.error();
}

sdp::SessionDescription ParseSdp(std::string_view text);
// The m-section with this mid (fails the test if none).
sdp::MediaDescription Section(std::string_view text, std::string_view mid);
sdp::MediaDescription SectionAt(std::string_view text, size_t index);
// The whole line "a=..." (without CRLF) occurs in the text.
bool HasLine(std::string_view text, std::string_view line);
// Replaces the first occurrence of `from` by `to` (fails the test if absent).
std::string Replace(std::string text, std::string_view from, std::string_view to);
// Removes every line that starts with `prefix`.
std::string RemoveLines(std::string text, std::string_view prefix);
// A fixture file of tests/sdp/fixtures/ (or tests/jsep/fixtures/), as bytes.
std::string ReadFixture(std::string_view path);

// Everything a failed call must leave as it was.
struct Snapshot {
  SignalingState state;
  std::vector<Transceiver> transceivers;
  std::optional<Negotiator::Description> local;
  std::optional<Negotiator::Description> remote;
  std::optional<Negotiator::Description> current_local;
  std::optional<Negotiator::Description> current_remote;
  bool negotiation_needed;
  bool operator==(const Snapshot&) const = default;
};
Snapshot Take(const Negotiator& negotiator);

}  // namespace parley::jsep::testing
