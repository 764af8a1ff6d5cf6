// The rooms of parley-signal, without any IO: which peers are in which room, and the frames
// waiting to be written to each peer (docs/signaling.md, "Rooms"). The WebSocket sessions drive
// it on the server's one thread.
#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace parley::examples {

// One WebSocket message, relayed byte for byte with its text/binary flag.
struct RelayFrame {
  std::string payload;
  bool binary = false;
  bool operator==(const RelayFrame&) const = default;
};

struct RelayLimits {
  size_t max_frame_bytes = size_t{1} << 20;   // 1 MiB: larger messages close the sender.
  size_t max_queued_frames = 1000;            // Per direction (waiting for one peer).
  size_t max_queued_bytes = size_t{4} << 20;  // 4 MiB per direction.
};

// A connected peer as the rooms see it.
class RelayPeer {
 public:
  virtual ~RelayPeer() = default;
  // Frames were queued for this peer while it is in a room: take them with Room::PopFrameFor.
  virtual void OnFramesQueued() = 0;
};

// Two slots; each has a peer (or none) and the frames queued for whoever occupies it. Frames
// queued for an empty slot wait for the next peer to join; so do frames queued for a peer that
// left before they were handed to it.
class Room {
 public:
  Room(std::string name, const RelayLimits& limits) : name_(std::move(name)), limits_(limits) {}

  const std::string& name() const { return name_; }
  size_t peer_count() const;
  // Frames (and their bytes) waiting for the slot `peer` occupies.
  size_t QueuedFramesFor(const RelayPeer* peer) const;

  enum class RelayResult { kQueued, kQueueFull };
  // Queues `frame` from `sender` for the other slot and tells that slot's peer, if present.
  // kQueueFull (frame dropped) when the other slot already has max_queued_frames or the frame
  // would take it over max_queued_bytes.
  RelayResult Relay(const RelayPeer* sender, RelayFrame frame);
  // The oldest frame waiting for `peer`, removed from the queue.
  std::optional<RelayFrame> PopFrameFor(const RelayPeer* peer);

 private:
  friend class RoomRegistry;
  struct Slot {
    RelayPeer* peer = nullptr;
    std::deque<RelayFrame> queue;
    size_t queued_bytes = 0;
  };
  Slot* SlotOf(const RelayPeer* peer);
  const Slot* SlotOf(const RelayPeer* peer) const;

  std::string name_;
  RelayLimits limits_;
  std::array<Slot, 2> slots_;
};

class RoomRegistry {
 public:
  explicit RoomRegistry(RelayLimits limits = {}) : limits_(limits) {}

  // Puts `peer` in the room called `name` (created on first join). nullptr when the room has
  // two peers already. The room stays valid until `peer` leaves it.
  Room* Join(const std::string& name, RelayPeer* peer);
  // Takes `peer` out of `room`; drops the room (and its queued frames) when it becomes empty.
  void Leave(Room* room, RelayPeer* peer);

  size_t room_count() const { return rooms_.size(); }
  const RelayLimits& limits() const { return limits_; }

 private:
  RelayLimits limits_;
  std::map<std::string, std::unique_ptr<Room>, std::less<>> rooms_;
};

}  // namespace parley::examples
