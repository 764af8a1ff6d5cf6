// TlsClient (sans-IO TLS over memory BIOs) against an in-process OpenSSL server, with
// certificates generated in the test: verification by CA and by name (DNS and IP), the insecure
// mode, data both ways, records split byte by byte, close_notify, and configuration errors.
#include "tls/tls_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/test_pki.h"
#include "support/tls_test_server.h"

namespace parley::tls {
namespace {

using ::parley::testing::GenerateTestPki;
using ::parley::testing::TestPki;
using ::parley::testing::TlsTestServer;
using ::parley::testing::TlsTestServerOptions;
using ::testing::HasSubstr;

constexpr const char* kName = "turn.example.test";
constexpr const char* kIp = "203.0.113.1";

// One PKI for the whole suite (key generation is the slow part), plus an unrelated CA.
const TestPki& Pki() {
  static const TestPki pki = GenerateTestPki({kName}, {kIp});
  return pki;
}
const TestPki& OtherPki() {
  static const TestPki pki = GenerateTestPki({kName}, {kIp}, "Some Other CA");
  return pki;
}

TlsTestServerOptions ServerOptions(bool tls12_only = false) {
  return {Pki().server.certificate_pem, Pki().server.private_key_pem, tls12_only};
}

TlsClientConfig VerifyingConfig(std::string name = kName) {
  return {.server_name = std::move(name), .ca_pem = Pki().ca.certificate_pem};
}

// Moves bytes both ways until neither side has anything to say. With `chunk` set, each record
// is delivered `chunk` bytes at a time.
void Exchange(TlsClient& client, TlsTestServer& server, size_t chunk = 0) {
  auto deliver = [chunk](const Bytes& bytes, auto&& sink) {
    if (chunk == 0) {
      sink(ByteView(bytes));
      return;
    }
    for (size_t i = 0; i < bytes.size(); i += chunk) {
      sink(ByteView(bytes).subspan(i, std::min(chunk, bytes.size() - i)));
    }
  };
  for (bool moved = true; moved;) {
    moved = false;
    while (auto bytes = client.PollNetworkData()) {
      moved = true;
      deliver(*bytes, [&](ByteView b) { server.HandleNetworkData(b); });
    }
    while (auto bytes = server.PollNetworkData()) {
      moved = true;
      deliver(*bytes, [&](ByteView b) { client.HandleNetworkData(b); });
    }
  }
}

Bytes Drain(TlsClient& client) {
  Bytes all;
  while (auto bytes = client.PollApplicationData())
    all.insert(all.end(), bytes->begin(), bytes->end());
  return all;
}

Bytes Drain(TlsTestServer& server) {
  Bytes all;
  while (auto bytes = server.PollApplicationData())
    all.insert(all.end(), bytes->begin(), bytes->end());
  return all;
}

Bytes Text(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

TEST(TlsClientTest, StartsWithClientHello) {
  TlsClient client(VerifyingConfig());
  EXPECT_EQ(client.state(), TlsClient::State::kHandshaking);
  auto hello = client.PollNetworkData();
  ASSERT_TRUE(hello);
  ASSERT_GE(hello->size(), 6u);
  EXPECT_EQ((*hello)[0], 0x16);  // Handshake record.
  EXPECT_EQ((*hello)[5], 0x01);  // ClientHello.
  EXPECT_FALSE(client.PollNetworkData());
  EXPECT_EQ(client.protocol_version(), "");
}

TEST(TlsClientTest, HandshakeSucceedsWithTheRightCaAndSendsSni) {
  TlsTestServer server(ServerOptions());
  TlsClient client(VerifyingConfig());
  Exchange(client, server);
  EXPECT_EQ(client.state(), TlsClient::State::kConnected) << client.error();
  EXPECT_TRUE(client.error().empty());
  EXPECT_TRUE(server.handshake_done());
  EXPECT_EQ(server.server_name(), kName);
  EXPECT_EQ(client.protocol_version(), "TLSv1.3");
}

TEST(TlsClientTest, HandshakeSucceedsOverTls12) {
  TlsTestServer server(ServerOptions(/*tls12_only=*/true));
  TlsClient client(VerifyingConfig());
  Exchange(client, server);
  EXPECT_EQ(client.state(), TlsClient::State::kConnected) << client.error();
  EXPECT_EQ(client.protocol_version(), "TLSv1.2");
}

TEST(TlsClientTest, LoadsTheCaFromAFile) {
  // Unique per process, so parallel test runs do not collide.
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("parley_tls_ca_" + std::to_string(::getpid()) + ".pem");
  std::ofstream(path) << Pki().ca.certificate_pem;
  TlsTestServer server(ServerOptions());
  TlsClient client({.server_name = kName, .ca_file = path.string()});
  Exchange(client, server);
  std::filesystem::remove(path);
  EXPECT_EQ(client.state(), TlsClient::State::kConnected) << client.error();
}

TEST(TlsClientTest, FailsWithAClearErrorWithTheWrongCa) {
  TlsTestServer server(ServerOptions());
  TlsClient client({.server_name = kName, .ca_pem = OtherPki().ca.certificate_pem});
  Exchange(client, server);
  EXPECT_EQ(client.state(), TlsClient::State::kFailed);
  EXPECT_THAT(client.error(), HasSubstr("certificate verification failed"));
  EXPECT_THAT(client.error(), HasSubstr("unable to get local issuer certificate"));
  // The client told the server why (an alert), so the server failed too.
  EXPECT_TRUE(server.failed());
  EXPECT_FALSE(client.Write(Text("x")).ok());
}

TEST(TlsClientTest, FailsWithAClearErrorWithTheWrongName) {
  TlsTestServer server(ServerOptions());
  TlsClient client(VerifyingConfig("other.example.test"));
  Exchange(client, server);
  EXPECT_EQ(client.state(), TlsClient::State::kFailed);
  EXPECT_THAT(client.error(), HasSubstr("certificate verification failed"));
  EXPECT_THAT(client.error(), HasSubstr("hostname mismatch"));
}

TEST(TlsClientTest, VerifiesIpAddressNamesWithoutSni) {
  {
    TlsTestServer server(ServerOptions());
    TlsClient client(VerifyingConfig(kIp));
    Exchange(client, server);
    EXPECT_EQ(client.state(), TlsClient::State::kConnected) << client.error();
    EXPECT_EQ(server.server_name(), "");  // RFC 6066 §3: no IP literals in SNI.
  }
  {
    TlsTestServer server(ServerOptions());
    TlsClient client(VerifyingConfig("203.0.113.99"));
    Exchange(client, server);
    EXPECT_EQ(client.state(), TlsClient::State::kFailed);
    EXPECT_THAT(client.error(), HasSubstr("IP address mismatch"));
  }
}

TEST(TlsClientTest, InsecureSkipVerifyAcceptsAnyCertificate) {
  TlsTestServer server(ServerOptions());
  TlsClient client({.server_name = "wrong.example.test",
                    .ca_pem = OtherPki().ca.certificate_pem,
                    .insecure_skip_verify = true});
  Exchange(client, server);
  EXPECT_EQ(client.state(), TlsClient::State::kConnected) << client.error();
}

TEST(TlsClientTest, CarriesDataBothWays) {
  TlsTestServer server(ServerOptions());
  TlsClient client(VerifyingConfig());
  Exchange(client, server);
  ASSERT_EQ(client.state(), TlsClient::State::kConnected);

  Bytes upload(100'000);
  for (size_t i = 0; i < upload.size(); ++i)
    upload[i] = static_cast<uint8_t>(i * 7);
  ASSERT_TRUE(client.Write(upload).ok());
  Exchange(client, server);
  EXPECT_EQ(Drain(server), upload);

  const Bytes reply = Text("hello from the server");
  server.Write(reply);
  Exchange(client, server);
  EXPECT_EQ(Drain(client), reply);
}

TEST(TlsClientTest, QueuesWritesUntilTheHandshakeEnds) {
  TlsTestServer server(ServerOptions());
  TlsClient client(VerifyingConfig());
  ASSERT_TRUE(client.Write(Text("early ")).ok());
  ASSERT_TRUE(client.Write(Text("data")).ok());
  Exchange(client, server);
  EXPECT_EQ(Drain(server), Text("early data"));
}

TEST(TlsClientTest, HandlesRecordsSplitByteByByte) {
  TlsTestServer server(ServerOptions());
  TlsClient client(VerifyingConfig());
  Exchange(client, server, /*chunk=*/1);
  ASSERT_EQ(client.state(), TlsClient::State::kConnected) << client.error();

  const Bytes request = Text("one byte at a time, both ways");
  ASSERT_TRUE(client.Write(request).ok());
  server.Write(Text("and back"));
  Exchange(client, server, /*chunk=*/1);
  EXPECT_EQ(Drain(server), request);
  EXPECT_EQ(Drain(client), Text("and back"));
}

TEST(TlsClientTest, CloseSendsCloseNotify) {
  TlsTestServer server(ServerOptions());
  TlsClient client(VerifyingConfig());
  Exchange(client, server);
  client.Close();
  EXPECT_EQ(client.state(), TlsClient::State::kClosed);
  Exchange(client, server);
  EXPECT_TRUE(server.peer_closed());
  const auto result = client.Write(Text("late"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind(), ErrorKind::kInvalidStateError);
  EXPECT_FALSE(client.peer_closed());
}

TEST(TlsClientTest, ServerCloseNotifyClosesTheClient) {
  TlsTestServer server(ServerOptions());
  TlsClient client(VerifyingConfig());
  Exchange(client, server);
  server.Write(Text("bye"));
  server.Close();
  Exchange(client, server);
  EXPECT_EQ(Drain(client), Text("bye"));
  EXPECT_EQ(client.state(), TlsClient::State::kClosed);
  EXPECT_TRUE(client.peer_closed());
  EXPECT_TRUE(client.error().empty());
}

TEST(TlsClientTest, GarbageFromTheServerFailsTheConnection) {
  TlsClient client(VerifyingConfig());
  (void)client.PollNetworkData();
  const Bytes garbage = Text("HTTP/1.1 400 Bad Request\r\n\r\n");
  client.HandleNetworkData(garbage);
  EXPECT_EQ(client.state(), TlsClient::State::kFailed);
  EXPECT_THAT(client.error(), HasSubstr("TLS handshake failed"));
  // Further input is ignored.
  client.HandleNetworkData(garbage);
  EXPECT_EQ(client.state(), TlsClient::State::kFailed);
}

TEST(TlsClientTest, ConfigurationErrorsFailAtOnce) {
  TlsClient no_name({.ca_pem = Pki().ca.certificate_pem});
  EXPECT_EQ(no_name.state(), TlsClient::State::kFailed);
  EXPECT_THAT(no_name.error(), HasSubstr("server_name is required"));
  EXPECT_FALSE(no_name.PollNetworkData());

  TlsClient bad_pem({.server_name = kName, .ca_pem = "not a certificate"});
  EXPECT_EQ(bad_pem.state(), TlsClient::State::kFailed);
  EXPECT_THAT(bad_pem.error(), HasSubstr("ca_pem"));

  TlsClient missing_file({.server_name = kName, .ca_file = "/nonexistent/parley-ca.pem"});
  EXPECT_EQ(missing_file.state(), TlsClient::State::kFailed);
  EXPECT_THAT(missing_file.error(), HasSubstr("cannot load CA file"));
}

TEST(TlsClientTest, SurvivesBeingMoved) {
  TlsTestServer server(ServerOptions());
  TlsClient first(VerifyingConfig());
  TlsClient client = std::move(first);
  Exchange(client, server);
  EXPECT_EQ(client.state(), TlsClient::State::kConnected);
  EXPECT_EQ(ToString(client.state()), "connected");
}

}  // namespace
}  // namespace parley::tls
