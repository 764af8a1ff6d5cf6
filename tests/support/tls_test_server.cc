#include "support/tls_test_server.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <cstdlib>
#include <deque>

namespace parley::testing {
namespace {

std::string TakeErrors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char line[256];
    ERR_error_string_n(code, line, sizeof(line));
    text += (text.empty() ? "" : "; ") + std::string(line);
  }
  return text;
}

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "TlsTestServer: %s failed: %s\n", what, TakeErrors().c_str());
  std::abort();
}

}  // namespace

struct TlsTestServer::Impl {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  BIO* in = nullptr;
  BIO* out = nullptr;
  bool handshake_done = false;
  bool failed = false;
  bool peer_closed = false;
  std::string error;
  std::string server_name;
  Bytes pending;
  std::deque<Bytes> to_network;
  std::deque<Bytes> to_application;

  ~Impl() {
    SSL_free(ssl);
    SSL_CTX_free(ctx);
  }

  void Pump() {
    if (failed) return;
    if (!handshake_done) {
      ERR_clear_error();
      const int result = SSL_do_handshake(ssl);
      if (result == 1) {
        handshake_done = true;
        if (const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) {
          server_name = sni;
        }
        if (!pending.empty()) {
          Bytes queued = std::move(pending);
          pending.clear();
          WriteNow(queued);
        }
      } else {
        const int reason = SSL_get_error(ssl, result);
        if (reason != SSL_ERROR_WANT_READ && reason != SSL_ERROR_WANT_WRITE) {
          failed = true;
          error = "handshake failed: " + TakeErrors();
        }
      }
    }
    while (handshake_done && !failed && !peer_closed) {
      uint8_t buffer[16384];
      size_t read = 0;
      ERR_clear_error();
      if (SSL_read_ex(ssl, buffer, sizeof(buffer), &read) == 1) {
        to_application.emplace_back(buffer, buffer + read);
        continue;
      }
      const int reason = SSL_get_error(ssl, 0);
      if (reason == SSL_ERROR_ZERO_RETURN) {
        peer_closed = true;
      } else if (reason != SSL_ERROR_WANT_READ && reason != SSL_ERROR_WANT_WRITE) {
        failed = true;
        error = "read failed: " + TakeErrors();
      }
      break;
    }
    Collect();
  }

  void WriteNow(ByteView plaintext) {
    size_t written = 0;
    ERR_clear_error();
    if (SSL_write_ex(ssl, plaintext.data(), plaintext.size(), &written) != 1) {
      failed = true;
      error = "write failed: " + TakeErrors();
    }
  }

  void Collect() {
    const size_t size = BIO_ctrl_pending(out);
    if (size == 0) return;
    Bytes bytes(size);
    const int read = BIO_read(out, bytes.data(), static_cast<int>(size));
    if (read <= 0) return;
    bytes.resize(static_cast<size_t>(read));
    to_network.push_back(std::move(bytes));
  }
};

TlsTestServer::TlsTestServer(const TlsTestServerOptions& options)
    : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.ctx = SSL_CTX_new(TLS_server_method());
  if (impl.ctx == nullptr) Die("SSL_CTX_new");
  SSL_CTX_set_min_proto_version(impl.ctx, TLS1_2_VERSION);
  if (options.tls12_only) SSL_CTX_set_max_proto_version(impl.ctx, TLS1_2_VERSION);

  BIO* cert_bio = BIO_new_mem_buf(options.certificate_pem.data(),
                                  static_cast<int>(options.certificate_pem.size()));
  X509* cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
  BIO_free(cert_bio);
  if (cert == nullptr || SSL_CTX_use_certificate(impl.ctx, cert) != 1) Die("certificate");
  X509_free(cert);
  BIO* key_bio = BIO_new_mem_buf(options.private_key_pem.data(),
                                 static_cast<int>(options.private_key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  BIO_free(key_bio);
  if (key == nullptr || SSL_CTX_use_PrivateKey(impl.ctx, key) != 1) Die("private key");
  EVP_PKEY_free(key);

  impl.ssl = SSL_new(impl.ctx);
  impl.in = BIO_new(BIO_s_mem());
  impl.out = BIO_new(BIO_s_mem());
  if (impl.ssl == nullptr || impl.in == nullptr || impl.out == nullptr) Die("SSL_new/BIO_new");
  BIO_set_mem_eof_return(impl.in, -1);
  SSL_set_bio(impl.ssl, impl.in, impl.out);
  SSL_set_accept_state(impl.ssl);
}

TlsTestServer::~TlsTestServer() = default;

void TlsTestServer::HandleNetworkData(ByteView data) {
  if (impl_->failed || data.empty()) return;
  BIO_write(impl_->in, data.data(), static_cast<int>(data.size()));
  impl_->Pump();
}

std::optional<Bytes> TlsTestServer::PollNetworkData() {
  if (impl_->to_network.empty()) return std::nullopt;
  Bytes out = std::move(impl_->to_network.front());
  impl_->to_network.pop_front();
  return out;
}

void TlsTestServer::Write(ByteView plaintext) {
  if (impl_->failed) return;
  if (!impl_->handshake_done) {
    impl_->pending.insert(impl_->pending.end(), plaintext.begin(), plaintext.end());
    return;
  }
  impl_->WriteNow(plaintext);
  impl_->Collect();
}

std::optional<Bytes> TlsTestServer::PollApplicationData() {
  if (impl_->to_application.empty()) return std::nullopt;
  Bytes out = std::move(impl_->to_application.front());
  impl_->to_application.pop_front();
  return out;
}

void TlsTestServer::Close() {
  if (!impl_->handshake_done || impl_->failed) return;
  ERR_clear_error();
  SSL_shutdown(impl_->ssl);
  ERR_clear_error();
  impl_->Collect();
}

bool TlsTestServer::handshake_done() const {
  return impl_->handshake_done;
}
bool TlsTestServer::failed() const {
  return impl_->failed;
}
const std::string& TlsTestServer::error() const {
  return impl_->error;
}
bool TlsTestServer::peer_closed() const {
  return impl_->peer_closed;
}
const std::string& TlsTestServer::server_name() const {
  return impl_->server_name;
}
std::string TlsTestServer::protocol_version() const {
  return impl_->handshake_done ? SSL_get_version(impl_->ssl) : "";
}

}  // namespace parley::testing
