#include "ice/check_messages.h"

#include "stun/attributes.h"
#include "stun/integrity.h"

namespace parley::ice {

Bytes BuildCheckRequest(const CheckParams& params, Random& random) {
  stun::Message request = stun::Message::Request(stun::Method::kBinding, random);
  std::string username;
  username.reserve(params.remote_ufrag.size() + params.local_ufrag.size() + 1);
  username.append(params.remote_ufrag);
  username.push_back(':');
  username.append(params.local_ufrag);
  request.Add(stun::Username{std::move(username)});
  request.Add(stun::Priority{params.priority});
  if (params.role == Role::kControlling) {
    request.Add(stun::IceControlling{params.tie_breaker});
    if (params.use_candidate) request.Add(stun::UseCandidate{});
  } else {
    request.Add(stun::IceControlled{params.tie_breaker});
  }
  const stun::IntegrityKey key = stun::IntegrityKey::ShortTerm(params.remote_pwd);
  return request.Serialize({.key = &key, .fingerprint = true});
}

Bytes BuildCheckSuccess(const stun::Message& request, const SocketAddress& mapped,
                        std::string_view local_pwd) {
  stun::Message response = stun::Message::SuccessResponse(request);
  response.Add(stun::XorMappedAddress{mapped});
  const stun::IntegrityKey key = stun::IntegrityKey::ShortTerm(local_pwd);
  return response.Serialize({.key = &key, .fingerprint = true});
}

Bytes BuildCheckError(const stun::Message& request, uint16_t code, std::string_view local_pwd) {
  const stun::Message response = stun::Message::ErrorResponse(request, code);
  const stun::IntegrityKey key = stun::IntegrityKey::ShortTerm(local_pwd);
  return response.Serialize({.key = &key, .fingerprint = true});
}

Bytes BuildKeepalive(Random& random) {
  return stun::Message::Indication(stun::Method::kBinding, random).Serialize({.fingerprint = true});
}

std::optional<CheckUsername> SplitUsername(std::string_view username) {
  const size_t colon = username.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == username.size()) {
    return std::nullopt;
  }
  return CheckUsername{username.substr(0, colon), username.substr(colon + 1)};
}

}  // namespace parley::ice
