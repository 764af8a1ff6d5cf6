// The simulation servers in tests/support, driven with hand-made requests: the StunServer's
// Binding answers and the TurnServer's RFC 8656 server side (authentication, the 400/401/437/
// 438/441/442/443 errors, lifetimes and expiry, permission filtering, channels, stream clients).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "sim/addresses.h"
#include "stun/message.h"
#include "support/stun_server.h"
#include "support/turn_server.h"
#include "turn/channel_data.h"

namespace parley::testing {
namespace {

using sim::Addr;
using sim::Ip;
using stun::Method;

const SocketAddress kClient = Addr("192.0.2.10:5000");
const SocketAddress kPeer = Addr("198.51.100.20:7000");

class TurnServerTest : public ::testing::Test {
 protected:
  TurnServerTest() : server_(Ip("203.0.113.1"), Config(), random_) {}

  static TurnServerConfig Config() {
    TurnServerConfig config;
    config.users["alice"] = "alice-password";
    config.users["bob"] = "bob-password";
    config.default_lifetime = TimeDelta::Seconds(60);
    return config;
  }

  // Sends `request` from `from` (signed as `user` when a nonce is known) and returns the
  // server's one reply, parsed.
  stun::Message Send(stun::Message request, const std::string& user = "alice",
                     const SocketAddress& from = kClient) {
    Bytes wire;
    if (!nonce_.empty()) {
      request.Add(stun::Username{user}).Add(stun::Realm{"parley.test"}).Add(stun::Nonce{nonce_});
      const stun::IntegrityKey key =
          stun::IntegrityKey::LongTerm(user, "parley.test", server_.config().users.at(user));
      wire = request.Serialize({.key = &key});
    } else {
      wire = request.Serialize();
    }
    server_.HandleDatagram(now_, Datagram{from, server_.listen_address(), wire});
    auto reply = server_.PollTransmit();
    EXPECT_TRUE(reply);
    EXPECT_FALSE(server_.PollTransmit());
    if (!reply) return stun::Message(stun::MessageClass::kIndication, Method::kBinding, {});
    EXPECT_EQ(reply->destination, from);
    auto parsed = stun::Parse(reply->payload);
    EXPECT_TRUE(parsed);
    return *parsed;
  }
  static int CodeOf(const stun::Message& response) {
    auto error = response.Get<stun::ErrorCode>();
    return error ? error->code : 0;
  }
  stun::Message Request(Method method) { return stun::Message::Request(method, random_); }
  stun::Message AllocateRequest() {
    stun::Message request = Request(Method::kAllocate);
    request.Add(stun::RequestedTransport{});
    return request;
  }
  // Gets a nonce (401) and allocates; returns the relayed address.
  SocketAddress Allocate() {
    const stun::Message challenge = Send(AllocateRequest());
    EXPECT_EQ(CodeOf(challenge), 401);
    nonce_ = challenge.Get<stun::Nonce>()->value;
    const stun::Message success = Send(AllocateRequest());
    EXPECT_TRUE(success.is_success_response()) << CodeOf(success);
    return success.Get<stun::XorRelayedAddress>()->address;
  }
  stun::Message PermissionRequest(const SocketAddress& peer) {
    stun::Message request = Request(Method::kCreatePermission);
    request.Add(stun::XorPeerAddress{peer});
    return request;
  }
  stun::Message ChannelBindRequest(uint16_t number, const SocketAddress& peer) {
    stun::Message request = Request(Method::kChannelBind);
    request.Add(stun::ChannelNumber{number}).Add(stun::XorPeerAddress{peer});
    return request;
  }
  // What the server sends when the peer sends `payload` to `relayed`.
  std::optional<Datagram> FromPeer(const SocketAddress& relayed, Bytes payload) {
    server_.HandleDatagram(now_, Datagram{kPeer, relayed, std::move(payload)});
    return server_.PollTransmit();
  }
  void AdvanceTo(Timestamp t) {
    while (auto next = server_.NextTimeout()) {
      if (*next > t) break;
      now_ = *next;
      server_.HandleTimeout(now_);
    }
    now_ = t;
  }

