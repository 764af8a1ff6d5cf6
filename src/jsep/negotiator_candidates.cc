// Trickle ICE through the descriptions (RFC 8838, RFC 8840 §4.2, webrtc-pc §4.4.1.5
// addIceCandidate): remote candidates checked against the remote description and recorded in
// it; local ones recorded in the local description.
#include <algorithm>

#include "jsep/negotiator.h"

namespace parley::jsep {

Result<std::optional<ice::Candidate>> Negotiator::AddRemoteCandidate(
    std::string_view candidate, std::optional<std::string> sdp_mid,
    std::optional<int> sdp_mline_index, std::optional<std::string> username_fragment) {
  if (state_.signaling == SignalingState::kClosed)
    return InvalidStateError("addIceCandidate is not allowed: the connection is closed");
  const bool end_of_candidates = candidate.empty();
  if (!end_of_candidates && !sdp_mid && !sdp_mline_index)
    return TypeError("addIceCandidate: a candidate needs an sdpMid or an sdpMLineIndex");
  internal::StoredDescription* stored =
      state_.pending_remote ? &*state_.pending_remote
                            : (state_.current_remote ? &*state_.current_remote : nullptr);
  if (stored == nullptr)
    return InvalidStateError("addIceCandidate: there is no remote description yet");
  sdp::SessionDescription& remote = stored->sdp;

  // webrtc-pc: the mid wins over the index.
  std::optional<size_t> index;
  if (sdp_mid) {
    index = FindMid(remote, *sdp_mid);
    if (!index) return OperationError("addIceCandidate: no m-section with mid '" + *sdp_mid + "'");
  } else if (sdp_mline_index) {
    if (*sdp_mline_index < 0 || static_cast<size_t>(*sdp_mline_index) >= remote.media.size())
      return OperationError("addIceCandidate: no m-section with index " +
                            std::to_string(*sdp_mline_index));
    index = static_cast<size_t>(*sdp_mline_index);
  }

  std::optional<ice::Candidate> parsed;
  if (!end_of_candidates) {
    Result<ice::Candidate> result = ice::Candidate::Parse(candidate);
    if (!result) return SyntaxError("addIceCandidate: " + result.error().message());
    parsed = std::move(*result);
    if (!username_fragment)
      if (auto ufrag = parsed->extension("ufrag")) username_fragment = std::string(*ufrag);
  }

  // A ufrag of an earlier remote description (an old ICE generation) or of an m-section whose
  // transport we do not use: nothing to add. One no remote description had: an error.
  if (username_fragment) {
    std::optional<ice::Credentials> current = internal::TransportCredentials(remote);
    if (!current || current->ufrag != *username_fragment) {
      if (state_.remote_ufrags.count(*username_fragment)) return std::optional<ice::Candidate>();
      return OperationError("addIceCandidate: no remote description has the ufrag '" +
                            *username_fragment + "'");
    }
  }

  if (end_of_candidates) {
    // RFC 8840 §4.2: for one m-section, or (no mid, no index) for all of them.
    for (size_t i = 0; i < remote.media.size(); ++i) {
      if (index && i != *index) continue;
      if (!remote.media[i].Has("end-of-candidates")) remote.media[i].Add("end-of-candidates");
    }
    return std::optional<ice::Candidate>();
  }
  // A rejected m-section, or one outside the BUNDLE group we use, has no transport to add to.
  if (!UsesTransport(remote, *index)) return std::optional<ice::Candidate>();
  std::string value = parsed->ToString().substr(std::string_view("candidate:").size());
  std::vector<std::string_view> present = remote.media[*index].Values("candidate");
  if (std::find(present.begin(), present.end(), value) == present.end())
    remote.media[*index].Add("candidate", std::move(value));
  return parsed;
}

std::optional<Negotiator::CandidateLocation> Negotiator::AddLocalCandidate(
    const ice::Candidate& candidate) {
  if (state_.signaling == SignalingState::kClosed) return std::nullopt;
  const internal::StoredDescription* local = internal::LatestLocal(state_);
  if (local == nullptr) return std::nullopt;
  std::optional<size_t> tag = internal::NegotiatedTransportSection(state_, local->sdp);
  if (!tag) return std::nullopt;
  if (std::find(state_.local_candidates.begin(), state_.local_candidates.end(), candidate) ==
      state_.local_candidates.end())
    state_.local_candidates.push_back(candidate);
  return CandidateLocation{MidOf(local->sdp.media[*tag]), static_cast<int>(*tag)};
}

void Negotiator::SetLocalEndOfCandidates() {
  state_.local_end_of_candidates = true;
}

}  // namespace parley::jsep
