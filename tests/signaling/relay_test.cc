// parley-signal as a real process relaying between real clients on 127.0.0.1: frames pass
// unchanged both ways, wait for a peer that has not joined, a third peer is refused, rooms are
// apart, a slot can be taken over, and the limits close the sender.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "signaling/client_inbox.h"
#include "signaling/raw_clients.h"
#include "signaling/signal_server_process.h"
#include "signaling/signaling_client.h"

namespace parley::examples::test {
namespace {

using ::testing::HasSubstr;

// A connected client and what it received (the inbox outlives the client).
struct Peer {
  ClientInbox inbox;
  std::unique_ptr<SignalingClient> client;
};

class RelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = SignalServerProcess::Start();
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override {
    if (server_ != nullptr) server_->StopAndExpectCleanExit();
  }

  // Connects a SignalingClient to `room`; a test failure (and a peer without client) otherwise.
  std::unique_ptr<Peer> Join(const std::string& room) {
    auto peer = std::make_unique<Peer>();
    std::string error;
    peer->client = SignalingClient::Connect(server_->RoomUrl(room), peer->inbox.Callbacks(),
                                            std::chrono::seconds(10), &error);
    EXPECT_NE(peer->client, nullptr) << error;
    return peer;
  }

  std::unique_ptr<RawWebSocket> JoinRaw(const std::string& room) {
    auto socket = std::make_unique<RawWebSocket>();
    EXPECT_TRUE(socket->Connect(server_->port(), "/ws/" + room));
    return socket;
  }

  std::unique_ptr<SignalServerProcess> server_;
};

// Valid UTF-8 of `bytes` bytes mixing ASCII and multi-byte characters.
std::string LargeText(size_t bytes) {
  const std::string pattern = "{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"} é ☃ 🎥 ";
  std::string text;
  while (text.size() + pattern.size() <= bytes)
    text += pattern;
  text.append(bytes - text.size(), 'x');
  return text;
}

TEST_F(RelayTest, TwoPeersExchangeFramesUnchangedBothWays) {
  auto alice = Join("call");
  auto bob = Join("call");
  ASSERT_TRUE(alice->client && bob->client);
  const std::vector<std::string> to_bob = {
      R"({"type":"offer","sdp":"v=0\r\n"})",
      "{\"type\":\"candidate\",\"candidate\":\"Grüße ☃ 🎥 \\u00e9\"}",
      "  not even JSON: the relay does not parse  ",
      "",
      LargeText(500 * 1024),
  };
  const std::vector<std::string> to_alice = {R"({"type":"answer","sdp":"v=0\r\n"})",
                                             "日本語のテキスト", LargeText(500 * 1024 + 7)};
  for (const std::string& text : to_bob)
    alice->client->Send(text);
  for (const std::string& text : to_alice)
    bob->client->Send(text);

  EXPECT_EQ(bob->inbox.WaitForMessages(to_bob.size()), to_bob);
  EXPECT_EQ(alice->inbox.WaitForMessages(to_alice.size()), to_alice);
}

TEST_F(RelayTest, BinaryAndTextFramesKeepTheirKindAndBytes) {
  auto first = JoinRaw("binary");
  auto second = JoinRaw("binary");
  std::string all_bytes;
  for (int i = 0; i < 256; ++i)
    all_bytes.push_back(static_cast<char>(i));

  ASSERT_TRUE(first->Write(all_bytes, /*binary=*/true));
  ASSERT_TRUE(first->Write("text ✓", /*binary=*/false));
  ASSERT_TRUE(second->Write(std::string(300 * 1024, '\0'), /*binary=*/true));

  const auto binary = second->Read();
  ASSERT_TRUE(binary.has_value());
  EXPECT_TRUE(binary->binary);
  EXPECT_EQ(binary->payload, all_bytes);
  const auto text = second->Read();
  ASSERT_TRUE(text.has_value());
  EXPECT_FALSE(text->binary);
  EXPECT_EQ(text->payload, "text ✓");
  const auto back = first->Read();
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->binary);
  EXPECT_EQ(back->payload, std::string(300 * 1024, '\0'));
}

