// A TURN server (RFC 8656) for the simulator, faithful enough to test TURN clients and ICE
// against: long-term credentials with realm and expiring nonces (401, 438), allocations on
// relayed ports of its own address with lifetimes and expiry, Refresh (LIFETIME 0 deletes),
// CreatePermission with 300 s permissions that filter peer traffic, ChannelBind and ChannelData
// both ways, Send/Data indications, Binding requests, and the 400/437/441/442/443/508 errors.
//
// Message handling is transport-independent: clients over UDP reach it as a sim::Endpoint
// (attach it to its host without a port: it needs the listening port and every relayed port);
// clients over TCP/TLS are fed whole messages with HandleStreamMessage() and answered through
// the stream sink (see RelayHarness for the framing and TLS around it). Relayed traffic to and
// from peers is always UDP through the simulator.
//
// Test server only: no quotas, no IPv6 relaying, no EVEN-PORT/RESERVATION-TOKEN, no
// PASSWORD-ALGORITHMS (MD5 keys only).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "base/random.h"
#include "sim/endpoint.h"
#include "stun/integrity.h"
#include "stun/message.h"

namespace parley::testing {

struct TurnServerConfig {
  uint16_t listen_port = 3478;
  std::string realm = "parley.test";
  // username → password.
  std::map<std::string, std::string> users;
  // How long a nonce stays valid before requests using it get 438 (RFC 8489 §9.2).
  TimeDelta nonce_lifetime = TimeDelta::Seconds(3600);
  // RFC 8656 §7.2: the lifetime granted without LIFETIME (also the floor for Allocate), and the
  // cap.
  TimeDelta default_lifetime = TimeDelta::Seconds(600);
  TimeDelta max_lifetime = TimeDelta::Seconds(3600);
  // Relayed ports are handed out in order from this range (RFC 8656 §7.2 suggests 49152-65535).
  uint16_t relay_port_min = 49152;
  uint16_t relay_port_max = 65535;
  // When set, every Allocate is answered 300 (Try Alternate) with this ALTERNATE-SERVER.
  std::optional<SocketAddress> alternate_server;
};

struct TurnServerStats {
  uint64_t unauthenticated = 0;  // 401 sent.
  uint64_t stale_nonces = 0;     // 438 sent.
  uint64_t errors = 0;           // Other error responses sent.
  uint64_t allocations_created = 0;
  uint64_t allocations_deleted = 0;  // Refresh with LIFETIME 0, or the TCP connection closed.
  uint64_t allocations_expired = 0;
  uint64_t refreshes = 0;              // Successful Refresh with a non-zero lifetime.
  uint64_t permissions_installed = 0;  // CreatePermission successes (new or refreshed).
  uint64_t channel_binds = 0;          // ChannelBind successes (new or refreshed).
  uint64_t send_indications = 0;       // Relayed to a peer.
  uint64_t channel_data_from_client = 0;
  uint64_t data_indications_to_client = 0;
  uint64_t channel_data_to_client = 0;
  uint64_t peer_data_filtered = 0;   // From a peer without a permission (§9).
  uint64_t client_data_dropped = 0;  // Send/ChannelData without allocation, permission or channel.
  uint64_t dropped_malformed = 0;
  uint64_t binding_requests = 0;
};

class TurnServer final : public sim::Endpoint {
 public:
  // Messages for a stream client: whole, unframed STUN or ChannelData messages.
  using StreamSink = std::function<void(Bytes message)>;

  // `ip` is the server's (host's) address: it listens on ip:listen_port and relays from ip.
  TurnServer(IpAddress ip, TurnServerConfig config, Random& random);

  // sim::Endpoint (UDP clients and peers).
  void HandleDatagram(Timestamp now, const Datagram& in) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Datagram> PollTransmit() override;
  std::optional<Timestamp> NextTimeout() const override;

  // Stream clients (TCP/TLS): `client` names the connection (its remote address); messages for
  // it go to `sink`.
  void HandleStreamConnected(const SocketAddress& client, StreamSink sink);
  void HandleStreamMessage(Timestamp now, const SocketAddress& client, ByteView message);
  // The connection closed: its allocation goes with it (an allocation belongs to a 5-tuple).
  void HandleStreamClosed(const SocketAddress& client);