  SeededRandom random_{5};
  TurnServer server_;
  Timestamp now_ = Timestamp::Seconds(100);
  std::string nonce_;
};

TEST_F(TurnServerTest, AnswersBindingRequests) {
  const stun::Message response = Send(Request(Method::kBinding));
  EXPECT_TRUE(response.is_success_response());
  EXPECT_EQ(response.Get<stun::XorMappedAddress>()->address, kClient);
}

TEST_F(TurnServerTest, ChallengesWithRealmAndNonce) {
  const stun::Message challenge = Send(AllocateRequest());
  EXPECT_EQ(CodeOf(challenge), 401);
  EXPECT_EQ(challenge.Get<stun::Realm>()->value, "parley.test");
  EXPECT_FALSE(challenge.Get<stun::Nonce>()->value.empty());
  EXPECT_FALSE(challenge.message_integrity_offset());
  EXPECT_EQ(server_.allocation_count(), 0u);
}

TEST_F(TurnServerTest, AllocatesAndSignsTheResponse) {
  const SocketAddress relayed = Allocate();
  EXPECT_EQ(relayed.ip(), Ip("203.0.113.1"));
  EXPECT_TRUE(server_.HasAllocation(relayed));
  EXPECT_EQ(server_.AllocationExpiry(relayed), now_ + TimeDelta::Seconds(60));
}

TEST_F(TurnServerTest, RejectsBadAllocateRequests) {
  Allocate();
  // A second allocation on the same 5-tuple: 437.
  EXPECT_EQ(CodeOf(Send(AllocateRequest())), 437);
  // Retransmissions of the Allocate that worked get its success again (§7.2).
  const SocketAddress other = Addr("192.0.2.10:5001");
  stun::Message allocate = AllocateRequest();
  const stun::Message first = Send(allocate, "alice", other);
  const stun::Message again = Send(allocate, "alice", other);
  EXPECT_TRUE(again.is_success_response());
  EXPECT_EQ(again.Get<stun::XorRelayedAddress>(), first.Get<stun::XorRelayedAddress>());

  const SocketAddress third = Addr("192.0.2.10:5002");
  EXPECT_EQ(CodeOf(Send(Request(Method::kAllocate), "alice", third)), 400);  // No transport.
  stun::Message tcp = Request(Method::kAllocate);
  tcp.Add(stun::RequestedTransport{stun::RequestedTransport::kTcp});
  EXPECT_EQ(CodeOf(Send(tcp, "alice", third)), 442);
  stun::Message v6 = AllocateRequest();
  v6.Add(stun::RequestedAddressFamily{IpFamily::kV6});
  EXPECT_EQ(CodeOf(Send(v6, "alice", third)), 440);
}

TEST_F(TurnServerTest, StaleNoncesGet438WithAFreshNonce) {
  Allocate();
  server_.ExpireNonces();
  const stun::Message stale = Send(Request(Method::kRefresh));
  EXPECT_EQ(CodeOf(stale), 438);
  ASSERT_TRUE(stale.Get<stun::Nonce>());
  EXPECT_NE(stale.Get<stun::Nonce>()->value, nonce_);
  nonce_ = stale.Get<stun::Nonce>()->value;
  EXPECT_TRUE(Send(Request(Method::kRefresh)).is_success_response());
}

TEST_F(TurnServerTest, WrongCredentialsGet401) {
  Allocate();
  stun::Message request = Request(Method::kRefresh);
  request.Add(stun::Username{"alice"}).Add(stun::Realm{"parley.test"}).Add(stun::Nonce{nonce_});
  const stun::IntegrityKey wrong = stun::IntegrityKey::LongTerm("alice", "parley.test", "nope");
  server_.HandleDatagram(
      now_, Datagram{kClient, server_.listen_address(), request.Serialize({.key = &wrong})});
  EXPECT_EQ(CodeOf(*stun::Parse(server_.PollTransmit()->payload)), 401);
}

TEST_F(TurnServerTest, AnotherUsersRequestsGet441) {
  Allocate();
  EXPECT_EQ(CodeOf(Send(Request(Method::kRefresh), "bob")), 441);
  EXPECT_EQ(CodeOf(Send(PermissionRequest(kPeer), "bob")), 441);
}

TEST_F(TurnServerTest, RequestsWithoutAnAllocationGet437) {
  nonce_ = Send(AllocateRequest()).Get<stun::Nonce>()->value;
  EXPECT_EQ(CodeOf(Send(Request(Method::kRefresh))), 437);
  EXPECT_EQ(CodeOf(Send(PermissionRequest(kPeer))), 437);
  EXPECT_EQ(CodeOf(Send(ChannelBindRequest(0x4000, kPeer))), 437);
}

TEST_F(TurnServerTest, RefreshExtendsAndLifetimeZeroDeletes) {
  const SocketAddress relayed = Allocate();
  now_ += TimeDelta::Seconds(30);
  stun::Message refresh = Request(Method::kRefresh);
  refresh.Add(stun::Lifetime{7200});  // Capped at the maximum (3600 s).
  const stun::Message response = Send(refresh);
  EXPECT_EQ(response.Get<stun::Lifetime>()->value, 3600u);
  EXPECT_EQ(server_.AllocationExpiry(relayed), now_ + TimeDelta::Seconds(3600));

  stun::Message remove = Request(Method::kRefresh);
  remove.Add(stun::Lifetime{0});
  EXPECT_EQ(Send(remove).Get<stun::Lifetime>()->value, 0u);
  EXPECT_FALSE(server_.HasAllocation(relayed));
  EXPECT_EQ(server_.stats().allocations_deleted, 1u);
}

TEST_F(TurnServerTest, AllocationsExpire) {
  const SocketAddress relayed = Allocate();
  AdvanceTo(now_ + TimeDelta::Seconds(59));
  EXPECT_TRUE(server_.HasAllocation(relayed));
  AdvanceTo(now_ + TimeDelta::Seconds(1));
  EXPECT_FALSE(server_.HasAllocation(relayed));
  EXPECT_EQ(server_.stats().allocations_expired, 1u);
  EXPECT_FALSE(FromPeer(relayed, Bytes{1}));
}

TEST_F(TurnServerTest, PermissionsFilterAndExpire) {
  const SocketAddress relayed = Allocate();
  stun::Message refresh = Request(Method::kRefresh);
  refresh.Add(stun::Lifetime{3600});
  Send(refresh);
  EXPECT_FALSE(FromPeer(relayed, Bytes{1}));
  EXPECT_EQ(server_.stats().peer_data_filtered, 1u);

  EXPECT_TRUE(Send(PermissionRequest(kPeer)).is_success_response());
  auto data = FromPeer(relayed, Bytes{2});
  ASSERT_TRUE(data);
  const auto indication = stun::Parse(data->payload);
  ASSERT_TRUE(indication);
  EXPECT_EQ(indication->method(), Method::kData);
  EXPECT_EQ(indication->Get<stun::XorPeerAddress>()->address, kPeer);
  EXPECT_EQ(indication->Get<stun::Data>()->value, Bytes{2});
  // Any port of the permitted IP (§9: permissions ignore ports).
  server_.HandleDatagram(now_, Datagram{Addr("198.51.100.20:9"), relayed, Bytes{3}});
  EXPECT_TRUE(server_.PollTransmit());

  AdvanceTo(now_ + TimeDelta::Seconds(300));
  EXPECT_FALSE(server_.HasPermission(relayed, kPeer.ip()));
  EXPECT_FALSE(FromPeer(relayed, Bytes{4}));
  EXPECT_EQ(server_.stats().peer_data_filtered, 2u);
  EXPECT_EQ(CodeOf(Send(PermissionRequest(Addr("[2001:db8::1]:1")))), 443);
  EXPECT_EQ(CodeOf(Send(Request(Method::kCreatePermission))), 400);
}

TEST_F(TurnServerTest, ChannelsRelayBothWays) {
  const SocketAddress relayed = Allocate();
  EXPECT_TRUE(Send(ChannelBindRequest(0x4001, kPeer)).is_success_response());
  EXPECT_TRUE(server_.HasPermission(relayed, kPeer.ip()));  // Installed by ChannelBind.
  EXPECT_EQ(server_.ChannelFor(relayed, kPeer), 0x4001);

  auto data = FromPeer(relayed, Bytes{9, 8, 7});
  ASSERT_TRUE(data);
  EXPECT_EQ(data->payload, turn::SerializeChannelData(0x4001, Bytes{9, 8, 7}));

  server_.HandleDatagram(now_, Datagram{kClient, server_.listen_address(),
                                        turn::SerializeChannelData(0x4001, Bytes{1, 2})});
  auto relayed_out = server_.PollTransmit();
  ASSERT_TRUE(relayed_out);
  EXPECT_EQ(relayed_out->source, relayed);
  EXPECT_EQ(relayed_out->destination, kPeer);
  EXPECT_EQ(relayed_out->payload, (Bytes{1, 2}));

  // Unbound channel: dropped. Conflicting bindings: 400.
  server_.HandleDatagram(now_, Datagram{kClient, server_.listen_address(),
                                        turn::SerializeChannelData(0x4002, Bytes{1})});
  EXPECT_FALSE(server_.PollTransmit());
  EXPECT_EQ(CodeOf(Send(ChannelBindRequest(0x4001, Addr("198.51.100.21:1")))), 400);
  EXPECT_EQ(CodeOf(Send(ChannelBindRequest(0x4002, kPeer))), 400);
  EXPECT_EQ(CodeOf(Send(ChannelBindRequest(0x3FFF, Addr("198.51.100.21:1")))), 400);
  // Rebinding the same pair refreshes it.
  EXPECT_TRUE(Send(ChannelBindRequest(0x4001, kPeer)).is_success_response());
}

TEST_F(TurnServerTest, SendIndicationsNeedAPermission) {
  const SocketAddress relayed = Allocate();
  stun::Message send = stun::Message::Indication(Method::kSend, random_);
  send.Add(stun::XorPeerAddress{kPeer}).Add(stun::Data{Bytes{5}});
  server_.HandleDatagram(now_, Datagram{kClient, server_.listen_address(), send.Serialize()});
  EXPECT_FALSE(server_.PollTransmit());
  EXPECT_EQ(server_.stats().client_data_dropped, 1u);
  Send(PermissionRequest(kPeer));
  server_.HandleDatagram(now_, Datagram{kClient, server_.listen_address(), send.Serialize()});
  auto out = server_.PollTransmit();
  ASSERT_TRUE(out);
  EXPECT_EQ(out->source, relayed);
  EXPECT_EQ(out->payload, Bytes{5});
}

TEST_F(TurnServerTest, StreamClientsAreAnsweredThroughTheirSinkAndFreedOnClose) {
  std::vector<Bytes> to_client;
  const SocketAddress stream_client = Addr("192.0.2.10:40000");
  server_.HandleStreamConnected(stream_client, [&](Bytes m) { to_client.push_back(std::move(m)); });
  server_.HandleStreamMessage(now_, stream_client, AllocateRequest().Serialize());
  ASSERT_EQ(to_client.size(), 1u);
  const auto challenge = stun::Parse(to_client[0]);
  nonce_ = challenge->Get<stun::Nonce>()->value;
  stun::Message allocate = AllocateRequest();
  allocate.Add(stun::Username{"alice"}).Add(stun::Realm{"parley.test"}).Add(stun::Nonce{nonce_});
  const stun::IntegrityKey key =
      stun::IntegrityKey::LongTerm("alice", "parley.test", "alice-password");
  server_.HandleStreamMessage(now_, stream_client, allocate.Serialize({.key = &key}));
  ASSERT_EQ(to_client.size(), 2u);
  EXPECT_TRUE(stun::Parse(to_client[1])->is_success_response());
  EXPECT_FALSE(server_.PollTransmit());  // Nothing over UDP.
  EXPECT_EQ(server_.allocation_count(), 1u);
  server_.HandleStreamClosed(stream_client);
  EXPECT_EQ(server_.allocation_count(), 0u);
}

TEST(StunServerTest, AnswersBindingWithTheSourceAddress) {
  StunServer server;
  SeededRandom random(1);
  const stun::Message request = stun::Message::Request(Method::kBinding, random);
  server.HandleDatagram(Timestamp::Seconds(1), Datagram{kClient, Addr("203.0.113.5:3478"),
                                                        request.Serialize({.fingerprint = true})});
  auto reply = server.PollTransmit();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->source, Addr("203.0.113.5:3478"));
  EXPECT_EQ(reply->destination, kClient);
  auto response = stun::Parse(reply->payload);
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->is_success_response());
  EXPECT_EQ(response->transaction_id(), request.transaction_id());
  EXPECT_EQ(response->Get<stun::XorMappedAddress>()->address, kClient);
  EXPECT_EQ(stun::VerifyFingerprint(*response), stun::IntegrityResult::kOk);
  EXPECT_EQ(server.stats().binding_requests, 1u);
}

TEST(StunServerTest, RejectsUnknownAttributesAndIgnoresNonRequests) {
  StunServer server;
  SeededRandom random(1);
  stun::Message request = stun::Message::Request(Method::kBinding, random);
  request.AddRaw(static_cast<stun::AttributeType>(0x7F00), Bytes{1, 2, 3, 4});
  server.HandleDatagram(Timestamp::Seconds(1),
                        Datagram{kClient, Addr("203.0.113.5:3478"), request.Serialize()});
  auto reply = stun::Parse(server.PollTransmit()->payload);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->Get<stun::ErrorCode>()->code, 420);
  EXPECT_EQ(reply->Get<stun::UnknownAttributes>()->types.size(), 1u);

  server.HandleDatagram(Timestamp::Seconds(1),
                        Datagram{kClient, Addr("203.0.113.5:3478"), Bytes{1, 2, 3}});
  server.HandleDatagram(Timestamp::Seconds(1),
                        Datagram{kClient, Addr("203.0.113.5:3478"),
                                 stun::Message::Indication(Method::kBinding, random).Serialize()});
  EXPECT_FALSE(server.PollTransmit());
  EXPECT_EQ(server.stats().dropped, 2u);
}

}  // namespace
}  // namespace parley::testing
