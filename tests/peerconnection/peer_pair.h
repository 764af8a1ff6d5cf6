// Two PeerConnections in one process on 127.0.0.1, signalling each other directly: candidates
// trickle from one's on_ice_candidate into the other's AddIceCandidate. Waits are bounded
// condition waits (no sleeps).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "parley/peer_connection.h"

namespace parley::testing {

inline constexpr auto kWait = std::chrono::seconds(15);

// A thread-safe record of what one peer saw.
struct PeerLog {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<PeerConnectionState> states;
  std::vector<SignalingState> signaling;
  std::vector<std::string> messages;  // text received on any channel
  std::vector<std::shared_ptr<DataChannel>> remote_channels;
  std::vector<TrackEvent> tracks;
  int negotiation_needed = 0;
  int open_channels = 0;
  bool gathering_complete = false;

  template <typename Predicate>
  bool WaitFor(Predicate predicate, std::chrono::milliseconds timeout = kWait) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return predicate(*this); });
  }
  void Update(const std::function<void(PeerLog&)>& change) {
    {
      std::lock_guard lock(mutex);
      change(*this);
    }
    changed.notify_all();
  }
};

class Peer {
 public:
  explicit Peer(std::string name, Configuration configuration = LoopbackConfiguration())
      : name_(std::move(name)),
        log_(std::make_shared<PeerLog>()),
        forwarder_(std::make_shared<Forwarder>()) {
    PeerConnection::Callbacks callbacks;
    auto log = log_;
    auto forwarder = forwarder_;
    callbacks.on_ice_candidate = [forwarder, log](const std::optional<IceCandidate>& candidate) {
      std::function<void(const std::optional<IceCandidate>&)> forward;
      {
        std::lock_guard lock(forwarder->mutex);
        forward = forwarder->forward;
      }
      if (forward) forward(candidate);
      if (!candidate) log->Update([](PeerLog& l) { l.gathering_complete = true; });
    };
    callbacks.on_connection_state_change = [log](PeerConnectionState state) {
      log->Update([state](PeerLog& l) { l.states.push_back(state); });
    };
    callbacks.on_signaling_state_change = [log](SignalingState state) {
      log->Update([state](PeerLog& l) { l.signaling.push_back(state); });
    };
    callbacks.on_negotiation_needed = [log] {
      log->Update([](PeerLog& l) { ++l.negotiation_needed; });
    };
    callbacks.on_data_channel = [log](std::shared_ptr<DataChannel> channel) {
      Watch(log, channel, /*echo=*/true);
      log->Update([channel](PeerLog& l) { l.remote_channels.push_back(channel); });
    };
    callbacks.on_track = [log](const TrackEvent& event) {
      log->Update([event](PeerLog& l) { l.tracks.push_back(event); });
    };
    pc_ = PeerConnection::Create(std::move(configuration), std::move(callbacks)).value();
  }

  static Configuration LoopbackConfiguration() {
    Configuration configuration;
    configuration.ice_addresses = {"127.0.0.1"};
    return configuration;
  }

  // Records messages and opens; `echo` answers each "ping N" with "echo:ping N".
  static void Watch(const std::shared_ptr<PeerLog>& log,
                    const std::shared_ptr<DataChannel>& channel, bool echo) {
    DataChannel::Callbacks c;
    std::weak_ptr<DataChannel> weak = channel;
    c.on_open = [log] { log->Update([](PeerLog& l) { ++l.open_channels; }); };
    c.on_message = [log, weak, echo](const std::vector<uint8_t>& data, bool) {
      std::string text(data.begin(), data.end());
      if (echo && text.rfind("ping", 0) == 0) {
        if (auto channel = weak.lock()) (void)channel->Send("echo:" + text);
      }
      log->Update([text](PeerLog& l) { l.messages.push_back(text); });
    };
    channel->SetCallbacks(std::move(c));
  }

  // Trickles this peer's candidates into `other`.
  void TrickleTo(Peer& other) {
    std::lock_guard lock(forwarder_->mutex);
    std::weak_ptr<PeerConnection> weak_target = other.pc_;
    forwarder_->forward = [weak_target](const std::optional<IceCandidate>& candidate) {
      if (auto target = weak_target.lock()) {
        target->AddIceCandidate(candidate.value_or(IceCandidate{}), [](Result<void>) {});
      }
    };
  }

  PeerConnection& pc() { return *pc_; }
  std::shared_ptr<PeerConnection>& pc_ptr() { return pc_; }
  PeerLog& log() { return *log_; }
  std::shared_ptr<PeerLog> log_ptr() { return log_; }
  const std::string& name() const { return name_; }

  bool WaitConnected() {
    return log_->WaitFor([](PeerLog& l) {
      return !l.states.empty() && l.states.back() == PeerConnectionState::kConnected;
    });
  }

 private:
  struct Forwarder {
    std::mutex mutex;
    std::function<void(const std::optional<IceCandidate>&)> forward;
  };
  std::string name_;
  std::shared_ptr<PeerLog> log_;
  std::shared_ptr<Forwarder> forwarder_;
  std::shared_ptr<PeerConnection> pc_;
};

// One offer/answer round: `offerer` offers (implicit setLocalDescription), `answerer` answers.
inline Result<void> Negotiate(Peer& offerer, Peer& answerer) {
  if (auto set = offerer.pc().SetLocalDescription().get(); !set.ok()) return set;
  auto offer = offerer.pc().local_description();
  if (!offer) return OperationError("no local offer");
  if (auto set = answerer.pc().SetRemoteDescription(*offer).get(); !set.ok()) return set;
  if (auto set = answerer.pc().SetLocalDescription().get(); !set.ok()) return set;
  auto answer = answerer.pc().local_description();
  if (!answer) return OperationError("no local answer");
  return offerer.pc().SetRemoteDescription(*answer).get();
}

}  // namespace parley::testing
