// Turns SIGINT and SIGTERM into a callback on a thread of its own (sigwait), so that the rest of
// parley-call can react with ordinary locks and condition variables instead of async-signal-safe
// code. Create it before any other thread: the signals are blocked in the creating thread, and
// threads started later inherit that mask, so only this watcher receives them.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace parley::examples {

class SignalWatcher {
 public:
  // `on_signal` runs on the watcher's thread for every SIGINT or SIGTERM.
  explicit SignalWatcher(std::function<void(int signal_number)> on_signal);
  // Stops and joins the thread; the signals stay blocked.
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace parley::examples
