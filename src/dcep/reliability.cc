#include "dcep/reliability.h"

#include <algorithm>

namespace parley::dcep {

void SetReliability(Open& open, const Reliability& reliability) {
  uint8_t type = 0x00;  // DATA_CHANNEL_RELIABLE
  open.reliability_parameter = 0;
  if (reliability.max_retransmits) {
    type = 0x01;  // DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT
    open.reliability_parameter = *reliability.max_retransmits;
  } else if (reliability.max_lifetime_ms) {
    type = 0x02;  // DATA_CHANNEL_PARTIAL_RELIABLE_TIMED
    open.reliability_parameter = *reliability.max_lifetime_ms;
  }
  if (!reliability.ordered) type |= kUnorderedBit;
  open.channel_type = static_cast<ChannelType>(type);
}

Reliability GetReliability(const Open& open) {
  Reliability reliability;
  reliability.ordered = IsOrdered(open.channel_type);
  switch (static_cast<uint8_t>(open.channel_type) & ~kUnorderedBit) {
    case 0x01:
      reliability.max_retransmits =
          static_cast<uint16_t>(std::min<uint32_t>(open.reliability_parameter, 0xFFFF));
      break;
    case 0x02:
      reliability.max_lifetime_ms = open.reliability_parameter;
      break;
    default:
      break;
  }
  return reliability;
}

}  // namespace parley::dcep
