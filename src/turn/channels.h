// The client's channel bindings (RFC 8656 §12): a channel number (0x4000-0x4FFF) bound to one
// peer transport address by ChannelBind, lasting 10 minutes unless refreshed. Once bound, data
// to and from that peer travels in 4-byte-header ChannelData messages instead of Send/Data
// indications. Numbers are handed out in order and never reused for another peer, which also
// honours §12's 5-minute quarantine after a binding expires.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "base/socket_address.h"
#include "base/time.h"

namespace parley::turn {

// RFC 8656 §12: a channel binding lasts 10 minutes unless refreshed.
inline constexpr TimeDelta kChannelLifetime = TimeDelta::Seconds(600);
inline constexpr TimeDelta kChannelRefreshMargin = TimeDelta::Seconds(60);

class ChannelTable {
 public:
  enum class State : uint8_t {
    kBinding,  // ChannelBind sent, no success yet: keep using Send indications.
    kBound,    // Use ChannelData.
    kFailed,   // ChannelBind (or its refresh) failed: Send indications from now on.
  };
  struct Entry {
    uint16_t number = 0;
    SocketAddress peer;
    State state = State::kBinding;
    bool in_flight = false;
    Timestamp refresh_at;  // kBound: when to refresh.
  };

  const Entry* Find(const SocketAddress& peer) const;
  const Entry* FindByNumber(uint16_t number) const;
  // Gives `peer` the next unused channel number (kBinding); nullopt when `peer` already has
  // one or all 4096 numbers are taken.
  std::optional<uint16_t> Add(const SocketAddress& peer);
  void Clear();

  void SetInFlight(const SocketAddress& peer, bool in_flight);
  // ChannelBind succeeded for a request first sent at `sent_at`.
  void OnBound(const SocketAddress& peer, Timestamp sent_at);
  void OnFailed(const SocketAddress& peer);

  // Bound peers whose refresh is due at `now` (none in flight).
  std::vector<SocketAddress> Due(Timestamp now) const;
  std::optional<Timestamp> NextRefresh() const;

 private:
  Entry* MutableFind(const SocketAddress& peer);

  std::map<SocketAddress, Entry> by_peer_;
  std::map<uint16_t, SocketAddress> by_number_;
  uint32_t next_number_ = 0x4000;
};

}  // namespace parley::turn
