#include "dtls/setup_role.h"

#include <string>

namespace parley::dtls {
namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char c = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != b[i]) return false;
  }
  return true;
}

}  // namespace

std::string_view ToString(Role role) {
  return role == Role::kClient ? "client" : "server";
}

std::string_view ToString(Setup setup) {
  switch (setup) {
    case Setup::kActpass:
      return "actpass";
    case Setup::kActive:
      return "active";
    case Setup::kPassive:
      return "passive";
    case Setup::kHoldconn:
      return "holdconn";
  }
  return "unknown";
}

std::optional<Setup> ParseSetup(std::string_view value) {
  for (Setup setup : {Setup::kActpass, Setup::kActive, Setup::kPassive, Setup::kHoldconn}) {
    if (EqualsIgnoringCase(value, ToString(setup))) return setup;
  }
  return std::nullopt;
}

Result<Setup> AnswerSetup(Setup offered) {
  switch (offered) {
    case Setup::kActpass:
    case Setup::kPassive:
      return Setup::kActive;
    case Setup::kActive:
      return Setup::kPassive;
    case Setup::kHoldconn:
      break;
  }
  return InvalidAccessError("a=setup:holdconn offers no connection, so there is no DTLS role");
}

Result<Role> DecideRole(Setup local, Setup remote) {
  if (local == Setup::kHoldconn || remote == Setup::kHoldconn) {
    return InvalidAccessError("a=setup:holdconn puts the connection on hold: no DTLS role");
  }
  // The side that is not "active" waits; actpass yields to the other side's explicit choice.
  if (local == Setup::kActive && remote != Setup::kActive) return Role::kClient;
  if (local == Setup::kPassive && remote != Setup::kPassive) return Role::kServer;
  if (local == Setup::kActpass && remote == Setup::kActive) return Role::kServer;
  if (local == Setup::kActpass && remote == Setup::kPassive) return Role::kClient;
  return InvalidAccessError("a=setup:" + std::string(ToString(local)) +
                            " locally and a=setup:" + std::string(ToString(remote)) +
                            " remotely do not decide the DTLS role (RFC 8842 §5.3: one side "
                            "must be active and the other passive, or the answer must pick)");
}

}  // namespace parley::dtls
