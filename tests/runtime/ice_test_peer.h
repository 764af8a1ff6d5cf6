// IcePeer: an IceTransport plus thread-safe records of everything its callbacks reported, for the
// runtime and interop tests. Waits are bounded condition waits (wait.h), never sleeps.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/ice_transport.h"
#include "runtime/runtime.h"
#include "runtime/wait.h"

namespace parley::test {

class IcePeer {
 public:
  explicit IcePeer(std::string name) : name_(std::move(name)) {}
  // Destroys a transport still there (e.g. after a failed assertion) on the callback thread.
  ~IcePeer() {
    if (transport_ && runtime_ != nullptr) Destroy(*runtime_, {this});
  }

  // Creates the transport with callbacks that record into this peer; `extra` callbacks run after
  // the recording (on the callback thread).
  Result<void> Create(Runtime& runtime, ice::AgentConfig config,
                      IceTransport::Callbacks extra = {}) {
    IceTransport::Callbacks callbacks;
    callbacks.on_candidate = [this, extra](const ice::Candidate& candidate) {
      {
        std::lock_guard lock(mutex_);
        candidates_.push_back(candidate);
      }
      changed_.notify_all();
      if (forward_candidate_) forward_candidate_(candidate);
      if (extra.on_candidate) extra.on_candidate(candidate);
    };
    callbacks.on_gathering_state = [this, extra](ice::GatheringState state) {
      {
        std::lock_guard lock(mutex_);
        gathering_ = state;
      }
      changed_.notify_all();
      if (state == ice::GatheringState::kComplete && forward_end_of_candidates_) {
        forward_end_of_candidates_();
      }
      if (extra.on_gathering_state) extra.on_gathering_state(state);
    };
    callbacks.on_state = [this, extra](ice::ConnectionState state) {
      {
        std::lock_guard lock(mutex_);
        states_.push_back(state);
      }
      changed_.notify_all();
      if (extra.on_state) extra.on_state(state);
    };
    callbacks.on_selected_pair = [this, extra](const ice::Candidate& local,
                                               const ice::Candidate& remote) {
      {
        std::lock_guard lock(mutex_);
        selected_local_ = local;
        selected_remote_ = remote;
        ++selected_changes_;
      }
      changed_.notify_all();
      if (extra.on_selected_pair) extra.on_selected_pair(local, remote);
    };
    callbacks.on_data = [this, extra](Bytes data) {
      {
        std::lock_guard lock(mutex_);
        data_.push_back(data);
      }
      changed_.notify_all();
      if (echo_) {
        Bytes reply(echo_prefix_.begin(), echo_prefix_.end());
        reply.insert(reply.end(), data.begin(), data.end());
        EXPECT_TRUE(transport_->Send(reply).ok()) << name_ << ": echo failed";
      }
      if (extra.on_data) extra.on_data(std::move(data));
    };
    callbacks.on_role = extra.on_role;
    runtime_ = &runtime;
    auto created = IceTransport::Create(runtime, std::move(config), std::move(callbacks));
    if (!created.ok()) return created.error();
    transport_ = std::move(created).value();
    return Ok();
  }

  // Trickles this peer's candidates (as SDP text, like signaling would) and its end of
  // candidates to `other`, and gives each the other's credentials. Call before Start().
  static void Wire(IcePeer& a, IcePeer& b) {
    a.WireTo(b);
    b.WireTo(a);
    ASSERT_TRUE(a.transport()->SetRemoteCredentials(b.transport()->local_credentials()).ok());
    ASSERT_TRUE(b.transport()->SetRemoteCredentials(a.transport()->local_credentials()).ok());
  }
  void WireTo(IcePeer& other) {
    forward_candidate_ = [&other](const ice::Candidate& candidate) {
      EXPECT_TRUE(other.transport()->AddRemoteCandidate(candidate.ToString()).ok());
    };
    forward_end_of_candidates_ = [&other] { other.transport()->EndOfRemoteCandidates(); };
  }
  // Echo every datagram back with `prefix` (from the callback thread).
  void EnableEcho(std::string prefix) {
    echo_prefix_ = std::move(prefix);
    echo_ = true;
  }

