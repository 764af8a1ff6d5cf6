#include "srtp/reference_srtp.h"

#include <openssl/evp.h>

#include <cctype>
#include <cstdlib>
#include <string>

namespace parley::srtp::reference {
namespace {

void Check(bool ok) {
  if (!ok) std::abort();  // a broken reference must not pass silently
}

const EVP_CIPHER* Ctr(size_t key_length) {
  return key_length == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr();
}
const EVP_CIPHER* Gcm(size_t key_length) {
  return key_length == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
}

// XORs AES-CTR keystream starting at the 16-byte `iv` into `data`.
void AesCtr(ByteView key, const uint8_t (&iv)[16], uint8_t* data, size_t size) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int out = 0;
  Check(ctx && EVP_EncryptInit_ex(ctx, Ctr(key.size()), nullptr, key.data(), iv) == 1 &&
        EVP_EncryptUpdate(ctx, data, &out, data, static_cast<int>(size)) == 1);
  EVP_CIPHER_CTX_free(ctx);
}

Bytes HmacSha1(ByteView key, ByteView data) {
  Bytes mac(20);
  size_t length = 0;
  Check(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA1", nullptr, key.data(), key.size(), data.data(),
                  data.size(), mac.data(), mac.size(), &length) != nullptr &&
        length == 20);
  return mac;
}

// AES-GCM over `plaintext` with `aad`; returns ciphertext || 16-byte tag.
Bytes AesGcm(ByteView key, const uint8_t (&iv)[12], ByteView aad, ByteView plaintext) {
  Bytes out(plaintext.size() + 16);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int length = 0;
  Check(ctx && EVP_EncryptInit_ex(ctx, Gcm(key.size()), nullptr, nullptr, nullptr) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) == 1 &&
        EVP_EncryptInit_ex(ctx, nullptr, nullptr, key.data(), iv) == 1 &&
        EVP_EncryptUpdate(ctx, nullptr, &length, aad.data(), static_cast<int>(aad.size())) == 1 &&
        EVP_EncryptUpdate(ctx, out.data(), &length, plaintext.data(),
                          static_cast<int>(plaintext.size())) == 1 &&
        EVP_EncryptFinal_ex(ctx, out.data() + length, &length) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out.data() + plaintext.size()) == 1);
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

void PutU32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

size_t RtpHeaderLength(ByteView rtp) {
  size_t length = 12 + 4 * (rtp[0] & 0x0F);
  if (rtp[0] & 0x10) length += 4 + 4 * ((size_t{rtp[length + 2]} << 8) | rtp[length + 3]);
  return length;
}

// RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), i the 48-bit index.
void AesCmIv(ByteView salt, ByteView ssrc, uint64_t index, uint8_t (&iv)[16]) {
  for (size_t i = 0; i < 16; ++i)
    iv[i] = i < salt.size() ? salt[i] : 0;
  for (size_t i = 0; i < 4; ++i)
    iv[4 + i] ^= ssrc[i];
  for (size_t i = 0; i < 6; ++i)
    iv[8 + i] ^= static_cast<uint8_t>(index >> (40 - 8 * i));
}

}  // namespace

Bytes DeriveKey(ByteView master_key, ByteView master_salt, Label label, size_t length) {
  // x = key_id XOR master_salt, key_id = label || r (r = 0, 48 bits), right-aligned in the 112
  // bits; the PRF input is x * 2^16.
  uint8_t iv[16] = {};
  for (size_t i = 0; i < master_salt.size() && i < 14; ++i)
    iv[i] = master_salt[i];
  iv[7] ^= static_cast<uint8_t>(label);
  Bytes key(length, 0);
  AesCtr(master_key, iv, key.data(), key.size());
  return key;
}

