#include "dtls/dtls_harness.h"

#include <cstdlib>
#include <deque>
#include <mutex>

namespace parley::dtls::testing {

const Certificate& TestCertificate(int index) {
  static std::deque<Certificate> certificates;  // Stable references as it grows.
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  while (static_cast<int>(certificates.size()) <= index) {
    auto generated = Certificate::Generate();
    if (!generated.ok()) std::abort();
    certificates.push_back(*generated);
  }
  return certificates[static_cast<size_t>(index)];
}

const Certificate& TestRsaCertificate() {
  static const Certificate certificate = Certificate::Generate(KeyType::kRsa2048).value();
  return certificate;
}

bool Recorded::Has(State state) const {
  for (const StateChanged& change : states) {
    if (change.state == state) return true;
  }
  return false;
}

std::string Recorded::Reason() const {
  for (auto it = states.rbegin(); it != states.rend(); ++it) {
    if (it->state == State::kFailed || it->state == State::kClosed) return it->reason;
  }
  return "";
}

void Drain(Endpoint& endpoint, Recorded& recorded) {
  while (auto event = endpoint.PollEvent()) {
    if (auto* state = std::get_if<StateChanged>(&*event)) {
      recorded.states.push_back(*state);
    } else if (auto* data = std::get_if<ApplicationData>(&*event)) {
      recorded.data.push_back(data->data);
    }
  }
}

Endpoint::Config MakeConfig(Role role, const Certificate& self, const Certificate& peer) {
  Endpoint::Config config;
  config.certificate = self;
  config.role = role;
  config.remote_fingerprints = {peer.fingerprint()};
  return config;
}

bool HasRecord(const Bytes& datagram, ContentType type) {
  auto records = ParseRecords(datagram);
  if (!records) return false;
  for (const RecordView& record : *records) {
    if (record.type == type) return true;
  }
  return false;
}

std::vector<HandshakeFragment> HandshakeFragments(const Bytes& datagram) {
  std::vector<HandshakeFragment> out;
  auto records = ParseRecords(datagram);
  if (!records) return out;
  for (const RecordView& record : *records) {
    if (record.type != ContentType::kHandshake || record.epoch != 0) continue;
    if (auto fragments = ParseHandshakeFragments(record.fragment)) {
      out.insert(out.end(), fragments->begin(), fragments->end());
    }
  }
  return out;
}

DirectPair::DirectPair(Endpoint::Config client, Endpoint::Config server)
    : client_(std::move(client)), server_(std::move(server)) {}

void DirectPair::Start() {
  server_.Start(now_);
  client_.Start(now_);
  DrainAll();
}

void DirectPair::DrainAll() {
  Drain(client_, client_events_);
  Drain(server_, server_events_);
}

bool DirectPair::MoveOne(Endpoint& from, Role from_role, Endpoint& to,
                         std::vector<std::pair<Timestamp, Bytes>>& log) {
  auto datagram = from.PollTransmit();
  if (!datagram) return false;
  log.emplace_back(now_, *datagram);
  if (!drop || !drop(from_role, *datagram)) to.HandleDatagram(now_, *datagram);
  DrainAll();
  return true;
}

void DirectPair::Exchange() {
  bool moved = true;
  while (moved) {
    moved = false;
    while (MoveOne(client_, Role::kClient, server_, client_sent))
      moved = true;
    while (MoveOne(server_, Role::kServer, client_, server_sent))
      moved = true;
  }
}

bool DirectPair::RunUntil(const std::function<bool()>& done, TimeDelta limit) {
  const Timestamp end = now_ + limit;
  while (true) {
    Exchange();
    if (done()) return true;
    std::optional<Timestamp> next = client_.NextTimeout();
    if (auto s = server_.NextTimeout(); s && (!next || *s < *next)) next = s;
    if (!next || *next > end) return false;
    if (*next > now_) now_ = *next;
    if (auto c = client_.NextTimeout(); c && *c <= now_) client_.HandleTimeout(now_);
    if (auto s = server_.NextTimeout(); s && *s <= now_) server_.HandleTimeout(now_);
    DrainAll();
  }
}

bool DirectPair::RunUntilConnected(TimeDelta limit) {
  return RunUntil(
      [&] { return client_.state() == State::kConnected && server_.state() == State::kConnected; },
      limit);
}

void SimDtls::Start(Timestamp now) {
  last_now_ = now;
  endpoint_.Start(now);
  Drain(endpoint_, events_);
}

void SimDtls::HandleDatagram(Timestamp now, const Datagram& in) {
  last_now_ = now;
  endpoint_.HandleDatagram(now, in.payload);
  Drain(endpoint_, events_);
}

void SimDtls::HandleTimeout(Timestamp now) {
  last_now_ = now;
  endpoint_.HandleTimeout(now);
  Drain(endpoint_, events_);
}

std::optional<Datagram> SimDtls::PollTransmit() {
  while (auto payload = endpoint_.PollTransmit()) {
    sent.emplace_back(last_now_, *payload);
    if (drop && drop(*payload)) continue;
    return Datagram{local_, remote_, std::move(*payload)};
  }
  return std::nullopt;
}

}  // namespace parley::dtls::testing
