// A sans-IO TLS 1.2/1.3 client (RFC 8446, RFC 5246) on OpenSSL with memory BIOs, for TURN over
// TLS (RFC 8656 §3.1) and anything else that needs TLS over a stream the caller owns. Bytes from
// the network go in through HandleNetworkData(); bytes for the network come out of
// PollNetworkData(); plaintext goes in through Write() and comes out of PollApplicationData().
// The client never touches a socket or a clock and needs no timer (TLS runs over a reliable
// stream, which handles loss). OpenSSL stays behind a pimpl: no OpenSSL type appears here.
//
//   TlsClient tls({.server_name = "turn.example.com", .use_system_ca = true});
//   while (auto bytes = tls.PollNetworkData()) stream.Send(*bytes);   // the ClientHello
//   ... on stream data: tls.HandleNetworkData(data); drain both Poll* functions.
//
// Not thread-safe; one thread drives it (OpenSSL's error queue is per thread).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/byte_io.h"
#include "parley/result.h"

namespace parley::tls {

struct TlsClientConfig {
  // The server's name. A DNS name is sent as SNI (RFC 6066 §3; IP literals never are) and must
  // match the certificate's subjectAltName (RFC 6125); an IPv4/IPv6 literal must match an
  // iPAddress subjectAltName (RFC 5280 §4.2.1.6). Required unless insecure_skip_verify.
  std::string server_name{};
  // Trusted CA certificates: a PEM file and/or PEM text. When neither is given the system's
  // default CA store is used.
  std::string ca_file{};
  std::string ca_pem{};
  // Also trust the system's default CA store (OpenSSL's default paths) next to the above.
  bool use_system_ca = false;
  // Accept any certificate and name. For tests only: it makes the connection unauthenticated.
  bool insecure_skip_verify = false;
};

class TlsClient {
 public:
  enum class State : uint8_t {
    kHandshaking,  // ClientHello sent; Write() queues plaintext until the handshake ends.
    kConnected,    // Handshake done and the server's certificate verified.
    kFailed,       // Handshake or record error, or bad configuration; see error().
    kClosed,       // Close() called, or the server sent close_notify.
  };

  // Queues the ClientHello at once. A bad configuration (unreadable CA file, invalid PEM, no
  // server_name while verifying) puts the client straight into kFailed.
  explicit TlsClient(TlsClientConfig config);
  ~TlsClient();
  TlsClient(TlsClient&&) noexcept;
  TlsClient& operator=(TlsClient&&) noexcept;
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // Bytes received from the server, split anywhere. Ignored once failed or closed.
  void HandleNetworkData(ByteView data);
  // Encrypts `plaintext` (queued while handshaking). InvalidStateError once failed or closed.
  Result<void> Write(ByteView plaintext);
  // TLS records to send to the server, in order.
  std::optional<Bytes> PollNetworkData();
  // Decrypted data from the server, in order.
  std::optional<Bytes> PollApplicationData();
  // Sends close_notify (RFC 8446 §6.1) and enters kClosed. Queued plaintext not yet sent because
  // the handshake never finished is discarded.
  void Close();

  State state() const;
  // What went wrong, e.g. "certificate verification failed: unable to get local issuer
  // certificate"; "" while nothing has.
  const std::string& error() const;
  // True once the server sent close_notify.
  bool peer_closed() const;
  // The negotiated protocol, e.g. "TLSv1.3"; "" before the handshake ends.
  std::string protocol_version() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string_view ToString(TlsClient::State state);

}  // namespace parley::tls
