#include "turn/turn_types.h"

namespace parley::turn {

std::string_view ToString(Transport transport) {
  switch (transport) {
    case Transport::kUdp:
      return "udp";
    case Transport::kTcp:
      return "tcp";
    case Transport::kTls:
      return "tls";
  }
  return "unknown";
}

}  // namespace parley::turn
