#include "dtls/endpoint.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/opensslv.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/time.h>

#include <algorithm>
#include <deque>
#include <span>

#include "base/logging.h"
#include "dtls/datagram_channel.h"
#include "dtls/record.h"
#include "dtls/retransmit_timer.h"
#include "tls/openssl_errors.h"

namespace parley::dtls {
namespace {

// Modern suites only, AEAD first (RFC 7525 §4.2), then ChaCha20-Poly1305 (RFC 7905); they
// intersect with BoringSSL's DTLS suites (Chromium) and NSS's (Firefox).
constexpr char kCipherList[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr char kGroups[] = "X25519:P-256:P-384";
// RFC 5764 §4.2.
constexpr char kSrtpExporterLabel[] = "EXTRACTOR-dtls_srtp";

constexpr size_t kMinMtu = 256;  // OpenSSL's smallest DTLS MTU.
constexpr size_t kMaxMtu = 65507;
// Datagrams waiting before Start() (a ClientHello flight is one to three) and, as a bound
// against misuse, between two OpenSSL reads.
constexpr size_t kMaxQueuedDatagrams = 16;
// Application data held while the peer certificate waits for its fingerprint.
constexpr size_t kMaxHeldRecords = 64;
// OpenSSL reads a whole datagram into a buffer of this size at most.
constexpr size_t kReadBufferSize = 16384 + 2048 + 256;

// How OpenSSL's own retransmission timer is kept off the system clock (OpenSSL 3.0 reads
// gettimeofday and offers no clock hook). Its duration callback makes the timer an hour long,
// so it never expires by itself and OpenSSL never retransmits on its own, not even inside
// SSL_read (dtls1_read_bytes checks the timer on every call). At our deadline we expire it:
// OpenSSL hands the BIO a pointer to its timer (BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT); in 1.1.1 and
// 3.0 that is the live d1->next_timeout itself, so setting it to the distant past makes the
// next DTLSv1_handle_timeout() retransmit. Later versions (OSSL_TIME timers) pass a copy on
// the stack that must not be written; there the callback returns our schedule's timeout
// instead, and OpenSSL's wall-clock timer decides (right with real time, not in the simulator).
constexpr unsigned int kParkedTimerUs = 3600u * 1000 * 1000;

bool CanExpireOpenSslTimer() {
#if OPENSSL_VERSION_NUMBER >= 0x30100000L
  return false;
#else
  // The library may be newer than the headers we were built with.
  const unsigned long version = OpenSSL_version_num();
  return version >= 0x10101000L && version < 0x30100000L;
#endif
}

struct SslDeleter {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

std::string AlertText(int value) {
  return SSL_alert_desc_string_long(value);
}

Bytes Der(X509* certificate) {
  const int length = i2d_X509(certificate, nullptr);
  if (length <= 0) return {};
  Bytes der(static_cast<size_t>(length));
  uint8_t* out = der.data();
  if (i2d_X509(certificate, &out) != length) return {};
  return der;
}

// Checks what OpenSSL would otherwise reject or choke on, so that bad input is dropped and
// counted. Records of epoch 0 are plaintext and checked in depth (RFC 5246 §7.1, §7.2, RFC
// 6347 §4.2.2); encrypted ones are left to OpenSSL, which discards records that fail
// authentication (RFC 6347 §4.1.2.7).
bool PlaintextBodyIsValid(const RecordView& record) {
  if (record.epoch != 0) return true;
  switch (record.type) {
    case ContentType::kChangeCipherSpec:
      return record.fragment.size() == 1 && record.fragment[0] == 1;
    case ContentType::kAlert:
      return record.fragment.size() == 2 && (record.fragment[0] == 1 || record.fragment[0] == 2);
    case ContentType::kHandshake:
      return ParseHandshakeFragments(record.fragment).has_value();
    case ContentType::kApplicationData:
      return true;  // OpenSSL drops it: no application data before the handshake.
  }
  return false;
}

}  // namespace

std::string_view ToString(State state) {
  switch (state) {
    case State::kNew:
      return "new";
    case State::kConnecting:
      return "connecting";
    case State::kConnected:
      return "connected";
    case State::kClosed:
      return "closed";
    case State::kFailed:
      return "failed";
  }
  return "unknown";
}

struct Endpoint::Impl {
  Config config;
  State state = State::kNew;
  std::string error;
  std::string config_error;  // Reported by Start().
  Timestamp now;             // Of the call in progress; OpenSSL's callbacks read it.
  std::optional<Timestamp> handshake_deadline;
  RetransmitTimer timer;
  DatagramChannel channel;
  std::deque<Event> events;
  Stats stats;

  std::shared_ptr<void> ctx;  // SSL_CTX, shared with other connections on our certificate.
  std::unique_ptr<SSL, SslDeleter> ssl;
  BIO* bio = nullptr;                // Owned by ssl.
  timeval* openssl_timer = nullptr;  // See kParkedTimerUs.
  const bool expire_openssl_timer = CanExpireOpenSslTimer();

  bool handshake_done = false;  // OpenSSL finished the handshake.
  bool peer_verified = false;   // The peer certificate matched a remote fingerprint.
  Bytes peer_der;
  std::string verify_failure;  // Set by the verify callback on a mismatch.
  std::string peer_alert;      // "peer sent fatal alert: ..."
  std::deque<Bytes> held;      // Application data received before verification.

  std::optional<srtp::Profile> profile;
  std::optional<srtp::SessionKeys> keys;
  Bytes keying_material;
  // ReleaseBuffers() freed OpenSSL's record buffers: its DTLS write path does not allocate them
  // again by itself, so every entry point that may reach OpenSSL restores them first.
  bool buffers_released = false;

  void RestoreBuffers() {
    if (!buffers_released) return;
    buffers_released = false;
    if (ssl && SSL_alloc_buffers(ssl.get()) != 1) Fail("out of memory for the DTLS record buffers");
  }

  explicit Impl(Config c)
      : config(std::move(c)),
        timer(config.initial_retransmit_timeout, config.max_retransmit_timeout),
        channel(config.mtu, kMaxQueuedDatagrams) {}

  // --- Setup -------------------------------------------------------------------------------

  // One context per certificate, shared by its connections (Certificate::SharedContext), so it
  // holds only what does not vary per connection: versions, suites, groups, options, the key,
  // and the verify callback (which finds its endpoint through the SSL). Null on failure.
  static std::shared_ptr<void> MakeContext(const Certificate& certificate) {
    std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(DTLS_method()), SSL_CTX_free);
    if (!ctx) return nullptr;
    SSL_CTX* c = ctx.get();
    // DTLS 1.2 only (RFC 8827 §6.5; DTLS 1.0 is deprecated by RFC 8996).
    if (SSL_CTX_set_min_proto_version(c, DTLS1_2_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(c, DTLS1_2_VERSION) != 1) {
      return nullptr;
    }
    // No renegotiation, tickets, resumption or compression: one full handshake per
    // association, as WebRTC uses DTLS. We choose the MTU, OpenSSL must not query a socket.
    SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION |
                               SSL_OP_NO_QUERY_MTU);
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    if (SSL_CTX_set_cipher_list(c, kCipherList) != 1 || SSL_CTX_set1_groups_list(c, kGroups) != 1) {
      return nullptr;
    }
    if (SSL_CTX_use_certificate(c, static_cast<X509*>(certificate.native_certificate())) != 1 ||
        SSL_CTX_use_PrivateKey(c, static_cast<EVP_PKEY*>(certificate.native_private_key())) != 1 ||
        SSL_CTX_check_private_key(c) != 1) {
      return nullptr;
    }
    // Self-signed certificates are the norm: the check is the fingerprint, in place of
    // X509_verify_cert (no chain, CA or validity period, as browsers).
    SSL_CTX_set_cert_verify_callback(c, &Impl::VerifyCertificate, nullptr);
    return ctx;
  }

  std::string ValidateConfig() const {
    if (config.certificate.empty()) return "DTLS configuration: no certificate";
    if (config.mtu < kMinMtu || config.mtu > kMaxMtu) {
      return "DTLS configuration: mtu " + std::to_string(config.mtu) + " is outside [" +
             std::to_string(kMinMtu) + ", " + std::to_string(kMaxMtu) + "]";
    }
    if (config.initial_retransmit_timeout <= TimeDelta::Zero() ||
        config.max_retransmit_timeout < config.initial_retransmit_timeout ||
        config.handshake_timeout <= TimeDelta::Zero()) {
      return "DTLS configuration: timeouts must be positive and max_retransmit_timeout at least "
             "initial_retransmit_timeout";
    }
    for (const Fingerprint& fingerprint : config.remote_fingerprints) {
      if (fingerprint.digest.size() != DigestLength(fingerprint.algorithm)) {
        return "DTLS configuration: remote fingerprint " + fingerprint.ToString() +
               " has the wrong length";
      }
    }
    return "";
  }

  // Builds the connection on the certificate's shared context; "" or what went wrong.
  std::string Configure() {
    if (std::string invalid = ValidateConfig(); !invalid.empty()) return invalid;
    ERR_clear_error();
    ctx = config.certificate.SharedContext(&Impl::MakeContext);
    if (!ctx) return "creating the DTLS context failed" + tls::OpenSslSuffix();
    SSL_CTX* c = static_cast<SSL_CTX*>(ctx.get());
    ssl.reset(SSL_new(c));
    if (!ssl) return "SSL_new failed" + tls::OpenSslSuffix();
    SSL* s = ssl.get();
    SSL_set_app_data(s, this);
    // Both sides require the peer's certificate (RFC 8827 §6.5).
    SSL_set_verify(s, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    SSL_set_info_callback(s, &Impl::Info);
    DTLS_set_timer_cb(s, &Impl::TimerDuration);
    if (!config.srtp_profiles.empty()) {
      std::string names;
      for (srtp::Profile profile : config.srtp_profiles) {
        if (!names.empty()) names += ':';
        names += srtp::ToString(profile);
      }
      // Returns 0 on success, unlike everything else.
      if (SSL_set_tlsext_use_srtp(s, names.c_str()) != 0) {
        return "configuring DTLS-SRTP profiles '" + names + "' failed" + tls::OpenSslSuffix();
      }
    }
    bio = BIO_new(Method());
    if (bio == nullptr) return "BIO_new failed" + tls::OpenSslSuffix();
    BIO_set_data(bio, this);
    BIO_set_init(bio, 1);
    SSL_set_bio(s, bio, bio);
    // After the BIO: OpenSSL subtracts its per-datagram overhead (ours is 0).
    if (SSL_set_mtu(s, static_cast<long>(config.mtu)) <= 0) {
      return "setting the MTU failed" + tls::OpenSslSuffix();
    }
    // We never write a record beyond the MTU (Endpoint::Send), so OpenSSL's write buffer, sized
    // by the maximum fragment, needs ~1.5 KiB rather than ~17 KiB per connection. (Reads must
    // still accept 16 KiB records, RFC 6347 §4.1; SSL_MODE_RELEASE_BUFFERS does not apply to
    // DTLS.)
    const long max_fragment = std::clamp<long>(static_cast<long>(config.mtu), 512, 16384);
    if (SSL_set_max_send_fragment(s, max_fragment) != 1) {
      return "setting the maximum fragment failed" + tls::OpenSslSuffix();
    }
    if (config.role == Role::kClient) {
      SSL_set_connect_state(s);
    } else {
      SSL_set_accept_state(s);
    }
    return "";
  }

  // --- OpenSSL callbacks -------------------------------------------------------------------

  static Impl* From(const SSL* ssl) { return static_cast<Impl*>(SSL_get_app_data(ssl)); }

  static BIO_METHOD* Method() {
    static BIO_METHOD* method = [] {
      BIO_METHOD* m =
          BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "parley dtls datagrams");
      BIO_meth_set_write(m, &Impl::BioWrite);
      BIO_meth_set_read(m, &Impl::BioRead);
      BIO_meth_set_ctrl(m, &Impl::BioCtrl);
      return m;
    }();
    return method;
  }

  static int BioWrite(BIO* bio, const char* data, int length) {
    auto* impl = static_cast<Impl*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    if (length <= 0) return 0;
    impl->channel.WriteRecord(
        ByteView(reinterpret_cast<const uint8_t*>(data), static_cast<size_t>(length)));
    return length;
  }

  static int BioRead(BIO* bio, char* out, int size) {
    auto* impl = static_cast<Impl*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    if (size <= 0) return 0;
    const std::optional<size_t> read = impl->channel.ReadIncoming(
        std::span<uint8_t>(reinterpret_cast<uint8_t*>(out), static_cast<size_t>(size)));
    if (!read) {
      BIO_set_retry_read(bio);
      return -1;
    }
    return static_cast<int>(*read);
  }

  static long BioCtrl(BIO* bio, int command, long, void* pointer) {
    auto* impl = static_cast<Impl*>(BIO_get_data(bio));
    switch (command) {
      case BIO_CTRL_FLUSH:
        // Ignored: OpenSSL flushes after every retransmitted message, which would send a
        // flight as one datagram per message. The channel closes a datagram when the next
        // record would not fit, and AfterOpenSsl() closes the last one at the end of the call.
        return 1;
      case BIO_CTRL_WPENDING:
        return static_cast<long>(impl->channel.pending_bytes());
      case BIO_CTRL_PENDING:
        return static_cast<long>(impl->channel.next_incoming_size());
      case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT:
        impl->openssl_timer = static_cast<timeval*>(pointer);
        return 1;
      case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
      case BIO_CTRL_DGRAM_QUERY_MTU:
      case BIO_CTRL_DGRAM_MTU_EXCEEDED:
        return 0;
      default:
        return 0;
    }
  }

  // DTLS_set_timer_cb: OpenSSL asks for the next timeout, with 0 when a new flight starts and
  // with the previous timeout when it retransmits.
  static unsigned int TimerDuration(SSL* ssl, unsigned int previous_us) {
    Impl* impl = From(ssl);
    if (previous_us == 0) {
      impl->timer.Start(impl->now);
    } else {
      impl->timer.Backoff(impl->now);
      ++impl->stats.retransmissions;
    }
    if (impl->expire_openssl_timer) return kParkedTimerUs;
    return static_cast<unsigned int>(impl->timer.current().us());
  }

  // SSL_CTX_set_cert_verify_callback: the peer's certificate, in place of chain verification.
  static int VerifyCertificate(X509_STORE_CTX* store, void*) {
    const auto* ssl = static_cast<const SSL*>(
        X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    Impl* impl = ssl != nullptr ? From(ssl) : nullptr;
    if (impl == nullptr) return 0;
    X509* leaf = X509_STORE_CTX_get0_cert(store);
    if (leaf == nullptr) {
      impl->verify_failure = "the peer sent no certificate";
      X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
      return 0;
    }
    impl->peer_der = Der(leaf);
    if (impl->config.remote_fingerprints.empty()) {
      // Deferred until SetRemoteFingerprints (see the header): the handshake goes on, nothing
      // is released.
      PARLEY_LOG(kInfo, "dtls") << "peer certificate received before the remote fingerprint; "
                                   "verification deferred";
      return 1;
    }
    Result<void> match = VerifyFingerprint(impl->peer_der, impl->config.remote_fingerprints);
    if (!match.ok()) {
      impl->verify_failure = match.error().message();
      // Mapped to a fatal bad_certificate alert (RFC 5246 §7.2.2) before our Finished.
      X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
      return 0;
    }
    impl->peer_verified = true;
    return 1;
  }

  static void Info(const SSL* ssl, int where, int value) {
    if ((where & SSL_CB_ALERT) == 0) return;
    Impl* impl = From(ssl);
    const bool fatal = (value >> 8) == SSL3_AL_FATAL;
    const std::string description = AlertText(value);
    if (where & SSL_CB_READ) {
      ++impl->stats.alerts_received;
      if (fatal && impl->peer_alert.empty()) {
        impl->peer_alert = "peer sent fatal alert: " + description;
      }
      PARLEY_LOG(kInfo, "dtls") << "received " << (fatal ? "fatal" : "warning")
                                << " alert: " << description;
    } else {
      ++impl->stats.alerts_sent;
      PARLEY_LOG(kInfo, "dtls") << "sent " << (fatal ? "fatal" : "warning")
                                << " alert: " << description;
    }
  }

  // --- State -------------------------------------------------------------------------------

  void SetState(State next, std::string reason = "") {
    if (state == next) return;
    state = next;
    if (next == State::kFailed || next == State::kClosed) {
      error = reason;
      handshake_deadline.reset();
      timer.Stop();
      held.clear();
      channel.ClearIncoming();
    }
    events.push_back(StateChanged{next, std::move(reason)});
  }

  void Fail(std::string reason) {
    if (state == State::kFailed || state == State::kClosed) return;
    PARLEY_LOG(kWarning, "dtls") << "DTLS failed: " << reason;
    keys.reset();
    keying_material.clear();
    SetState(State::kFailed, std::move(reason));
  }

  // Why the last SSL call failed with SSL_ERROR_SSL or SSL_ERROR_SYSCALL.
  std::string Describe(const char* operation) {
    std::string detail = tls::TakeOpenSslErrors();
    if (!verify_failure.empty()) return verify_failure;
    if (!peer_alert.empty()) return peer_alert;
    if (detail.find("read timeout expired") != std::string::npos) {
      return "handshake timed out (no answer after " + std::to_string(stats.retransmissions) +
             " retransmissions)";
    }
    return std::string("DTLS ") + operation + " failed" + (detail.empty() ? "" : ": " + detail);
  }

  // The handshake is over and the peer verified: keys, then kConnected, then held data.
  void Connect() {
    if (const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl.get())) {
      const std::optional<srtp::Profile> negotiated =
          srtp::ProfileFromId(static_cast<uint16_t>(selected->id));
      if (!negotiated) {
        Fail("peer negotiated an SRTP profile we did not offer (" + std::string(selected->name) +
             ")");
        return;
      }
      Bytes material(srtp::KeyingMaterialLength(*negotiated));
      ERR_clear_error();
      if (SSL_export_keying_material(ssl.get(), material.data(), material.size(),
                                     kSrtpExporterLabel, sizeof(kSrtpExporterLabel) - 1, nullptr, 0,
                                     0) != 1) {
        Fail("exporting the DTLS-SRTP keying material failed" + tls::OpenSslSuffix());
        return;
      }
      Result<srtp::SessionKeys> split = srtp::SplitKeyingMaterial(*negotiated, material);
      if (!split.ok()) {
        Fail(split.error().message());
        return;
      }
      profile = negotiated;
      keys = std::move(split).value();
      keying_material = std::move(material);
    } else if (!config.srtp_profiles.empty()) {
      PARLEY_LOG(kInfo, "dtls") << "peer negotiated no SRTP profile: data channels only";
    }
    handshake_deadline.reset();
    SetState(State::kConnected);
    while (!held.empty()) {
      events.push_back(ApplicationData{std::move(held.front())});
      held.pop_front();
    }
  }

  // --- Driving OpenSSL ---------------------------------------------------------------------

  // Advances the handshake, reads every record OpenSSL can decrypt, and closes the open
  // datagram. Called after every input.
  void Pump() {
    if (state == State::kConnecting && !handshake_done) {
      ERR_clear_error();
      const int result = SSL_do_handshake(ssl.get());
      if (result == 1) {
        handshake_done = true;
        if (peer_verified) Connect();
      } else {
        const int reason = SSL_get_error(ssl.get(), result);
        if (reason == SSL_ERROR_ZERO_RETURN) {
          // RTCDtlsTransportState "closed" means close_notify received, handshake or not.
          ERR_clear_error();
          SetState(State::kClosed, "peer closed (close_notify) during the handshake");
        } else if (reason != SSL_ERROR_WANT_READ && reason != SSL_ERROR_WANT_WRITE) {
          Fail(Describe("handshake"));
        }
      }
    }
    if (handshake_done) ReadRecords();
    AfterOpenSsl();
  }

  // One plaintext buffer per thread rather than per connection: connections are many, threads
  // few, and each read is copied out before the next.
  static std::span<uint8_t> ReadBuffer() {
    thread_local Bytes buffer(kReadBufferSize);
    return buffer;
  }

  void ReadRecords() {
    const std::span<uint8_t> read_buffer = ReadBuffer();
    while (state == State::kConnecting || state == State::kConnected) {
      ERR_clear_error();
      size_t read = 0;
      if (SSL_read_ex(ssl.get(), read_buffer.data(), read_buffer.size(), &read) == 1) {
        Deliver(Bytes(read_buffer.begin(), read_buffer.begin() + static_cast<ptrdiff_t>(read)));
        continue;
      }
      const int reason = SSL_get_error(ssl.get(), 0);
      if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) return;
      if (reason == SSL_ERROR_ZERO_RETURN) {
        // RFC 5246 §7.2.1: answer close_notify with our own and close.
        ERR_clear_error();
        SSL_shutdown(ssl.get());
        ERR_clear_error();
        SetState(State::kClosed, "peer closed (close_notify)");
        return;
      }
      Fail(Describe("read"));
    }
  }

