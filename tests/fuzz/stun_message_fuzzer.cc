// Parses arbitrary bytes as a STUN message (RFC 8489). Whatever parses must: verify integrity
// and fingerprint without crashing, decode every typed attribute without reading out of bounds,
// and survive a serialize/parse round trip unchanged (also when re-signed, which must verify).
#include <cstdint>
#include <cstdlib>
#include <span>

#include "stun/integrity.h"
#include "stun/message.h"

namespace {

using namespace parley::stun;

void DecodeEverything(const Message& m) {
  (void)m.Get<MappedAddress>();
  (void)m.Get<AlternateServer>();
  (void)m.GetAll<XorMappedAddress>();
  (void)m.GetAll<XorPeerAddress>();
  (void)m.Get<XorRelayedAddress>();
  (void)m.Get<Username>();
  (void)m.Get<Realm>();
  (void)m.Get<Nonce>();
  (void)m.Get<Software>();
  (void)m.Get<Userhash>();
  (void)m.Get<ErrorCode>();
  (void)m.Get<UnknownAttributes>();
  (void)m.Get<PasswordAlgorithmsAttribute>();
  (void)m.Get<PasswordAlgorithmAttribute>();
  (void)m.Get<Priority>();
  (void)m.Get<UseCandidate>();
  (void)m.Get<IceControlled>();
  (void)m.Get<IceControlling>();
  (void)m.Get<ChannelNumber>();
  (void)m.Get<Lifetime>();
  (void)m.Get<Data>();
  (void)m.Get<RequestedAddressFamily>();
  (void)m.Get<EvenPort>();
  (void)m.Get<RequestedTransport>();
  (void)m.Get<DontFragment>();
  (void)m.Get<ReservationToken>();
  (void)m.Get<MessageIntegrity>();
  (void)m.Get<MessageIntegritySha256>();
  (void)m.Get<Fingerprint>();
  (void)m.UnknownComprehensionRequired();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  (void)IsStun(input);
  (void)MessageSizeFromHeader(input);
  auto message = Parse(input);
  if (!message) return 0;

  static const IntegrityKey kKey = IntegrityKey::ShortTerm("VOkJxbRl1RmTxUk/WvJxBt");
  (void)VerifyIntegrity(*message, kKey);
  (void)VerifyMessageIntegrity(*message, kKey);
  (void)VerifyFingerprint(*message);
  DecodeEverything(*message);
  if (message->raw().size() != size) std::abort();

  // Re-serialise as is: it must parse back to the same content.
  auto again = Parse(message->Serialize());
  if (!again || !again->SameContent(*message)) std::abort();

  // Re-sign: integrity and fingerprint must then verify. (Skipped where the 52 added bytes
  // would overflow the 16-bit length field, which Serialize treats as a programming error.)
  if (size + 24 + 20 + 8 > 0xFFFF) return 0;
  auto signed_message = Parse(message->Serialize({.key = &kKey,
                                                  .message_integrity = true,
                                                  .message_integrity_sha256 = true,
                                                  .sha256_size = 16,
                                                  .fingerprint = true}));
  if (!signed_message || !signed_message->SameContent(*message) ||
      VerifyIntegrity(*signed_message, kKey) != IntegrityResult::kOk ||
      VerifyMessageIntegrity(*signed_message, kKey) != IntegrityResult::kOk ||
      VerifyFingerprint(*signed_message) != IntegrityResult::kOk) {
    std::abort();
  }
  return 0;
}
