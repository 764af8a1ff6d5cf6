// DTLS 1.2 handshake CPU time (issue 4): two Parley dtls::Endpoints in one process with
// ECDSA P-256 certificates generated beforehand, datagrams handed over in memory (a loopback
// without sockets), until both are connected with SRTP keys exported. The reference, side by
// side: the same handshake between two raw OpenSSL SSL objects over a BIO pair, with the same
// certificates, cipher suites, groups, DTLS-SRTP profiles, MTU, a verify callback that takes
// the self-signed peer, and the same key export. The ratio is the price of the wrapper:
// per-connection setup (context, BIO, callbacks), our record pre-validation, datagram packing
// and bookkeeping.
#include <benchmark/benchmark.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <string>

#include "dtls/certificate.h"
#include "dtls/endpoint.h"

namespace {

using parley::Bytes;
using parley::Timestamp;
using parley::dtls::Certificate;
using parley::dtls::Endpoint;
using parley::dtls::Role;
using parley::dtls::State;

const Certificate& ClientCertificate() {
  static const Certificate certificate = Certificate::Generate().value();
  return certificate;
}
const Certificate& ServerCertificate() {
  static const Certificate certificate = Certificate::Generate().value();
  return certificate;
}

Endpoint::Config ConfigFor(Role role) {
  Endpoint::Config config;
  config.role = role;
  config.certificate = role == Role::kClient ? ClientCertificate() : ServerCertificate();
  config.remote_fingerprints = {
      (role == Role::kClient ? ServerCertificate() : ClientCertificate()).fingerprint()};
  return config;
}

void BM_ParleyDtlsHandshake(benchmark::State& state) {
  const Timestamp now = Timestamp::Seconds(1000);
  for (auto _ : state) {
    Endpoint client(ConfigFor(Role::kClient));
    Endpoint server(ConfigFor(Role::kServer));
    server.Start(now);
    client.Start(now);
    bool moved = true;
    while (moved) {
      moved = false;
      while (auto datagram = client.PollTransmit()) {
        server.HandleDatagram(now, *datagram);
        moved = true;
      }
      while (auto datagram = server.PollTransmit()) {
        client.HandleDatagram(now, *datagram);
        moved = true;
      }
    }
    if (client.state() != State::kConnected || server.state() != State::kConnected ||
        !client.srtp_keys()) {
      state.SkipWithError("handshake did not complete");
      break;
    }
    benchmark::DoNotOptimize(client.srtp_keys());
  }
}
BENCHMARK(BM_ParleyDtlsHandshake)->Unit(benchmark::kMicrosecond);

// --- Reference: raw OpenSSL over a BIO pair -------------------------------------------------

int AcceptSelfSigned(X509_STORE_CTX* store, void*) {
  // What any WebRTC stack does instead of chain validation: hash the peer's certificate.
  X509* leaf = X509_STORE_CTX_get0_cert(store);
  unsigned char digest[32];
  unsigned int length = 0;
  return leaf != nullptr && X509_digest(leaf, EVP_sha256(), digest, &length) == 1;
}

SSL_CTX* ReferenceContext(const Certificate& certificate) {
  SSL_CTX* ctx = SSL_CTX_new(DTLS_method());
  SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_QUERY_MTU);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_cipher_list(ctx,
                          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                          "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                          "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
  SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384");
  SSL_CTX_set_tlsext_use_srtp(ctx,
                              "SRTP_AEAD_AES_128_GCM:SRTP_AEAD_AES_256_GCM:"
                              "SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32");
  // The PEM round trip happens once, outside the timed loop.
  const std::string cert_pem = certificate.CertificatePem();
  const std::string key_pem = certificate.PrivateKeyPem();
  BIO* cert_bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  BIO* key_bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  X509* x509 = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  SSL_CTX_use_certificate(ctx, x509);
  SSL_CTX_use_PrivateKey(ctx, key);
  X509_free(x509);
  EVP_PKEY_free(key);
  BIO_free(cert_bio);
  BIO_free(key_bio);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_cert_verify_callback(ctx, AcceptSelfSigned, nullptr);
  return ctx;
}

void BM_OpenSslReferenceHandshake(benchmark::State& state) {
  SSL_CTX* client_ctx = ReferenceContext(ClientCertificate());
  SSL_CTX* server_ctx = ReferenceContext(ServerCertificate());
  for (auto _ : state) {
    SSL* client = SSL_new(client_ctx);
    SSL* server = SSL_new(server_ctx);
    BIO* client_bio = nullptr;
    BIO* server_bio = nullptr;
    BIO_new_bio_pair(&client_bio, 0, &server_bio, 0);
    SSL_set_bio(client, client_bio, client_bio);
    SSL_set_bio(server, server_bio, server_bio);
    SSL_set_mtu(client, 1200);
    SSL_set_mtu(server, 1200);
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);
    int client_done = 0;
    int server_done = 0;
    for (int round = 0; round < 16 && (client_done != 1 || server_done != 1); ++round) {
      if (client_done != 1) client_done = SSL_do_handshake(client);
      if (server_done != 1) server_done = SSL_do_handshake(server);
    }
    unsigned char material[56];
    if (client_done != 1 || server_done != 1 ||
        SSL_export_keying_material(client, material, sizeof(material), "EXTRACTOR-dtls_srtp", 19,
                                   nullptr, 0, 0) != 1 ||
        SSL_export_keying_material(server, material, sizeof(material), "EXTRACTOR-dtls_srtp", 19,
                                   nullptr, 0, 0) != 1) {
      state.SkipWithError("reference handshake did not complete");
    }
    benchmark::DoNotOptimize(material);
    SSL_free(client);
    SSL_free(server);
  }
  SSL_CTX_free(client_ctx);
  SSL_CTX_free(server_ctx);
}
BENCHMARK(BM_OpenSslReferenceHandshake)->Unit(benchmark::kMicrosecond);

}  // namespace