  // Inspection and control.
  SocketAddress listen_address() const { return SocketAddress(ip_, config_.listen_port); }
  const TurnServerConfig& config() const { return config_; }
  TurnServerConfig& mutable_config() { return config_; }
  const TurnServerStats& stats() const { return stats_; }
  size_t allocation_count() const { return allocations_.size(); }
  bool HasAllocation(const SocketAddress& relayed) const;
  std::optional<Timestamp> AllocationExpiry(const SocketAddress& relayed) const;
  bool HasPermission(const SocketAddress& relayed, const IpAddress& peer) const;
  std::optional<uint16_t> ChannelFor(const SocketAddress& relayed, const SocketAddress& peer) const;
  // Every nonce handed out so far becomes stale: the next request using one gets 438.
  void ExpireNonces() { nonces_.clear(); }

 private:
  // A client's 5-tuple as far as the server cares: the transport and the client's address.
  struct ClientKey {
    bool stream = false;
    SocketAddress address;
    auto operator<=>(const ClientKey&) const = default;
  };
  struct Channel {
    SocketAddress peer;
    Timestamp expires;
  };
  struct Allocation {
    ClientKey owner;
    SocketAddress relayed;
    std::string username;
    stun::IntegrityKey key;
    Timestamp expires;
    std::map<IpAddress, Timestamp> permissions;  // Peer IP → expiry.
    std::map<uint16_t, Channel> channels;
    stun::TransactionId allocate_id{};  // To answer a retransmitted Allocate again (§7.2).
    Bytes allocate_response;
  };
  struct Auth {
    std::string username;
    stun::IntegrityKey key;
  };

  void HandleClientMessage(Timestamp now, const ClientKey& client, ByteView message);
  void HandleClientChannelData(Timestamp now, const ClientKey& client, ByteView message);
  void HandleSendIndication(Timestamp now, const ClientKey& client, const stun::Message& message);
  void HandleRequest(Timestamp now, const ClientKey& client, const stun::Message& request);
  void HandleAllocate(Timestamp now, const ClientKey& client, const stun::Message& request,
                      const Auth& auth);
  void HandleRefresh(Timestamp now, const ClientKey& client, const stun::Message& request,
                     const Auth& auth);
  void HandleCreatePermission(Timestamp now, Allocation& allocation, const stun::Message& request,
                              const Auth& auth);
  void HandleChannelBind(Timestamp now, Allocation& allocation, const stun::Message& request,
                         const Auth& auth);
  void HandlePeerData(Timestamp now, Allocation& allocation, const Datagram& in);

  // RFC 8489 §9.2.4; sends the 400/401/438 itself and returns nullopt on failure.
  std::optional<Auth> Authenticate(Timestamp now, const ClientKey& client,
                                   const stun::Message& request);
  std::string NewNonce(Timestamp now);
  TimeDelta DesiredLifetime(const stun::Message& request, bool allocate) const;
  Allocation* FindLiveAllocation(Timestamp now, const ClientKey& client);
  static bool PermissionLive(const Allocation& allocation, const IpAddress& peer, Timestamp now);
  void DeleteAllocation(const ClientKey& client);
  std::optional<uint16_t> NextRelayPort();

  void Reply(const ClientKey& client, const stun::Message& response, const Auth* auth);
  void SendError(const ClientKey& client, const stun::Message& request, uint16_t code,
                 const Auth* auth);
  void SendToClient(const ClientKey& client, Bytes message);

  IpAddress ip_;
  TurnServerConfig config_;
  Random& random_;
  std::map<ClientKey, Allocation> allocations_;
  std::map<uint16_t, ClientKey> by_relay_port_;
  std::map<std::string, Timestamp> nonces_;  // Nonce → when it goes stale.
  uint32_t next_relay_port_ = 0;
  std::deque<Datagram> transmit_;
  std::map<SocketAddress, StreamSink> stream_clients_;
  TurnServerStats stats_;
};

}  // namespace parley::testing
