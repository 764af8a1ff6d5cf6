#include "turn/permissions.h"

namespace parley::turn {

bool PermissionTable::Add(const IpAddress& peer) {
  return entries_.emplace(peer, Entry{}).second;
}

const PermissionTable::Entry* PermissionTable::Find(const IpAddress& peer) const {
  auto it = entries_.find(peer);
  return it == entries_.end() ? nullptr : &it->second;
}

bool PermissionTable::IsInstalled(const IpAddress& peer) const {
  const Entry* entry = Find(peer);
  return entry != nullptr && entry->state == State::kInstalled;
}

void PermissionTable::SetInFlight(const IpAddress& peer, bool in_flight) {
  if (auto it = entries_.find(peer); it != entries_.end()) it->second.in_flight = in_flight;
}

void PermissionTable::OnInstalled(const IpAddress& peer, Timestamp sent_at) {
  auto it = entries_.find(peer);
  if (it == entries_.end()) return;
  it->second.state = State::kInstalled;
  it->second.in_flight = false;
  it->second.refresh_at = sent_at + kPermissionLifetime - kPermissionRefreshMargin;
}

std::vector<IpAddress> PermissionTable::Due(Timestamp now) const {
  std::vector<IpAddress> due;
  for (const auto& [peer, entry] : entries_) {
    if (entry.in_flight) continue;
    if (entry.state == State::kWanted || entry.refresh_at <= now) due.push_back(peer);
  }
  return due;
}

std::optional<Timestamp> PermissionTable::NextRefresh() const {
  std::optional<Timestamp> soonest;
  for (const auto& [peer, entry] : entries_) {
    if (entry.in_flight || entry.state != State::kInstalled) continue;
    if (!soonest || entry.refresh_at < *soonest) soonest = entry.refresh_at;
  }
  return soonest;
}

}  // namespace parley::turn
