#include "tls/tls_client.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <deque>

#include "base/socket_address.h"
#include "tls/openssl_errors.h"

namespace parley::tls {
namespace {

struct SslCtxDeleter {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslDeleter {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

// "[::1]" → "::1": server names may carry the URI-style brackets of an IPv6 literal.
std::string_view StripBrackets(std::string_view name) {
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
    return name.substr(1, name.size() - 2);
  }
  return name;
}

// Adds every certificate in `pem` to `store`; returns how many, or -1 on a PEM error.
int AddPemCertificates(X509_STORE* store, const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return -1;
  int count = 0;
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    const int ok = X509_STORE_add_cert(store, cert);
    X509_free(cert);
    if (ok != 1) {
      count = -1;
      break;
    }
    ++count;
  }
  BIO_free(bio);
  // The loop ends with a "no start line" error once the input is exhausted; that is success.
  ERR_clear_error();
  return count;
}

}  // namespace

struct TlsClient::Impl {
  TlsClientConfig config;
  State state = State::kHandshaking;
  std::string error;
  bool peer_closed = false;
  bool handshake_done = false;
  std::unique_ptr<SSL_CTX, SslCtxDeleter> ctx;
  std::unique_ptr<SSL, SslDeleter> ssl;
  BIO* network_in = nullptr;   // Owned by ssl: what the server sent, for OpenSSL to read.
  BIO* network_out = nullptr;  // Owned by ssl: what OpenSSL wrote, for the server.
  Bytes pending_plaintext;     // Written before the handshake finished.
  std::deque<Bytes> to_network;
  std::deque<Bytes> to_application;

  explicit Impl(TlsClientConfig c) : config(std::move(c)) {}

  void Fail(std::string why) {
    state = State::kFailed;
    error = std::move(why);
    pending_plaintext.clear();
  }

  // Builds the context and connection; false (with error set) on a configuration problem.
  bool Configure() {
    ERR_clear_error();
    ctx.reset(SSL_CTX_new(TLS_client_method()));
    if (!ctx) return FailWithOpenSsl("SSL_CTX_new failed");
    // RFC 8656 §3.1 (and RFC 7525): TLS 1.2 or later.
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    const std::string_view name = StripBrackets(config.server_name);
    const bool is_ip = IpAddress::Parse(name).has_value();

    if (!config.insecure_skip_verify) {
      if (name.empty()) {
        Fail("TLS configuration: server_name is required to verify the certificate");
        return false;
      }
      SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
      X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
      if (!config.ca_pem.empty()) {
        const int added = AddPemCertificates(store, config.ca_pem);
        if (added <= 0) {
          Fail("TLS configuration: ca_pem holds no valid PEM certificate");
          return false;
        }
      }
      if (!config.ca_file.empty() &&
          SSL_CTX_load_verify_locations(ctx.get(), config.ca_file.c_str(), nullptr) != 1) {
        return FailWithOpenSsl("TLS configuration: cannot load CA file '" + config.ca_file + "'");
      }
      const bool no_ca_given = config.ca_pem.empty() && config.ca_file.empty();
      if ((config.use_system_ca || no_ca_given) &&
          SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
        return FailWithOpenSsl("TLS configuration: cannot load the system CA store");
      }
    } else {
      SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    }

    ssl.reset(SSL_new(ctx.get()));
    if (!ssl) return FailWithOpenSsl("SSL_new failed");
    network_in = BIO_new(BIO_s_mem());
    network_out = BIO_new(BIO_s_mem());
    if (network_in == nullptr || network_out == nullptr) {
      BIO_free(network_in);
      BIO_free(network_out);
      network_in = network_out = nullptr;
      return FailWithOpenSsl("BIO_new failed");
    }
    // An empty memory BIO reports "retry" rather than EOF, so reads wait for more data.
    BIO_set_mem_eof_return(network_in, -1);
    SSL_set_bio(ssl.get(), network_in, network_out);
    SSL_set_connect_state(ssl.get());

    // RFC 6066 §3: SNI carries DNS host names only, never IP literals.
    if (!name.empty() && !is_ip &&
        SSL_set_tlsext_host_name(ssl.get(), std::string(name).c_str()) != 1) {
      return FailWithOpenSsl("TLS configuration: invalid server_name for SNI");
    }
    if (!config.insecure_skip_verify) {
      const std::string host(name);
      if (is_ip) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
        if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
          return FailWithOpenSsl("TLS configuration: invalid IP address in server_name");
        }
      } else if (SSL_set1_host(ssl.get(), host.c_str()) != 1) {
        return FailWithOpenSsl("TLS configuration: invalid server_name");
      }
    }
    return true;
  }

  bool FailWithOpenSsl(std::string what) {
    const std::string detail = tls::TakeOpenSslErrors();
    Fail(detail.empty() ? std::move(what) : what + ": " + detail);
    return false;
  }

  // Describes why the last SSL call failed with SSL_ERROR_SSL or SSL_ERROR_SYSCALL.
  std::string Describe(const char* operation) {
    const long verify = SSL_get_verify_result(ssl.get());
    if (!config.insecure_skip_verify && verify != X509_V_OK) {
      ERR_clear_error();
      return std::string("certificate verification failed: ") +
             X509_verify_cert_error_string(verify);
    }
    const std::string detail = tls::TakeOpenSslErrors();
    return std::string("TLS ") + operation + " failed" + (detail.empty() ? "" : ": " + detail);
  }

  // Advances the handshake and reads every decrypted record, then collects outgoing records.
  void Pump() {
    if (state == State::kHandshaking) {
      ERR_clear_error();
      const int result = SSL_do_handshake(ssl.get());
      if (result == 1) {
        state = State::kConnected;
        handshake_done = true;
        if (!pending_plaintext.empty()) {
          Bytes queued = std::move(pending_plaintext);
          pending_plaintext.clear();
          WriteRecords(queued);
        }
      } else {
        const int reason = SSL_get_error(ssl.get(), result);
        if (reason != SSL_ERROR_WANT_READ && reason != SSL_ERROR_WANT_WRITE) {
          Fail(Describe("handshake"));
        }
      }
    }
    if (state == State::kConnected) ReadRecords();
    CollectOutput();
  }

  void ReadRecords() {
    uint8_t buffer[16384];
    while (state == State::kConnected) {
      ERR_clear_error();
      size_t read = 0;
      if (SSL_read_ex(ssl.get(), buffer, sizeof(buffer), &read) == 1) {
        to_application.emplace_back(buffer, buffer + read);
        continue;
      }
      const int reason = SSL_get_error(ssl.get(), 0);
      if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) return;
      if (reason == SSL_ERROR_ZERO_RETURN) {
        // RFC 8446 §6.1: the server closed its side; answer with our close_notify.
        peer_closed = true;
        state = State::kClosed;
        SSL_shutdown(ssl.get());
        return;
      }
      Fail(Describe("read"));
    }
  }

  void WriteRecords(ByteView plaintext) {
    ERR_clear_error();
    size_t written = 0;
    if (!plaintext.empty() &&
        SSL_write_ex(ssl.get(), plaintext.data(), plaintext.size(), &written) != 1) {
      Fail(Describe("write"));
    }
  }

  void CollectOutput() {
    if (network_out == nullptr) return;
    const size_t pending = BIO_ctrl_pending(network_out);
    if (pending == 0) return;
    Bytes out(pending);
    const int read = BIO_read(network_out, out.data(), static_cast<int>(out.size()));
    if (read <= 0) return;
    out.resize(static_cast<size_t>(read));
    to_network.push_back(std::move(out));
  }
};

