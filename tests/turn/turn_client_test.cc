// TurnClient stepped message by message against the test TurnServer with a fake clock (tier 2):
// the 401 → authenticated Allocate flow, wrong credentials, stale nonces, 300 Try Alternate,
// timeouts, integrity checks, malformed input, permissions, channels, Close.
#include "turn/turn_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "stun/message.h"
#include "turn/channel_data.h"
#include "turn/stepped_loop.h"

namespace parley::turn {
namespace {

using sim::Addr;
using sim::Ip;
using ::testing::HasSubstr;

stun::Message ParseOrDie(const Bytes& bytes) {
  auto message = stun::Parse(bytes);
  EXPECT_TRUE(message);
  return message.value_or(
      stun::Message(stun::MessageClass::kIndication, stun::Method::kBinding, {}));
}

TEST(TurnClientTest, FirstAllocateIsUnauthenticatedAndAsksForUdp) {
  SteppedLoop loop;
  loop.client().Start(loop.now());
  EXPECT_EQ(loop.client().state(), TurnClient::State::kAllocating);
  auto messages = loop.TakeClientMessages();
  ASSERT_EQ(messages.size(), 1u);
  const stun::Message allocate = ParseOrDie(messages[0]);
  EXPECT_TRUE(allocate.is_request());
  EXPECT_EQ(allocate.method(), stun::Method::kAllocate);
  EXPECT_EQ(allocate.Get<stun::RequestedTransport>()->protocol, stun::RequestedTransport::kUdp);
  EXPECT_EQ(allocate.Get<stun::Lifetime>()->value, 600u);
  EXPECT_FALSE(allocate.message_integrity_offset());
  EXPECT_FALSE(allocate.Has<stun::Username>());
}

TEST(TurnClientTest, AllocatesAfterA401Challenge) {
  SteppedLoop loop;
  loop.Allocate();
  ASSERT_EQ(loop.events().size(), 1u);
  const auto& allocated = std::get<Allocated>(loop.events()[0]);
  EXPECT_EQ(allocated.relayed.ip(), Ip("203.0.113.1"));
  EXPECT_GE(allocated.relayed.port(), 49152);
  EXPECT_EQ(allocated.mapped, loop.client_address());
  EXPECT_EQ(allocated.lifetime, TimeDelta::Seconds(600));
  EXPECT_EQ(loop.server().stats().unauthenticated, 1u);
  EXPECT_EQ(loop.server().stats().allocations_created, 1u);
  EXPECT_TRUE(loop.server().HasAllocation(allocated.relayed));
  EXPECT_EQ(loop.client().relayed_address(), allocated.relayed);
  EXPECT_EQ(loop.client().mapped_address(), allocated.mapped);
  EXPECT_EQ(loop.client().allocation_expiry(), loop.now() + TimeDelta::Seconds(600));
  // Refresh one minute before expiry (RFC 8656 §8.1).
  EXPECT_EQ(loop.client().NextTimeout(), loop.now() + TimeDelta::Seconds(540));
}

TEST(TurnClientTest, AuthenticatedRequestsCarryCredentials) {
  SteppedLoop loop;
  loop.client().Start(loop.now());
  loop.DeliverToServer(loop.TakeClientMessages().at(0));
  loop.DeliverToClient(loop.server().PollTransmit()->payload);  // The 401.
  auto retry = loop.TakeClientMessages();
  ASSERT_EQ(retry.size(), 1u);
  const stun::Message allocate = ParseOrDie(retry[0]);
  EXPECT_EQ(allocate.Get<stun::Username>()->value, kUser);
  EXPECT_EQ(allocate.Get<stun::Realm>()->value, "parley.test");
  EXPECT_FALSE(allocate.Get<stun::Nonce>()->value.empty());
  EXPECT_EQ(stun::VerifyIntegrity(allocate,
                                  stun::IntegrityKey::LongTerm(kUser, "parley.test", kPassword)),
            stun::IntegrityResult::kOk);
}

TEST(TurnClientTest, WrongPasswordFailsWith401) {
  ServerConfig config = ClientConfig(Addr("203.0.113.1:3478"));
  config.password = "wrong";
  SteppedLoop loop(ServerConfigWithUser(), config);
  loop.client().Start(loop.now());
  loop.Pump();
  EXPECT_EQ(loop.client().state(), TurnClient::State::kFailed);
  const auto failures = loop.EventsOf<AllocationFailed>();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].error_code, 401);
  EXPECT_THAT(failures[0].reason, HasSubstr("401"));
  // One unauthenticated attempt, one with credentials; no retry for the same realm (§9.2.5).
  EXPECT_EQ(loop.server().stats().unauthenticated, 2u);
  EXPECT_FALSE(loop.client().NextTimeout());
}

