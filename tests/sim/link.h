// One direction of a network link: latency, jitter, random and burst loss, reordering,
// duplication and a rate limiter with a bounded FIFO queue. A packet goes through, in order:
//   rate limiter (tail drop when the queue is full; waits for the packets ahead, then takes
//   size*8/rate to serialize) → loss (Gilbert–Elliott, then random) → propagation (latency +
//   jitter, optional extra reordering delay) → delivery (plus an optional duplicate).
// Loss after the bottleneck means lost packets still used bandwidth, as on a lossy radio hop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "base/datagram.h"
#include "base/random.h"
#include "base/time.h"
#include "sim/event_queue.h"
#include "sim/packet_event.h"

namespace parley::sim {

// Two-state Markov loss model. Before each packet the state moves good→bad with probability p or
// bad→good with probability r; the packet is then lost with the state's loss probability. With
// loss_good = 0 and loss_bad = 1, bursts are geometric with mean length 1/r and the long-run loss
// rate is p / (p + r).
struct GilbertElliott {
  double p = 0;
  double r = 1;
  double loss_good = 0;
  double loss_bad = 1;

  bool enabled() const { return p > 0 || loss_good > 0; }
  // Long-run fraction of packets lost.
  double StationaryLossRate() const;
};

struct LinkConfig {
  TimeDelta latency = TimeDelta::Zero();
  // Each packet's propagation delay is latency + uniform(-jitter, +jitter), never below zero.
  TimeDelta jitter = TimeDelta::Zero();
  // When false, a packet is never delivered before one sent earlier (jitter without reordering).
  bool jitter_reorders = false;
  // Independent random loss probability per packet.
  double loss = 0;
  GilbertElliott burst_loss{};
  // Probability that a packet is held back by reorder_delay, letting later packets overtake it.
  double reorder = 0;
  TimeDelta reorder_delay = TimeDelta::Millis(10);
  // Probability that a packet is delivered twice; the copy arrives duplicate_delay later.
  double duplicate = 0;
  TimeDelta duplicate_delay = TimeDelta::Zero();
  // Bottleneck rate in bits per second; 0 means unlimited (no queue, no serialization delay).
  int64_t rate_bps = 0;
  // Bytes the rate limiter's queue holds, counting the packet being serialized; a packet that
  // does not fit is tail-dropped. 0 means unbounded.
  size_t queue_bytes = 0;
  // Bytes added to each payload for the rate limiter (e.g. 28 for IPv4 + UDP headers).
  size_t overhead_bytes = 0;
};

struct LinkStats {
  uint64_t sent = 0;       // Packets handed to the link.
  uint64_t delivered = 0;  // Packets that came out, duplicates included.
  uint64_t lost_random = 0;
  uint64_t lost_burst = 0;
  uint64_t dropped_queue = 0;
  uint64_t duplicated = 0;  // Extra copies delivered.
  uint64_t reordered = 0;   // Packets held back by the reordering delay.
  uint64_t bytes_sent = 0;  // Payload bytes (without overhead_bytes).
  uint64_t bytes_delivered = 0;
};

// One packet coming out of the link.
struct DeliveryInfo {
  Timestamp sent_at;
  Timestamp delivered_at;
  // Time spent waiting behind earlier packets in the rate limiter's queue (excluding its own
  // serialization), the quantity congestion controllers try to keep small.
  TimeDelta queue_delay;
  size_t size = 0;  // Payload bytes.
  bool duplicate = false;
};

class Link {
 public:
  using Sink = std::function<void(Datagram)>;
  using DropHandler = std::function<void(DropReason, const Datagram&)>;
  using DeliveryObserver = std::function<void(const DeliveryInfo&)>;

  // `sink` receives every delivered packet at its delivery time; `on_drop` (optional) hears of
  // every packet the link loses.
  Link(EventQueue& events, std::string name, uint64_t seed, Sink sink, DropHandler on_drop = {});
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  const std::string& name() const { return name_; }
  const LinkConfig& config() const { return config_; }
  // Applies to packets sent from now on; packets in flight keep their fate. Aborts on
  // probabilities outside [0, 1] or negative delays.
  void set_config(const LinkConfig& config);
  const LinkStats& stats() const { return stats_; }
  void ResetStats() { stats_ = {}; }
  void SetDeliveryObserver(DeliveryObserver observer) { observer_ = std::move(observer); }
  // Bytes in the rate limiter's queue at now().
  size_t queued_bytes() const;

  // Takes a packet at now().
  void Send(Datagram datagram);

 private:
  struct Queued {
    Timestamp departure;
    size_t bytes;
  };

  bool BurstLost();
  TimeDelta PropagationDelay();
  void ScheduleDelivery(Timestamp at, Datagram datagram, DeliveryInfo info);

  EventQueue& events_;
  const std::string name_;
  SeededRandom random_;
  Sink sink_;
  DropHandler on_drop_;
  DeliveryObserver observer_;
  LinkConfig config_;
  LinkStats stats_;

  bool burst_bad_ = false;    // Gilbert–Elliott state.
  std::deque<Queued> queue_;  // Packets not yet fully serialized, in FIFO order.
  size_t queue_bytes_ = 0;
  Timestamp last_departure_;          // When the rate limiter becomes idle.
  Timestamp last_in_order_delivery_;  // Floor for the next in-order delivery.
};

}  // namespace parley::sim
