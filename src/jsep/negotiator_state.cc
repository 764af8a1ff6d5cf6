#include "jsep/negotiator_state.h"

#include <algorithm>

namespace parley::jsep::internal {

SectionKind KindOf(const sdp::MediaDescription& media) {
  const std::string& proto = media.proto;
  if (media.media == "audio" || media.media == "video") {
    // UDP/TLS/RTP/SAVPF (JSEP §5.1.2), TCP/TLS/RTP/SAVPF, and the pre-DTLS "RTP/SAVPF".
    bool srtp = proto.ends_with("RTP/SAVPF") || proto.ends_with("RTP/SAVP");
    if (!srtp) return SectionKind::kUnsupported;
    return media.media == "audio" ? SectionKind::kAudio : SectionKind::kVideo;
  }
  if (media.media == "application") {
    bool sctp = proto == "UDP/DTLS/SCTP" || proto == "TCP/DTLS/SCTP";
    bool datachannel = std::find(media.formats.begin(), media.formats.end(),
                                 "webrtc-datachannel") != media.formats.end();
    if (sctp && datachannel) return SectionKind::kData;
    // The pre-RFC 8841 form aiortc still offers: "DTLS/SCTP 5000" with
    // "a=sctpmap:5000 webrtc-datachannel 65535".
    auto sctpmap = media.Value("sctpmap");
    if (proto == "DTLS/SCTP" && sctpmap && sctpmap->find("webrtc-datachannel") != sctpmap->npos)
      return SectionKind::kData;
  }
  return SectionKind::kUnsupported;
}

std::optional<MediaKind> MediaKindOf(SectionKind kind) {
  if (kind == SectionKind::kAudio) return MediaKind::kAudio;
  if (kind == SectionKind::kVideo) return MediaKind::kVideo;
  return std::nullopt;
}

Transceiver* FindTransceiver(State& state, TransceiverId id) {
  for (Transceiver& transceiver : state.transceivers)
    if (transceiver.id == id) return &transceiver;
  return nullptr;
}

const Transceiver* FindTransceiver(const State& state, TransceiverId id) {
  for (const Transceiver& transceiver : state.transceivers)
    if (transceiver.id == id) return &transceiver;
  return nullptr;
}

void SortTransceivers(State& state) {
  std::stable_sort(state.transceivers.begin(), state.transceivers.end(),
                   [](const Transceiver& a, const Transceiver& b) {
                     if (a.mline_index.has_value() != b.mline_index.has_value())
                       return a.mline_index.has_value();
                     if (a.mline_index && *a.mline_index != *b.mline_index)
                       return *a.mline_index < *b.mline_index;
                     return a.id < b.id;
                   });
}

RollbackPoint MakeRollbackPoint(const State& state) {
  return RollbackPoint{state.transceivers, state.extras, state.mlines, state.ice_role};
}

void RestoreRollbackPoint(State& state) {
  if (!state.rollback) return;
  const RollbackPoint& point = *state.rollback;
  std::vector<Transceiver> kept;
  for (Transceiver& transceiver : state.transceivers) {
    auto before = std::find_if(point.transceivers.begin(), point.transceivers.end(),
                               [&](const Transceiver& t) { return t.id == transceiver.id; });
    TransceiverExtras& extras = state.extras[transceiver.id];
    if (before != point.transceivers.end()) {
      transceiver.mid = before->mid;
      transceiver.mline_index = before->mline_index;
      transceiver.remote_ssrcs = before->remote_ssrcs;
      transceiver.remote_stream_ids = before->remote_stream_ids;
      transceiver.remote_track_id = before->remote_track_id;
      extras.receiving = point.extras.at(transceiver.id).receiving;
    } else if (transceiver.created_by_remote) {
      // webrtc-pc §4.4.1.6 rollback: made by the rolled-back offer. It goes, unless addTrack
      // attached a track to it since; then it stays, without an m-section.
      if (!transceiver.track_id) {
        state.extras.erase(transceiver.id);
        continue;
      }
      transceiver.mid.reset();
      transceiver.mline_index.reset();
      transceiver.remote_ssrcs.clear();
      transceiver.remote_stream_ids.clear();
      transceiver.remote_track_id.reset();
      transceiver.created_by_remote = false;
      extras.receiving = false;
    }
    kept.push_back(std::move(transceiver));
  }
  state.transceivers = std::move(kept);
  state.mlines = point.mlines;
  state.ice_role = point.ice_role;
  state.pending_local.reset();
  state.pending_remote.reset();
  state.signaling = SignalingState::kStable;
  state.rollback.reset();
  SortTransceivers(state);
}

const StoredDescription* LatestLocal(const State& state) {
  if (state.pending_local) return &*state.pending_local;
  if (state.current_local) return &*state.current_local;
  return nullptr;
}

const StoredDescription* LatestRemote(const State& state) {
  if (state.pending_remote) return &*state.pending_remote;
  if (state.current_remote) return &*state.current_remote;
  return nullptr;
}

std::optional<ice::Credentials> TransportCredentials(const sdp::SessionDescription& description) {
  std::optional<size_t> tag = TransportSection(description);
  if (!tag) return std::nullopt;
  return CredentialsOf(description, *tag);
}

std::optional<size_t> NegotiatedTransportSection(const State& state,
                                                 const sdp::SessionDescription& description) {
  auto usable = [&](size_t index) {
    return index < description.media.size() && !IsRejected(description.media[index]) &&
           !(index < state.mlines.size() && state.mlines[index].rejected);
  };
  if (std::optional<sdp::Group> group = BundleGroup(description)) {
    for (const std::string& mid : group->mids) {
      std::optional<size_t> index = FindMid(description, mid);
      if (index && usable(*index)) return index;
    }
  }
  for (size_t i = 0; i < description.media.size(); ++i)
    if (usable(i)) return i;
  return std::nullopt;
}

uint32_t NewSsrc(Random& random, const State& state) {
  while (true) {
    uint32_t ssrc = random.NextU32();
    bool taken = ssrc == 0 || std::any_of(state.transceivers.begin(), state.transceivers.end(),
                                          [&](const Transceiver& t) {
                                            return t.ssrc == ssrc || t.rtx_ssrc == ssrc;
                                          });
    if (!taken) return ssrc;
  }
}

std::string NewId(Random& random, size_t length) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return random.String(length, kAlphabet);
}

}  // namespace parley::jsep::internal
