// An independent, straight-from-the-RFCs SRTP/SRTCP sender on OpenSSL, used only to check
// libsrtp behind srtp::Session: the AES-CM PRF key derivation (RFC 3711 §4.3), AES-CM +
// HMAC-SHA1 (RFC 3711 §3.3, §3.4, §4.1.1, §4.2) and AEAD AES-GCM (RFC 7714 §8, §9). One packet
// at a time, no replay state, no validation: the caller passes well-formed packets.
#pragma once

#include <cstdint>

#include "base/byte_io.h"

namespace parley::srtp::reference {

// RFC 3711 §4.3.3 labels.
enum class Label : uint8_t {
  kRtpEncryption = 0x00,
  kRtpAuthentication = 0x01,
  kRtpSalt = 0x02,
  kRtcpEncryption = 0x03,
  kRtcpAuthentication = 0x04,
  kRtcpSalt = 0x05,
};

// RFC 3711 §4.3.1 with key_derivation_rate 0 and the AES-CM PRF of §4.3.3. A 12-byte (AEAD)
// master salt is zero-padded on the right to the PRF's 112 bits.
Bytes DeriveKey(ByteView master_key, ByteView master_salt, Label label, size_t length);

// RFC 3711 §3.3: SRTP with AES-CM (§4.1.1) and an HMAC-SHA1 tag (§4.2) of `tag_length` bytes.
Bytes ProtectRtpAesCm(ByteView session_key, ByteView session_salt, ByteView auth_key,
                      size_t tag_length, ByteView rtp, uint32_t roc);
// RFC 3711 §3.4: SRTCP with AES-CM and HMAC-SHA1-80, E = 1.
Bytes ProtectRtcpAesCm(ByteView session_key, ByteView session_salt, ByteView auth_key,
                       ByteView rtcp, uint32_t index);

// RFC 7714 §8: header || AES-GCM(payload) || 16-byte tag, with the header as AAD.
Bytes ProtectRtpGcm(ByteView session_key, ByteView session_salt, ByteView rtp, uint32_t roc);
// RFC 7714 §9: header || AES-GCM(rest) || tag || E||index, AAD = header || E||index.
Bytes ProtectRtcpGcm(ByteView session_key, ByteView session_salt, ByteView rtcp, uint32_t index);

// "8040 f17b ..." (whitespace ignored) to bytes.
Bytes FromHex(std::string_view hex);

}  // namespace parley::srtp::reference
