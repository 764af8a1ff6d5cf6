// What the data-channel API exposes of a channel: its handle, state and attributes (W3C
// webrtc-pc §6.2 RTCDataChannel, and the counters of RTCDataChannelStats).
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"
#include "dcep/priority.h"

namespace parley::datachannel {

using dcep::Priority;

// Names a channel from CreateChannel() (or ChannelOpened) on; never reused by a transport.
struct ChannelHandle {
  uint32_t value = 0;
  friend auto operator<=>(const ChannelHandle&, const ChannelHandle&) = default;
};

// RTCDataChannelState.
enum class ChannelState : uint8_t { kConnecting, kOpen, kClosing, kClosed };
std::string_view ToString(ChannelState state);

struct ChannelInfo {
  std::string label{};
  std::string protocol{};
  std::optional<uint16_t> id{};  // the SCTP stream, once known (negotiated, or from Start())
  bool ordered = true;
  std::optional<uint16_t> max_retransmits{};
  std::optional<TimeDelta> max_packet_lifetime{};
  bool negotiated = false;
  Priority priority = Priority::kLow;
  ChannelState state = ChannelState::kConnecting;
  // RTCDataChannelStats: messages passed to Send() / delivered, and their payload bytes.
  uint64_t messages_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t messages_received = 0;
  uint64_t bytes_received = 0;
};

}  // namespace parley::datachannel

template <>
struct std::hash<parley::datachannel::ChannelHandle> {
  size_t operator()(parley::datachannel::ChannelHandle handle) const noexcept {
    return std::hash<uint32_t>()(handle.value);
  }
};
