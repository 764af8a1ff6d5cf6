#include "datachannel/channel.h"

namespace parley::datachannel {

std::string_view ToString(ChannelState state) {
  switch (state) {
    case ChannelState::kConnecting:
      return "connecting";
    case ChannelState::kOpen:
      return "open";
    case ChannelState::kClosing:
      return "closing";
    case ChannelState::kClosed:
      return "closed";
  }
  return "closed";
}

}  // namespace parley::datachannel
