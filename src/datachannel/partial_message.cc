#include "datachannel/partial_message.h"

namespace parley::datachannel {

bool PartialMessage::Append(bool binary, ByteView piece, size_t limit) {
  bool kept = true;
  if (binary_ && *binary_ != binary) {
    Clear();
    kept = false;
  }
  if (limit != 0 && data_.size() + piece.size() > limit) {
    Clear();
    return false;
  }
  binary_ = binary;
  data_.insert(data_.end(), piece.begin(), piece.end());
  return kept;
}

PartialMessage::Completed PartialMessage::Finish(bool binary, ByteView last, size_t limit) {
  Completed completed;
  if (binary_ && *binary_ != binary) {
    Clear();
    completed.dropped = true;
  }
  if (limit != 0 && data_.size() + last.size() > limit) {
    completed.dropped = true;
    Clear();
    return completed;
  }
  Bytes data = std::move(data_);
  data.insert(data.end(), last.begin(), last.end());
  completed.data = std::move(data);
  Clear();
  return completed;
}

void PartialMessage::Clear() {
  binary_.reset();
  data_.clear();
}

}  // namespace parley::datachannel
