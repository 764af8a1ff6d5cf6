// Coturn: a real TURN server (Debian's coturn, /usr/bin/turnserver) for the interop tests, on
// 127.0.0.1 only, with free ports, long-term credentials user:pass in realm "test", and TURN over
// TLS with a self-signed certificate the fixture generates (openssl CLI) for the name
// kServerName and the IP 127.0.0.1. Started per test and stopped by PID.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "base/socket_address.h"
#include "interop/subprocess.h"
#include "parley/result.h"
#include "turn/turn_types.h"

namespace parley::test {

class Coturn {
 public:
  static constexpr const char* kBinary = "/usr/bin/turnserver";
  static constexpr const char* kOpenssl = "/usr/bin/openssl";
  static constexpr const char* kServerName = "turn.parley.test";
  static constexpr const char* kUser = "user";
  static constexpr const char* kPassword = "pass";
  static constexpr const char* kRealm = "test";

  // Generates the certificate, starts turnserver and waits (bounded, no sleeping: the log
  // directory is watched with inotify, the process with a pidfd) until its UDP, TCP and TLS
  // listeners are up. The error says what is missing (e.g. "coturn is not installed").
  static Result<std::unique_ptr<Coturn>> Start();
  // Stops turnserver by PID (SIGTERM, then SIGKILL) and removes its files.
  ~Coturn();

  // UDP and TCP listener.
  SocketAddress address() const { return SocketAddress(IpAddress::V4(127, 0, 0, 1), port_); }
  SocketAddress tls_address() const {
    return SocketAddress(IpAddress::V4(127, 0, 0, 1), tls_port_);
  }
  const std::string& certificate_file() const { return cert_file_; }
  std::string log() const;
  // Waits (bounded; inotify, no sleeping) until the log holds `needle` at least `count` times:
  // coturn logs from its own threads, a little after the fact.
  bool WaitForLog(const std::string& needle, size_t count,
                  std::chrono::milliseconds bound = std::chrono::seconds(10)) const;
  pid_t pid() const { return process_->pid(); }

  // A client configuration for `transport` with the right credentials; TLS verifies the
  // certificate (as its own CA) against kServerName.
  turn::ServerConfig Server(turn::Transport transport) const;

 private:
  Coturn() = default;
  Result<void> Launch();

  std::unique_ptr<TempDir> dir_;
  std::string cert_file_;
  std::string key_file_;
  std::string log_file_;
  uint16_t port_ = 0;
  uint16_t tls_port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

// How often `needle` occurs in `text`.
size_t CountOccurrences(const std::string& text, const std::string& needle);

}  // namespace parley::test
