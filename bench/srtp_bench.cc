// srtp::Session against raw libsrtp2 in the same process: one iteration protects a 1200-byte RTP
// packet (12-byte header + 1188-byte payload) and unprotects it again, in place, for
// AEAD_AES_128_GCM and AES_CM_128_HMAC_SHA1_80. The reference makes the same srtp_protect /
// srtp_unprotect calls on an equivalent policy (any SSRC, replay window 1024, repeat tx allowed)
// with no checks or counters. Each iteration bumps the sequence number (libsrtp's replay check
// forbids reuse), so the rollover counter wraps every 65536 packets on both sides alike.
#include <benchmark/benchmark.h>
#include <srtp2/srtp.h>

#include <array>
#include <cstdlib>
#include <cstring>

#include "srtp/session.h"

namespace {

using parley::Bytes;
using parley::srtp::Profile;
using parley::srtp::Session;
using parley::srtp::SessionKeys;
using parley::srtp::UnprotectStatus;

constexpr size_t kPacketSize = 1200;
constexpr uint32_t kSsrc = 0x12345678;

SessionKeys Keys(Profile profile) {
  const auto& params = parley::srtp::ParamsOf(profile);
  SessionKeys keys;
  keys.profile = profile;
  keys.client = {Bytes(params.master_key_length, 0x11), Bytes(params.master_salt_length, 0x22)};
  keys.server = keys.client;  // one key both ways, so one side's output feeds the other
  return keys;
}

Bytes RtpPacket() {
  Bytes packet(kPacketSize, 0xab);
  const uint8_t header[12] = {0x80, 96, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78};
  std::memcpy(packet.data(), header, sizeof(header));
  return packet;
}

void SetSequence(uint8_t* packet, uint16_t sequence) {
  packet[2] = static_cast<uint8_t>(sequence >> 8);
  packet[3] = static_cast<uint8_t>(sequence);
}

void BM_Parley(benchmark::State& state, Profile profile) {
  auto sender = Session::Create(Keys(profile), /*local_is_client=*/true);
  auto receiver = Session::Create(Keys(profile), /*local_is_client=*/false);
  if (!sender.ok() || !receiver.ok()) std::abort();
  Bytes packet = RtpPacket();
  packet.reserve(kPacketSize + sender->rtp_overhead());
  uint16_t sequence = 0;
  for (auto _ : state) {
    SetSequence(packet.data(), sequence++);
    if (!sender->ProtectRtp(packet).ok()) std::abort();
    if (receiver->UnprotectRtp(packet) != UnprotectStatus::kOk) std::abort();
    benchmark::DoNotOptimize(packet.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kPacketSize));
}

srtp_t RawContext(Profile profile, srtp_ssrc_type_t direction) {
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  if (profile == Profile::kAeadAes128Gcm) {
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
  } else {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
  }
  const SessionKeys keys = Keys(profile);
  std::array<uint8_t, 64> key{};
  std::memcpy(key.data(), keys.client.key.data(), keys.client.key.size());
  std::memcpy(key.data() + keys.client.key.size(), keys.client.salt.data(),
              keys.client.salt.size());
  policy.key = key.data();
  policy.ssrc.type = direction;
  policy.window_size = 1024;
  policy.allow_repeat_tx = 1;
  srtp_t context = nullptr;
  if (srtp_create(&context, &policy) != srtp_err_status_ok) std::abort();
  return context;
}

void BM_Libsrtp(benchmark::State& state, Profile profile) {
  // A Session first, so that srtp_init() has run exactly as for BM_Parley.
  if (!Session::Create(Keys(profile), true).ok()) std::abort();
  srtp_t sender = RawContext(profile, ssrc_any_outbound);
  srtp_t receiver = RawContext(profile, ssrc_any_inbound);
  Bytes packet = RtpPacket();
  packet.resize(kPacketSize + SRTP_MAX_TRAILER_LEN);
  uint16_t sequence = 0;
  for (auto _ : state) {
    SetSequence(packet.data(), sequence++);
    int length = static_cast<int>(kPacketSize);
    if (srtp_protect(sender, packet.data(), &length) != srtp_err_status_ok) std::abort();
    if (srtp_unprotect(receiver, packet.data(), &length) != srtp_err_status_ok) std::abort();
    benchmark::DoNotOptimize(packet.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kPacketSize));
  srtp_dealloc(sender);
  srtp_dealloc(receiver);
}

BENCHMARK_CAPTURE(BM_Libsrtp, AeadAes128Gcm, Profile::kAeadAes128Gcm);
BENCHMARK_CAPTURE(BM_Parley, AeadAes128Gcm, Profile::kAeadAes128Gcm);
BENCHMARK_CAPTURE(BM_Libsrtp, AesCm128HmacSha1_80, Profile::kAes128CmSha1_80);
BENCHMARK_CAPTURE(BM_Parley, AesCm128HmacSha1_80, Profile::kAes128CmSha1_80);

}  // namespace
