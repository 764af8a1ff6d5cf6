// SctpDataChannel: the public DataChannel (include/parley/data_channel.h) of a DtlsTransport's
// data-channel machine: the user's calls go to the network thread through a Link, and the
// network thread publishes the machine's view (state, id, what SCTP still holds) after each
// drain. Callbacks run on the Runtime's callback thread; a channel outliving its transport
// reports kClosed and refuses to send.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/byte_io.h"
#include "datachannel/channel.h"
#include "parley/data_channel.h"
#include "parley/result.h"

namespace parley {

class SctpDataChannel final : public DataChannel,
                              public std::enable_shared_from_this<SctpDataChannel> {
 public:
  ~SctpDataChannel() override;
  SctpDataChannel(const SctpDataChannel&) = delete;
  SctpDataChannel& operator=(const SctpDataChannel&) = delete;

  void SetCallbacks(Callbacks callbacks) override;

  const std::string& label() const override { return label_; }
  const std::string& protocol() const override { return protocol_; }
  bool ordered() const override { return ordered_; }
  bool negotiated() const override { return negotiated_; }
  std::optional<uint16_t> max_retransmits() const override { return max_retransmits_; }
  std::optional<uint16_t> max_packet_life_time() const override;
  std::optional<TimeDelta> max_packet_lifetime() const { return max_packet_lifetime_; }
  std::optional<uint16_t> id() const override;
  DataChannelState ready_state() const override;
  datachannel::ChannelState state() const;

  Result<void> Send(std::string_view text) override;
  Result<void> Send(ByteView binary) override;
  size_t buffered_amount() const override;
  size_t buffered_amount_low_threshold() const override { return low_threshold_.load(); }
  void set_buffered_amount_low_threshold(size_t threshold) override;
  void Close() override;

  // For DtlsTransport: how a channel reaches its transport's network thread.
  class Link {
   public:
    virtual ~Link() = default;
    virtual void Send(std::shared_ptr<SctpDataChannel> channel, Bytes data, bool binary) = 0;
    virtual void Close(datachannel::ChannelHandle channel) = 0;
    virtual void SetLowThreshold(datachannel::ChannelHandle channel, size_t threshold) = 0;
    // Runs `task` on the callback thread.
    virtual void PostCallback(std::function<void()> task) = 0;
  };
  static std::shared_ptr<SctpDataChannel> Make(datachannel::ChannelHandle handle,
                                               const datachannel::ChannelInfo& info,
                                               std::shared_ptr<Link> link, Callbacks callbacks,
                                               size_t max_message_size);
  datachannel::ChannelHandle handle() const { return handle_; }
  // Network thread: the machine's view after a drain.
  void Publish(const datachannel::ChannelInfo& info, size_t machine_buffered,
               size_t max_message_size);
  // Callback thread: a copy of the callbacks to invoke.
  Callbacks callbacks() const;
  // Callback thread: runs `event` with the callbacks. Until callbacks were first set, events are
  // kept (the open event and first messages of a channel can beat its creator's SetCallbacks)
  // and delivered, in order, once they are.
  void Deliver(std::function<void(const Callbacks&)> event);
  // Network thread: a queued send reached the machine (or was refused).
  void SendProcessed(size_t bytes) { posted_.fetch_sub(bytes); }
  // The transport is gone: closed, and the callbacks are released.
  void Detach();
  // Callback thread, after on_close was delivered: nothing fires any more.
  void ReleaseCallbacks();

 private:
  SctpDataChannel() = default;
  Result<void> SendBytes(ByteView data, bool binary);

  datachannel::ChannelHandle handle_{};
  std::string label_;
  std::string protocol_;
  bool ordered_ = true;
  bool negotiated_ = false;
  std::optional<uint16_t> max_retransmits_;
  std::optional<TimeDelta> max_packet_lifetime_;
  std::atomic<size_t> max_message_size_{0};
  std::shared_ptr<Link> link_;

  mutable std::mutex mutex_;
  Callbacks callbacks_;         // Guarded by mutex_.
  bool callbacks_set_ = false;  // Guarded by mutex_.
  // Events waiting for the first SetCallbacks, or for the flush it posted. Guarded by mutex_.
  std::deque<std::function<void(const Callbacks&)>> undelivered_;
  std::optional<uint16_t> id_;  // Guarded by mutex_.
  std::atomic<datachannel::ChannelState> state_{datachannel::ChannelState::kConnecting};
  std::atomic<size_t> machine_buffered_{0};  // What SCTP still holds (network thread writes).
  std::atomic<size_t> posted_{0};            // Sent by the user, not yet in the machine.
  std::atomic<size_t> low_threshold_{0};
};

}  // namespace parley