  void Deliver(Bytes data) {
    ++stats.application_records_received;
    if (state == State::kConnected) {
      events.push_back(ApplicationData{std::move(data)});
    } else if (held.size() < kMaxHeldRecords) {
      held.push_back(std::move(data));
    } else {
      ++stats.records_dropped_unexpected;
    }
  }

  // Closes the open datagram and settles our deadline with what OpenSSL did.
  void AfterOpenSsl() {
    channel.Flush();
    if (!ssl) return;
    timeval left{};
    // The last flight of a handshake is never resent on a timer (RFC 6347 §4.2.4), only in
    // answer to the peer's retransmission, which OpenSSL does inside SSL_read.
    if (state != State::kConnecting || handshake_done ||
        DTLSv1_get_timeout(ssl.get(), &left) != 1) {
      timer.Stop();
    }
  }

  // Sets OpenSSL's timer to the distant past so DTLSv1_handle_timeout() retransmits now.
  void ExpireOpenSslTimer() {
    if (!expire_openssl_timer || openssl_timer == nullptr) return;
    timeval left{};
    if (DTLSv1_get_timeout(ssl.get(), &left) != 1) return;  // Not running: nothing to expire.
    openssl_timer->tv_sec = 1;
    openssl_timer->tv_usec = 0;
  }

