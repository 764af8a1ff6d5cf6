#include "datachannel/send_ledger.h"

#include <algorithm>

namespace parley::datachannel {

void SendLedger::Push(size_t bytes, bool application) {
  if (bytes == 0) return;
  entries_.push_back({bytes, application});
  total_ += bytes;
  if (!application) overhead_ += bytes;
}

size_t SendLedger::Update(size_t held) {
  while (total_ > held) {
    Entry& front = entries_.front();
    const size_t gone = std::min(front.bytes, total_ - held);
    front.bytes -= gone;
    total_ -= gone;
    if (!front.application) overhead_ -= gone;
    if (front.bytes == 0) entries_.pop_front();
  }
  return application_bytes();
}

void SendLedger::Clear() {
  entries_.clear();
  total_ = 0;
  overhead_ = 0;
}

}  // namespace parley::datachannel
