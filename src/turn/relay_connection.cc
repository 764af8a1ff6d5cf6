#include "turn/relay_connection.h"

#include <utility>

#include "tls/tls_client.h"

namespace parley::turn {

RelayConnection::RelayConnection(ServerConfig config, SocketAddress local_base, Random& random)
    : client_(std::move(config), random), local_base_(local_base) {}

RelayConnection::~RelayConnection() = default;

void RelayConnection::Start(Timestamp now) {
  if (client_.state() != State::kIdle) return;
  // The Allocate transaction starts now, so its 39.5 s timeout (RFC 8489 §6.2.2) also bounds
  // connection set-up and the TLS handshake.
  client_.Start(now);
  if (transport() != Transport::kUdp) {
    stream_ = StreamState::kConnecting;
    network_.push_back(StreamConnect{client_.server()});
  }
  Flush(now);
}

void RelayConnection::CreatePermission(Timestamp now, const IpAddress& peer) {
  client_.CreatePermission(now, peer);
  Flush(now);
}

Result<void> RelayConnection::SendTo(Timestamp now, const SocketAddress& peer, ByteView data) {
  Result<void> result = client_.SendTo(now, peer, data);
  Flush(now);
  return result;
}

void RelayConnection::Close(Timestamp now) {
  client_.Close(now);
  Flush(now);
}

std::optional<Event> RelayConnection::PollEvent() {
  return client_.PollEvent();
}

void RelayConnection::HandleTimeout(Timestamp now) {
  client_.HandleTimeout(now);
  Flush(now);
}

std::optional<Timestamp> RelayConnection::NextTimeout() const {
  return client_.NextTimeout();
}

bool RelayConnection::IsFromServer(const Datagram& in) const {
  if (transport() != Transport::kUdp || in.source != client_.server()) return false;
  return local_base_.port() == 0 || in.destination.port() == local_base_.port();
}

void RelayConnection::HandleDatagram(Timestamp now, const Datagram& in) {
  if (!IsFromServer(in)) return;
  client_.HandleServerMessage(now, in.payload);
  Flush(now);
}

void RelayConnection::HandleStreamConnected(Timestamp now) {
  if (stream_ != StreamState::kConnecting) return;
  stream_ = StreamState::kOpen;
  if (transport() == Transport::kTls) {
    const ServerConfig& config = client_.config();
    // RFC 8656 §3.1 / RFC 6125: verify the certificate against the configured name, else the
    // server's IP address.
    tls_ = std::make_unique<tls::TlsClient>(tls::TlsClientConfig{
        .server_name = config.tls_server_name.empty() ? client_.server().ip().ToString()
                                                      : config.tls_server_name,
        .ca_file = config.tls_ca_file,
        .ca_pem = config.tls_ca_pem,
        .use_system_ca = false,
        .insecure_skip_verify = config.tls_insecure_skip_verify,
    });
  }
  Flush(now);
}

void RelayConnection::HandleStreamData(Timestamp now, ByteView data) {
  if (stream_ != StreamState::kOpen) return;
  if (tls_) {
    tls_->HandleNetworkData(data);
    while (auto plaintext = tls_->PollApplicationData())
      framer_.Push(*plaintext);
  } else {
    framer_.Push(data);
  }
  while (auto message = framer_.Pop())
    client_.HandleServerMessage(now, *message);
  if (framer_.failed()) {
    FailTransport(now, framer_.error());
  } else if (tls_ && tls_->peer_closed()) {
    FailTransport(now, "the server closed the TLS connection");
  }
  Flush(now);
}

void RelayConnection::HandleStreamClosed(Timestamp now, std::string reason) {
  if (stream_ == StreamState::kNone || stream_ == StreamState::kClosed) return;
  stream_ = StreamState::kClosed;  // Nothing more to send or close.
  client_.HandleTransportFailure(
      now, "connection to " + client_.server().ToString() + " closed: " + reason);
  Flush(now);
}

std::optional<NetworkOutput> RelayConnection::PollNetwork() {
  if (network_.empty()) return std::nullopt;
  NetworkOutput out = std::move(network_.front());
  network_.pop_front();
  return out;
}

void RelayConnection::Flush(Timestamp now) {
  if (transport() == Transport::kUdp) {
    while (auto message = client_.PollServerMessage()) {
      network_.push_back(Datagram{local_base_, client_.server(), std::move(*message)});
    }
    return;
  }
  if (stream_ == StreamState::kOpen) {
    // Until then messages wait in the client (TLS: the TlsClient queues them during the
    // handshake).
    while (auto message = client_.PollServerMessage()) {
      Bytes framed = StreamFramer::Frame(*message);
      if (tls_) {
        if (!tls_->Write(framed).ok()) break;
      } else {
        network_.push_back(StreamSend{std::move(framed)});
      }
    }
    if (tls_) {
      FlushTls();
      if (tls_->state() == tls::TlsClient::State::kFailed) {
        FailTransport(now, "TLS with " + client_.server().ToString() + " failed: " + tls_->error());
      }
    }
  }
  if (client_.state() == State::kClosed || client_.state() == State::kFailed) CloseStream();
}

void RelayConnection::FlushTls() {
  while (auto bytes = tls_->PollNetworkData())
    network_.push_back(StreamSend{std::move(*bytes)});
}

void RelayConnection::FailTransport(Timestamp now, const std::string& reason) {
  client_.HandleTransportFailure(now, reason);
  CloseStream();
}

void RelayConnection::CloseStream() {
  if (stream_ != StreamState::kConnecting && stream_ != StreamState::kOpen) return;
  if (tls_ && (tls_->state() == tls::TlsClient::State::kConnected ||
               tls_->state() == tls::TlsClient::State::kHandshaking)) {
    tls_->Close();  // close_notify (RFC 8446 §6.1).
  }
  if (tls_) FlushTls();
  network_.push_back(StreamClose{});
  stream_ = StreamState::kClosed;
}

}  // namespace parley::turn
