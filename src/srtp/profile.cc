#include "srtp/profile.h"

#include <string>

namespace parley::srtp {
namespace {

// RFC 5764 §4.1.2 and RFC 7714 §14.2. GCM's 16-byte tag is the AEAD tag; SRTCP adds the 4-byte
// E||SRTCP index word before it for every profile.
constexpr ProfileParams kAes128CmSha1_80{16, 14, 10, 10, "SRTP_AES128_CM_SHA1_80"};
constexpr ProfileParams kAes128CmSha1_32{16, 14, 4, 10, "SRTP_AES128_CM_SHA1_32"};
constexpr ProfileParams kAeadAes128Gcm{16, 12, 16, 16, "SRTP_AEAD_AES_128_GCM"};
constexpr ProfileParams kAeadAes256Gcm{32, 12, 16, 16, "SRTP_AEAD_AES_256_GCM"};

}  // namespace

const ProfileParams& ParamsOf(Profile profile) {
  switch (profile) {
    case Profile::kAes128CmSha1_80:
      return kAes128CmSha1_80;
    case Profile::kAes128CmSha1_32:
      return kAes128CmSha1_32;
    case Profile::kAeadAes128Gcm:
      return kAeadAes128Gcm;
    case Profile::kAeadAes256Gcm:
      return kAeadAes256Gcm;
  }
  return kAeadAes128Gcm;
}

std::string_view ToString(Profile profile) {
  return ParamsOf(profile).openssl_name;
}

std::optional<Profile> ProfileFromId(uint16_t id) {
  for (Profile profile : kDefaultProfiles) {
    if (static_cast<uint16_t>(profile) == id) return profile;
  }
  return std::nullopt;
}

std::optional<Profile> ProfileFromName(std::string_view openssl_name) {
  for (Profile profile : kDefaultProfiles) {
    if (ToString(profile) == openssl_name) return profile;
  }
  return std::nullopt;
}

size_t KeyingMaterialLength(Profile profile) {
  const ProfileParams& params = ParamsOf(profile);
  return 2 * (params.master_key_length + params.master_salt_length);
}

Result<SessionKeys> SplitKeyingMaterial(Profile profile, ByteView material) {
  if (material.size() != KeyingMaterialLength(profile)) {
    return InvalidAccessError(std::string(ToString(profile)) + " needs " +
                              std::to_string(KeyingMaterialLength(profile)) +
                              " bytes of keying material, got " + std::to_string(material.size()));
  }
  const ProfileParams& params = ParamsOf(profile);
  const size_t key = params.master_key_length;
  const size_t salt = params.master_salt_length;
  auto slice = [&](size_t offset, size_t length) {
    ByteView part = material.subspan(offset, length);
    return Bytes(part.begin(), part.end());
  };
  SessionKeys keys;
  keys.profile = profile;
  keys.client = {slice(0, key), slice(2 * key, salt)};
  keys.server = {slice(key, key), slice(2 * key + salt, salt)};
  return keys;
}

}  // namespace parley::srtp
