#include "runtime/ice_transport.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/ice_test_peer.h"
#include "runtime/runtime.h"
#include "runtime/wait.h"

namespace parley {
namespace {

using test::IcePeer;
using test::Notification;
using test::ToBytes;

ice::AgentConfig LoopbackConfig(ice::Role role, IpFamily family) {
  ice::AgentConfig config;
  config.role = role;
  config.local_sockets = {SocketAddress(IpAddress::Loopback(family), 0)};
  return config;
}

// Creates a peer; skips the test when the family is IPv6 and the host has no ::1.
#define CREATE_OR_SKIP(peer, runtime, config, ...)                               \
  do {                                                                           \
    auto created_ = (peer).Create(runtime, config, ##__VA_ARGS__);               \
    if (!created_.ok() && (config).local_sockets[0].family() == IpFamily::kV6) { \
      GTEST_SKIP() << "no IPv6 loopback: " << created_.error();                  \
    }                                                                            \
    ASSERT_TRUE(created_.ok()) << created_.error();                              \
  } while (false)

class IceTransportFamily : public ::testing::TestWithParam<IpFamily> {};

TEST_P(IceTransportFamily, TwoTransportsConnectAndEcho) {
  const IpFamily family = GetParam();
  auto runtime = Runtime::Create();
  IcePeer a("a");
  IcePeer b("b");
  CREATE_OR_SKIP(a, *runtime, LoopbackConfig(ice::Role::kControlling, family));
  CREATE_OR_SKIP(b, *runtime, LoopbackConfig(ice::Role::kControlled, family));
  // The bound addresses are real: ephemeral ports on the loopback address.
  ASSERT_EQ(a.transport()->local_addresses().size(), 1u);
  EXPECT_EQ(a.transport()->local_addresses()[0].ip(), IpAddress::Loopback(family));
  EXPECT_NE(a.transport()->local_addresses()[0].port(), 0);

  b.EnableEcho("echo:");
  IcePeer::Wire(a, b);
  a.transport()->Start();
  b.transport()->Start();
  ASSERT_TRUE(a.WaitConnected()) << "a never connected";
  ASSERT_TRUE(b.WaitConnected()) << "b never connected";
  EXPECT_TRUE(a.WaitGatheringComplete());

  // The host candidate is the bound socket.
  const auto candidates = a.candidates();
  ASSERT_FALSE(candidates.empty());
  EXPECT_EQ(candidates[0].type, ice::CandidateType::kHost);
  EXPECT_EQ(candidates[0].socket_address(), a.transport()->local_addresses()[0]);
  ASSERT_TRUE(a.WaitForSelectedPair());
  EXPECT_EQ(a.selected_local().socket_address(), a.transport()->local_addresses()[0]);
  EXPECT_EQ(a.selected_remote().socket_address(), b.transport()->local_addresses()[0]);

  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(a.transport()->Send(ToBytes("ping " + std::to_string(i))).ok());
  }
  ASSERT_TRUE(a.WaitForData(20));
  const auto echoes = a.data();
  for (int i = 0; i < 20; ++i) {
    // Loopback neither loses nor reorders here.
    EXPECT_EQ(echoes[i], ToBytes("echo:ping " + std::to_string(i)));
  }
  const auto stats = a.transport()->GetStats();
  EXPECT_GE(stats.datagrams_sent, 21u);  // Checks and data.
  EXPECT_GE(stats.datagrams_received, 21u);
  EXPECT_EQ(stats.send_errors, 0u);
  EXPECT_GT(stats.agent.checks_answered, 0u);

  IcePeer::Destroy(*runtime, {&a, &b});
}

INSTANTIATE_TEST_SUITE_P(IceTransport, IceTransportFamily,
                         ::testing::Values(IpFamily::kV4, IpFamily::kV6), [](const auto& info) {
                           return info.param == IpFamily::kV4 ? "Ipv4" : "Ipv6";
                         });

TEST(IceTransport, SendNeedsASelectedPairAndFailsAfterClose) {
  auto runtime = Runtime::Create();
  IcePeer a("a");
  IcePeer b("b");
  ASSERT_TRUE(a.Create(*runtime, LoopbackConfig(ice::Role::kControlling, IpFamily::kV4)).ok());
  ASSERT_TRUE(b.Create(*runtime, LoopbackConfig(ice::Role::kControlled, IpFamily::kV4)).ok());
  const auto early = a.transport()->Send(ToBytes("too early"));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().kind(), ErrorKind::kInvalidStateError);

