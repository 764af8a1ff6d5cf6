// A sans-IO DTLS 1.2 endpoint (RFC 6347) for WebRTC, on OpenSSL behind a pimpl: the peer is
// authenticated by the fingerprint of its self-signed certificate (RFC 8122, RFC 8827 §6.5), the
// DTLS-SRTP extension (RFC 5764) negotiates an SRTP profile and exports its keys, and
// application data carries SCTP (RFC 8261). Datagrams in through HandleDatagram(), out through
// PollTransmit() (one UDP payload each, never larger than the MTU); retransmissions happen only
// at NextTimeout() on the caller's clock (virtual in the simulator).
//
//   Endpoint dtls({.certificate = cert, .role = Role::kClient, .remote_fingerprints = {fp}});
//   dtls.Start(now);                                   // the client's ClientHello
//   ... dtls.HandleDatagram(now, payload) / dtls.HandleTimeout(now) ...
//   drain PollTransmit() and PollEvent() after every call, then wake at NextTimeout().
//   StateChanged{kConnected} → srtp_keys() are ready; Send() works.
//
// Nothing is released before the peer's certificate matched a remote fingerprint: not
// kConnected, not the SRTP keys, not application data. The remote description (and so the
// fingerprint) may arrive after the peer's ClientHello: the handshake then completes with the
// verification deferred and the peer's data held, until SetRemoteFingerprints() verifies (and
// connects) or rejects (and fails).
//
// Not thread-safe: one thread drives it (OpenSSL's error queue is per thread).
#pragma once

#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/byte_io.h"
#include "base/time.h"
#include "dtls/certificate.h"
#include "dtls/fingerprint.h"
#include "dtls/setup_role.h"
#include "parley/result.h"
#include "srtp/profile.h"

namespace parley::dtls {

// RTCDtlsTransportState.
enum class State : uint8_t {
  kNew,         // Before Start().
  kConnecting,  // Handshaking, or handshake done but the peer certificate not yet verified.
  kConnected,   // Peer verified; keys and application data flow.
  kClosed,      // close_notify sent or received.
  kFailed,      // Handshake failure, fingerprint mismatch, fatal alert, timeout; see error().
};

std::string_view ToString(State state);

// The state changed; `reason` says why for kClosed and kFailed, e.g. "peer sent fatal alert:
// bad certificate" or "remote certificate does not match the fingerprint ...".
struct StateChanged {
  State state = State::kNew;
  std::string reason{};
};
// One decrypted application data record (one SCTP packet).
struct ApplicationData {
  Bytes data{};
};
using Event = std::variant<StateChanged, ApplicationData>;

class Endpoint {
 public:
  struct Config {
    // Ours; the peer is sent its certificate and must match our fingerprint.
    Certificate certificate{};
    Role role = Role::kClient;
    // The remote description's a=fingerprint values; may be empty and given later with
    // SetRemoteFingerprints (verification waits for them).
    std::vector<Fingerprint> remote_fingerprints{};
    // Offered (client) or accepted (server) in this preference order; empty: no use_srtp
    // extension. When the peer negotiates none the connection still succeeds, for data
    // channels only (as browsers do), and srtp_keys() stays empty.
    std::vector<srtp::Profile> srtp_profiles{std::begin(srtp::kDefaultProfiles),
                                             std::end(srtp::kDefaultProfiles)};
    // Largest datagram (UDP payload) we send: handshake messages (the certificate) are
    // fragmented to fit (RFC 6347 §4.2.3) and Send() refuses records that would not. 1200
    // leaves room for IPv6, TURN ChannelData and path quirks. At least 256.
    size_t mtu = 1200;
    // RFC 6347 §4.2.4.1 recommends 1 s. WebRTC runs DTLS right after ICE has measured the
    // path, and Chromium starts at 2 x the ICE RTT clamped to [50 ms, 3 s]; without an RTT we
    // take 400 ms: a lost flight then costs 0.4 s rather than 1 s, while staying above nearly
    // any real RTT, so the (large) certificate flight is not resent needlessly. A caller with an
    // RTT estimate may pass 2 x RTT.
    TimeDelta initial_retransmit_timeout = TimeDelta::Millis(400);
    // RFC 6347 §4.2.4.1: doubling up to 60 s.
    TimeDelta max_retransmit_timeout = TimeDelta::Seconds(60);
    // From Start() until connected (including waiting for the remote fingerprint): kFailed
    // "handshake timed out" after this.
    TimeDelta handshake_timeout = TimeDelta::Seconds(30);
  };

