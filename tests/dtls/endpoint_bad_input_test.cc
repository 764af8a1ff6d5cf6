// Bad input never disturbs a DTLS association (RFC 6347 §4.1.2.7: invalid records are
// discarded): garbage, truncated records, tampered and replayed application data, records of
// unknown types, and a stranger's ClientHello are dropped and counted, and data still flows
// both ways afterwards.
#include <gtest/gtest.h>

#include <string>

#include "base/random.h"
#include "dtls/dtls_harness.h"
#include "dtls/endpoint.h"

namespace parley::dtls {
namespace {

using testing::DirectPair;
using testing::MakeConfig;
using testing::TestCertificate;

Bytes Text(const std::string& text) {
  return Bytes(text.begin(), text.end());
}

class BadInputTest : public ::testing::Test {
 protected:
  BadInputTest()
      : pair_(MakeConfig(Role::kClient, TestCertificate(0), TestCertificate(1)),
              MakeConfig(Role::kServer, TestCertificate(1), TestCertificate(0))) {}

  void SetUp() override {
    pair_.Start();
    ASSERT_TRUE(pair_.RunUntilConnected());
  }

  // A real application data datagram from the client, not delivered.
  Bytes ClientRecord(const std::string& text) {
    EXPECT_TRUE(pair_.client().Send(pair_.now(), Text(text)).ok());
    auto datagram = pair_.client().PollTransmit();
    EXPECT_TRUE(datagram.has_value());
    return datagram.value_or(Bytes{});
  }

  void InjectIntoServer(const Bytes& datagram) {
    pair_.server().HandleDatagram(pair_.now(), datagram);
    testing::Drain(pair_.server(), pair_.server_events());
  }

  // Still connected, nothing spurious happened, and data flows both ways.
  void ExpectUndisturbed() {
    EXPECT_EQ(pair_.server().state(), State::kConnected);
    EXPECT_EQ(pair_.client().state(), State::kConnected);
    EXPECT_EQ(pair_.server_events().states.size(), 2u);       // connecting, connected
    EXPECT_FALSE(pair_.server().PollTransmit().has_value());  // No alert, no retransmission.
    const size_t server_had = pair_.server_events().data.size();
    const size_t client_had = pair_.client_events().data.size();
    ASSERT_TRUE(pair_.client().Send(pair_.now(), Text("ping")).ok());
    ASSERT_TRUE(pair_.server().Send(pair_.now(), Text("pong")).ok());
    pair_.Exchange();
    ASSERT_EQ(pair_.server_events().data.size(), server_had + 1);
    EXPECT_EQ(pair_.server_events().data.back(), Text("ping"));
    ASSERT_EQ(pair_.client_events().data.size(), client_had + 1);
    EXPECT_EQ(pair_.client_events().data.back(), Text("pong"));
  }

