// parley-signal's server: listens on one TCP address and runs an HttpSession per connection, all
// on one io_context thread (docs/signaling.md).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "signaling/server_state.h"

namespace parley::examples {

class SignalServer {
 public:
  // Binds and listens on options.host:options.port; nullptr and `error` set on failure.
  static std::unique_ptr<SignalServer> Listen(boost::asio::io_context& io,
                                              SignalServerOptions options, std::string* error);

  // The bound address (the real port when options.port was 0).
  boost::asio::ip::tcp::endpoint local_endpoint() const { return local_endpoint_; }
  // "ws://127.0.0.1:8080/ws/<room>" (IPv6 hosts in brackets).
  std::string RoomUrlPattern() const;

  // Stops accepting and closes every connection (WebSocket peers with 1001 "going away"); those
  // that have not finished within `grace` are dropped. `on_stopped` runs on the io_context once
  // no connection is left, after which io_context::run() returns unless the caller has other
  // work on it.
  void Shutdown(std::chrono::milliseconds grace, std::function<void()> on_stopped);

 private:
  SignalServer(boost::asio::io_context& io, std::shared_ptr<ServerState> state);
  void AcceptNext();

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::endpoint local_endpoint_;
  std::shared_ptr<ServerState> state_;
  boost::asio::steady_timer grace_timer_;
};

}  // namespace parley::examples
