#include "sctp/ack_tracker.h"

#include <algorithm>

#include "base/sequence_number.h"
#include "sctp/packet_inspect.h"

namespace parley::sctp {
namespace {

// A TSN this far beyond the newest tracked one is not ours to follow (usrsctp's send buffer holds
// far fewer chunks); the books start over from it.
constexpr uint32_t kMaxTsnJump = 1u << 20;
constexpr size_t kRecentAbandoned = 64;
// DATA and I-DATA flags (RFC 9260 §3.3.1, RFC 8260 §2.1): B, the first fragment of a message.
constexpr uint8_t kBeginningFlag = 0x02;

}  // namespace

void AckTracker::OnHanded(uint16_t stream, uint32_t context) {
  streams_[stream].handed.push_back(context);
}

void AckTracker::OnAbandoned(uint32_t context) {
  if (context == 0) return;
  if (!RecentlyAbandoned(context)) {
    abandoned_.push_back(context);
    if (abandoned_.size() > kRecentAbandoned) abandoned_.pop_front();
  }
  // usrsctp frees the message from its first chunk not yet acknowledged on (RFC 3758 §3.5 A3;
  // sctp_release_pr_sctp_chunk), gap-acknowledged chunks after it included; those before it
  // stay until the cumulative ack passes them.
  bool from_here = false;
  for (Chunk& chunk : chunks_) {
    if (chunk.context != context || chunk.abandoned) continue;
    from_here = from_here || !chunk.acked;
    if (!from_here) continue;
    if (chunk.acked) {
      selectively_acked_ -= chunk.length;
    } else {
      unacknowledged_headers_ -= chunk.header;
    }
    chunk.abandoned = true;
  }
}

bool AckTracker::RecentlyAbandoned(uint32_t context) const {
  return std::find(abandoned_.begin(), abandoned_.end(), context) != abandoned_.end();
}

void AckTracker::OnSent(ByteView packet) {
  ForEachChunk(packet, [&](const ChunkView& chunk) {
    if (auto tsn = DataChunkTsn(chunk)) {
      ByteReader r(chunk.value);
      r.Skip(4);
      const auto stream = r.ReadU16();
      const uint8_t header = chunk.type == static_cast<uint8_t>(ChunkType::kIData) ? 20 : 16;
      if (stream) {
        OnData(*tsn, *stream, (chunk.flags & kBeginningFlag) != 0, chunk.value.size() + 4, header);
      }
    } else if (auto skipped = ForwardTsnCumulative(chunk)) {
      ForgetThrough(*skipped);
    }
    return true;
  });
}

void AckTracker::OnReceived(ByteView packet) {
  ForEachChunk(packet, [&](const ChunkView& chunk) {
    if (chunk.type == static_cast<uint8_t>(ChunkType::kSack)) OnSack(chunk.value);
    return true;
  });
}

void AckTracker::OnData(uint32_t tsn, uint16_t stream, bool first, size_t length, uint8_t header) {
  if (!base_) base_ = tsn;
  if (IsNewer(*base_, tsn)) return;  // already acknowledged or skipped: a late retransmission
  uint32_t offset = tsn - *base_;
  if (offset < chunks_.size() && chunks_[offset].length != 0) return;  // a retransmission
  // First seen: whose message it is.
  auto it = streams_.find(stream);
  uint32_t context = 0;
  if (it != streams_.end()) {
    Stream& s = it->second;
    if (first && !s.handed.empty()) {
      s.current = s.handed.front();
      s.handed.pop_front();
    }
    context = s.current;
    if (s.handed.empty() && s.current == 0) streams_.erase(it);
  }
  if (offset >= kMaxTsnJump) {
    chunks_.clear();
    selectively_acked_ = 0;
    unacknowledged_headers_ = 0;
    base_ = tsn;
    offset = 0;
  }
  if (offset >= chunks_.size()) chunks_.resize(offset + 1);  // gaps: TSNs that never left
  Chunk& chunk = chunks_[offset];
  chunk.context = context;
  chunk.length = static_cast<uint16_t>(std::min<size_t>(length, 0xffff));
  chunk.header = header;
  chunk.abandoned = context != 0 && RecentlyAbandoned(context);
  if (chunk.held()) unacknowledged_headers_ += chunk.header;
}

void AckTracker::ForgetThrough(uint32_t tsn) {
  if (!base_) {
    base_ = tsn + 1;
    return;
  }
  while (!IsNewer(*base_, tsn)) {
    if (!chunks_.empty()) {
      const Chunk& chunk = chunks_.front();
      if (chunk.acked && !chunk.abandoned) selectively_acked_ -= chunk.length;
      if (chunk.held()) unacknowledged_headers_ -= chunk.header;
      chunks_.pop_front();
    } else if (IsNewer(tsn, *base_)) {
      base_ = tsn + 1;  // nothing tracked up to `tsn`: jump
      return;
    }
    ++*base_;
  }
}

void AckTracker::OnSack(ByteView sack) {
  // RFC 9260 §3.3.4: cumulative TSN ack, a_rwnd, number of gap ack blocks, number of duplicate
  // TSNs, then the blocks as start and end offsets from the cumulative TSN ack.
  ByteReader r(sack);
  const auto cumulative = r.ReadU32();
  const auto a_rwnd = r.ReadU32();
  const auto blocks = r.ReadU16();
  const auto duplicates = r.ReadU16();
  if (!cumulative || !a_rwnd || !blocks || !duplicates) return;
  if (cumulative_ack_ && IsNewer(*cumulative_ack_, *cumulative)) return;  // an old SACK
  cumulative_ack_ = *cumulative;
  ForgetThrough(*cumulative);
  if (!base_) return;
  for (uint16_t i = 0; i < *blocks; ++i) {
    const auto start = r.ReadU16();
    const auto end = r.ReadU16();
    if (!start || !end) return;
    if (*start == 0 || *end < *start) continue;  // malformed: usrsctp ignores it too
    for (uint32_t tsn = *cumulative + *start; !IsNewer(tsn, *cumulative + *end); ++tsn) {
      if (IsNewer(*base_, tsn)) continue;
      const uint32_t offset = tsn - *base_;
      if (offset >= chunks_.size()) break;
      Chunk& chunk = chunks_[offset];
      if (chunk.held()) {
        selectively_acked_ += chunk.length;
        unacknowledged_headers_ -= chunk.header;
      }
      chunk.acked = true;
    }
  }
}

void AckTracker::Clear() {
  base_.reset();
  chunks_.clear();
  cumulative_ack_.reset();
  selectively_acked_ = 0;
  unacknowledged_headers_ = 0;
  streams_.clear();
  abandoned_.clear();
}

}  // namespace parley::sctp
