// Applies arbitrary text as a remote offer (and as a remote answer to an offer of ours) to a JSEP
// Negotiator. Nothing may crash, and what the Negotiator accepted it must be able to carry on
// with: an accepted remote offer is answered, our answer applies, and our next offer applies
// too; a rejected description leaves the state as it was.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/random.h"
#include "jsep/negotiator.h"

namespace {

using namespace parley;
using namespace parley::jsep;

Config FuzzConfig() {
  Config config;
  config.local_credentials = {"fuzzufrag", "fuzzpasswordfuzzpassword"};
  config.local_fingerprints = {dtls::Fingerprint{dtls::HashAlgorithm::kSha256, Bytes(32, 0x5A)}};
  config.cname = "fuzz";
  return config;
}

void Require(bool condition) {
  if (!condition) std::abort();
}

void AsOffer(std::string_view text) {
  SeededRandom random(1);
  Negotiator negotiator(FuzzConfig(), random);
  negotiator.AddTransceiver(MediaKind::kAudio, {.stream_ids = {"s"}, .track_id = "mic"});
  auto applied = negotiator.SetRemoteDescription(SdpType::kOffer, text);
  if (!applied.ok()) {
    Require(negotiator.signaling_state() == SignalingState::kStable);
    Require(!negotiator.remote_description());
    return;
  }
  (void)negotiator.AddRemoteCandidate("candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0,
                                      std::nullopt);
  (void)negotiator.AddRemoteCandidate("", std::nullopt, std::nullopt, std::nullopt);
  auto answer = negotiator.CreateAnswer();
  Require(answer.ok());
  Require(negotiator.SetLocalDescription(SdpType::kAnswer, *answer).ok());
  (void)negotiator.AddLocalCandidate(
      *ice::Candidate::Parse("candidate:2 1 udp 2 127.0.0.1 9 typ host"));
  negotiator.AddTransceiver(MediaKind::kVideo);
  negotiator.RequestDataChannel();
  auto offer = negotiator.CreateOffer({});
  Require(offer.ok());
  Require(negotiator.SetLocalDescription(SdpType::kOffer, *offer).ok());
  Require(negotiator.SetLocalDescription(SdpType::kRollback, "").ok());
}

void AsAnswer(std::string_view text) {
  SeededRandom random(2);
  Negotiator negotiator(FuzzConfig(), random);
  negotiator.AddTransceiver(MediaKind::kAudio);
  negotiator.AddTransceiver(MediaKind::kVideo);
  negotiator.RequestDataChannel();
  auto offer = negotiator.CreateOffer({});
  Require(offer.ok());
  Require(negotiator.SetLocalDescription(SdpType::kOffer, *offer).ok());
  auto applied = negotiator.SetRemoteDescription(SdpType::kAnswer, text);
  if (!applied.ok()) {
    Require(negotiator.signaling_state() == SignalingState::kHaveLocalOffer);
    Require(negotiator.local_description()->sdp == *offer);
    return;
  }
  (void)negotiator.negotiation_needed();
  auto next = negotiator.CreateOffer({});
  Require(next.ok());
  Require(negotiator.SetLocalDescription(SdpType::kOffer, *next).ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  AsOffer(text);
  AsAnswer(text);
  return 0;
}
