#include "signaling/signaling_client.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "signaling/draining_tcp_stream.h"
#include "signaling/websocket_url.h"

namespace parley::examples {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// How long the destructor waits for the close handshake before dropping the connection.
constexpr auto kCloseWait = std::chrono::seconds(2);

}  // namespace

// Everything but the constructor, Send/Close posts and the destructor's waits runs on the io
// thread. The mutex guards only what other threads read: the connect outcome and `finished_`.
class SignalingClient::Impl {
 public:
  Impl(WebSocketUrl url, Callbacks callbacks)
      : url_(std::move(url)), callbacks_(std::move(callbacks)) {}

  // Starts the io thread and the handshake; waits until it is done or `deadline`.
  std::optional<std::string> Open(std::chrono::steady_clock::time_point deadline);
  void Send(std::string text);
  void Close();
  // Closes without callbacks, waits for the close handshake (bounded) and joins the thread.
  void Stop();

 private:
  void OnResolved(beast::error_code error, const tcp::resolver::results_type& endpoints);
  void OnConnected(beast::error_code error);
  void OnHandshake(beast::error_code error);
  void ReportOpen(std::string error);
  void ReadNext();
  void OnRead(beast::error_code error);
  void WriteNext();
  void OnWrite(beast::error_code error);
  void StartCloseWhenIdle();
  void Finish(std::string reason);

  // Declared first: destroyed last, after the stream whose operations it holds.
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  const WebSocketUrl url_;
  Callbacks callbacks_;
  tcp::resolver resolver_{io_};
  websocket::stream<DrainingTcpStream> ws_{io_};
  websocket::response_type handshake_response_;
  beast::flat_buffer read_buffer_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  beast::error_code write_error_;
  bool close_requested_ = false;
  bool closing_ = false;
  std::chrono::steady_clock::time_point deadline_;
  std::thread thread_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<std::string> open_result_;  // "" when open, else why not.
  bool abandoned_ = false;                  // Open() gave up waiting.
  bool finished_ = false;                   // The connection has ended.
};

std::optional<std::string> SignalingClient::Impl::Open(
    std::chrono::steady_clock::time_point deadline) {
  deadline_ = deadline;
  thread_ = std::thread([this] { io_.run(); });
  asio::post(io_, [this] {
    resolver_.async_resolve(
        url_.host, std::to_string(url_.port),
        [this](beast::error_code error, const tcp::resolver::results_type& endpoints) {
          OnResolved(error, endpoints);
        });
  });
  std::unique_lock lock(mutex_);
  if (!changed_.wait_until(lock, deadline, [&] { return open_result_.has_value(); })) {
    abandoned_ = true;
    return "timed out";
  }
  return open_result_;
}

void SignalingClient::Impl::OnResolved(beast::error_code error,
                                       const tcp::resolver::results_type& endpoints) {
  if (error) return ReportOpen("cannot resolve " + url_.host + ": " + error.message());
  beast::get_lowest_layer(ws_).expires_at(deadline_);
  beast::get_lowest_layer(ws_).async_connect(
      endpoints, [this](beast::error_code connect_error, const tcp::endpoint&) {
        OnConnected(connect_error);
      });
}

void SignalingClient::Impl::OnConnected(beast::error_code error) {
  if (error == beast::error::timeout) return ReportOpen("timed out connecting");
  if (error) {
    return ReportOpen("cannot connect to " + url_.HostHeader() + ": " + error.message());
  }
  ws_.async_handshake(handshake_response_, url_.HostHeader(), url_.resource,
                      [this](beast::error_code handshake_error) { OnHandshake(handshake_error); });
}

void SignalingClient::Impl::OnHandshake(beast::error_code error) {
  if (error == beast::error::timeout) return ReportOpen("timed out during the WebSocket handshake");
  if (error == websocket::error::upgrade_declined) {
    return ReportOpen("WebSocket handshake refused: HTTP " +
                      std::to_string(handshake_response_.result_int()) + " " +
                      std::string(handshake_response_.reason()));
  }
  if (error) return ReportOpen("WebSocket handshake failed: " + error.message());
  // From now on the WebSocket layer times things: the close handshake, and a silent server is
  // pinged after 30 s and dropped after 60 s.
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = std::chrono::seconds(5);
  timeout.idle_timeout = std::chrono::seconds(60);
  timeout.keep_alive_pings = true;
  ws_.set_option(timeout);
  ws_.auto_fragment(false);
  ReportOpen("");
}

void SignalingClient::Impl::ReportOpen(std::string error) {
  bool open = error.empty();
  {
    std::lock_guard lock(mutex_);
    if (abandoned_) {
      open = false;  // Open() has returned "timed out": stay silent.
    } else {
      open_result_ = std::move(error);
    }
    if (!open) finished_ = true;
  }
  changed_.notify_all();
  if (open) ReadNext();
}

