// Client transactions in virtual time (RFC 8489 §6.2): nothing here sleeps or reads a clock.
#include "stun/transaction.h"

#include <gtest/gtest.h>

#include <vector>

#include "base/random.h"

namespace parley::stun {
namespace {

Timestamp At(int64_t ms) {
  return Timestamp::Millis(ms);
}

Bytes Request(Random& random, Method method = Method::kBinding) {
  return Message::Request(method, random).Serialize({.fingerprint = true});
}

Message ResponseTo(ByteView request_bytes, MessageClass cls = MessageClass::kSuccessResponse) {
  auto request = Parse(request_bytes);
  EXPECT_TRUE(request);
  return Message(cls, request->method(), request->transaction_id());
}

// Drives one transaction to its end, always jumping to its next deadline. Returns the send
// times and the time it timed out.
struct Schedule {
  std::vector<int64_t> sends_ms;
  std::optional<int64_t> timed_out_ms;
};
Schedule RunToEnd(ClientTransaction& transaction, Timestamp start) {
  Schedule schedule;
  transaction.Start(start);
  schedule.sends_ms.push_back(start.ms());
  while (auto next = transaction.NextTimeout()) {
    // Just before the deadline nothing happens.
    EXPECT_EQ(transaction.HandleTimeout(*next - TimeDelta::Micros(1)),
              ClientTransaction::TimeoutAction::kNone);
    switch (transaction.HandleTimeout(*next)) {
      case ClientTransaction::TimeoutAction::kRetransmit:
        schedule.sends_ms.push_back(next->ms());
        break;
      case ClientTransaction::TimeoutAction::kTimedOut:
        schedule.timed_out_ms = next->ms();
        break;
      case ClientTransaction::TimeoutAction::kNone:
        ADD_FAILURE() << "nothing happened at the deadline";
        return schedule;
    }
  }
  return schedule;
}

TEST(ClientTransactionTest, DefaultScheduleIsExact) {
  SeededRandom random(1);
  ClientTransaction transaction(Request(random));
  const Schedule schedule = RunToEnd(transaction, At(0));
  // RFC 8489 §6.2.1's example: 0, 500, 1500, 3500, 7500, 15500, 31500 ms; give up at 39500 ms.
  EXPECT_EQ(schedule.sends_ms, (std::vector<int64_t>{0, 500, 1500, 3500, 7500, 15500, 31500}));
  EXPECT_EQ(schedule.timed_out_ms, 39500);
  EXPECT_EQ(transaction.state(), ClientTransaction::State::kTimedOut);
  EXPECT_EQ(transaction.transmissions(), 7);
  EXPECT_EQ(transaction.HandleTimeout(At(100000)), ClientTransaction::TimeoutAction::kNone);
}

TEST(ClientTransactionTest, CustomRtoCountAndCap) {
  SeededRandom random(2);
  RetransmissionConfig config = RetransmissionConfig::Unreliable(TimeDelta::Millis(100));
  config.max_transmissions = 4;
  config.final_wait_multiplier = 2;
  ClientTransaction transaction(Request(random), config);
  Schedule schedule = RunToEnd(transaction, At(1000));
  EXPECT_EQ(schedule.sends_ms, (std::vector<int64_t>{1000, 1100, 1300, 1700}));
  EXPECT_EQ(schedule.timed_out_ms, 1900);

  config = RetransmissionConfig::Unreliable(TimeDelta::Millis(500));
  config.max_rto = TimeDelta::Seconds(2);
  ClientTransaction capped(Request(random), config);
  schedule = RunToEnd(capped, At(0));
  EXPECT_EQ(schedule.sends_ms, (std::vector<int64_t>{0, 500, 1500, 3500, 5500, 7500, 9500}));
  EXPECT_EQ(schedule.timed_out_ms, 17500);
}

TEST(ClientTransactionTest, ReliableTransportSendsOnceAndWaitsTi) {
  SeededRandom random(3);
  ClientTransaction transaction(Request(random), RetransmissionConfig::Reliable());
  const Schedule schedule = RunToEnd(transaction, At(0));
  EXPECT_EQ(schedule.sends_ms, (std::vector<int64_t>{0}));
  EXPECT_EQ(schedule.timed_out_ms, 39500);
}

TEST(ClientTransactionTest, ResponseStopsRetransmission) {
  SeededRandom random(4);
  const Bytes request = Request(random);
  ClientTransaction transaction(request);
  const ByteView first = transaction.Start(At(0));
  EXPECT_EQ(Bytes(first.begin(), first.end()), request);
  EXPECT_EQ(transaction.HandleTimeout(At(500)), ClientTransaction::TimeoutAction::kRetransmit);
  EXPECT_TRUE(transaction.HandleResponse(At(700), ResponseTo(request)));
  EXPECT_EQ(transaction.state(), ClientTransaction::State::kResponded);
  EXPECT_EQ(transaction.NextTimeout(), std::nullopt);
  EXPECT_EQ(transaction.HandleTimeout(At(1500)), ClientTransaction::TimeoutAction::kNone);
  EXPECT_EQ(transaction.rtt(), std::nullopt);  // Karn: it was retransmitted.
  EXPECT_FALSE(transaction.HandleResponse(At(800), ResponseTo(request)));  // Duplicate.
}

TEST(ClientTransactionTest, RttIsMeasuredWithoutRetransmission) {
  SeededRandom random(5);
  const Bytes request = Request(random);
  ClientTransaction transaction(request);
  transaction.Start(At(10));
  EXPECT_TRUE(
      transaction.HandleResponse(At(130), ResponseTo(request, MessageClass::kErrorResponse)));
  EXPECT_EQ(transaction.rtt(), TimeDelta::Millis(120));
}

TEST(ClientTransactionTest, OnlyMatchingResponsesCount) {
  SeededRandom random(6);
  const Bytes request = Request(random, Method::kAllocate);
  ClientTransaction transaction(request);
  EXPECT_EQ(transaction.method(), Method::kAllocate);
  const Message response = ResponseTo(request);
  // Before Start nothing matches.
  EXPECT_FALSE(transaction.HandleResponse(At(0), response));
  transaction.Start(At(0));
  // Another transaction id.
  EXPECT_FALSE(transaction.HandleResponse(
      At(1), Message(MessageClass::kSuccessResponse, Method::kAllocate, TransactionId{})));
  // Same id, other method.
  EXPECT_FALSE(transaction.HandleResponse(
      At(1), Message(MessageClass::kSuccessResponse, Method::kRefresh, transaction.id())));
  // Same id and method but a request or an indication.
  EXPECT_FALSE(transaction.HandleResponse(
      At(1), Message(MessageClass::kRequest, Method::kAllocate, transaction.id())));
  EXPECT_FALSE(transaction.HandleResponse(
      At(1), Message(MessageClass::kIndication, Method::kAllocate, transaction.id())));
  EXPECT_EQ(transaction.state(), ClientTransaction::State::kWaiting);
  EXPECT_TRUE(transaction.HandleResponse(At(2), response));
}

TEST(ClientTransactionDeathTest, MisuseAborts) {
  SeededRandom random(7);
  EXPECT_DEATH(ClientTransaction(Bytes{1, 2, 3}), "not a serialized STUN request");
  EXPECT_DEATH(ClientTransaction(Message::Indication(Method::kSend, random).Serialize()),
               "not a serialized STUN request");
  EXPECT_DEATH(
      {
        ClientTransaction transaction(Request(random));
        transaction.Start(At(0));
        transaction.Start(At(1));
      },
      "twice");
}

// --- TransactionTable -------------------------------------------------------------------------

const SocketAddress kLocal(IpAddress::V4(10, 0, 0, 1), 5000);
const SocketAddress kServer(IpAddress::V4(198, 51, 100, 7), 3478);

Datagram ToServer(Bytes payload) {
  return Datagram{kLocal, kServer, std::move(payload)};
}

std::vector<Datagram> DrainTransmits(TransactionTable& table) {
  std::vector<Datagram> out;
  while (auto datagram = table.PollTransmit())
    out.push_back(std::move(*datagram));
  return out;
}

std::vector<TransactionEvent> DrainEvents(TransactionTable& table) {
  std::vector<TransactionEvent> out;
  while (auto event = table.PollEvent())
    out.push_back(std::move(*event));
  return out;
}

TEST(TransactionTableTest, StartQueuesTheFirstTransmission) {
  SeededRandom random(10);
  TransactionTable table;
  const Bytes request = Request(random);
  auto id = table.Start(At(0), ToServer(request));
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, Parse(request)->transaction_id());
  EXPECT_TRUE(table.IsPending(*id));
  const auto sent = DrainTransmits(table);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].source, kLocal);
  EXPECT_EQ(sent[0].destination, kServer);
  EXPECT_EQ(sent[0].payload, request);
  EXPECT_EQ(table.NextTimeout(), At(500));
  EXPECT_TRUE(DrainEvents(table).empty());

  // The same transaction id again, or something that is not a request, is refused.
  EXPECT_FALSE(table.Start(At(1), ToServer(request)));
  EXPECT_FALSE(table.Start(At(1), ToServer(Bytes{0, 1, 0})));
  EXPECT_FALSE(
      table.Start(At(1), ToServer(Message::Indication(Method::kSend, random).Serialize())));
  EXPECT_TRUE(DrainTransmits(table).empty());
  EXPECT_EQ(table.pending_count(), 1u);
}

