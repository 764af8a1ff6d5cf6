// Plain Beast clients for what SignalingClient does not do: HTTP requests with any target
// (including "/../x", which ordinary clients normalise away) and WebSocket binary frames. Every
// operation gives up after kRawTimeout, so a test never hangs.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace parley::examples::test {

inline constexpr std::chrono::seconds kRawTimeout{10};

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::optional<uint64_t> content_length;
  std::string body;
};

// One request on a fresh connection to 127.0.0.1:port; nullopt when it fails or times out.
std::optional<HttpReply> SendHttpRequest(uint16_t port, boost::beast::http::verb method,
                                         const std::string& target);

// A WebSocket client that sends and receives binary frames and pings, one blocking step at a
// time on its own io_context. Once connected it always has a read pending (frames collect in an
// inbox), so a pong can arrive while nothing else is read.
class RawWebSocket {
 public:
  struct Frame {
    std::string payload;
    bool binary = false;
  };

  // False when the connection or the handshake to ws://127.0.0.1:port<target> fails.
  bool Connect(uint16_t port, const std::string& target);
  bool Write(const std::string& payload, bool binary);
  // The next message; nullopt once the connection ended or after kRawTimeout.
  std::optional<Frame> Read();
  // Sends a ping and waits for its pong. parley-signal answers a ping only after it has relayed
  // (or queued) every message read before it, so this is a barrier for what was written.
  bool PingPong();
  // The code of the close frame the server sent (0 before one came).
  int close_code() const { return ws_.reason().code; }

 private:
  void ReadNext();
  // Runs handlers until `done()` or kRawTimeout; returns done().
  template <typename Predicate>
  bool RunUntil(Predicate done);

  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_{io_};
  boost::beast::flat_buffer buffer_;
  std::deque<Frame> inbox_;
  int pongs_ = 0;
  bool ended_ = false;
};

}  // namespace parley::examples::test
