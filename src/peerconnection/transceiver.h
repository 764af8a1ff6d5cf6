// RtpTransceiver over the Negotiator's transceiver: a thread-safe view (refreshed by the
// PeerConnection on its callback thread after each negotiation step) whose changes go back
// through the PeerConnection, so they run in order with the other operations.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "jsep/negotiator.h"
#include "parley/media.h"

namespace parley {

// What a transceiver asks of its PeerConnection (implemented by PeerConnectionImpl).
class TransceiverControl {
 public:
  virtual ~TransceiverControl() = default;
  virtual Result<void> SetTransceiverDirection(jsep::TransceiverId id,
                                               TransceiverDirection direction) = 0;
  virtual Result<void> StopTransceiver(jsep::TransceiverId id) = 0;
  virtual Result<void> SetTransceiverCodecs(jsep::TransceiverId id,
                                            std::vector<RtpCodec> codecs) = 0;
};

TransceiverDirection ToPublic(jsep::Direction direction);
jsep::Direction ToJsep(TransceiverDirection direction);
MediaKind ToPublic(jsep::MediaKind kind);
RtpCodec ToRtpCodec(const jsep::NegotiatedCodec& codec, MediaKind kind);

class TransceiverImpl final : public RtpTransceiver {
 public:
  TransceiverImpl(jsep::TransceiverId id, MediaKind kind, std::weak_ptr<TransceiverControl> owner,
                  std::shared_ptr<MediaStreamTrack> sender_track);

  jsep::TransceiverId jsep_id() const { return id_; }
  // Stopped and negotiated away (webrtc-pc drops it from getTransceivers()).
  bool stopped() const;
  // Callback thread: the negotiator's view after a change.
  void Refresh(const jsep::Transceiver& state);
  void SetSenderTrack(std::shared_ptr<MediaStreamTrack> track);

  MediaKind kind() const override { return kind_; }
  std::optional<std::string> mid() const override;
  TransceiverDirection direction() const override;
  Result<void> SetDirection(TransceiverDirection direction) override;
  std::optional<TransceiverDirection> current_direction() const override;
  Result<void> Stop() override;
  std::shared_ptr<MediaStreamTrack> sender_track() const override;
  std::shared_ptr<MediaStreamTrack> receiver_track() const override { return receiver_track_; }
  Result<void> ReplaceTrack(std::shared_ptr<MediaStreamTrack> track) override;
  Result<void> SetCodecPreferences(std::vector<RtpCodec> codecs) override;
  std::vector<RtpCodec> negotiated_codecs() const override;

 private:
  const jsep::TransceiverId id_;
  const MediaKind kind_;
  const std::weak_ptr<TransceiverControl> owner_;
  const std::shared_ptr<MediaStreamTrack> receiver_track_;

  mutable std::mutex mutex_;
  std::shared_ptr<MediaStreamTrack> sender_track_;
  std::optional<jsep::Transceiver> state_;
};

}  // namespace parley