  IcePeer::Wire(a, b);
  a.transport()->Start();
  b.transport()->Start();
  ASSERT_TRUE(a.WaitConnected());
  ASSERT_TRUE(b.WaitConnected());
  EXPECT_TRUE(a.transport()->Send(ToBytes("fine")).ok());
  ASSERT_TRUE(b.WaitForData(1));

  a.transport()->Close();
  ASSERT_TRUE(a.WaitForState(ice::ConnectionState::kClosed));
  const auto late = a.transport()->Send(ToBytes("too late"));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().kind(), ErrorKind::kInvalidStateError);
  EXPECT_EQ(a.transport()->SetRemoteCredentials({"abcd", "0123456789012345678901"}).error().kind(),
            ErrorKind::kInvalidStateError);
  EXPECT_EQ(a.transport()->Restart().error().kind(), ErrorKind::kInvalidStateError);

  IcePeer::Destroy(*runtime, {&a, &b});
}

TEST(IceTransport, MalformedInputIsRejectedAtOnce) {
  auto runtime = Runtime::Create();
  IcePeer a("a");
  ASSERT_TRUE(a.Create(*runtime, LoopbackConfig(ice::Role::kControlling, IpFamily::kV4)).ok());
  const auto credentials = a.transport()->SetRemoteCredentials({"ab", "short"});
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().kind(), ErrorKind::kSyntaxError);
  const auto candidate = a.transport()->AddRemoteCandidate("candidate:not a candidate");
  ASSERT_FALSE(candidate.ok());
  EXPECT_EQ(candidate.error().kind(), ErrorKind::kSyntaxError);
  IcePeer::Destroy(*runtime, {&a});
}

TEST(IceTransport, CreateFailsForAnAddressNotOnThisHost) {
  auto runtime = Runtime::Create();
  ice::AgentConfig config;
  config.local_sockets = {SocketAddress(IpAddress::Loopback(IpFamily::kV4), 0),
                          SocketAddress(IpAddress::V4(192, 0, 2, 1), 0)};  // TEST-NET-1.
  auto created = IceTransport::Create(*runtime, config, {});
  if (created.ok()) GTEST_SKIP() << "this host can bind 192.0.2.1";
  EXPECT_EQ(created.error().kind(), ErrorKind::kInvalidAccessError);
  EXPECT_NE(created.error().message().find("192.0.2.1"), std::string::npos) << created.error();
}

TEST(IceTransport, RestartChangesCredentialsAndDataKeepsFlowing) {
  auto runtime = Runtime::Create();
  IcePeer a("a");
  IcePeer b("b");
  ASSERT_TRUE(a.Create(*runtime, LoopbackConfig(ice::Role::kControlling, IpFamily::kV4)).ok());
  ASSERT_TRUE(b.Create(*runtime, LoopbackConfig(ice::Role::kControlled, IpFamily::kV4)).ok());
  b.EnableEcho("echo:");
  IcePeer::Wire(a, b);
  a.transport()->Start();
  b.transport()->Start();
  ASSERT_TRUE(a.WaitConnected());
  ASSERT_TRUE(b.WaitConnected());

  const ice::Credentials before = a.transport()->local_credentials();
  auto a_new = a.transport()->Restart();
  ASSERT_TRUE(a_new.ok()) << a_new.error();
  EXPECT_NE(a_new->ufrag, before.ufrag);
  EXPECT_EQ(a.transport()->local_credentials(), *a_new);
  auto b_new = b.transport()->Restart();
  ASSERT_TRUE(b_new.ok()) << b_new.error();
  ASSERT_TRUE(b.transport()->SetRemoteCredentials(*a_new).ok());
  ASSERT_TRUE(a.transport()->SetRemoteCredentials(*b_new).ok());

  // Data keeps flowing during and after the restart.
  ASSERT_TRUE(a.transport()->Send(ToBytes("after restart")).ok());
  ASSERT_TRUE(a.WaitForData(1));
  EXPECT_EQ(a.data()[0], ToBytes("echo:after restart"));
  IcePeer::Destroy(*runtime, {&a, &b});
}

