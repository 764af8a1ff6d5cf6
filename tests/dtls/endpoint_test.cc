// The DTLS endpoint stepped by hand on a fake clock (DirectPair): handshake results, DTLS-SRTP
// profiles and keys, application data, close_notify, fingerprint verification (immediate and
// deferred), retransmission on our own deadlines only, MTU, and configuration errors.
#include "dtls/endpoint.h"

#include <gtest/gtest.h>

#include <string>

#include "dtls/dtls_harness.h"

namespace parley::dtls {
namespace {

using testing::DirectPair;
using testing::HandshakeFragments;
using testing::HasRecord;
using testing::MakeConfig;
using testing::Recorded;
using testing::TestCertificate;
using testing::TestRsaCertificate;

const Certificate& ClientCert() {
  return TestCertificate(0);
}
const Certificate& ServerCert() {
  return TestCertificate(1);
}
const Certificate& StrangerCert() {
  return TestCertificate(2);
}

Endpoint::Config Client() {
  return MakeConfig(Role::kClient, ClientCert(), ServerCert());
}
Endpoint::Config Server() {
  return MakeConfig(Role::kServer, ServerCert(), ClientCert());
}

Bytes Text(const std::string& text) {
  return Bytes(text.begin(), text.end());
}

std::vector<State> States(const Recorded& recorded) {
  std::vector<State> states;
  for (const StateChanged& change : recorded.states)
    states.push_back(change.state);
  return states;
}

// Nothing is released on failure: no keys, no material, no data, never connected.
void ExpectNothingReleased(const Endpoint& endpoint, const Recorded& events) {
  EXPECT_FALSE(endpoint.srtp_keys().has_value());
  EXPECT_FALSE(endpoint.srtp_profile().has_value());
  EXPECT_TRUE(endpoint.keying_material().empty());
  EXPECT_TRUE(events.data.empty());
  EXPECT_FALSE(events.Has(State::kConnected));
}

TEST(EndpointTest, HandshakeConnectsInTwoRoundTripsAndAgreesOnKeys) {
  DirectPair pair(Client(), Server());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected()) << pair.client().error() << " / " << pair.server().error();
  EXPECT_EQ(States(pair.client_events()),
            (std::vector<State>{State::kConnecting, State::kConnected}));
  EXPECT_EQ(States(pair.server_events()),
            (std::vector<State>{State::kConnecting, State::kConnected}));
  // Four flights, each packed into one datagram; no time passed.
  EXPECT_EQ(pair.client_sent.size(), 2u);
  EXPECT_EQ(pair.server_sent.size(), 2u);
  EXPECT_EQ(pair.now(), Timestamp::Seconds(1000));

  // Both defaults offered: the first, AEAD_AES_128_GCM.
  ASSERT_TRUE(pair.client().srtp_keys().has_value());
  EXPECT_EQ(pair.client().srtp_keys(), pair.server().srtp_keys());
  EXPECT_EQ(pair.client().srtp_profile(), srtp::Profile::kAeadAes128Gcm);
  EXPECT_EQ(pair.client().srtp_keys()->profile, srtp::Profile::kAeadAes128Gcm);
  EXPECT_EQ(pair.client().keying_material(), pair.server().keying_material());
  EXPECT_EQ(pair.client().keying_material().size(), 56u);  // 2 x (16 + 12), RFC 7714 §12.
  EXPECT_NE(pair.client().srtp_keys()->client, pair.client().srtp_keys()->server);