TlsClient::TlsClient(TlsClientConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {
  if (impl_->Configure()) impl_->Pump();  // Queues the ClientHello.
}

TlsClient::~TlsClient() = default;
TlsClient::TlsClient(TlsClient&&) noexcept = default;
TlsClient& TlsClient::operator=(TlsClient&&) noexcept = default;

void TlsClient::HandleNetworkData(ByteView data) {
  Impl& impl = *impl_;
  if (impl.state == State::kFailed || impl.state == State::kClosed || data.empty()) return;
  // A memory BIO grows as needed, so the write takes everything.
  if (BIO_write(impl.network_in, data.data(), static_cast<int>(data.size())) !=
      static_cast<int>(data.size())) {
    impl.FailWithOpenSsl("TLS: buffering network data failed");
    return;
  }
  impl.Pump();
}

Result<void> TlsClient::Write(ByteView plaintext) {
  Impl& impl = *impl_;
  switch (impl.state) {
    case State::kHandshaking:
      impl.pending_plaintext.insert(impl.pending_plaintext.end(), plaintext.begin(),
                                    plaintext.end());
      return Ok();
    case State::kConnected:
      impl.WriteRecords(plaintext);
      impl.CollectOutput();
      if (impl.state == State::kFailed) return OperationError(impl.error);
      return Ok();
    case State::kFailed:
      return InvalidStateError("TLS connection failed: " + impl.error);
    case State::kClosed:
      return InvalidStateError("TLS connection closed");
  }
  return InvalidStateError("TLS connection in an unknown state");
}

std::optional<Bytes> TlsClient::PollNetworkData() {
  if (impl_->to_network.empty()) return std::nullopt;
  Bytes out = std::move(impl_->to_network.front());
  impl_->to_network.pop_front();
  return out;
}

std::optional<Bytes> TlsClient::PollApplicationData() {
  if (impl_->to_application.empty()) return std::nullopt;
  Bytes out = std::move(impl_->to_application.front());
  impl_->to_application.pop_front();
  return out;
}

void TlsClient::Close() {
  Impl& impl = *impl_;
  if (impl.state == State::kFailed || impl.state == State::kClosed) return;
  impl.pending_plaintext.clear();
  impl.state = State::kClosed;
  ERR_clear_error();
  SSL_shutdown(impl.ssl.get());  // Queues close_notify; the reply is not waited for.
  ERR_clear_error();
  impl.CollectOutput();
}

TlsClient::State TlsClient::state() const {
  return impl_->state;
}

const std::string& TlsClient::error() const {
  return impl_->error;
}

bool TlsClient::peer_closed() const {
  return impl_->peer_closed;
}

std::string TlsClient::protocol_version() const {
  if (!impl_->handshake_done) return "";
  return SSL_get_version(impl_->ssl.get());
}

std::string_view ToString(TlsClient::State state) {
  switch (state) {
    case TlsClient::State::kHandshaking:
      return "handshaking";
    case TlsClient::State::kConnected:
      return "connected";
    case TlsClient::State::kFailed:
      return "failed";
    case TlsClient::State::kClosed:
      return "closed";
  }
  return "unknown";
}

}  // namespace parley::tls
