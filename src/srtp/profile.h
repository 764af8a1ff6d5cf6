// SRTP protection profiles negotiated by DTLS-SRTP (RFC 5764 §4.1.2, RFC 7714 §14.2) and the
// split of the DTLS-exported keying material into per-direction master keys and salts
// (RFC 5764 §4.2). Shared by the DTLS layer (which negotiates and exports) and the SRTP layer
// (which protects); no crypto library appears here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/byte_io.h"
#include "parley/result.h"

namespace parley::srtp {

// Values are the DTLS-SRTP protection profile ids (IANA "DTLS-SRTP Protection Profiles").
enum class Profile : uint16_t {
  kAes128CmSha1_80 = 0x0001,  // SRTP_AES128_CM_HMAC_SHA1_80
  kAes128CmSha1_32 = 0x0002,  // SRTP_AES128_CM_HMAC_SHA1_32
  kAeadAes128Gcm = 0x0007,    // SRTP_AEAD_AES_128_GCM (RFC 7714)
  kAeadAes256Gcm = 0x0008,    // SRTP_AEAD_AES_256_GCM (RFC 7714)
};

struct ProfileParams {
  size_t master_key_length;     // bytes
  size_t master_salt_length;    // bytes
  size_t rtp_auth_tag_length;   // bytes appended to SRTP packets
  size_t rtcp_auth_tag_length;  // bytes appended to SRTCP packets (after the E||index word)
  // The name OpenSSL and the openssl CLI use (`-use_srtp`), e.g. "SRTP_AEAD_AES_128_GCM".
  std::string_view openssl_name;
};

const ProfileParams& ParamsOf(Profile profile);
// The OpenSSL name, e.g. "SRTP_AES128_CM_SHA1_80".
std::string_view ToString(Profile profile);
std::optional<Profile> ProfileFromId(uint16_t id);
std::optional<Profile> ProfileFromName(std::string_view openssl_name);

// Our preference order: AEAD first (cheaper and stronger), then the mandatory-to-implement
// SRTP_AES128_CM_HMAC_SHA1_80 (RFC 8827 §6.5), then the short-tag variant.
inline constexpr Profile kDefaultProfiles[] = {Profile::kAeadAes128Gcm, Profile::kAeadAes256Gcm,
                                               Profile::kAes128CmSha1_80,
                                               Profile::kAes128CmSha1_32};

// 2 * (master key + master salt): what to export with the "EXTRACTOR-dtls_srtp" label.
size_t KeyingMaterialLength(Profile profile);

struct MasterKey {
  Bytes key;
  Bytes salt;
  friend bool operator==(const MasterKey&, const MasterKey&) = default;
};

// The keys of one DTLS-SRTP association. The DTLS client protects what it sends with `client`
// and the server with `server`; each side unprotects with the other's.
struct SessionKeys {
  Profile profile = Profile::kAeadAes128Gcm;
  MasterKey client;
  MasterKey server;
  friend bool operator==(const SessionKeys&, const SessionKeys&) = default;
};

// RFC 5764 §4.2: the material is client_write_SRTP_master_key | server_write_SRTP_master_key |
// client_write_SRTP_master_salt | server_write_SRTP_master_salt. InvalidAccessError when the
// material is not exactly KeyingMaterialLength(profile) long.
Result<SessionKeys> SplitKeyingMaterial(Profile profile, ByteView material);

}  // namespace parley::srtp
