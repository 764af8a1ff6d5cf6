#include "jsep/transport.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "ice/credentials.h"

namespace parley::jsep {
namespace {

// The section's value of a=name, else the session's.
std::optional<std::string_view> Effective(const sdp::SessionDescription& description,
                                          const sdp::MediaDescription& media,
                                          std::string_view name) {
  if (auto value = media.Value(name)) return value;
  return description.Value(name);
}

std::string Where(const sdp::MediaDescription& media, size_t index) {
  std::string mid = MidOf(media);
  if (mid.empty()) return "m-section " + std::to_string(index);
  return "the m-section with mid '" + mid + "'";
}

std::optional<uint64_t> ParseNumber(std::string_view text, uint64_t max) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

}  // namespace

SctpParameters ReadSctp(const sdp::MediaDescription& media) {
  SctpParameters sctp;
  sctp.mid = MidOf(media);
  std::optional<uint64_t> port;
  if (auto value = media.Value("sctp-port")) port = ParseNumber(*value, 65535);
  if (!port)
    if (auto sctpmap = media.Value("sctpmap"))  // "5000 webrtc-datachannel 1024" (pre-RFC 8841)
      port = ParseNumber(sctpmap->substr(0, sctpmap->find(' ')), 65535);
  if (port) sctp.remote_port = static_cast<uint16_t>(*port);
  if (auto value = media.Value("max-message-size")) {
    if (auto size = ParseNumber(*value, UINT64_MAX))
      sctp.remote_max_message_size =
          *size == 0 || *size > SIZE_MAX ? SIZE_MAX : static_cast<size_t>(*size);
  }
  return sctp;
}

bool IsRejected(const sdp::MediaDescription& media) {
  return media.port == 0 && !media.Has("bundle-only");
}

std::string MidOf(const sdp::MediaDescription& media) {
  return std::string(media.Value("mid").value_or(""));
}

std::optional<size_t> FindMid(const sdp::SessionDescription& description, std::string_view mid) {
  for (size_t i = 0; i < description.media.size(); ++i)
    if (description.media[i].Value("mid") == mid) return i;
  return std::nullopt;
}

std::optional<sdp::Group> BundleGroup(const sdp::SessionDescription& description) {
  for (std::string_view value : description.Values("group")) {
    auto group = sdp::Group::Parse(value);
    if (group && group->semantics == "BUNDLE") return *group;
  }
  return std::nullopt;
}

std::optional<size_t> TransportSection(const sdp::SessionDescription& description) {
  if (auto group = BundleGroup(description)) {
    for (const std::string& mid : group->mids) {
      std::optional<size_t> index = FindMid(description, mid);
      if (index && !IsRejected(description.media[*index])) return index;
    }
  }
  for (size_t i = 0; i < description.media.size(); ++i)
    if (!IsRejected(description.media[i])) return i;
  return std::nullopt;
}

bool UsesTransport(const sdp::SessionDescription& description, size_t index) {
  if (index >= description.media.size() || IsRejected(description.media[index])) return false;
  if (TransportSection(description) == index) return true;
  std::optional<sdp::Group> group = BundleGroup(description);
  if (!group) return false;
  std::string mid = MidOf(description.media[index]);
  return !mid.empty() &&
         std::find(group->mids.begin(), group->mids.end(), mid) != group->mids.end();
}

std::optional<ice::Credentials> CredentialsOf(const sdp::SessionDescription& description,
                                              size_t index) {
  if (index >= description.media.size()) return std::nullopt;
  const sdp::MediaDescription& media = description.media[index];
  auto ufrag = Effective(description, media, "ice-ufrag");
  auto pwd = Effective(description, media, "ice-pwd");
  if (!ufrag || !pwd) return std::nullopt;
  return ice::Credentials{std::string(*ufrag), std::string(*pwd)};
}

Result<TransportParameters> ReadTransport(const sdp::SessionDescription& description,
                                          size_t index) {
  const sdp::MediaDescription& media = description.media[index];
  TransportParameters transport;
  auto ufrag = Effective(description, media, "ice-ufrag");
  if (!ufrag) return InvalidAccessError(Where(media, index) + " has no a=ice-ufrag");
  auto pwd = Effective(description, media, "ice-pwd");
  if (!pwd) return InvalidAccessError(Where(media, index) + " has no a=ice-pwd");
  transport.remote_credentials = {std::string(*ufrag), std::string(*pwd)};
  if (auto valid = ice::ValidateCredentials(transport.remote_credentials); !valid)
    return SyntaxError(Where(media, index) + ": " + valid.error().message());

  std::vector<std::string_view> fingerprints = media.Values("fingerprint");
  if (fingerprints.empty()) fingerprints = description.Values("fingerprint");
  if (fingerprints.empty())
    return InvalidAccessError(Where(media, index) + " has no a=fingerprint");
  for (std::string_view value : fingerprints) {
    auto fingerprint = dtls::Fingerprint::Parse(value);
    if (!fingerprint)
      return SyntaxError(Where(media, index) + ": " + fingerprint.error().message());
    transport.remote_fingerprints.push_back(*fingerprint);
  }

  auto setup_value = Effective(description, media, "setup");
  if (!setup_value) return InvalidAccessError(Where(media, index) + " has no a=setup");
  std::optional<dtls::Setup> setup = dtls::ParseSetup(*setup_value);
  if (!setup)
    return SyntaxError(Where(media, index) + ": unknown a=setup value '" +
                       std::string(*setup_value) + "'");
  transport.remote_setup = *setup;

  transport.ice_lite = description.Has("ice-lite") || media.Has("ice-lite");
  for (std::string_view value : media.Values("candidate"))
    if (auto candidate = ice::Candidate::Parse("candidate:" + std::string(value)))
      transport.remote_candidates.push_back(*candidate);
  transport.end_of_candidates =
      media.Has("end-of-candidates") || description.Has("end-of-candidates");
  return transport;
}

void WriteTransport(sdp::MediaDescription& media, const ice::Credentials& credentials,
                    const std::vector<dtls::Fingerprint>& fingerprints, dtls::Setup setup) {
  media.Add("ice-ufrag", credentials.ufrag);
  media.Add("ice-pwd", credentials.pwd);
  media.Add("ice-options", "trickle");
  for (const dtls::Fingerprint& fingerprint : fingerprints)
    media.Add("fingerprint", fingerprint.ToString());
  media.Add("setup", std::string(dtls::ToString(setup)));
}

}  // namespace parley::jsep