  for (Endpoint* side : {&pair.client(), &pair.server()}) {
    EXPECT_EQ(side->cipher_suite(), "ECDHE-ECDSA-AES128-GCM-SHA256");
    EXPECT_EQ(side->cipher_suite_id(), 0xC02B);
    EXPECT_EQ(side->cipher_suite_iana_name(), "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    EXPECT_FALSE(side->NextTimeout().has_value());
    EXPECT_EQ(side->error(), "");
    EXPECT_EQ(side->stats().retransmissions, 0u);
  }
  EXPECT_EQ(pair.client().role(), Role::kClient);
  EXPECT_EQ(pair.server().role(), Role::kServer);
  EXPECT_EQ(pair.client().remote_fingerprint(), ServerCert().fingerprint());
  EXPECT_EQ(pair.server().remote_fingerprint(), ClientCert().fingerprint());
  EXPECT_EQ(pair.client().remote_certificate_der(), ServerCert().der());
  EXPECT_EQ(pair.server().remote_certificate_der(), ClientCert().der());
}

TEST(EndpointTest, RsaServerCertificateUsesEcdheRsa) {
  DirectPair pair(MakeConfig(Role::kClient, ClientCert(), TestRsaCertificate()),
                  MakeConfig(Role::kServer, TestRsaCertificate(), ClientCert()));
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected()) << pair.client().error() << " / " << pair.server().error();
  EXPECT_EQ(pair.client().cipher_suite(), "ECDHE-RSA-AES128-GCM-SHA256");
  EXPECT_EQ(pair.client().srtp_keys(), pair.server().srtp_keys());
}

TEST(EndpointTest, NegotiatesEachSrtpProfileOfferedAlone) {
  for (srtp::Profile profile : srtp::kDefaultProfiles) {
    SCOPED_TRACE(std::string(srtp::ToString(profile)));
    Endpoint::Config client = Client();
    client.srtp_profiles = {profile};
    DirectPair pair(std::move(client), Server());  // The server accepts all four.
    pair.Start();
    ASSERT_TRUE(pair.RunUntilConnected());
    EXPECT_EQ(pair.client().srtp_profile(), profile);
    EXPECT_EQ(pair.server().srtp_profile(), profile);
    const auto keys = pair.client().srtp_keys();
    ASSERT_TRUE(keys.has_value());
    EXPECT_EQ(keys, pair.server().srtp_keys());
    EXPECT_EQ(keys->profile, profile);
    EXPECT_EQ(keys->client.key.size(), srtp::ParamsOf(profile).master_key_length);
    EXPECT_EQ(keys->server.salt.size(), srtp::ParamsOf(profile).master_salt_length);
    EXPECT_EQ(pair.client().keying_material().size(), srtp::KeyingMaterialLength(profile));
  }
}

// OpenSSL's server picks its own most preferred profile among the client's.
TEST(EndpointTest, ServerPreferenceDecidesAmongCommonProfiles) {
  struct Case {
    std::vector<srtp::Profile> client;
    std::vector<srtp::Profile> server;
    srtp::Profile expected;
  };
  const Case cases[] = {
      {{srtp::Profile::kAes128CmSha1_80, srtp::Profile::kAeadAes256Gcm},
       {srtp::Profile::kAeadAes256Gcm, srtp::Profile::kAes128CmSha1_80},
       srtp::Profile::kAeadAes256Gcm},
      {{srtp::Profile::kAeadAes256Gcm, srtp::Profile::kAes128CmSha1_80},
       {srtp::Profile::kAes128CmSha1_80, srtp::Profile::kAeadAes256Gcm},
       srtp::Profile::kAes128CmSha1_80},
  };
  for (const Case& c : cases) {
    Endpoint::Config client = Client();
    client.srtp_profiles = c.client;
    Endpoint::Config server = Server();
    server.srtp_profiles = c.server;
    DirectPair pair(std::move(client), std::move(server));
    pair.Start();
    ASSERT_TRUE(pair.RunUntilConnected());
    EXPECT_EQ(pair.client().srtp_profile(), c.expected);
  }
}

// As browsers: no SRTP profile in common (or none offered) still connects, for data channels.
TEST(EndpointTest, NoCommonSrtpProfileConnectsForDataOnly) {
  struct Case {
    std::vector<srtp::Profile> client;
    std::vector<srtp::Profile> server;
  };
  const Case cases[] = {
      {{srtp::Profile::kAes128CmSha1_80}, {srtp::Profile::kAeadAes128Gcm}},
      {{}, {srtp::Profile::kAeadAes128Gcm}},
      {{srtp::Profile::kAeadAes128Gcm}, {}},
      {{}, {}},
  };
  for (const Case& c : cases) {
    Endpoint::Config client = Client();
    client.srtp_profiles = c.client;
    Endpoint::Config server = Server();
    server.srtp_profiles = c.server;
    DirectPair pair(std::move(client), std::move(server));
    pair.Start();
    ASSERT_TRUE(pair.RunUntilConnected()) << pair.client().error();
    EXPECT_FALSE(pair.client().srtp_keys().has_value());
    EXPECT_FALSE(pair.server().srtp_keys().has_value());
    EXPECT_FALSE(pair.client().srtp_profile().has_value());
    EXPECT_TRUE(pair.client().keying_material().empty());
    ASSERT_TRUE(pair.client().Send(pair.now(), Text("sctp")).ok());
    pair.Exchange();
    ASSERT_EQ(pair.server_events().data.size(), 1u);
  }
}

TEST(EndpointTest, ApplicationDataFlowsBothWaysInOrder) {
  DirectPair pair(Client(), Server());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(pair.client().Send(pair.now(), Text("c" + std::to_string(i))).ok());
    ASSERT_TRUE(pair.server().Send(pair.now(), Text("s" + std::to_string(i))).ok());
  }
  pair.Exchange();
  ASSERT_EQ(pair.server_events().data.size(), 5u);
  ASSERT_EQ(pair.client_events().data.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(pair.server_events().data[static_cast<size_t>(i)], Text("c" + std::to_string(i)));
    EXPECT_EQ(pair.client_events().data[static_cast<size_t>(i)], Text("s" + std::to_string(i)));
  }
  EXPECT_EQ(pair.client().stats().application_records_sent, 5u);
  EXPECT_EQ(pair.server().stats().application_records_received, 5u);
}

