// EventLoop: the network thread. One thread runs epoll_wait and, on that thread only, posted tasks,
// timers and file-descriptor callbacks (sockets). Every method is thread-safe unless stated.
//
// Tasks and callbacks never run while the loop's internal mutex is held: the loop takes work out
// of its queues under the lock, unlocks, then runs it. So any task may re-enter the loop (Post,
// ScheduleAt, Cancel, Invoke inline) without deadlocking.
//
// Shutdown: the destructor stops the loop after the task running at that moment (if any) returns.
// Tasks and timers that have not started by then are destroyed without running, on the loop
// thread; so are tasks posted afterwards (on the posting thread). Destroying the loop from one of
// its own tasks is allowed: the thread is detached and exits when that task returns (see
// WaitForDetachedThreads). Everything watched (e.g. every UdpSocket) must be destroyed before the
// loop. Tasks and callbacks must not throw (that terminates the process); Invoke forwards
// exceptions to its caller instead.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <span>
#include <thread>
#include <type_traits>
#include <utility>

#include "base/time.h"
#include "parley/result.h"

namespace parley {

class EventLoop {
 public:
  using TimerId = uint64_t;
  using WatchId = uint64_t;

  // Starts the thread.
  EventLoop();
  // Stops and joins the thread (or detaches it when called on it). Never waits for queued work.
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Runs `task` on the loop thread, in the order the Post calls took effect (so FIFO from any one
  // thread).
  void Post(std::function<void()> task);

  // Runs `fn` once on the loop thread at or shortly after `deadline` (a SteadyNow() time; past
  // deadlines fire as soon as possible). Timers fire in deadline order, ties in scheduling order.
  TimerId ScheduleAt(Timestamp deadline, std::function<void()> fn);
  TimerId ScheduleAfter(TimeDelta delay, std::function<void()> fn);
  // A timer cancelled before it starts never fires; this is exact on the loop thread (also from
  // inside another callback of the same round). From another thread, a timer whose callback has
  // already started keeps running. Unknown or already fired ids are ignored.
  void Cancel(TimerId id);

  // True when called on the loop thread.
  bool IsCurrent() const;

  // Runs `fn` on the loop thread and returns its result (or rethrows its exception), blocking the
  // caller; runs inline when already on the loop thread. Throws std::future_error
  // (broken_promise) if the loop shuts down before running it. The caller must not hold anything
  // the loop thread may wait for.
  template <typename F>
  std::invoke_result_t<std::decay_t<F>&> Invoke(F&& fn) {
    using R = std::invoke_result_t<std::decay_t<F>&>;
    if (IsCurrent()) return fn();
    auto task = std::make_shared<std::packaged_task<R()>>(std::forward<F>(fn));
    std::future<R> result = task->get_future();
    Post([task] { (*task)(); });
    return result.get();
  }

  // File-descriptor readiness, for the runtime's own IO classes (UdpSocket). `on_ready` runs on
  // the loop thread with the epoll event mask whenever `fd` is ready for `events` (level
  // triggered). The fd must stay open until Unwatch returns.
  Result<WatchId> Watch(int fd, uint32_t events, std::function<void(uint32_t events)> on_ready);
  // After Unwatch returns, the callback is not running (unless Unwatch was called from inside it)
  // and never runs again. Off the loop thread this waits for the loop thread.
  void Unwatch(WatchId id);
  // Loop thread only: memory of at least `size` bytes owned by the loop, valid until the next
  // call, e.g. for reading datagrams. Shared by all sockets instead of a buffer per socket.
  std::span<uint8_t> ScratchBuffer(size_t size);

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::thread thread_;
};

}  // namespace parley
