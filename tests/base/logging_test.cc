#include "base/logging.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace parley {
namespace {

struct Captured {
  LogLevel level;
  std::string tag;
  std::string message;
};

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogSink([this](LogLevel level, std::string_view tag, std::string_view message) {
      std::lock_guard lock(mutex_);
      captured_.push_back({level, std::string(tag), std::string(message)});
    });
  }
  void TearDown() override {
    SetLogSink(nullptr);
    SetMinLogLevel(LogLevel::kWarning);
  }
  std::vector<Captured> captured() {
    std::lock_guard lock(mutex_);
    return captured_;
  }

  std::mutex mutex_;
  std::vector<Captured> captured_;
};

TEST_F(LoggingTest, DefaultLevelIsWarning) {
  EXPECT_EQ(MinLogLevel(), LogLevel::kWarning);
  PARLEY_LOG(kInfo, "ice") << "not shown";
  PARLEY_LOG(kWarning, "ice") << "dropped " << 3 << " packets";
  PARLEY_LOG(kError, "dtls") << "handshake failed";
  auto logs = captured();
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs[0].level, LogLevel::kWarning);
  EXPECT_EQ(logs[0].tag, "ice");
  EXPECT_EQ(logs[0].message, "dropped 3 packets");
  EXPECT_EQ(logs[1].level, LogLevel::kError);
}

TEST_F(LoggingTest, DisabledMessagesAreNotFormatted) {
  int evaluations = 0;
  auto expensive = [&] {
    ++evaluations;
    return 1;
  };
  PARLEY_LOG(kVerbose, "x") << expensive();
  EXPECT_EQ(evaluations, 0);
  SetMinLogLevel(LogLevel::kVerbose);
  PARLEY_LOG(kVerbose, "x") << expensive();
  EXPECT_EQ(evaluations, 1);
  EXPECT_EQ(captured().size(), 1u);
}

TEST_F(LoggingTest, NoneSilencesEverything) {
  SetMinLogLevel(LogLevel::kNone);
  PARLEY_LOG(kError, "x") << "quiet";
  EXPECT_TRUE(captured().empty());
}

TEST_F(LoggingTest, LevelNames) {
  EXPECT_EQ(LogLevelName(LogLevel::kVerbose), "verbose");
  EXPECT_EQ(LogLevelName(LogLevel::kInfo), "info");
  EXPECT_EQ(LogLevelName(LogLevel::kWarning), "warning");
  EXPECT_EQ(LogLevelName(LogLevel::kError), "error");
}

TEST_F(LoggingTest, DefaultSinkWritesToStderr) {
  SetLogSink(nullptr);
  ::testing::internal::CaptureStderr();
  PARLEY_LOG(kWarning, "sctp") << "stream reset refused";
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "[parley warning sctp] stream reset refused\n");
}

// The sink may be replaced while other threads log; a sink may itself log or swap the sink
// without deadlocking, because no lock is held while it runs.
TEST_F(LoggingTest, SinkSwapIsThreadSafeAndReentrant) {
  std::atomic<int> calls{0};
  SetLogSink([&](LogLevel, std::string_view, std::string_view message) {
    calls.fetch_add(1);
    if (message == "reenter") PARLEY_LOG(kWarning, "inner") << "nested";
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < 200; ++i)
        PARLEY_LOG(kWarning, "t") << "reenter";
    });
  }
  for (int i = 0; i < 50; ++i) {
    SetLogSink([&](LogLevel, std::string_view, std::string_view) { calls.fetch_add(1); });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_GE(calls.load(), 800);
}

}  // namespace
}  // namespace parley
