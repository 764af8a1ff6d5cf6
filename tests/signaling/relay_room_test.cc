// The rooms of parley-signal without sockets (examples/signaling/relay_room.h): two slots,
// queueing for an absent peer, refusal of a third, the limits, and dropping empty rooms.
#include "signaling/relay_room.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley::examples {
namespace {

class FakePeer : public RelayPeer {
 public:
  void OnFramesQueued() override { ++notifications; }
  // Everything queued for this peer in `room`, in order.
  std::vector<std::string> Drain(Room& room) {
    std::vector<std::string> payloads;
    while (auto frame = room.PopFrameFor(this))
      payloads.push_back(frame->payload);
    return payloads;
  }
  int notifications = 0;
};

RelayFrame Text(std::string payload) {
  return {std::move(payload), false};
}

TEST(RelayRoomTest, RelaysBetweenTwoPeersWithTheBinaryFlag) {
  RoomRegistry rooms;
  FakePeer alice, bob;
  Room* room = rooms.Join("r", &alice);
  ASSERT_NE(room, nullptr);
  ASSERT_EQ(rooms.Join("r", &bob), room);
  EXPECT_EQ(room->peer_count(), 2u);

  const std::string bytes("\x00\x01", 2);
  EXPECT_EQ(room->Relay(&alice, {bytes, true}), Room::RelayResult::kQueued);
  EXPECT_EQ(bob.notifications, 1);
  EXPECT_EQ(alice.notifications, 0);
  EXPECT_EQ(room->PopFrameFor(&bob), (RelayFrame{bytes, true}));
  EXPECT_EQ(room->PopFrameFor(&bob), std::nullopt);

  EXPECT_EQ(room->Relay(&bob, Text("hi")), Room::RelayResult::kQueued);
  EXPECT_EQ(alice.notifications, 1);
  EXPECT_EQ(alice.Drain(*room), std::vector<std::string>{"hi"});
}

TEST(RelayRoomTest, QueuesForThePeerThatHasNotJoinedYet) {
  RoomRegistry rooms;
  FakePeer offerer, answerer;
  Room* room = rooms.Join("r", &offerer);
  for (const char* text : {"offer", "c1", "c2"})
    room->Relay(&offerer, Text(text));
  ASSERT_EQ(rooms.Join("r", &answerer), room);
  EXPECT_EQ(answerer.notifications, 0);  // The joining session asks for them itself.
  EXPECT_EQ(room->QueuedFramesFor(&answerer), 3u);
  EXPECT_EQ(answerer.Drain(*room), (std::vector<std::string>{"offer", "c1", "c2"}));
}

TEST(RelayRoomTest, RefusesAThirdPeerAndKeepsRoomsApart) {
  RoomRegistry rooms;
  FakePeer a, b, c, d;
  Room* first = rooms.Join("one", &a);
  ASSERT_EQ(rooms.Join("one", &b), first);
  EXPECT_EQ(rooms.Join("one", &c), nullptr);
  EXPECT_EQ(rooms.Join("one", &a), nullptr);  // Already there.

  Room* second = rooms.Join("two", &c);
  ASSERT_NE(second, nullptr);
  ASSERT_NE(second, first);
  ASSERT_EQ(rooms.Join("two", &d), second);
  first->Relay(&a, Text("for b"));
  second->Relay(&c, Text("for d"));
  EXPECT_EQ(b.Drain(*first), std::vector<std::string>{"for b"});
  EXPECT_EQ(d.Drain(*second), std::vector<std::string>{"for d"});
  EXPECT_EQ(rooms.room_count(), 2u);
}

TEST(RelayRoomTest, ANewPeerTakesTheSlotAndWhatWasQueuedForIt) {
  RoomRegistry rooms;
  FakePeer stays, leaves, replacement;
  Room* room = rooms.Join("r", &stays);
  rooms.Join("r", &leaves);
  room->Relay(&stays, Text("not yet written to the leaver"));
  rooms.Leave(room, &leaves);
  EXPECT_EQ(rooms.room_count(), 1u);
  EXPECT_EQ(room->peer_count(), 1u);
  room->Relay(&stays, Text("after it left"));
  EXPECT_EQ(stays.notifications, 0);

  ASSERT_EQ(rooms.Join("r", &replacement), room);
  EXPECT_EQ(replacement.Drain(*room),
            (std::vector<std::string>{"not yet written to the leaver", "after it left"}));
  room->Relay(&replacement, Text("hello"));
  EXPECT_EQ(stays.Drain(*room), std::vector<std::string>{"hello"});
}

TEST(RelayRoomTest, DropsTheRoomAndItsQueueWhenBothLeft) {
  RoomRegistry rooms;
  FakePeer a, b;
  Room* room = rooms.Join("r", &a);
  room->Relay(&a, Text("never delivered"));
  rooms.Leave(room, &a);
  EXPECT_EQ(rooms.room_count(), 0u);

  Room* fresh = rooms.Join("r", &b);
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(fresh->QueuedFramesFor(&b), 0u);
  EXPECT_EQ(fresh->peer_count(), 1u);
}

TEST(RelayRoomTest, BoundsTheQueueByFrames) {
  RoomRegistry rooms(
      RelayLimits{.max_frame_bytes = 100, .max_queued_frames = 3, .max_queued_bytes = 1000});
  FakePeer a, b;
  Room* room = rooms.Join("r", &a);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(room->Relay(&a, Text("x")), Room::RelayResult::kQueued);
  }
  EXPECT_EQ(room->Relay(&a, Text("x")), Room::RelayResult::kQueueFull);
  rooms.Join("r", &b);
  EXPECT_EQ(b.Drain(*room).size(), 3u);
  EXPECT_EQ(room->Relay(&a, Text("x")), Room::RelayResult::kQueued);  // Room again.
}

TEST(RelayRoomTest, BoundsTheQueueByBytesPerDirection) {
  RoomRegistry rooms(
      RelayLimits{.max_frame_bytes = 100, .max_queued_frames = 100, .max_queued_bytes = 10});
  FakePeer a, b;
  Room* room = rooms.Join("r", &a);
  rooms.Join("r", &b);
  EXPECT_EQ(room->Relay(&a, Text("123456")), Room::RelayResult::kQueued);
  EXPECT_EQ(room->Relay(&a, Text("12345")), Room::RelayResult::kQueueFull);
  EXPECT_EQ(room->Relay(&a, Text("1234")), Room::RelayResult::kQueued);        // Exactly 10.
  EXPECT_EQ(room->Relay(&b, Text("1234567890")), Room::RelayResult::kQueued);  // Other way.
  EXPECT_EQ(room->PopFrameFor(&b)->payload, "123456");
  EXPECT_EQ(room->Relay(&a, Text("123456")), Room::RelayResult::kQueued);
}

TEST(RelayRoomTest, IgnoresPeersNotInTheRoom) {
  RoomRegistry rooms;
  FakePeer member, stranger;
  Room* room = rooms.Join("r", &member);
  EXPECT_EQ(room->Relay(&stranger, Text("x")), Room::RelayResult::kQueueFull);
  EXPECT_EQ(room->PopFrameFor(&stranger), std::nullopt);
  rooms.Leave(room, &stranger);
  EXPECT_EQ(room->peer_count(), 1u);
  EXPECT_EQ(rooms.Join("r", nullptr), nullptr);
}

}  // namespace
}  // namespace parley::examples
