#include "signaling/raw_clients.h"

#include <boost/asio/ip/tcp.hpp>
#include <memory>

namespace parley::examples::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

tcp::endpoint Loopback(uint16_t port) {
  return {asio::ip::make_address("127.0.0.1"), port};
}

// The outcome of one asynchronous step, shared with its handler: a handler that completes after
// a timeout has nothing dangling to write to.
struct Outcome {
  bool done = false;
  beast::error_code error;
};

}  // namespace

std::optional<HttpReply> SendHttpRequest(uint16_t port, http::verb method,
                                         const std::string& target) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::request<http::empty_body> request{method, target, 11};
  request.set(http::field::host, "127.0.0.1");
  request.keep_alive(false);
  http::response_parser<http::string_body> parser;
  parser.skip(method == http::verb::head);  // A HEAD response has headers only.
  beast::error_code failure;
  bool done = false;

  stream.expires_after(kRawTimeout);  // Bounds connect, write and read together.
  stream.async_connect(Loopback(port), [&](beast::error_code error) {
    if (error) {
      failure = error;
      done = true;
      return;
    }
    http::async_write(stream, request, [&](beast::error_code write_error, size_t) {
      if (write_error) {
        failure = write_error;
        done = true;
        return;
      }
      http::async_read(stream, buffer, parser, [&](beast::error_code read_error, size_t) {
        failure = read_error;
        done = true;
      });
    });
  });
  io.run();
  if (!done || failure) return std::nullopt;
  const auto& response = parser.get();
  HttpReply reply;
  reply.status = response.result_int();
  reply.content_type = std::string(response[http::field::content_type]);
  if (response.has_content_length()) {
    reply.content_length = std::stoull(std::string(response[http::field::content_length]));
  }
  reply.body = response.body();
  return reply;
}

template <typename Predicate>
bool RawWebSocket::RunUntil(Predicate done) {
  const auto deadline = std::chrono::steady_clock::now() + kRawTimeout;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io_.restart();
    io_.run_one_until(deadline);
  }
  return done();
}

bool RawWebSocket::Connect(uint16_t port, const std::string& target) {
  auto outcome = std::make_shared<Outcome>();
  beast::get_lowest_layer(ws_).expires_after(kRawTimeout);
  beast::get_lowest_layer(ws_).async_connect(
      Loopback(port), [this, outcome, port, target](beast::error_code error) {
        if (error) {
          *outcome = {true, error};
          return;
        }
        ws_.async_handshake("127.0.0.1:" + std::to_string(port), target,
                            [outcome](beast::error_code handshake_error) {
                              *outcome = {true, handshake_error};
                            });
      });
  if (!RunUntil([&] { return outcome->done; }) || outcome->error) return false;
  beast::get_lowest_layer(ws_).expires_never();
  ws_.control_callback([this](beast::websocket::frame_type kind, beast::string_view) {
    if (kind == beast::websocket::frame_type::pong) ++pongs_;
  });
  ReadNext();
  return true;
}

void RawWebSocket::ReadNext() {
  ws_.async_read(buffer_, [this](beast::error_code error, size_t) {
    if (error) {
      ended_ = true;
      return;
    }
    inbox_.push_back({beast::buffers_to_string(buffer_.data()), ws_.got_binary()});
    buffer_.consume(buffer_.size());
    ReadNext();
  });
}

bool RawWebSocket::Write(const std::string& payload, bool binary) {
  auto outcome = std::make_shared<Outcome>();
  auto owned = std::make_shared<std::string>(payload);
  ws_.binary(binary);
  ws_.async_write(asio::buffer(*owned), [outcome, owned](beast::error_code error, size_t) {
    *outcome = {true, error};
  });
  return RunUntil([&] { return outcome->done; }) && !outcome->error;
}

std::optional<RawWebSocket::Frame> RawWebSocket::Read() {
  if (!RunUntil([&] { return !inbox_.empty() || ended_; }) || inbox_.empty()) {
    return std::nullopt;
  }
  Frame frame = std::move(inbox_.front());
  inbox_.pop_front();
  return frame;
}

bool RawWebSocket::PingPong() {
  const int before = pongs_;
  auto outcome = std::make_shared<Outcome>();
  ws_.async_ping({}, [outcome](beast::error_code error) { *outcome = {true, error}; });
  if (!RunUntil([&] { return outcome->done; }) || outcome->error) return false;
  return RunUntil([&] { return pongs_ > before || ended_; }) && pongs_ > before;
}

}  // namespace parley::examples::test
