// SignalingClient against a real parley-signal (and against sockets that misbehave): connect
// errors and timeouts, Close(), on_closed when the server goes away, SIGTERM, thread safety.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "signaling/client_inbox.h"
#include "signaling/raw_clients.h"
#include "signaling/signal_server_process.h"
#include "signaling/signaling_client.h"

namespace parley::examples::test {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

std::unique_ptr<SignalingClient> ConnectTo(const std::string& url, ClientInbox& inbox,
                                           std::string* error = nullptr) {
  std::string ignored;
  return SignalingClient::Connect(url, inbox.Callbacks(), std::chrono::seconds(10),
                                  error != nullptr ? error : &ignored);
}

// A TCP port on 127.0.0.1 that was free a moment ago (bound and closed again).
uint16_t UnusedPort() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

TEST(SignalingClientTest, RejectsABadUrl) {
  ClientInbox inbox;
  std::string error;
  EXPECT_EQ(SignalingClient::Connect("wss://127.0.0.1/ws/a", inbox.Callbacks(),
                                     std::chrono::seconds(1), &error),
            nullptr);
  EXPECT_THAT(error, HasSubstr("not a ws:// URL"));
  EXPECT_EQ(
      SignalingClient::Connect("nonsense", inbox.Callbacks(), std::chrono::seconds(1), nullptr),
      nullptr);
}

TEST(SignalingClientTest, ReportsARefusedConnection) {
  ClientInbox inbox;
  std::string error;
  const std::string url = "ws://127.0.0.1:" + std::to_string(UnusedPort()) + "/ws/a";
  EXPECT_EQ(ConnectTo(url, inbox, &error), nullptr);
  EXPECT_THAT(error, HasSubstr("cannot connect"));
  EXPECT_EQ(inbox.closed_count(), 0);
}

TEST(SignalingClientTest, GivesUpAfterTheTimeoutWhenTheServerNeverAnswers) {
  // Listening but never accepting: the TCP connection completes, the handshake never does.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const std::string url =
      "ws://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/ws/a";
  ClientInbox inbox;
  std::string error;
  const auto start = Clock::now();
  EXPECT_EQ(
      SignalingClient::Connect(url, inbox.Callbacks(), std::chrono::milliseconds(300), &error),
      nullptr);
  const auto took = Clock::now() - start;
  EXPECT_THAT(error, HasSubstr("timed out"));  // Whichever notices first.
  EXPECT_GE(took, std::chrono::milliseconds(300));
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(inbox.closed_count(), 0);
}

class SignalingClientServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = SignalServerProcess::Start();
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override {
    if (server_ != nullptr && !killed_) server_->StopAndExpectCleanExit();
  }
  std::unique_ptr<SignalServerProcess> server_;
  bool killed_ = false;  // By the test, with SIGKILL.
};

TEST_F(SignalingClientServerTest, CloseFlushesWhatWasSentThenReportsOnce) {
  ClientInbox sender_inbox, receiver_inbox;
  auto receiver = ConnectTo(server_->RoomUrl("flush"), receiver_inbox);
  auto sender = ConnectTo(server_->RoomUrl("flush"), sender_inbox);
  ASSERT_TRUE(sender && receiver);
  for (int i = 0; i < 100; ++i)
    sender->Send("m" + std::to_string(i));
  sender->Close();
  sender->Close();  // Idempotent.
  sender->Send("after close: dropped");

  const auto reason = sender_inbox.WaitForClosed();
  ASSERT_TRUE(reason.has_value());
  EXPECT_EQ(*reason, "closed by this client");
  const auto received = receiver_inbox.WaitForMessages(100);
  ASSERT_TRUE(received.has_value());
  EXPECT_EQ(received->back(), "m99");
  sender.reset();
  EXPECT_EQ(sender_inbox.closed_count(), 1);
}

TEST_F(SignalingClientServerTest, OnClosedFiresWhenTheServerIsKilled) {
  ClientInbox alice_inbox, bob_inbox;
  auto alice = ConnectTo(server_->RoomUrl("killed"), alice_inbox);
  auto bob = ConnectTo(server_->RoomUrl("killed"), bob_inbox);
  ASSERT_TRUE(alice && bob);
  alice->Send("mid-session");
  ASSERT_TRUE(bob_inbox.WaitForMessages(1).has_value());

  killed_ = true;
  ASSERT_EQ(kill(server_->process().pid(), SIGKILL), 0);
  for (ClientInbox* inbox : {&alice_inbox, &bob_inbox}) {
    const auto reason = inbox->WaitForClosed();
    ASSERT_TRUE(reason.has_value());
    EXPECT_THAT(*reason, HasSubstr("connection lost"));
  }
  alice->Send("into the void");  // Dropped, no crash.
  alice.reset();
  EXPECT_EQ(alice_inbox.closed_count(), 1);
}