TEST(EndpointTest, SendMustFitOneRecordWithinTheMtu) {
  DirectPair pair(Client(), Server());
  EXPECT_EQ(pair.client().Send(pair.now(), Text("early")).error().kind(),
            ErrorKind::kInvalidStateError);
  EXPECT_EQ(pair.client().max_application_data(), 0u);
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  // AES-128-GCM: 13 header + 8 explicit nonce + 16 tag.
  const size_t max = pair.client().max_application_data();
  EXPECT_EQ(max, 1200u - 13 - 8 - 16);
  ASSERT_TRUE(pair.client().Send(pair.now(), Bytes(max, 0x42)).ok());
  auto datagram = pair.client().PollTransmit();
  ASSERT_TRUE(datagram.has_value());
  EXPECT_EQ(datagram->size(), 1200u);
  pair.server().HandleDatagram(pair.now(), *datagram);
  testing::Drain(pair.server(), pair.server_events());
  ASSERT_EQ(pair.server_events().data.size(), 1u);
  EXPECT_EQ(pair.server_events().data[0], Bytes(max, 0x42));

  Result<void> too_big = pair.client().Send(pair.now(), Bytes(max + 1, 0x42));
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().kind(), ErrorKind::kOperationError);
  EXPECT_NE(too_big.error().message().find("at most 1163"), std::string::npos);
  EXPECT_FALSE(pair.client().PollTransmit().has_value());
  EXPECT_EQ(pair.client().state(), State::kConnected);
  EXPECT_TRUE(pair.client().Send(pair.now(), {}).ok());  // Nothing to send.
}

TEST(EndpointTest, CloseNotifyClosesThePeerEitherWay) {
  for (Role closer : {Role::kClient, Role::kServer}) {
    SCOPED_TRACE(std::string(ToString(closer)));
    DirectPair pair(Client(), Server());
    pair.Start();
    ASSERT_TRUE(pair.RunUntilConnected());
    Endpoint& closing = closer == Role::kClient ? pair.client() : pair.server();
    Endpoint& peer = closer == Role::kClient ? pair.server() : pair.client();
    Recorded& peer_events = closer == Role::kClient ? pair.server_events() : pair.client_events();
    Recorded& own_events = closer == Role::kClient ? pair.client_events() : pair.server_events();
    const auto& own_sent = closer == Role::kClient ? pair.client_sent : pair.server_sent;
    const size_t before = own_sent.size();
    closing.Close(pair.now());
    testing::Drain(closing, own_events);
    pair.Exchange();
    EXPECT_EQ(closing.state(), State::kClosed);
    EXPECT_EQ(own_events.Reason(), "closed locally");
    EXPECT_EQ(peer.state(), State::kClosed);
    EXPECT_EQ(peer_events.Reason(), "peer closed (close_notify)");
    EXPECT_EQ(peer.error(), "peer closed (close_notify)");
    ASSERT_GT(own_sent.size(), before);
    EXPECT_TRUE(HasRecord(own_sent[before].second, ContentType::kAlert));
    EXPECT_EQ(peer.stats().alerts_received, 1u);
    EXPECT_EQ(peer.Send(pair.now(), Text("late")).error().kind(), ErrorKind::kInvalidStateError);
    EXPECT_FALSE(peer.srtp_keys().has_value());
  }
}

TEST(EndpointTest, CloseBeforeTheHandshakeEndsSendsNothing) {
  DirectPair pair(Client(), Server());
  pair.client().Start(pair.now());
  while (pair.client().PollTransmit()) {
  }
  pair.client().Close(pair.now());
  EXPECT_FALSE(pair.client().PollTransmit().has_value());
  EXPECT_EQ(pair.client().state(), State::kClosed);
  EXPECT_FALSE(pair.client().NextTimeout().has_value());
}

