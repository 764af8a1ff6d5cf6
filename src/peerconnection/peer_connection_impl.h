// PeerConnectionImpl: the PeerConnection facade over a jsep::Negotiator (offer/answer) and one
// DtlsTransport (ICE, DTLS, SRTP and SCTP data channels, bundled: RFC 8843).
//
// Threads (docs/threading.md): the negotiator, the transport handle and everything else
// mutable here belong to the Runtime's callback thread (libwebrtc calls it the signaling
// thread). Public operations run there: posted from other threads, inline when called on it
// (from a callback). The transport's events arrive there too. User callbacks are posted (never
// run inline) so that they run after the operation that caused them, and never while this
// object is in the middle of a change. Getters read a snapshot under a mutex that is never held
// while anything else runs.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/random.h"
#include "dtls/certificate.h"
#include "jsep/negotiator.h"
#include "parley/peer_connection.h"
#include "peerconnection/transceiver.h"
#include "runtime/dtls_transport.h"
#include "runtime/runtime.h"

namespace parley {

class PeerConnectionImpl final : public PeerConnection,
                                 public TransceiverControl,
                                 public std::enable_shared_from_this<PeerConnectionImpl> {
 public:
  static Result<std::shared_ptr<PeerConnection>> Create(Configuration configuration,
                                                        Callbacks callbacks);
  ~PeerConnectionImpl() override;

  void CreateOffer(OfferOptions options, Completion<SessionDescription> done) override;
  void CreateAnswer(Completion<SessionDescription> done) override;
  void SetLocalDescription(std::optional<SessionDescription> description,
                           Completion<void> done) override;
  void SetRemoteDescription(SessionDescription description, Completion<void> done) override;
  void AddIceCandidate(IceCandidate candidate, Completion<void> done) override;
  void RestartIce() override;
  Result<std::shared_ptr<DataChannel>> CreateDataChannel(std::string label,
                                                         DataChannelInit init) override;
  Result<std::shared_ptr<RtpTransceiver>> AddTrack(std::shared_ptr<MediaStreamTrack> track,
                                                   std::vector<std::string> stream_ids) override;
  Result<std::shared_ptr<RtpTransceiver>> AddTransceiver(MediaKind kind,
                                                         TransceiverInit init) override;
  Result<std::shared_ptr<RtpTransceiver>> AddTransceiver(std::shared_ptr<MediaStreamTrack> track,
                                                         TransceiverInit init) override;
  Result<void> RemoveTrack(const std::shared_ptr<RtpTransceiver>& transceiver) override;
  std::vector<std::shared_ptr<RtpTransceiver>> GetTransceivers() const override;
  void GetStats(Completion<StatsReport> done) override;

  SignalingState signaling_state() const override;
  IceGatheringState ice_gathering_state() const override;
  IceConnectionState ice_connection_state() const override;
  PeerConnectionState connection_state() const override;
  std::optional<SessionDescription> local_description() const override;
  std::optional<SessionDescription> remote_description() const override;
  std::optional<SessionDescription> current_local_description() const override;
  std::optional<SessionDescription> pending_local_description() const override;
  std::optional<SessionDescription> current_remote_description() const override;
  std::optional<SessionDescription> pending_remote_description() const override;
  Configuration configuration() const override { return configuration_; }
  void Close() override;

  // TransceiverControl.
  Result<void> SetTransceiverDirection(jsep::TransceiverId id,
                                       TransceiverDirection direction) override;
  Result<void> StopTransceiver(jsep::TransceiverId id) override;
  Result<void> SetTransceiverCodecs(jsep::TransceiverId id, std::vector<RtpCodec> codecs) override;

 private:
  struct Snapshot {
    SignalingState signaling = SignalingState::kStable;
    IceGatheringState gathering = IceGatheringState::kNew;
    IceConnectionState ice = IceConnectionState::kNew;
    PeerConnectionState connection = PeerConnectionState::kNew;
    std::optional<SessionDescription> current_local, pending_local, current_remote, pending_remote;
  };

  PeerConnectionImpl(std::shared_ptr<Runtime> runtime, Configuration configuration,
                     Callbacks callbacks);
  Result<void> Init(dtls::Certificate certificate, session::SecureTransportConfig config);

  // Runs `task` on the callback thread (inline when already there), if still alive.
  void Run(std::function<void(PeerConnectionImpl&)> task);
  // Runs `task` there and waits for its result.
  template <typename T>
  Result<T> RunAndWait(std::function<Result<T>(PeerConnectionImpl&)> task);
  Result<void> RunAndWaitVoid(std::function<Result<void>(PeerConnectionImpl&)> task);
  // Posts a user callback to run after the current task, unless closed by then.
  void Emit(std::function<void(const Callbacks&)> event);
  template <typename T>
  void Complete(Completion<T> done, Result<T> result);

  // Callback-thread work.
  Result<SessionDescription> DoCreateOffer(const OfferOptions& options);
  Result<SessionDescription> DoCreateAnswer();
  Result<void> DoSetLocalDescription(const std::optional<SessionDescription>& description);
  Result<void> DoSetRemoteDescription(const SessionDescription& description);
  Result<void> DoAddIceCandidate(const IceCandidate& candidate);
  void ApplyTransportChanges(const jsep::Applied& applied, bool local);
  void AfterNegotiationStep(const jsep::Applied& applied);
  void SyncTransceivers();
  std::shared_ptr<TransceiverImpl> FindTransceiver(jsep::TransceiverId id) const;
  void UpdateNegotiationNeeded();
  void SetSignalingState(SignalingState state);
  void UpdateConnectionState();
  void SnapshotDescriptions();
  Result<std::shared_ptr<RtpTransceiver>> DoAddTransceiver(MediaKind kind,
                                                           std::shared_ptr<MediaStreamTrack> track,
                                                           TransceiverInit init);
  StatsReport BuildStats();

  // Transport events (callback thread).
  void OnLocalCandidate(const ice::Candidate& candidate);
  void OnGatheringState(ice::GatheringState state);
  void OnIceState(ice::ConnectionState state);
  void OnDtlsState(dtls::State state, const std::string& reason);
  void OnDataChannel(std::shared_ptr<SctpDataChannel> channel);

  const std::shared_ptr<Runtime> runtime_;
  const Configuration configuration_;
  const Callbacks callbacks_;
  std::atomic<bool> closed_{false};

  // Callback thread only.
  dtls::Certificate certificate_;
  std::unique_ptr<DtlsTransport> transport_;
  std::unique_ptr<jsep::Negotiator> negotiator_;
  bool gathering_started_ = false;
  bool dtls_started_ = false;
  bool ice_role_set_ = false;
  bool negotiation_needed_ = false;
  std::optional<ice::Credentials> remote_credentials_;
  std::vector<dtls::Fingerprint> remote_fingerprints_;
  std::vector<std::pair<IceCandidate, Completion<void>>> early_candidates_;
  ice::ConnectionState ice_state_ = ice::ConnectionState::kNew;
  dtls::State dtls_state_ = dtls::State::kNew;
  std::vector<std::weak_ptr<DataChannel>> data_channels_;

  mutable std::mutex mutex_;  // Guards snapshot_ and transceivers_.
  Snapshot snapshot_;
  std::vector<std::shared_ptr<TransceiverImpl>> transceivers_;
};

}  // namespace parley