TEST(TransactionTableTest, VirtualTimeScheduleAndTimeoutEvent) {
  SeededRandom random(11);
  TransactionTable table;
  const Bytes request = Request(random, Method::kRefresh);
  const auto id = table.Start(At(0), ToServer(request));
  ASSERT_TRUE(id);
  std::vector<int64_t> send_times;
  for (const auto& d : DrainTransmits(table)) {
    EXPECT_EQ(d.payload, request);
    send_times.push_back(0);
  }
  std::vector<TransactionEvent> events;
  while (auto next = table.NextTimeout()) {
    table.HandleTimeout(*next);
    for (const auto& d : DrainTransmits(table)) {
      EXPECT_EQ(d.payload, request);
      send_times.push_back(next->ms());
    }
    for (auto& e : DrainEvents(table)) {
      events.push_back(std::move(e));
      EXPECT_EQ(next->ms(), 39500);
    }
  }
  EXPECT_EQ(send_times, (std::vector<int64_t>{0, 500, 1500, 3500, 7500, 15500, 31500}));
  ASSERT_EQ(events.size(), 1u);
  const auto* timeout = std::get_if<TransactionTimeout>(&events[0]);
  ASSERT_NE(timeout, nullptr);
  EXPECT_EQ(timeout->id, *id);
  EXPECT_EQ(timeout->method, Method::kRefresh);
  EXPECT_EQ(timeout->transmissions, 7);
  EXPECT_EQ(table.pending_count(), 0u);
}