// Both sides reject a peer whose certificate does not match what the remote description said:
// a wrong digest, or a real certificate other than the one the peer uses.
TEST(EndpointTest, FingerprintMismatchFailsBothSidesWithClearReasons) {
  Fingerprint wrong_digest = ServerCert().fingerprint();
  wrong_digest.digest.assign(32, 0xAB);
  for (Role verifier : {Role::kClient, Role::kServer}) {
    for (bool wrong_certificate : {false, true}) {
      SCOPED_TRACE(std::string(ToString(verifier)) +
                   (wrong_certificate ? " other certificate" : " wrong digest"));
      Endpoint::Config client = Client();
      Endpoint::Config server = Server();
      Endpoint::Config& checking = verifier == Role::kClient ? client : server;
      const Certificate& actual = verifier == Role::kClient ? ServerCert() : ClientCert();
      Fingerprint expected = wrong_digest;
      if (wrong_certificate) expected = StrangerCert().fingerprint();
      checking.remote_fingerprints = {expected};
      DirectPair pair(std::move(client), std::move(server));
      pair.Start();
      pair.RunUntil([&] {
        return pair.client().state() == State::kFailed && pair.server().state() == State::kFailed;
      });
      Endpoint& verifying = verifier == Role::kClient ? pair.client() : pair.server();
      Endpoint& other = verifier == Role::kClient ? pair.server() : pair.client();
      ASSERT_EQ(verifying.state(), State::kFailed);
      EXPECT_EQ(verifying.error(),
                "remote certificate does not match the fingerprint in the remote description "
                "(expected " +
                    expected.ToString() + ", got " + actual.fingerprint().ToString() + ")");
      ASSERT_EQ(other.state(), State::kFailed);
      EXPECT_EQ(other.error(), "peer sent fatal alert: bad certificate");
      EXPECT_EQ(verifying.stats().alerts_sent, 1u);
      EXPECT_EQ(other.stats().alerts_received, 1u);
      ExpectNothingReleased(pair.client(), pair.client_events());
      ExpectNothingReleased(pair.server(), pair.server_events());
      EXPECT_EQ(pair.client().Send(pair.now(), Text("x")).error().kind(),
                ErrorKind::kInvalidStateError);
      EXPECT_EQ(pair.client_events().Reason(), pair.client().error());
    }
  }
}

TEST(EndpointTest, AcceptsEveryHashAndAnyOfSeveralFingerprints) {
  Fingerprint wrong = ServerCert().fingerprint();
  wrong.digest.assign(32, 0);
  const std::vector<std::vector<Fingerprint>> accepted = {
      {ServerCert().fingerprint(HashAlgorithm::kSha1)},
      {ServerCert().fingerprint(HashAlgorithm::kSha224)},
      {ServerCert().fingerprint(HashAlgorithm::kSha384)},
      {ServerCert().fingerprint(HashAlgorithm::kSha512)},
      {wrong, ServerCert().fingerprint(HashAlgorithm::kSha512)},
  };
  for (const auto& fingerprints : accepted) {
    Endpoint::Config client = Client();
    client.remote_fingerprints = fingerprints;
    DirectPair pair(std::move(client), Server());
    pair.Start();
    EXPECT_TRUE(pair.RunUntilConnected()) << fingerprints.back().ToString();
  }
}

// The offerer (server) hears the ClientHello before the answer with the client's fingerprint.
class DeferredFingerprintTest : public ::testing::Test {
 protected:
  DeferredFingerprintTest()
      : pair_(Client(), [] {
          Endpoint::Config server = Server();
          server.remote_fingerprints.clear();
          return server;
        }()) {}

  // Handshake as far as it goes without the fingerprint; the client sends data meanwhile.
  void HandshakeWithoutFingerprint() {
    pair_.Start();
    pair_.RunUntil([&] { return pair_.client().state() == State::kConnected; });
    ASSERT_EQ(pair_.client().state(), State::kConnected);
    ASSERT_TRUE(pair_.client().Send(pair_.now(), Text("early sctp")).ok());
    pair_.Exchange();
    // The server finished the handshake but released nothing.
    EXPECT_EQ(pair_.server().state(), State::kConnecting);
    EXPECT_EQ(pair_.server().remote_fingerprint(), ClientCert().fingerprint());
    EXPECT_EQ(pair_.server().stats().application_records_received, 1u);
    ExpectNothingReleased(pair_.server(), pair_.server_events());
    EXPECT_EQ(pair_.server().Send(pair_.now(), Text("x")).error().kind(),
              ErrorKind::kInvalidStateError);
  }

  DirectPair pair_;
};

TEST_F(DeferredFingerprintTest, MatchingFingerprintLaterConnectsAndReleasesHeldData) {
  HandshakeWithoutFingerprint();
  ASSERT_TRUE(pair_.server().SetRemoteFingerprints(pair_.now(), {ClientCert().fingerprint()}).ok());
  testing::Drain(pair_.server(), pair_.server_events());
  EXPECT_EQ(pair_.server().state(), State::kConnected);
  ASSERT_EQ(pair_.server_events().data.size(), 1u);
  EXPECT_EQ(pair_.server_events().data[0], Text("early sctp"));
  EXPECT_EQ(pair_.server().srtp_keys(), pair_.client().srtp_keys());
  ASSERT_TRUE(pair_.server().Send(pair_.now(), Text("reply")).ok());
  pair_.Exchange();
  ASSERT_EQ(pair_.client_events().data.size(), 1u);
}

