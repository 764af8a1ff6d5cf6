// The datagram channel (record packing up to the MTU, whole-datagram reads) and the
// retransmission schedule, without OpenSSL.
#include "dtls/datagram_channel.h"

#include <gtest/gtest.h>

#include "dtls/retransmit_timer.h"

namespace parley::dtls {
namespace {

Bytes Filled(size_t size, uint8_t value) {
  return Bytes(size, value);
}

TEST(DatagramChannelTest, PacksRecordsUpToTheMtu) {
  DatagramChannel channel(100, 4);
  channel.WriteRecord(Filled(40, 1));
  channel.WriteRecord(Filled(60, 2));  // 100: still fits.
  EXPECT_EQ(channel.pending_bytes(), 100u);
  EXPECT_FALSE(channel.has_outgoing());
  channel.WriteRecord(Filled(1, 3));  // Would make 101: starts the next datagram.
  EXPECT_EQ(channel.pending_bytes(), 1u);
  channel.Flush();
  auto first = channel.PollOutgoing();
  auto second = channel.PollOutgoing();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->size(), 100u);
  EXPECT_EQ((*first)[39], 1);
  EXPECT_EQ((*first)[40], 2);
  EXPECT_EQ(*second, Filled(1, 3));
  EXPECT_FALSE(channel.PollOutgoing());
  channel.Flush();  // Nothing open: no empty datagram.
  EXPECT_FALSE(channel.PollOutgoing());
}

TEST(DatagramChannelTest, OversizeRecordTravelsAlone) {
  DatagramChannel channel(100, 4);
  channel.WriteRecord(Filled(10, 1));
  channel.WriteRecord(Filled(150, 2));
  channel.WriteRecord(Filled(10, 3));
  channel.Flush();
  EXPECT_EQ(channel.PollOutgoing()->size(), 10u);
  EXPECT_EQ(channel.PollOutgoing()->size(), 150u);
  EXPECT_EQ(channel.PollOutgoing()->size(), 10u);
}

TEST(DatagramChannelTest, ReadsWholeDatagramsInOrderAndBoundsTheQueue) {
  DatagramChannel channel(100, 2);
  EXPECT_TRUE(channel.PushIncoming(Filled(5, 1)));
  EXPECT_TRUE(channel.PushIncoming(Filled(8, 2)));
  EXPECT_FALSE(channel.PushIncoming(Filled(1, 3)));
  EXPECT_EQ(channel.incoming_count(), 2u);
  EXPECT_EQ(channel.next_incoming_size(), 5u);
  uint8_t buffer[6] = {};
  EXPECT_EQ(channel.ReadIncoming(buffer), 5u);
  EXPECT_EQ(buffer[4], 1);
  // Truncated like a UDP read into a short buffer; the rest is gone.
  EXPECT_EQ(channel.ReadIncoming(buffer), 6u);
  EXPECT_EQ(buffer[5], 2);
  EXPECT_FALSE(channel.ReadIncoming(buffer).has_value());
  EXPECT_EQ(channel.next_incoming_size(), 0u);
}

TEST(RetransmitTimerTest, DoublesUpToTheCapAndRestartsPerFlight) {
  const Timestamp t0 = Timestamp::Seconds(10);
  RetransmitTimer timer(TimeDelta::Millis(400), TimeDelta::Seconds(2));
  EXPECT_FALSE(timer.running());
  timer.Start(t0);
  EXPECT_EQ(timer.deadline(), t0 + TimeDelta::Millis(400));
  timer.Backoff(t0 + TimeDelta::Millis(400));
  EXPECT_EQ(timer.deadline(), t0 + TimeDelta::Millis(1200));
  timer.Backoff(t0 + TimeDelta::Millis(1200));
  EXPECT_EQ(timer.current(), TimeDelta::Millis(1600));
  timer.Backoff(t0 + TimeDelta::Millis(2800));
  EXPECT_EQ(timer.current(), TimeDelta::Seconds(2));  // Capped.
  timer.Backoff(t0 + TimeDelta::Millis(4800));
  EXPECT_EQ(timer.current(), TimeDelta::Seconds(2));
  timer.Start(t0 + TimeDelta::Seconds(5));  // Next flight: back to the initial timeout.
  EXPECT_EQ(timer.current(), TimeDelta::Millis(400));
  timer.Stop();
  EXPECT_FALSE(timer.deadline().has_value());
}

}  // namespace
}  // namespace parley::dtls
