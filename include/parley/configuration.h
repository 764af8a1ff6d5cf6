// RTCConfiguration (webrtc-pc §4.2.1) and Parley's extensions to it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/certificate.h"

namespace parley {

// RTCIceServer: "stun:host:port", "turn:host:port?transport=udp|tcp", "turns:host:port".
struct IceServer {
  std::vector<std::string> urls;
  std::string username;
  std::string credential;
};

enum class IceTransportPolicy { kAll, kRelay };
enum class BundlePolicy { kBalanced, kMaxCompat, kMaxBundle };
std::string_view ToString(IceTransportPolicy policy);
std::string_view ToString(BundlePolicy policy);

struct Configuration {
  std::vector<IceServer> ice_servers;
  IceTransportPolicy ice_transport_policy = IceTransportPolicy::kAll;
  // Parley always bundles every m-section on one transport (as browsers do with any policy
  // when the peer accepts BUNDLE); the policy is echoed in the configuration and stats.
  BundlePolicy bundle_policy = BundlePolicy::kBalanced;
  // At most one; empty: an ECDSA P-256 certificate is generated for this connection.
  std::vector<Certificate> certificates;

  // Parley extensions.
  // Local IP addresses to gather host candidates on (e.g. {"127.0.0.1"}); empty: every
  // address of every interface that is up, loopback excepted.
  std::vector<std::string> ice_addresses;
  // a=max-message-size we announce (RFC 8841): the largest data-channel message we accept.
  size_t max_message_size = 262144;
  // SCTP streams per direction (RFC 8831 §6.2 needs ids up to 65534; each costs memory).
  uint16_t data_channel_streams = 256;
};

}  // namespace parley
