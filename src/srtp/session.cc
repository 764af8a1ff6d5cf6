#include "srtp/session.h"

#include <srtp2/srtp.h>
#include <string.h>  // explicit_bzero

#include <array>
#include <cstring>
#include <string>
#include <utility>

#include "base/logging.h"

namespace parley::srtp {
namespace {

constexpr size_t kRtpFixedHeaderSize = 12;  // RFC 3550 §5.1
constexpr size_t kRtcpHeaderSize = 8;       // RFC 3550 §6.4: V/P/count, PT, length, SSRC
// Nothing larger fits in a datagram or an RFC 4571 frame, protected or not; also keeps libsrtp's
// int lengths far from overflow.
constexpr size_t kMaxPacketSize = 0xFFFF;
constexpr size_t kMinReplayWindow = 64;  // libsrtp's bounds for srtp_policy_t::window_size
constexpr size_t kMaxReplayWindow = 0x7FFF;

uint8_t Version(const Bytes& packet) {
  return packet[0] >> 6;
}

// The length of the RTP header (fixed part, CSRCs, header extension) when `packet` starts with
// a version-2 header that lies inside it (RFC 3550 §5.1, §5.3.1), else 0. libsrtp 2.5 trusts
// CC and the extension length to compute where the payload starts, so they are checked here.
size_t RtpHeaderLength(const Bytes& packet) {
  const size_t size = packet.size();
  if (size < kRtpFixedHeaderSize || size > kMaxPacketSize || Version(packet) != 2) return 0;
  size_t length = kRtpFixedHeaderSize + 4 * (packet[0] & 0x0F);
  if (packet[0] & 0x10) {  // X: a header extension follows the CSRCs
    if (size < length + 4) return 0;
    length += 4 + 4 * ((size_t{packet[length + 2]} << 8) | packet[length + 3]);
  }
  return length <= size ? length : 0;
}

bool IsRtcp(const Bytes& packet) {
  return packet.size() >= kRtcpHeaderSize && packet.size() <= kMaxPacketSize &&
         Version(packet) == 2;
}

// RFC 5764 §4.1.2 and RFC 7714 §14.2. SRTP_AES128_CM_HMAC_SHA1_32 shortens only the SRTP tag:
// SRTCP keeps the 80-bit tag.
void SetCryptoPolicies(Profile profile, srtp_policy_t& policy) {
  switch (profile) {
    case Profile::kAes128CmSha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      return;
    case Profile::kAes128CmSha1_32:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      return;
    case Profile::kAeadAes128Gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
      return;
    case Profile::kAeadAes256Gcm:
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtcp);
      return;
  }
}

// Runs srtp_init() exactly once per process (a function-local static is initialised once,
// thread-safely); srtp_shutdown() is never called, since Sessions may live until exit.
//
// Debian's libsrtp2 is built on NSS, whose every cipher holds an NSS init context: when the
// last one goes, NSS shuts down and unloads its softoken, and the next Create loads it again
// (~0.7 ms, mostly the dynamic linker). One context kept for the life of the process keeps NSS
// loaded, so Create costs microseconds. Harmless with an OpenSSL-built libsrtp.
srtp_err_status_t InitOnce() {
  srtp_err_status_t status = srtp_init();
  if (status != srtp_err_status_ok) return status;
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
  srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
  policy.ssrc.type = ssrc_any_outbound;
  std::array<uint8_t, SRTP_AES_GCM_128_KEY_LEN_WSALT> key{};
  policy.key = key.data();
  static srtp_t keep_alive = nullptr;  // never freed, on purpose
  return srtp_create(&keep_alive, &policy);
}

Result<void> InitLibsrtp() {
  static const srtp_err_status_t status = InitOnce();
  if (status != srtp_err_status_ok) {
    return OperationError("libsrtp initialisation failed: libsrtp error " + std::to_string(status));
  }
  return Ok();
}

Result<srtp_t> CreateContext(Profile profile, const MasterKey& key, srtp_ssrc_type_t direction,
                             const SessionOptions& options) {
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  SetCryptoPolicies(profile, policy);
  // Any SSRC: libsrtp clones a stream from this template for each new SSRC it sees (and, on
  // receipt, only once the packet has authenticated).
  policy.ssrc.type = direction;
  policy.window_size = options.replay_window;
  policy.allow_repeat_tx = options.allow_repeat_tx ? 1 : 0;
  // libsrtp takes the master key immediately followed by the master salt, and copies it.
  std::array<uint8_t, 64> key_and_salt{};
  std::memcpy(key_and_salt.data(), key.key.data(), key.key.size());
  std::memcpy(key_and_salt.data() + key.key.size(), key.salt.data(), key.salt.size());
  policy.key = key_and_salt.data();
  srtp_t context = nullptr;
  const srtp_err_status_t status = srtp_create(&context, &policy);
  explicit_bzero(key_and_salt.data(), key_and_salt.size());
  if (status != srtp_err_status_ok) {
    if (context != nullptr) srtp_dealloc(context);
    return OperationError("srtp_create failed: libsrtp error " + std::to_string(status));
  }
  return context;
}

UnprotectStatus Classify(srtp_err_status_t status) {
  switch (status) {
    case srtp_err_status_ok:
      return UnprotectStatus::kOk;
    case srtp_err_status_replay_fail:  // index seen before
    case srtp_err_status_replay_old:   // index left of the window
      return UnprotectStatus::kReplayed;
    case srtp_err_status_auth_fail:
      return UnprotectStatus::kAuthenticationFailed;
    case srtp_err_status_bad_param:
    case srtp_err_status_parse_err:
      return UnprotectStatus::kMalformed;
    default:
      return UnprotectStatus::kOther;
  }
}

}  // namespace