TEST(TurnClientTest, UnknownUserFailsWith401) {
  ServerConfig config = ClientConfig(Addr("203.0.113.1:3478"));
  config.username = "mallory";
  SteppedLoop loop(ServerConfigWithUser(), config);
  loop.client().Start(loop.now());
  loop.Pump();
  ASSERT_EQ(loop.EventsOf<AllocationFailed>().size(), 1u);
  EXPECT_EQ(loop.EventsOf<AllocationFailed>()[0].error_code, 401);
}

TEST(TurnClientTest, StaleNonceDuringAllocateIsRetriedTransparently) {
  SteppedLoop loop;
  loop.client().Start(loop.now());
  loop.DeliverToServer(loop.TakeClientMessages().at(0));
  loop.DeliverToClient(loop.server().PollTransmit()->payload);  // 401 with a nonce.
  loop.server().ExpireNonces();                                 // ... which goes stale.
  loop.Pump();
  EXPECT_EQ(loop.client().state(), TurnClient::State::kAllocated);
  EXPECT_EQ(loop.server().stats().stale_nonces, 1u);
  EXPECT_EQ(loop.client().stats().stale_nonce_retries, 1u);
  ASSERT_EQ(loop.events().size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Allocated>(loop.events()[0]));
}

TEST(TurnClientTest, EndlessStaleNoncesEventuallyFail) {
  testing::TurnServerConfig server_config = ServerConfigWithUser();
  server_config.nonce_lifetime = TimeDelta::Zero();  // Every nonce is stale at once.
  SteppedLoop loop(server_config);
  loop.client().Start(loop.now());
  loop.Pump();
  const auto failures = loop.EventsOf<AllocationFailed>();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].error_code, 438);
  EXPECT_EQ(loop.client().stats().stale_nonce_retries, 3u);
}

TEST(TurnClientTest, FollowsTryAlternateOverUdp) {
  testing::TurnServerConfig redirecting = ServerConfigWithUser();
  redirecting.alternate_server = Addr("203.0.113.2:3478");
  SteppedLoop loop(redirecting);
  testing::TurnServer& alternate = loop.AddServer(Ip("203.0.113.2"), ServerConfigWithUser());
  loop.Allocate();
  EXPECT_EQ(loop.client().server(), Addr("203.0.113.2:3478"));
  EXPECT_EQ(loop.client().relayed_address()->ip(), Ip("203.0.113.2"));
  EXPECT_EQ(alternate.allocation_count(), 1u);
  EXPECT_EQ(loop.server().allocation_count(), 0u);
}

TEST(TurnClientTest, TryAlternateIsAFailureOverStreams) {
  testing::TurnServerConfig redirecting = ServerConfigWithUser();
  redirecting.alternate_server = Addr("203.0.113.2:3478");
  SteppedLoop loop(redirecting, ClientConfig(Addr("203.0.113.1:3478"), Transport::kTcp));
  loop.client().Start(loop.now());
  loop.Pump();
  ASSERT_EQ(loop.EventsOf<AllocationFailed>().size(), 1u);
  EXPECT_EQ(loop.EventsOf<AllocationFailed>()[0].error_code, 300);
}

TEST(TurnClientTest, RetransmitsOverUdpThenTimesOut) {
  SteppedLoop loop;
  const Timestamp start = loop.now();
  loop.client().Start(start);
  std::vector<int64_t> sends_ms;
  for (;;) {
    for (const Bytes& message : loop.TakeClientMessages()) {
      (void)message;  // Lost.
      sends_ms.push_back((loop.now() - start).ms());
    }
    auto next = loop.client().NextTimeout();
    if (!next) break;
    loop.client().HandleTimeout(*next);
    loop.AdvanceTo(*next);
  }
  // RFC 8489 §6.2.1: RTO 500 ms doubling, 7 transmissions, then 16 × RTO.
  EXPECT_EQ(sends_ms, (std::vector<int64_t>{0, 500, 1500, 3500, 7500, 15500, 31500}));
  EXPECT_EQ((loop.now() - start).ms(), 39500);
  const auto failures = loop.EventsOf<AllocationFailed>();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].error_code, 0);
  EXPECT_THAT(failures[0].reason, HasSubstr("no response after 7 transmission(s)"));
}

