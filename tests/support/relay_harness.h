// Drives a turn::RelayConnection inside the simulator, over any of its transports:
//   UDP: the connection's datagrams travel through the simulated network like any endpoint's.
//   TCP/TLS: there are no simulated TCP links, so the stream is an in-memory pipe with a fixed
//   one-way delay in simulated time. At the far end the harness does what a TURN server's stream
//   front end does: terminates TLS (TlsTestServer), splits the byte stream into messages
//   (turn::StreamFramer) and hands them to a TurnServer's transport-independent message
//   handling; the server's answers are framed (and encrypted) on the way back.
// The harness is the sim::Endpoint attached to the client host (at the local port), so the
// connection's timers run in virtual time; every event the connection reports is recorded.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/simulator.h"
#include "support/tls_test_server.h"
#include "support/turn_server.h"
#include "turn/relay_connection.h"
#include "turn/stream_framer.h"

namespace parley::testing {

struct RelayHarnessOptions {
  // One-way delay of the in-memory stream (TCP/TLS).
  TimeDelta stream_delay = TimeDelta::Millis(10);
  // TLS: the server's certificate and key (see test_pki.h).
  TlsTestServerOptions tls{};
  // TCP/TLS: answer StreamConnect with "connection refused".
  bool refuse_stream = false;
};

class RelayHarness final : public sim::Endpoint {
 public:
  // `stream_server` answers TCP/TLS streams (may be null for UDP).
  RelayHarness(sim::Simulator& sim, sim::Host& host, uint16_t local_port, turn::ServerConfig config,
               TurnServer* stream_server, RelayHarnessOptions options = {});
  ~RelayHarness() override;

  // The ICE-facing calls at sim.now(), followed by a kick of the driver.
  void Start();
  void CreatePermission(const IpAddress& peer);
  Result<void> SendTo(const SocketAddress& peer, ByteView data);
  void Close();

  turn::RelayConnection& relay() { return relay_; }
  const turn::TurnClient& client() const { return relay_.client(); }
  turn::RelayConnection::State state() const { return relay_.state(); }

  // Everything the connection reported, in order.
  const std::vector<turn::Event>& events() const { return events_; }
  template <typename T>
  std::vector<T> EventsOf() const {
    std::vector<T> out;
    for (const auto& event : events_) {
      if (const T* e = std::get_if<T>(&event)) out.push_back(*e);
    }
    return out;
  }
  std::optional<turn::Allocated> allocated() const;

  // Stream side (TCP/TLS): what reached the server as whole messages, in order.
  const std::vector<Bytes>& messages_to_server() const { return to_server_; }
  bool stream_connected() const { return connected_; }
  bool stream_closed_by_client() const { return closed_by_client_; }
  const TlsTestServer* tls_server() const { return tls_.get(); }
  // Delivers raw bytes to the client's stream as if the server had sent them.
  void InjectStreamBytes(Bytes bytes);
  // The server side drops the connection (the client sees HandleStreamClosed).
  void DropStream(const std::string& reason);

  // sim::Endpoint.
  void HandleDatagram(Timestamp now, const Datagram& in) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Datagram> PollTransmit() override;
  std::optional<Timestamp> NextTimeout() const override { return relay_.NextTimeout(); }

 private:
  void AfterInput();
  // Stream plumbing (server side of the pipe).
  void ServerConnect(const SocketAddress& remote);
  void ServerReceive(const Bytes& bytes);
  void ServerClose();
  void ServerSend(Bytes message);  // A whole message from the TurnServer to this client.
  void ClientReceive(Bytes bytes);
  void FlushTlsToClient();

  sim::Simulator& sim_;
  sim::Host& host_;
  RelayHarnessOptions options_;
  turn::RelayConnection relay_;
  TurnServer* stream_server_;
  SocketAddress stream_client_address_;  // How the TurnServer names this stream client.
  std::unique_ptr<TlsTestServer> tls_;
  turn::StreamFramer server_framer_;
  bool connected_ = false;
  bool closed_by_client_ = false;
  bool server_side_open_ = false;
  std::vector<Bytes> to_server_;
  std::vector<turn::Event> events_;
};

}  // namespace parley::testing