std::string_view ToString(UnprotectStatus status) {
  switch (status) {
    case UnprotectStatus::kOk:
      return "ok";
    case UnprotectStatus::kReplayed:
      return "replayed";
    case UnprotectStatus::kAuthenticationFailed:
      return "authentication failed";
    case UnprotectStatus::kMalformed:
      return "malformed";
    case UnprotectStatus::kOther:
      return "other";
  }
  return "unknown";
}

// libsrtp holds one template per srtp_t and direction, so each direction has its own context.
struct Session::Impl {
  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (outbound != nullptr) srtp_dealloc(outbound);
    if (inbound != nullptr) srtp_dealloc(inbound);
  }

  UnprotectStatus Drop(UnprotectStatus status, const char* kind, size_t size,
                       srtp_err_status_t error) {
    switch (status) {
      case UnprotectStatus::kOk:
        break;
      case UnprotectStatus::kReplayed:
        ++stats.dropped_replayed;
        break;
      case UnprotectStatus::kAuthenticationFailed:
        ++stats.dropped_auth_failed;
        break;
      case UnprotectStatus::kMalformed:
        ++stats.dropped_malformed;
        break;
      case UnprotectStatus::kOther:
        ++stats.dropped_other;
        break;
    }
    PARLEY_LOG(kVerbose, "srtp") << "dropped " << kind << " packet of " << size
                                 << " bytes: " << ToString(status) << " (libsrtp status "
                                 << static_cast<int>(error) << ")";
    return status;
  }

  Error ProtectError(const char* kind, srtp_err_status_t error) {
    ++stats.protect_errors;
    return OperationError(std::string("protecting ") + kind + " failed: libsrtp error " +
                          std::to_string(static_cast<int>(error)));
  }

  Profile profile = Profile::kAeadAes128Gcm;
  srtp_t outbound = nullptr;
  srtp_t inbound = nullptr;
  size_t rtp_overhead = 0;
  size_t rtcp_overhead = 0;
  Stats stats;
};

