#include "runtime/local_addresses.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>

#include "runtime/sockaddr.h"

namespace parley {

std::vector<IpAddress> LocalInterfaceAddresses() {
  std::vector<IpAddress> addresses;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return addresses;
  for (ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || (entry->ifa_flags & IFF_UP) == 0 ||
        (entry->ifa_flags & IFF_LOOPBACK) != 0) {
      continue;
    }
    const int family = entry->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6) continue;
    auto address = FromSockaddr(entry->ifa_addr,
                                family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
    if (!address) continue;
    const IpAddress ip = address->ip();
    // Link-local addresses need a scope to be usable: skipped, as browsers do.
    if (ip.IsLinkLocal()) continue;
    if (std::find(addresses.begin(), addresses.end(), ip) == addresses.end()) {
      addresses.push_back(ip);
    }
  }
  freeifaddrs(list);
  std::stable_partition(addresses.begin(), addresses.end(),
                        [](const IpAddress& ip) { return ip.is_v4(); });
  return addresses;
}

std::optional<IpAddress> ResolveHost(const std::string& host) {
  if (auto literal = IpAddress::Parse(host)) return literal;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* results = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &results) != 0) return std::nullopt;
  std::optional<IpAddress> v4;
  std::optional<IpAddress> v6;
  for (addrinfo* entry = results; entry != nullptr; entry = entry->ai_next) {
    auto address = FromSockaddr(entry->ai_addr, entry->ai_addrlen);
    if (!address) continue;
    if (address->ip().is_v4() && !v4) v4 = address->ip();
    if (!address->ip().is_v4() && !v6) v6 = address->ip();
  }
  freeaddrinfo(results);
  return v4 ? v4 : v6;
}

}  // namespace parley
