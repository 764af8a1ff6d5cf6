#include "sctp/send_queue.h"

#include <algorithm>

namespace parley::sctp {

void SendQueue::Push(OutgoingMessage message) {
  const uint16_t id = message.stream;
  Stream& s = streams_[id];
  if (s.queue.empty()) round_.push_back(id);
  s.queued += message.remaining();
  queued_total_ += message.remaining();
  if (message.options.max_lifetime) ++lifetime_messages_;
  s.queue.push_back(std::move(message));
}

std::optional<uint16_t> SendQueue::NextStream() const {
  if (round_.empty()) return std::nullopt;
  return round_.front();
}

OutgoingMessage* SendQueue::Head(uint16_t stream) {
  auto it = streams_.find(stream);
  if (it == streams_.end() || it->second.queue.empty()) return nullptr;
  return &it->second.queue.front();
}

bool SendQueue::HasQueued(uint16_t stream) const {
  auto it = streams_.find(stream);
  return it != streams_.end() && !it->second.queue.empty();
}

void SendQueue::Handed(uint16_t stream, size_t bytes) {
  Stream& s = streams_.at(stream);
  OutgoingMessage& head = s.queue.front();
  head.offset += bytes;
  s.queued -= bytes;
  s.handed += bytes;
  queued_total_ -= bytes;
  handed_total_ += bytes;
  if (!handed_.empty() && handed_.back().stream == stream) {
    handed_.back().bytes += bytes;
  } else if (bytes > 0) {
    handed_.push_back({stream, bytes});
  }
  if (head.remaining() == 0) {
    if (head.options.max_lifetime) --lifetime_messages_;
    s.queue.pop_front();
  }
  // Round-robin: this stream goes to the back (or leaves the round when it has nothing left).
  auto it = std::find(round_.begin(), round_.end(), stream);
  if (it != round_.end()) round_.erase(it);
  if (!s.queue.empty()) round_.push_back(stream);
}

void SendQueue::DropHead(uint16_t stream) {
  auto it = streams_.find(stream);
  if (it == streams_.end() || it->second.queue.empty()) return;
  Stream& s = it->second;
  const OutgoingMessage& head = s.queue.front();
  const size_t bytes = head.remaining();
  if (head.options.max_lifetime) --lifetime_messages_;
  s.queue.pop_front();
  queued_total_ -= bytes;
  Release(stream, s, bytes, 0);
  auto r = std::find(round_.begin(), round_.end(), stream);
  if (r != round_.end()) round_.erase(r);
  if (!s.queue.empty()) round_.push_back(stream);
  MaybeForget(stream);
}

size_t SendQueue::DropExpired(Timestamp now) {
  if (lifetime_messages_ == 0) return 0;
  size_t dropped = 0;
  for (auto& [id, s] : streams_) {
    auto& queue = s.queue;
    for (auto it = queue.begin(); it != queue.end();) {
      const auto& lifetime = it->options.max_lifetime;
      if (lifetime && !it->started() && now - it->queued_at >= *lifetime) {
        const size_t bytes = it->remaining();
        --lifetime_messages_;
        ++dropped;
        it = queue.erase(it);
        queued_total_ -= bytes;
        Release(id, s, bytes, 0);
      } else {
        ++it;
      }
    }
    if (queue.empty()) {
      auto r = std::find(round_.begin(), round_.end(), id);
      if (r != round_.end()) round_.erase(r);
    }
  }
  for (auto it = streams_.begin(); it != streams_.end();) {
    const Stream& s = it->second;
    if (s.queue.empty() && s.handed == 0 && s.threshold == 0) {
      it = streams_.erase(it);
    } else {
      ++it;
    }
  }
  return dropped;
}

void SendQueue::Reconcile(size_t usrsctp_queued) {
  if (usrsctp_queued >= handed_total_) return;
  size_t released = handed_total_ - usrsctp_queued;
  handed_total_ = usrsctp_queued;
  while (released > 0 && !handed_.empty()) {
    HandedRecord& record = handed_.front();
    const size_t take = std::min(released, record.bytes);
    record.bytes -= take;
    released -= take;
    auto it = streams_.find(record.stream);
    if (it != streams_.end()) {
      Release(record.stream, it->second, 0, take);
      MaybeForget(record.stream);
    }
    if (record.bytes == 0) handed_.pop_front();
  }
}

void SendQueue::Release(uint16_t stream, Stream& s, size_t queued_bytes, size_t handed_bytes) {
  const size_t before = s.queued + s.handed;
  s.queued -= queued_bytes;
  s.handed -= std::min(handed_bytes, s.handed);
  const size_t after = s.queued + s.handed;
  if (before > s.threshold && after <= s.threshold) low_.push_back(stream);
}

void SendQueue::MaybeForget(uint16_t stream) {
  auto it = streams_.find(stream);
  if (it == streams_.end()) return;
  const Stream& s = it->second;
  if (s.queue.empty() && s.handed == 0 && s.threshold == 0) streams_.erase(it);
}

void SendQueue::Clear() {
  for (auto it = streams_.begin(); it != streams_.end();) {
    Stream& s = it->second;
    s.queue.clear();
    s.queued = 0;
    s.handed = 0;
    if (s.threshold == 0) {
      it = streams_.erase(it);
    } else {
      ++it;
    }
  }
  round_.clear();
  handed_.clear();
  queued_total_ = 0;
  handed_total_ = 0;
  lifetime_messages_ = 0;
}

size_t SendQueue::buffered_amount(uint16_t stream) const {
  auto it = streams_.find(stream);
  return it == streams_.end() ? 0 : it->second.queued + it->second.handed;
}

void SendQueue::set_low_threshold(uint16_t stream, size_t threshold) {
  streams_[stream].threshold = threshold;
  MaybeForget(stream);
}

std::vector<uint16_t> SendQueue::TakeLowStreams() {
  std::vector<uint16_t> low;
  low.swap(low_);
  return low;
}

}  // namespace parley::sctp
