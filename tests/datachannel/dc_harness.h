// Test support for data channels: adapters that attach a datachannel::Transport (or, to play a
// misbehaving peer, a bare sctp::Association) to a simulated host, each SCTP packet travelling as
// one UDP payload as it would inside one DTLS record, and pairs of them on two hosts: alice is
// the DTLS client (even stream ids), bob the server (odd ones).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/datagram.h"
#include "datachannel/transport.h"
#include "sctp/association.h"
#include "sim/endpoint.h"
#include "sim/simulator.h"
#include "support/numbered_payload.h"

namespace parley::datachannel::testing {

// Everything a transport reported, in order.
struct Recorded {
  std::vector<Event> events;
  std::vector<ChannelHandle> opened;  // ChannelOpened
  std::vector<MessageReceived> messages;
  std::vector<Timestamp> message_times;  // when each of `messages` was drained
  std::vector<ChannelError> errors;
  std::vector<std::pair<Timestamp, ChannelHandle>> low;  // BufferedAmountLow

  // The states a channel went through, in order.
  std::vector<ChannelState> States(ChannelHandle handle) const;
  std::vector<MessageReceived> MessagesOn(ChannelHandle handle) const;
};

class TransportEndpoint final : public sim::Endpoint {
 public:
  TransportEndpoint(TransportConfig config, SocketAddress local, SocketAddress remote);

  Transport& transport() { return transport_; }
  Recorded& recorded() { return recorded_; }
  // Called with each event as it is drained (after it is recorded).
  std::function<void(Timestamp, const Event&)> on_event;
  // The channel the peer announced with this label, if any.
  std::optional<ChannelHandle> Opened(const std::string& label) const;

  void HandleDatagram(Timestamp now, const Datagram& in) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Datagram> PollTransmit() override;
  std::optional<Timestamp> NextTimeout() const override { return transport_.NextTimeout(); }
  void Drain(Timestamp now);

 private:
  Transport transport_;
  SocketAddress local_;
  SocketAddress remote_;
  Recorded recorded_;
};

// A bare association, to send what a conforming transport never would.
class RawEndpoint final : public sim::Endpoint {
 public:
  RawEndpoint(sctp::AssociationConfig config, SocketAddress local, SocketAddress remote);

  sctp::Association& association() { return association_; }
  std::vector<sctp::Event> events;
  std::vector<sctp::MessageReceived> messages;
  // Answers the peer's stream resets with its own, as a WebRTC peer does (RFC 8831 §6.7).
  bool answer_resets = true;

  void HandleDatagram(Timestamp now, const Datagram& in) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Datagram> PollTransmit() override;
  std::optional<Timestamp> NextTimeout() const override { return association_.NextTimeout(); }
  void Drain(Timestamp now);

 private:
  sctp::Association association_;
  SocketAddress local_;
  SocketAddress remote_;
};

// alice (192.0.2.1, DTLS client) and bob (192.0.2.2, DTLS server) with an endpoint each.
template <typename Bob>
class Pair {
 public:
  Pair(sim::Simulator& sim, TransportConfig alice_config, Bob* bob);
  ~Pair();
  Pair(const Pair&) = delete;
  Pair& operator=(const Pair&) = delete;

  TransportEndpoint& a() { return *alice_; }
  Bob& b() { return *bob_; }
  sim::Host& alice_host() { return *alice_host_; }
  sim::Host& bob_host() { return *bob_host_; }
  // Lets the simulator service an endpoint after a direct call (CreateChannel, Send, Close...).
  void Kick(sim::Endpoint& endpoint);
  // The same path each way: `config` on both uplinks.
  void SetLinks(const sim::LinkConfig& config);
  // CreateChannel() on `side`, then kicks it.
  ChannelHandle Create(TransportEndpoint& side, const std::string& label, ChannelInit init = {});
  Result<void> Send(TransportEndpoint& from, ChannelHandle handle, bool binary, ByteView data);
  Result<void> SendText(TransportEndpoint& from, ChannelHandle handle, const std::string& text);
  void Close(TransportEndpoint& side, ChannelHandle handle);
  // Runs until `side` has announced a channel with this label.
  std::optional<ChannelHandle> WaitForOpened(TransportEndpoint& side, const std::string& label,
                                             TimeDelta limit = TimeDelta::Seconds(5));

 protected:
  sim::Simulator& sim_;
  sim::Host* alice_host_;
  sim::Host* bob_host_;
  std::unique_ptr<TransportEndpoint> alice_;
  std::unique_ptr<Bob> bob_;
};

// Two transports.
class DcPair : public Pair<TransportEndpoint> {
 public:
  explicit DcPair(sim::Simulator& sim, TransportConfig alice_config = {},
                  TransportConfig bob_config = {});
  // Both Start() (alice as DTLS client).
  void Start();
  bool RunUntilConnected(TimeDelta limit = TimeDelta::Seconds(10));
};

// alice's transport against bob's bare association (bob plays the DTLS server: odd ids).
class RawPair : public Pair<RawEndpoint> {
 public:
  explicit RawPair(sim::Simulator& sim, TransportConfig alice_config = {});
  void Start();
  bool RunUntilConnected(TimeDelta limit = TimeDelta::Seconds(10));
  // bob sends a message as is.
  Result<void> RawSend(uint16_t stream, sctp::Ppid ppid, ByteView data,
                       const sctp::SendOptions& options = {});
};

Bytes Text(const std::string& text);
std::string AsText(const Bytes& bytes);
using parley::testing::NumberedPayload;
using parley::testing::PayloadIndex;

}  // namespace parley::datachannel::testing