TEST_F(DeferredFingerprintTest, WrongFingerprintLaterFailsAndClosesThePeer) {
  HandshakeWithoutFingerprint();
  ASSERT_TRUE(
      pair_.server().SetRemoteFingerprints(pair_.now(), {StrangerCert().fingerprint()}).ok());
  pair_.Exchange();
  EXPECT_EQ(pair_.server().state(), State::kFailed);
  EXPECT_NE(pair_.server().error().find("does not match the fingerprint"), std::string::npos)
      << pair_.server().error();
  ExpectNothingReleased(pair_.server(), pair_.server_events());
  // The handshake was over: close_notify is all OpenSSL can still tell the peer.
  EXPECT_EQ(pair_.client().state(), State::kClosed);
  EXPECT_EQ(pair_.client().error(), "peer closed (close_notify)");
}

TEST_F(DeferredFingerprintTest, TimesOutWithoutTheFingerprint) {
  HandshakeWithoutFingerprint();
  EXPECT_EQ(pair_.server().NextTimeout(), Timestamp::Seconds(1000) + TimeDelta::Seconds(30));
  pair_.RunUntil([&] { return pair_.server().state() == State::kFailed; });
  EXPECT_EQ(pair_.server().error(), "handshake timed out waiting for the remote fingerprint");
  ExpectNothingReleased(pair_.server(), pair_.server_events());
}

// The fingerprint arrives between the ClientHello and the client's certificate: verified in
// the handshake as usual.
TEST(EndpointTest, FingerprintArrivingMidHandshakeIsUsedInTheHandshake) {
  Endpoint::Config server = Server();
  server.remote_fingerprints.clear();
  Endpoint client(Client());
  Endpoint server_endpoint(std::move(server));
  const Timestamp now = Timestamp::Seconds(1);
  server_endpoint.Start(now);
  client.Start(now);
  auto hello = client.PollTransmit();
  ASSERT_TRUE(hello.has_value());
  server_endpoint.HandleDatagram(now, *hello);
  ASSERT_TRUE(server_endpoint.SetRemoteFingerprints(now, {StrangerCert().fingerprint()}).ok());
  EXPECT_EQ(server_endpoint.state(), State::kConnecting);  // No certificate yet to check.
  while (auto d = server_endpoint.PollTransmit())
    client.HandleDatagram(now, *d);
  while (auto d = client.PollTransmit())
    server_endpoint.HandleDatagram(now, *d);
  EXPECT_EQ(server_endpoint.state(), State::kFailed);
  EXPECT_NE(server_endpoint.error().find("does not match"), std::string::npos);
  // The alert went out before the server's Finished.
  while (auto d = server_endpoint.PollTransmit())
    client.HandleDatagram(now, *d);
  EXPECT_EQ(client.state(), State::kFailed);
  EXPECT_EQ(client.error(), "peer sent fatal alert: bad certificate");
}

// RTCDtlsTransportState "closed" is the receipt of close_notify, also before the handshake ends.
TEST(EndpointTest, CloseNotifyDuringTheHandshakeCloses) {
  DirectPair pair(Client(), Server());
  pair.server().Start(pair.now());
  pair.client().Start(pair.now());
  pair.server().HandleDatagram(pair.now(), *pair.client().PollTransmit());
  ASSERT_TRUE(pair.server().PollTransmit().has_value());
  ByteWriter alert;
  const Bytes close_notify = {1, 0};  // warning(1), close_notify(0)
  WriteRecord(
      alert,
      {.type = ContentType::kAlert, .epoch = 0, .sequence_number = 1, .fragment = close_notify});
  pair.server().HandleDatagram(pair.now(), std::move(alert).Take());
  testing::Drain(pair.server(), pair.server_events());
  EXPECT_EQ(pair.server().state(), State::kClosed);
  EXPECT_EQ(pair.server().error(), "peer closed (close_notify) during the handshake");
  ExpectNothingReleased(pair.server(), pair.server_events());
  EXPECT_FALSE(pair.server().NextTimeout().has_value());
}

