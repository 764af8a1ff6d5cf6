// Parley's DTLS endpoint against an independent DTLS 1.2 peer: the openssl CLI (s_server with
// Parley as the client, s_client with Parley as the server) on 127.0.0.1, over a real UDP
// socket. The keying material both export with the DTLS-SRTP label (RFC 5764 §4.2) must be
// byte-identical, each side must hold the other's certificate, application data must flow both
// ways, and a wrong expected fingerprint must fail the handshake.
//
// The endpoint is driven here with poll() and bounded waits; `now` comes from the steady clock.
// openssl prints "Keying material: HEX" once its handshake is done; stdin lines become
// application data and received data is printed to stdout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dtls/certificate.h"
#include "dtls/endpoint.h"
#include "interop/subprocess.h"
#include "runtime/clock.h"

namespace parley {
namespace {

using dtls::Certificate;
using dtls::Endpoint;
using dtls::Role;
using dtls::State;
using test::Subprocess;
using test::TempDir;

constexpr const char* kOpenssl = "/usr/bin/openssl";
constexpr const char* kLabel = "EXTRACTOR-dtls_srtp";
// Generous for sanitizer builds; loopback handshakes take milliseconds.
constexpr std::chrono::seconds kBound{20};

Subprocess::Clock::time_point Deadline() {
  return Subprocess::Clock::now() + kBound;
}

std::string Hex(const Bytes& bytes) {
  std::string out;
  char digits[3];
  for (uint8_t byte : bytes) {
    std::snprintf(digits, sizeof(digits), "%02X", byte);
    out += digits;
  }
  return out;
}

Bytes Text(const std::string& text) {
  return Bytes(text.begin(), text.end());
}

bool WriteFile(const std::string& path, const std::string& text) {
  FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) return false;
  const bool ok = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  return std::fclose(file) == 0 && ok;
}

// A UDP socket on 127.0.0.1 and the one peer it talks to.
class LoopbackSocket {
 public:
  LoopbackSocket() {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot bind a UDP socket on 127.0.0.1";
      return;
    }
    port_ = ntohs(address.sin_port);
  }
  ~LoopbackSocket() {
    if (fd_ >= 0) close(fd_);
  }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;

  uint16_t port() const { return port_; }
  void set_peer_port(uint16_t port) {
    peer_ = sockaddr_in{};
    peer_->sin_family = AF_INET;
    peer_->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    peer_->sin_port = htons(port);
  }

  void Send(const Bytes& datagram) {
    if (!peer_) return;  // A server answers once the client spoke.
    sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&*peer_),
           sizeof(*peer_));
  }
  // Waits up to `wait` for a datagram; learns the peer from the first one.
  std::optional<Bytes> Receive(std::chrono::milliseconds wait) {
    pollfd entry{fd_, POLLIN, 0};
    if (poll(&entry, 1, static_cast<int>(std::max<int64_t>(0, wait.count()))) <= 0) {
      return std::nullopt;
    }
    Bytes buffer(65536);
    sockaddr_in from{};
    socklen_t length = sizeof(from);
    const ssize_t read =
        recvfrom(fd_, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&from), &length);
    if (read < 0) return std::nullopt;
    if (!peer_) peer_ = from;
    buffer.resize(static_cast<size_t>(read));
    return buffer;
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  std::optional<sockaddr_in> peer_;
};

// A port that was free a moment ago, for s_server to bind.
uint16_t FreeUdpPort() {
  LoopbackSocket probe;
  return probe.port();
}

// Runs `endpoint` over `socket` until `done` or the bound: sends what it has, waits for a
// datagram or its next deadline, whichever is first.
struct Driver {
  Endpoint& endpoint;
  LoopbackSocket& socket;
  std::vector<Bytes> received;
  std::vector<dtls::StateChanged> states;

  void Flush() {
    while (auto datagram = endpoint.PollTransmit())
      socket.Send(*datagram);
    while (auto event = endpoint.PollEvent()) {
      if (auto* state = std::get_if<dtls::StateChanged>(&*event)) states.push_back(*state);
      if (auto* data = std::get_if<dtls::ApplicationData>(&*event)) received.push_back(data->data);
    }
  }

  bool RunUntil(const std::function<bool()>& done) {
    const auto deadline = Deadline();
    Flush();
    while (!done()) {
      const auto now = Subprocess::Clock::now();
      if (now >= deadline) return false;
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
      if (auto next = endpoint.NextTimeout()) {
        const auto until_timeout =
            std::chrono::milliseconds(std::max<int64_t>(0, (*next - SteadyNow()).ms() + 1));
        wait = std::min(wait, until_timeout);
      }
      if (auto datagram = socket.Receive(wait)) {
        endpoint.HandleDatagram(SteadyNow(), *datagram);
      } else if (auto next = endpoint.NextTimeout(); next && *next <= SteadyNow()) {
        endpoint.HandleTimeout(SteadyNow());
      }
      Flush();
    }
    return true;
  }

  bool Settled() const {
    const State state = endpoint.state();
    return state == State::kConnected || state == State::kFailed || state == State::kClosed;
  }
};