void SignalingClient::Impl::ReadNext() {
  ws_.async_read(read_buffer_, [this](beast::error_code error, size_t) { OnRead(error); });
}

void SignalingClient::Impl::OnRead(beast::error_code error) {
  if (error) {
    if (close_requested_) return Finish("closed by this client");
    // A close frame from the server says why, even when the connection broke afterwards (e.g.
    // while a write of ours was still under way).
    const websocket::close_reason& reason = ws_.reason();
    if (reason.code != websocket::close_code::none) {
      std::string text = "closed by the server: code " + std::to_string(reason.code);
      if (!reason.reason.empty()) text += ": " + std::string(reason.reason.c_str());
      return Finish(std::move(text));
    }
    return Finish("connection lost: " + (write_error_ ? write_error_ : error).message());
  }
  const bool text = ws_.got_text();
  std::string payload = beast::buffers_to_string(read_buffer_.data());
  read_buffer_.consume(read_buffer_.size());
  if (text && callbacks_.on_message) callbacks_.on_message(std::move(payload));
  ReadNext();
}

void SignalingClient::Impl::Send(std::string text) {
  asio::post(io_, [this, text = std::move(text)]() mutable {
    if (close_requested_ || closing_) return;
    {
      std::lock_guard lock(mutex_);
      if (finished_) return;
    }
    outbox_.push_back(std::move(text));
    WriteNext();
  });
}

void SignalingClient::Impl::WriteNext() {
  if (writing_ || outbox_.empty() || closing_) return;
  writing_ = true;
  ws_.text(true);
  ws_.async_write(asio::buffer(outbox_.front()),
                  [this](beast::error_code error, size_t) { OnWrite(error); });
}

void SignalingClient::Impl::OnWrite(beast::error_code error) {
  writing_ = false;
  outbox_.pop_front();
  if (error) {
    // Nothing more goes out. The pending read ends the connection (and may still find the
    // server's close frame, which says why).
    write_error_ = error;
    closing_ = true;
    outbox_.clear();
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().cancel(ignored);
    return;
  }
  WriteNext();
  StartCloseWhenIdle();
}

void SignalingClient::Impl::Close() {
  asio::post(io_, [this] {
    close_requested_ = true;
    StartCloseWhenIdle();
  });
}

void SignalingClient::Impl::StartCloseWhenIdle() {
  if (!close_requested_ || closing_ || writing_ || !outbox_.empty()) return;
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
  }
  closing_ = true;
  // The pending read receives the server's close frame and calls Finish().
  ws_.async_close(websocket::close_code::normal, [](beast::error_code) {});
}

void SignalingClient::Impl::Finish(std::string reason) {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
  }
  changed_.notify_all();
  if (callbacks_.on_closed) callbacks_.on_closed(std::move(reason));
}

void SignalingClient::Impl::Stop() {
  if (!thread_.joinable()) return;
  if (std::this_thread::get_id() == thread_.get_id()) {
    std::fputs("SignalingClient destroyed from its own callback; that would deadlock\n", stderr);
    std::abort();
  }
  bool open = false;
  {
    std::lock_guard lock(mutex_);
    open = open_result_ == "" && !abandoned_;
  }
  // Never connected (or Open() gave up): nothing to close gracefully.
  if (open) {
    asio::post(io_, [this] {
      callbacks_ = {};
      close_requested_ = true;
      StartCloseWhenIdle();
    });
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, kCloseWait, [&] { return finished_; });
  }
  work_.reset();
  io_.stop();
  thread_.join();
}

SignalingClient::SignalingClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SignalingClient::~SignalingClient() {
  impl_->Stop();
}

std::unique_ptr<SignalingClient> SignalingClient::Connect(const std::string& url,
                                                          Callbacks callbacks,
                                                          std::chrono::milliseconds timeout,
                                                          std::string* error) {
  const std::optional<WebSocketUrl> parsed = ParseWebSocketUrl(url);
  if (!parsed) {
    if (error != nullptr) *error = "not a ws:// URL: '" + url + "'";
    return nullptr;
  }
  auto impl = std::make_unique<Impl>(*parsed, std::move(callbacks));
  const std::optional<std::string> outcome = impl->Open(std::chrono::steady_clock::now() + timeout);
  if (!outcome->empty()) {
    if (error != nullptr) *error = "connecting to " + url + ": " + *outcome;
    impl->Stop();
    return nullptr;
  }
  return std::unique_ptr<SignalingClient>(new SignalingClient(std::move(impl)));
}

void SignalingClient::Send(std::string text) {
  impl_->Send(std::move(text));
}

void SignalingClient::Close() {
  impl_->Close();
}

}  // namespace parley::examples
