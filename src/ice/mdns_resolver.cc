#include "ice/mdns_resolver.h"

#include <algorithm>
#include <array>

#include "ice/mdns.h"
#include "ice/queue.h"

namespace parley::ice {
namespace {

constexpr TimeDelta kRetransmit[] = {TimeDelta::Seconds(1), TimeDelta::Seconds(2)};
constexpr TimeDelta kGiveUp = TimeDelta::Seconds(5);

}  // namespace

bool MdnsResolver::Resolve(Timestamp now, const std::string& name,
                           const std::vector<SocketAddress>& sockets, Random& random) {
  if (pending(name)) return true;
  if (pending_.size() >= kMaxPending) return false;
  Pending p;
  p.name = name;
  p.id = static_cast<uint16_t>(random.NextU32());
  for (IpFamily family : {IpFamily::kV4, IpFamily::kV6}) {
    auto it = std::find_if(sockets.begin(), sockets.end(),
                           [&](const SocketAddress& s) { return s.family() == family; });
    if (it != sockets.end()) p.sources.push_back(*it);
  }
  if (p.sources.empty()) return false;
  p.next_send = now;
  p.give_up = now + kGiveUp;
  pending_.push_back(std::move(p));
  Send(pending_.back());
  pending_.back().next_send = now + kRetransmit[0];
  return true;
}

void MdnsResolver::Send(Pending& p) {
  for (const SocketAddress& source : p.sources) {
    const std::array<uint16_t, 1> types = {
        source.family() == IpFamily::kV4 ? mdns::record_type::kA : mdns::record_type::kAaaa};
    transmits_.push_back(
        {source, mdns::MulticastGroup(source.family()), mdns::BuildQuery(p.id, p.name, types)});
  }
  ++p.sent;
}

bool MdnsResolver::HandleDatagram(const Datagram& in) {
  auto message = mdns::Parse(in.payload);
  if (!message || !message->is_response()) return false;
  std::erase_if(pending_, [&](const Pending& p) {
    auto address = mdns::FindAddress(*message, p.name);
    if (!address) return false;
    Push(results_, MdnsResolved{p.name, *address});
    return true;
  });
  return true;
}

void MdnsResolver::HandleTimeout(Timestamp now) {
  std::erase_if(pending_, [&](const Pending& p) {
    if (now < p.give_up) return false;
    Push(results_, MdnsFailed{p.name});
    return true;
  });
  for (Pending& p : pending_) {
    if (now < p.next_send) continue;
    Send(p);
    const size_t step = static_cast<size_t>(p.sent - 1);
    p.next_send = step < std::size(kRetransmit) ? now + kRetransmit[step] : p.give_up;
  }
}

std::optional<Timestamp> MdnsResolver::NextTimeout() const {
  std::optional<Timestamp> next;
  for (const Pending& p : pending_) {
    const Timestamp t = std::min(p.next_send, p.give_up);
    if (!next || t < *next) next = t;
  }
  return next;
}

std::optional<Datagram> MdnsResolver::PollTransmit() {
  if (transmits_.empty()) return std::nullopt;
  Datagram out = std::move(transmits_.front());
  transmits_.pop_front();
  return out;
}

std::optional<MdnsResult> MdnsResolver::PollResult() {
  return Pop(results_);
}

bool MdnsResolver::pending(const std::string& name) const {
  return std::any_of(pending_.begin(), pending_.end(),
                     [&](const Pending& p) { return mdns::SameName(p.name, name); });
}

}  // namespace parley::ice
