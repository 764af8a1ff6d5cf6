#include "signaling/http_session.h"

#include <boost/beast/websocket.hpp>
#include <chrono>
#include <utility>

#include "signaling/room_path.h"
#include "signaling/static_files.h"
#include "signaling/websocket_session.h"

namespace parley::examples {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr auto kHttpTimeout = std::chrono::seconds(30);  // Per request read or response write.
constexpr size_t kMaxHeaderBytes = 16 * 1024;
constexpr size_t kMaxBodyBytes = 64 * 1024;  // GET and HEAD have none worth reading.
constexpr const char* kServerName = "parley-signal";

std::string_view TargetOf(const http::request<http::string_body>& request) {
  const beast::string_view target = request.target();
  return {target.data(), target.size()};
}

}  // namespace

HttpSession::HttpSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state)
    : stream_(std::move(socket)), state_(std::move(state)) {
  state_->Add(this);
}

HttpSession::~HttpSession() {
  state_->Remove(this);
}

void HttpSession::Start() {
  ReadNext();
}

void HttpSession::Shutdown(bool) {
  // Between requests or in the middle of one: either way the connection ends here.
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

void HttpSession::ReadNext() {
  parser_.emplace();
  parser_->header_limit(kMaxHeaderBytes);
  parser_->body_limit(kMaxBodyBytes);
  stream_.expires_after(kHttpTimeout);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code error, size_t) { self->OnRead(error); });
}

void HttpSession::OnRead(beast::error_code error) {
  if (error == http::error::end_of_stream) {
    beast::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
    return;
  }
  if (error) return;  // Timeout, reset or a malformed request: just drop the connection.
  Request request = parser_->release();
  if (beast::websocket::is_upgrade(request)) {
    Upgrade(std::move(request));
    return;
  }
  ServeFile(request);
}

void HttpSession::Upgrade(Request request) {
  const std::optional<std::string> room = RoomNameFromTarget(TargetOf(request));
  if (!room) {
    Respond(http::status::not_found, request,
            "WebSocket endpoint is /ws/<room>, room: 1-64 of A-Z a-z 0-9 - . _ ~\n");
    return;
  }
  if (state_->shutting_down()) {
    Respond(http::status::service_unavailable, request, "server shutting down\n");
    return;
  }
  // The WebSocket session takes the socket over; this session ends when its handler returns.
  std::make_shared<WebSocketSession>(std::move(stream_), state_, *room)->Accept(std::move(request));
}

void HttpSession::ServeFile(const Request& request) {
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    Respond(http::status::method_not_allowed, request, "only GET and HEAD\n");
    return;
  }
  const StaticFileLookup lookup = LookUpStaticFile(state_->options().web_root, TargetOf(request));
  switch (lookup.status) {
    case StaticFileLookup::Status::kBadRequest:
      Respond(http::status::bad_request, request, "bad request target\n");
      return;
    case StaticFileLookup::Status::kForbidden:
      state_->Log("refused request for " + std::string(TargetOf(request)));
      Respond(http::status::forbidden, request, "forbidden\n");
      return;
    case StaticFileLookup::Status::kNotFound:
      Respond(http::status::not_found, request, "not found\n");
      return;
    case StaticFileLookup::Status::kFound:
      break;
  }

  http::file_body::value_type body;
  beast::error_code error;
  body.open(lookup.path.c_str(), beast::file_mode::scan, error);
  if (error) {
    Respond(http::status::not_found, request, "not found\n");
    return;
  }
  const uint64_t size = body.size();
  const std::string content_type(ContentTypeFor(lookup.path));
  auto set_headers = [&](auto& response) {
    response.set(http::field::server, kServerName);
    response.set(http::field::content_type, content_type);
    response.set(http::field::cache_control, "no-store");  // A development server: no stale JS.
    response.set("X-Content-Type-Options", "nosniff");
    response.content_length(size);
    response.keep_alive(request.keep_alive());
  };
  if (request.method() == http::verb::head) {
    http::response<http::empty_body> response{http::status::ok, request.version()};
    set_headers(response);
    Write(std::move(response));
    return;
  }
  http::response<http::file_body> response{std::piecewise_construct,
                                           std::make_tuple(std::move(body)),
                                           std::make_tuple(http::status::ok, request.version())};
  set_headers(response);
  Write(std::move(response));
}

void HttpSession::Respond(http::status status, const Request& request, std::string text) {
  const bool head = request.method() == http::verb::head;
  http::response<http::string_body> response{status, request.version()};
  response.set(http::field::server, kServerName);
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  if (status == http::status::method_not_allowed) response.set(http::field::allow, "GET, HEAD");
  response.keep_alive(request.keep_alive());
  response.content_length(text.size());
  if (!head) response.body() = std::move(text);  // HEAD: the headers of the GET, no body.
  Write(std::move(response));
}

template <typename Response>
void HttpSession::Write(Response response) {
  auto owned = std::make_shared<Response>(std::move(response));
  stream_.expires_after(kHttpTimeout);
  http::async_write(stream_, *owned,
                    [self = shared_from_this(), owned](beast::error_code error, size_t) {
                      self->OnWrite(error, owned->need_eof());
                    });
}

void HttpSession::OnWrite(beast::error_code error, bool close) {
  if (error) return;
  if (close) {
    beast::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
    return;
  }
  ReadNext();
}

}  // namespace parley::examples