TEST(TurnClientTest, SendsOnceOverStreams) {
  SteppedLoop loop(ServerConfigWithUser(), ClientConfig(Addr("203.0.113.1:3478"), Transport::kTcp));
  loop.client().Start(loop.now());
  EXPECT_EQ(loop.TakeClientMessages().size(), 1u);
  EXPECT_EQ(loop.client().NextTimeout(), loop.now() + TimeDelta::Millis(39500));
}

TEST(TurnClientTest, SendToNeedsAnAllocation) {
  SteppedLoop loop;
  const Bytes data = {1, 2, 3};
  auto result = loop.client().SendTo(loop.now(), Addr("198.51.100.20:7000"), data);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind(), ErrorKind::kInvalidStateError);
  loop.client().Start(loop.now());
  EXPECT_EQ(loop.client().SendTo(loop.now(), Addr("198.51.100.20:7000"), data).error().kind(),
            ErrorKind::kInvalidStateError);
  loop.Pump();
  EXPECT_TRUE(loop.client().SendTo(loop.now(), Addr("198.51.100.20:7000"), data).ok());
  EXPECT_EQ(loop.client().SendTo(loop.now(), Addr("[2001:db8::1]:7000"), data).error().kind(),
            ErrorKind::kInvalidAccessError);
  const Bytes huge(TurnClient::kMaxDataSize + 1);
  EXPECT_EQ(loop.client().SendTo(loop.now(), Addr("198.51.100.20:7000"), huge).error().kind(),
            ErrorKind::kRangeError);
}

TEST(TurnClientTest, PermissionsAskedBeforeTheAllocationAreSentAfterIt) {
  SteppedLoop loop;
  loop.client().CreatePermission(loop.now(), Ip("198.51.100.20"));
  EXPECT_TRUE(loop.TakeClientMessages().empty());
  loop.Allocate();
  const SocketAddress relayed = *loop.client().relayed_address();
  EXPECT_TRUE(loop.server().HasPermission(relayed, Ip("198.51.100.20")));
  EXPECT_TRUE(loop.client().HasPermission(Ip("198.51.100.20")));
  // Idempotent: asking again sends nothing.
  loop.client().CreatePermission(loop.now(), Ip("198.51.100.20"));
  EXPECT_TRUE(loop.TakeClientMessages().empty());
}

TEST(TurnClientTest, PermissionFailureIsReported) {
  SteppedLoop loop;
  loop.Allocate();
  // An IPv6 peer on an IPv4 relay: 443 (Peer Address Family Mismatch).
  loop.client().CreatePermission(loop.now(), Ip("2001:db8::1"));
  loop.Pump();
  const auto failures = loop.EventsOf<PermissionFailed>();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].peer, Ip("2001:db8::1"));
  EXPECT_EQ(failures[0].error_code, 443);
  EXPECT_FALSE(loop.client().HasPermission(Ip("2001:db8::1")));
  EXPECT_EQ(loop.client().state(), TurnClient::State::kAllocated);
}

TEST(TurnClientTest, SendToBindsAChannelAndSwitchesToChannelData) {
  SteppedLoop loop;
  loop.Allocate();
  const SocketAddress peer = Addr("198.51.100.20:7000");
  const Bytes hello = {'h', 'i'};
  ASSERT_TRUE(loop.client().SendTo(loop.now(), peer, hello).ok());
  auto first = loop.TakeClientMessages();
  // CreatePermission, ChannelBind, then the data as a Send indication.
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(ParseOrDie(first[0]).method(), stun::Method::kCreatePermission);
  EXPECT_EQ(ParseOrDie(first[1]).method(), stun::Method::kChannelBind);
  EXPECT_EQ(ParseOrDie(first[1]).Get<stun::ChannelNumber>()->number, kMinChannelNumber);
  EXPECT_EQ(ParseOrDie(first[2]).method(), stun::Method::kSend);
  EXPECT_TRUE(ParseOrDie(first[2]).is_indication());
  for (const Bytes& message : first)
    loop.DeliverToServer(message);
  loop.Pump();
  ASSERT_EQ(loop.to_peers().size(), 1u);
  EXPECT_EQ(loop.to_peers()[0].payload, hello);
  EXPECT_EQ(loop.client().BoundChannel(peer), kMinChannelNumber);

  ASSERT_TRUE(loop.client().SendTo(loop.now(), peer, hello).ok());
  auto second = loop.TakeClientMessages();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0], SerializeChannelData(kMinChannelNumber, hello));  // Unpadded over UDP.
  loop.DeliverToServer(second[0]);
  loop.Pump();
  ASSERT_EQ(loop.to_peers().size(), 2u);
  EXPECT_EQ(loop.client().stats().send_indications, 1u);
  EXPECT_EQ(loop.client().stats().channel_data_sent, 1u);

  // And back: the server uses the channel too.
  loop.PeerSends(peer, *loop.client().relayed_address(), Bytes{'y', 'o'});
  loop.Pump();
  const auto data = loop.EventsOf<PeerData>();
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0].peer, peer);
  EXPECT_EQ(data[0].data, (Bytes{'y', 'o'}));
  EXPECT_EQ(loop.client().stats().channel_data_received, 1u);
}