TEST_F(RelayTest, FramesSentBeforeTheSecondPeerJoinsArriveInOrder) {
  auto offerer = JoinRaw("early");
  std::vector<std::string> sent = {R"({"type":"offer","sdp":"v=0\r\n"})"};
  for (int i = 0; i < 20; ++i) {
    sent.push_back(R"({"type":"candidate","candidate":"candidate:)" + std::to_string(i) +
                   R"( 1 udp 1 127.0.0.1 5000 typ host","sdpMid":"0","sdpMLineIndex":0})");
  }
  sent.push_back(R"({"type":"candidate","candidate":null})");
  for (const std::string& text : sent)
    ASSERT_TRUE(offerer->Write(text, /*binary=*/false));
  ASSERT_TRUE(offerer->PingPong());  // The server has queued them all: nobody else is there.

  auto answerer = Join("early");
  ASSERT_TRUE(answerer->client);
  EXPECT_EQ(answerer->inbox.WaitForMessages(sent.size()), sent);
  EXPECT_THAT(server_->Log(), HasSubstr("room 'early': peer joined (2/2, 22 frames waiting)"));

  answerer->client->Send(R"({"type":"answer","sdp":"v=0\r\n"})");
  const auto answer = offerer->Read();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->payload, R"({"type":"answer","sdp":"v=0\r\n"})");
}

TEST_F(RelayTest, AThirdPeerIsRefusedAndTheTwoCarryOn) {
  auto alice = Join("pair");
  auto bob = Join("pair");
  auto carol = Join("pair");  // The handshake succeeds; the close frame says why not.
  ASSERT_TRUE(alice->client && bob->client && carol->client);

  const auto reason = carol->inbox.WaitForClosed();
  ASSERT_TRUE(reason.has_value());
  EXPECT_THAT(*reason, HasSubstr("code 1008"));
  EXPECT_THAT(*reason, HasSubstr("room 'pair' is full"));
  EXPECT_THAT(server_->Log(), HasSubstr("room 'pair': refused a third peer"));

  alice->client->Send("still here");
  bob->client->Send("me too");
  EXPECT_EQ(bob->inbox.WaitForMessages(1), std::vector<std::string>{"still here"});
  EXPECT_EQ(alice->inbox.WaitForMessages(1), std::vector<std::string>{"me too"});
  EXPECT_TRUE(carol->inbox.messages().empty());
}

TEST_F(RelayTest, RoomsAreIndependent) {
  auto a1 = Join("room-a");
  auto a2 = Join("room-a");
  auto b1 = Join("room-b");
  auto b2 = Join("room-b");
  ASSERT_TRUE(a1->client && a2->client && b1->client && b2->client);

  a1->client->Send("for a2 only");
  ASSERT_EQ(a2->inbox.WaitForMessages(1), std::vector<std::string>{"for a2 only"});
  // Had the server also queued a1's frame for room-b, b2 would get it before this marker.
  b1->client->Send("marker");
  ASSERT_EQ(b2->inbox.WaitForMessages(1), std::vector<std::string>{"marker"});
  EXPECT_EQ(b2->inbox.messages(), std::vector<std::string>{"marker"});
  EXPECT_TRUE(a1->inbox.messages().empty());
  EXPECT_TRUE(b1->inbox.messages().empty());
}

TEST_F(RelayTest, ANewPeerTakesTheSlotOfOneThatLeftAndGetsWhatWasQueued) {
  auto stays = JoinRaw("handover");
  {
    auto leaves = Join("handover");
    ASSERT_TRUE(leaves->client);
    ASSERT_TRUE(stays->Write("before the leave", /*binary=*/false));
    ASSERT_EQ(leaves->inbox.WaitForMessages(1), std::vector<std::string>{"before the leave"});
    leaves->client->Close();
    ASSERT_TRUE(leaves->inbox.WaitForClosed().has_value());
  }
  ASSERT_TRUE(stays->Write("queued 1", /*binary=*/false));
  ASSERT_TRUE(stays->Write("queued 2", /*binary=*/false));
  ASSERT_TRUE(stays->PingPong());

  auto replacement = Join("handover");
  ASSERT_TRUE(replacement->client);
  EXPECT_EQ(replacement->inbox.WaitForMessages(2),
            (std::vector<std::string>{"queued 1", "queued 2"}));
  replacement->client->Send("hello from the new peer");
  const auto frame = stays->Read();
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->payload, "hello from the new peer");
}

