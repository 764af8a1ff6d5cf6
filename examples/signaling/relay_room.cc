#include "signaling/relay_room.h"

#include <utility>

namespace parley::examples {

size_t Room::peer_count() const {
  size_t count = 0;
  for (const Slot& slot : slots_)
    count += slot.peer != nullptr ? 1 : 0;
  return count;
}

Room::Slot* Room::SlotOf(const RelayPeer* peer) {
  for (Slot& slot : slots_) {
    if (peer != nullptr && slot.peer == peer) return &slot;
  }
  return nullptr;
}

const Room::Slot* Room::SlotOf(const RelayPeer* peer) const {
  return const_cast<Room*>(this)->SlotOf(peer);
}

size_t Room::QueuedFramesFor(const RelayPeer* peer) const {
  const Slot* slot = SlotOf(peer);
  return slot != nullptr ? slot->queue.size() : 0;
}

Room::RelayResult Room::Relay(const RelayPeer* sender, RelayFrame frame) {
  const Slot* from = SlotOf(sender);
  if (from == nullptr) return RelayResult::kQueueFull;  // Not in this room: nowhere to go.
  Slot& to = slots_[from == &slots_[0] ? 1 : 0];
  if (to.queue.size() >= limits_.max_queued_frames ||
      to.queued_bytes + frame.payload.size() > limits_.max_queued_bytes) {
    return RelayResult::kQueueFull;
  }
  to.queued_bytes += frame.payload.size();
  to.queue.push_back(std::move(frame));
  if (to.peer != nullptr) to.peer->OnFramesQueued();
  return RelayResult::kQueued;
}

std::optional<RelayFrame> Room::PopFrameFor(const RelayPeer* peer) {
  Slot* slot = SlotOf(peer);
  if (slot == nullptr || slot->queue.empty()) return std::nullopt;
  RelayFrame frame = std::move(slot->queue.front());
  slot->queue.pop_front();
  slot->queued_bytes -= frame.payload.size();
  return frame;
}

Room* RoomRegistry::Join(const std::string& name, RelayPeer* peer) {
  if (peer == nullptr) return nullptr;
  auto it = rooms_.find(name);
  if (it == rooms_.end()) {
    it = rooms_.emplace(name, std::make_unique<Room>(name, limits_)).first;
  }
  Room& room = *it->second;
  if (room.SlotOf(peer) != nullptr) return nullptr;  // Already in it.
  for (Room::Slot& slot : room.slots_) {
    if (slot.peer == nullptr) {
      slot.peer = peer;
      return &room;
    }
  }
  return nullptr;  // Full.
}

void RoomRegistry::Leave(Room* room, RelayPeer* peer) {
  if (room == nullptr) return;
  if (Room::Slot* slot = room->SlotOf(peer)) slot->peer = nullptr;
  if (room->peer_count() == 0) rooms_.erase(room->name());
}

}  // namespace parley::examples
