#include "negotiation_harness.h"

#include <fstream>
#include <sstream>

namespace parley::jsep::testing {

Config TestConfig(uint8_t fingerprint_byte, std::string ufrag, std::string pwd) {
  Config config;
  config.local_credentials = {std::move(ufrag), std::move(pwd)};
  config.local_fingerprints = {
      dtls::Fingerprint{dtls::HashAlgorithm::kSha256, Bytes(32, fingerprint_byte)}};
  config.cname = "cname-" + std::to_string(fingerprint_byte);
  return config;
}

Peer::Peer(uint64_t seed, uint8_t fingerprint_byte, std::string ufrag, std::string pwd)
    : random(seed),
      negotiator(TestConfig(fingerprint_byte, std::move(ufrag), std::move(pwd)), random) {}

Exchange Negotiate(Negotiator& offerer, Negotiator& answerer, OfferOptions options) {
  Exchange exchange;
  auto offer = offerer.CreateOffer(options);
  if (!offer.ok()) {
    ADD_FAILURE() << "createOffer: " << offer.error();
    return exchange;
  }
  exchange.offer = *offer;
  auto offerer_local = offerer.SetLocalDescription(SdpType::kOffer, exchange.offer);
  if (!offerer_local.ok()) {
    ADD_FAILURE() << offerer_local.error() << "\n" << exchange.offer;
    return exchange;
  }
  exchange.offerer_local = *offerer_local;
  auto answerer_remote = answerer.SetRemoteDescription(SdpType::kOffer, exchange.offer);
  if (!answerer_remote.ok()) {
    ADD_FAILURE() << answerer_remote.error() << "\n" << exchange.offer;
    return exchange;
  }
  exchange.answerer_remote = *answerer_remote;
  auto answer = answerer.CreateAnswer();
  if (!answer.ok()) {
    ADD_FAILURE() << "createAnswer: " << answer.error();
    return exchange;
  }
  exchange.answer = *answer;
  auto answerer_local = answerer.SetLocalDescription(SdpType::kAnswer, exchange.answer);
  if (!answerer_local.ok()) {
    ADD_FAILURE() << answerer_local.error() << "\n" << exchange.answer;
    return exchange;
  }
  exchange.answerer_local = *answerer_local;
  auto offerer_remote = offerer.SetRemoteDescription(SdpType::kAnswer, exchange.answer);
  if (!offerer_remote.ok()) {
    ADD_FAILURE() << offerer_remote.error() << "\n" << exchange.answer;
    return exchange;
  }
  exchange.offerer_remote = *offerer_remote;
  exchange.ok = true;
  return exchange;
}

sdp::SessionDescription ParseSdp(std::string_view text) {
  auto parsed = sdp::Parse(text);
  if (!parsed.ok()) {
    ADD_FAILURE() << parsed.error() << "\n" << text;
    return {};
  }
  return *parsed;
}

sdp::MediaDescription Section(std::string_view text, std::string_view mid) {
  for (const sdp::MediaDescription& media : ParseSdp(text).media)
    if (media.Value("mid") == mid) return media;
  ADD_FAILURE() << "no m-section with mid " << mid << " in\n" << text;
  return {};
}

sdp::MediaDescription SectionAt(std::string_view text, size_t index) {
  sdp::SessionDescription description = ParseSdp(text);
  if (index < description.media.size()) return description.media[index];
  ADD_FAILURE() << "no m-section " << index << " in\n" << text;
  return {};
}

bool HasLine(std::string_view text, std::string_view line) {
  std::string needle = "\r\n" + std::string(line) + "\r\n";
  return ("\r\n" + std::string(text)).find(needle) != std::string::npos;
}

std::string Replace(std::string text, std::string_view from, std::string_view to) {
  size_t at = text.find(from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "'" << from << "' not in\n" << text;
    return text;
  }
  return text.replace(at, from.size(), to);
}

std::string RemoveLines(std::string text, std::string_view prefix) {
  std::string out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line))
    if (!line.starts_with(prefix)) out += line + "\n";
  return out;
}

std::string ReadFixture(std::string_view path) {
  std::ifstream file(std::string(PARLEY_SOURCE_DIR) + "/tests/" + std::string(path),
                     std::ios::binary);
  if (!file) {
    ADD_FAILURE() << "cannot read fixture " << path;
    return {};
  }
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

Snapshot Take(const Negotiator& negotiator) {
  return Snapshot{negotiator.signaling_state(),           negotiator.transceivers(),
                  negotiator.local_description(),         negotiator.remote_description(),
                  negotiator.current_local_description(), negotiator.current_remote_description(),
                  negotiator.negotiation_needed()};
}

}  // namespace parley::jsep::testing
