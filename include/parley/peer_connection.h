// PeerConnection: RTCPeerConnection (webrtc-pc §4) in C++.
//
//   auto pc = PeerConnection::Create(config, callbacks).value();
//   auto channel = pc->CreateDataChannel("chat").value();
//   pc->SetLocalDescription([&](Result<void> r) { send(*pc->local_description()); });
//   // ... signal the offer, trickle candidates from on_ice_candidate, and feed the peer's
//   // answer and candidates to SetRemoteDescription / AddIceCandidate.
//
// Threads (docs/threading.md): every PeerConnection of a process shares two threads, a network
// thread (sockets, timers, protocols) and a callback thread on which every callback runs, one at
// a time, in order, never under a Parley lock. Operations (CreateOffer, SetLocalDescription, ...)
// run in order on the callback thread: called from another thread they post and complete
// through the callback or the future; called from a callback they run at once (the future is
// ready on return). No call blocks the network thread. Getters may be called from any thread.
// A callback may destroy the PeerConnection; Close() returns promptly.
//
// Errors are those the W3C names: InvalidStateError for a call in the wrong state (e.g. after
// Close(), or setRemoteDescription(answer) in "stable"), SyntaxError for unparsable SDP or
// candidates, InvalidAccessError for a description that does not fit, TypeError and
// OperationError as the W3C specifies; each message says what was wrong.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parley/configuration.h"
#include "parley/data_channel.h"
#include "parley/media.h"
#include "parley/result.h"
#include "parley/session_description.h"
#include "parley/stats.h"

namespace parley {

struct OfferOptions {
  bool ice_restart = false;
};

// RTCTrackEvent.
struct TrackEvent {
  std::shared_ptr<RtpTransceiver> transceiver;
  std::shared_ptr<MediaStreamTrack> track;
  std::vector<std::string> stream_ids;
};

class PeerConnection {
 public:
  // All optional; each runs on the callback thread.
  struct Callbacks {
    // A gathered local candidate to signal; nullopt once gathering completed (the W3C null
    // candidate: signal end-of-candidates).
    std::function<void(const std::optional<IceCandidate>& candidate)> on_ice_candidate;
    std::function<void(IceGatheringState state)> on_ice_gathering_state_change;
    std::function<void(IceConnectionState state)> on_ice_connection_state_change;
    std::function<void(PeerConnectionState state)> on_connection_state_change;
    std::function<void(SignalingState state)> on_signaling_state_change;
    std::function<void()> on_negotiation_needed;
    // A channel the peer opened; set its callbacks here (its messages follow).
    std::function<void(std::shared_ptr<DataChannel> channel)> on_data_channel;
    std::function<void(const TrackEvent& event)> on_track;
  };

  template <typename T>
  using Completion = std::function<void(Result<T>)>;

  // InvalidAccessError for an expired certificate or more than one; SyntaxError for a bad ICE
  // server URL; InvalidAccessError for a TURN server without credentials, or an ice_address
  // that cannot be bound.
  static Result<std::shared_ptr<PeerConnection>> Create(Configuration configuration = {},
                                                        Callbacks callbacks = {});
  // Closes (as Close()) and releases everything; allowed from inside a callback.
  virtual ~PeerConnection() = default;

  // Offer/answer (JSEP, RFC 8829).
  virtual void CreateOffer(OfferOptions options, Completion<SessionDescription> done) = 0;
  virtual void CreateAnswer(Completion<SessionDescription> done) = 0;
  // With no description: the implicit form (creates the offer or answer the state calls for).
  virtual void SetLocalDescription(std::optional<SessionDescription> description,
                                   Completion<void> done) = 0;
  virtual void SetRemoteDescription(SessionDescription description, Completion<void> done) = 0;
  // Before the remote description exists, candidates are queued and applied with it.
  virtual void AddIceCandidate(IceCandidate candidate, Completion<void> done) = 0;

  // Future forms of the same operations.
  std::future<Result<SessionDescription>> CreateOffer(OfferOptions options = {});
  std::future<Result<SessionDescription>> CreateAnswer();
  std::future<Result<void>> SetLocalDescription(
      std::optional<SessionDescription> description = std::nullopt);
  std::future<Result<void>> SetRemoteDescription(SessionDescription description);
  std::future<Result<void>> AddIceCandidate(IceCandidate candidate);

  // restartIce(): the next offer restarts ICE; on_negotiation_needed fires.
  virtual void RestartIce() = 0;

  // Synchronous, as in the W3C API (they wait for the callback thread when called elsewhere).
  virtual Result<std::shared_ptr<DataChannel>> CreateDataChannel(std::string label,
                                                                 DataChannelInit init = {}) = 0;
  virtual Result<std::shared_ptr<RtpTransceiver>> AddTrack(
      std::shared_ptr<MediaStreamTrack> track, std::vector<std::string> stream_ids = {}) = 0;
  virtual Result<std::shared_ptr<RtpTransceiver>> AddTransceiver(MediaKind kind,
                                                                 TransceiverInit init = {}) = 0;
  virtual Result<std::shared_ptr<RtpTransceiver>> AddTransceiver(
      std::shared_ptr<MediaStreamTrack> track, TransceiverInit init = {}) = 0;
  // removeTrack(sender): the transceiver stops sending (direction loses "send").
  virtual Result<void> RemoveTrack(const std::shared_ptr<RtpTransceiver>& transceiver) = 0;
  virtual std::vector<std::shared_ptr<RtpTransceiver>> GetTransceivers() const = 0;

  virtual void GetStats(Completion<StatsReport> done) = 0;
  std::future<Result<StatsReport>> GetStats();

  virtual SignalingState signaling_state() const = 0;
  virtual IceGatheringState ice_gathering_state() const = 0;
  virtual IceConnectionState ice_connection_state() const = 0;
  virtual PeerConnectionState connection_state() const = 0;
  virtual std::optional<SessionDescription> local_description() const = 0;
  virtual std::optional<SessionDescription> remote_description() const = 0;
  virtual std::optional<SessionDescription> current_local_description() const = 0;
  virtual std::optional<SessionDescription> pending_local_description() const = 0;
  virtual std::optional<SessionDescription> current_remote_description() const = 0;
  virtual std::optional<SessionDescription> pending_remote_description() const = 0;
  virtual Configuration configuration() const = 0;

  // Closes every transport and channel at once (close_notify and TURN releases are sent best
  // effort); no callback runs afterwards, except those already running. Idempotent.
  virtual void Close() = 0;
};

}  // namespace parley
