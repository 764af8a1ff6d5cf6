// Feeds arbitrary bytes to srtp::Session::UnprotectRtp and UnprotectRtcp. Input: [profile][packet]
// where the low two bits of the first byte pick the protection profile and the rest is the
// packet. Sessions are fresh for every input (so a crash reproduces from its input alone) and
// built from fixed keys, so the seed corpus's packets, protected by the client side, decrypt.
// Nothing may crash or read out of bounds; a packet that unprotects must shrink by exactly the
// trailer and must then read as a replay; and anything that is RTP/RTCP-shaped enough to be
// protected must round-trip unchanged through the other direction.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "srtp/session.h"

using namespace parley;
using namespace parley::srtp;

namespace {

constexpr Profile kProfiles[] = {Profile::kAes128CmSha1_80, Profile::kAes128CmSha1_32,
                                 Profile::kAeadAes128Gcm, Profile::kAeadAes256Gcm};

// Fixed keys: byte i of the exported keying material is i. The seeds in
// corpus/srtp_unprotect/ are [profile byte][packet protected by the DTLS client's side].
SessionKeys FixedKeys(Profile profile) {
  Bytes material(KeyingMaterialLength(profile));
  for (size_t i = 0; i < material.size(); ++i)
    material[i] = static_cast<uint8_t>(i);
  auto keys = SplitKeyingMaterial(profile, material);
  if (!keys.ok()) std::abort();
  return *keys;
}

Session MakeSession(Profile profile, bool local_is_client) {
  auto session = Session::Create(FixedKeys(profile), local_is_client);
  if (!session.ok()) std::abort();
  return std::move(session).value();
}

void CheckUnprotect(Session& receiver, ByteView input, bool rtcp) {
  Bytes packet(input.begin(), input.end());
  const UnprotectStatus status =
      rtcp ? receiver.UnprotectRtcp(packet) : receiver.UnprotectRtp(packet);
  if (status != UnprotectStatus::kOk) return;
  const size_t overhead = rtcp ? receiver.rtcp_overhead() : receiver.rtp_overhead();
  if (packet.size() + overhead != input.size()) std::abort();
  Bytes again(input.begin(), input.end());
  const UnprotectStatus replay =
      rtcp ? receiver.UnprotectRtcp(again) : receiver.UnprotectRtp(again);
  if (replay != UnprotectStatus::kReplayed) std::abort();
}

// The server protects, the client unprotects: the other direction from CheckUnprotect.
void CheckRoundTrip(Session& sender, Session& receiver, ByteView input, bool rtcp) {
  Bytes packet(input.begin(), input.end());
  if (!(rtcp ? sender.ProtectRtcp(packet) : sender.ProtectRtp(packet)).ok()) return;
  const UnprotectStatus status =
      rtcp ? receiver.UnprotectRtcp(packet) : receiver.UnprotectRtp(packet);
  if (status != UnprotectStatus::kOk) std::abort();
  if (!std::equal(packet.begin(), packet.end(), input.begin(), input.end())) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Profile profile = kProfiles[data[0] & 0x03];
  const ByteView packet(data + 1, size - 1);

  Session server = MakeSession(profile, /*local_is_client=*/false);
  Session client = MakeSession(profile, /*local_is_client=*/true);
  CheckUnprotect(server, packet, /*rtcp=*/false);
  CheckUnprotect(server, packet, /*rtcp=*/true);
  CheckRoundTrip(server, client, packet, /*rtcp=*/false);
  CheckRoundTrip(server, client, packet, /*rtcp=*/true);

  // Every attempt is counted once: each of the two first attempts either fails or succeeds and
  // is then replayed, so exactly two drops whatever the input.
  const Session::Stats stats = server.stats();
  if (stats.dropped_replayed + stats.dropped_auth_failed + stats.dropped_malformed +
          stats.dropped_other !=
      2) {
    std::abort();
  }
  return 0;
}