  struct Stats {
    uint64_t datagrams_received = 0;
    uint64_t datagrams_sent = 0;
    uint64_t bytes_received = 0;
    uint64_t bytes_sent = 0;
    // Datagrams that do not frame as DTLS 1.0/1.2 records (RFC 6347 §4.1.2.7: discarded).
    uint64_t datagrams_dropped_malformed = 0;
    // Records with a malformed plaintext body (handshake framing, ChangeCipherSpec, alert).
    uint64_t records_dropped_malformed = 0;
    // Well-formed but out of place: epoch 0 after the handshake (a stranger's or stale
    // ClientHello), input after close or failure or beyond the queue bounds, unverified
    // application data beyond the hold limit.
    uint64_t records_dropped_unexpected = 0;
    uint64_t application_records_sent = 0;
    uint64_t application_records_received = 0;
    // Flights resent because our retransmission timer expired.
    uint64_t retransmissions = 0;
    uint64_t alerts_sent = 0;
    uint64_t alerts_received = 0;
  };

  // Prepares OpenSSL; nothing is sent before Start(). A bad configuration (no certificate, MTU
  // below 256, non-positive timeouts, an invalid fingerprint) makes Start() fail with a reason.
  explicit Endpoint(Config config);
  ~Endpoint();
  Endpoint(Endpoint&&) noexcept;
  Endpoint& operator=(Endpoint&&) noexcept;
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // kConnecting. A client sends its ClientHello; a server waits for one. Datagrams received
  // before Start() (a peer's early ClientHello) are kept, a few, and handled now.
  void Start(Timestamp now);
  // One UDP payload holding one or more DTLS records. Malformed or out-of-place records are
  // dropped and counted (Stats); they never fail the connection.
  void HandleDatagram(Timestamp now, ByteView datagram);
  // Retransmits the current flight if its deadline passed; fails the handshake after
  // handshake_timeout.
  void HandleTimeout(Timestamp now);
  std::optional<Timestamp> NextTimeout() const;
  std::optional<Bytes> PollTransmit();
  std::optional<Event> PollEvent();

  // One application data record. InvalidStateError unless connected; OperationError when the
  // data does not fit one record within the MTU (max_application_data()).
  Result<void> Send(Timestamp now, ByteView data);
  // Sends close_notify (RFC 5246 §7.2.1) if the handshake is complete, and enters kClosed.
  void Close(Timestamp now);
  // The remote description's fingerprints, when they were not known at construction (or
  // changed before the peer's certificate was verified). If the peer's certificate already
  // arrived it is verified now: on a match the endpoint connects (or will, once the handshake
  // ends); on a mismatch it fails (with close_notify if the handshake had completed, the only
  // alert OpenSSL can still send then). The outcome shows in state() and events; the result is
  // an error only for a bad call: InvalidAccessError for an empty list or a digest of the wrong
  // length, InvalidStateError after close or failure, InvalidModificationError when connected
  // and the new fingerprints no longer match the verified certificate (a new certificate needs
  // a new DTLS association, RFC 8842 §5.5).
  Result<void> SetRemoteFingerprints(Timestamp now, std::vector<Fingerprint> fingerprints);

  State state() const;
  // Why it failed or closed; "" otherwise.
  const std::string& error() const;
  Role role() const;
  // Once connected with a negotiated profile (RFC 5764 §4.2).
  std::optional<srtp::SessionKeys> srtp_keys() const;
  std::optional<srtp::Profile> srtp_profile() const;
  // The raw RFC 5764 §4.2 keying material (label "EXTRACTOR-dtls_srtp") behind srtp_keys();
  // empty when srtp_keys() is.
  const Bytes& keying_material() const;
  // The negotiated cipher suite once connected: OpenSSL's name ("ECDHE-ECDSA-AES128-GCM-SHA256"),
  // its IANA value (0xC02B) and IANA name ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", what W3C
  // stats call dtlsCipher). "" / 0 before.
  std::string cipher_suite() const;
  uint16_t cipher_suite_id() const;
  std::string cipher_suite_iana_name() const;
  // sha-256 of the peer's certificate, once it arrived (also while its verification waits).
  std::optional<Fingerprint> remote_fingerprint() const;
  // DER of the peer's certificate; empty before it arrived.
  const Bytes& remote_certificate_der() const;
  // The largest Send() that fits one record within the MTU; 0 before connected.
  size_t max_application_data() const;
  // Frees OpenSSL's ~17 KiB record read buffer until the next datagram needs it again (OpenSSL's
  // SSL_MODE_RELEASE_BUFFERS does not apply to DTLS). Cheap enough to call on every timeout: an
  // idle connection then holds none.
  void ReleaseBuffers();
  const Stats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::dtls
