#include "sctp/reassembly.h"

namespace parley::sctp {

Reassembly::Outcome Reassembly::Add(uint16_t stream, uint32_t ppid, ByteView piece, bool end) {
  auto it = partial_.find(stream);
  const size_t held = it == partial_.end() ? 0 : it->second.data.size();
  const bool too_big = max_message_size_ != 0 && held + piece.size() > max_message_size_;
  if (end && it == partial_.end() && !too_big) {
    // The common case: a whole message in one piece, no copy into a partial buffer.
    return {Message{stream, ppid, Bytes(piece.begin(), piece.end())}, false};
  }
  if (it == partial_.end()) it = partial_.emplace(stream, Partial{ppid, {}, false}).first;
  Partial& partial = it->second;
  if (too_big && !partial.oversized) {
    partial.oversized = true;
    Bytes().swap(partial.data);
  }
  if (!partial.oversized) partial.data.insert(partial.data.end(), piece.begin(), piece.end());
  if (!end) return {};
  Outcome outcome;
  if (partial.oversized) {
    outcome.dropped_oversized = true;
  } else {
    outcome.message = Message{stream, partial.ppid, std::move(partial.data)};
  }
  partial_.erase(it);
  return outcome;
}

size_t Reassembly::buffered() const {
  size_t total = 0;
  for (const auto& [stream, partial] : partial_)
    total += partial.data.size();
  return total;
}

}  // namespace parley::sctp
