#include "dtls/datagram_channel.h"

#include <algorithm>
#include <cstring>

namespace parley::dtls {

bool DatagramChannel::PushIncoming(Bytes datagram) {
  if (incoming_.size() >= max_incoming_) return false;
  incoming_.push_back(std::move(datagram));
  return true;
}

std::optional<size_t> DatagramChannel::ReadIncoming(std::span<uint8_t> out) {
  if (incoming_.empty()) return std::nullopt;
  const Bytes& datagram = incoming_.front();
  const size_t length = std::min(datagram.size(), out.size());
  if (length > 0) std::memcpy(out.data(), datagram.data(), length);
  incoming_.pop_front();
  return length;
}

void DatagramChannel::WriteRecord(ByteView record) {
  if (!open_.empty() && open_.size() + record.size() > mtu_) Flush();
  open_.insert(open_.end(), record.begin(), record.end());
}

void DatagramChannel::Flush() {
  if (open_.empty()) return;
  outgoing_.push_back(std::move(open_));
  open_.clear();
}

std::optional<Bytes> DatagramChannel::PollOutgoing() {
  if (outgoing_.empty()) return std::nullopt;
  Bytes datagram = std::move(outgoing_.front());
  outgoing_.pop_front();
  return datagram;
}

}  // namespace parley::dtls
