#include "runtime/data_channel.h"

#include <algorithm>
#include <string>
#include <utility>

namespace parley {

std::shared_ptr<SctpDataChannel> SctpDataChannel::Make(datachannel::ChannelHandle handle,
                                                       const datachannel::ChannelInfo& info,
                                                       std::shared_ptr<Link> link,
                                                       Callbacks callbacks,
                                                       size_t max_message_size) {
  std::shared_ptr<SctpDataChannel> channel(new SctpDataChannel());
  channel->handle_ = handle;
  channel->label_ = info.label;
  channel->protocol_ = info.protocol;
  channel->ordered_ = info.ordered;
  channel->negotiated_ = info.negotiated;
  channel->max_retransmits_ = info.max_retransmits;
  channel->max_packet_lifetime_ = info.max_packet_lifetime;
  channel->max_message_size_ = max_message_size;
  channel->link_ = std::move(link);
  channel->callbacks_set_ = callbacks.on_open || callbacks.on_message ||
                            callbacks.on_buffered_amount_low || callbacks.on_closing ||
                            callbacks.on_close || callbacks.on_error;
  channel->callbacks_ = std::move(callbacks);
  channel->id_ = info.id;
  channel->state_ = info.state;
  return channel;
}

SctpDataChannel::~SctpDataChannel() = default;

void SctpDataChannel::SetCallbacks(Callbacks callbacks) {
  bool flush = false;
  {
    std::lock_guard lock(mutex_);
    callbacks_ = std::move(callbacks);
    flush = !callbacks_set_ && !undelivered_.empty();
    callbacks_set_ = true;
  }
  if (flush) {
    link_->PostCallback([self = shared_from_this()] {
      for (;;) {
        std::function<void(const Callbacks&)> event;
        Callbacks callbacks;
        {
          std::lock_guard lock(self->mutex_);
          if (self->undelivered_.empty()) return;
          event = std::move(self->undelivered_.front());
          self->undelivered_.pop_front();
          callbacks = self->callbacks_;
        }
        event(callbacks);
      }
    });
  }
}

void SctpDataChannel::Deliver(std::function<void(const Callbacks&)> event) {
  // Bounds what a channel nobody listens to can hold.
  static constexpr size_t kMaxUndelivered = 4096;
  Callbacks callbacks;
  {
    std::lock_guard lock(mutex_);
    if (!callbacks_set_ || !undelivered_.empty()) {
      if (undelivered_.size() < kMaxUndelivered) undelivered_.push_back(std::move(event));
      return;
    }
    callbacks = callbacks_;
  }
  event(callbacks);
}

SctpDataChannel::Callbacks SctpDataChannel::callbacks() const {
  std::lock_guard lock(mutex_);
  return callbacks_;
}

std::optional<uint16_t> SctpDataChannel::id() const {
  std::lock_guard lock(mutex_);
  return id_;
}

datachannel::ChannelState SctpDataChannel::state() const {
  return state_.load();
}

DataChannelState SctpDataChannel::ready_state() const {
  switch (state_.load()) {
    case datachannel::ChannelState::kConnecting:
      return DataChannelState::kConnecting;
    case datachannel::ChannelState::kOpen:
      return DataChannelState::kOpen;
    case datachannel::ChannelState::kClosing:
      return DataChannelState::kClosing;
    case datachannel::ChannelState::kClosed:
      break;
  }
  return DataChannelState::kClosed;
}

std::optional<uint16_t> SctpDataChannel::max_packet_life_time() const {
  if (!max_packet_lifetime_) return std::nullopt;
  return static_cast<uint16_t>(std::min<int64_t>(max_packet_lifetime_->ms(), 65535));
}

Result<void> SctpDataChannel::Send(std::string_view text) {
  return SendBytes(ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()), false);
}

Result<void> SctpDataChannel::Send(ByteView binary) {
  return SendBytes(binary, true);
}

Result<void> SctpDataChannel::SendBytes(ByteView data, bool binary) {
  if (state_.load() != datachannel::ChannelState::kOpen) {
    return InvalidStateError("send: data channel '" + label_ + "' is " +
                             std::string(datachannel::ToString(state_.load())) + ", not open");
  }
  const size_t max_message_size = max_message_size_.load();
  if (max_message_size != 0 && data.size() > max_message_size) {
    return TypeError("send: a message of " + std::to_string(data.size()) +
                     " bytes exceeds the peer's max-message-size of " +
                     std::to_string(max_message_size));
  }
  posted_.fetch_add(data.size());  // bufferedAmount grows at once (webrtc-pc §6.2 send()).
  link_->Send(shared_from_this(), Bytes(data.begin(), data.end()), binary);
  return Ok();
}

size_t SctpDataChannel::buffered_amount() const {
  return machine_buffered_.load() + posted_.load();
}

void SctpDataChannel::set_buffered_amount_low_threshold(size_t threshold) {
  low_threshold_ = threshold;
  link_->SetLowThreshold(handle_, threshold);
}

void SctpDataChannel::Close() {
  auto state = state_.load();
  if (state == datachannel::ChannelState::kClosing || state == datachannel::ChannelState::kClosed) {
    return;
  }
  state_ = datachannel::ChannelState::kClosing;  // webrtc-pc §6.2 close(): at once.
  link_->Close(handle_);
}

void SctpDataChannel::Publish(const datachannel::ChannelInfo& info, size_t machine_buffered,
                              size_t max_message_size) {
  machine_buffered_ = machine_buffered;
  max_message_size_ = max_message_size;
  // A user's Close() already moved the state on; the machine catches up.
  if (!(state_.load() == datachannel::ChannelState::kClosing &&
        info.state < datachannel::ChannelState::kClosing)) {
    state_ = info.state;
  }
  std::lock_guard lock(mutex_);
  id_ = info.id;
}

void SctpDataChannel::Detach() {
  state_ = datachannel::ChannelState::kClosed;
  machine_buffered_ = 0;
  ReleaseCallbacks();
}

void SctpDataChannel::ReleaseCallbacks() {
  // Callbacks often capture what owns the channel; dropping them once nothing can fire breaks
  // such cycles. Destroyed outside the lock: their captures' destructors may call back in.
  Callbacks released;
  std::deque<std::function<void(const Callbacks&)>> undelivered;
  {
    std::lock_guard lock(mutex_);
    released = std::move(callbacks_);
    callbacks_ = {};
    undelivered.swap(undelivered_);
  }
}

}  // namespace parley
