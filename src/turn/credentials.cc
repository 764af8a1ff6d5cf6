#include "turn/credentials.h"

namespace parley::turn {

Bytes LongTermCredentials::Sign(stun::Message& request, Signature* signature) const {
  if (!has_challenge()) {
    if (signature != nullptr) *signature = Signature{};
    return request.Serialize();
  }
  request.Add(stun::Username{username_}).Add(stun::Realm{realm_}).Add(stun::Nonce{nonce_});
  if (signature != nullptr) *signature = Signature{true, realm_, key_};
  return request.Serialize({.key = &key_});
}

bool LongTermCredentials::OnUnauthenticated(const stun::Message& response, const Signature& used) {
  const auto realm = response.Get<stun::Realm>();
  const auto nonce = response.Get<stun::Nonce>();
  if (!realm || !nonce || nonce->value.empty()) return false;
  // §9.2.5: no retry unless USERNAME, REALM or password changes from the previous attempt.
  const bool retry = !used.signed_request || realm->value != used.realm;
  realm_ = realm->value;
  nonce_ = nonce->value;
  key_ = stun::IntegrityKey::LongTerm(username_, realm_, password_);
  return retry;
}

bool LongTermCredentials::OnStaleNonce(const stun::Message& response) {
  const auto nonce = response.Get<stun::Nonce>();
  if (!nonce || nonce->value.empty()) return false;
  nonce_ = nonce->value;
  if (const auto realm = response.Get<stun::Realm>(); realm && realm->value != realm_) {
    realm_ = realm->value;
    key_ = stun::IntegrityKey::LongTerm(username_, realm_, password_);
  }
  return !realm_.empty();
}

void LongTermCredentials::Reset() {
  realm_.clear();
  nonce_.clear();
  key_ = stun::IntegrityKey();
}

bool LongTermCredentials::IsAcceptable(const stun::Message& response, const Signature& used) {
  if (!used.signed_request) return true;
  if (response.is_error_response()) {
    const auto error = response.Get<stun::ErrorCode>();
    if (error && (error->code == stun::error_code::kUnauthorized ||
                  error->code == stun::error_code::kStaleNonce)) {
      return true;
    }
  }
  // A missing attribute (kMissing) fails like a wrong one; this covers a 400 without integrity.
  return stun::VerifyIntegrity(response, used.key) == stun::IntegrityResult::kOk;
}

}  // namespace parley::turn