TEST(TransactionTableTest, ResponseEndsTransactionWithEvent) {
  SeededRandom random(12);
  TransactionTable table;
  const Bytes request = Request(random);
  const auto id = table.Start(At(0), ToServer(request));
  DrainTransmits(table);
  table.HandleTimeout(At(500));
  ASSERT_EQ(DrainTransmits(table).size(), 1u);

  Message response = ResponseTo(request);
  response.Add(XorMappedAddress{SocketAddress(IpAddress::V4(203, 0, 113, 5), 40000)});
  auto parsed = Parse(response.Serialize());
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(table.HandleResponse(At(620), *parsed));
  const auto events = DrainEvents(table);
  ASSERT_EQ(events.size(), 1u);
  const auto* got = std::get_if<TransactionResponse>(&events[0]);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->id, *id);
  EXPECT_EQ(got->transmissions, 2);
  EXPECT_EQ(got->rtt, std::nullopt);
  EXPECT_EQ(got->response.Get<XorMappedAddress>()->address.port(), 40000);

  // No more retransmissions or events; a late duplicate is ignored.
  EXPECT_EQ(table.NextTimeout(), std::nullopt);
  table.HandleTimeout(At(100000));
  EXPECT_TRUE(DrainTransmits(table).empty());
  EXPECT_FALSE(table.HandleResponse(At(700), *parsed));
  EXPECT_TRUE(DrainEvents(table).empty());
}

TEST(TransactionTableTest, UnknownTransactionIdsAreIgnored) {
  SeededRandom random(13);
  TransactionTable table;
  const Bytes request = Request(random);
  table.Start(At(0), ToServer(request));
  DrainTransmits(table);
  for (int i = 0; i < 100; ++i) {
    const Message stray(MessageClass::kSuccessResponse, Method::kBinding, NewTransactionId(random));
    EXPECT_FALSE(table.HandleResponse(At(10), stray));
  }
  // A request that reuses the id (e.g. the peer's own check) does not end it either.
  EXPECT_FALSE(table.HandleResponse(At(10), *Parse(request)));
  EXPECT_TRUE(DrainEvents(table).empty());
  EXPECT_EQ(table.pending_count(), 1u);
  EXPECT_EQ(table.NextTimeout(), At(500));
}

TEST(TransactionTableTest, ManyTransactionsShareTheSoonestDeadline) {
  SeededRandom random(14);
  TransactionTable table(RetransmissionConfig::Unreliable(TimeDelta::Millis(200)));
  const auto a = table.Start(At(0), ToServer(Request(random)));
  const auto b = table.Start(At(50), ToServer(Request(random)), RetransmissionConfig::Reliable());
  const auto c = table.Start(At(100), ToServer(Request(random)),
                             RetransmissionConfig::Unreliable(TimeDelta::Millis(50)));
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(DrainTransmits(table).size(), 3u);
  EXPECT_EQ(table.NextTimeout(), At(150));  // c: 100 + 50.
  table.HandleTimeout(At(150));
  EXPECT_EQ(DrainTransmits(table).size(), 1u);
  EXPECT_EQ(table.NextTimeout(), At(200));  // a: 0 + 200.
  table.HandleTimeout(At(200));
  EXPECT_EQ(DrainTransmits(table).size(), 1u);
  EXPECT_EQ(table.NextTimeout(), At(250));  // c: 150 + 100.

  EXPECT_TRUE(table.Cancel(*c));
  EXPECT_FALSE(table.Cancel(*c));
  EXPECT_EQ(table.NextTimeout(), At(600));  // a: 200 + 400.
  EXPECT_TRUE(DrainEvents(table).empty());
  EXPECT_EQ(table.pending_count(), 2u);
}

TEST(TransactionTableTest, CancelDropsQueuedTransmissions) {
  SeededRandom random(15);
  TransactionTable table;
  const auto id = table.Start(At(0), ToServer(Request(random)));
  ASSERT_TRUE(id);
  EXPECT_TRUE(table.Cancel(*id));
  EXPECT_TRUE(DrainTransmits(table).empty());
  EXPECT_EQ(table.NextTimeout(), std::nullopt);
}

}  // namespace
}  // namespace parley::stun
