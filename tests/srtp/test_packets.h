// Packets and keys for the SRTP tests: plain RTP/RTCP packets built field by field, and
// SessionKeys of the right lengths for each profile.
#pragma once

#include <cstdint>
#include <string>

#include "base/byte_io.h"
#include "srtp/profile.h"
#include "srtp/session.h"

namespace parley::srtp::testing {

inline constexpr Profile kAllProfiles[] = {Profile::kAes128CmSha1_80, Profile::kAes128CmSha1_32,
                                           Profile::kAeadAes128Gcm, Profile::kAeadAes256Gcm};

// For gtest's parameter names: "SRTP_AES128_CM_SHA1_80" → "SRTP_AES128_CM_SHA1_80".
inline std::string ProfileName(Profile profile) {
  return std::string(ToString(profile));
}

// RFC 3550 §5.1 header (V=2, no CSRC, no extension), then `payload_size` bytes of `fill`.
inline Bytes RtpPacket(uint16_t sequence, uint32_t ssrc, size_t payload_size = 160,
                       uint8_t fill = 0xab) {
  ByteWriter writer(12 + payload_size + 16);
  writer.WriteU8(0x80).WriteU8(96).WriteU16(sequence).WriteU32(sequence * 960u).WriteU32(ssrc);
  for (size_t i = 0; i < payload_size; ++i)
    writer.WriteU8(static_cast<uint8_t>(fill + i));
  return std::move(writer).Take();
}

// A receiver report (RFC 3550 §6.4.2) with one report block: 32 bytes.
inline Bytes RtcpPacket(uint32_t ssrc, uint32_t reportee = 0x11223344) {
  ByteWriter writer(32 + 20);
  writer.WriteU8(0x81).WriteU8(201).WriteU16(7).WriteU32(ssrc);
  writer.WriteU32(reportee).WriteU32(0x00000001).WriteU32(0x0001ffff).WriteU32(20);
  writer.WriteU32(0x12345678).WriteU32(0x00010000);
  return std::move(writer).Take();
}

// Distinct, deterministic client and server keys of the profile's lengths.
inline SessionKeys KeysFor(Profile profile, uint8_t seed = 1) {
  const ProfileParams& params = ParamsOf(profile);
  auto fill = [](size_t size, uint8_t start) {
    Bytes bytes(size);
    for (size_t i = 0; i < size; ++i)
      bytes[i] = static_cast<uint8_t>(start + 7 * i);
    return bytes;
  };
  SessionKeys keys;
  keys.profile = profile;
  keys.client = {fill(params.master_key_length, seed), fill(params.master_salt_length, seed + 50)};
  keys.server = {fill(params.master_key_length, seed + 100),
                 fill(params.master_salt_length, seed + 150)};
  return keys;
}

// A client and a server session built from the same keys.
struct SessionPair {
  Session client;
  Session server;
};

inline SessionPair MakePair(const SessionKeys& keys, SessionOptions options = {}) {
  auto client = Session::Create(keys, /*local_is_client=*/true, options);
  auto server = Session::Create(keys, /*local_is_client=*/false, options);
  if (!client.ok() || !server.ok()) std::abort();
  return {std::move(client).value(), std::move(server).value()};
}

}  // namespace parley::srtp::testing
