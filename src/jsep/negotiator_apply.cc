// setLocalDescription and setRemoteDescription (JSEP §5.5-§5.7 and §5.10, webrtc-pc §4.4.1.6):
// each works on a copy of the state and commits it only if everything applied.
#include <algorithm>
#include <set>
#include <string>

#include "jsep/codec_negotiation.h"
#include "jsep/media_section.h"
#include "jsep/negotiator.h"
#include "sdp/attributes.h"

namespace parley::jsep {
namespace {

using internal::MLine;
using internal::SectionKind;
using internal::State;
using internal::StoredDescription;

std::string StateError(std::string_view call, SignalingState state) {
  return std::string(call) + " is not allowed in signaling state '" + std::string(ToString(state)) +
         "'";
}

Error Prefixed(std::string_view call, const Error& error) {
  return Error(error.kind(), std::string(call) + ": " + error.message());
}

std::string Quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

Direction SectionDirection(const sdp::MediaDescription& media) {
  return FromSdp(sdp::DirectionOf(media).value_or(sdp::Direction::kSendRecv));
}

bool AllowedIn(bool local, SdpType type, SignalingState state) {
  using S = SignalingState;
  if (type == SdpType::kOffer)
    return state == S::kStable || state == (local ? S::kHaveLocalOffer : S::kHaveRemoteOffer);
  if (local) return state == S::kHaveRemoteOffer || state == S::kHaveLocalPranswer;
  return state == S::kHaveLocalOffer || state == S::kHaveRemotePranswer;
}

// Two m-sections with one mid make the description ambiguous (RFC 5888 §9.1).
std::optional<std::string> DuplicateMid(const sdp::SessionDescription& description) {
  std::set<std::string> seen;
  for (const sdp::MediaDescription& media : description.media) {
    std::string mid = MidOf(media);
    if (!mid.empty() && !seen.insert(mid).second) return mid;
  }
  return std::nullopt;
}

void Describe(MLine& line, const sdp::MediaDescription& media) {
  line.media = media.media;
  line.proto = media.proto;
  line.formats = media.formats;
}

void SetRemoteSender(Transceiver& transceiver, const sdp::MediaDescription& media) {
  SectionSender sender = ReadSender(media);
  transceiver.remote_ssrcs = std::move(sender.ssrcs);
  transceiver.remote_stream_ids = std::move(sender.stream_ids);
  transceiver.remote_track_id = std::move(sender.track_id);
}

// The remote ufrags a description names (every m-section's and the session's), for
// addIceCandidate to tell an old generation from nonsense.
void RememberUfrags(State& state, const sdp::SessionDescription& description) {
  if (auto ufrag = description.Value("ice-ufrag")) state.remote_ufrags.emplace(*ufrag);
  for (const sdp::MediaDescription& media : description.media)
    if (auto ufrag = media.Value("ice-ufrag")) state.remote_ufrags.emplace(*ufrag);
}

}  // namespace

Result<Applied> Negotiator::SetLocalDescription(SdpType type, std::string_view sdp) {
  if (type == SdpType::kRollback) return Rollback("setLocalDescription(rollback)");
  if (!sdp.empty()) return Apply(true, type, sdp);
  // webrtc-pc setLocalDescription() without a description: what the state calls for.
  const SignalingState signaling = state_.signaling;
  const bool offering =
      signaling == SignalingState::kStable || signaling == SignalingState::kHaveLocalOffer;
  const bool answering = signaling == SignalingState::kHaveRemoteOffer ||
                         signaling == SignalingState::kHaveLocalPranswer;
  if (!offering && !answering)
    return InvalidStateError(StateError("setLocalDescription", signaling));
  Result<std::string> created = offering ? CreateOffer({}) : CreateAnswer();
  if (!created) return created.error();
  SdpType implicit = offering
                         ? SdpType::kOffer
                         : (type == SdpType::kPranswer ? SdpType::kPranswer : SdpType::kAnswer);
  return Apply(true, implicit, *created);
}

Result<Applied> Negotiator::SetRemoteDescription(SdpType type, std::string_view sdp) {
  if (type == SdpType::kRollback) return Rollback("setRemoteDescription(rollback)");
  return Apply(false, type, sdp);
}

Result<Applied> Negotiator::Apply(bool local, SdpType type, std::string_view text) {
  const std::string call = std::string(local ? "setLocalDescription(" : "setRemoteDescription(") +
                           std::string(ToString(type)) + ")";
  if (!AllowedIn(local, type, state_.signaling))
    return InvalidStateError(StateError(call, state_.signaling));
  Result<sdp::SessionDescription> parsed = sdp::Parse(text);
  if (!parsed) return Prefixed(call, parsed.error());
  sdp::SessionDescription description = std::move(*parsed);
  if (std::optional<std::string> mid = DuplicateMid(description)) {
    std::string message = call + ": two m-sections have mid " + Quoted(*mid);
    return local ? InvalidModificationError(message) : InvalidAccessError(message);
  }

  Applied applied;
  if (!local) {
    // The transport the remote description asks for, checked before anything changes.
    if (std::optional<size_t> tag = TransportSection(description)) {
      Result<TransportParameters> transport = ReadTransport(description, *tag);
      if (!transport) return Prefixed(call, transport.error());
      if (type != SdpType::kOffer && transport->remote_setup == dtls::Setup::kActpass)
        return InvalidAccessError(call +
                                  ": an answer must not say a=setup:actpass (RFC 8842 §5.3)");
      if (transport->remote_setup == dtls::Setup::kHoldconn)
        return InvalidAccessError(call + ": a=setup:holdconn offers no DTLS connection");
      if (const StoredDescription* previous = internal::LatestRemote(state_))
        if (auto credentials = internal::TransportCredentials(previous->sdp))
          applied.remote_ice_restart = *credentials != transport->remote_credentials;
      applied.remote_transport = std::move(*transport);
    }
  }

  State next = state_;
  Result<void> done = Ok();
  if (local && type == SdpType::kOffer) {
    done = ApplyLocalOffer(next, std::move(description));
  } else if (local) {
    done = ApplyLocalAnswer(next, type, std::move(description), applied);
  } else if (type == SdpType::kOffer) {
    done = ApplyRemoteOffer(next, std::move(description), applied);
  } else {
    done = ApplyRemoteAnswer(next, type, std::move(description), applied);
  }
  if (!done) return Prefixed(call, done.error());
  if (!local) RememberUfrags(next, internal::LatestRemote(next)->sdp);
  ReportChanges(state_, next, false, applied);
  state_ = std::move(next);
  return applied;
}

Result<void> Negotiator::ApplyLocalOffer(State& next, sdp::SessionDescription description) {
  if (next.signaling == SignalingState::kStable) next.rollback = internal::MakeRollbackPoint(next);
  const size_t known = next.mlines.size();
  if (description.media.size() < known)
    return InvalidModificationError("the offer has " + std::to_string(description.media.size()) +
                                    " m-sections, fewer than the " + std::to_string(known) +
                                    " negotiated");
  for (size_t i = 0; i < description.media.size(); ++i) {
    const sdp::MediaDescription& media = description.media[i];
    const std::string mid = MidOf(media);
    if (i < known) {
      if (mid != next.mlines[i].mid)
        return InvalidModificationError("m-section " + std::to_string(i) + " has mid " +
                                        Quoted(mid) + " instead of " + Quoted(next.mlines[i].mid));
      continue;
    }
    // A new m-section: it must be one the last created offer planned.
    if (mid.empty())
      return InvalidModificationError("m-section " + std::to_string(i) + " has no a=mid");
    MLine line{.kind = internal::KindOf(media), .mid = mid};
    if (std::optional<MediaKind> kind = internal::MediaKindOf(line.kind)) {
      auto planned = std::find_if(next.transceivers.begin(), next.transceivers.end(),
                                  [&](const Transceiver& t) {
                                    return !t.mid && !t.stopped && t.kind == *kind &&
                                           next.extras[t.id].offered_mline_index == i;
                                  });
      if (planned == next.transceivers.end())
        return InvalidModificationError("m-section " + std::to_string(i) +
                                        " is not one the last created offer has");
      planned->mid = mid;
      planned->mline_index = i;
      line.transceiver = planned->id;
    } else if (line.kind != SectionKind::kData || !next.data_requested ||
               next.data_offered_mline_index != i) {
      return InvalidModificationError("m-section " + std::to_string(i) +
                                      " is not one the last created offer has");
    }
    next.mlines.push_back(std::move(line));
  }
  for (size_t i = 0; i < description.media.size(); ++i) {
    next.mlines[i].rejected = IsRejected(description.media[i]);
    Describe(next.mlines[i], description.media[i]);
    next.used_mids.insert(next.mlines[i].mid);
  }
  if (std::optional<size_t> tag = TransportSection(description))
    if (Result<TransportParameters> ours = ReadTransport(description, *tag); !ours)
      return InvalidModificationError(ours.error().message());
  if (!next.ice_role) next.ice_role = ice::Role::kControlling;  // RFC 8445 §6.1.1
  next.pending_local = StoredDescription{SdpType::kOffer, std::move(description)};
  next.signaling = SignalingState::kHaveLocalOffer;
  internal::SortTransceivers(next);
  return Ok();
}

Result<void> Negotiator::ApplyLocalAnswer(State& next, SdpType type,
                                          sdp::SessionDescription description, Applied& applied) {
  const sdp::SessionDescription& offer = next.pending_remote->sdp;
  if (description.media.size() != offer.media.size())
    return InvalidModificationError("the answer has " + std::to_string(description.media.size()) +
                                    " m-sections, the offer " + std::to_string(offer.media.size()));
  for (size_t i = 0; i < offer.media.size(); ++i)
    if (MidOf(description.media[i]) != MidOf(offer.media[i]))
      return InvalidModificationError("m-section " + std::to_string(i) + " has mid " +
                                      Quoted(MidOf(description.media[i])) + ", the offer's " +
                                      Quoted(MidOf(offer.media[i])));
  if (std::optional<size_t> tag = TransportSection(description)) {
    Result<TransportParameters> ours = ReadTransport(description, *tag);
    if (!ours) return InvalidModificationError(ours.error().message());
    if (ours->remote_setup == dtls::Setup::kActpass)
      return InvalidModificationError("an answer must not say a=setup:actpass (RFC 8842 §5.3)");
  }
  if (Result<void> done = Complete(next, description, offer, true, applied); !done) return done;
  // Rejecting the offer's BUNDLE tag moved the transport to the first mid we accepted (RFC 8843
  // §7.3.1): its transport parameters are the ones to use now.
  std::optional<size_t> offered_tag = TransportSection(offer);
  std::optional<size_t> accepted_tag = TransportSection(description);
  if (offered_tag && accepted_tag && offered_tag != accepted_tag)
    if (Result<TransportParameters> moved = ReadTransport(offer, *accepted_tag))
      applied.remote_transport = std::move(*moved);
  if (type == SdpType::kAnswer) {
    next.current_local = StoredDescription{type, std::move(description)};
    next.current_remote = std::move(next.pending_remote);
    next.pending_local.reset();
    next.pending_remote.reset();
    next.signaling = SignalingState::kStable;
    next.rollback.reset();
    applied.negotiation_complete = true;
  } else {
    next.pending_local = StoredDescription{type, std::move(description)};
    next.signaling = SignalingState::kHaveLocalPranswer;
  }
  return Ok();
}

Result<void> Negotiator::ApplyRemoteOffer(State& next, sdp::SessionDescription description,
                                          Applied& applied) {
  if (next.signaling == SignalingState::kHaveRemoteOffer) {
    // webrtc-pc applies a new remote offer over the pending one: transceivers keep the mids the
    // new offer has too; what only the pending offer associated goes back as a rollback would
    // take it. The rollback point stays the one from before the first offer.
    std::set<std::string> offered_mids;
    for (const sdp::MediaDescription& media : description.media)
      offered_mids.insert(MidOf(media));
    State reverted = next;
    internal::RestoreRollbackPoint(reverted);
    std::vector<Transceiver> merged;
    for (const Transceiver& transceiver : next.transceivers) {
      if (transceiver.mid && offered_mids.count(*transceiver.mid)) {
        merged.push_back(transceiver);
      } else if (const Transceiver* before = internal::FindTransceiver(reverted, transceiver.id)) {
        merged.push_back(*before);
        next.extras[transceiver.id] = reverted.extras[transceiver.id];
      } else {
        next.extras.erase(transceiver.id);
      }
    }
    next.transceivers = std::move(merged);
    next.mlines = next.rollback->mlines;
  } else {
    next.rollback = internal::MakeRollbackPoint(next);
  }
  const std::vector<MLine> known = next.mlines;
  if (description.media.size() < known.size())
    return InvalidAccessError("the offer has " + std::to_string(description.media.size()) +
                              " m-sections, fewer than the " + std::to_string(known.size()) +
                              " negotiated (RFC 3264 §8)");
  std::vector<MLine> layout;
  for (size_t i = 0; i < description.media.size(); ++i) {
    const sdp::MediaDescription& media = description.media[i];
    const bool rejected = IsRejected(media);
    MLine line{.kind = internal::KindOf(media), .mid = MidOf(media), .rejected = rejected};
    Describe(line, media);
    if (line.mid.empty() && !rejected)
      return InvalidAccessError("m-section " + std::to_string(i) + " has no a=mid");
    if (i >= known.size()) {
      // JSEP §5.10: a mid names one m-section for the whole session.
      for (size_t j = 0; j < known.size(); ++j)
        if (!line.mid.empty() && known[j].mid == line.mid)
          return InvalidAccessError("m-section " + std::to_string(i) + " reuses mid " +
                                    Quoted(line.mid) + " of m-section " + std::to_string(j));
    } else if (known[i].mid != line.mid) {
      // JSEP §5.10: only a rejected m-section may be reused, under a new mid.
      if (!known[i].rejected || next.used_mids.count(line.mid))
        return InvalidAccessError("m-section " + std::to_string(i) + " has mid " +
                                  Quoted(line.mid) + " where the current description has " +
                                  Quoted(known[i].mid));
      if (known[i].transceiver)
        if (Transceiver* old = internal::FindTransceiver(next, *known[i].transceiver))
          old->mline_index.reset();
    } else if (known[i].kind != line.kind && !rejected) {
      return InvalidAccessError("m-section " + std::to_string(i) + " (mid " + Quoted(line.mid) +
                                ") changed its media to '" + media.media + "'");
    }
    if (std::optional<MediaKind> kind = internal::MediaKindOf(line.kind)) {
      Transceiver* transceiver = nullptr;
      for (Transceiver& t : next.transceivers)
        if (!line.mid.empty() && t.mid == line.mid) transceiver = &t;
      if (transceiver && transceiver->kind != *kind)
        return InvalidAccessError("m-section " + std::to_string(i) + " (mid " + Quoted(line.mid) +
                                  ") is " + std::string(ToString(*kind)) + ", its transceiver " +
                                  std::string(ToString(transceiver->kind)));
      if (!transceiver && !rejected) {
        // JSEP §5.10: reuse an unassociated transceiver of this kind if the peer wants to
        // receive, else create a recvonly one.
        std::optional<TransceiverId> reuse;
        if (HasRecv(SectionDirection(media)))
          for (const Transceiver& t : next.transceivers)
            if (!t.mid && t.kind == *kind && !t.stopping && !t.stopped && (!reuse || t.id < *reuse))
              reuse = t.id;
        if (!reuse) {
          reuse =
              CreateTransceiver(next, *kind, TransceiverInit{.direction = Direction::kRecvOnly});
          internal::FindTransceiver(next, *reuse)->created_by_remote = true;
        }
        transceiver = internal::FindTransceiver(next, *reuse);
      }
      if (transceiver) {
        transceiver->mid = line.mid;
        transceiver->mline_index = i;
        line.transceiver = transceiver->id;
        SetRemoteSender(*transceiver, media);
        next.extras[transceiver->id].receiving = !rejected && HasSend(SectionDirection(media));
      }
    }
    layout.push_back(std::move(line));
  }
  next.mlines = std::move(layout);
  for (const MLine& line : next.mlines)
    if (!line.mid.empty()) next.used_mids.insert(line.mid);
  // RFC 8445 §6.1.1: the answerer is controlled, unless the offerer is ice-lite.
  if (!next.ice_role)
    next.ice_role = applied.remote_transport && applied.remote_transport->ice_lite
                        ? ice::Role::kControlling
                        : ice::Role::kControlled;
  next.pending_remote = StoredDescription{SdpType::kOffer, std::move(description)};
  next.signaling = SignalingState::kHaveRemoteOffer;
  internal::SortTransceivers(next);
  return Ok();
}

Result<void> Negotiator::ApplyRemoteAnswer(State& next, SdpType type,
                                           sdp::SessionDescription description, Applied& applied) {
  const sdp::SessionDescription& offer = next.pending_local->sdp;
  if (description.media.size() != offer.media.size())
    return InvalidAccessError("the answer has " + std::to_string(description.media.size()) +
                              " m-sections, the offer " + std::to_string(offer.media.size()));
  for (size_t i = 0; i < offer.media.size(); ++i) {
    const sdp::MediaDescription& media = description.media[i];
    const std::string mid = MidOf(media);
    const bool rejected = IsRejected(media);
    // A rejected m-section may come back without its mid (some stacks write it so).
    if (mid != MidOf(offer.media[i]) && !(rejected && mid.empty()))
      return InvalidAccessError("m-section " + std::to_string(i) + " of the answer has mid " +
                                Quoted(mid) + ", the offer's " + Quoted(MidOf(offer.media[i])));
    if (media.media != offer.media[i].media && !rejected)
      return InvalidAccessError("m-section " + std::to_string(i) + " of the answer is '" +
                                media.media + "', the offer's '" + offer.media[i].media + "'");
    const MLine& line = next.mlines[i];
    if (!line.transceiver) continue;
    Transceiver* transceiver = internal::FindTransceiver(next, *line.transceiver);
    SetRemoteSender(*transceiver, media);
    next.extras[transceiver->id].receiving =
        !rejected && !IsRejected(offer.media[i]) && HasSend(SectionDirection(media));
  }
  if (Result<void> done = Complete(next, offer, description, false, applied); !done) return done;
  if (type == SdpType::kAnswer) {
    next.current_local = std::move(next.pending_local);
    next.current_remote = StoredDescription{type, std::move(description)};
    next.pending_local.reset();
    next.pending_remote.reset();
    next.signaling = SignalingState::kStable;
    next.rollback.reset();
    applied.negotiation_complete = true;
  } else {
    next.pending_remote = StoredDescription{type, std::move(description)};
    next.signaling = SignalingState::kHaveRemotePranswer;
  }
  return Ok();
}

// An answer (or pranswer) and its offer are both known: settle each m-section (JSEP §5.6 /
// §5.10 "answer" steps, webrtc-pc "set the current direction", stop rejected transceivers), the
// data channel section and the DTLS role.
Result<void> Negotiator::Complete(State& next, const sdp::SessionDescription& local,
                                  const sdp::SessionDescription& remote, bool local_is_answer,
                                  Applied& applied) const {
  const sdp::SessionDescription& answer = local_is_answer ? local : remote;
  const sdp::SessionDescription& offer = local_is_answer ? remote : local;
  std::optional<SctpParameters> sctp;
  for (size_t i = 0; i < next.mlines.size(); ++i) {
    MLine& line = next.mlines[i];
    const bool rejected = IsRejected(answer.media[i]) || IsRejected(offer.media[i]);
    line.rejected = rejected;
    Describe(line, answer.media[i]);
    if (line.kind == SectionKind::kData && !rejected && !sctp) {
      sctp = ReadSctp(remote.media[i]);
      sctp->mid = line.mid;
    }
    if (!line.transceiver) continue;
    Transceiver& transceiver = *internal::FindTransceiver(next, *line.transceiver);
    internal::TransceiverExtras& extras = next.extras[transceiver.id];
    if (rejected) {
      transceiver.stopping = transceiver.stopped = true;
      transceiver.direction = Direction::kStopped;
      transceiver.current_direction = Direction::kStopped;
      extras.receiving = false;
      continue;
    }
    const Direction negotiated = SectionDirection(answer.media[i]);
    transceiver.current_direction = local_is_answer ? negotiated : Reverse(negotiated);
    transceiver.codecs = AgreedCodecs(ReadCodecs(remote.media[i]), ReadCodecs(local.media[i]));
    transceiver.extensions =
        AgreedExtensions(ReadExtensions(remote.media[i]), ReadExtensions(local.media[i]));
    // webrtc-pc: our answer not receiving removes the remote track ontrack announced.
    if (local_is_answer && !HasRecv(*transceiver.current_direction)) extras.receiving = false;
  }
  next.sctp = sctp;
  applied.sctp = sctp;

  std::optional<size_t> local_tag = TransportSection(local);
  std::optional<size_t> remote_tag = TransportSection(remote);
  if (local_tag && remote_tag) {
    Result<TransportParameters> ours = ReadTransport(local, *local_tag);
    Result<TransportParameters> theirs = ReadTransport(remote, *remote_tag);
    if (!ours) return ours.error();
    if (!theirs) return theirs.error();
    Result<dtls::Role> role = dtls::DecideRole(ours->remote_setup, theirs->remote_setup);
    if (!role) return role.error();
    next.dtls_role = *role;
    applied.dtls_role = *role;
  }
  return Ok();
}

Result<Applied> Negotiator::Rollback(std::string_view call) {
  const SignalingState signaling = state_.signaling;
  // JSEP §4.1.10 / webrtc-pc: only an offer can be rolled back.
  if (signaling != SignalingState::kHaveLocalOffer && signaling != SignalingState::kHaveRemoteOffer)
    return InvalidStateError(StateError(call, signaling));
  State next = state_;
  internal::RestoreRollbackPoint(next);
  Applied applied;
  // Taking back a remote offer that restarted ICE takes its credentials back too.
  const StoredDescription* before = internal::LatestRemote(state_);
  const StoredDescription* after = internal::LatestRemote(next);
  if (before && after) {
    std::optional<ice::Credentials> old_credentials = internal::TransportCredentials(before->sdp);
    std::optional<size_t> tag = TransportSection(after->sdp);
    if (tag && old_credentials && internal::TransportCredentials(after->sdp) != old_credentials) {
      if (Result<TransportParameters> transport = ReadTransport(after->sdp, *tag)) {
        applied.remote_ice_restart = true;
        applied.remote_transport = std::move(*transport);
      }
    }
  }
  ReportChanges(state_, next, true, applied);
  state_ = std::move(next);
  return applied;
}

void Negotiator::ReportChanges(const State& before, State& after, bool rollback,
                               Applied& applied) const {
  applied.signaling_state = after.signaling;
  auto receiving = [](const State& state, TransceiverId id) {
    auto extras = state.extras.find(id);
    return extras != state.extras.end() && extras->second.receiving;
  };
  for (const Transceiver& transceiver : after.transceivers) {
    const Transceiver* old = internal::FindTransceiver(before, transceiver.id);
    const bool was = old && receiving(before, transceiver.id);
    const bool is = receiving(after, transceiver.id);
    if (!was && is) applied.new_remote_tracks.push_back(transceiver.id);
    if (was && !is) applied.removed_remote_tracks.push_back(transceiver.id);
    if (transceiver.stopped && !(old && old->stopped))
      applied.stopped_transceivers.push_back(transceiver.id);
  }
  for (const Transceiver& transceiver : before.transceivers)
    if (!internal::FindTransceiver(after, transceiver.id) && receiving(before, transceiver.id))
      applied.removed_remote_tracks.push_back(transceiver.id);

  if (!before.ice_role && after.ice_role) applied.ice_role = after.ice_role;

  const ice::Credentials old_credentials = LocalCredentials(before);
  const ice::Credentials new_credentials = LocalCredentials(after);
  if (old_credentials != new_credentials) {
    applied.local_ice_restart = true;
    applied.local_credentials = new_credentials;
    after.local_candidates.clear();  // gathered for the old credentials
    after.local_end_of_candidates = false;
    if (!rollback) {
      after.ice_restart_requested = false;
      after.next_local_credentials.reset();
    }
  }
}

}  // namespace parley::jsep
