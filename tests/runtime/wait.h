// Bounded waits on conditions for the runtime tests: never sleep, never wait unbounded.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace parley::test {

// Generous, so a loaded machine does not fail tests; a passing test never waits this long.
inline constexpr std::chrono::seconds kWaitBound{5};

// A one-shot flag another thread sets.
class Notification {
 public:
  void Notify() {
    std::lock_guard lock(mutex_);
    notified_ = true;
    cv_.notify_all();
  }
  // False when not notified within `bound`.
  bool Wait(std::chrono::milliseconds bound = kWaitBound) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, bound, [&] { return notified_; });
  }
  bool notified() {
    std::lock_guard lock(mutex_);
    return notified_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool notified_ = false;
};

// A counter other threads increment; tests wait for it to reach a value.
class Counter {
 public:
  void Increment() {
    std::lock_guard lock(mutex_);
    ++value_;
    cv_.notify_all();
  }
  // False when the counter did not reach `target` within `bound`.
  bool WaitFor(int target, std::chrono::milliseconds bound = kWaitBound) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, bound, [&] { return value_ >= target; });
  }
  int value() {
    std::lock_guard lock(mutex_);
    return value_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int value_ = 0;
};

}  // namespace parley::test
