// Drives an allocated TurnClient (RFC 8656) with arbitrary server messages. The input is a
// sequence of records: [flags][length:2][bytes]. Flags bit 0 copies the transaction id of the
// client's latest request into the record (so responses match a pending transaction), bit 1
// re-signs a parseable record with the long-term key (so it passes the integrity check), bits
// 2-7 advance the clock by that many seconds first. Nothing may crash, and everything the client
// sends must be a well-formed STUN or ChannelData message.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "base/random.h"
#include "stun/message.h"
#include "turn/channel_data.h"
#include "turn/turn_client.h"

using namespace parley;
using namespace parley::turn;

namespace {

const char kRealm[] = "fuzz.realm";
const char kNonce[] = "fuzznonce";

SocketAddress Addr(const char* text) {
  return *SocketAddress::Parse(text);
}

struct Harness {
  SeededRandom random{1};
  TurnClient client{[] {
                      ServerConfig config;
                      config.server = Addr("203.0.113.1:3478");
                      config.username = "user";
                      config.password = "pass";
                      return config;
                    }(),
                    random};
  stun::IntegrityKey key = stun::IntegrityKey::LongTerm("user", kRealm, "pass");
  Timestamp now = Timestamp::Seconds(1000);
  stun::TransactionId last_request{};

  // Takes the client's output, checks it, remembers the latest request's transaction id.
  void DrainOutput() {
    while (auto message = client.PollServerMessage()) {
      if (IsChannelData(*message)) {
        if (!ParseChannelData(*message)) std::abort();
        continue;
      }
      auto parsed = stun::Parse(*message);
      if (!parsed) std::abort();
      if (parsed->is_request()) last_request = parsed->transaction_id();
    }
    while (client.PollEvent()) {
    }
  }

  stun::Message Respond(stun::MessageClass cls) {
    return stun::Message(cls, stun::Method::kAllocate, last_request);
  }

  // 401, then success: the client ends up allocated.
  void Allocate() {
    client.Start(now);
    DrainOutput();
    stun::Message challenge = Respond(stun::MessageClass::kErrorResponse);
    challenge.Add(stun::ErrorCode{401, "Unauthorized"})
        .Add(stun::Realm{kRealm})
        .Add(stun::Nonce{kNonce});
    client.HandleServerMessage(now, challenge.Serialize());
    DrainOutput();
    stun::Message success = Respond(stun::MessageClass::kSuccessResponse);
    success.Add(stun::XorRelayedAddress{Addr("203.0.113.1:50000")})
        .Add(stun::XorMappedAddress{Addr("192.0.2.1:5000")})
        .Add(stun::Lifetime{600});
    client.HandleServerMessage(now, success.Serialize({.key = &key}));
    DrainOutput();
    // Pending requests and a channel in progress to answer.
    client.CreatePermission(now, *IpAddress::Parse("198.51.100.1"));
    (void)client.SendTo(now, Addr("198.51.100.2:7000"), Bytes{1, 2, 3});
    DrainOutput();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Harness h;
  h.Allocate();
  std::span<const uint8_t> input(data, size);
  while (input.size() >= 3) {
    const uint8_t flags = input[0];
    const size_t length = std::min<size_t>((size_t{input[1]} << 8) | input[2], input.size() - 3);
    Bytes record(input.begin() + 3, input.begin() + 3 + static_cast<std::ptrdiff_t>(length));
    input = input.subspan(3 + length);

    if (const int seconds = flags >> 2; seconds > 0) {
      h.now += TimeDelta::Seconds(seconds);
      if (auto next = h.client.NextTimeout(); next && *next <= h.now) h.client.HandleTimeout(h.now);
      h.DrainOutput();
    }
    if ((flags & 1) && record.size() >= stun::kHeaderSize) {
      std::copy(h.last_request.begin(), h.last_request.end(), record.begin() + 8);
    }
    if (flags & 2) {
      // (Skipped where the 24 added bytes would overflow the 16-bit length field.)
      auto parsed = stun::Parse(record);
      if (parsed && record.size() + 24 <= 0xFFFF) record = parsed->Serialize({.key = &h.key});
    }
    h.client.HandleServerMessage(h.now, record);
    h.DrainOutput();
    (void)h.client.SendTo(h.now, Addr("198.51.100.2:7000"), Bytes{4, 5});
    h.DrainOutput();
  }
  h.client.Close(h.now);
  h.DrainOutput();
  return 0;
}