TEST(TurnClientTest, ChannelDataIsPaddedOverStreams) {
  SteppedLoop loop(ServerConfigWithUser(), ClientConfig(Addr("203.0.113.1:3478"), Transport::kTls));
  loop.Allocate();
  const SocketAddress peer = Addr("198.51.100.20:7000");
  const Bytes data = {1, 2, 3, 4, 5};
  ASSERT_TRUE(loop.client().SendTo(loop.now(), peer, data).ok());
  loop.Pump();
  ASSERT_TRUE(loop.client().SendTo(loop.now(), peer, data).ok());
  auto messages = loop.TakeClientMessages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0],
            SerializeChannelData(kMinChannelNumber, data, ChannelDataPadding::kFourByte));
}

TEST(TurnClientTest, MalformedServerMessagesAreDroppedAndCounted) {
  SteppedLoop loop;
  loop.Allocate();
  loop.events().clear();
  const Timestamp now = loop.now();
  TurnClient& client = loop.client();
  SeededRandom random(3);

  client.HandleServerMessage(now, Bytes{0xFF, 0x00, 0x01});  // Neither STUN nor ChannelData.
  client.HandleServerMessage(now, Bytes{});
  Bytes truncated =
      ParseOrDie(stun::Message::Request(stun::Method::kBinding, random).Serialize()).Serialize();
  truncated[3] = 8;  // Claims 8 bytes of attributes that are not there.
  client.HandleServerMessage(now, truncated);
  client.HandleServerMessage(now, Bytes{0x40, 0x00, 0x00, 0x09, 1});  // Truncated ChannelData.
  EXPECT_EQ(client.stats().dropped_malformed, 4u);

  client.HandleServerMessage(now, SerializeChannelData(0x4321, Bytes{1}));  // Never bound.
  EXPECT_EQ(client.stats().dropped_unknown_channel, 1u);

  stun::Message no_data = stun::Message::Indication(stun::Method::kData, random);
  no_data.Add(stun::XorPeerAddress{Addr("198.51.100.20:7000")});
  client.HandleServerMessage(now, no_data.Serialize());
  EXPECT_EQ(client.stats().dropped_malformed, 5u);

  // A response to nothing we sent; a request from the "server".
  stun::Message stray(stun::MessageClass::kSuccessResponse, stun::Method::kRefresh,
                      stun::NewTransactionId(random));
  client.HandleServerMessage(now, stray.Serialize());
  client.HandleServerMessage(now,
                             stun::Message::Request(stun::Method::kBinding, random).Serialize());
  EXPECT_EQ(client.stats().dropped_unexpected, 2u);

  EXPECT_EQ(client.state(), TurnClient::State::kAllocated);
  EXPECT_TRUE(loop.events().empty());
}

