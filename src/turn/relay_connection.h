// A TURN client together with its transport to the server (RFC 8656 §3.1): what the ICE agent
// owns, one per TURN server per local socket. Sans-IO like everything below the runtime: the
// network side is a queue of outputs (datagrams, or stream connect/send/close requests that the
// runtime carries out) and the matching Handle* inputs.
//
//   UDP: every message is a Datagram{local_base → server}.
//   TCP: StreamConnect{server}; once HandleStreamConnected, messages as StreamSend, framed per
//        RFC 8656 §12.5 (ChannelData padded to 4 bytes); incoming bytes split by StreamFramer.
//   TLS: as TCP, with a TlsClient between the framing and the stream (handshake first).
//
// The stream is closed (StreamClose) once the client is closed or failed. A broken stream, a TLS
// failure or a framing error ends the allocation: AllocationFailed or AllocationLost.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "base/datagram.h"
#include "base/random.h"
#include "parley/result.h"
#include "turn/stream_framer.h"
#include "turn/turn_client.h"

namespace parley::tls {
class TlsClient;
}  // namespace parley::tls

namespace parley::turn {

// Open a TCP connection to `remote` (the runtime does it, then calls HandleStreamConnected or
// HandleStreamClosed).
struct StreamConnect {
  SocketAddress remote;
};
// Bytes to write to the stream, in order.
struct StreamSend {
  Bytes data;
};
// Close the stream (after writing everything sent before).
struct StreamClose {};
using NetworkOutput = std::variant<Datagram, StreamConnect, StreamSend, StreamClose>;

class RelayConnection {
 public:
  using State = TurnClient::State;

  // `local_base` is the UDP socket address to send from (ignored for TCP/TLS).
  RelayConnection(ServerConfig config, SocketAddress local_base, Random& random);
  ~RelayConnection();
  RelayConnection(const RelayConnection&) = delete;
  RelayConnection& operator=(const RelayConnection&) = delete;

  // The ICE-facing side: as TurnClient.
  void Start(Timestamp now);
  void CreatePermission(Timestamp now, const IpAddress& peer);
  Result<void> SendTo(Timestamp now, const SocketAddress& peer, ByteView data);
  void Close(Timestamp now);
  std::optional<Event> PollEvent();
  void HandleTimeout(Timestamp now);
  std::optional<Timestamp> NextTimeout() const;
  State state() const { return client_.state(); }

  // The network side.
  // UDP: a datagram from the server (check IsFromServer first when sharing a socket).
  void HandleDatagram(Timestamp now, const Datagram& in);
  // TCP/TLS: the connection asked for by StreamConnect is up.
  void HandleStreamConnected(Timestamp now);
  // TCP/TLS: bytes from the server, split anywhere.
  void HandleStreamData(Timestamp now, ByteView data);
  // TCP/TLS: the connection failed or was closed by the other side.
  void HandleStreamClosed(Timestamp now, std::string reason);
  std::optional<NetworkOutput> PollNetwork();
  // UDP: whether `in` comes from this connection's server to its local base.
  bool IsFromServer(const Datagram& in) const;

  const TurnClient& client() const { return client_; }
  const SocketAddress& local_base() const { return local_base_; }
  Transport transport() const { return client_.config().transport; }

 private:
  enum class StreamState : uint8_t { kNone, kConnecting, kOpen, kClosed };

  // Moves the client's messages to the network and closes the stream once the client is done.
  void Flush(Timestamp now);
  void FlushTls();
  void FailTransport(Timestamp now, const std::string& reason);
  void CloseStream();

  TurnClient client_;
  SocketAddress local_base_;
  StreamState stream_ = StreamState::kNone;
  std::unique_ptr<tls::TlsClient> tls_;
  StreamFramer framer_;
  std::deque<NetworkOutput> network_;
};

}  // namespace parley::turn
