#include "signaling/client_inbox.h"

#include <utility>

namespace parley::examples::test {

SignalingClient::Callbacks ClientInbox::Callbacks() {
  SignalingClient::Callbacks callbacks;
  callbacks.on_message = [this](std::string text) {
    {
      std::lock_guard lock(mutex_);
      messages_.push_back(std::move(text));
    }
    changed_.notify_all();
  };
  callbacks.on_closed = [this](std::string reason) {
    {
      std::lock_guard lock(mutex_);
      closed_reason_ = std::move(reason);
      ++closed_count_;
    }
    changed_.notify_all();
  };
  return callbacks;
}

std::optional<std::vector<std::string>> ClientInbox::WaitForMessages(size_t count) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, kWaitLimit, [&] { return messages_.size() >= count; })) {
    return std::nullopt;
  }
  return std::vector<std::string>(messages_.begin(),
                                  messages_.begin() + static_cast<std::ptrdiff_t>(count));
}

std::optional<std::string> ClientInbox::WaitForClosed() {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, kWaitLimit, [&] { return closed_reason_.has_value(); })) {
    return std::nullopt;
  }
  return closed_reason_;
}

std::vector<std::string> ClientInbox::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

int ClientInbox::closed_count() const {
  std::lock_guard lock(mutex_);
  return closed_count_;
}

}  // namespace parley::examples::test
