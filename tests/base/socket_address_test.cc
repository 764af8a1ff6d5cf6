#include "base/socket_address.h"

#include <gtest/gtest.h>

#include <unordered_set>

namespace parley {
namespace {

TEST(IpAddressTest, ParsesAndFormatsV4) {
  auto ip = IpAddress::Parse("192.0.2.33");
  ASSERT_TRUE(ip);
  EXPECT_TRUE(ip->is_v4());
  EXPECT_EQ(ip->v4_host_order(), 0xc0000221u);
  EXPECT_EQ(ip->ToString(), "192.0.2.33");
  EXPECT_EQ(ip->bytes().size(), 4u);
  EXPECT_EQ(*ip, IpAddress::V4(192, 0, 2, 33));
  EXPECT_EQ(IpAddress::V4(0xc0000221u), *ip);
}

TEST(IpAddressTest, ParsesAndFormatsV6) {
  auto ip = IpAddress::Parse("2001:DB8::1");
  ASSERT_TRUE(ip);
  EXPECT_TRUE(ip->is_v6());
  EXPECT_EQ(ip->ToString(), "2001:db8::1");
  EXPECT_EQ(ip->bytes().size(), 16u);
  EXPECT_EQ(ip->bytes()[0], 0x20);
  EXPECT_EQ(ip->bytes()[15], 0x01);
}

TEST(IpAddressTest, RejectsMalformed) {
  for (const char* bad :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", "::g", "[::1]", "localhost",
        "1.2.3.4:80", "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb:cccc"}) {
    EXPECT_FALSE(IpAddress::Parse(bad)) << bad;
  }
}

TEST(IpAddressTest, Classification) {
  EXPECT_TRUE(IpAddress::Loopback(IpFamily::kV4).IsLoopback());
  EXPECT_TRUE(IpAddress::Parse("127.8.9.10")->IsLoopback());
  EXPECT_TRUE(IpAddress::Loopback(IpFamily::kV6).IsLoopback());
  EXPECT_EQ(IpAddress::Loopback(IpFamily::kV6).ToString(), "::1");
  EXPECT_TRUE(IpAddress::Any(IpFamily::kV6).IsAny());
  EXPECT_TRUE(IpAddress().IsAny());
  EXPECT_TRUE(IpAddress::Parse("169.254.1.1")->IsLinkLocal());
  EXPECT_TRUE(IpAddress::Parse("fe80::1")->IsLinkLocal());
  EXPECT_TRUE(IpAddress::Parse("10.1.2.3")->IsPrivate());
  EXPECT_TRUE(IpAddress::Parse("172.31.0.1")->IsPrivate());
  EXPECT_FALSE(IpAddress::Parse("172.32.0.1")->IsPrivate());
  EXPECT_TRUE(IpAddress::Parse("192.168.0.1")->IsPrivate());
  EXPECT_TRUE(IpAddress::Parse("fd00::1")->IsPrivate());
  EXPECT_FALSE(IpAddress::Parse("203.0.113.5")->IsPrivate());
}

TEST(SocketAddressTest, ParsesBothFamilies) {
  auto v4 = SocketAddress::Parse("127.0.0.1:5000");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->port(), 5000);
  EXPECT_EQ(v4->family(), IpFamily::kV4);
  EXPECT_EQ(v4->ToString(), "127.0.0.1:5000");
  auto v6 = SocketAddress::Parse("[::1]:65535");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->port(), 65535);
  EXPECT_EQ(v6->ToString(), "[::1]:65535");
}

TEST(SocketAddressTest, RejectsMalformed) {
  for (const char* bad :
       {"", ":", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80x",
        "::1:80", "[::1]", "[::1]80", "[127.0.0.1]:80", "[::1:80", "1.2.3.4:123456", "host:80"}) {
    EXPECT_FALSE(SocketAddress::Parse(bad)) << bad;
  }
}

// Every truncated prefix of a valid address either fails or parses to a different (shorter)
// address; none may crash or read past the end.
TEST(SocketAddressTest, TruncatedInputLoop) {
  for (std::string full : {"[2001:db8::abcd]:3478", "203.0.113.200:19302"}) {
    ASSERT_TRUE(SocketAddress::Parse(full));
    for (size_t n = 0; n < full.size(); ++n) {
      auto parsed = SocketAddress::Parse(std::string_view(full).substr(0, n));
      if (parsed) {
        EXPECT_NE(parsed->ToString(), full);
      }
    }
  }
}

TEST(SocketAddressTest, OrderingAndHashing) {
  const SocketAddress a(IpAddress::V4(10, 0, 0, 1), 1);
  const SocketAddress b(IpAddress::V4(10, 0, 0, 1), 2);
  const SocketAddress c = *SocketAddress::Parse("[::1]:1");
  EXPECT_LT(a, b);
  EXPECT_NE(a, c);
  std::unordered_set<SocketAddress> set = {a, b, c, a};
  EXPECT_EQ(set.size(), 3u);
}

}  // namespace
}  // namespace parley
