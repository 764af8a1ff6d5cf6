// What every connection of parley-signal shares: its options, the rooms, the log and the set of
// open connections (so that a shutdown can close them all). Lives on the server's one thread;
// connections hold it by shared_ptr, so it outlives the last of them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "signaling/relay_room.h"

namespace parley::examples {

struct SignalServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;            // 0: any free port.
  std::filesystem::path web_root;  // Empty: no static files (every GET is 404).
  bool quiet = false;              // No join/leave/refusal lines on stderr.
  RelayLimits limits;
};

// An open HTTP or WebSocket connection.
class Connection {
 public:
  virtual ~Connection() = default;
  // The server is stopping: end the connection (WebSocket: close "going away"); `force` drops
  // the socket at once, without waiting for the peer.
  virtual void Shutdown(bool force) = 0;
};

class ServerState {
 public:
  explicit ServerState(SignalServerOptions options)
      : options_(std::move(options)), rooms_(options_.limits) {}

  const SignalServerOptions& options() const { return options_; }
  RoomRegistry& rooms() { return rooms_; }

  // One line on stderr, "parley-signal: <line>", unless quiet.
  void Log(std::string_view line) const;

  void Add(Connection* connection) { connections_.insert(connection); }
  // Forgets `connection`; the last one to go during a shutdown calls the drained callback.
  void Remove(Connection* connection);

  bool shutting_down() const { return shutting_down_; }
  // Shuts every connection down (see Connection::Shutdown); `on_drained` runs once none is left
  // (at once if there is none).
  void ShutdownAll(bool force, std::function<void()> on_drained);

 private:
  SignalServerOptions options_;
  RoomRegistry rooms_;
  std::unordered_set<Connection*> connections_;
  bool shutting_down_ = false;
  std::function<void()> on_drained_;
};

}  // namespace parley::examples