  IceTransport* transport() { return transport_.get(); }
  const std::string& name() const { return name_; }

  // Destroys the transport on the callback thread, so that no other callback is running or
  // starts while it goes (the other peer's callbacks may use it).
  static void Destroy(Runtime& runtime, std::initializer_list<IcePeer*> peers) {
    Notification done;
    runtime.callbacks().Post([&] {
      for (IcePeer* peer : peers)
        peer->transport_.reset();
      done.Notify();
    });
    ASSERT_TRUE(done.Wait());
  }
  // From the callback thread only (e.g. inside a callback).
  void ResetTransportFromCallback() { transport_.reset(); }
  // Hands the transport over, e.g. to destroy it on another thread. Only once the other peers'
  // callbacks no longer use it.
  std::unique_ptr<IceTransport> Release() {
    Notification done;
    std::unique_ptr<IceTransport> out;
    runtime_->callbacks().Post([&] {
      out = std::move(transport_);
      done.Notify();
    });
    EXPECT_TRUE(done.Wait());
    return out;
  }

  // Bounded waits.
  bool WaitForState(ice::ConnectionState state, std::chrono::milliseconds bound = kWaitBound) {
    return WaitUntil(
        bound, [&] { return std::find(states_.begin(), states_.end(), state) != states_.end(); });
  }
  // kConnected or kCompleted.
  bool WaitConnected(std::chrono::milliseconds bound = kWaitBound) {
    return WaitUntil(bound, [&] {
      return std::any_of(states_.begin(), states_.end(), [](ice::ConnectionState s) {
        return s == ice::ConnectionState::kConnected || s == ice::ConnectionState::kCompleted;
      });
    });
  }
  bool WaitGatheringComplete(std::chrono::milliseconds bound = kWaitBound) {
    return WaitUntil(bound, [&] { return gathering_ == ice::GatheringState::kComplete; });
  }
  bool WaitForData(size_t count, std::chrono::milliseconds bound = kWaitBound) {
    return WaitUntil(bound, [&] { return data_.size() >= count; });
  }
  bool WaitForSelectedPair(std::chrono::milliseconds bound = kWaitBound) {
    return WaitUntil(bound, [&] { return selected_changes_ > 0; });
  }

  std::vector<ice::Candidate> candidates() {
    std::lock_guard lock(mutex_);
    return candidates_;
  }
  std::vector<ice::ConnectionState> states() {
    std::lock_guard lock(mutex_);
    return states_;
  }
  std::vector<Bytes> data() {
    std::lock_guard lock(mutex_);
    return data_;
  }
  ice::Candidate selected_local() {
    std::lock_guard lock(mutex_);
    return selected_local_;
  }
  ice::Candidate selected_remote() {
    std::lock_guard lock(mutex_);
    return selected_remote_;
  }

 private:
  template <typename Predicate>
  bool WaitUntil(std::chrono::milliseconds bound, Predicate predicate) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, bound, predicate);
  }

  const std::string name_;
  Runtime* runtime_ = nullptr;
  std::unique_ptr<IceTransport> transport_;
  // Set before Start(), read on the callback thread.
  std::function<void(const ice::Candidate&)> forward_candidate_;
  std::function<void()> forward_end_of_candidates_;
  bool echo_ = false;
  std::string echo_prefix_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<ice::Candidate> candidates_;
  ice::GatheringState gathering_ = ice::GatheringState::kNew;
  std::vector<ice::ConnectionState> states_;
  std::vector<Bytes> data_;
  ice::Candidate selected_local_;
  ice::Candidate selected_remote_;
  int selected_changes_ = 0;
};

inline Bytes ToBytes(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

}  // namespace parley::test
