// The DTLS endpoint's entry point for network input: a server Endpoint (OpenSSL behind our record
// reader) fed arbitrary datagrams, fresh or with an established session. Nothing may crash or
// leak, nothing it sends may exceed the MTU or fail to frame as DTLS records, and bad input
// must never turn an established session into a failed one.
//
// Input: byte 0 bit 0 picks an established session (a real client completes the handshake
// first). Then operations [op][length:2][bytes]:
//   op % 4 == 0: the bytes as one datagram to the server;
//   op % 4 == 1: time advances by (op / 4) * 50 ms, then the server's timeout if due;
//   op % 4 == 2: the client sends the bytes as application data; its datagram reaches the
//                server with byte (op / 4) flipped (0: unchanged);
//   op % 4 == 3: the server sends the bytes, or closes when op / 4 is odd.
// Certificates are generated once per process.
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "dtls/certificate.h"
#include "dtls/endpoint.h"
#include "dtls/record.h"

using namespace parley;
using namespace parley::dtls;

namespace {

const Certificate& ServerCertificate() {
  static const Certificate certificate = Certificate::Generate().value();
  return certificate;
}
const Certificate& ClientCertificate() {
  static const Certificate certificate = Certificate::Generate().value();
  return certificate;
}

constexpr size_t kMtu = 1200;

Endpoint::Config ConfigFor(Role role) {
  Endpoint::Config config;
  config.role = role;
  config.certificate = role == Role::kServer ? ServerCertificate() : ClientCertificate();
  config.remote_fingerprints = {
      (role == Role::kServer ? ClientCertificate() : ServerCertificate()).fingerprint()};
  config.mtu = kMtu;
  return config;
}

// Drains output, checking every datagram; returns them for delivery.
std::vector<Bytes> Output(Endpoint& endpoint) {
  std::vector<Bytes> out;
  while (auto datagram = endpoint.PollTransmit()) {
    if (datagram->size() > kMtu || !ParseRecords(*datagram)) std::abort();
    out.push_back(std::move(*datagram));
  }
  while (endpoint.PollEvent()) {
  }
  return out;
}

bool Handshake(Endpoint& client, Endpoint& server, Timestamp now) {
  server.Start(now);
  client.Start(now);
  for (int round = 0; round < 8; ++round) {
    for (const Bytes& d : Output(client))
      server.HandleDatagram(now, d);
    for (const Bytes& d : Output(server))
      client.HandleDatagram(now, d);
  }
  return client.state() == State::kConnected && server.state() == State::kConnected;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteReader input(ByteView(data, size));
  const auto mode = input.ReadU8();
  if (!mode) return 0;
  Timestamp now = Timestamp::Seconds(1000);
  Endpoint server(ConfigFor(Role::kServer));
  std::optional<Endpoint> client;
  const bool established = (*mode & 1) != 0;
  if (established) {
    client.emplace(ConfigFor(Role::kClient));
    if (!Handshake(*client, server, now)) std::abort();
  } else {
    server.Start(now);
  }

  while (!input.empty()) {
    const auto op = input.ReadU8();
    const auto length = input.ReadU16();
    if (!op || !length) break;
    const auto bytes = input.ReadBytes(std::min<size_t>(*length, input.remaining()));
    if (!bytes) break;
    const unsigned argument = *op / 4;
    switch (*op % 4) {
      case 0:
        server.HandleDatagram(now, *bytes);
        break;
      case 1:
        now += TimeDelta::Millis(50) * argument;
        if (auto next = server.NextTimeout(); next && *next <= now) server.HandleTimeout(now);
        break;
      case 2:
        if (client && client->Send(now, *bytes).ok()) {
          for (Bytes& d : Output(*client)) {
            if (argument != 0 && argument <= d.size()) d[argument - 1] ^= 0x5A;
            server.HandleDatagram(now, d);
          }
        }
        break;
      case 3:
        if (argument % 2) {
          server.Close(now);
        } else {
          (void)server.Send(now, *bytes);
        }
        break;
    }
    for (const Bytes& d : Output(server)) {
      if (client) client->HandleDatagram(now, d);
    }
    if (client) Output(*client);
    // Network input alone never fails an established session.
    if (established && server.state() == State::kFailed) std::abort();
  }
  return 0;
}
