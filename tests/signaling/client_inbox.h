// Collects what a SignalingClient hands to its callbacks (on its io thread) so that a test can
// wait, with a deadline, for a number of messages or for the close.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "signaling/signaling_client.h"

namespace parley::examples::test {

inline constexpr std::chrono::seconds kWaitLimit{10};

class ClientInbox {
 public:
  // Must outlive the client they are given to.
  SignalingClient::Callbacks Callbacks();

  // The first `count` messages, once that many arrived before kWaitLimit; nullopt otherwise.
  std::optional<std::vector<std::string>> WaitForMessages(size_t count);
  // The on_closed reason, once it came before kWaitLimit.
  std::optional<std::string> WaitForClosed();

  std::vector<std::string> messages() const;
  int closed_count() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> messages_;
  std::optional<std::string> closed_reason_;
  int closed_count_ = 0;
};

}  // namespace parley::examples::test
