// beast::tcp_stream with a WebSocket teardown that really drains. The closing handshake ends with
// a teardown (RFC 6455 §7.1.1): shut the sending side, read until the peer's end of stream, then
// close. Boost 1.74's teardown for TCP ignores how many bytes each read returned and closes as
// soon as the peer still had data in flight (e.g. the rest of a message refused as too big), so
// the kernel answers with a reset and the peer may lose the close frame that said why. This
// overload, found by argument-dependent lookup from websocket::stream<DrainingTcpStream>, reads
// until end of stream (bounded by kTeardownTimeout) before closing.
#pragma once

#include <array>
#include <boost/asio/compose.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <memory>
#include <type_traits>
#include <utility>

namespace parley::examples {

inline constexpr std::chrono::seconds kTeardownTimeout{5};

class DrainingTcpStream : public boost::beast::tcp_stream {
 public:
  using boost::beast::tcp_stream::tcp_stream;
  explicit DrainingTcpStream(boost::beast::tcp_stream&& stream)
      : boost::beast::tcp_stream(std::move(stream)) {}
};

template <typename TeardownHandler>
void async_teardown(boost::beast::role_type role, DrainingTcpStream& stream,
                    TeardownHandler&& handler) {
  namespace asio = boost::asio;
  using boost::beast::error_code;
  using Socket = asio::ip::tcp::socket;
  auto buffer = std::make_shared<std::array<char, 4096>>();
  bool started = false;
  asio::async_compose<std::decay_t<TeardownHandler>, void(error_code)>(
      [&stream, role, buffer, started](auto& self, error_code error = {}, std::size_t = 0) mutable {
        if (!started) {
          started = true;
          error_code ignored;
          // The server closes the TCP connection first (RFC 6455 §7.1.1).
          if (role == boost::beast::role_type::server) {
            stream.socket().shutdown(Socket::shutdown_send, ignored);
          }
          stream.expires_after(kTeardownTimeout);
        } else if (error) {
          if (error == asio::error::eof) error = {};
          error_code ignored;
          if (role == boost::beast::role_type::client) {
            stream.socket().shutdown(Socket::shutdown_send, ignored);
          }
          stream.expires_never();
          stream.socket().close(ignored);
          self.complete(error);
          return;
        }
        // Discard whatever still arrives until the end of the stream.
        stream.async_read_some(asio::buffer(*buffer), std::move(self));
      },
      handler, stream);  // Boost 1.74 takes the handler as an lvalue and moves from it.
}

}  // namespace parley::examples