TEST(IceTransport, DestroyedInsideItsOwnCallbacks) {
  auto runtime = Runtime::Create();
  // In on_data.
  {
    IcePeer a("a");
    IcePeer b("b");
    Notification destroyed;
    IceTransport::Callbacks extra;
    extra.on_data = [&](Bytes) {
      b.ResetTransportFromCallback();
      destroyed.Notify();
    };
    ASSERT_TRUE(a.Create(*runtime, LoopbackConfig(ice::Role::kControlling, IpFamily::kV4)).ok());
    ASSERT_TRUE(
        b.Create(*runtime, LoopbackConfig(ice::Role::kControlled, IpFamily::kV4), extra).ok());
    IcePeer::Wire(a, b);
    a.transport()->Start();
    b.transport()->Start();
    ASSERT_TRUE(a.WaitConnected());
    ASSERT_TRUE(b.WaitConnected());
    // Two sends: the second datagram may already be queued for b when it goes.
    ASSERT_TRUE(a.transport()->Send(ToBytes("one")).ok());
    ASSERT_TRUE(a.transport()->Send(ToBytes("two")).ok());
    ASSERT_TRUE(destroyed.Wait());
    EXPECT_EQ(b.transport(), nullptr);
    EXPECT_EQ(b.data().size(), 1u);  // Nothing delivered after the destruction.
    // `a` no longer sees b: checks fail eventually; destroying it now is clean too.
    IcePeer::Destroy(*runtime, {&a});
  }
  // In on_gathering_state, as soon as gathering starts.
  {
    IcePeer a("a");
    Notification destroyed;
    IceTransport::Callbacks extra;
    extra.on_gathering_state = [&](ice::GatheringState) {
      a.ResetTransportFromCallback();
      destroyed.Notify();
    };
    ASSERT_TRUE(
        a.Create(*runtime, LoopbackConfig(ice::Role::kControlling, IpFamily::kV4), extra).ok());
    a.transport()->Start();
    ASSERT_TRUE(destroyed.Wait());
  }
}

TEST(IceTransport, DestroyedFromAnotherThreadWhileConnectedAndRuntimeLater) {
  auto runtime = Runtime::Create();
  IcePeer a("a");
  IcePeer b("b");
  ASSERT_TRUE(a.Create(*runtime, LoopbackConfig(ice::Role::kControlling, IpFamily::kV4)).ok());
  ASSERT_TRUE(b.Create(*runtime, LoopbackConfig(ice::Role::kControlled, IpFamily::kV4)).ok());
  b.EnableEcho("");
  IcePeer::Wire(a, b);
  a.transport()->Start();
  b.transport()->Start();
  ASSERT_TRUE(a.WaitConnected());
  ASSERT_TRUE(b.WaitConnected());
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(a.transport()->Send(ToBytes("x")).ok());
  // While echoes fly: b goes first, then the test thread destroys a's transport itself (not on
  // the callback thread) while a's callbacks may be running, then the runtime.
  IcePeer::Destroy(*runtime, {&b});
  std::unique_ptr<IceTransport> transport = a.Release();
  transport.reset();
  runtime.reset();
}

}  // namespace
}  // namespace parley
