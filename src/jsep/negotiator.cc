// The Negotiator's transceiver API, accessors and "check if negotiation is needed". Creating
// descriptions is in negotiator_create.cc, applying them in negotiator_apply.cc, candidates in
// negotiator_candidates.cc.
#include "jsep/negotiator.h"

#include <algorithm>

#include "ice/credentials.h"
#include "jsep/media_section.h"
#include "sdp/attributes.h"

namespace parley::jsep {
namespace {

using internal::State;

Error Closed(std::string_view call) {
  return InvalidStateError(std::string(call) + " is not allowed: the connection is closed");
}

Error UnknownTransceiver(TransceiverId id) {
  return InvalidAccessError("no transceiver with id " + std::to_string(id));
}

std::string CodecName(const CodecCapability& codec) {
  std::string name = codec.name + '/' + std::to_string(codec.clock_rate);
  if (codec.channels) name += '/' + std::to_string(*codec.channels);
  return name;
}

Direction SectionDirection(const sdp::MediaDescription& media) {
  return FromSdp(sdp::DirectionOf(media).value_or(sdp::Direction::kSendRecv));
}

// webrtc-pc §4.7.3 for one associated, not stopped transceiver against the current
// descriptions (`local` is ours, of type `local_type`).
bool TransceiverNeedsNegotiation(const Transceiver& transceiver, SdpType local_type,
                                 const sdp::MediaDescription& local,
                                 const sdp::MediaDescription* remote) {
  if (HasSend(transceiver.direction)) {
    SectionSender signalled = ReadSender(local);
    std::vector<std::string> ours = transceiver.stream_ids;
    std::vector<std::string> theirs = signalled.stream_ids;
    std::sort(ours.begin(), ours.end());
    std::sort(theirs.begin(), theirs.end());
    if (!signalled.has_msid || ours != theirs) return true;
  }
  if (local_type == SdpType::kOffer) {
    bool local_matches = SectionDirection(local) == transceiver.direction;
    bool remote_matches = remote && Reverse(SectionDirection(*remote)) == transceiver.direction;
    return !local_matches && !remote_matches;
  }
  if (remote == nullptr) return true;
  Direction expected = AnswerDirection(transceiver.direction, SectionDirection(*remote));
  return SectionDirection(local) != expected;
}

}  // namespace

Negotiator::Negotiator(Config config, Random& random)
    : config_(std::move(config)), random_(random) {
  if (config_.local_credentials.ufrag.empty() || config_.local_credentials.pwd.empty())
    config_.local_credentials = ice::GenerateCredentials(random_);
  if (config_.cname.empty()) config_.cname = internal::NewId(random_, 16);
  // JSEP §5.2.1: a 64-bit random session id; we keep it below 2^63 because stacks parse it as a
  // signed 64-bit number.
  session_id_ = random_.NextU64() >> 1;
}

TransceiverId Negotiator::AddTransceiver(MediaKind kind, TransceiverInit init) {
  return CreateTransceiver(state_, kind, std::move(init));
}

TransceiverId Negotiator::CreateTransceiver(State& state, MediaKind kind, TransceiverInit init) {
  Transceiver transceiver;
  transceiver.id = next_transceiver_id_++;
  transceiver.kind = kind;
  transceiver.direction =
      init.direction == Direction::kStopped ? Direction::kInactive : init.direction;
  transceiver.track_id = std::move(init.track_id);
  transceiver.stream_ids = std::move(init.stream_ids);
  transceiver.ssrc = internal::NewSsrc(random_, state);
  state.transceivers.push_back(transceiver);
  state.transceivers.back().rtx_ssrc = internal::NewSsrc(random_, state);
  if (state.signaling == SignalingState::kClosed) {
    state.transceivers.back().stopping = state.transceivers.back().stopped = true;
    state.transceivers.back().current_direction = Direction::kStopped;
  }
  state.extras[transceiver.id].sender_id = internal::NewId(random_, 36);
  internal::SortTransceivers(state);
  return transceiver.id;
}

Result<void> Negotiator::SetDirection(TransceiverId id, Direction direction) {
  if (state_.signaling == SignalingState::kClosed) return Closed("setting a direction");
  if (direction == Direction::kStopped)
    return TypeError("the direction 'stopped' cannot be set; stop the transceiver instead");
  Transceiver* transceiver = internal::FindTransceiver(state_, id);
  if (transceiver == nullptr) return UnknownTransceiver(id);
  if (transceiver->stopping || transceiver->stopped)
    return InvalidStateError("transceiver " + std::to_string(id) + " is stopped");
  transceiver->direction = direction;
  return Ok();
}

Result<void> Negotiator::SetSenderTrack(TransceiverId id, std::optional<std::string> track_id,
                                        std::vector<std::string> stream_ids) {
  if (state_.signaling == SignalingState::kClosed) return Closed("setting a sender's track");
  Transceiver* transceiver = internal::FindTransceiver(state_, id);
  if (transceiver == nullptr) return UnknownTransceiver(id);
  if (transceiver->stopping || transceiver->stopped)
    return InvalidStateError("transceiver " + std::to_string(id) + " is stopped");
  transceiver->track_id = std::move(track_id);
  transceiver->stream_ids = std::move(stream_ids);
  return Ok();
}

Result<void> Negotiator::StopTransceiver(TransceiverId id) {
  if (state_.signaling == SignalingState::kClosed) return Closed("stopping a transceiver");
  Transceiver* transceiver = internal::FindTransceiver(state_, id);
  if (transceiver == nullptr) return UnknownTransceiver(id);
  if (transceiver->stopping) return Ok();
  transceiver->stopping = true;
  transceiver->direction = Direction::kStopped;
  if (!transceiver->mid) {  // nothing to negotiate away
    transceiver->stopped = true;
    transceiver->current_direction = Direction::kStopped;
  }
  return Ok();
}

Result<void> Negotiator::SetCodecPreferences(TransceiverId id,
                                             std::vector<CodecCapability> codecs) {
  Transceiver* transceiver = internal::FindTransceiver(state_, id);
  if (transceiver == nullptr) return UnknownTransceiver(id);
  const std::vector<CodecCapability>& supported = config_.capabilities.codecs(transceiver->kind);
  std::vector<CodecCapability> preferences;
  for (const CodecCapability& codec : codecs) {
    if (IsRtx(codec.name)) continue;
    auto match = std::find_if(supported.begin(), supported.end(), [&](const CodecCapability& c) {
      return SameCodec(KeyOf(c), KeyOf(codec));
    });
    if (match == supported.end())
      return InvalidModificationError("setCodecPreferences: " + CodecName(codec) +
                                      " is not a supported " +
                                      std::string(ToString(transceiver->kind)) + " codec");
    if (std::find(preferences.begin(), preferences.end(), *match) == preferences.end())
      preferences.push_back(*match);
  }
  if (preferences.empty() && !codecs.empty())
    return InvalidModificationError("setCodecPreferences: the list has no media codec");
  state_.extras[id].codec_preferences = std::move(preferences);
  return Ok();
}

void Negotiator::RequestDataChannel() {
  state_.data_requested = true;
}

void Negotiator::RestartIce(ice::Credentials next_local) {
  state_.next_local_credentials = std::move(next_local);
  state_.ice_restart_requested = true;
}

void Negotiator::Close() {
  state_.signaling = SignalingState::kClosed;
  for (Transceiver& transceiver : state_.transceivers) {
    transceiver.stopping = transceiver.stopped = true;
    transceiver.current_direction = Direction::kStopped;
  }
}

bool Negotiator::negotiation_needed() const {
  if (state_.signaling != SignalingState::kStable) return false;
  if (state_.ice_restart_requested) return true;
  const internal::StoredDescription* local =
      state_.current_local ? &*state_.current_local : nullptr;
  const sdp::SessionDescription* remote =
      state_.current_remote ? &state_.current_remote->sdp : nullptr;
  if (state_.data_requested) {
    bool negotiated =
        local && std::any_of(local->sdp.media.begin(), local->sdp.media.end(),
                             [](const sdp::MediaDescription& media) {
                               return internal::KindOf(media) == internal::SectionKind::kData &&
                                      !IsRejected(media);
                             });
    if (!negotiated) return true;
  }
  for (const Transceiver& transceiver : state_.transceivers) {
    if (transceiver.stopping && !transceiver.stopped) return true;
    std::optional<size_t> index;
    if (local && transceiver.mid) index = FindMid(local->sdp, *transceiver.mid);
    if (transceiver.stopped) {
      // Stopped, but neither side has rejected its m-section yet (as libwebrtc reads §4.7.3).
      if (!index) continue;
      bool live = !IsRejected(local->sdp.media[*index]);
      if (remote)
        if (std::optional<size_t> remote_index = FindMid(*remote, *transceiver.mid))
          live = live && !IsRejected(remote->media[*remote_index]);
      if (live) return true;
      continue;
    }
    if (!index) return true;
    const sdp::MediaDescription* remote_media = nullptr;
    if (remote)
      if (std::optional<size_t> remote_index = FindMid(*remote, *transceiver.mid))
        remote_media = &remote->media[*remote_index];
    if (TransceiverNeedsNegotiation(transceiver, local->type, local->sdp.media[*index],
                                    remote_media))
      return true;
  }
  return false;
}

const Transceiver* Negotiator::transceiver(TransceiverId id) const {
  return internal::FindTransceiver(state_, id);
}

ice::Credentials Negotiator::local_credentials() const {
  return LocalCredentials(state_);
}

ice::Credentials Negotiator::LocalCredentials(const State& state) const {
  if (const internal::StoredDescription* local = internal::LatestLocal(state))
    if (auto credentials = internal::TransportCredentials(local->sdp)) return *credentials;
  return config_.local_credentials;
}

// Local descriptions get the candidates gathered for their credentials (webrtc-pc: the
// localDescription getters include them) and end-of-candidates once gathering completed.
Negotiator::Description Negotiator::Render(const internal::StoredDescription& stored,
                                           bool local) const {
  if (!local) return Description{stored.type, sdp::Write(stored.sdp)};
  sdp::SessionDescription description = stored.sdp;
  std::optional<size_t> tag = internal::NegotiatedTransportSection(state_, description);
  if (tag && CredentialsOf(description, *tag) == LocalCredentials(state_)) {
    sdp::MediaDescription& media = description.media[*tag];
    std::vector<std::string_view> present = stored.sdp.media[*tag].Values("candidate");
    for (const ice::Candidate& candidate : state_.local_candidates) {
      std::string value = candidate.ToString().substr(std::string_view("candidate:").size());
      if (std::find(present.begin(), present.end(), value) == present.end())
        media.Add("candidate", value);
    }
    if (state_.local_end_of_candidates && !media.Has("end-of-candidates"))
      media.Add("end-of-candidates");
  }
  return Description{stored.type, sdp::Write(description)};
}

std::optional<Negotiator::Description> Negotiator::local_description() const {
  if (auto pending = pending_local_description()) return pending;
  return current_local_description();
}

std::optional<Negotiator::Description> Negotiator::remote_description() const {
  if (auto pending = pending_remote_description()) return pending;
  return current_remote_description();
}

std::optional<Negotiator::Description> Negotiator::current_local_description() const {
  if (!state_.current_local) return std::nullopt;
  return Render(*state_.current_local, true);
}

std::optional<Negotiator::Description> Negotiator::pending_local_description() const {
  if (!state_.pending_local) return std::nullopt;
  return Render(*state_.pending_local, true);
}

std::optional<Negotiator::Description> Negotiator::current_remote_description() const {
  if (!state_.current_remote) return std::nullopt;
  return Render(*state_.current_remote, false);
}

std::optional<Negotiator::Description> Negotiator::pending_remote_description() const {
  if (!state_.pending_remote) return std::nullopt;
  return Render(*state_.pending_remote, false);
}

}  // namespace parley::jsep
