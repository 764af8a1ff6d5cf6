// One WebSocket peer of parley-signal: accepts the upgrade, joins its room (or is refused with
// close code 1008 when the room has two peers), relays every message it reads to the other slot
// of the room and writes the messages queued for it, one at a time and in order.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <memory>
#include <optional>
#include <string>

#include "signaling/draining_tcp_stream.h"
#include "signaling/relay_room.h"
#include "signaling/server_state.h"

namespace parley::examples {

class WebSocketSession : public std::enable_shared_from_this<WebSocketSession>,
                         public RelayPeer,
                         public Connection {
 public:
  WebSocketSession(boost::beast::tcp_stream stream, std::shared_ptr<ServerState> state,
                   std::string room_name);
  ~WebSocketSession() override;

  // Completes the opening handshake of `request` (an upgrade to /ws/<room_name>), then joins.
  void Accept(boost::beast::http::request<boost::beast::http::string_body> request);

  void OnFramesQueued() override;
  void Shutdown(bool force) override;

 private:
  void OnAccept(boost::beast::error_code error);
  void ReadNext();
  void OnRead(boost::beast::error_code error);
  void WriteNext();
  void OnWrite(boost::beast::error_code error);
  // Sends a close frame with `reason` (once); the pending read, or the close itself, then ends.
  void CloseWith(const boost::beast::websocket::close_reason& reason);
  void LeaveRoom(std::string_view why);

  boost::beast::websocket::stream<DrainingTcpStream> ws_;
  std::shared_ptr<ServerState> state_;
  std::string room_name_;
  Room* room_ = nullptr;  // While joined.
  boost::beast::flat_buffer read_buffer_;
  std::optional<RelayFrame> writing_;  // The frame being written.
  bool accepted_ = false;              // The opening handshake completed.
  bool closing_ = false;
};

}  // namespace parley::examples