Result<Session> Session::Create(const SessionKeys& keys, bool local_is_client,
                                SessionOptions options) {
  if (!ProfileFromId(static_cast<uint16_t>(keys.profile))) {
    return InvalidAccessError("unknown SRTP protection profile " +
                              std::to_string(static_cast<int>(keys.profile)));
  }
  const ProfileParams& params = ParamsOf(keys.profile);
  for (const MasterKey* key : {&keys.client, &keys.server}) {
    if (key->key.size() != params.master_key_length ||
        key->salt.size() != params.master_salt_length) {
      return InvalidAccessError(std::string(ToString(keys.profile)) + " needs a " +
                                std::to_string(params.master_key_length) + "-byte key and a " +
                                std::to_string(params.master_salt_length) + "-byte salt, got " +
                                std::to_string(key->key.size()) + " and " +
                                std::to_string(key->salt.size()));
    }
  }
  if (options.replay_window < kMinReplayWindow || options.replay_window > kMaxReplayWindow) {
    return RangeError("SRTP replay window must be 64..32767 packets, got " +
                      std::to_string(options.replay_window));
  }
  if (auto init = InitLibsrtp(); !init.ok()) return init.error();

  auto impl = std::make_unique<Impl>();
  impl->profile = keys.profile;
  const MasterKey& send_key = local_is_client ? keys.client : keys.server;
  const MasterKey& receive_key = local_is_client ? keys.server : keys.client;
  auto outbound = CreateContext(keys.profile, send_key, ssrc_any_outbound, options);
  if (!outbound.ok()) return outbound.error();
  impl->outbound = *outbound;
  auto inbound = CreateContext(keys.profile, receive_key, ssrc_any_inbound, options);
  if (!inbound.ok()) return inbound.error();
  impl->inbound = *inbound;

  uint32_t rtp_trailer = 0;
  uint32_t rtcp_trailer = 0;
  if (srtp_get_protect_trailer_length(impl->outbound, 0, 0, &rtp_trailer) != srtp_err_status_ok ||
      srtp_get_protect_rtcp_trailer_length(impl->outbound, 0, 0, &rtcp_trailer) !=
          srtp_err_status_ok) {
    return OperationError("libsrtp did not report the SRTP trailer length");
  }
  impl->rtp_overhead = rtp_trailer;
  impl->rtcp_overhead = rtcp_trailer;
  return Session(std::move(impl));
}

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Profile Session::profile() const {
  return impl_ ? impl_->profile : Profile::kAeadAes128Gcm;
}
size_t Session::rtp_overhead() const {
  return impl_ ? impl_->rtp_overhead : 0;
}
size_t Session::rtcp_overhead() const {
  return impl_ ? impl_->rtcp_overhead : 0;
}
Session::Stats Session::stats() const {
  return impl_ ? impl_->stats : Stats{};
}

// RFC 3711 §3.3: encrypt the payload, append the authentication tag.
Result<void> Session::ProtectRtp(Bytes& packet) {
  if (!impl_) return InvalidStateError("srtp::Session was moved from");
  Impl& s = *impl_;
  const size_t size = packet.size();
  if (RtpHeaderLength(packet) == 0 || size + s.rtp_overhead > kMaxPacketSize) {
    ++s.stats.protect_errors;
    return InvalidAccessError("not an RTP packet of at most " +
                              std::to_string(kMaxPacketSize - s.rtp_overhead) + " bytes (" +
                              std::to_string(size) + " bytes)");
  }
  packet.resize(size + s.rtp_overhead);  // libsrtp writes the trailer past the given length
  int length = static_cast<int>(size);
  const srtp_err_status_t status = srtp_protect(s.outbound, packet.data(), &length);
  if (status != srtp_err_status_ok) {
    packet.resize(size);
    return s.ProtectError("RTP", status);
  }
  packet.resize(static_cast<size_t>(length));
  ++s.stats.rtp_protected;
  return Ok();
}

