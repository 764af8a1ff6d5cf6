// Feeds arbitrary datagrams to an ICE agent that is checking a peer (RFC 8445): from the peer's
// address, from strangers, and from port 5353 (mDNS answers). Inputs that parse as STUN are also
// re-signed with the right password, so that the check and response handling behind the
// integrity check gets fuzzed too. Nothing may crash, and every output must be well-formed.
//
// Input: a sequence of records [selector byte][2-byte length][payload].
#include <cstdint>
#include <cstdlib>
#include <span>

#include "base/random.h"
#include "ice/agent.h"
#include "stun/integrity.h"
#include "stun/message.h"

namespace {

using namespace parley;

const SocketAddress kLocal = *SocketAddress::Parse("192.0.2.1:5000");
const SocketAddress kPeer = *SocketAddress::Parse("192.0.2.2:6000");
const ice::Credentials kLocalCredentials{"LoCa", "localpasswordlocalpassw"};
const ice::Credentials kRemoteCredentials{"rEmO", "remotepasswordremotepw"};

void Drain(ice::Agent& agent) {
  while (auto transmit = agent.PollTransmit()) {
    if (auto* d = std::get_if<Datagram>(&*transmit); d && stun::IsStun(d->payload)) {
      if (!stun::Parse(d->payload)) std::abort();  // Everything we send must parse.
    }
  }
  while (agent.PollEvent()) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SeededRandom random(1);
  ice::AgentConfig config;
  config.role = (size > 0 && (data[0] & 1)) ? ice::Role::kControlled : ice::Role::kControlling;
  config.local_sockets = {kLocal};
  config.local_credentials = kLocalCredentials;
  ice::Agent agent(config, random);
  Timestamp now = Timestamp::Seconds(1000);
  agent.StartGathering(now);
  (void)agent.SetRemoteCredentials(now, kRemoteCredentials);
  (void)agent.AddRemoteCandidate(
      now, ice::Candidate::Make("1", ice::CandidateType::kHost, 2122260223, kPeer));
  (void)agent.AddRemoteCandidate(
      now, *ice::Candidate::Parse("candidate:2 1 udp 2122260223 x.local 6001 typ host"));
  Drain(agent);

  const stun::IntegrityKey local_key = stun::IntegrityKey::ShortTerm(kLocalCredentials.pwd);
  const stun::IntegrityKey remote_key = stun::IntegrityKey::ShortTerm(kRemoteCredentials.pwd);
  std::span<const uint8_t> rest(data, size);
  while (rest.size() >= 3) {
    const uint8_t selector = rest[0];
    const size_t length = std::min<size_t>((size_t{rest[1]} << 8) | rest[2], rest.size() - 3);
    Bytes payload(rest.begin() + 3, rest.begin() + 3 + static_cast<std::ptrdiff_t>(length));
    rest = rest.subspan(3 + length);
    SocketAddress from = kPeer;
    if (selector & 2) from = *SocketAddress::Parse("198.51.100.9:1234");
    if (selector & 4) from = SocketAddress(kPeer.ip(), 5353);
    if (selector & 8) {
      // Re-sign what parses: requests with our password, responses with the peer's.
      if (auto message = stun::Parse(payload); message && payload.size() < 60000) {
        const stun::IntegrityKey& key = message->is_request() ? local_key : remote_key;
        payload = message->Serialize({.key = &key, .fingerprint = true});
      }
    }
    agent.HandleDatagram(now, {from, kLocal, payload});
    Drain(agent);
    if (selector & 16) {
      now += TimeDelta::Millis(selector);
      if (auto next = agent.NextTimeout(); next && *next <= now) agent.HandleTimeout(now);
      Drain(agent);
    }
    if (selector == 0xFF) (void)agent.Send(now, payload);
    Drain(agent);
  }
  // Run the clock out a little: timers must stay consistent.
  for (int i = 0; i < 50; ++i) {
    auto next = agent.NextTimeout();
    if (!next) break;
    now = std::max(now, *next);
    agent.HandleTimeout(now);
    Drain(agent);
  }
  (void)agent.GetStats();
  return 0;
}