TEST_F(RelayTest, TheRoomIsDroppedWhenBothLeft) {
  {
    auto first = Join("gone");
    ASSERT_TRUE(first->client);
    first->client->Send("lost with the room");
    first->client->Close();  // Read after the frame: the server has queued it by then.
    ASSERT_TRUE(first->inbox.WaitForClosed().has_value());
  }
  // The server left the room on reading the close frame, before answering it, so the room is
  // gone: a new pair finds it fresh, and the marker is the first thing it relays.
  auto next = Join("gone");
  auto other = JoinRaw("gone");
  ASSERT_TRUE(next->client);
  ASSERT_TRUE(other->Write("marker", /*binary=*/false));
  ASSERT_EQ(next->inbox.WaitForMessages(1), std::vector<std::string>{"marker"});
  EXPECT_EQ(next->inbox.messages(), std::vector<std::string>{"marker"});
}

TEST_F(RelayTest, AnOversizedFrameClosesItsSenderWith1009) {
  auto sender = Join("big");
  auto receiver = Join("big");
  ASSERT_TRUE(sender->client && receiver->client);
  sender->client->Send(std::string((size_t{1} << 20) + 1, 'x'));
  const auto reason = sender->inbox.WaitForClosed();
  ASSERT_TRUE(reason.has_value());
  EXPECT_THAT(*reason, HasSubstr("code 1009"));

  EXPECT_TRUE(receiver->inbox.messages().empty());
}

TEST_F(RelayTest, AFrameOfExactlyTheLimitPasses) {
  auto sender = Join("limit");
  auto receiver = Join("limit");
  ASSERT_TRUE(sender->client && receiver->client);
  const std::string mebibyte(size_t{1} << 20, 'y');
  sender->client->Send(mebibyte);
  EXPECT_EQ(receiver->inbox.WaitForMessages(1), std::vector<std::string>{mebibyte});
}

TEST_F(RelayTest, TextThatIsNotUtf8ClosesItsSenderWith1007) {
  const std::string not_utf8 = "\xff\xfe not UTF-8";
  auto sender = JoinRaw("utf8");
  auto receiver = Join("utf8");
  ASSERT_TRUE(receiver->client);
  ASSERT_TRUE(sender->Write(not_utf8, /*binary=*/false));
  EXPECT_EQ(sender->Read(), std::nullopt);  // The connection ends...
  EXPECT_EQ(sender->close_code(), 1007);    // ...with "invalid frame payload data".

  // The same bytes in a binary frame pass.
  auto binary_sender = JoinRaw("binary-utf8");
  auto binary_receiver = JoinRaw("binary-utf8");
  ASSERT_TRUE(binary_sender->Write(not_utf8, /*binary=*/true));
  const auto frame = binary_receiver->Read();
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->payload, not_utf8);
  EXPECT_TRUE(receiver->inbox.messages().empty());
}

TEST_F(RelayTest, AFullQueueClosesItsSenderWith1008) {
  auto sender = Join("flood");
  ASSERT_TRUE(sender->client);
  for (int i = 0; i <= 1000; ++i)
    sender->client->Send("frame " + std::to_string(i));
  const auto reason = sender->inbox.WaitForClosed();
  ASSERT_TRUE(reason.has_value());
  EXPECT_THAT(*reason, HasSubstr("code 1008"));
  EXPECT_THAT(*reason, HasSubstr("too many frames waiting"));
}

TEST_F(RelayTest, FourMebibytesWaitingClosesTheSender) {
  auto sender = Join("heavy");
  ASSERT_TRUE(sender->client);
  // Four frames of 1 MiB fill the 4 MiB queue; the fifth does not fit.
  for (int i = 0; i < 5; ++i)
    sender->client->Send(std::string(size_t{1} << 20, 'a' + i));
  const auto reason = sender->inbox.WaitForClosed();
  ASSERT_TRUE(reason.has_value());
  EXPECT_THAT(*reason, HasSubstr("code 1008"));
}

}  // namespace
}  // namespace parley::examples::test
