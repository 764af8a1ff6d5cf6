#include "signaling/websocket_session.h"

#include <chrono>
#include <utility>

namespace parley::examples {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;

WebSocketSession::WebSocketSession(beast::tcp_stream stream, std::shared_ptr<ServerState> state,
                                   std::string room_name)
    : ws_(DrainingTcpStream(std::move(stream))),
      state_(std::move(state)),
      room_name_(std::move(room_name)) {
  state_->Add(this);
  // The WebSocket layer times the handshake, the close and idleness; not the TCP stream.
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = std::chrono::seconds(10);  // Opening and closing handshakes.
  // A silent peer is pinged after 30 s and dropped after 60 s: a vanished peer frees its slot.
  timeout.idle_timeout = std::chrono::seconds(60);
  timeout.keep_alive_pings = true;
  ws_.set_option(timeout);
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(http::field::server, "parley-signal");
  }));
  ws_.read_message_max(state_->options().limits.max_frame_bytes);  // Larger: closed with 1009.
  // Leave as soon as the peer's close frame is read, before answering it: once the peer sees
  // its close completed, its slot is free and the frames sent after it wait for the next peer.
  // (Raw `this`: Beast calls this only inside an operation, which holds the session.)
  ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::close) {
      LeaveRoom("closed (" + std::to_string(ws_.reason().code) + ")");
    }
  });
  ws_.auto_fragment(false);  // One message, one frame, as it came.
}

WebSocketSession::~WebSocketSession() {
  LeaveRoom("gone");
  state_->Remove(this);
}

void WebSocketSession::Accept(http::request<http::string_body> request) {
  ws_.async_accept(request,
                   [self = shared_from_this()](beast::error_code error) { self->OnAccept(error); });
}

void WebSocketSession::OnAccept(beast::error_code error) {
  if (error) {
    state_->Log("room '" + room_name_ + "': WebSocket handshake failed: " + error.message());
    return;
  }
  accepted_ = true;
  if (state_->shutting_down()) {
    CloseWith({websocket::close_code::going_away, "server shutting down"});
    return;
  }
  room_ = state_->rooms().Join(room_name_, this);
  if (room_ == nullptr) {
    state_->Log("room '" + room_name_ + "': refused a third peer (room full)");
    CloseWith({websocket::close_code::policy_error, "room '" + room_name_ + "' is full"});
    return;
  }
  state_->Log("room '" + room_name_ + "': peer joined (" + std::to_string(room_->peer_count()) +
              "/2, " + std::to_string(room_->QueuedFramesFor(this)) + " frames waiting)");
  ReadNext();
  WriteNext();  // What was queued before this peer joined.
}

void WebSocketSession::ReadNext() {
  ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code error, size_t) {
    self->OnRead(error);
  });
}

void WebSocketSession::OnRead(beast::error_code error) {
  if (error) {
    if (error == websocket::error::closed) {
      LeaveRoom("closed (" + std::to_string(ws_.reason().code) + ")");
    } else {
      LeaveRoom(error.message());
    }
    return;
  }
  if (room_ == nullptr) return;  // Leaving (queue full, shutdown): drop what still comes.
  RelayFrame frame{beast::buffers_to_string(read_buffer_.data()), ws_.got_binary()};
  read_buffer_.consume(read_buffer_.size());
  if (room_->Relay(this, std::move(frame)) == Room::RelayResult::kQueueFull) {
    LeaveRoom("too many frames waiting for the other peer");
    CloseWith({websocket::close_code::policy_error, "too many frames waiting for the other peer"});
    return;
  }
  ReadNext();
}

void WebSocketSession::OnFramesQueued() {
  WriteNext();
}

void WebSocketSession::WriteNext() {
  // Once a close frame has gone either way nothing more can be written: leave the frames queued
  // for whoever takes this slot next.
  if (writing_ || closing_ || room_ == nullptr || !ws_.is_open()) return;
  writing_ = room_->PopFrameFor(this);
  if (!writing_) return;
  ws_.binary(writing_->binary);
  ws_.async_write(
      boost::asio::buffer(writing_->payload),
      [self = shared_from_this()](beast::error_code error, size_t) { self->OnWrite(error); });
}

void WebSocketSession::OnWrite(beast::error_code error) {
  writing_.reset();
  if (error) {
    // The read fails too and ends the session; stop taking frames meanwhile.
    LeaveRoom("write failed: " + error.message());
    return;
  }
  WriteNext();
}

void WebSocketSession::CloseWith(const websocket::close_reason& reason) {
  if (closing_) return;
  closing_ = true;
  ws_.async_close(reason, [self = shared_from_this()](beast::error_code) {});
}

void WebSocketSession::Shutdown(bool force) {
  if (force) {
    beast::get_lowest_layer(ws_).close();
    return;
  }
  if (!accepted_) return;  // OnAccept sees the shutdown; the handshake timeout bounds it.
  LeaveRoom("server shutting down");
  CloseWith({websocket::close_code::going_away, "server shutting down"});
}

void WebSocketSession::LeaveRoom(std::string_view why) {
  if (room_ == nullptr) return;
  Room* room = std::exchange(room_, nullptr);
  const size_t remaining = room->peer_count() - 1;
  state_->rooms().Leave(room, this);  // May destroy `room`.
  state_->Log("room '" + room_name_ + "': peer left: " + std::string(why) + " (" +
              std::to_string(remaining) + "/2 remain)");
}

}  // namespace parley::examples
