// CallbackExecutor: the thread on which user callbacks run, one at a time, in FIFO order. User code
// thus never runs under a Parley lock nor on the network thread, and may call back into Parley
// (or destroy it) from any callback.
//
// Shutdown: the destructor lets the callback running at that moment (if any) finish; callbacks
// not yet started are destroyed without running (on the executor thread), and later Posts are
// destroyed at once. Dropping rather than draining means shutdown never waits for user code that
// might itself wait for the thread destroying us. Destroying the executor from one of its own
// callbacks is allowed: the thread is detached and exits when that callback returns (see
// WaitForDetachedThreads). Callbacks must not throw; that terminates the process.
#pragma once

#include <functional>
#include <memory>
#include <thread>

namespace parley {

class CallbackExecutor {
 public:
  // Starts the thread.
  CallbackExecutor();
  // Stops and joins the thread, or detaches it when called on it.
  ~CallbackExecutor();
  CallbackExecutor(const CallbackExecutor&) = delete;
  CallbackExecutor& operator=(const CallbackExecutor&) = delete;

  // Thread-safe. Runs `task` on the executor thread after everything posted before it.
  void Post(std::function<void()> task);
  // True when called on the executor thread.
  bool IsCurrent() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::thread thread_;
};

}  // namespace parley
