// ws:// URLs as SignalingClient::Connect takes them, and the /ws/<room> targets of the server.
#include <gtest/gtest.h>

#include "signaling/room_path.h"
#include "signaling/websocket_url.h"

namespace parley::examples {
namespace {

TEST(WebSocketUrlTest, ParsesHostPortAndPath) {
  const auto url = ParseWebSocketUrl("ws://127.0.0.1:8080/ws/demo");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->resource, "/ws/demo");
  EXPECT_EQ(url->HostHeader(), "127.0.0.1:8080");
}

TEST(WebSocketUrlTest, DefaultsPortAndPath) {
  const auto url = ParseWebSocketUrl("WS://example.org");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "example.org");
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->resource, "/");
  EXPECT_EQ(url->HostHeader(), "example.org");
}

TEST(WebSocketUrlTest, KeepsQueryDropsFragment) {
  EXPECT_EQ(ParseWebSocketUrl("ws://h:1/ws/a?peer=2#frag")->resource, "/ws/a?peer=2");
  EXPECT_EQ(ParseWebSocketUrl("ws://h:1?x=1")->resource, "/?x=1");
}

TEST(WebSocketUrlTest, ParsesBracketedIpv6) {
  const auto url = ParseWebSocketUrl("ws://[::1]:9000/ws/x");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 9000);
  EXPECT_EQ(url->HostHeader(), "[::1]:9000");
  EXPECT_EQ(ParseWebSocketUrl("ws://[::1]/")->port, 80);
}

TEST(WebSocketUrlTest, RejectsWhatItCannotConnectTo) {
  for (const char* text :
       {"", "ws://", "wss://127.0.0.1:8080/ws/a", "http://127.0.0.1/", "127.0.0.1:80", "ws://:80/",
        "ws://h:/", "ws://h:0/", "ws://h:65536/", "ws://h:8o/", "ws://user@h/", "ws://[::1/",
        "ws://[]:80/", "ws://[::1]x/", "ws://h/a b", "ws://h/\n"}) {
    EXPECT_EQ(ParseWebSocketUrl(text), std::nullopt) << text;
  }
}

TEST(RoomPathTest, NamesTheRoom) {
  EXPECT_EQ(RoomNameFromTarget("/ws/demo"), "demo");
  EXPECT_EQ(RoomNameFromTarget("/ws/a-b_c.d~9?peer=1"), "a-b_c.d~9");
  EXPECT_EQ(RoomNameFromTarget("/ws/" + std::string(kMaxRoomNameLength, 'x')),
            std::string(kMaxRoomNameLength, 'x'));
}

TEST(RoomPathTest, RejectsOtherTargets) {
  for (const std::string& target :
       {std::string("/"), std::string("/ws"), std::string("/ws/"), std::string("/ws/a/b"),
        std::string("/wss/a"), std::string("ws/a"), std::string("/ws/a%20b"),
        std::string("/ws/caf\xc3\xa9"),
        std::string("/ws/") + std::string(kMaxRoomNameLength + 1, 'x')}) {
    EXPECT_EQ(RoomNameFromTarget(target), std::nullopt) << target;
  }
}

}  // namespace
}  // namespace parley::examples