TEST(TurnClientTest, ResponsesFailingIntegrityAreDroppedOverUdp) {
  SteppedLoop loop;
  loop.Allocate();
  loop.client().CreatePermission(loop.now(), Ip("198.51.100.20"));
  auto request = loop.TakeClientMessages();
  ASSERT_EQ(request.size(), 1u);
  const stun::Message parsed = ParseOrDie(request[0]);

  // Forged: signed with the wrong key; and unsigned.
  const stun::IntegrityKey wrong = stun::IntegrityKey::LongTerm(kUser, "parley.test", "guess");
  loop.DeliverToClient(stun::Message::SuccessResponse(parsed).Serialize({.key = &wrong}));
  loop.DeliverToClient(stun::Message::SuccessResponse(parsed).Serialize());
  loop.DeliverToClient(stun::Message::ErrorResponse(parsed, 400).Serialize());
  EXPECT_EQ(loop.client().stats().dropped_integrity, 3u);
  EXPECT_FALSE(loop.client().HasPermission(Ip("198.51.100.20")));

  // The transaction is still alive: the genuine answer installs the permission.
  loop.DeliverToServer(request[0]);
  loop.Pump();
  EXPECT_TRUE(loop.client().HasPermission(Ip("198.51.100.20")));
  EXPECT_TRUE(loop.EventsOf<PermissionFailed>().empty());
}

TEST(TurnClientTest, IntegrityFailureEndsTheTransactionOverStreams) {
  SteppedLoop loop(ServerConfigWithUser(), ClientConfig(Addr("203.0.113.1:3478"), Transport::kTcp));
  loop.Allocate();
  loop.client().CreatePermission(loop.now(), Ip("198.51.100.20"));
  const stun::Message parsed = ParseOrDie(loop.TakeClientMessages().at(0));
  loop.DeliverToClient(stun::Message::SuccessResponse(parsed).Serialize());
  const auto failures = loop.EventsOf<PermissionFailed>();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].error_code, 0);
  EXPECT_THAT(failures[0].reason, HasSubstr("integrity"));
}

TEST(TurnClientTest, RefreshAfterAServerRestartLosesTheAllocation) {
  SteppedLoop loop;
  loop.Allocate();
  loop.RestartServer();
  // The refresh's nonce is unknown to the new server (438), then it has no allocation (437).
  loop.Advance(TimeDelta::Seconds(541));
  const auto lost = loop.EventsOf<AllocationLost>();
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_THAT(lost[0].reason, HasSubstr("437"));
  EXPECT_EQ(loop.client().state(), TurnClient::State::kFailed);
  EXPECT_EQ(loop.client().stats().stale_nonce_retries, 1u);
}

TEST(TurnClientTest, CloseSendsRefreshWithLifetimeZero) {
  SteppedLoop loop;
  loop.Allocate();
  const SocketAddress relayed = *loop.client().relayed_address();
  loop.client().Close(loop.now());
  EXPECT_EQ(loop.client().state(), TurnClient::State::kClosing);
  auto messages = loop.TakeClientMessages();
  ASSERT_EQ(messages.size(), 1u);
  const stun::Message refresh = ParseOrDie(messages[0]);
  EXPECT_EQ(refresh.method(), stun::Method::kRefresh);
  EXPECT_EQ(refresh.Get<stun::Lifetime>()->value, 0u);
  EXPECT_TRUE(refresh.message_integrity_offset());
  loop.DeliverToServer(messages[0]);
  loop.Pump();
  EXPECT_EQ(loop.client().state(), TurnClient::State::kClosed);
  EXPECT_FALSE(loop.server().HasAllocation(relayed));
  EXPECT_EQ(loop.server().stats().allocations_deleted, 1u);
  EXPECT_FALSE(loop.client().NextTimeout());
  // A retransmitted Refresh answered 437 after deletion changes nothing.
  loop.DeliverToServer(messages[0]);
  loop.Pump();
  EXPECT_EQ(loop.client().state(), TurnClient::State::kClosed);
}

TEST(TurnClientTest, CloseBeforeAllocationJustStops) {
  SteppedLoop loop;
  loop.client().Start(loop.now());
  (void)loop.TakeClientMessages();
  loop.client().Close(loop.now());
  EXPECT_EQ(loop.client().state(), TurnClient::State::kClosed);
  EXPECT_TRUE(loop.TakeClientMessages().empty());
  EXPECT_FALSE(loop.client().NextTimeout());
  EXPECT_TRUE(loop.events().empty());
}

TEST(TurnClientTest, TransportFailureEndsTheAllocation) {
  SteppedLoop loop;
  loop.Allocate();
  loop.client().HandleTransportFailure(loop.now(), "connection reset");
  loop.Pump();
  const auto lost = loop.EventsOf<AllocationLost>();
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].reason, "connection reset");
  EXPECT_EQ(loop.client().state(), TurnClient::State::kFailed);
  EXPECT_FALSE(loop.client().NextTimeout());
  EXPECT_EQ(ToString(loop.client().state()), "failed");
}

}  // namespace
}  // namespace parley::turn
