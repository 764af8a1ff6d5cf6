#include "sim/link.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace parley::sim {
namespace {

void CheckProbability(const std::string& link, const char* what, double p) {
  if (p >= 0 && p <= 1) return;
  std::fprintf(stderr, "parley sim: link %s: %s=%f is not a probability\n", link.c_str(), what, p);
  std::abort();
}

void CheckDelay(const std::string& link, const char* what, TimeDelta d) {
  if (d >= TimeDelta::Zero()) return;
  std::fprintf(stderr, "parley sim: link %s: negative %s\n", link.c_str(), what);
  std::abort();
}

}  // namespace

double GilbertElliott::StationaryLossRate() const {
  if (p + r <= 0) return loss_good;
  const double bad = p / (p + r);
  return bad * loss_bad + (1 - bad) * loss_good;
}

Link::Link(EventQueue& events, std::string name, uint64_t seed, Sink sink, DropHandler on_drop)
    : events_(events),
      name_(std::move(name)),
      random_(seed),
      sink_(std::move(sink)),
      on_drop_(std::move(on_drop)),
      last_departure_(events.now()),
      last_in_order_delivery_(events.now()) {}

void Link::set_config(const LinkConfig& config) {
  CheckProbability(name_, "loss", config.loss);
  CheckProbability(name_, "burst_loss.p", config.burst_loss.p);
  CheckProbability(name_, "burst_loss.r", config.burst_loss.r);
  CheckProbability(name_, "burst_loss.loss_good", config.burst_loss.loss_good);
  CheckProbability(name_, "burst_loss.loss_bad", config.burst_loss.loss_bad);
  CheckProbability(name_, "reorder", config.reorder);
  CheckProbability(name_, "duplicate", config.duplicate);
  CheckDelay(name_, "latency", config.latency);
  CheckDelay(name_, "jitter", config.jitter);
  CheckDelay(name_, "reorder_delay", config.reorder_delay);
  CheckDelay(name_, "duplicate_delay", config.duplicate_delay);
  if (config.rate_bps < 0) {
    std::fprintf(stderr, "parley sim: link %s: negative rate\n", name_.c_str());
    std::abort();
  }
  config_ = config;
}

size_t Link::queued_bytes() const {
  size_t bytes = queue_bytes_;
  for (const Queued& q : queue_) {
    if (q.departure > events_.now()) break;
    bytes -= q.bytes;
  }
  return bytes;
}

void Link::Send(Datagram datagram) {
  const Timestamp now = events_.now();
  const size_t size = datagram.payload.size();
  ++stats_.sent;
  stats_.bytes_sent += size;

  Timestamp departure = now;
  TimeDelta queue_delay = TimeDelta::Zero();
  if (config_.rate_bps > 0) {
    while (!queue_.empty() && queue_.front().departure <= now) {
      queue_bytes_ -= queue_.front().bytes;
      queue_.pop_front();
    }
    const size_t wire_bytes = size + config_.overhead_bytes;
    if (config_.queue_bytes > 0 && queue_bytes_ + wire_bytes > config_.queue_bytes) {
      ++stats_.dropped_queue;
      if (on_drop_) on_drop_(DropReason::kQueueFull, datagram);
      return;
    }
    // The queue is FIFO at a fixed rate, so each packet's departure is known on arrival and no
    // dequeue events are needed.
    const Timestamp start = std::max(now, last_departure_);
    const int64_t bits = static_cast<int64_t>(wire_bytes) * 8;
    const TimeDelta serialization =
        TimeDelta::Micros((bits * 1'000'000 + config_.rate_bps - 1) / config_.rate_bps);
    departure = start + serialization;
    queue_delay = start - now;
    last_departure_ = departure;
    queue_.push_back({departure, wire_bytes});
    queue_bytes_ += wire_bytes;
  }

  if (BurstLost()) {
    ++stats_.lost_burst;
    if (on_drop_) on_drop_(DropReason::kBurstLoss, datagram);
    return;
  }
  if (config_.loss > 0 && random_.Bernoulli(config_.loss)) {
    ++stats_.lost_random;
    if (on_drop_) on_drop_(DropReason::kRandomLoss, datagram);
    return;
  }

  Timestamp arrival = departure + PropagationDelay();
  if (!config_.jitter_reorders) arrival = std::max(arrival, last_in_order_delivery_);
  if (config_.reorder > 0 && random_.Bernoulli(config_.reorder)) {
    // Held back without raising the in-order floor, so the packets behind it overtake it.
    ++stats_.reordered;
    arrival += config_.reorder_delay;
  } else {
    last_in_order_delivery_ = std::max(last_in_order_delivery_, arrival);
  }

  const DeliveryInfo info{now, arrival, queue_delay, size, false};
  if (config_.duplicate > 0 && random_.Bernoulli(config_.duplicate)) {
    DeliveryInfo copy = info;
    copy.delivered_at = arrival + config_.duplicate_delay;
    copy.duplicate = true;
    ScheduleDelivery(arrival, datagram, info);
    ScheduleDelivery(copy.delivered_at, std::move(datagram), copy);
    return;
  }
  ScheduleDelivery(arrival, std::move(datagram), info);
}

bool Link::BurstLost() {
  const GilbertElliott& ge = config_.burst_loss;
  if (!ge.enabled()) return false;
  if (burst_bad_) {
    if (random_.Bernoulli(ge.r)) burst_bad_ = false;
  } else {
    if (random_.Bernoulli(ge.p)) burst_bad_ = true;
  }
  const double loss = burst_bad_ ? ge.loss_bad : ge.loss_good;
  return loss > 0 && random_.Bernoulli(loss);
}

TimeDelta Link::PropagationDelay() {
  if (config_.jitter.IsZero()) return config_.latency;
  const int64_t j = config_.jitter.us();
  const int64_t offset = static_cast<int64_t>(random_.Uniform(0, static_cast<uint64_t>(2 * j))) - j;
  return std::max(TimeDelta::Zero(), config_.latency + TimeDelta::Micros(offset));
}

void Link::ScheduleDelivery(Timestamp at, Datagram datagram, DeliveryInfo info) {
  events_.Schedule(at, [this, datagram = std::move(datagram), info]() mutable {
    ++stats_.delivered;
    stats_.bytes_delivered += info.size;
    if (info.duplicate) ++stats_.duplicated;
    if (observer_) observer_(info);
    sink_(std::move(datagram));
  });
}

}  // namespace parley::sim
