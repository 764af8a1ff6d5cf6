// Sans-IO endpoints driven by the simulator: toy machines with retransmission timers complete in
// virtual time, timers fire exactly at their deadlines, and superseded deadlines never fire.
#include "sim/endpoint_driver.h"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <vector>

#include "sim/sim_test.h"

namespace parley::sim {
namespace {

enum : uint8_t { kPing = 1, kPong = 2 };

Bytes Message(uint8_t type, uint32_t seq) {
  return {type, static_cast<uint8_t>(seq >> 24), static_cast<uint8_t>(seq >> 16),
          static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq)};
}

uint32_t SeqOf(const Bytes& b) {
  return (uint32_t{b[1]} << 24) | (uint32_t{b[2]} << 16) | (uint32_t{b[3]} << 8) | b[4];
}

// Sends `count` pings one after another, each retransmitted with exponential backoff until its
// pong arrives.
class PingClient final : public Endpoint {
 public:
  PingClient(SocketAddress local, SocketAddress server, uint32_t count)
      : local_(local), server_(server), count_(count) {}

  void Start(Timestamp now) { SendPing(now); }
  bool done() const { return next_ == count_; }
  int retransmissions() const { return retransmissions_; }
  const std::vector<Timestamp>& timeouts() const { return timeouts_; }

  void HandleDatagram(Timestamp now, const Datagram& in) override {
    if (in.payload.size() != 5 || in.payload[0] != kPong || SeqOf(in.payload) != next_) return;
    ++next_;
    rto_ = kInitialRto;
    deadline_.reset();
    if (!done()) SendPing(now);
  }
  void HandleTimeout(Timestamp now) override {
    timeouts_.push_back(now);
    // The driver must wake us exactly at the deadline we asked for.
    EXPECT_EQ(deadline_, now);
    if (!deadline_ || now < *deadline_) return;
    ++retransmissions_;
    rto_ = rto_ * 2;
    SendPing(now);
  }
  std::optional<Datagram> PollTransmit() override {
    if (out_.empty()) return std::nullopt;
    Datagram d = std::move(out_.front());
    out_.pop_front();
    return d;
  }
  std::optional<Timestamp> NextTimeout() const override { return deadline_; }

 private:
  static constexpr TimeDelta kInitialRto = TimeDelta::Millis(200);

  void SendPing(Timestamp now) {
    out_.push_back({local_, server_, Message(kPing, next_)});
    deadline_ = now + rto_;
  }

  SocketAddress local_;
  SocketAddress server_;
  uint32_t count_;
  uint32_t next_ = 0;
  TimeDelta rto_ = kInitialRto;
  std::optional<Timestamp> deadline_;
  std::deque<Datagram> out_;
  int retransmissions_ = 0;
  std::vector<Timestamp> timeouts_;
};

// Answers every ping; leaves the source IP unspecified for the host to fill in.
class PongServer final : public Endpoint {
 public:
  void HandleDatagram(Timestamp, const Datagram& in) override {
    if (in.payload.size() == 5 && in.payload[0] == kPing) {
      out_.push_back({SocketAddress(IpAddress(), in.destination.port()), in.source,
                      Message(kPong, SeqOf(in.payload))});
    }
  }
  void HandleTimeout(Timestamp) override { ADD_FAILURE() << "the server has no timer"; }
  std::optional<Datagram> PollTransmit() override {
    if (out_.empty()) return std::nullopt;
    Datagram d = std::move(out_.front());
    out_.pop_front();
    return d;
  }
  std::optional<Timestamp> NextTimeout() const override { return std::nullopt; }

