// One HTTP connection to parley-signal: answers GET and HEAD with files from the web root
// (keep-alive), and hands upgrades to /ws/<room> over to a WebSocketSession.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "signaling/server_state.h"

namespace parley::examples {

class HttpSession : public std::enable_shared_from_this<HttpSession>, public Connection {
 public:
  HttpSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state);
  ~HttpSession() override;

  void Start();
  void Shutdown(bool force) override;

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  void ReadNext();
  void OnRead(boost::beast::error_code error);
  void Upgrade(Request request);
  void ServeFile(const Request& request);
  void Respond(boost::beast::http::status status, const Request& request, std::string text);
  template <typename Response>
  void Write(Response response);
  void OnWrite(boost::beast::error_code error, bool close);

  boost::beast::tcp_stream stream_;
  std::shared_ptr<ServerState> state_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
};

}  // namespace parley::examples
