#include "peerconnection/transceiver.h"

#include <utility>

namespace parley {

TransceiverDirection ToPublic(jsep::Direction direction) {
  switch (direction) {
    case jsep::Direction::kSendRecv:
      return TransceiverDirection::kSendRecv;
    case jsep::Direction::kSendOnly:
      return TransceiverDirection::kSendOnly;
    case jsep::Direction::kRecvOnly:
      return TransceiverDirection::kRecvOnly;
    case jsep::Direction::kInactive:
      return TransceiverDirection::kInactive;
    case jsep::Direction::kStopped:
      break;
  }
  return TransceiverDirection::kStopped;
}

jsep::Direction ToJsep(TransceiverDirection direction) {
  switch (direction) {
    case TransceiverDirection::kSendRecv:
      return jsep::Direction::kSendRecv;
    case TransceiverDirection::kSendOnly:
      return jsep::Direction::kSendOnly;
    case TransceiverDirection::kRecvOnly:
      return jsep::Direction::kRecvOnly;
    case TransceiverDirection::kInactive:
      return jsep::Direction::kInactive;
    case TransceiverDirection::kStopped:
      break;
  }
  return jsep::Direction::kStopped;
}

MediaKind ToPublic(jsep::MediaKind kind) {
  return kind == jsep::MediaKind::kAudio ? MediaKind::kAudio : MediaKind::kVideo;
}

RtpCodec ToRtpCodec(const jsep::NegotiatedCodec& codec, MediaKind kind) {
  RtpCodec out;
  out.mime_type = std::string(ToString(kind)) + "/" + codec.name;
  out.clock_rate = codec.clock_rate;
  out.channels = codec.channels;
  for (const auto& [key, value] : codec.parameters) {
    if (!out.sdp_fmtp_line.empty()) out.sdp_fmtp_line += ';';
    out.sdp_fmtp_line += value.empty() ? key : key + "=" + value;
  }
  return out;
}

TransceiverImpl::TransceiverImpl(jsep::TransceiverId id, MediaKind kind,
                                 std::weak_ptr<TransceiverControl> owner,
                                 std::shared_ptr<MediaStreamTrack> sender_track)
    : id_(id),
      kind_(kind),
      owner_(std::move(owner)),
      receiver_track_(MediaStreamTrack::Create(kind)),
      sender_track_(std::move(sender_track)) {}

void TransceiverImpl::Refresh(const jsep::Transceiver& state) {
  std::lock_guard lock(mutex_);
  state_ = state;
}

void TransceiverImpl::SetSenderTrack(std::shared_ptr<MediaStreamTrack> track) {
  std::lock_guard lock(mutex_);
  sender_track_ = std::move(track);
}

bool TransceiverImpl::stopped() const {
  std::lock_guard lock(mutex_);
  return state_ && state_->stopped;
}

std::optional<std::string> TransceiverImpl::mid() const {
  std::lock_guard lock(mutex_);
  return state_ ? state_->mid : std::nullopt;
}

TransceiverDirection TransceiverImpl::direction() const {
  std::lock_guard lock(mutex_);
  return state_ ? ToPublic(state_->direction) : TransceiverDirection::kSendRecv;
}

std::optional<TransceiverDirection> TransceiverImpl::current_direction() const {
  std::lock_guard lock(mutex_);
  if (!state_ || !state_->current_direction) return std::nullopt;
  return ToPublic(*state_->current_direction);
}

std::shared_ptr<MediaStreamTrack> TransceiverImpl::sender_track() const {
  std::lock_guard lock(mutex_);
  return sender_track_;
}

Result<void> TransceiverImpl::SetDirection(TransceiverDirection direction) {
  auto owner = owner_.lock();
  if (!owner) return InvalidStateError("setDirection: the peer connection is gone");
  return owner->SetTransceiverDirection(id_, direction);
}

Result<void> TransceiverImpl::Stop() {
  auto owner = owner_.lock();
  if (!owner) return InvalidStateError("stop: the peer connection is gone");
  return owner->StopTransceiver(id_);
}

Result<void> TransceiverImpl::ReplaceTrack(std::shared_ptr<MediaStreamTrack> track) {
  if (track && track->kind() != kind_) {
    return TypeError("replaceTrack: a " + std::string(ToString(track->kind())) + " track on a " +
                     std::string(ToString(kind_)) + " transceiver");
  }
  {
    std::lock_guard lock(mutex_);
    if (state_ && (state_->stopped || state_->stopping)) {
      return InvalidStateError("replaceTrack: the transceiver is stopped");
    }
  }
  SetSenderTrack(std::move(track));
  return Ok();
}

Result<void> TransceiverImpl::SetCodecPreferences(std::vector<RtpCodec> codecs) {
  auto owner = owner_.lock();
  if (!owner) return InvalidStateError("setCodecPreferences: the peer connection is gone");
  return owner->SetTransceiverCodecs(id_, std::move(codecs));
}

std::vector<RtpCodec> TransceiverImpl::negotiated_codecs() const {
  std::lock_guard lock(mutex_);
  std::vector<RtpCodec> codecs;
  if (!state_) return codecs;
  for (const jsep::NegotiatedCodec& codec : state_->codecs)
    codecs.push_back(ToRtpCodec(codec, kind_));
  return codecs;
}

}  // namespace parley