// The openssl process, its files and its stdout.
class OpensslPeer {
 public:
  // Writes `certificate` as openssl's PEM files and starts `openssl <args...>` with them.
  static std::unique_ptr<OpensslPeer> Start(const Certificate& certificate,
                                            std::vector<std::string> args) {
    auto peer = std::unique_ptr<OpensslPeer>(new OpensslPeer());
    EXPECT_TRUE(test::IsExecutable(kOpenssl))
        << kOpenssl << " not found: install Debian's openssl (scripts/setup-deps.sh)";
    EXPECT_TRUE(peer->dir_.ok());
    const std::string cert = peer->dir_.File("cert.pem");
    const std::string key = peer->dir_.File("key.pem");
    EXPECT_TRUE(WriteFile(cert, certificate.CertificatePem()));
    EXPECT_TRUE(WriteFile(key, certificate.PrivateKeyPem()));
    peer->stderr_file_ = peer->dir_.File("openssl.stderr");
    std::vector<std::string> argv = {kOpenssl};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"-cert", cert, "-key", key});
    auto process = Subprocess::Spawn(
        argv, {.pipe_stdin = true, .pipe_stdout = true, .stderr_file = peer->stderr_file_});
    EXPECT_TRUE(process.ok()) << (process.ok() ? "" : process.error().ToString());
    if (!process.ok()) return nullptr;
    peer->process_ = std::move(process).value();
    return peer;
  }

  // Reads stdout until a line containing `text`; that line, or nullopt at the bound / exit.
  std::optional<std::string> WaitForLine(const std::string& text) {
    const auto deadline = Deadline();
    while (auto line = process_->ReadLine(deadline)) {
      lines_.push_back(*line);
      if (line->find(text) != std::string::npos) return line;
    }
    return std::nullopt;
  }
  // The PEM block after a line containing `heading` in what was read so far.
  std::string PemAfter(const std::string& heading) const {
    std::string pem;
    bool in_block = false;
    bool seen_heading = false;
    for (const std::string& line : lines_) {
      if (!seen_heading) {
        seen_heading = line.find(heading) != std::string::npos;
        continue;
      }
      if (line == "-----BEGIN CERTIFICATE-----") in_block = true;
      if (in_block) pem += line + "\n";
      if (line == "-----END CERTIFICATE-----" && in_block) break;
    }
    return pem;
  }

  Subprocess& process() { return *process_; }
  std::string Diagnostics() const {
    std::string out = "openssl stdout so far:\n";
    for (const std::string& line : lines_)
      out += "  " + line + "\n";
    return out + "openssl stderr:\n" + test::ReadFileText(stderr_file_);
  }

 private:
  OpensslPeer() = default;
  TempDir dir_;
  std::string stderr_file_;
  std::unique_ptr<Subprocess> process_;
  std::vector<std::string> lines_;
};

struct InteropCase {
  Role parley_role;
  srtp::Profile profile;
};

std::string CaseName(const ::testing::TestParamInfo<InteropCase>& info) {
  std::string name = info.param.parley_role == Role::kClient ? "ParleyClient_" : "ParleyServer_";
  for (char c : srtp::ToString(info.param.profile))
    name += (c == '-' ? '_' : c);
  return name;
}

std::vector<std::string> OpensslArgs(Role parley_role, srtp::Profile profile, uint16_t port) {
  const std::string length = std::to_string(srtp::KeyingMaterialLength(profile));
  std::vector<std::string> args;
  if (parley_role == Role::kClient) {
    args = {"s_server", "-dtls1_2", "-accept",  "127.0.0.1:" + std::to_string(port),
            "-verify",  "1",        "-naccept", "1"};
  } else {
    args = {"s_client", "-dtls1_2", "-connect", "127.0.0.1:" + std::to_string(port), "-nocommands"};
  }
  args.insert(args.end(), {"-use_srtp", std::string(srtp::ToString(profile)), "-keymatexport",
                           kLabel, "-keymatexportlen", length});
  return args;
}

class OpensslDtls : public ::testing::TestWithParam<InteropCase> {};

