// The client side of STUN long-term credentials (RFC 8489 §9.2) as TURN uses them (RFC 8656
// §5): the first request goes out unauthenticated, the server's 401 supplies REALM and NONCE,
// and every later request carries USERNAME, REALM, NONCE and MESSAGE-INTEGRITY keyed with
// MD5(username ":" realm ":" password). A 438 (Stale Nonce) supplies a fresh NONCE.
#pragma once

#include <string>

#include "stun/integrity.h"
#include "stun/message.h"

namespace parley::turn {

// What a request was signed with, kept with it so its response is checked against that key.
struct Signature {
  bool signed_request = false;
  std::string realm;
  stun::IntegrityKey key;
};

class LongTermCredentials {
 public:
  LongTermCredentials(std::string username, std::string password)
      : username_(std::move(username)), password_(std::move(password)) {}

  // Realm and nonce are known (a 401 was seen), so requests can be authenticated.
  bool has_challenge() const { return !nonce_.empty(); }
  const std::string& realm() const { return realm_; }
  const std::string& nonce() const { return nonce_; }

  // Adds USERNAME, REALM and NONCE when a challenge is known and serializes `request`, with
  // MESSAGE-INTEGRITY if so (RFC 8489 §9.2.3).
  Bytes Sign(stun::Message& request, Signature* signature) const;

  // RFC 8489 §9.2.5: a 401 (Unauthenticated). Adopts its REALM and NONCE and returns true when a
  // retry is allowed: the request was unauthenticated, or the realm changed. A 401 to a request
  // already signed for the same realm means the credentials are wrong: false.
  bool OnUnauthenticated(const stun::Message& response, const Signature& used);
  // RFC 8489 §9.2.5: a 438 (Stale Nonce). Adopts its NONCE (and REALM, if any); false when the
  // response carries no nonce.
  bool OnStaleNonce(const stun::Message& response);
  // Forgets realm and nonce (e.g. after moving to an alternate server).
  void Reset();

  // RFC 8489 §9.2.5: may the owner act on `response` to a request signed as `used`? Unsigned
  // requests' responses are taken as they are. For signed ones, 401 and 438 are taken without
  // integrity (they are the challenge itself); everything else, a 400 included, must carry a
  // MESSAGE-INTEGRITY(-SHA256) that verifies with the request's key.
  static bool IsAcceptable(const stun::Message& response, const Signature& used);

 private:
  std::string username_;
  std::string password_;
  std::string realm_;
  std::string nonce_;
  stun::IntegrityKey key_;
};

}  // namespace parley::turn