TEST(EndpointTest, SetRemoteFingerprintsRejectsBadCalls) {
  DirectPair pair(Client(), Server());
  EXPECT_EQ(pair.client().SetRemoteFingerprints(pair.now(), {}).error().kind(),
            ErrorKind::kInvalidAccessError);
  Fingerprint short_digest = ServerCert().fingerprint();
  short_digest.digest.pop_back();
  EXPECT_EQ(pair.client().SetRemoteFingerprints(pair.now(), {short_digest}).error().kind(),
            ErrorKind::kInvalidAccessError);
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  // Connected: the same certificate under another hash is fine, another certificate is not.
  EXPECT_TRUE(
      pair.client()
          .SetRemoteFingerprints(pair.now(), {ServerCert().fingerprint(HashAlgorithm::kSha1)})
          .ok());
  Result<void> changed =
      pair.client().SetRemoteFingerprints(pair.now(), {StrangerCert().fingerprint()});
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.error().kind(), ErrorKind::kInvalidModificationError);
  EXPECT_EQ(pair.client().state(), State::kConnected);
  pair.client().Close(pair.now());
  EXPECT_EQ(
      pair.client().SetRemoteFingerprints(pair.now(), {ServerCert().fingerprint()}).error().kind(),
      ErrorKind::kInvalidStateError);
}

// Retransmission happens at our deadlines and nowhere else: initial 400 ms, doubling, then the
// handshake gives up at 30 s.
TEST(EndpointTest, RetransmitsOnlyAtOurDeadlinesThenTimesOut) {
  Endpoint client(Client());
  const Timestamp t0 = Timestamp::Seconds(1000);
  client.Start(t0);
  ASSERT_TRUE(client.PollTransmit().has_value());
  EXPECT_FALSE(client.PollTransmit().has_value());
  const int64_t expected_ms[] = {400, 1200, 2800, 6000, 12400, 25200};
  for (int64_t at : expected_ms) {
    ASSERT_EQ(client.NextTimeout(), t0 + TimeDelta::Millis(at));
    // A microsecond early: nothing.
    client.HandleTimeout(t0 + TimeDelta::Millis(at) - TimeDelta::Micros(1));
    EXPECT_FALSE(client.PollTransmit().has_value()) << at;
    client.HandleTimeout(t0 + TimeDelta::Millis(at));
    auto resent = client.PollTransmit();
    ASSERT_TRUE(resent.has_value()) << at;
    EXPECT_EQ(HandshakeFragments(*resent).at(0).msg_type,
              static_cast<uint8_t>(HandshakeType::kClientHello));
    EXPECT_FALSE(client.PollTransmit().has_value());
  }
  EXPECT_EQ(client.stats().retransmissions, 6u);
  // 25.2 s + 12.8 s would pass the 30 s handshake timeout, which comes first.
  ASSERT_EQ(client.NextTimeout(), t0 + TimeDelta::Seconds(30));
  client.HandleTimeout(t0 + TimeDelta::Seconds(30));
  EXPECT_EQ(client.state(), State::kFailed);
  EXPECT_EQ(client.error(), "handshake timed out (after 6 retransmissions)");
  EXPECT_FALSE(client.NextTimeout().has_value());
  EXPECT_FALSE(client.PollTransmit().has_value());
}

TEST(EndpointTest, RetransmitTimeoutsAreConfigurable) {
  Endpoint::Config config = Client();
  config.initial_retransmit_timeout = TimeDelta::Millis(50);
  config.max_retransmit_timeout = TimeDelta::Millis(150);
  config.handshake_timeout = TimeDelta::Seconds(1);
  Endpoint client(std::move(config));
  const Timestamp t0 = Timestamp::Seconds(5);
  client.Start(t0);
  std::vector<int64_t> sent_at_ms;
  Timestamp now = t0;
  while (client.state() == State::kConnecting) {
    while (client.PollTransmit())
      sent_at_ms.push_back((now - t0).ms());
    now = *client.NextTimeout();
    client.HandleTimeout(now);
  }
  // 50, +100, then capped at +150 each until the 1 s handshake timeout.
  EXPECT_EQ(sent_at_ms, (std::vector<int64_t>{0, 50, 150, 300, 450, 600, 750, 900}));
  EXPECT_EQ(client.error(), "handshake timed out (after 7 retransmissions)");
}

