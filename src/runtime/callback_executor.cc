#include "runtime/callback_executor.h"

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "runtime/detached_threads.h"

namespace parley {

// Shared by the executor object and its thread, so the thread can outlive the object when the
// executor is destroyed from one of its own callbacks.
struct CallbackExecutor::State {
  void Run();

  std::atomic<bool> stop{false};
  bool detached = false;  // Executor thread only.

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::function<void()>> tasks;  // Guarded by mutex.
};

namespace {
// The State whose thread this is, if any.
thread_local const void* tls_current_executor = nullptr;
}  // namespace

void CallbackExecutor::State::Run() {
  tls_current_executor = this;
  std::deque<std::function<void()>> batch;
  while (true) {
    {
      std::unique_lock lock(mutex);
      wake.wait(lock, [&] { return stop.load() || !tasks.empty(); });
      if (stop.load()) break;
      batch.swap(tasks);
    }
    // No lock held: a callback may Post, destroy the executor, or block.
    for (auto& task : batch) {
      if (stop.load()) break;
      if (task) task();
      task = nullptr;  // Release captures in order.
    }
    batch.clear();
  }
  batch.clear();
  {
    std::lock_guard lock(mutex);
    batch.swap(tasks);
  }
  batch.clear();  // Not-yet-run callbacks are destroyed here, without the lock.
  tls_current_executor = nullptr;
}

CallbackExecutor::CallbackExecutor() : state_(std::make_shared<State>()) {
  thread_ = std::thread([state = state_]() mutable {
    pthread_setname_np(pthread_self(), "parley-callback");  // For debuggers and top -H.
    state->Run();
    const bool detached = state->detached;
    state.reset();
    if (detached) internal::DetachedThreadFinished();
  });
}

CallbackExecutor::~CallbackExecutor() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stop.store(true);
  }
  state_->wake.notify_all();
  if (IsCurrent()) {
    state_->detached = true;
    internal::DetachedThreadStarted();
    thread_.detach();
    return;
  }
  thread_.join();
}

void CallbackExecutor::Post(std::function<void()> task) {
  // A local reference: once queued, the task may run and destroy this executor before we return.
  const std::shared_ptr<State> state = state_;
  {
    std::unique_lock lock(state->mutex);
    if (state->stop.load()) {
      lock.unlock();
      return;  // `task` is destroyed on return, without the lock.
    }
    state->tasks.push_back(std::move(task));
  }
  state->wake.notify_one();
}

bool CallbackExecutor::IsCurrent() const {
  return tls_current_executor == state_.get();
}

}  // namespace parley
