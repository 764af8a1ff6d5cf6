// One DTLS-SRTP association's packet protection: SRTP and SRTCP (RFC 3711) with the AEAD
// profiles of RFC 7714, on libsrtp2. Protects outbound and unprotects inbound packets in place;
// bad input is dropped and counted, never thrown on.
//
// Not thread-safe: one Session is used from one thread at a time (the network thread). Distinct
// Sessions may be used concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "base/byte_io.h"
#include "parley/result.h"
#include "srtp/profile.h"

namespace parley::srtp {

struct SessionOptions {
  // Replay window of each inbound SRTP stream, in packets (RFC 3711 §3.3.2; libsrtp accepts
  // 64..32767). 1024 like browsers, so that reordering by a pacer or a jittery path is not
  // mistaken for replay. SRTCP's window is libsrtp's fixed 128.
  size_t replay_window{1024};
  // Lets the sender protect the same RTP sequence number again (retransmission of a packet
  // with the same payload); the receiver still drops the copy as a replay.
  bool allow_repeat_tx{true};
};

enum class UnprotectStatus : uint8_t {
  kOk,
  kReplayed,              // index already seen or older than the replay window
  kAuthenticationFailed,  // tag mismatch: tampered, wrong keys, or not ours
  kMalformed,             // not a well-formed RTP/RTCP packet with room for the trailer
  kOther,                 // any other libsrtp failure (e.g. key usage limit reached)
};
std::string_view ToString(UnprotectStatus status);

class Session {
 public:
  struct Stats {
    uint64_t rtp_protected{};
    uint64_t rtcp_protected{};
    uint64_t rtp_unprotected{};
    uint64_t rtcp_unprotected{};
    uint64_t dropped_replayed{};
    uint64_t dropped_auth_failed{};
    uint64_t dropped_malformed{};
    uint64_t dropped_other{};
    uint64_t protect_errors{};
  };

  // The DTLS client protects with keys.client and unprotects with keys.server; the server the
  // other way round (RFC 5764 §4.2). Any SSRC may be sent or received: each new SSRC gets its
  // own cryptographic context (RFC 3711 §3.2.3: rollover counter, replay list) from the same
  // master key, inbound only once its first packet authenticates. InvalidAccessError when the key
  // or salt lengths do not match keys.profile, RangeError for a replay window out of range,
  // OperationError when libsrtp fails.
  static Result<Session> Create(const SessionKeys& keys, bool local_is_client,
                                SessionOptions options = {});

  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Profile profile() const;
  // Bytes ProtectRtp/ProtectRtcp append: the auth tag (RTP), or E||index plus the tag (RTCP).
  size_t rtp_overhead() const;
  size_t rtcp_overhead() const;

  // In place: encrypts and appends the trailer. Reserving packet.size() + overhead avoids the
  // one reallocation otherwise needed. On error nothing is appended and the packet must not be
  // sent. InvalidAccessError for a packet that is not RTP (resp. RTCP) version 2 with its
  // header inside the buffer; OperationError if libsrtp refuses (e.g. a repeated sequence
  // number without allow_repeat_tx, or the key usage limit).
  Result<void> ProtectRtp(Bytes& packet);
  Result<void> ProtectRtcp(Bytes& packet);

  // In place: authenticates, decrypts and removes the trailer. On anything but kOk the packet
  // is to be dropped (its contents are unspecified) and the drop has been counted.
  [[nodiscard]] UnprotectStatus UnprotectRtp(Bytes& packet);
  [[nodiscard]] UnprotectStatus UnprotectRtcp(Bytes& packet);

  // Copying conveniences (one allocation per call), for tests and cold paths.
  [[nodiscard]] Result<Bytes> ProtectRtp(ByteView packet);
  [[nodiscard]] Result<Bytes> ProtectRtcp(ByteView packet);
  [[nodiscard]] std::optional<Bytes> UnprotectRtp(ByteView packet);
  [[nodiscard]] std::optional<Bytes> UnprotectRtcp(ByteView packet);

  Stats stats() const;

 private:
  struct Impl;
  explicit Session(std::unique_ptr<Impl> impl);

  // Null only in a moved-from Session, whose calls then fail (InvalidStateError, kOther) until
  // it is assigned to.
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::srtp
