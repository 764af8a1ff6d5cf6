// The vocabulary of the TURN client (RFC 8656): how to reach a server, and the events an
// allocation reports to its owner (the ICE agent).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "base/byte_io.h"
#include "base/socket_address.h"
#include "base/time.h"

namespace parley::turn {

// RFC 8656 §3.1: the client-to-server transport. The relayed transport is always UDP.
enum class Transport : uint8_t { kUdp, kTcp, kTls };
std::string_view ToString(Transport transport);

struct ServerConfig {
  SocketAddress server{};
  Transport transport = Transport::kUdp;
  // Long-term credentials (RFC 8489 §9.2), already in their OpaqueString-processed form.
  std::string username{};
  std::string password{};
  // TLS only: the name to verify the server's certificate against (and send as SNI); empty means
  // the server's IP address.
  std::string tls_server_name{};
  // TLS only: trusted CAs as a PEM file and/or PEM text; both empty means the system's store.
  std::string tls_ca_file{};
  std::string tls_ca_pem{};
  // TLS only: accept any certificate (tests only).
  bool tls_insecure_skip_verify = false;
  // RFC 8656 §7.1: the LIFETIME asked for in Allocate; the server may grant less or more.
  TimeDelta requested_lifetime = TimeDelta::Seconds(600);
};

// The allocation exists: `relayed` is the relayed transport address (a relay candidate),
// `mapped` the client's address as the server saw it (a server-reflexive candidate).
struct Allocated {
  SocketAddress relayed;
  SocketAddress mapped;
  TimeDelta lifetime;
};
// Allocate failed; error_code is the STUN error code, or 0 for a timeout or transport failure.
struct AllocationFailed {
  int error_code = 0;
  std::string reason;
};
// Application data relayed from `peer` (a Data indication or ChannelData message).
struct PeerData {
  SocketAddress peer;
  Bytes data;
};
// CreatePermission (or its refresh) for `peer` failed; error_code 0 for a timeout.
struct PermissionFailed {
  IpAddress peer;
  int error_code = 0;
  std::string reason;
};
// An established allocation is gone: a refresh failed, it expired, or the transport broke.
struct AllocationLost {
  std::string reason;
};
using Event = std::variant<Allocated, AllocationFailed, PeerData, PermissionFailed, AllocationLost>;

}  // namespace parley::turn
