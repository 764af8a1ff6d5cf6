// The transport attributes of a description (RFC 8839 ICE, RFC 8122 fingerprints, RFC 8842
// a=setup) and BUNDLE (RFC 8843): which m-section's transport a description uses, reading the
// peer's, writing ours.
//
// Every m-section we accept shares one transport: the BUNDLE tag's (the first mid of the first
// BUNDLE group; without BUNDLE, the first m-section that is not rejected). Session-level
// ice-ufrag, ice-pwd, fingerprint and setup apply where the m-section has none (RFC 8839 §5.4,
// RFC 8122 §5, RFC 8842 §5); an m-section's own value wins, so peers that use a different
// ice-ufrag in every m-section (aiortc) are read through the tag's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dtls/fingerprint.h"
#include "dtls/setup_role.h"
#include "ice/agent_types.h"
#include "ice/candidate.h"
#include "parley/result.h"
#include "sdp/attributes.h"

namespace parley::jsep {

// From the remote description: what the PeerConnection's ICE agent and DTLS endpoint need.
struct TransportParameters {
  ice::Credentials remote_credentials{};
  bool ice_lite = false;  // a=ice-lite (RFC 8839 §5.3)
  std::vector<dtls::Fingerprint> remote_fingerprints{};
  dtls::Setup remote_setup = dtls::Setup::kActpass;
  // a=candidate lines of the tag's m-section (peers without trickle put all of them there);
  // lines that do not parse are skipped.
  std::vector<ice::Candidate> remote_candidates{};
  bool end_of_candidates = false;  // a=end-of-candidates (RFC 8840 §8.2)

  bool operator==(const TransportParameters&) const = default;
};

// The negotiated m=application section (RFC 8841): the remote's a=sctp-port and
// a=max-message-size.
struct SctpParameters {
  std::string mid{};
  uint16_t remote_port = 5000;  // absent: 5000 (RFC 8841 §5)
  // Absent: 64 KiB (RFC 8841 §6); 0 ("any size") reads as SIZE_MAX.
  size_t remote_max_message_size = 65536;

  bool operator==(const SctpParameters&) const = default;
};
// The remote's a=sctp-port (or legacy a=sctpmap port) and a=max-message-size of a section; a
// value that does not parse counts as absent.
SctpParameters ReadSctp(const sdp::MediaDescription& media);

// Port 0 without a=bundle-only (RFC 8843 §6: bundle-only m-sections have port 0 but live).
bool IsRejected(const sdp::MediaDescription& media);
// a=mid, or "" without one.
std::string MidOf(const sdp::MediaDescription& media);
std::optional<size_t> FindMid(const sdp::SessionDescription& description, std::string_view mid);
// The first a=group:BUNDLE (we use one transport, so only one group).
std::optional<sdp::Group> BundleGroup(const sdp::SessionDescription& description);
// The tag's index: the first mid of the BUNDLE group naming a section that is not rejected;
// without a group, the first section that is not rejected. nullopt if every one is.
std::optional<size_t> TransportSection(const sdp::SessionDescription& description);
// Whether section `index` uses the tag's transport: it is the tag or in the BUNDLE group.
bool UsesTransport(const sdp::SessionDescription& description, size_t index);

// The transport parameters of section `index` (session-level values filling gaps).
// InvalidAccessError naming the missing attribute; SyntaxError for one that does not parse.
Result<TransportParameters> ReadTransport(const sdp::SessionDescription& description, size_t index);
// Just the ICE credentials of section `index` (nullopt if either is missing).
std::optional<ice::Credentials> CredentialsOf(const sdp::SessionDescription& description,
                                              size_t index);

// a=ice-ufrag, a=ice-pwd, a=ice-options:trickle, a=fingerprint (each), a=setup.
void WriteTransport(sdp::MediaDescription& media, const ice::Credentials& credentials,
                    const std::vector<dtls::Fingerprint>& fingerprints, dtls::Setup setup);

}  // namespace parley::jsep
