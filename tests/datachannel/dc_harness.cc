#include "datachannel/dc_harness.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "sim/addresses.h"

namespace parley::datachannel::testing {

std::vector<ChannelState> Recorded::States(ChannelHandle handle) const {
  std::vector<ChannelState> states;
  for (const Event& event : events) {
    if (const auto* change = std::get_if<ChannelStateChanged>(&event)) {
      if (change->handle == handle) states.push_back(change->state);
    }
  }
  return states;
}

std::vector<MessageReceived> Recorded::MessagesOn(ChannelHandle handle) const {
  std::vector<MessageReceived> out;
  for (const MessageReceived& message : messages)
    if (message.handle == handle) out.push_back(message);
  return out;
}

TransportEndpoint::TransportEndpoint(TransportConfig config, SocketAddress local,
                                     SocketAddress remote)
    : transport_(std::move(config)), local_(local), remote_(remote) {}

std::optional<ChannelHandle> TransportEndpoint::Opened(const std::string& label) const {
  for (ChannelHandle handle : recorded_.opened) {
    const ChannelInfo* info = transport_.channel(handle);
    if (info && info->label == label) return handle;
  }
  return std::nullopt;
}

void TransportEndpoint::HandleDatagram(Timestamp now, const Datagram& in) {
  transport_.HandlePacket(now, in.payload);
  Drain(now);
}

void TransportEndpoint::HandleTimeout(Timestamp now) {
  transport_.HandleTimeout(now);
  Drain(now);
}

std::optional<Datagram> TransportEndpoint::PollTransmit() {
  auto packet = transport_.PollTransmit();
  if (!packet) return std::nullopt;
  return Datagram{local_, remote_, std::move(*packet)};
}

void TransportEndpoint::Drain(Timestamp now) {
  while (auto event = transport_.PollEvent()) {
    if (const auto* opened = std::get_if<ChannelOpened>(&*event)) {
      recorded_.opened.push_back(opened->handle);
    } else if (const auto* message = std::get_if<MessageReceived>(&*event)) {
      recorded_.messages.push_back(*message);
      recorded_.message_times.push_back(now);
    } else if (const auto* error = std::get_if<ChannelError>(&*event)) {
      recorded_.errors.push_back(*error);
    } else if (const auto* low = std::get_if<BufferedAmountLow>(&*event)) {
      recorded_.low.emplace_back(now, low->handle);
    }
    recorded_.events.push_back(*event);
    if (on_event) on_event(now, *event);
  }
}

RawEndpoint::RawEndpoint(sctp::AssociationConfig config, SocketAddress local, SocketAddress remote)
    : association_(config), local_(local), remote_(remote) {}

void RawEndpoint::HandleDatagram(Timestamp now, const Datagram& in) {
  association_.HandlePacket(now, in.payload);
  Drain(now);
}

void RawEndpoint::HandleTimeout(Timestamp now) {
  association_.HandleTimeout(now);
  Drain(now);
}

std::optional<Datagram> RawEndpoint::PollTransmit() {
  auto packet = association_.PollTransmit();
  if (!packet) return std::nullopt;
  return Datagram{local_, remote_, std::move(*packet)};
}

void RawEndpoint::Drain(Timestamp now) {
  while (auto event = association_.PollEvent()) {
    if (const auto* message = std::get_if<sctp::MessageReceived>(&*event)) {
      messages.push_back(*message);
    } else if (const auto* reset = std::get_if<sctp::IncomingStreamsReset>(&*event)) {
      if (answer_resets) (void)association_.ResetStreams(now, reset->streams);
    }
    events.push_back(std::move(*event));
  }
}

template <typename Bob>
Pair<Bob>::Pair(sim::Simulator& sim, TransportConfig alice_config, Bob* bob)
    : sim_(sim), bob_(bob) {
  alice_host_ = &sim.AddHost("alice", {sim::Ip("192.0.2.1")});
  bob_host_ = &sim.AddHost("bob", {sim::Ip("192.0.2.2")});
  alice_ = std::make_unique<TransportEndpoint>(std::move(alice_config), sim::Addr("192.0.2.1:5000"),
                                               sim::Addr("192.0.2.2:5000"));
  sim.Attach(*alice_host_, *alice_, 5000);
  sim.Attach(*bob_host_, *bob_, 5000);
}

template <typename Bob>
Pair<Bob>::~Pair() {
  sim_.Detach(*alice_);
  sim_.Detach(*bob_);
}

template <typename Bob>
void Pair<Bob>::Kick(sim::Endpoint& endpoint) {
  if (auto* transport = dynamic_cast<TransportEndpoint*>(&endpoint)) transport->Drain(sim_.now());
  if (auto* raw = dynamic_cast<RawEndpoint*>(&endpoint)) raw->Drain(sim_.now());
  sim_.Kick(endpoint);
}

template <typename Bob>
void Pair<Bob>::SetLinks(const sim::LinkConfig& config) {
  alice_host_->uplink().set_config(config);
  bob_host_->uplink().set_config(config);
}

DcPair::DcPair(sim::Simulator& sim, TransportConfig alice_config, TransportConfig bob_config)
    : Pair(sim, std::move(alice_config),
           new TransportEndpoint(std::move(bob_config), sim::Addr("192.0.2.2:5000"),
                                 sim::Addr("192.0.2.1:5000"))) {}

void DcPair::Start() {
  a().transport().Start(sim_.now(), /*dtls_client=*/true);
  b().transport().Start(sim_.now(), /*dtls_client=*/false);
  Kick(a());
  Kick(b());
}

bool DcPair::RunUntilConnected(TimeDelta limit) {
  return sim_.RunUntil(
      [&] {
        return a().transport().association().state() == sctp::State::kConnected &&
               b().transport().association().state() == sctp::State::kConnected;
      },
      limit);
}

template <typename Bob>
ChannelHandle Pair<Bob>::Create(TransportEndpoint& side, const std::string& label,
                                ChannelInit init) {
  auto handle = side.transport().CreateChannel(sim_.now(), label, std::move(init));
  Kick(side);
  EXPECT_TRUE(handle.ok()) << handle.error();
  return handle.ok() ? *handle : ChannelHandle{};
}

template <typename Bob>
Result<void> Pair<Bob>::Send(TransportEndpoint& from, ChannelHandle handle, bool binary,
                             ByteView data) {
  auto result = from.transport().Send(sim_.now(), handle, binary, data);
  Kick(from);
  return result;
}

template <typename Bob>
Result<void> Pair<Bob>::SendText(TransportEndpoint& from, ChannelHandle handle,
                                 const std::string& text) {
  return Send(from, handle, false, Text(text));
}

template <typename Bob>
void Pair<Bob>::Close(TransportEndpoint& side, ChannelHandle handle) {
  side.transport().Close(sim_.now(), handle);
  Kick(side);
}

template <typename Bob>
std::optional<ChannelHandle> Pair<Bob>::WaitForOpened(TransportEndpoint& side,
                                                      const std::string& label, TimeDelta limit) {
  sim_.RunUntil([&] { return side.Opened(label).has_value(); }, limit);
  return side.Opened(label);
}

RawPair::RawPair(sim::Simulator& sim, TransportConfig alice_config)
    : Pair(sim, std::move(alice_config),
           new RawEndpoint({}, sim::Addr("192.0.2.2:5000"), sim::Addr("192.0.2.1:5000"))) {}

void RawPair::Start() {
  a().transport().Start(sim_.now(), /*dtls_client=*/true);
  b().association().Start(sim_.now());
  Kick(a());
  Kick(b());
}

bool RawPair::RunUntilConnected(TimeDelta limit) {
  return sim_.RunUntil(
      [&] {
        return a().transport().association().state() == sctp::State::kConnected &&
               b().association().state() == sctp::State::kConnected;
      },
      limit);
}

Result<void> RawPair::RawSend(uint16_t stream, sctp::Ppid ppid, ByteView data,
                              const sctp::SendOptions& options) {
  auto result = b().association().Send(sim_.now(), stream, ppid, data, options);
  Kick(b());
  return result;
}

template class Pair<TransportEndpoint>;
template class Pair<RawEndpoint>;

Bytes Text(const std::string& text) {
  return Bytes(text.begin(), text.end());
}

std::string AsText(const Bytes& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace parley::datachannel::testing
