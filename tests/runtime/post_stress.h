// Shared stress check for thread-safe Post(): many threads post concurrently and every task must
// run exactly once. Used for both EventLoop and CallbackExecutor.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "runtime/wait.h"

namespace parley::test {

// `post` is the Post() under test; `drain` waits until anything still queued has run, so an
// extra (duplicate) run would be visible.
inline void ExpectConcurrentPostsRunOnce(const std::function<void(std::function<void()>)>& post,
                                         const std::function<void()>& drain, int threads,
                                         int per_thread) {
  std::vector<std::atomic<int>> runs(static_cast<size_t>(threads * per_thread));
  Counter done;
  std::vector<std::thread> posters;
  for (int t = 0; t < threads; ++t) {
    posters.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        post([&, index = t * per_thread + i] {
          ++runs[static_cast<size_t>(index)];
          done.Increment();
        });
      }
    });
  }
  for (auto& poster : posters)
    poster.join();
  ASSERT_TRUE(done.WaitFor(threads * per_thread));
  drain();
  for (const auto& count : runs)
    EXPECT_EQ(count.load(), 1);
}

}  // namespace parley::test
