#include "runtime/sockaddr.h"

#include <netinet/in.h>

#include <gtest/gtest.h>

#include "runtime/clock.h"

namespace parley {
namespace {

TEST(RuntimeSockaddr, Ipv4RoundTrip) {
  const SocketAddress address = *SocketAddress::Parse("192.0.2.7:3478");
  sockaddr_storage storage;
  const socklen_t length = ToSockaddr(address, &storage);
  ASSERT_EQ(length, sizeof(sockaddr_in));
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(&storage);
  EXPECT_EQ(v4->sin_family, AF_INET);
  EXPECT_EQ(ntohs(v4->sin_port), 3478);
  EXPECT_EQ(ntohl(v4->sin_addr.s_addr), 0xC0000207u);
  EXPECT_EQ(FromSockaddr(reinterpret_cast<const sockaddr*>(&storage), length), address);
}

TEST(RuntimeSockaddr, Ipv6RoundTrip) {
  const SocketAddress address = *SocketAddress::Parse("[2001:db8::1]:65535");
  sockaddr_storage storage;
  const socklen_t length = ToSockaddr(address, &storage);
  ASSERT_EQ(length, sizeof(sockaddr_in6));
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&storage);
  EXPECT_EQ(v6->sin6_family, AF_INET6);
  EXPECT_EQ(ntohs(v6->sin6_port), 65535);
  EXPECT_EQ(v6->sin6_addr.s6_addr[0], 0x20);
  EXPECT_EQ(v6->sin6_addr.s6_addr[15], 0x01);
  EXPECT_EQ(FromSockaddr(reinterpret_cast<const sockaddr*>(&storage), length), address);
}

TEST(RuntimeSockaddr, RejectsShortLengthsAndOtherFamilies) {
  sockaddr_storage storage;
  ToSockaddr(*SocketAddress::Parse("[::1]:1"), &storage);
  const auto* raw = reinterpret_cast<const sockaddr*>(&storage);
  EXPECT_EQ(FromSockaddr(raw, sizeof(sockaddr_in6) - 1), std::nullopt);
  EXPECT_EQ(FromSockaddr(nullptr, 0), std::nullopt);
  storage.ss_family = AF_UNIX;
  EXPECT_EQ(FromSockaddr(raw, sizeof storage), std::nullopt);
}

TEST(RuntimeClock, SteadyNowNeverGoesBackwards) {
  Timestamp previous = SteadyNow();
  for (int i = 0; i < 1000; ++i) {
    const Timestamp now = SteadyNow();
    ASSERT_GE(now, previous);
    previous = now;
  }
}

}  // namespace
}  // namespace parley