// Inputs between deadlines never make OpenSSL retransmit on its own (it checks its timer on
// every read), however late the call.
TEST(EndpointTest, NeverRetransmitsInsideHandleDatagram) {
  DirectPair pair(Client(), Server());
  pair.client().Start(pair.now());
  ASSERT_TRUE(pair.client().PollTransmit().has_value());
  const Timestamp late = pair.now() + TimeDelta::Seconds(5);  // Past the 400 ms deadline.
  // Records OpenSSL reads and discards: application data and an alert from epoch 1.
  ByteWriter junk;
  const Bytes payload(40, 0x5A);
  WriteRecord(junk, {.type = ContentType::kApplicationData, .epoch = 1, .fragment = payload});
  WriteRecord(junk, {.type = ContentType::kAlert, .epoch = 1, .fragment = payload});
  const Bytes junk_datagram = std::move(junk).Take();
  for (int i = 0; i < 5; ++i) {
    pair.client().HandleDatagram(late, junk_datagram);
    EXPECT_FALSE(pair.client().PollTransmit().has_value()) << i;
  }
  EXPECT_EQ(pair.client().stats().retransmissions, 0u);
  EXPECT_EQ(pair.client().state(), State::kConnecting);

  // The same for a server waiting on the client's second flight.
  DirectPair second(Client(), Server());
  second.server().Start(second.now());
  second.client().Start(second.now());
  const std::optional<Bytes> client_hello = second.client().PollTransmit();
  ASSERT_TRUE(client_hello.has_value());
  second.server().HandleDatagram(second.now(), *client_hello);
  ASSERT_TRUE(second.server().PollTransmit().has_value());
  const Timestamp later = second.now() + TimeDelta::Seconds(10);
  second.server().HandleDatagram(later, junk_datagram);
  second.server().HandleDatagram(later, *client_hello);  // A stale ClientHello.
  EXPECT_FALSE(second.server().PollTransmit().has_value());
  EXPECT_EQ(second.server().stats().retransmissions, 0u);
  // The server's deadline still comes from its own schedule.
  EXPECT_EQ(second.server().NextTimeout(), second.now() + TimeDelta::Millis(400));
}

// Each new flight starts from the initial timeout again (RFC 6347 §4.2.4.1).
TEST(EndpointTest, BackoffRestartsWithTheNextFlight) {
  DirectPair pair(Client(), Server());
  int hellos = 0;
  pair.drop = [&](Role from, const Bytes&) { return from == Role::kClient && ++hellos <= 2; };
  const Timestamp t0 = pair.now();
  pair.server().Start(t0);
  pair.client().Start(t0);
  pair.Exchange();  // ClientHello #1 lost.
  EXPECT_EQ(pair.client().NextTimeout(), t0 + TimeDelta::Millis(400));
  pair.AdvanceTo(t0 + TimeDelta::Millis(400));
  pair.client().HandleTimeout(pair.now());
  pair.Exchange();  // #2 lost.
  EXPECT_EQ(pair.client().NextTimeout(), t0 + TimeDelta::Millis(1200));
  pair.AdvanceTo(t0 + TimeDelta::Millis(1200));
  pair.drop = [&](Role from, const Bytes&) { return from == Role::kClient && ++hellos == 4; };
  pair.client().HandleTimeout(pair.now());
  pair.Exchange();  // #3 arrives; the client's second flight is lost.
  EXPECT_EQ(pair.client().stats().retransmissions, 2u);
  EXPECT_EQ(pair.client().NextTimeout(), pair.now() + TimeDelta::Millis(400));
  pair.drop = nullptr;
  ASSERT_TRUE(pair.RunUntilConnected());
  EXPECT_EQ(pair.now(), t0 + TimeDelta::Millis(1600));
}

// RFC 6347 §4.2.4: the server's last flight (ChangeCipherSpec, Finished) is lost; the client's
// timer resends its flight, and the server answers with its last flight again.
TEST(EndpointTest, LostFinalFlightIsRecoveredByTheClientsRetransmission) {
  DirectPair pair(Client(), Server());
  bool dropped = false;
  pair.drop = [&](Role from, const Bytes& datagram) {
    if (from != Role::kServer || dropped || !HasRecord(datagram, ContentType::kChangeCipherSpec)) {
      return false;
    }
    dropped = true;
    return true;
  };
  const Timestamp t0 = pair.now();
  pair.Start();
  pair.Exchange();
  EXPECT_EQ(pair.server().state(), State::kConnected);
  EXPECT_EQ(pair.client().state(), State::kConnecting);
  ASSERT_TRUE(pair.RunUntilConnected());
  EXPECT_TRUE(dropped);
  EXPECT_EQ(pair.now(), t0 + TimeDelta::Millis(400));
  EXPECT_EQ(pair.client().stats().retransmissions, 1u);
  EXPECT_EQ(pair.server().stats().retransmissions, 0u);  // Answered, not timed.
  int final_flights = 0;
  for (const auto& [at, datagram] : pair.server_sent) {
    if (HasRecord(datagram, ContentType::kChangeCipherSpec)) ++final_flights;
  }
  EXPECT_EQ(final_flights, 2);
  EXPECT_EQ(pair.client().srtp_keys(), pair.server().srtp_keys());
  ASSERT_TRUE(pair.client().Send(pair.now(), Text("after recovery")).ok());
  pair.Exchange();
  EXPECT_EQ(pair.server_events().data.size(), 1u);
}

