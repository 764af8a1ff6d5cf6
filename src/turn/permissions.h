// The client's record of TURN permissions (RFC 8656 §9): one per peer IP address (ports do not
// matter), installed by CreatePermission (or ChannelBind) and lasting 300 s unless refreshed.
// The client refreshes each one a minute before it would expire.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "base/socket_address.h"
#include "base/time.h"

namespace parley::turn {

// RFC 8656 §9: the permission lifetime is 300 seconds (not negotiable).
inline constexpr TimeDelta kPermissionLifetime = TimeDelta::Seconds(300);
// Refresh this long before the server would expire it.
inline constexpr TimeDelta kPermissionRefreshMargin = TimeDelta::Seconds(60);

class PermissionTable {
 public:
  enum class State : uint8_t {
    kWanted,     // Asked for; no CreatePermission has succeeded yet.
    kInstalled,  // The server holds it (as far as the client knows).
  };
  struct Entry {
    State state = State::kWanted;
    bool in_flight = false;  // A CreatePermission for it is pending.
    Timestamp refresh_at;    // kInstalled: when to refresh.
  };

  // Adds `peer` as wanted; false if it is already known.
  bool Add(const IpAddress& peer);
  const Entry* Find(const IpAddress& peer) const;
  bool IsInstalled(const IpAddress& peer) const;
  void Remove(const IpAddress& peer) { entries_.erase(peer); }
  void Clear() { entries_.clear(); }
  size_t size() const { return entries_.size(); }

  void SetInFlight(const IpAddress& peer, bool in_flight);
  // CreatePermission succeeded; it was first sent at `sent_at`, so the server's 300 s started
  // no earlier than that.
  void OnInstalled(const IpAddress& peer, Timestamp sent_at);

  // Peers that need a CreatePermission at `now` (none in flight): wanted ones, and installed
  // ones whose refresh is due.
  std::vector<IpAddress> Due(Timestamp now) const;
  // The soonest refresh of an installed permission not in flight.
  std::optional<Timestamp> NextRefresh() const;

 private:
  std::map<IpAddress, Entry> entries_;  // Ordered: deterministic request order.
};

}  // namespace parley::turn
