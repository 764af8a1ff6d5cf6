// Tier-2 harness: one TurnClient and TurnServer(s) exchanging messages directly, with a fake
// clock, so tests can intercept, drop, forge or reorder single messages.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "base/random.h"
#include "sim/addresses.h"
#include "support/turn_server.h"
#include "turn/turn_client.h"

namespace parley::turn {

inline constexpr char kUser[] = "alice";
inline constexpr char kPassword[] = "correct horse";

inline testing::TurnServerConfig ServerConfigWithUser() {
  testing::TurnServerConfig config;
  config.users[kUser] = kPassword;
  return config;
}

inline ServerConfig ClientConfig(SocketAddress server, Transport transport = Transport::kUdp) {
  ServerConfig config;
  config.server = server;
  config.transport = transport;
  config.username = kUser;
  config.password = kPassword;
  return config;
}

class SteppedLoop {
 public:
  explicit SteppedLoop(testing::TurnServerConfig server_config = ServerConfigWithUser(),
                       ServerConfig client_config = {})
      : random_(11) {
    AddServer(sim::Ip("203.0.113.1"), std::move(server_config));
    if (client_config.username.empty()) client_config = ClientConfig(server_address());
    client_ = std::make_unique<TurnClient>(std::move(client_config), random_);
  }

  testing::TurnServer& AddServer(IpAddress ip, testing::TurnServerConfig config) {
    auto server = std::make_unique<testing::TurnServer>(ip, std::move(config), random_);
    testing::TurnServer& ref = *server;
    servers_[ref.listen_address()] = std::move(server);
    return ref;
  }
  // Replaces the first server with a fresh one (a server restart: allocations and nonces gone).
  void RestartServer() {
    const SocketAddress address = server_address();
    testing::TurnServerConfig config = servers_.at(address)->config();
    servers_[address] = std::make_unique<testing::TurnServer>(address.ip(), config, random_);
  }

  TurnClient& client() { return *client_; }
  testing::TurnServer& server() { return *servers_.at(server_address()); }
  testing::TurnServer& server(const SocketAddress& address) { return *servers_.at(address); }
  SocketAddress server_address() const { return sim::Addr("203.0.113.1:3478"); }
  SocketAddress client_address() const { return sim::Addr("192.0.2.10:5000"); }
  Timestamp now() const { return now_; }
  std::vector<Event>& events() { return events_; }
  // Datagrams the servers relayed to peers.
  std::vector<Datagram>& to_peers() { return to_peers_; }

  // Messages the client has queued, taken without delivering them.
  std::vector<Bytes> TakeClientMessages() {
    std::vector<Bytes> out;
    while (auto message = client_->PollServerMessage())
      out.push_back(std::move(*message));
    DrainEvents();
    return out;
  }
  void DeliverToServer(const Bytes& message) {
    servers_.at(client_->server())
        ->HandleDatagram(now_, Datagram{client_address(), client_->server(), message});
  }
  void DeliverToClient(const Bytes& message) {
    client_->HandleServerMessage(now_, message);
    DrainEvents();
  }
  // A peer sends `payload` to a relayed address.
  void PeerSends(const SocketAddress& peer, const SocketAddress& relayed, Bytes payload) {
    for (auto& [address, server] : servers_) {
      if (address.ip() == relayed.ip())
        server->HandleDatagram(now_, Datagram{peer, relayed, payload});
    }
  }

  // Delivers everything queued, both ways, until nothing moves.
  void Pump() {
    for (bool moved = true; moved;) {
      moved = false;
      for (Bytes& message : TakeClientMessages()) {
        moved = true;
        DeliverToServer(message);
      }
      for (auto& [address, server] : servers_) {
        while (auto datagram = server->PollTransmit()) {
          moved = true;
          if (datagram->destination == client_address()) {
            DeliverToClient(datagram->payload);
          } else {
            to_peers_.push_back(std::move(*datagram));
          }
        }
      }
    }
    DrainEvents();
  }

  // Moves the clock to `deadline`, firing the client's and servers' timers in order and pumping
  // messages after each.
  void AdvanceTo(Timestamp deadline) {
    for (;;) {
      std::optional<Timestamp> next = client_->NextTimeout();
      for (auto& [address, server] : servers_) {
        auto t = server->NextTimeout();
        if (t && (!next || *t < *next)) next = t;
      }
      if (!next || *next > deadline) break;
      now_ = std::max(now_, *next);
      client_->HandleTimeout(now_);
      for (auto& [address, server] : servers_)
        server->HandleTimeout(now_);
      Pump();
    }
    now_ = deadline;
  }
  void Advance(TimeDelta delta) { AdvanceTo(now_ + delta); }

  // Starts the client and runs the exchange to an Allocated event.
  void Allocate() {
    client_->Start(now_);
    Pump();
    ASSERT_EQ(client_->state(), TurnClient::State::kAllocated);
  }

  template <typename T>
  std::vector<T> EventsOf() const {
    std::vector<T> out;
    for (const auto& event : events_) {
      if (const T* e = std::get_if<T>(&event)) out.push_back(*e);
    }
    return out;
  }

 private:
  void DrainEvents() {
    while (auto event = client_->PollEvent())
      events_.push_back(std::move(*event));
  }

  SeededRandom random_;
  Timestamp now_ = Timestamp::Seconds(1000);
  std::map<SocketAddress, std::unique_ptr<testing::TurnServer>> servers_;
  std::unique_ptr<TurnClient> client_;
  std::vector<Event> events_;
  std::vector<Datagram> to_peers_;
};

}  // namespace parley::turn
