#include "signaling/signal_server.h"

#include <utility>

#include "signaling/http_session.h"

namespace parley::examples {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

SignalServer::SignalServer(asio::io_context& io, std::shared_ptr<ServerState> state)
    : acceptor_(io), state_(std::move(state)), grace_timer_(io) {}

std::unique_ptr<SignalServer> SignalServer::Listen(asio::io_context& io,
                                                   SignalServerOptions options,
                                                   std::string* error) {
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(options.host, ec);
  if (ec) {
    *error = "--host " + options.host + " is not an IP address";
    return nullptr;
  }
  const tcp::endpoint endpoint(address, options.port);
  auto server = std::unique_ptr<SignalServer>(
      new SignalServer(io, std::make_shared<ServerState>(std::move(options))));
  tcp::acceptor& acceptor = server->acceptor_;
  if (acceptor.open(endpoint.protocol(), ec); !ec) {
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (!ec) server->local_endpoint_ = acceptor.local_endpoint(ec);
  }
  if (ec) {
    *error = "cannot listen on " + endpoint.address().to_string() + " port " +
             std::to_string(endpoint.port()) + ": " + ec.message();
    return nullptr;
  }
  server->AcceptNext();
  return server;
}

std::string SignalServer::RoomUrlPattern() const {
  const asio::ip::address address = local_endpoint_.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return "ws://" + host + ":" + std::to_string(local_endpoint_.port()) + "/ws/<room>";
}

void SignalServer::AcceptNext() {
  acceptor_.async_accept(
      [this, state = state_](boost::system::error_code error, tcp::socket socket) {
        if (error == asio::error::operation_aborted || state->shutting_down()) return;
        if (!error) std::make_shared<HttpSession>(std::move(socket), state)->Start();
        // Other errors (e.g. out of descriptors) concern one connection; keep accepting.
        AcceptNext();
      });
}

void SignalServer::Shutdown(std::chrono::milliseconds grace, std::function<void()> on_stopped) {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  grace_timer_.expires_after(grace);
  grace_timer_.async_wait([state = state_](boost::system::error_code error) {
    if (!error) state->ShutdownAll(/*force=*/true, nullptr);
  });
  state_->ShutdownAll(/*force=*/false, [this, on_stopped = std::move(on_stopped)] {
    grace_timer_.cancel();
    if (on_stopped) on_stopped();
  });
}

}  // namespace parley::examples
