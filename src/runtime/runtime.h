// Runtime: the threads every connection shares. One EventLoop (the network thread: sockets,
// timers, protocol work) and one CallbackExecutor (user callbacks), so a process has these two
// threads however many connections and sockets it creates.
//
// Destruction stops the loop first, so no network work can post callbacks afterwards, then the
// executor; see their headers for what happens to pending work. Destroying the Runtime from a
// loop task or a user callback is allowed: that thread is detached and exits once the task
// returns. Sockets on loop() must be destroyed before the Runtime.
#pragma once

#include <memory>

#include "runtime/callback_executor.h"
#include "runtime/event_loop.h"

namespace parley {

class Runtime {
 public:
  // Starts both threads.
  static std::shared_ptr<Runtime> Create();
  ~Runtime() = default;
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  EventLoop& loop() { return loop_; }
  CallbackExecutor& callbacks() { return callbacks_; }

 private:
  Runtime() = default;

  // Declaration order matters: members are destroyed in reverse, the loop first.
  CallbackExecutor callbacks_;
  EventLoop loop_;
};

}  // namespace parley