Bytes ProtectRtpAesCm(ByteView session_key, ByteView session_salt, ByteView auth_key,
                      size_t tag_length, ByteView rtp, uint32_t roc) {
  Bytes packet(rtp.begin(), rtp.end());
  const size_t header = RtpHeaderLength(rtp);
  const uint64_t index = (uint64_t{roc} << 16) | ((size_t{rtp[2]} << 8) | rtp[3]);
  uint8_t iv[16];
  AesCmIv(session_salt, rtp.subspan(8, 4), index, iv);
  AesCtr(session_key, iv, packet.data() + header, packet.size() - header);
  // §4.2: the tag covers the packet and the ROC.
  Bytes authenticated = packet;
  authenticated.resize(packet.size() + 4);
  PutU32(authenticated.data() + packet.size(), roc);
  const Bytes mac = HmacSha1(auth_key, authenticated);
  packet.insert(packet.end(), mac.begin(), mac.begin() + static_cast<std::ptrdiff_t>(tag_length));
  return packet;
}

Bytes ProtectRtcpAesCm(ByteView session_key, ByteView session_salt, ByteView auth_key,
                       ByteView rtcp, uint32_t index) {
  Bytes packet(rtcp.begin(), rtcp.end());
  uint8_t iv[16];
  AesCmIv(session_salt, rtcp.subspan(4, 4), index, iv);
  AesCtr(session_key, iv, packet.data() + 8, packet.size() - 8);
  packet.resize(packet.size() + 4);
  PutU32(packet.data() + packet.size() - 4, 0x80000000u | index);  // E = 1
  const Bytes mac = HmacSha1(auth_key, packet);
  packet.insert(packet.end(), mac.begin(), mac.begin() + 10);
  return packet;
}

Bytes ProtectRtpGcm(ByteView session_key, ByteView session_salt, ByteView rtp, uint32_t roc) {
  const size_t header = RtpHeaderLength(rtp);
  // RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt.
  uint8_t iv[12] = {};
  for (size_t i = 0; i < 4; ++i)
    iv[2 + i] = rtp[8 + i];
  PutU32(iv + 6, roc);
  iv[10] = rtp[2];
  iv[11] = rtp[3];
  for (size_t i = 0; i < 12; ++i)
    iv[i] ^= session_salt[i];
  Bytes packet(rtp.begin(), rtp.begin() + static_cast<std::ptrdiff_t>(header));
  const Bytes sealed = AesGcm(session_key, iv, rtp.first(header), rtp.subspan(header));
  packet.insert(packet.end(), sealed.begin(), sealed.end());
  return packet;
}

Bytes ProtectRtcpGcm(ByteView session_key, ByteView session_salt, ByteView rtcp, uint32_t index) {
  // RFC 7714 §9.1: IV = (00 00 || SSRC || 00 00 || 0 || index) XOR salt; §9.2: AAD = the first
  // 8 bytes || E||index.
  uint8_t iv[12] = {};
  for (size_t i = 0; i < 4; ++i)
    iv[2 + i] = rtcp[4 + i];
  PutU32(iv + 8, index);
  for (size_t i = 0; i < 12; ++i)
    iv[i] ^= session_salt[i];
  uint8_t trailer[4];
  PutU32(trailer, 0x80000000u | index);
  Bytes aad(rtcp.begin(), rtcp.begin() + 8);
  aad.insert(aad.end(), trailer, trailer + 4);
  Bytes packet(rtcp.begin(), rtcp.begin() + 8);
  const Bytes sealed = AesGcm(session_key, iv, aad, rtcp.subspan(8));
  packet.insert(packet.end(), sealed.begin(), sealed.end());
  packet.insert(packet.end(), trailer, trailer + 4);
  return packet;
}

Bytes FromHex(std::string_view hex) {
  Bytes out;
  std::string digits;
  for (char c : hex) {
    if (!std::isspace(static_cast<unsigned char>(c))) digits += c;
  }
  Check(digits.size() % 2 == 0);
  for (size_t i = 0; i < digits.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace parley::srtp::reference
