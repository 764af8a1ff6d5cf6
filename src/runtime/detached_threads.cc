#include "runtime/detached_threads.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace parley {
namespace {

struct Tracker {
  std::mutex mutex;
  std::condition_variable exited;
  int running = 0;
};

// Never destroyed: a detached thread may finish while static destructors run at exit.
Tracker& GetTracker() {
  static Tracker* tracker = new Tracker;
  return *tracker;
}

}  // namespace

bool WaitForDetachedThreads(TimeDelta timeout) {
  Tracker& t = GetTracker();
  std::unique_lock lock(t.mutex);
  return t.exited.wait_for(lock, std::chrono::microseconds(timeout.us()),
                           [&] { return t.running == 0; });
}

namespace internal {

void DetachedThreadStarted() {
  Tracker& t = GetTracker();
  std::lock_guard lock(t.mutex);
  ++t.running;
}

void DetachedThreadFinished() {
  Tracker& t = GetTracker();
  std::lock_guard lock(t.mutex);
  --t.running;
  t.exited.notify_all();
}

}  // namespace internal
}  // namespace parley
