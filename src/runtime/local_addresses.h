// The host's addresses to gather ICE host candidates on, and host-name resolution for ICE
// server URLs (both blocking system calls, made when a connection is created, never on the
// network thread).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/socket_address.h"

namespace parley {

// Every address of every interface that is up, except loopback and IPv6 link-local ones (as
// browsers gather by default), IPv4 first.
std::vector<IpAddress> LocalInterfaceAddresses();

// An IP literal as is, else the first address getaddrinfo gives (IPv4 preferred).
std::optional<IpAddress> ResolveHost(const std::string& host);

}  // namespace parley