  bool AcceptRecords(ByteView datagram, Bytes& accepted) {
    const std::optional<std::vector<RecordView>> records = ParseRecords(datagram);
    if (!records) {
      ++stats.datagrams_dropped_malformed;
      PARLEY_LOG(kVerbose, "dtls")
          << "dropped a malformed datagram of " << datagram.size() << " bytes";
      return false;
    }
    ByteWriter writer(datagram.size());
    for (const RecordView& record : *records) {
      if (!PlaintextBodyIsValid(record)) {
        ++stats.records_dropped_malformed;
        continue;
      }
      // After the handshake nothing legitimate arrives in epoch 0: at most the peer's stale
      // retransmission, or a stranger's ClientHello. OpenSSL would drop it too; we count it.
      if (handshake_done && record.epoch == 0) {
        ++stats.records_dropped_unexpected;
        continue;
      }
      WriteRecord(writer, record);
    }
    accepted = std::move(writer).Take();
    return !accepted.empty();
  }
};

Endpoint::Endpoint(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {
  impl_->config_error = impl_->Configure();
  if (!impl_->config_error.empty()) {
    impl_->ssl.reset();
    impl_->ctx.reset();
  }
}

Endpoint::~Endpoint() = default;
Endpoint::Endpoint(Endpoint&&) noexcept = default;
Endpoint& Endpoint::operator=(Endpoint&&) noexcept = default;

void Endpoint::Start(Timestamp now) {
  Impl& impl = *impl_;
  if (impl.state != State::kNew) return;
  impl.now = now;
  if (!impl.config_error.empty()) {
    impl.Fail(impl.config_error);
    return;
  }
  impl.SetState(State::kConnecting);
  impl.handshake_deadline = now + impl.config.handshake_timeout;
  impl.Pump();  // The client's ClientHello; a server handles what arrived early.
}

void Endpoint::HandleDatagram(Timestamp now, ByteView datagram) {
  Impl& impl = *impl_;
  impl.now = now;
  impl.RestoreBuffers();
  ++impl.stats.datagrams_received;
  impl.stats.bytes_received += datagram.size();
  if (impl.state == State::kClosed || impl.state == State::kFailed || !impl.ssl) {
    ++impl.stats.records_dropped_unexpected;
    return;
  }
  Bytes accepted;
  if (!impl.AcceptRecords(datagram, accepted)) return;
  if (!impl.channel.PushIncoming(std::move(accepted))) {
    ++impl.stats.records_dropped_unexpected;
    return;
  }
  if (impl.state == State::kConnecting || impl.state == State::kConnected) impl.Pump();
}

void Endpoint::HandleTimeout(Timestamp now) {
  Impl& impl = *impl_;
  impl.now = now;
  impl.RestoreBuffers();
  if (impl.state != State::kConnecting) return;
  if (impl.handshake_deadline && now >= *impl.handshake_deadline) {
    std::string why = "handshake timed out";
    if (impl.handshake_done) {
      why += " waiting for the remote fingerprint";
    } else if (impl.stats.retransmissions > 0) {
      why += " (after " + std::to_string(impl.stats.retransmissions) + " retransmissions)";
    } else if (impl.stats.datagrams_received == 0) {
      why += " (nothing received from the peer)";
    }
    impl.Fail(std::move(why));
    return;
  }
  const std::optional<Timestamp> deadline = impl.timer.deadline();
  if (!deadline || now < *deadline || impl.handshake_done) return;
  impl.ExpireOpenSslTimer();
  ERR_clear_error();
  const int result = DTLSv1_handle_timeout(impl.ssl.get());
  if (result < 0) {
    impl.Fail(impl.Describe("retransmission"));
    return;
  }
  if (result == 0 && impl.timer.deadline() == deadline) {
    // OpenSSL's own timer has not expired (only possible when it cannot be expired, see
    // kParkedTimerUs): look again shortly.
    impl.timer.Backoff(now);
  }
  impl.AfterOpenSsl();
}

std::optional<Timestamp> Endpoint::NextTimeout() const {
  const Impl& impl = *impl_;
  if (impl.state != State::kConnecting) return std::nullopt;
  std::optional<Timestamp> next = impl.handshake_deadline;
  if (const auto retransmit = impl.timer.deadline(); retransmit && !impl.handshake_done) {
    if (!next || *retransmit < *next) next = retransmit;
  }
  return next;
}

std::optional<Bytes> Endpoint::PollTransmit() {
  Impl& impl = *impl_;
  std::optional<Bytes> datagram = impl.channel.PollOutgoing();
  if (datagram) {
    ++impl.stats.datagrams_sent;
    impl.stats.bytes_sent += datagram->size();
  }
  return datagram;
}

std::optional<Event> Endpoint::PollEvent() {
  Impl& impl = *impl_;
  if (impl.events.empty()) return std::nullopt;
  Event event = std::move(impl.events.front());
  impl.events.pop_front();
  return event;
}

Result<void> Endpoint::Send(Timestamp now, ByteView data) {
  Impl& impl = *impl_;
  impl.now = now;
  impl.RestoreBuffers();
  if (impl.state != State::kConnected) {
    return InvalidStateError("DTLS is not connected (state " + std::string(ToString(impl.state)) +
                             ")");
  }
  const size_t limit = max_application_data();
  if (data.size() > limit) {
    return OperationError(std::to_string(data.size()) + " bytes do not fit one DTLS record " +
                          "within the MTU of " + std::to_string(impl.config.mtu) + " (at most " +
                          std::to_string(limit) + ")");
  }
  if (data.empty()) return Ok();
  ERR_clear_error();
  size_t written = 0;
  if (SSL_write_ex(impl.ssl.get(), data.data(), data.size(), &written) != 1) {
    std::string why = impl.Describe("write");
    impl.Fail(why);
    impl.AfterOpenSsl();
    return OperationError(why);
  }
  ++impl.stats.application_records_sent;
  impl.AfterOpenSsl();
  return Ok();
}

void Endpoint::Close(Timestamp now) {
  Impl& impl = *impl_;
  impl.now = now;
  impl.RestoreBuffers();
  if (impl.state == State::kClosed || impl.state == State::kFailed) return;
  if (impl.handshake_done && impl.ssl) {
    ERR_clear_error();
    SSL_shutdown(impl.ssl.get());  // close_notify; the peer's is not waited for.
    ERR_clear_error();
    impl.channel.Flush();
  }
  impl.SetState(State::kClosed, "closed locally");
}

Result<void> Endpoint::SetRemoteFingerprints(Timestamp now, std::vector<Fingerprint> fingerprints) {
  Impl& impl = *impl_;
  impl.now = now;
  impl.RestoreBuffers();
  if (fingerprints.empty()) return InvalidAccessError("no remote fingerprints given");
  for (const Fingerprint& fingerprint : fingerprints) {
    if (fingerprint.digest.size() != DigestLength(fingerprint.algorithm)) {
      return InvalidAccessError("remote fingerprint " + fingerprint.ToString() +
                                " has the wrong length for " +
                                std::string(ToString(fingerprint.algorithm)));
    }
  }
  if (impl.state == State::kClosed || impl.state == State::kFailed) {
    return InvalidStateError("DTLS is " + std::string(ToString(impl.state)));
  }
  if (impl.peer_verified) {
    // Already authenticated: the new description must still describe this certificate.
    Result<void> match = VerifyFingerprint(impl.peer_der, fingerprints);
    if (!match.ok()) {
      return InvalidModificationError(
          "the remote fingerprint changed for a verified DTLS "
          "association: " +
          match.error().message());
    }
    impl.config.remote_fingerprints = std::move(fingerprints);
    return Ok();
  }
  impl.config.remote_fingerprints = std::move(fingerprints);
  if (impl.peer_der.empty()) return Ok();  // Checked in the verify callback when it arrives.
  Result<void> match = VerifyFingerprint(impl.peer_der, impl.config.remote_fingerprints);
  if (!match.ok()) {
    if (impl.handshake_done) {
      ERR_clear_error();
      SSL_shutdown(impl.ssl.get());  // Tell the peer; no fatal alert is possible any more.
      ERR_clear_error();
      impl.channel.Flush();
    }
    impl.Fail(match.error().message());
    return Ok();
  }
  impl.peer_verified = true;
  if (impl.handshake_done && impl.state == State::kConnecting) impl.Connect();
  impl.AfterOpenSsl();
  return Ok();
}

State Endpoint::state() const {
  return impl_->state;
}

const std::string& Endpoint::error() const {
  return impl_->error;
}

Role Endpoint::role() const {
  return impl_->config.role;
}

std::optional<srtp::SessionKeys> Endpoint::srtp_keys() const {
  if (impl_->state != State::kConnected) return std::nullopt;
  return impl_->keys;
}

std::optional<srtp::Profile> Endpoint::srtp_profile() const {
  if (impl_->state != State::kConnected) return std::nullopt;
  return impl_->profile;
}

const Bytes& Endpoint::keying_material() const {
  static const Bytes kEmpty;
  return impl_->state == State::kConnected ? impl_->keying_material : kEmpty;
}

std::string Endpoint::cipher_suite() const {
  if (!impl_->handshake_done || !impl_->ssl) return "";
  const SSL_CIPHER* cipher = SSL_get_current_cipher(impl_->ssl.get());
  return cipher != nullptr ? SSL_CIPHER_get_name(cipher) : "";
}

uint16_t Endpoint::cipher_suite_id() const {
  if (!impl_->handshake_done || !impl_->ssl) return 0;
  const SSL_CIPHER* cipher = SSL_get_current_cipher(impl_->ssl.get());
  return cipher != nullptr ? SSL_CIPHER_get_protocol_id(cipher) : 0;
}

std::string Endpoint::cipher_suite_iana_name() const {
  if (!impl_->handshake_done || !impl_->ssl) return "";
  const SSL_CIPHER* cipher = SSL_get_current_cipher(impl_->ssl.get());
  const char* name = cipher != nullptr ? SSL_CIPHER_standard_name(cipher) : nullptr;
  return name != nullptr ? name : "";
}

std::optional<Fingerprint> Endpoint::remote_fingerprint() const {
  if (impl_->peer_der.empty()) return std::nullopt;
  return Fingerprint::Compute(HashAlgorithm::kSha256, impl_->peer_der);
}

const Bytes& Endpoint::remote_certificate_der() const {
  return impl_->peer_der;
}

size_t Endpoint::max_application_data() const {
  if (impl_->state != State::kConnected) return 0;
  return DTLS_get_data_mtu(impl_->ssl.get());
}

void Endpoint::ReleaseBuffers() {
  // Only between datagrams of a finished handshake; SSL_free_buffers keeps a buffer that still
  // holds unread bytes.
  Impl& impl = *impl_;
  if (impl.state != State::kConnected || impl.buffers_released) return;
  impl.buffers_released = SSL_free_buffers(impl.ssl.get()) == 1;
}

const Endpoint::Stats& Endpoint::stats() const {
  return impl_->stats;
}

}  // namespace parley::dtls