  DirectPair pair_;
};

TEST_F(BadInputTest, GarbageDatagramsAreDroppedAndCounted) {
  SeededRandom random(7);
  int injected = 0;
  for (int i = 0; i < 200; ++i) {
    Bytes garbage(random.Uniform(1, 300));
    random.Fill(garbage);
    if (i % 2 == 0) garbage[0] = static_cast<uint8_t>(20 + i % 4);  // Looks like DTLS.
    InjectIntoServer(garbage);
    ++injected;
  }
  const auto& stats = pair_.server().stats();
  EXPECT_EQ(stats.datagrams_received, 2u + static_cast<uint64_t>(injected));
  EXPECT_GE(stats.datagrams_dropped_malformed, 195u);
  EXPECT_TRUE(pair_.server_events().data.empty());
  ExpectUndisturbed();
}

TEST_F(BadInputTest, TruncatedRecordsAreDroppedAndCounted) {
  const Bytes record = ClientRecord("truncated");
  for (size_t length = 1; length < record.size(); ++length) {
    InjectIntoServer(Bytes(record.begin(), record.begin() + static_cast<ptrdiff_t>(length)));
  }
  EXPECT_EQ(pair_.server().stats().datagrams_dropped_malformed, record.size() - 1);
  EXPECT_TRUE(pair_.server_events().data.empty());
  // The intact record is still good: the truncated copies did not touch the replay window.
  InjectIntoServer(record);
  ASSERT_EQ(pair_.server_events().data.size(), 1u);
  EXPECT_EQ(pair_.server_events().data[0], Text("truncated"));
  ExpectUndisturbed();
}

// A flipped bit anywhere in the encrypted part fails authentication: OpenSSL discards the
// record silently (RFC 6347 §4.1.2.7) and the session goes on.
TEST_F(BadInputTest, TamperedApplicationDataIsDiscarded) {
  const Bytes record = ClientRecord("authentic");
  for (size_t i = kRecordHeaderLength; i < record.size(); ++i) {
    Bytes tampered = record;
    tampered[i] ^= 0x01;
    InjectIntoServer(tampered);
  }
  // The sequence number is authenticated too.
  Bytes renumbered = record;
  renumbered[10] ^= 0x80;
  InjectIntoServer(renumbered);
  EXPECT_TRUE(pair_.server_events().data.empty());
  EXPECT_EQ(pair_.server().stats().application_records_received, 0u);
  InjectIntoServer(record);
  ASSERT_EQ(pair_.server_events().data.size(), 1u);
  ExpectUndisturbed();
}

TEST_F(BadInputTest, ReplayedApplicationDataIsDiscarded) {
  const Bytes record = ClientRecord("once");
  InjectIntoServer(record);
  InjectIntoServer(record);
  InjectIntoServer(record);
  ASSERT_EQ(pair_.server_events().data.size(), 1u);
  ExpectUndisturbed();
}

TEST_F(BadInputTest, UnknownContentTypesAreDroppedAndCounted) {
  Bytes record = ClientRecord("typed");
  for (uint8_t type : {24, 25, 19, 64}) {
    record[0] = type;
    InjectIntoServer(record);
  }
  EXPECT_EQ(pair_.server().stats().datagrams_dropped_malformed, 4u);
  ExpectUndisturbed();
}

// A third party's ClientHello (epoch 0) reaching an established association: dropped before
// OpenSSL, counted, no answer.
TEST_F(BadInputTest, StrangersClientHelloDoesNotDisturbTheSession) {
  Endpoint stranger(MakeConfig(Role::kClient, TestCertificate(2), TestCertificate(1)));
  stranger.Start(pair_.now());
  const Bytes hello = stranger.PollTransmit().value();
  InjectIntoServer(hello);
  pair_.client().HandleDatagram(pair_.now(), hello);
  testing::Drain(pair_.client(), pair_.client_events());
  EXPECT_EQ(pair_.server().stats().records_dropped_unexpected, 1u);
  EXPECT_EQ(pair_.client().stats().records_dropped_unexpected, 1u);
  EXPECT_FALSE(pair_.client().PollTransmit().has_value());
  ExpectUndisturbed();
}

// Plaintext records whose body does not parse are dropped individually; the datagram's other
// records are still processed.
TEST_F(BadInputTest, MalformedPlaintextRecordsAreDroppedIndividually) {
  const Bytes good = ClientRecord("kept");
  const Bytes bad_handshake = {1, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 20};  // fragment past the end
  const Bytes bad_ccs = {2};
  const Bytes bad_alert = {7, 0, 0};
  ByteWriter writer;
  WriteRecord(writer, {.type = ContentType::kHandshake, .epoch = 0, .fragment = bad_handshake});
  WriteRecord(writer, {.type = ContentType::kChangeCipherSpec, .epoch = 0, .fragment = bad_ccs});
  WriteRecord(writer, {.type = ContentType::kAlert, .epoch = 0, .fragment = bad_alert});
  Bytes datagram = std::move(writer).Take();
  datagram.insert(datagram.end(), good.begin(), good.end());
  InjectIntoServer(datagram);
  EXPECT_EQ(pair_.server().stats().records_dropped_malformed, 3u);
  ASSERT_EQ(pair_.server_events().data.size(), 1u);
  EXPECT_EQ(pair_.server_events().data[0], Text("kept"));
  ExpectUndisturbed();
}

// During the handshake too: garbage before and between the flights changes nothing.
TEST(BadInputHandshakeTest, GarbageDuringTheHandshakeIsIgnored) {
  DirectPair pair(MakeConfig(Role::kClient, TestCertificate(0), TestCertificate(1)),
                  MakeConfig(Role::kServer, TestCertificate(1), TestCertificate(0)));
  SeededRandom random(3);
  auto garbage = [&] {
    Bytes bytes(random.Uniform(1, 200));
    random.Fill(bytes);
    bytes[0] = 22;
    return bytes;
  };
  pair.server().Start(pair.now());
  for (int i = 0; i < 20; ++i)
    pair.server().HandleDatagram(pair.now(), garbage());
  EXPECT_FALSE(pair.server().PollTransmit().has_value());
  pair.client().Start(pair.now());
  for (int i = 0; i < 20; ++i) {
    pair.client().HandleDatagram(pair.now(), garbage());
    pair.server().HandleDatagram(pair.now(), garbage());
    pair.Exchange();
  }
  ASSERT_TRUE(pair.RunUntilConnected());
  EXPECT_EQ(pair.client().stats().retransmissions, 0u);
  EXPECT_GE(pair.server().stats().datagrams_dropped_malformed, 35u);
}

}  // namespace
}  // namespace parley::dtls
