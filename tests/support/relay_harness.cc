#include "support/relay_harness.h"

namespace parley::testing {

RelayHarness::RelayHarness(sim::Simulator& sim, sim::Host& host, uint16_t local_port,
                           turn::ServerConfig config, TurnServer* stream_server,
                           RelayHarnessOptions options)
    : sim_(sim),
      host_(host),
      options_(std::move(options)),
      relay_(std::move(config), host.address(local_port), sim.random()),
      stream_server_(stream_server),
      // A stream's client-side port, as the TurnServer would see it in the 5-tuple.
      stream_client_address_(host.address(static_cast<uint16_t>(local_port + 10000))) {
  sim_.Attach(host_, *this, local_port);
}

RelayHarness::~RelayHarness() {
  sim_.Detach(*this);
  if (stream_server_ && server_side_open_)
    stream_server_->HandleStreamClosed(stream_client_address_);
}

void RelayHarness::Start() {
  relay_.Start(sim_.now());
  AfterInput();
}

void RelayHarness::CreatePermission(const IpAddress& peer) {
  relay_.CreatePermission(sim_.now(), peer);
  AfterInput();
}

Result<void> RelayHarness::SendTo(const SocketAddress& peer, ByteView data) {
  Result<void> result = relay_.SendTo(sim_.now(), peer, data);
  AfterInput();
  return result;
}

void RelayHarness::Close() {
  relay_.Close(sim_.now());
  AfterInput();
}

std::optional<turn::Allocated> RelayHarness::allocated() const {
  std::optional<turn::Allocated> last;
  for (const auto& event : events_) {
    if (const auto* a = std::get_if<turn::Allocated>(&event)) last = *a;
  }
  return last;
}

void RelayHarness::AfterInput() {
  while (auto event = relay_.PollEvent())
    events_.push_back(std::move(*event));
  sim_.Kick(*this);  // Sends what the connection queued and re-arms its timer.
}

void RelayHarness::HandleDatagram(Timestamp now, const Datagram& in) {
  relay_.HandleDatagram(now, in);
  while (auto event = relay_.PollEvent())
    events_.push_back(std::move(*event));
}

void RelayHarness::HandleTimeout(Timestamp now) {
  relay_.HandleTimeout(now);
  while (auto event = relay_.PollEvent())
    events_.push_back(std::move(*event));
}

std::optional<Datagram> RelayHarness::PollTransmit() {
  while (auto output = relay_.PollNetwork()) {
    if (auto* datagram = std::get_if<Datagram>(&*output)) return std::move(*datagram);
    const TimeDelta delay = options_.stream_delay;
    if (auto* connect = std::get_if<turn::StreamConnect>(&*output)) {
      sim_.Schedule(delay, [this, remote = connect->remote] { ServerConnect(remote); });
    } else if (auto* send = std::get_if<turn::StreamSend>(&*output)) {
      sim_.Schedule(delay, [this, bytes = std::move(send->data)] { ServerReceive(bytes); });
    } else {
      closed_by_client_ = true;
      sim_.Schedule(delay, [this] { ServerClose(); });
    }
  }
  return std::nullopt;
}

// --- The server end of the stream ----------------------------------------------------------------

void RelayHarness::ServerConnect(const SocketAddress& remote) {
  const bool accept = stream_server_ != nullptr && !options_.refuse_stream &&
                      remote == stream_server_->listen_address();
  if (!accept) {
    sim_.Schedule(options_.stream_delay, [this] {
      relay_.HandleStreamClosed(sim_.now(), "connection refused");
      AfterInput();
    });
    return;
  }
  server_side_open_ = true;
  if (relay_.transport() == turn::Transport::kTls) {
    tls_ = std::make_unique<TlsTestServer>(options_.tls);
  }
  stream_server_->HandleStreamConnected(stream_client_address_,
                                        [this](Bytes message) { ServerSend(std::move(message)); });
  // SYN-ACK back to the client.
  sim_.Schedule(options_.stream_delay, [this] {
    connected_ = true;
    relay_.HandleStreamConnected(sim_.now());
    AfterInput();
  });
}

void RelayHarness::ServerReceive(const Bytes& bytes) {
  if (!server_side_open_) return;
  if (tls_) {
    tls_->HandleNetworkData(bytes);
    while (auto plaintext = tls_->PollApplicationData())
      server_framer_.Push(*plaintext);
    FlushTlsToClient();  // Handshake messages, alerts.
  } else {
    server_framer_.Push(bytes);
  }
  while (auto message = server_framer_.Pop()) {
    to_server_.push_back(*message);
    stream_server_->HandleStreamMessage(sim_.now(), stream_client_address_, *message);
  }
  if (server_framer_.failed()) DropStream(server_framer_.error());
  sim_.Kick(*stream_server_);  // Relayed datagrams, re-armed timers.
}

void RelayHarness::ServerClose() {
  if (!server_side_open_) return;
  server_side_open_ = false;
  stream_server_->HandleStreamClosed(stream_client_address_);
  sim_.Kick(*stream_server_);
}

void RelayHarness::ServerSend(Bytes message) {
  Bytes framed = turn::StreamFramer::Frame(message);
  if (tls_) {
    tls_->Write(framed);
    FlushTlsToClient();
  } else {
    sim_.Schedule(options_.stream_delay, [this, framed = std::move(framed)]() mutable {
      ClientReceive(std::move(framed));
    });
  }
}

void RelayHarness::FlushTlsToClient() {
  while (auto bytes = tls_->PollNetworkData()) {
    sim_.Schedule(options_.stream_delay,
                  [this, bytes = std::move(*bytes)]() mutable { ClientReceive(std::move(bytes)); });
  }
}

void RelayHarness::ClientReceive(Bytes bytes) {
  relay_.HandleStreamData(sim_.now(), bytes);
  AfterInput();
}

void RelayHarness::InjectStreamBytes(Bytes bytes) {
  ClientReceive(std::move(bytes));
}

void RelayHarness::DropStream(const std::string& reason) {
  ServerClose();
  sim_.Schedule(options_.stream_delay, [this, reason] {
    relay_.HandleStreamClosed(sim_.now(), reason);
    AfterInput();
  });
}

}  // namespace parley::testing