// RFC 6347 §4.2.3: handshake messages, the certificate above all, are fragmented to the MTU.
TEST(EndpointTest, EveryDatagramFitsTheMtuAndTheCertificateIsFragmented) {
  for (size_t mtu : {256u, 600u, 1200u}) {
    SCOPED_TRACE(mtu);
    Endpoint::Config client = MakeConfig(Role::kClient, ClientCert(), TestRsaCertificate());
    Endpoint::Config server = MakeConfig(Role::kServer, TestRsaCertificate(), ClientCert());
    client.mtu = mtu;
    server.mtu = mtu;
    DirectPair pair(std::move(client), std::move(server));
    pair.Start();
    ASSERT_TRUE(pair.RunUntilConnected()) << pair.client().error();
    ASSERT_TRUE(
        pair.client().Send(pair.now(), Bytes(pair.client().max_application_data(), 1)).ok());
    pair.Exchange();
    uint32_t certificate_length = 0;
    int certificate_fragments = 0;
    for (const auto* sent : {&pair.client_sent, &pair.server_sent}) {
      for (const auto& [at, datagram] : *sent)
        EXPECT_LE(datagram.size(), mtu);
    }
    for (const auto& [at, datagram] : pair.server_sent) {
      for (const HandshakeFragment& fragment : HandshakeFragments(datagram)) {
        if (fragment.msg_type != static_cast<uint8_t>(HandshakeType::kCertificate)) continue;
        certificate_length = fragment.length;
        ++certificate_fragments;
      }
    }
    // The RSA certificate message is ~680 bytes.
    EXPECT_GT(certificate_length, 600u);
    if (mtu < 1200) {
      EXPECT_GE(certificate_fragments, 2);
    } else {
      EXPECT_EQ(certificate_fragments, 1);
    }
  }
}

TEST(EndpointTest, BadConfigurationFailsAtStart) {
  struct Case {
    std::function<void(Endpoint::Config&)> change;
    std::string reason;
  };
  const Case cases[] = {
      {[](Endpoint::Config& c) { c.certificate = Certificate(); }, "no certificate"},
      {[](Endpoint::Config& c) { c.mtu = 255; }, "mtu 255 is outside [256, 65507]"},
      {[](Endpoint::Config& c) { c.initial_retransmit_timeout = TimeDelta::Zero(); }, "timeouts"},
      {[](Endpoint::Config& c) { c.max_retransmit_timeout = TimeDelta::Millis(1); }, "timeouts"},
      {[](Endpoint::Config& c) { c.remote_fingerprints[0].digest.resize(3); }, "wrong length"},
  };
  for (const Case& c : cases) {
    Endpoint::Config config = Client();
    c.change(config);
    Endpoint endpoint(std::move(config));
    endpoint.HandleDatagram(Timestamp::Seconds(1), Bytes{22, 0xFE, 0xFD});
    endpoint.Start(Timestamp::Seconds(1));
    EXPECT_EQ(endpoint.state(), State::kFailed);
    EXPECT_NE(endpoint.error().find(c.reason), std::string::npos) << endpoint.error();
    EXPECT_FALSE(endpoint.PollTransmit().has_value());
    auto event = endpoint.PollEvent();
    ASSERT_TRUE(event.has_value());
    EXPECT_EQ(std::get<StateChanged>(*event).state, State::kFailed);
  }
}

// The peer's ClientHello may arrive before our Start(): it is kept and answered at Start.
TEST(EndpointTest, DatagramsBeforeStartAreHandledAtStart) {
  DirectPair pair(Client(), Server());
  pair.client().Start(pair.now());
  pair.server().HandleDatagram(pair.now(), *pair.client().PollTransmit());
  EXPECT_EQ(pair.server().state(), State::kNew);
  EXPECT_FALSE(pair.server().PollTransmit().has_value());
  pair.server().Start(pair.now());
  ASSERT_TRUE(pair.RunUntilConnected());
  EXPECT_EQ(pair.client().stats().retransmissions, 0u);
}

TEST(EndpointTest, StateNames) {
  EXPECT_EQ(ToString(State::kNew), "new");
  EXPECT_EQ(ToString(State::kConnecting), "connecting");
  EXPECT_EQ(ToString(State::kConnected), "connected");
  EXPECT_EQ(ToString(State::kClosed), "closed");
  EXPECT_EQ(ToString(State::kFailed), "failed");
}

}  // namespace
}  // namespace parley::dtls
