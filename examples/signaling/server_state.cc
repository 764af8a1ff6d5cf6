#include "signaling/server_state.h"

#include <iostream>
#include <utility>
#include <vector>

namespace parley::examples {

void ServerState::Log(std::string_view line) const {
  if (!options_.quiet) std::cerr << "parley-signal: " << line << std::endl;
}

void ServerState::Remove(Connection* connection) {
  connections_.erase(connection);
  if (shutting_down_ && connections_.empty() && on_drained_) {
    std::exchange(on_drained_, nullptr)();
  }
}

void ServerState::ShutdownAll(bool force, std::function<void()> on_drained) {
  shutting_down_ = true;
  if (on_drained) on_drained_ = std::move(on_drained);
  // Shutdown() may end a connection (and remove it) at once: iterate over a copy.
  const std::vector<Connection*> open(connections_.begin(), connections_.end());
  for (Connection* connection : open) {
    if (connections_.contains(connection)) connection->Shutdown(force);
  }
  if (connections_.empty() && on_drained_) std::exchange(on_drained_, nullptr)();
}

}  // namespace parley::examples
