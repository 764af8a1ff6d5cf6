// DataChannel: one RTCDataChannel of a DtlsTransport, usable from any thread. Modelled on the W3C
// API (webrtc-pc §6.2): Send() never blocks — it queues and returns, bufferedAmount grows at once
// and shrinks as SCTP takes the data, and on_buffered_amount_low fires when it falls to the
// threshold; Close() starts the closing handshake (stream reset, RFC 8831 §6.7).
//
// Callbacks run on the Runtime's callback thread, in order, never under a Parley lock; a
// callback may call any method, and may destroy the DtlsTransport. A DataChannel outliving its
// transport reports kClosed and refuses to send.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/byte_io.h"
#include "datachannel/channel.h"
#include "parley/result.h"

namespace parley {

class DataChannel : public std::enable_shared_from_this<DataChannel> {
 public:
  struct Callbacks {
    std::function<void()> on_open;
    // `binary` false: a string message (UTF-8 as sent).
    std::function<void(const Bytes& data, bool binary)> on_message;
    std::function<void()> on_buffered_amount_low;
    std::function<void()> on_closing;
    std::function<void()> on_close;
    std::function<void(const std::string& reason)> on_error;
  };

  ~DataChannel();
  DataChannel(const DataChannel&) = delete;
  DataChannel& operator=(const DataChannel&) = delete;

  // Replaces the callbacks (any thread); events not yet delivered use the new ones.
  void SetCallbacks(Callbacks callbacks);

  const std::string& label() const { return label_; }
  const std::string& protocol() const { return protocol_; }
  bool ordered() const { return ordered_; }
  bool negotiated() const { return negotiated_; }
  std::optional<uint16_t> max_retransmits() const { return max_retransmits_; }
  std::optional<TimeDelta> max_packet_lifetime() const { return max_packet_lifetime_; }
  // The SCTP stream id; nullopt until the DTLS role is known (W3C: null until then).
  std::optional<uint16_t> id() const;
  datachannel::ChannelState state() const;

  // Queues a message. InvalidStateError unless open; TypeError when it exceeds the peer's
  // max-message-size (nothing is sent). Never blocks.
  Result<void> Send(std::string_view text);
  Result<void> Send(ByteView binary);
  // Bytes queued and not yet handed to the network (webrtc-pc §6.2 bufferedAmount).
  size_t buffered_amount() const;
  size_t buffered_amount_low_threshold() const { return low_threshold_.load(); }
  void set_buffered_amount_low_threshold(size_t threshold);
  // Starts closing (kClosing, then kClosed when both directions are reset). Idempotent.
  void Close();

  // For DtlsTransport: how a channel reaches its transport's network thread.
  class Link {
   public:
    virtual ~Link() = default;
    virtual void Send(std::shared_ptr<DataChannel> channel, Bytes data, bool binary) = 0;
    virtual void Close(datachannel::ChannelHandle channel) = 0;
    virtual void SetLowThreshold(datachannel::ChannelHandle channel, size_t threshold) = 0;
  };
  static std::shared_ptr<DataChannel> Make(datachannel::ChannelHandle handle,
                                           const datachannel::ChannelInfo& info,
                                           std::shared_ptr<Link> link, Callbacks callbacks,
                                           size_t max_message_size);
  datachannel::ChannelHandle handle() const { return handle_; }
  // Network thread: the machine's view after a drain.
  void Publish(const datachannel::ChannelInfo& info, size_t machine_buffered);
  // Callback thread: a copy of the callbacks to invoke.
  Callbacks callbacks() const;
  // Network thread: a queued send reached the machine (or was refused).
  void SendProcessed(size_t bytes) { posted_.fetch_sub(bytes); }
  // The transport is gone.
  void Detach();

 private:
  DataChannel() = default;
  Result<void> SendBytes(ByteView data, bool binary);

  datachannel::ChannelHandle handle_{};
  std::string label_;
  std::string protocol_;
  bool ordered_ = true;
  bool negotiated_ = false;
  std::optional<uint16_t> max_retransmits_;
  std::optional<TimeDelta> max_packet_lifetime_;
  size_t max_message_size_ = 0;
  std::shared_ptr<Link> link_;

  mutable std::mutex mutex_;
  Callbacks callbacks_;         // Guarded by mutex_.
  std::optional<uint16_t> id_;  // Guarded by mutex_.
  std::atomic<datachannel::ChannelState> state_{datachannel::ChannelState::kConnecting};
  std::atomic<size_t> machine_buffered_{0};  // What SCTP still holds (network thread writes).
  std::atomic<size_t> posted_{0};            // Sent by the user, not yet in the machine.
  std::atomic<size_t> low_threshold_{0};
};

}  // namespace parley
