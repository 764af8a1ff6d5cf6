// The Negotiator's state as one copyable value: a call works on a copy and commits it only when
// it succeeds, so a failed call changes nothing. Internal to the jsep layer.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/random.h"
#include "dtls/setup_role.h"
#include "ice/agent_types.h"
#include "ice/candidate.h"
#include "jsep/capabilities.h"
#include "jsep/transceiver.h"
#include "jsep/transport.h"
#include "jsep/types.h"
#include "sdp/session_description.h"

namespace parley::jsep::internal {

// What an m-section carries, as far as we can handle it.
enum class SectionKind { kAudio, kVideo, kData, kUnsupported };
// audio/video over a (D)TLS-SRTP profile, application over DTLS/SCTP with webrtc-datachannel;
// anything else is unsupported and gets rejected.
SectionKind KindOf(const sdp::MediaDescription& media);
std::optional<MediaKind> MediaKindOf(SectionKind kind);

// One m-line of the negotiated layout (the m-lines of the latest applied descriptions).
struct MLine {
  SectionKind kind = SectionKind::kUnsupported;
  std::string mid{};
  std::optional<TransceiverId> transceiver{};
  bool rejected = false;
  // The m= line as last described, to write it again when rejected.
  std::string media{};
  std::string proto{};
  std::vector<std::string> formats{};
};

struct TransceiverExtras {
  std::vector<CodecCapability> codec_preferences{};  // empty: the capabilities' order
  std::string sender_id{};                           // the msid track id while no track is set
  // webrtc-pc [[FiredDirection]] includes receiving: "ontrack" fired and no removal since.
  bool receiving = false;
  // The m-line the last created offer gave this unassociated transceiver.
  std::optional<size_t> offered_mline_index{};
};

struct StoredDescription {
  SdpType type = SdpType::kOffer;
  sdp::SessionDescription sdp{};
};

// What SetLocalDescription(offer) or SetRemoteDescription(offer) found, for their rollback.
struct RollbackPoint {
  std::vector<Transceiver> transceivers{};
  std::map<TransceiverId, TransceiverExtras> extras;
  std::vector<MLine> mlines{};
  std::optional<ice::Role> ice_role{};
};

struct State {
  SignalingState signaling = SignalingState::kStable;
  std::vector<Transceiver> transceivers{};  // sorted: m-line order, then the others by id
  std::map<TransceiverId, TransceiverExtras> extras;
  std::vector<MLine> mlines{};
  std::optional<StoredDescription> current_local, pending_local, current_remote, pending_remote;
  std::optional<ice::Role> ice_role{};
  std::optional<dtls::Role> dtls_role{};
  std::optional<SctpParameters> sctp{};
  bool data_requested = false;
  std::optional<size_t> data_offered_mline_index{};
  std::set<std::string> used_mids{};  // never reused
  // restartIce() was called and no description with new credentials was applied since.
  bool ice_restart_requested = false;
  // The credentials the next ICE-restart offer or answer uses.
  std::optional<ice::Credentials> next_local_credentials{};
  std::vector<ice::Candidate> local_candidates{};  // of the current credentials
  bool local_end_of_candidates = false;
  std::set<std::string> remote_ufrags{};  // every remote ice-ufrag seen
  std::optional<RollbackPoint> rollback{};
};

Transceiver* FindTransceiver(State& state, TransceiverId id);
const Transceiver* FindTransceiver(const State& state, TransceiverId id);
// m-line order, then the others by id.
void SortTransceivers(State& state);
RollbackPoint MakeRollbackPoint(const State& state);
// Back to the state before the offer: mids and m-lines given by it are taken back, transceivers
// it created go (unless a track was attached since), signaling is stable again.
void RestoreRollbackPoint(State& state);

const StoredDescription* LatestLocal(const State& state);
const StoredDescription* LatestRemote(const State& state);
// The ICE credentials of a description's transport section.
std::optional<ice::Credentials> TransportCredentials(const sdp::SessionDescription& description);
// TransportSection() once offer/answer has run: the tag is the first mid of the BUNDLE group
// that neither side rejected (RFC 8843 §7.3.1: an answerer that rejects the offerer's tag moves
// the transport to the next mid of the group).
std::optional<size_t> NegotiatedTransportSection(const State& state,
                                                 const sdp::SessionDescription& description);

// A random SSRC, non-zero and distinct from those of `state`'s transceivers.
uint32_t NewSsrc(Random& random, const State& state);
std::string NewId(Random& random, size_t length);

}  // namespace parley::jsep::internal
