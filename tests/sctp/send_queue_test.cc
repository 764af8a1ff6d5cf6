// SendQueue on its own: round-robin between streams, pieces, the bufferedAmount books against
// usrsctp's running total, low-threshold crossings and lifetimes.
#include "sctp/send_queue.h"

#include <gtest/gtest.h>

namespace parley::sctp {
namespace {

const Timestamp kT0 = Timestamp::Seconds(100);

OutgoingMessage Message(uint16_t stream, size_t size, SendOptions options = {}) {
  OutgoingMessage m;
  m.stream = stream;
  m.ppid = 53;
  m.options = options;
  m.data = Bytes(size, static_cast<uint8_t>(stream));
  m.queued_at = kT0;
  return m;
}

TEST(SendQueueTest, RoundRobinBetweenStreamsFifoWithinOne) {
  SendQueue q;
  q.Push(Message(1, 10));
  q.Push(Message(1, 11));
  q.Push(Message(2, 20));
  q.Push(Message(3, 30));
  std::vector<std::pair<uint16_t, size_t>> order;
  while (auto stream = q.NextStream()) {
    OutgoingMessage* head = q.Head(*stream);
    order.emplace_back(*stream, head->data.size());
    q.Handed(*stream, head->remaining());
  }
  EXPECT_EQ(order, (std::vector<std::pair<uint16_t, size_t>>{{1, 10}, {2, 20}, {3, 30}, {1, 11}}));
}

TEST(SendQueueTest, PiecesKeepTheMessageAtTheHeadAndGiveOthersATurn) {
  SendQueue q;
  q.Push(Message(1, 100));
  q.Push(Message(2, 5));
  q.Handed(1, 40);
  EXPECT_EQ(q.Head(1)->offset, 40u);
  EXPECT_EQ(q.NextStream(), 2);  // stream 1 went to the back of the round
  q.Handed(2, 5);
  EXPECT_EQ(q.NextStream(), 1);
  q.Handed(1, 60);
  EXPECT_FALSE(q.NextStream().has_value());
  EXPECT_EQ(q.queued_total(), 0u);
  EXPECT_EQ(q.handed_total(), 105u);
}

TEST(SendQueueTest, BufferedAmountCountsQueuedAndUnacknowledgedBytes) {
  SendQueue q;
  q.Push(Message(1, 1000));
  q.Push(Message(2, 500));
  EXPECT_EQ(q.buffered_amount(1), 1000u);
  q.Handed(1, 1000);
  q.Handed(2, 500);
  EXPECT_EQ(q.buffered_amount(1), 1000u);
  EXPECT_EQ(q.total_buffered(), 1500u);
  // usrsctp holds 1100 of the 1500: 400 acknowledged, attributed in hand-over order.
  q.Reconcile(1100);
  EXPECT_EQ(q.buffered_amount(1), 600u);
  EXPECT_EQ(q.buffered_amount(2), 500u);
  q.Reconcile(300);
  EXPECT_EQ(q.buffered_amount(1), 0u);
  EXPECT_EQ(q.buffered_amount(2), 300u);
  // A larger figure (usrsctp counts chunk headers) releases nothing.
  q.Reconcile(350);
  EXPECT_EQ(q.buffered_amount(2), 300u);
  q.Reconcile(0);
  EXPECT_EQ(q.total_buffered(), 0u);
}

TEST(SendQueueTest, LowThresholdFiresOnceOnTheWayDown) {
  SendQueue q;
  q.set_low_threshold(1, 300);
  q.Push(Message(1, 1000));
  q.Handed(1, 1000);
  q.Reconcile(500);
  EXPECT_TRUE(q.TakeLowStreams().empty());
  q.Reconcile(300);  // at the threshold: crossed
  EXPECT_EQ(q.TakeLowStreams(), std::vector<uint16_t>{1});
  q.Reconcile(0);  // further down: not again
  EXPECT_TRUE(q.TakeLowStreams().empty());
  // Up and down again: again.
  q.Push(Message(1, 400));
  q.Handed(1, 400);
  q.Reconcile(0);
  EXPECT_EQ(q.TakeLowStreams(), std::vector<uint16_t>{1});
}

TEST(SendQueueTest, DefaultThresholdZeroFiresWhenDrained) {
  SendQueue q;
  q.Push(Message(4, 10));
  q.Handed(4, 10);
  q.Reconcile(5);
  EXPECT_TRUE(q.TakeLowStreams().empty());
  q.Reconcile(0);
  EXPECT_EQ(q.TakeLowStreams(), std::vector<uint16_t>{4});
}

TEST(SendQueueTest, ExpiredMessagesAreDroppedUnlessStarted) {
  SendQueue q;
  q.Push(Message(1, 100, {.max_lifetime = TimeDelta::Millis(50)}));
  q.Push(Message(1, 100, {.max_lifetime = TimeDelta::Millis(50)}));
  q.Push(Message(1, 100));
  q.Push(Message(2, 100, {.max_lifetime = TimeDelta::Millis(500)}));
  q.Handed(1, 10);  // the first one has started: usrsctp holds part of it
  EXPECT_EQ(q.DropExpired(kT0 + TimeDelta::Millis(49)), 0u);
  EXPECT_EQ(q.DropExpired(kT0 + TimeDelta::Millis(50)), 1u);
  EXPECT_EQ(q.buffered_amount(1), 200u);  // the started one and the reliable one
  EXPECT_EQ(q.buffered_amount(2), 100u);
  EXPECT_EQ(q.DropExpired(kT0 + TimeDelta::Seconds(1)), 1u);
  EXPECT_EQ(q.buffered_amount(2), 0u);
  EXPECT_EQ(q.TakeLowStreams(), std::vector<uint16_t>{2});
}

TEST(SendQueueTest, DropHeadAndClear) {
  SendQueue q;
  q.Push(Message(1, 100));
  q.Push(Message(1, 50));
  q.DropHead(1);
  EXPECT_EQ(q.buffered_amount(1), 50u);
  EXPECT_EQ(q.Head(1)->data.size(), 50u);
  q.Clear();
  EXPECT_EQ(q.total_buffered(), 0u);
  EXPECT_FALSE(q.NextStream().has_value());
}

}  // namespace
}  // namespace parley::sctp
