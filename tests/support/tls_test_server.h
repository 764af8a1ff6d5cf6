// An in-process TLS server for tests: OpenSSL with memory BIOs, the mirror image of
// tls::TlsClient. It takes a certificate and key as PEM (see test_pki.h) and never touches a
// socket or a clock, so tests pipe bytes between it and a client by hand or through simulated
// time.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/byte_io.h"

namespace parley::testing {

struct TlsTestServerOptions {
  std::string certificate_pem{};
  std::string private_key_pem{};
  // Cap the protocol at TLS 1.2 (default: up to TLS 1.3).
  bool tls12_only = false;
};

class TlsTestServer {
 public:
  explicit TlsTestServer(const TlsTestServerOptions& options);
  ~TlsTestServer();
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  void HandleNetworkData(ByteView data);
  std::optional<Bytes> PollNetworkData();
  // Encrypts (after the handshake) or queues (before it).
  void Write(ByteView plaintext);
  std::optional<Bytes> PollApplicationData();
  // Sends close_notify.
  void Close();

  bool handshake_done() const;
  bool failed() const;
  const std::string& error() const;
  bool peer_closed() const;
  // The SNI the client sent ("" if none).
  const std::string& server_name() const;
  std::string protocol_version() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::testing