// RFC 3711 §3.4: encrypt after the first 8 bytes, append E||SRTCP index and the tag.
Result<void> Session::ProtectRtcp(Bytes& packet) {
  if (!impl_) return InvalidStateError("srtp::Session was moved from");
  Impl& s = *impl_;
  const size_t size = packet.size();
  if (!IsRtcp(packet) || size + s.rtcp_overhead > kMaxPacketSize) {
    ++s.stats.protect_errors;
    return InvalidAccessError("not an RTCP packet of at most " +
                              std::to_string(kMaxPacketSize - s.rtcp_overhead) + " bytes (" +
                              std::to_string(size) + " bytes)");
  }
  packet.resize(size + s.rtcp_overhead);
  int length = static_cast<int>(size);
  const srtp_err_status_t status = srtp_protect_rtcp(s.outbound, packet.data(), &length);
  if (status != srtp_err_status_ok) {
    packet.resize(size);
    return s.ProtectError("RTCP", status);
  }
  packet.resize(static_cast<size_t>(length));
  ++s.stats.rtcp_protected;
  return Ok();
}

UnprotectStatus Session::UnprotectRtp(Bytes& packet) {
  if (!impl_) return UnprotectStatus::kOther;
  Impl& s = *impl_;
  const size_t header = RtpHeaderLength(packet);
  if (header == 0 || packet.size() < header + s.rtp_overhead) {
    return s.Drop(UnprotectStatus::kMalformed, "SRTP", packet.size(), srtp_err_status_ok);
  }
  int length = static_cast<int>(packet.size());
  const srtp_err_status_t status = srtp_unprotect(s.inbound, packet.data(), &length);
  if (status != srtp_err_status_ok) return s.Drop(Classify(status), "SRTP", packet.size(), status);
  packet.resize(static_cast<size_t>(length));
  ++s.stats.rtp_unprotected;
  return UnprotectStatus::kOk;
}

UnprotectStatus Session::UnprotectRtcp(Bytes& packet) {
  if (!impl_) return UnprotectStatus::kOther;
  Impl& s = *impl_;
  if (!IsRtcp(packet) || packet.size() < kRtcpHeaderSize + s.rtcp_overhead) {
    return s.Drop(UnprotectStatus::kMalformed, "SRTCP", packet.size(), srtp_err_status_ok);
  }
  int length = static_cast<int>(packet.size());
  const srtp_err_status_t status = srtp_unprotect_rtcp(s.inbound, packet.data(), &length);
  if (status != srtp_err_status_ok) {
    return s.Drop(Classify(status), "SRTCP", packet.size(), status);
  }
  packet.resize(static_cast<size_t>(length));
  ++s.stats.rtcp_unprotected;
  return UnprotectStatus::kOk;
}

Result<Bytes> Session::ProtectRtp(ByteView packet) {
  Bytes copy;
  copy.reserve(packet.size() + rtp_overhead());
  copy.assign(packet.begin(), packet.end());
  if (auto result = ProtectRtp(copy); !result.ok()) return result.error();
  return copy;
}

Result<Bytes> Session::ProtectRtcp(ByteView packet) {
  Bytes copy;
  copy.reserve(packet.size() + rtcp_overhead());
  copy.assign(packet.begin(), packet.end());
  if (auto result = ProtectRtcp(copy); !result.ok()) return result.error();
  return copy;
}

std::optional<Bytes> Session::UnprotectRtp(ByteView packet) {
  Bytes copy(packet.begin(), packet.end());
  if (UnprotectRtp(copy) != UnprotectStatus::kOk) return std::nullopt;
  return copy;
}

std::optional<Bytes> Session::UnprotectRtcp(ByteView packet) {
  Bytes copy(packet.begin(), packet.end());
  if (UnprotectRtcp(copy) != UnprotectStatus::kOk) return std::nullopt;
  return copy;
}

}  // namespace parley::srtp
