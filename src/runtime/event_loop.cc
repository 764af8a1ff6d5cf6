#include "runtime/event_loop.h"
#include "runtime/sockaddr.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "base/logging.h"
#include "runtime/clock.h"
#include "runtime/detached_threads.h"

namespace parley {
namespace {

// epoll user data of the wake-up eventfd; watch ids start at 1.
constexpr uint64_t kWakeId = 0;

}  // namespace

// Shared by the EventLoop object and its thread, so the thread can outlive the object when the
// loop is destroyed from one of its own tasks.
struct EventLoop::State {
  struct Watcher {
    int fd;
    std::function<void(uint32_t)> on_ready;
  };
  using TimerKey = std::pair<Timestamp, TimerId>;  // Ids grow, so ties keep scheduling order.

  State();
  ~State();

  // Wakes epoll_wait unless a wake-up is already pending. Call without the lock.
  void Wake();
  // Run on the loop thread only.
  void Run();
  int ComputeTimeoutMs();
  void Dispatch(const epoll_event& event);
  void RunDueTimers();
  void RunTasks();
  // Takes every queued task and timer out under the lock and destroys them outside it.
  void DropPending();

  int epoll_fd = -1;
  int wake_fd = -1;
  std::atomic<bool> stop{false};
  bool detached = false;         // Loop thread only.
  std::vector<uint8_t> scratch;  // Loop thread only.

  std::mutex mutex;
  std::deque<std::function<void()>> tasks;                         // Guarded by mutex.
  bool wake_pending = false;                                       // Guarded by mutex.
  std::map<TimerKey, std::function<void()>> timers;                // Guarded by mutex.
  std::unordered_map<TimerId, Timestamp> timer_deadlines;          // Guarded by mutex.
  TimerId next_timer_id = 1;                                       // Guarded by mutex.
  std::unordered_map<WatchId, std::shared_ptr<Watcher>> watchers;  // Guarded by mutex.
  WatchId next_watch_id = kWakeId + 1;                             // Guarded by mutex.
};

namespace {
// The State whose loop runs on this thread, if any.
thread_local const void* tls_current_loop = nullptr;
}  // namespace

EventLoop::State::State() {
  epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd < 0 || wake_fd < 0) {
    // Without these there is no loop at all; nothing sensible can continue.
    PARLEY_LOG(kError, "runtime") << "EventLoop: epoll_create1/eventfd failed: "
                                  << ErrnoText(errno);
    std::abort();
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kWakeId;
  if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &event) != 0) {
    PARLEY_LOG(kError, "runtime") << "EventLoop: epoll_ctl(eventfd) failed: " << ErrnoText(errno);
    std::abort();
  }
}

EventLoop::State::~State() {
  close(wake_fd);
  close(epoll_fd);
}

void EventLoop::State::Wake() {
  {
    std::lock_guard lock(mutex);
    if (wake_pending) return;
    wake_pending = true;
  }
  const uint64_t one = 1;
  // Can only fail if the counter would overflow, which a pending wake-up already covers.
  [[maybe_unused]] ssize_t n = write(wake_fd, &one, sizeof one);
}

void EventLoop::State::Run() {
  tls_current_loop = this;
  std::array<epoll_event, 64> events;
  while (!stop.load()) {
    const int n =
        epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), ComputeTimeoutMs());
    if (n < 0) {
      if (errno != EINTR) {
        PARLEY_LOG(kError, "runtime") << "EventLoop: epoll_wait failed: " << ErrnoText(errno);
      }
      continue;
    }
    for (int i = 0; i < n && !stop.load(); ++i) {
      Dispatch(events[i]);
    }
    if (!stop.load()) RunDueTimers();
    if (!stop.load()) RunTasks();
  }
  DropPending();
  size_t leftover;
  {
    std::lock_guard lock(mutex);
    leftover = watchers.size();
  }
  if (leftover > 0) {
    PARLEY_LOG(kError, "runtime") << "EventLoop destroyed with " << leftover
                                  << " watched descriptors; destroy sockets first";
  }
  tls_current_loop = nullptr;
}

