// One call of parley-call: a PeerConnection signaled through a parley-signal room, a "chat"
// data channel carrying pings and echoes, the status line while it runs and the summary after.
//
// Threads: Run() is the main thread's; it waits on a condition variable for events and for its
// next tick (a ping every 500 ms, a status line every second, the deadlines). Parley callbacks
// arrive on Parley's callback thread and signaling messages on the signaling client's thread;
// both update the state under one mutex and send signaling from where they run. The
// PeerConnection's operations are called from those threads (they post to its callback thread,
// which keeps them in order).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "parley/peer_connection.h"
#include "parley_call/call_options.h"
#include "parley_call/call_report.h"
#include "parley_call/console.h"
#include "signaling/signaling_client.h"
#include "signaling/signaling_message.h"

namespace parley::examples {

class CallSession : public std::enable_shared_from_this<CallSession> {
 public:
  // Callbacks hold the session by shared_ptr, so it must be created as one.
  static std::shared_ptr<CallSession> Create(CallOptions options, bool terminal);

  // Runs the whole call on the calling thread and returns the exit code: 0 when it connected
  // and exchanged data as configured, 1 otherwise.
  int Run();
  // Ends the call as interrupted (SIGINT/SIGTERM); from any thread.
  void Interrupt(int signal_number);

 private:
  using Clock = std::chrono::steady_clock;

  enum class EndReason {
    kDurationReached,
    kPeerHungUp,
    kInterrupted,
    kConnectTimeout,
    kSignalingFailed,
    kConnectionFailed,
    kError,
  };
  struct End {
    EndReason reason;
    std::string text;
    PeerConnectionState state;  // When the call ended (a peer hanging up changes it after).
  };

  CallSession(CallOptions options, bool terminal);

  // Main thread.
  bool ConnectSignaling();
  bool CreatePeerConnection();
  bool StartOffer();
  void RunUntilEnd();
  void SendPing();
  void ShowStatus();
  std::optional<StatsReport> TakeStats();
  int Finish();
  bool CriteriaMet() const;  // Needs mutex_.

  // Signaling thread.
  void OnSignalingMessage(const std::string& text);
  void OnSignalingClosed(const std::string& reason);
  void HandleOffer(std::string sdp);
  void HandleAnswer(std::string sdp);
  void HandleRemoteCandidate(IceCandidate candidate);

  // Parley's callback thread.
  void OnRemoteDescriptionApplied();
  void OnLocalCandidate(const std::optional<IceCandidate>& candidate);
  void OnConnectionState(PeerConnectionState state);
  void OnIncomingChannel(std::shared_ptr<DataChannel> channel);
  void AdoptChannel(std::shared_ptr<DataChannel> channel);
  void OnChannelOpen();
  void OnChannelMessage(const std::vector<uint8_t>& data, bool binary);

  // Any thread.
  void EndCall(EndReason reason, std::string text);
  void EndLocked(EndReason reason, std::string text);  // Needs mutex_; the first end wins.
  void SendSignaling(const SignalingMessage& message);
  std::shared_ptr<PeerConnection> peer_connection();

  const CallOptions options_;
  Console console_;
  const Clock::time_point started_at_;

  // Owned and destroyed by the main thread; others reach it through signaling_ (under mutex_).
  std::unique_ptr<SignalingClient> signaling_owner_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool finished_ = false;  // Callbacks that still arrive after Finish() do nothing.
  SignalingClient* signaling_ = nullptr;
  std::vector<std::string> pending_signaling_;  // Sent once signaling_ is set.
  std::shared_ptr<PeerConnection> pc_;
  std::shared_ptr<DataChannel> channel_;
  bool channel_open_ = false;
  bool offer_sent_ = false;
  // Remote candidates wait here until the remote description is applied.
  bool remote_description_applied_ = false;
  std::vector<IceCandidate> early_candidates_;
  PeerConnectionState state_ = PeerConnectionState::kNew;
  bool connected_ = false;
  Clock::time_point connected_at_;
  // When the connection closed or failed after connecting: a bye may still be on its way.
  std::optional<Clock::time_point> lost_at_;
  ChatCounters chat_;
  PathStats last_path_;
  std::optional<End> end_;
};

}  // namespace parley::examples
