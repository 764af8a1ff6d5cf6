#include "base/time.h"

namespace parley {

std::ostream& operator<<(std::ostream& os, TimeDelta d) {
  return os << d.us() / 1000.0 << "ms";
}
std::ostream& operator<<(std::ostream& os, Timestamp t) {
  return os << "t=" << t.seconds() << "s";
}

}  // namespace parley
