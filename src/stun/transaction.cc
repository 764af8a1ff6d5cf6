#include "stun/transaction.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace parley::stun {
namespace {

struct RequestHeader {
  Method method;
  TransactionId id;
};

// The method and transaction id of a serialized request; nullopt if `bytes` is not one.
std::optional<RequestHeader> ReadRequestHeader(ByteView bytes) {
  if (!MessageSizeFromHeader(bytes)) return std::nullopt;
  ByteReader reader(bytes);
  const uint16_t type = *reader.ReadU16();
  if (MessageClassFromType(type) != MessageClass::kRequest) return std::nullopt;
  RequestHeader header{MethodFromType(type), {}};
  reader.Skip(6);
  reader.ReadInto(header.id);
  return header;
}

}  // namespace

ClientTransaction::ClientTransaction(Bytes request, RetransmissionConfig config)
    : request_(std::move(request)), config_(config), rto_(config.initial_rto) {
  auto header = ReadRequestHeader(request_);
  if (!header) {
    std::fprintf(stderr, "parley::stun::ClientTransaction: not a serialized STUN request\n");
    std::abort();
  }
  method_ = header->method;
  id_ = header->id;
}

ByteView ClientTransaction::Start(Timestamp now) {
  if (state_ != State::kNotStarted) {
    std::fprintf(stderr, "parley::stun::ClientTransaction: Start called twice\n");
    std::abort();
  }
  state_ = State::kWaiting;
  transmissions_ = 1;
  first_sent_ = now;
  if (config_.reliable) {
    deadline_ = now + config_.reliable_timeout;  // §6.2.2: Ti
  } else if (config_.max_transmissions <= 1) {
    deadline_ = now + config_.initial_rto * config_.final_wait_multiplier;
  } else {
    deadline_ = now + rto_;
  }
  return request_;
}

ClientTransaction::TimeoutAction ClientTransaction::HandleTimeout(Timestamp now) {
  if (state_ != State::kWaiting || now < deadline_) return TimeoutAction::kNone;
  if (config_.reliable || transmissions_ >= config_.max_transmissions) {
    // §6.2.1: Rm × RTO after the last of Rc transmissions (or Ti over TCP, §6.2.2).
    state_ = State::kTimedOut;
    return TimeoutAction::kTimedOut;
  }
  // §6.2.1: retransmit, doubling the RTO after each transmission.
  ++transmissions_;
  rto_ = std::min(rto_ * 2, config_.max_rto);
  deadline_ = transmissions_ >= config_.max_transmissions
                  ? now + config_.initial_rto * config_.final_wait_multiplier
                  : now + rto_;
  return TimeoutAction::kRetransmit;
}

std::optional<Timestamp> ClientTransaction::NextTimeout() const {
  if (state_ != State::kWaiting) return std::nullopt;
  return deadline_;
}

bool ClientTransaction::HandleResponse(Timestamp now, const Message& response) {
  if (state_ != State::kWaiting || !response.is_response() || response.transaction_id() != id_ ||
      response.method() != method_) {
    return false;
  }
  state_ = State::kResponded;
  if (transmissions_ == 1) rtt_ = now - first_sent_;
  return true;
}

std::optional<TransactionId> TransactionTable::Start(Timestamp now, Datagram request) {
  return Start(now, std::move(request), defaults_);
}

std::optional<TransactionId> TransactionTable::Start(Timestamp now, Datagram request,
                                                     const RetransmissionConfig& config) {
  auto header = ReadRequestHeader(request.payload);
  if (!header || pending_.contains(header->id)) return std::nullopt;
  Entry entry{ClientTransaction(std::move(request.payload), config), request.source,
              request.destination};
  entry.transaction.Start(now);
  auto [it, inserted] = pending_.emplace(header->id, std::move(entry));
  QueueTransmit(it->first, it->second);
  return header->id;
}

bool TransactionTable::HandleResponse(Timestamp now, const Message& response) {
  auto it = pending_.find(response.transaction_id());
  if (it == pending_.end() || !it->second.transaction.HandleResponse(now, response)) return false;
  const ClientTransaction& transaction = it->second.transaction;
  events_.push_back(TransactionResponse{transaction.id(), response, transaction.rtt(),
                                        transaction.transmissions()});
  DropQueued(it->first);
  pending_.erase(it);
  return true;
}

void TransactionTable::HandleTimeout(Timestamp now) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    ClientTransaction& transaction = it->second.transaction;
    switch (transaction.HandleTimeout(now)) {
      case ClientTransaction::TimeoutAction::kNone:
        ++it;
        break;
      case ClientTransaction::TimeoutAction::kRetransmit:
        QueueTransmit(it->first, it->second);
        ++it;
        break;
      case ClientTransaction::TimeoutAction::kTimedOut:
        events_.push_back(TransactionTimeout{transaction.id(), transaction.method(),
                                             transaction.transmissions()});
        DropQueued(it->first);
        it = pending_.erase(it);
        break;
    }
  }
}

std::optional<Timestamp> TransactionTable::NextTimeout() const {
  std::optional<Timestamp> soonest;
  for (const auto& [id, entry] : pending_) {
    auto next = entry.transaction.NextTimeout();
    if (next && (!soonest || *next < *soonest)) soonest = next;
  }
  return soonest;
}

std::optional<Datagram> TransactionTable::PollTransmit() {
  if (transmits_.empty()) return std::nullopt;
  Datagram out = std::move(transmits_.front().second);
  transmits_.pop_front();
  return out;
}

std::optional<TransactionEvent> TransactionTable::PollEvent() {
  if (events_.empty()) return std::nullopt;
  // Built from the alternative via std::visit: moving the variant itself trips GCC 12's
  // -Wmaybe-uninitialized false positive at -O2.
  std::optional<TransactionEvent> out =
      std::visit([](auto& event) { return std::optional<TransactionEvent>(std::move(event)); },
                 events_.front());
  events_.pop_front();
  return out;
}

bool TransactionTable::Cancel(const TransactionId& id) {
  if (pending_.erase(id) == 0) return false;
  DropQueued(id);
  return true;
}

void TransactionTable::QueueTransmit(const TransactionId& id, const Entry& entry) {
  const ByteView bytes = entry.transaction.request();
  transmits_.emplace_back(
      id, Datagram{entry.source, entry.destination, Bytes(bytes.begin(), bytes.end())});
}

void TransactionTable::DropQueued(const TransactionId& id) {
  std::erase_if(transmits_, [&id](const auto& queued) { return queued.first == id; });
}

}  // namespace parley::stun