int EventLoop::State::ComputeTimeoutMs() {
  Timestamp deadline;
  {
    std::lock_guard lock(mutex);
    if (!tasks.empty()) return 0;
    if (timers.empty()) return -1;
    deadline = timers.begin()->first.first;
  }
  const TimeDelta wait = deadline - SteadyNow();
  if (wait <= TimeDelta::Zero()) return 0;
  // Round up: waking early would only spin until the deadline.
  const int64_t ms = (wait.us() + 999) / 1000;
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

void EventLoop::State::Dispatch(const epoll_event& event) {
  if (event.data.u64 == kWakeId) {
    uint64_t count;
    [[maybe_unused]] ssize_t n = read(wake_fd, &count, sizeof count);
    std::lock_guard lock(mutex);
    wake_pending = false;
    return;
  }
  // Looked up by id, not fd: an fd closed and reused within one epoll batch must not reach the
  // new owner's callback.
  std::shared_ptr<Watcher> watcher;
  {
    std::lock_guard lock(mutex);
    auto it = watchers.find(event.data.u64);
    if (it == watchers.end()) return;
    watcher = it->second;
  }
  watcher->on_ready(event.events);
}

void EventLoop::State::RunDueTimers() {
  const Timestamp now = SteadyNow();
  TimerId limit;
  {
    std::lock_guard lock(mutex);
    limit = next_timer_id;
  }
  // One at a time, so a callback can cancel a timer due in this same round. Timers scheduled
  // during the round wait for the next one, so a self-rescheduling timer cannot starve IO.
  while (!stop.load()) {
    std::function<void()> fn;
    {
      std::lock_guard lock(mutex);
      if (timers.empty()) return;
      auto it = timers.begin();
      const auto [deadline, id] = it->first;
      if (deadline > now || id >= limit) return;
      fn = std::move(it->second);
      timers.erase(it);
      timer_deadlines.erase(id);
    }
    if (fn) fn();
  }
}

void EventLoop::State::RunTasks() {
  std::deque<std::function<void()>> batch;
  {
    std::lock_guard lock(mutex);
    batch.swap(tasks);
  }
  for (auto& task : batch) {
    if (stop.load()) break;  // The rest is destroyed with `batch`, outside the lock.
    if (task) task();
    task = nullptr;  // Release captures now, in order, rather than at the end of the batch.
  }
}

void EventLoop::State::DropPending() {
  std::deque<std::function<void()>> dropped_tasks;
  std::map<TimerKey, std::function<void()>> dropped_timers;
  {
    std::lock_guard lock(mutex);
    dropped_tasks.swap(tasks);
    dropped_timers.swap(timers);
    timer_deadlines.clear();
  }
}

EventLoop::EventLoop() : state_(std::make_shared<State>()) {
  thread_ = std::thread([state = state_]() mutable {
    pthread_setname_np(pthread_self(), "parley-network");  // For debuggers and top -H.
    state->Run();
    const bool detached = state->detached;
    state.reset();  // Last reference when detached: close the fds before reporting the exit.
    if (detached) internal::DetachedThreadFinished();
  });
}

EventLoop::~EventLoop() {
  {
    std::lock_guard lock(state_->mutex);  // Orders `stop` with Post's check under the lock.
    state_->stop.store(true);
  }
  if (IsCurrent()) {
    // Inside one of our own tasks: the thread cannot join itself. It exits when this task
    // returns; drop queued work now so that Invoke callers waiting on it wake up.
    state_->detached = true;
    internal::DetachedThreadStarted();
    thread_.detach();
    state_->DropPending();
    return;
  }
  state_->Wake();
  thread_.join();
}

void EventLoop::Post(std::function<void()> task) {
  // A local reference: once queued, the task may run and destroy this EventLoop before we return.
  const std::shared_ptr<State> state = state_;
  {
    std::unique_lock lock(state->mutex);
    if (state->stop.load()) {
      lock.unlock();
      return;  // `task` is destroyed here, on the caller's thread, without the lock.
    }
    state->tasks.push_back(std::move(task));
  }
  // The loop thread checks the queue before it waits.
  if (tls_current_loop != state.get()) state->Wake();
}

EventLoop::TimerId EventLoop::ScheduleAt(Timestamp deadline, std::function<void()> fn) {
  const std::shared_ptr<State> state = state_;  // As in Post.
  TimerId id;
  {
    std::lock_guard lock(state->mutex);
    id = state->next_timer_id++;
    if (state->stop.load()) return id;
    state->timers.emplace(State::TimerKey{deadline, id}, std::move(fn));
    state->timer_deadlines.emplace(id, deadline);
  }
  // Recomputes the epoll timeout in case this timer is now the earliest.
  if (tls_current_loop != state.get()) state->Wake();
  return id;
}

EventLoop::TimerId EventLoop::ScheduleAfter(TimeDelta delay, std::function<void()> fn) {
  return ScheduleAt(SteadyNow() + delay, std::move(fn));
}

void EventLoop::Cancel(TimerId id) {
  std::function<void()> cancelled;  // Destroyed after the lock is released.
  std::lock_guard lock(state_->mutex);
  auto it = state_->timer_deadlines.find(id);
  if (it == state_->timer_deadlines.end()) return;
  auto timer = state_->timers.find({it->second, id});
  cancelled = std::move(timer->second);
  state_->timers.erase(timer);
  state_->timer_deadlines.erase(it);
}

bool EventLoop::IsCurrent() const {
  return tls_current_loop == state_.get();
}

Result<EventLoop::WatchId> EventLoop::Watch(int fd, uint32_t events,
                                            std::function<void(uint32_t)> on_ready) {
  auto watcher = std::make_shared<State::Watcher>(State::Watcher{fd, std::move(on_ready)});
  WatchId id;
  {
    std::lock_guard lock(state_->mutex);
    id = state_->next_watch_id++;
    state_->watchers.emplace(id, std::move(watcher));
  }
  epoll_event event{};
  event.events = events;
  event.data.u64 = id;
  if (epoll_ctl(state_->epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
    const int error = errno;
    std::shared_ptr<State::Watcher> removed;  // Destroyed after the lock is released.
    {
      std::lock_guard lock(state_->mutex);
      auto it = state_->watchers.find(id);
      removed = std::move(it->second);
      state_->watchers.erase(it);
    }
    return OperationError("EventLoop::Watch(fd " + std::to_string(fd) +
                          "): epoll_ctl failed: " + ErrnoText(error));
  }
  return id;
}

void EventLoop::Unwatch(WatchId id) {
  auto remove = [state = state_.get(), id] {
    std::shared_ptr<State::Watcher> watcher;
    {
      std::lock_guard lock(state->mutex);
      auto it = state->watchers.find(id);
      if (it == state->watchers.end()) return;
      watcher = std::move(it->second);
      state->watchers.erase(it);
    }
    // Before `watcher` (which may own the fd) is released.
    epoll_ctl(state->epoll_fd, EPOLL_CTL_DEL, watcher->fd, nullptr);
  };
  if (IsCurrent() || state_->stop.load()) {
    remove();
    return;
  }
  try {
    // On the loop thread, so the callback cannot be running concurrently.
    Invoke(remove);
  } catch (const std::future_error&) {
    remove();  // The loop stopped meanwhile; it dispatches nothing any more.
  }
}

std::span<uint8_t> EventLoop::ScratchBuffer(size_t size) {
  if (state_->scratch.size() < size) state_->scratch.resize(size);
  return state_->scratch;
}

}  // namespace parley
