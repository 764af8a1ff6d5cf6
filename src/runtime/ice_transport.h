// IceTransport: one ICE agent (ice::Agent, sans-IO) driven by the runtime with real sockets.
//
// On the network thread it binds a UdpSocket per configured local address (the agent's host
// candidate bases), feeds the agent every datagram, stream event and timer expiry (one timer,
// re-armed to Agent::NextTimeout() after every input), and carries out every Transmit: datagrams
// leave through the UdpSocket bound to their source address, stream operations (TURN over
// TCP/TLS) through TcpSockets. Agent events reach the application through the Runtime's
// CallbackExecutor: never on the network thread, never under a lock, in the order the agent
// produced them.
//
// Every method is thread-safe; the ones that feed the agent post to the network thread and
// return at once. A callback may call any method, and may destroy the transport.
#pragma once

#include <functional>
#include <memory>

#include "base/byte_io.h"
#include "base/random.h"
#include "ice/agent.h"
#include "parley/result.h"
#include "runtime/runtime.h"

namespace parley {

class IceTransport {
 public:
  // All optional; each runs on the Runtime's callback thread. None starts once the destructor
  // has begun.
  struct Callbacks {
    // A local candidate to trickle to the peer (RFC 8838 §4).
    std::function<void(const ice::Candidate& candidate)> on_candidate;
    std::function<void(ice::GatheringState state)> on_gathering_state;
    std::function<void(ice::ConnectionState state)> on_state;
    // `local` as the peer sees it.
    std::function<void(const ice::Candidate& local, const ice::Candidate& remote)> on_selected_pair;
    // Application data (anything but STUN) received on a valid pair.
    std::function<void(Bytes data)> on_data;
    // The agent switched roles after a role conflict (RFC 8445 §7.3.1.1).
    std::function<void(ice::Role role)> on_role;
  };

  struct Stats {
    ice::AgentStats agent;
    uint64_t datagrams_sent = 0;
    uint64_t datagrams_received = 0;
    uint64_t send_errors = 0;  // Sockets' send errors, and datagrams with no socket to leave by.
    uint64_t streams_opened = 0;
  };

  // Binds a UdpSocket for every address in config.local_sockets (port 0: an ephemeral port) and
  // hands the bound addresses to the agent as its host candidate bases; nothing else happens
  // until Start(). Give concrete addresses (e.g. 127.0.0.1, ::1): a wildcard is not expanded
  // into the host's interfaces. TURN over TCP/TLS connects from the first of these addresses of
  // the server's family (port 0), or from where the kernel chooses when there is none. `random`
  // (default: CryptoRandom) must outlive the transport. Errors: those of UdpSocket::Bind
  // (InvalidAccessError for an address that cannot be bound). Any thread.
  static Result<std::unique_ptr<IceTransport>> Create(Runtime& runtime, ice::AgentConfig config,
                                                      Callbacks callbacks,
                                                      Random* random = nullptr);

  // Closes the agent (TURN allocations are released, best effort: the requests are sent, their
  // answers not awaited), then the sockets, on the network thread, waiting for it. No callback
  // starts afterwards; one already running on the callback thread may still be finishing
  // (unless this is called from it). Allowed from inside a callback. Must happen before the
  // Runtime is destroyed.
  ~IceTransport();
  IceTransport(const IceTransport&) = delete;
  IceTransport& operator=(const IceTransport&) = delete;

  // Our ice-ufrag/ice-pwd for the description (the newest, after Restart()).
  ice::Credentials local_credentials() const;
  // The addresses the UdpSockets are bound to (the host candidates' bases).
  std::vector<SocketAddress> local_addresses() const;

  // Starts gathering (on_candidate, on_gathering_state) and the agent's timers.
  void Start();
  // The peer's credentials (new ones mean the peer restarted ICE). Malformed credentials are
  // rejected at once (SyntaxError); after Close() InvalidStateError.
  Result<void> SetRemoteCredentials(ice::Credentials remote);
  // A trickled remote candidate.
  void AddRemoteCandidate(ice::Candidate candidate);
  // Parses an SDP "candidate:..." attribute first (SyntaxError when it does not parse).
  Result<void> AddRemoteCandidate(std::string_view sdp_candidate);
  void EndOfRemoteCandidates();
  // ICE restart: new local credentials (returned, for the new description). Waits for the
  // network thread. InvalidStateError after Close().
  Result<ice::Credentials> Restart();
  // Sends on the selected pair. InvalidStateError when there is none yet (or any more) or after
  // Close(); the data is copied and sent from the network thread, where a late refusal by the
  // agent is only counted (like loss).
  Result<void> Send(ByteView data);
  // Closes the agent (on_state kClosed follows); the sockets stay open until destruction.
  void Close();

  // A snapshot, taken on the network thread (waits for it).
  Stats GetStats() const;

 private:
  struct Core;
  explicit IceTransport(std::shared_ptr<Core> core);

  std::shared_ptr<Core> core_;
};

}  // namespace parley