TEST_P(OpensslDtls, HandshakeExportsTheSameKeysAndCarriesDataBothWays) {
  const InteropCase param = GetParam();
  const Certificate parley_cert = Certificate::Generate().value();
  const Certificate openssl_cert = Certificate::Generate().value();
  LoopbackSocket socket;
  const bool parley_client = param.parley_role == Role::kClient;
  const uint16_t openssl_port = parley_client ? FreeUdpPort() : 0;
  auto peer = OpensslPeer::Start(
      openssl_cert,
      OpensslArgs(param.parley_role, param.profile, parley_client ? openssl_port : socket.port()));
  ASSERT_TRUE(peer);
  if (parley_client) {
    ASSERT_TRUE(peer->WaitForLine("ACCEPT")) << peer->Diagnostics();
    socket.set_peer_port(openssl_port);
  }

  Endpoint::Config config;
  config.certificate = parley_cert;
  config.role = param.parley_role;
  config.remote_fingerprints = {openssl_cert.fingerprint()};
  config.srtp_profiles = {param.profile};
  Endpoint endpoint(std::move(config));
  Driver driver{endpoint, socket, {}, {}};
  endpoint.Start(SteadyNow());
  ASSERT_TRUE(driver.RunUntil([&] { return driver.Settled(); })) << peer->Diagnostics();
  ASSERT_EQ(endpoint.state(), State::kConnected) << endpoint.error() << "\n" << peer->Diagnostics();

  // Identical keying material, and each side holds the other's certificate.
  auto keying = peer->WaitForLine("Keying material:");
  ASSERT_TRUE(keying) << peer->Diagnostics();
  EXPECT_EQ(keying->substr(keying->find(':') + 2), Hex(endpoint.keying_material()));
  EXPECT_EQ(endpoint.keying_material().size(), srtp::KeyingMaterialLength(param.profile));
  EXPECT_EQ(endpoint.srtp_profile(), param.profile);
  EXPECT_EQ(endpoint.remote_certificate_der(), openssl_cert.der());
  EXPECT_EQ(peer->PemAfter(parley_client ? "Client certificate" : "Server certificate"),
            parley_cert.CertificatePem())
      << peer->Diagnostics();

  // Parley → openssl: printed on its stdout.
  ASSERT_TRUE(endpoint.Send(SteadyNow(), Text("parley-to-openssl\n")).ok());
  driver.Flush();
  EXPECT_TRUE(peer->WaitForLine("parley-to-openssl")) << peer->Diagnostics();
  // openssl → Parley: a line on its stdin.
  ASSERT_TRUE(peer->process().WriteLine("openssl-to-parley"));
  ASSERT_TRUE(driver.RunUntil([&] { return !driver.received.empty(); })) << peer->Diagnostics();
  EXPECT_EQ(driver.received[0], Text("openssl-to-parley\n"));

  endpoint.Close(SteadyNow());
  driver.Flush();
  EXPECT_EQ(endpoint.state(), State::kClosed);
}

INSTANTIATE_TEST_SUITE_P(
    Profiles, OpensslDtls,
    ::testing::Values(InteropCase{Role::kClient, srtp::Profile::kAeadAes128Gcm},
                      InteropCase{Role::kClient, srtp::Profile::kAes128CmSha1_80},
                      InteropCase{Role::kServer, srtp::Profile::kAeadAes128Gcm},
                      InteropCase{Role::kServer, srtp::Profile::kAes128CmSha1_80}),
    CaseName);

// The fingerprint check is real against an independent peer: expecting another certificate's
// fingerprint fails the handshake with the mismatch as the reason, and exports nothing.
class OpensslDtlsWrongFingerprint : public ::testing::TestWithParam<Role> {};

TEST_P(OpensslDtlsWrongFingerprint, FailsWithTheMismatch) {
  const Role role = GetParam();
  const Certificate parley_cert = Certificate::Generate().value();
  const Certificate openssl_cert = Certificate::Generate().value();
  const Certificate advertised = Certificate::Generate().value();  // Not what openssl uses.
  LoopbackSocket socket;
  const bool parley_client = role == Role::kClient;
  const uint16_t openssl_port = parley_client ? FreeUdpPort() : 0;
  auto peer =
      OpensslPeer::Start(openssl_cert, OpensslArgs(role, srtp::Profile::kAeadAes128Gcm,
                                                   parley_client ? openssl_port : socket.port()));
  ASSERT_TRUE(peer);
  if (parley_client) {
    ASSERT_TRUE(peer->WaitForLine("ACCEPT")) << peer->Diagnostics();
    socket.set_peer_port(openssl_port);
  }
  Endpoint::Config config;
  config.certificate = parley_cert;
  config.role = role;
  config.remote_fingerprints = {advertised.fingerprint()};
  Endpoint endpoint(std::move(config));
  Driver driver{endpoint, socket, {}, {}};
  endpoint.Start(SteadyNow());
  ASSERT_TRUE(driver.RunUntil([&] { return driver.Settled(); })) << peer->Diagnostics();
  EXPECT_EQ(endpoint.state(), State::kFailed);
  EXPECT_EQ(endpoint.error(),
            "remote certificate does not match the fingerprint in the remote description "
            "(expected " +
                advertised.fingerprint().ToString() + ", got " +
                openssl_cert.fingerprint().ToString() + ")");
  EXPECT_TRUE(endpoint.keying_material().empty());
  EXPECT_FALSE(endpoint.srtp_keys().has_value());
  EXPECT_TRUE(driver.received.empty());
  // openssl heard our fatal alert.
  EXPECT_TRUE(peer->process().WaitForExit(Deadline())) << peer->Diagnostics();
  const std::string diagnostics = peer->Diagnostics();
  EXPECT_NE(diagnostics.find("bad certificate"), std::string::npos) << diagnostics;
}

INSTANTIATE_TEST_SUITE_P(Roles, OpensslDtlsWrongFingerprint,
                         ::testing::Values(Role::kClient, Role::kServer),
                         [](const ::testing::TestParamInfo<Role>& info) {
                           return info.param == Role::kClient ? "ParleyClient" : "ParleyServer";
                         });

}  // namespace
}  // namespace parley
