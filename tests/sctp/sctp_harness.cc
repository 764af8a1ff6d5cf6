#include "sctp/sctp_harness.h"

#include "sim/addresses.h"

namespace parley::sctp::testing {

bool Recorded::Has(State state) const {
  for (const auto& [at, change] : states)
    if (change.state == state) return true;
  return false;
}

std::string Recorded::Reason() const {
  for (auto it = states.rbegin(); it != states.rend(); ++it) {
    if (it->second.state == State::kClosed || it->second.state == State::kFailed)
      return it->second.reason;
  }
  return "";
}

SctpEndpoint::SctpEndpoint(AssociationConfig config, SocketAddress local, SocketAddress remote)
    : association_(config), local_(local), remote_(remote) {}

void SctpEndpoint::HandleDatagram(Timestamp now, const Datagram& in) {
  association_.HandlePacket(now, in.payload);
  Drain(now);
}

void SctpEndpoint::HandleTimeout(Timestamp now) {
  ++timeouts;
  association_.HandleTimeout(now);
  Drain(now);
}

std::optional<Datagram> SctpEndpoint::PollTransmit() {
  while (auto packet = association_.PollTransmit()) {
    if (record_sent) sent.emplace_back(last_now_, *packet);
    if (drop_sent && drop_sent(*packet)) continue;
    return Datagram{local_, remote_, std::move(*packet)};
  }
  return std::nullopt;
}

void SctpEndpoint::Drain(Timestamp now) {
  last_now_ = now;
  while (auto event = association_.PollEvent()) {
    if (auto* state = std::get_if<StateChanged>(&*event)) {
      recorded_.states.emplace_back(now, *state);
    } else if (auto* message = std::get_if<MessageReceived>(&*event)) {
      recorded_.messages.emplace_back(now, *message);
    } else if (auto* incoming = std::get_if<IncomingStreamsReset>(&*event)) {
      recorded_.incoming_resets.push_back(*incoming);
    } else if (auto* outgoing = std::get_if<OutgoingStreamsReset>(&*event)) {
      recorded_.outgoing_resets.push_back(*outgoing);
    } else if (auto* low = std::get_if<BufferedAmountLow>(&*event)) {
      recorded_.low.emplace_back(now, low->stream);
    }
    if (on_event) on_event(now, *event);
  }
}

SctpPair::SctpPair(sim::Simulator& sim, AssociationConfig alice_config,
                   AssociationConfig bob_config)
    : sim_(sim) {
  alice_host_ = &sim.AddHost("alice", {sim::Ip("192.0.2.1")});
  bob_host_ = &sim.AddHost("bob", {sim::Ip("192.0.2.2")});
  alice_ = std::make_unique<SctpEndpoint>(alice_config, sim::Addr("192.0.2.1:5000"),
                                          sim::Addr("192.0.2.2:5000"));
  bob_ = std::make_unique<SctpEndpoint>(bob_config, sim::Addr("192.0.2.2:5000"),
                                        sim::Addr("192.0.2.1:5000"));
  sim.Attach(*alice_host_, *alice_, 5000);
  sim.Attach(*bob_host_, *bob_, 5000);
}

SctpPair::~SctpPair() {
  sim_.Detach(*alice_);
  sim_.Detach(*bob_);
}

void SctpPair::Start() {
  alice_->association().Start(sim_.now());
  bob_->association().Start(sim_.now());
  Kick(*alice_);
  Kick(*bob_);
}

bool SctpPair::RunUntilConnected(TimeDelta limit) {
  return sim_.RunUntil(
      [&] {
        return alice_->association().state() == State::kConnected &&
               bob_->association().state() == State::kConnected;
      },
      limit);
}

Result<void> SctpPair::Send(SctpEndpoint& from, uint16_t stream, Ppid ppid, ByteView data,
                            const SendOptions& options) {
  auto result = from.association().Send(sim_.now(), stream, ppid, data, options);
  Kick(from);
  return result;
}

void SctpPair::Kick(SctpEndpoint& endpoint) {
  endpoint.Drain(sim_.now());
  sim_.Kick(endpoint);
}

void SctpPair::SetLinks(const sim::LinkConfig& config) {
  alice_host_->uplink().set_config(config);
  bob_host_->uplink().set_config(config);
}

}  // namespace parley::sctp::testing
