// A WebSocket client for parley-signal rooms (docs/signaling.md), as the examples use it: it
// connects to a ws:// URL, sends text frames and hands every text frame it receives to a
// callback. It owns one io thread; every callback runs there, one at a time, in order.
//
// Thread safety: Send() and Close() may be called from any thread, including from a callback.
// The destructor may be called from any thread except the client's own io thread (that is, not
// from inside one of its callbacks): it would have to join itself, so it aborts instead.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace parley::examples {

class SignalingClient {
 public:
  struct Callbacks {
    // Each text frame received (binary frames are ignored).
    std::function<void(std::string text)> on_message;
    // The connection ended: closed by the server or by Close(), or failed. Called at most once,
    // after the last on_message. Destroying the client ends the callbacks: the destructor waits
    // for one that is running, and none runs after it returns (on_closed is then not called).
    std::function<void(std::string reason)> on_closed;
  };

  // Connects to `url`, "ws://host[:port]/path" (used as given; the port defaults to 80), and
  // blocks until the WebSocket handshake has completed or failed, for at most `timeout`.
  // nullptr on failure, with a message in `*error` (when `error` is not null). Callbacks may
  // start before this returns.
  static std::unique_ptr<SignalingClient> Connect(const std::string& url, Callbacks callbacks,
                                                  std::chrono::milliseconds timeout,
                                                  std::string* error);

  // Queues one text frame; frames are written in the order queued. Never blocks; the queue is
  // not bounded (signaling messages are few). Dropped once the connection is closing or closed.
  void Send(std::string text);
  // Writes what is queued, then closes with code 1000; on_closed follows. Idempotent.
  void Close();

  // Closes (waiting at most about two seconds for the close handshake) and joins the io thread.
  ~SignalingClient();
  SignalingClient(const SignalingClient&) = delete;
  SignalingClient& operator=(const SignalingClient&) = delete;

 private:
  class Impl;
  explicit SignalingClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::examples