TEST_F(SignalingClientServerTest, SigtermClosesPeersWithGoingAwayAndExitsZero) {
  ClientInbox alice_inbox, bob_inbox;
  auto alice = ConnectTo(server_->RoomUrl("term"), alice_inbox);
  auto bob = ConnectTo(server_->RoomUrl("term"), bob_inbox);
  ASSERT_TRUE(alice && bob);

  ASSERT_EQ(kill(server_->process().pid(), SIGTERM), 0);
  for (ClientInbox* inbox : {&alice_inbox, &bob_inbox}) {
    const auto reason = inbox->WaitForClosed();
    ASSERT_TRUE(reason.has_value());
    EXPECT_THAT(*reason, HasSubstr("code 1001"));
    EXPECT_THAT(*reason, HasSubstr("server shutting down"));
  }
  ASSERT_TRUE(server_->process().WaitForExit(Clock::now() + kWaitLimit));
  EXPECT_EQ(server_->process().exit_description(), "exit code 0");
}

TEST_F(SignalingClientServerTest, SigtermWithoutConnectionsExitsZero) {
  ASSERT_EQ(kill(server_->process().pid(), SIGINT), 0);
  ASSERT_TRUE(server_->process().WaitForExit(Clock::now() + kWaitLimit));
  EXPECT_EQ(server_->process().exit_description(), "exit code 0");
}

TEST_F(SignalingClientServerTest, DestroyingTheClientCallsNoCallback) {
  ClientInbox inbox, peer_inbox;
  auto peer = ConnectTo(server_->RoomUrl("destroy"), peer_inbox);
  auto client = ConnectTo(server_->RoomUrl("destroy"), inbox);
  ASSERT_TRUE(peer && client);
  client->Send("last words");
  client.reset();  // Closes gracefully: what was queued is written first.
  EXPECT_EQ(inbox.closed_count(), 0);
  EXPECT_EQ(peer_inbox.WaitForMessages(1), std::vector<std::string>{"last words"});
}

TEST_F(SignalingClientServerTest, SendFromManyThreadsKeepsEachThreadsOrder) {
  ClientInbox sender_inbox, receiver_inbox;
  auto receiver = ConnectTo(server_->RoomUrl("threads"), receiver_inbox);
  auto sender = ConnectTo(server_->RoomUrl("threads"), sender_inbox);
  ASSERT_TRUE(sender && receiver);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        sender->Send(std::to_string(t) + ":" + std::to_string(i));
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();

  const auto received = receiver_inbox.WaitForMessages(kThreads * kPerThread);
  ASSERT_TRUE(received.has_value());
  std::vector<int> next(kThreads, 0);
  for (const std::string& message : *received) {
    const int t = std::stoi(message.substr(0, message.find(':')));
    const int i = std::stoi(message.substr(message.find(':') + 1));
    ASSERT_EQ(i, next[t]) << message;
    ++next[t];
  }
}

TEST_F(SignalingClientServerTest, CallbacksMayCallSendAndClose) {
  // An echo peer that answers from inside on_message and closes on "bye".
  ClientInbox caller_inbox, echo_inbox;  // Declared first: they outlive the clients.
  std::unique_ptr<SignalingClient> echo;
  SignalingClient::Callbacks callbacks = echo_inbox.Callbacks();
  auto record = callbacks.on_message;
  callbacks.on_message = [&echo, record](std::string text) {
    record(text);
    if (text == "bye") {
      echo->Close();
    } else {
      echo->Send("echo " + text);
    }
  };
  std::string error;
  echo = SignalingClient::Connect(server_->RoomUrl("echo"), callbacks, std::chrono::seconds(10),
                                  &error);
  ASSERT_NE(echo, nullptr) << error;
  auto caller = ConnectTo(server_->RoomUrl("echo"), caller_inbox);
  ASSERT_TRUE(caller);
  caller->Send("one");
  caller->Send("two");
  caller->Send("bye");
  EXPECT_EQ(caller_inbox.WaitForMessages(2), (std::vector<std::string>{"echo one", "echo two"}));
  EXPECT_EQ(echo_inbox.WaitForClosed(), "closed by this client");
}

TEST_F(SignalingClientServerTest, IgnoresBinaryFrames) {
  ClientInbox inbox;
  auto client = ConnectTo(server_->RoomUrl("mixed"), inbox);
  ASSERT_TRUE(client);
  RawWebSocket raw;
  ASSERT_TRUE(raw.Connect(server_->port(), "/ws/mixed"));
  ASSERT_TRUE(raw.Write("binary", /*binary=*/true));
  ASSERT_TRUE(raw.Write("text", /*binary=*/false));
  EXPECT_EQ(inbox.WaitForMessages(1), std::vector<std::string>{"text"});
  EXPECT_EQ(inbox.messages(), std::vector<std::string>{"text"});
}

}  // namespace
}  // namespace parley::examples::test
