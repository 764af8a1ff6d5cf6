// STUN client transactions (RFC 8489 §6.2), sans-IO: the owner passes `now`, sends the bytes it
// is handed and calls back at NextTimeout(). No clocks, timers or sockets here.
//
// Over UDP (§6.2.1) a request is sent at 0, RTO, 3·RTO, 7·RTO, ... (the interval doubling each
// time) until Rc sends; then the client waits Rm·RTO more before declaring a timeout. With the
// defaults (RTO 500 ms, Rc 7, Rm 16): sends at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s, timeout at
// 39.5 s. Over TCP/TLS (§6.2.2) the request is sent once and times out after Ti = 39.5 s.
//
// Responses must be authenticated by the owner *before* they are handed in (RFC 8489 §9.1.4,
// §9.2.5: a response that fails its integrity check is discarded as if never received), since
// any matching response ends the transaction.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <variant>

#include "base/byte_io.h"
#include "base/datagram.h"
#include "base/time.h"
#include "stun/message.h"
#include "stun/types.h"

namespace parley::stun {

struct RetransmissionConfig {
  // §6.2.1: initial RTO. 500 ms by default; ICE (RFC 8445 §14.3) computes its own.
  TimeDelta initial_rto = TimeDelta::Millis(500);
  // Rc: total number of transmissions over an unreliable transport.
  int max_transmissions = 7;
  // Rm: after the last transmission, wait Rm × initial_rto before timing out.
  int final_wait_multiplier = 16;
  // An optional ceiling on the doubled RTO (the RFC sets none).
  TimeDelta max_rto = TimeDelta::Max();
  // §6.2.2: reliable transport (TCP/TLS): one transmission, timeout after Ti.
  bool reliable = false;
  TimeDelta reliable_timeout = TimeDelta::Millis(39500);

  static RetransmissionConfig Unreliable(TimeDelta initial_rto = TimeDelta::Millis(500)) {
    RetransmissionConfig config;
    config.initial_rto = initial_rto;
    return config;
  }
  static RetransmissionConfig Reliable() {
    RetransmissionConfig config;
    config.reliable = true;
    return config;
  }
};

// One request's retransmission state machine.
class ClientTransaction {
 public:
  enum class State : uint8_t { kNotStarted, kWaiting, kResponded, kTimedOut };
  enum class TimeoutAction : uint8_t {
    kNone,        // Not due yet (or already finished).
    kRetransmit,  // Send request() again now.
    kTimedOut,    // No response arrived in time; the transaction is over.
  };

  // `request` is a serialized STUN request; its method and transaction id are read from it.
  // Anything else is a programming error and aborts (TransactionTable::Start checks instead).
  explicit ClientTransaction(Bytes request, RetransmissionConfig config = {});

  const TransactionId& id() const { return id_; }
  Method method() const { return method_; }
  ByteView request() const { return request_; }
  State state() const { return state_; }
  const RetransmissionConfig& config() const { return config_; }
  // Transmissions so far (1 after Start).
  int transmissions() const { return transmissions_; }

  // Starts the transaction; returns the bytes to send now. Calling it twice is a programming
  // error and aborts.
  ByteView Start(Timestamp now);
  // Call at (or after) NextTimeout().
  TimeoutAction HandleTimeout(Timestamp now);
  // When HandleTimeout is next due; nullopt when not waiting.
  std::optional<Timestamp> NextTimeout() const;
  // True if `response` answers this transaction (a success or error response with the same
  // transaction id and method) and it was still waiting; that ends it.
  bool HandleResponse(Timestamp now, const Message& response);
  // Round-trip time of a response to a request sent once (Karn's algorithm: unknown after a
  // retransmission, since the response may answer either copy).
  std::optional<TimeDelta> rtt() const { return rtt_; }

 private:
  Bytes request_;
  RetransmissionConfig config_;
  TransactionId id_{};
  Method method_ = Method::kBinding;
  State state_ = State::kNotStarted;
  int transmissions_ = 0;
  TimeDelta rto_;
  Timestamp first_sent_;
  Timestamp deadline_;
  std::optional<TimeDelta> rtt_;
};

// A response matched a pending transaction (success or error: check response.message_class()).
struct TransactionResponse {
  TransactionId id;
  Message response;
  std::optional<TimeDelta> rtt;  // See ClientTransaction::rtt().
  int transmissions = 0;
};
// No response arrived in time.
struct TransactionTimeout {
  TransactionId id;
  Method method = Method::kBinding;
  int transmissions = 0;
};
using TransactionEvent = std::variant<TransactionResponse, TransactionTimeout>;

// Many client transactions keyed by transaction id, with the standard sans-IO verbs. After each
// input, drain PollTransmit() and PollEvent(), then re-arm the timer with NextTimeout().
class TransactionTable {
 public:
  explicit TransactionTable(RetransmissionConfig defaults = {}) : defaults_(defaults) {}

  // Starts a transaction for `request`, whose payload must be a serialized STUN request, and
  // queues its first transmission. Returns its transaction id, or nullopt (nothing queued) if
  // the payload is not a STUN request or a transaction with that id is already pending.
  std::optional<TransactionId> Start(Timestamp now, Datagram request);
  std::optional<TransactionId> Start(Timestamp now, Datagram request,
                                     const RetransmissionConfig& config);

  // Offers a parsed (and, if credentials are in use, already verified) message. Returns true if
  // it answered a pending transaction, which then ends with a TransactionResponse event; false
  // (ignored) otherwise: unknown or finished transaction id, wrong method, not a response.
  bool HandleResponse(Timestamp now, const Message& response);
  void HandleTimeout(Timestamp now);
  std::optional<Timestamp> NextTimeout() const;
  std::optional<Datagram> PollTransmit();
  std::optional<TransactionEvent> PollEvent();

  // Forgets a pending transaction without an event (and drops its queued transmissions).
  bool Cancel(const TransactionId& id);
  bool IsPending(const TransactionId& id) const { return pending_.contains(id); }
  size_t pending_count() const { return pending_.size(); }

 private:
  struct Entry {
    ClientTransaction transaction;
    SocketAddress source;
    SocketAddress destination;
  };
  void QueueTransmit(const TransactionId& id, const Entry& entry);
  void DropQueued(const TransactionId& id);

  RetransmissionConfig defaults_;
  std::map<TransactionId, Entry> pending_;  // Ordered: deterministic iteration.
  std::deque<std::pair<TransactionId, Datagram>> transmits_;
  std::deque<TransactionEvent> events_;
};

}  // namespace parley::stun
