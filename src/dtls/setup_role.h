// The DTLS role from SDP a=setup (RFC 8842 §5, RFC 4145 §4): the endpoint that is "active"
// initiates the connection, i.e. is the DTLS client; "passive" waits as the server. An offer
// says actpass (RFC 8842 §5.2) and the answer picks active or passive (§5.3); browsers answer
// active.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "parley/result.h"

namespace parley::dtls {

enum class Role : uint8_t { kClient, kServer };

// The a=setup values (RFC 4145 §4).
enum class Setup : uint8_t { kActpass, kActive, kPassive, kHoldconn };

std::string_view ToString(Role role);
// "actpass", "active", "passive", "holdconn".
std::string_view ToString(Setup setup);
// The attribute's value; tokens compare case-insensitively. nullopt for anything else.
std::optional<Setup> ParseSetup(std::string_view value);

// What an answer says to an offered a=setup (RFC 8842 §5.3, RFC 4145 §4.1): actpass → active
// (the answerer becomes the DTLS client, as browsers do), active → passive, passive → active.
// InvalidAccessError for holdconn, which offers no connection.
Result<Setup> AnswerSetup(Setup offered);

// Our role once offer and answer are both known, from our description's a=setup and the
// remote's (in either order of offer and answer): active ↔ passive; actpass ↔ active makes the
// actpass side the server, actpass ↔ passive the client. InvalidAccessError for combinations
// that leave the role undecided or doubly taken (actpass/actpass, active/active,
// passive/passive) and for holdconn.
Result<Role> DecideRole(Setup local, Setup remote);

}  // namespace parley::dtls