 private:
  std::deque<Datagram> out_;
};

class EndpointDriverTest : public SimTest {};

TEST_F(EndpointDriverTest, PingPongWithLossCompletesThroughANat) {
  NatBox& nat = sim().AddNat("nat", NatConfig::PortRestrictedCone(), {Ip("203.0.113.1")});
  Host& client_host = sim().AddHost("client", {Ip("192.168.1.2")}, &nat);
  Host& server_host = sim().AddHost("server", {Ip("198.51.100.1")});
  client_host.SetLinkConfig({.latency = TimeDelta::Millis(15), .loss = 0.2});
  server_host.SetLinkConfig({.latency = TimeDelta::Millis(15)});

  PingClient client(client_host.address(5000), server_host.address(3478), 50);
  PongServer server;
  sim().Attach(client_host, client);
  sim().Attach(server_host, server);
  const Timestamp start = sim().now();
  client.Start(start);
  sim().Kick(client);

  ASSERT_TRUE(sim().RunUntil([&] { return client.done(); }, TimeDelta::Seconds(120)));
  EXPECT_GT(client.retransmissions(), 0);
  EXPECT_EQ(static_cast<size_t>(client.retransmissions()), client.timeouts().size());
  // 50 round trips of 60 ms plus the retransmissions' waits.
  EXPECT_GE(sim().now() - start, TimeDelta::Millis(50 * 60));
}

TEST_F(EndpointDriverTest, ThirtyVirtualSecondsTakeFarLessRealTime) {
  Host& client_host = sim().AddHost("client", {Ip("192.0.2.1")});
  Host& server_host = sim().AddHost("server", {Ip("192.0.2.2")});
  client_host.SetLinkConfig({.latency = TimeDelta::Millis(25), .loss = 0.02});
  PingClient client(client_host.address(5000), server_host.address(3478), 1'000'000);
  PongServer server;
  sim().Attach(client_host, client);
  sim().Attach(server_host, server);
  client.Start(sim().now());
  sim().Kick(client);

  // The only wall-clock read in the simulator's code and tests: it measures, never drives.
  const auto wall_start = std::chrono::steady_clock::now();
  const Timestamp start = sim().now();
  sim().RunFor(TimeDelta::Seconds(30));
  const auto wall = std::chrono::steady_clock::now() - wall_start;

  EXPECT_EQ(sim().now() - start, TimeDelta::Seconds(30));
  EXPECT_GT(server_host.stats().received, 250u);  // ~50 ms per round trip.
  EXPECT_LT(wall, std::chrono::seconds(3));
}

// An endpoint whose deadline the test sets directly.
class TimerProbe final : public Endpoint {
 public:
  std::optional<Timestamp> deadline;
  std::vector<Timestamp> fired;
  std::vector<Datagram> received;
  std::deque<Datagram> out;

