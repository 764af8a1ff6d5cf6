// The STUN messages of ICE connectivity checks (RFC 8445 §7.1, §7.3.1, §11; RFC 7675 §5):
// Binding requests, their success and error responses, and keepalive indications.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/byte_io.h"
#include "base/random.h"
#include "base/socket_address.h"
#include "ice/agent_types.h"
#include "stun/message.h"

namespace parley::ice {

struct CheckParams {
  std::string_view local_ufrag;
  std::string_view remote_ufrag;
  std::string_view remote_pwd;
  uint32_t priority = 0;  // RFC 8445 §7.1.1: as a peer-reflexive candidate of the base.
  Role role = Role::kControlling;
  uint64_t tie_breaker = 0;
  bool use_candidate = false;
};

// RFC 8445 §7.1: USERNAME "remote:local", PRIORITY, ICE-CONTROLLING or ICE-CONTROLLED,
// USE-CANDIDATE (§7.1.2), MESSAGE-INTEGRITY with the remote password (§7.1.3), FINGERPRINT.
Bytes BuildCheckRequest(const CheckParams& params, Random& random);

// RFC 8445 §7.3.1.2 / RFC 8489 §7.3.1: XOR-MAPPED-ADDRESS (the request's source), integrity
// with the local password, FINGERPRINT.
Bytes BuildCheckSuccess(const stun::Message& request, const SocketAddress& mapped,
                        std::string_view local_pwd);
// An error response (e.g. 487 Role Conflict, §7.3.1.1), signed with the local password.
Bytes BuildCheckError(const stun::Message& request, uint16_t code, std::string_view local_pwd);

// RFC 8445 §11: a Binding indication with FINGERPRINT, no integrity.
Bytes BuildKeepalive(Random& random);

// RFC 8445 §7.3: USERNAME "local:remote" of an incoming check, split at the first colon.
struct CheckUsername {
  std::string_view local_ufrag;
  std::string_view remote_ufrag;
};
std::optional<CheckUsername> SplitUsername(std::string_view username);

}  // namespace parley::ice
