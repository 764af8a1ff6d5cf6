// RTCDataChannel (webrtc-pc §6.2), usable from any thread. Send() never blocks: it queues and
// returns, buffered_amount() grows at once and shrinks as the data leaves, and
// on_buffered_amount_low fires when it falls to the threshold. Close() starts the closing
// handshake (an SCTP stream reset, RFC 8831 §6.7).
//
// Callbacks run on the PeerConnection's callback thread, in order, never under a Parley lock;
// a callback may call any method, and may destroy the PeerConnection. A channel outliving its
// PeerConnection reports kClosed and refuses to send.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parley/result.h"

namespace parley {

enum class DataChannelState { kConnecting, kOpen, kClosing, kClosed };
std::string_view ToString(DataChannelState state);  // "connecting", "open", ...

enum class DataChannelPriority { kVeryLow, kLow, kMedium, kHigh };

// RTCDataChannelInit.
struct DataChannelInit {
  bool ordered = true;
  // At most one of the two (partial reliability, RFC 3758); TypeError otherwise.
  std::optional<uint16_t> max_packet_life_time;  // milliseconds
  std::optional<uint16_t> max_retransmits;
  std::string protocol;
  // True: the application agreed on the channel with the peer out of band (same id on both
  // sides, no DCEP); `id` is then required.
  bool negotiated = false;
  std::optional<uint16_t> id;
  DataChannelPriority priority = DataChannelPriority::kLow;
};

class DataChannel {
 public:
  struct Callbacks {
    std::function<void()> on_open;
    // `binary` false: a string message (UTF-8 as sent).
    std::function<void(const std::vector<uint8_t>& data, bool binary)> on_message;
    std::function<void()> on_buffered_amount_low;
    std::function<void()> on_closing;
    std::function<void()> on_close;
    std::function<void(const std::string& reason)> on_error;
  };

  virtual ~DataChannel() = default;

  // Replaces the callbacks (any thread); events not yet delivered use the new ones.
  virtual void SetCallbacks(Callbacks callbacks) = 0;

  virtual const std::string& label() const = 0;
  virtual const std::string& protocol() const = 0;
  virtual bool ordered() const = 0;
  virtual bool negotiated() const = 0;
  virtual std::optional<uint16_t> max_retransmits() const = 0;
  virtual std::optional<uint16_t> max_packet_life_time() const = 0;
  // The SCTP stream id; nullopt until the DTLS role is known.
  virtual std::optional<uint16_t> id() const = 0;
  virtual DataChannelState ready_state() const = 0;

  // Queues a message. InvalidStateError unless open; TypeError when it exceeds the peer's
  // max-message-size (nothing is sent). Never blocks.
  virtual Result<void> Send(std::string_view text) = 0;
  virtual Result<void> Send(std::span<const uint8_t> binary) = 0;
  // Bytes queued and not yet sent and acknowledged (webrtc-pc §6.2 bufferedAmount).
  virtual size_t buffered_amount() const = 0;
  virtual size_t buffered_amount_low_threshold() const = 0;
  virtual void set_buffered_amount_low_threshold(size_t threshold) = 0;
  // Starts closing (kClosing, then kClosed when both directions are reset). Idempotent.
  virtual void Close() = 0;
};

}  // namespace parley