  void HandleDatagram(Timestamp, const Datagram& in) override { received.push_back(in); }
  void HandleTimeout(Timestamp now) override {
    fired.push_back(now);
    deadline.reset();
  }
  std::optional<Datagram> PollTransmit() override {
    if (out.empty()) return std::nullopt;
    Datagram d = std::move(out.front());
    out.pop_front();
    return d;
  }
  std::optional<Timestamp> NextTimeout() const override { return deadline; }
};

TEST_F(EndpointDriverTest, TimerFiresExactlyAtTheDeadline) {
  Host& host = sim().AddHost("h", {Ip("192.0.2.1")});
  TimerProbe probe;
  const Timestamp t0 = sim().now();
  probe.deadline = t0 + TimeDelta::Micros(123'457);
  sim().Attach(host, probe);
  sim().RunFor(TimeDelta::Seconds(1));
  EXPECT_EQ(probe.fired, std::vector<Timestamp>{t0 + TimeDelta::Micros(123'457)});
}

TEST_F(EndpointDriverTest, SupersededDeadlinesNeverFire) {
  Host& host = sim().AddHost("h", {Ip("192.0.2.1")});
  TimerProbe probe;
  const Timestamp t0 = sim().now();
  probe.deadline = t0 + TimeDelta::Millis(100);
  sim().Attach(host, probe);
  sim().Schedule(TimeDelta::Millis(50), [&] {
    probe.deadline = t0 + TimeDelta::Millis(500);  // Postponed.
    sim().Kick(probe);
  });
  sim().Schedule(TimeDelta::Millis(600), [&] {
    probe.deadline = t0 + TimeDelta::Millis(900);
    sim().Kick(probe);
    probe.deadline = t0 + TimeDelta::Millis(700);  // Brought forward.
    sim().Kick(probe);
  });
  sim().RunFor(TimeDelta::Seconds(2));
  EXPECT_EQ(probe.fired,
            (std::vector<Timestamp>{t0 + TimeDelta::Millis(500), t0 + TimeDelta::Millis(700)}));
}

TEST_F(EndpointDriverTest, DeadlineInThePastFiresAtNow) {
  Host& host = sim().AddHost("h", {Ip("192.0.2.1")});
  TimerProbe probe;
  probe.deadline = sim().now() - TimeDelta::Seconds(5);
  const Timestamp t0 = sim().now();
  sim().Attach(host, probe);
  ASSERT_TRUE(sim().Step());
  EXPECT_EQ(probe.fired, std::vector<Timestamp>{t0});
  EXPECT_FALSE(sim().Step());
}

TEST_F(EndpointDriverTest, DetachStopsDeliveryAndTimers) {
  Host& a = sim().AddHost("a", {Ip("192.0.2.1")});
  Host& b = sim().AddHost("b", {Ip("192.0.2.2")});
  TimerProbe probe;
  probe.deadline = sim().now() + TimeDelta::Seconds(1);
  sim().Attach(b, probe);
  sim().Detach(probe);
  a.Send(1, b.address(2), {});
  sim().RunFor(TimeDelta::Seconds(2));
  EXPECT_TRUE(probe.fired.empty());
  EXPECT_TRUE(probe.received.empty());
  EXPECT_EQ(b.stats().dropped_no_receiver, 1u);
}

TEST_F(EndpointDriverTest, EndpointsOnPortsOfOneHostAreDrivenSeparately) {
  Host& a = sim().AddHost("a", {Ip("192.0.2.1")});
  Host& b = sim().AddHost("b", {Ip("192.0.2.2")});
  TimerProbe p1000;
  TimerProbe p2000;
  sim().Attach(b, p1000, 1000);
  sim().Attach(b, p2000, 2000);
  p1000.out.push_back({b.address(1000), a.address(9), {}});
  sim().Kick(p1000);  // Output queued by test code goes out on Kick.
  a.Send(1, b.address(2000), {});
  a.Send(1, b.address(2000), {});
  sim().RunFor(TimeDelta::Millis(1));
  EXPECT_TRUE(p1000.received.empty());
  EXPECT_EQ(p2000.received.size(), 2u);
  EXPECT_EQ(b.stats().sent, 1u);
}

// A machine with the sans-IO verbs but no Endpoint base, as protocol machines will be.
struct EchoMachine {
  std::deque<Datagram> out;
  std::deque<int> events;
  void HandleDatagram(Timestamp, const Datagram& in) {
    out.push_back({in.destination, in.source, in.payload});
    events.push_back(static_cast<int>(in.payload.size()));
  }
  void HandleTimeout(Timestamp) {}
  std::optional<Datagram> PollTransmit() {
    if (out.empty()) return std::nullopt;
    Datagram d = std::move(out.front());
    out.pop_front();
    return d;
  }
  std::optional<Timestamp> NextTimeout() const { return std::nullopt; }
  std::optional<int> PollEvent() {
    if (events.empty()) return std::nullopt;
    int e = events.front();
    events.pop_front();
    return e;
  }
};

TEST_F(EndpointDriverTest, MachineEndpointAdaptsAnyMachineWithTheVerbs) {
  Host& a = sim().AddHost("a", {Ip("192.0.2.1")});
  Host& b = sim().AddHost("b", {Ip("2001:db8::2"), Ip("192.0.2.2")});
  EchoMachine machine;
  std::vector<int> events;
  MachineEndpoint<EchoMachine> endpoint(machine, [&](Timestamp) {
    while (auto e = machine.PollEvent())
      events.push_back(*e);
  });
  sim().Attach(b, endpoint);
  int echoes = 0;
  a.SetReceiver([&](Timestamp, const Datagram& d) {
    EXPECT_EQ(d.source, Addr("192.0.2.2:7"));
    ++echoes;
  });
  a.Send(1, b.address(7), Bytes(3));
  a.Send(1, b.address(7), Bytes(4));
  sim().RunFor(TimeDelta::Millis(1));
  EXPECT_EQ(echoes, 2);
  EXPECT_EQ(events, (std::vector<int>{3, 4}));
}

}  // namespace
}  // namespace parley::sim
