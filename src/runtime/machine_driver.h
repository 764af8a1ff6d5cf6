// MachineDriver: runs one sans-IO machine that sits on an ICE agent (ice::Agent itself, or
// session::SecureTransport which owns one) on real sockets. On the network thread it feeds the
// machine every datagram, stream event and timer expiry (one DeadlineTimer following
// NextTimeout()), carries out its transmits through a TransportIo, and hands its events, in
// order and in batches, to the CallbackExecutor: never on the network thread, never under a lock.
//
// The machine needs: HandleDatagram, HandleStreamConnected/Data/Closed, HandleTimeout (each with
// `now` first), PollTransmit() -> optional<ice::Transmit>, PollEvent(), NextTimeout(), Close(now).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "base/random.h"
#include "runtime/callback_executor.h"
#include "runtime/clock.h"
#include "runtime/event_loop.h"
#include "runtime/transport_io.h"

namespace parley {

template <typename Machine>
class MachineDriver final : public TransportIo::Sink,
                            public std::enable_shared_from_this<MachineDriver<Machine>> {
 public:
  using Event = typename decltype(std::declval<Machine&>().PollEvent())::value_type;
  // Callback thread: one event (only while the owner is alive).
  using DeliverFn = std::function<void(const Event&)>;
  // Network thread, after every drain: e.g. to publish state to other threads.
  using AfterPumpFn = std::function<void(const Machine&)>;
  // Network thread: builds the machine for the bound addresses (the host candidate bases).
  using Factory = std::function<std::unique_ptr<Machine>(std::vector<SocketAddress> bound)>;

  MachineDriver(EventLoop& loop, CallbackExecutor& executor, DeliverFn deliver,
                AfterPumpFn after_pump = {})
      : loop_(loop),
        executor_(executor),
        deliver_(std::move(deliver)),
        after_pump_(std::move(after_pump)),
        timer_(loop, [this] { OnTimer(); }) {}

  // Network thread: binds the sockets, then creates the machine.
  Result<void> Init(const std::vector<SocketAddress>& addresses, const Factory& factory) {
    auto bound = TransportIo::Bind(loop_, addresses, this->weak_from_this());
    if (!bound.ok()) return bound.error();
    io_ = std::move(bound).value();
    addresses_ = io_->addresses();
    machine_ = factory(addresses_);
    return Ok();
  }

  EventLoop& loop() { return loop_; }
  // Network thread only; null once shut down.
  Machine* machine() { return shut_down_ ? nullptr : machine_.get(); }
  // The bound addresses; constant after Init (any thread).
  const std::vector<SocketAddress>& addresses() const { return addresses_; }
  TransportIo::Stats io_stats() const { return io_ ? io_->stats() : TransportIo::Stats{}; }
  bool shut_down() const { return shut_down_; }

  // Any thread: runs `task` on the callback thread, unless delivery has stopped.
  void PostCallback(std::function<void()> task) {
    executor_.Post([self = this->shared_from_this(), task = std::move(task)] {
      if (self->alive_.load()) task();
    });
  }

  // No event starts being delivered after this (any thread).
  void StopDelivery() { alive_ = false; }

  // Any thread: runs `fn(machine, now)` on the network thread, then drains; nothing once shut
  // down.
  template <typename F>
  void PostInput(F fn) {
    loop_.Post([weak = this->weak_from_this(), fn = std::move(fn)]() mutable {
      auto self = weak.lock();
      if (!self || self->shut_down_) return;
      fn(*self->machine_, SteadyNow());
      self->Pump();
    });
  }

  // Network thread: drains the machine after an input.
  void Pump() {
    if (shut_down_) return;
    while (auto transmit = machine_->PollTransmit())
      io_->Transmit(std::move(*transmit));
    std::vector<Event> events;
    while (auto event = machine_->PollEvent())
      events.push_back(std::move(*event));
    if (after_pump_) after_pump_(*machine_);
    if (!events.empty()) {
      executor_.Post([self = this->shared_from_this(), events = std::move(events)] {
        for (const Event& event : events) {
          if (!self->alive_.load()) return;
          self->deliver_(event);
        }
      });
    }
    timer_.Arm(machine_->NextTimeout());
  }

  // Network thread: closes the machine (its last transmits, e.g. TURN deallocations and DTLS
  // close_notify, still leave), then the sockets.
  void Shutdown() {
    if (shut_down_) return;
    if (machine_) {
      io_->set_closing();
      machine_->Close(SteadyNow());
      while (auto transmit = machine_->PollTransmit())
        io_->Transmit(std::move(*transmit));
    }
    shut_down_ = true;
    timer_.Cancel();
    io_.reset();
    machine_.reset();
  }

  void OnDatagram(const Datagram& datagram) override {
    if (shut_down_) return;
    machine_->HandleDatagram(SteadyNow(), datagram);
    Pump();
  }
  void OnStreamConnected(uint64_t stream) override {
    if (shut_down_) return;
    machine_->HandleStreamConnected(SteadyNow(), stream);
    Pump();
  }
  void OnStreamData(uint64_t stream, ByteView data) override {
    if (shut_down_) return;
    machine_->HandleStreamData(SteadyNow(), stream, data);
    Pump();
  }
  void OnStreamClosed(uint64_t stream, std::string reason) override {
    if (shut_down_) return;
    io_->ForgetStream(stream);
    machine_->HandleStreamClosed(SteadyNow(), stream, std::move(reason));
    Pump();
  }

 private:
  void OnTimer() {
    if (shut_down_) return;
    machine_->HandleTimeout(SteadyNow());
    Pump();
  }

  EventLoop& loop_;
  CallbackExecutor& executor_;
  const DeliverFn deliver_;
  const AfterPumpFn after_pump_;
  std::atomic<bool> alive_{true};
  std::vector<SocketAddress> addresses_;
  std::unique_ptr<TransportIo> io_;
  std::unique_ptr<Machine> machine_;
  DeadlineTimer timer_;
  bool shut_down_ = false;
};

}  // namespace parley
