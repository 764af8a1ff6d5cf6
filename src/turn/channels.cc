#include "turn/channels.h"

#include "turn/channel_data.h"

namespace parley::turn {

const ChannelTable::Entry* ChannelTable::Find(const SocketAddress& peer) const {
  auto it = by_peer_.find(peer);
  return it == by_peer_.end() ? nullptr : &it->second;
}

ChannelTable::Entry* ChannelTable::MutableFind(const SocketAddress& peer) {
  auto it = by_peer_.find(peer);
  return it == by_peer_.end() ? nullptr : &it->second;
}

const ChannelTable::Entry* ChannelTable::FindByNumber(uint16_t number) const {
  auto it = by_number_.find(number);
  return it == by_number_.end() ? nullptr : Find(it->second);
}

std::optional<uint16_t> ChannelTable::Add(const SocketAddress& peer) {
  if (by_peer_.contains(peer) || next_number_ > kMaxChannelNumber) return std::nullopt;
  const auto number = static_cast<uint16_t>(next_number_++);
  by_peer_[peer] = Entry{number, peer, State::kBinding, true, {}};
  by_number_[number] = peer;
  return number;
}

void ChannelTable::Clear() {
  by_peer_.clear();
  by_number_.clear();
}

void ChannelTable::SetInFlight(const SocketAddress& peer, bool in_flight) {
  if (Entry* entry = MutableFind(peer)) entry->in_flight = in_flight;
}

void ChannelTable::OnBound(const SocketAddress& peer, Timestamp sent_at) {
  Entry* entry = MutableFind(peer);
  if (entry == nullptr) return;
  entry->state = State::kBound;
  entry->in_flight = false;
  entry->refresh_at = sent_at + kChannelLifetime - kChannelRefreshMargin;
}

void ChannelTable::OnFailed(const SocketAddress& peer) {
  Entry* entry = MutableFind(peer);
  if (entry == nullptr) return;
  entry->state = State::kFailed;
  entry->in_flight = false;
}

std::vector<SocketAddress> ChannelTable::Due(Timestamp now) const {
  std::vector<SocketAddress> due;
  for (const auto& [peer, entry] : by_peer_) {
    if (entry.state == State::kBound && !entry.in_flight && entry.refresh_at <= now) {
      due.push_back(peer);
    }
  }
  return due;
}

std::optional<Timestamp> ChannelTable::NextRefresh() const {
  std::optional<Timestamp> soonest;
  for (const auto& [peer, entry] : by_peer_) {
    if (entry.state != State::kBound || entry.in_flight) continue;
    if (!soonest || entry.refresh_at < *soonest) soonest = entry.refresh_at;
  }
  return soonest;
}

}  // namespace parley::turn
