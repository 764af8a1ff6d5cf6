// Sizes and counts in the simulator: messages at and over the max-message-size both ways, a
// thousand streams at once, stream resets in both directions with reuse, flow control
// (bufferedAmount and BufferedAmountLow) and RFC 8260 interleaving on a slow link.
#include <gtest/gtest.h>

#include <set>

#include "sctp/sctp_harness.h"
#include "sim/sim_test.h"

namespace parley::sctp {
namespace {

using testing::NumberedPayload;
using testing::PayloadIndex;
using testing::SctpPair;

class SctpLimitsTest : public sim::SimTest {
 protected:
  void Connect(SctpPair& pair) {
    pair.SetLinks({.latency = TimeDelta::Millis(10)});
    pair.Start();
    ASSERT_TRUE(pair.RunUntilConnected());
  }
};

TEST_F(SctpLimitsTest, MessageOfExactlyTheRemoteMaxSizeIsDeliveredOneByteMoreIsRefused) {
  SctpPair pair(sim());  // remote_max_message_size: the default 64 KiB
  Connect(pair);
  const size_t max = AssociationConfig{}.remote_max_message_size;
  ASSERT_TRUE(pair.Send(pair.a(), 1, Ppid::kBinary, NumberedPayload(1, max)).ok());
  ASSERT_TRUE(
      sim().RunUntil([&] { return !pair.b().recorded().messages.empty(); }, TimeDelta::Seconds(5)));
  EXPECT_EQ(pair.b().recorded().messages[0].second.data, NumberedPayload(1, max));

  const auto before = pair.a().association().stats();
  const size_t buffered = pair.a().association().buffered_amount(1);
  const auto result = pair.Send(pair.a(), 1, Ppid::kBinary, NumberedPayload(2, max + 1));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind(), ErrorKind::kTypeError);
  EXPECT_EQ(result.error().message(),
            "message of 65537 bytes exceeds the remote max-message-size "
            "of 65536");
  EXPECT_EQ(pair.a().association().buffered_amount(1), buffered);
  sim().RunFor(TimeDelta::Seconds(1));
  EXPECT_EQ(pair.a().association().stats().bytes_sent, before.bytes_sent);
  EXPECT_EQ(pair.b().recorded().messages.size(), 1u);
}

TEST_F(SctpLimitsTest, IncomingMessageOverOurMaxSizeIsDroppedAndCounted) {
  AssociationConfig alice;
  alice.remote_max_message_size = 1024 * 1024;  // believes bob takes 1 MiB
  AssociationConfig bob;
  bob.max_message_size = 100 * 1024;  // but bob takes 100 KiB
  SctpPair pair(sim(), alice, bob);
  Connect(pair);
  ASSERT_TRUE(pair.Send(pair.a(), 1, Ppid::kBinary, NumberedPayload(1, 100 * 1024)).ok());
  ASSERT_TRUE(pair.Send(pair.a(), 1, Ppid::kBinary, NumberedPayload(2, 300 * 1024)).ok());
  ASSERT_TRUE(pair.Send(pair.a(), 1, Ppid::kBinary, NumberedPayload(3, 10)).ok());
  ASSERT_TRUE(pair.Send(pair.a(), 2, Ppid::kBinary, NumberedPayload(4, 200 * 1024)).ok());
  ASSERT_TRUE(pair.Send(pair.a(), 2, Ppid::kBinary, NumberedPayload(5, 10)).ok());
  sim().RunFor(TimeDelta::Seconds(5));
  std::set<uint32_t> received;
  for (const auto& [at, m] : pair.b().recorded().messages)
    received.insert(*PayloadIndex(m.data));
  EXPECT_EQ(received, (std::set<uint32_t>{1, 3, 5}));
  EXPECT_EQ(pair.b().association().stats().dropped_oversized, 2u);
  EXPECT_EQ(pair.b().association().state(), State::kConnected);
}

TEST_F(SctpLimitsTest, ThousandStreamsAtOnce) {
  AssociationConfig many;
  many.streams = 1024;  // the most we allow; the default is 256
  SctpPair pair(sim(), many, many);
  Connect(pair);
  constexpr uint16_t kStreams = 1000;
  for (uint16_t s = 0; s < kStreams; ++s) {
    ASSERT_TRUE(pair.Send(pair.a(), s, Ppid::kBinary, NumberedPayload(s, 100 + s)).ok());
    ASSERT_TRUE(pair.Send(pair.b(), s, Ppid::kString, NumberedPayload(s, 50)).ok());
  }
  ASSERT_TRUE(sim().RunUntil(
      [&] {
        return pair.a().recorded().messages.size() == kStreams &&
               pair.b().recorded().messages.size() == kStreams;
      },
      TimeDelta::Seconds(10)));
  for (auto* side : {&pair.a(), &pair.b()}) {
    std::set<uint16_t> streams;
    for (const auto& [at, m] : side->recorded().messages) {
      EXPECT_EQ(PayloadIndex(m.data), m.stream);
      streams.insert(m.stream);
    }
    EXPECT_EQ(streams.size(), kStreams);
  }
  EXPECT_EQ(pair.a().association().stats().messages_sent, kStreams);
}

TEST_F(SctpLimitsTest, StreamBeyondTheNegotiatedCountIsARangeError) {
  AssociationConfig few;
  few.streams = 16;
  SctpPair pair(sim(), {}, few);  // alice offers 256, bob takes 16
  Connect(pair);
  EXPECT_EQ(pair.a().association().outbound_streams(), 16);
  EXPECT_EQ(pair.Send(pair.a(), 16, Ppid::kBinary, Bytes{1}).error().kind(),
            ErrorKind::kRangeError);
  EXPECT_TRUE(pair.Send(pair.a(), 15, Ppid::kBinary, Bytes{1}).ok());
}

TEST_F(SctpLimitsTest, InvalidSendsAreRefused) {
  SctpPair pair(sim());
  EXPECT_EQ(pair.Send(pair.a(), 1, Ppid::kBinary, Bytes{1}).error().kind(),
            ErrorKind::kInvalidStateError);  // not started
  Connect(pair);
  EXPECT_EQ(pair.Send(pair.a(), 1, Ppid::kBinary, Bytes{}).error().kind(), ErrorKind::kTypeError);
  EXPECT_EQ(pair.Send(pair.a(), 1, Ppid::kBinary, Bytes{1},
                      {.max_retransmits = 1, .max_lifetime = TimeDelta::Millis(10)})
                .error()
                .kind(),
            ErrorKind::kTypeError);
}

TEST_F(SctpLimitsTest, StreamResetBothWaysThenTheStreamIsReused) {
  SctpPair pair(sim());
  Connect(pair);
  ASSERT_TRUE(pair.Send(pair.a(), 3, Ppid::kString, NumberedPayload(1, 30)).ok());
  ASSERT_TRUE(pair.Send(pair.b(), 3, Ppid::kString, NumberedPayload(2, 30)).ok());
  // Closing a data channel (RFC 8831 §6.7): alice resets her outgoing stream 3 (after the
  // message queued on it), bob answers by resetting his.
  pair.b().on_event = [&](Timestamp now, const Event& event) {
    if (auto* incoming = std::get_if<IncomingStreamsReset>(&event)) {
      ASSERT_TRUE(pair.b().association().ResetStreams(now, incoming->streams).ok());
    }
  };
  ASSERT_TRUE(pair.Send(pair.a(), 3, Ppid::kString, NumberedPayload(3, 30)).ok());
  ASSERT_TRUE(pair.a().association().ResetStreams(sim().now(), {3}).ok());
  pair.Kick(pair.a());
  EXPECT_EQ(pair.Send(pair.a(), 3, Ppid::kString, Bytes{1}).error().kind(),
            ErrorKind::kInvalidStateError);  // until the reset completes
  ASSERT_TRUE(sim().RunUntil(
      [&] {
        return !pair.a().recorded().incoming_resets.empty() &&
               !pair.b().recorded().outgoing_resets.empty();
      },
      TimeDelta::Seconds(5)));
  ASSERT_EQ(pair.b().recorded().incoming_resets.size(), 1u);
  EXPECT_EQ(pair.b().recorded().incoming_resets[0].streams, std::vector<uint16_t>{3});
  ASSERT_EQ(pair.a().recorded().outgoing_resets.size(), 1u);
  EXPECT_EQ(pair.a().recorded().outgoing_resets[0].streams, std::vector<uint16_t>{3});
  EXPECT_TRUE(pair.a().recorded().outgoing_resets[0].ok);
  EXPECT_EQ(pair.a().recorded().incoming_resets[0].streams, std::vector<uint16_t>{3});
  EXPECT_TRUE(pair.b().recorded().outgoing_resets[0].ok);
  // Both messages sent before the reset arrived first.
  ASSERT_EQ(pair.b().recorded().messages.size(), 2u);
  EXPECT_EQ(PayloadIndex(pair.b().recorded().messages[1].second.data), 3u);

  // A new channel on stream 3, both ways.
  pair.b().on_event = nullptr;
  ASSERT_TRUE(pair.Send(pair.a(), 3, Ppid::kDcep, NumberedPayload(4, 30)).ok());
  ASSERT_TRUE(pair.Send(pair.b(), 3, Ppid::kDcep, NumberedPayload(5, 30)).ok());
  sim().RunFor(TimeDelta::Millis(200));
  EXPECT_EQ(PayloadIndex(pair.b().recorded().messages.back().second.data), 4u);
  EXPECT_EQ(PayloadIndex(pair.a().recorded().messages.back().second.data), 5u);
  EXPECT_EQ(pair.a().recorded().messages.back().second.stream, 3);
}

TEST_F(SctpLimitsTest, FlowControlQueuesWithoutBlockingAndSignalsLowOnce) {
  AssociationConfig alice;
  alice.send_queue_limit = 3 * 1024 * 1024 + 16 * 1024;
  SctpPair pair(sim(), alice);
  Connect(pair);
  pair.SetLinks({.latency = TimeDelta::Millis(10), .rate_bps = 8'000'000});
  constexpr size_t kThreshold = 256 * 1024;
  pair.a().association().set_buffered_amount_low_threshold(1, kThreshold);
  // 3 MiB at once: Send() returns at once, the bytes wait in the queue.
  const Timestamp t0 = sim().now();
  size_t queued = 0;
  for (uint32_t i = 0; i < 96; ++i) {
    ASSERT_TRUE(pair.Send(pair.a(), 1, Ppid::kBinary, NumberedPayload(i, 32 * 1024)).ok());
    queued += 32 * 1024;
    EXPECT_EQ(pair.a().association().buffered_amount(1), queued);
  }
  EXPECT_EQ(sim().now(), t0);
  // Beyond the queue limit: OperationError, nothing queued.
  const auto refused = pair.Send(pair.a(), 2, Ppid::kBinary, Bytes(32 * 1024, 1));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind(), ErrorKind::kOperationError);
  EXPECT_EQ(pair.a().association().buffered_amount(2), 0u);
  // It drains at the link's pace; the low event comes once, when it falls to the threshold.
  size_t lowest_seen = queued;
  while (pair.a().recorded().low.empty() && sim().now() - t0 < TimeDelta::Seconds(30)) {
    sim().RunFor(TimeDelta::Millis(50));
    const size_t now_buffered = pair.a().association().buffered_amount(1);
    EXPECT_LE(now_buffered, lowest_seen);
    lowest_seen = now_buffered;
  }
  ASSERT_EQ(pair.a().recorded().low.size(), 1u);
  EXPECT_EQ(pair.a().recorded().low[0].second, 1);
  EXPECT_LE(pair.a().association().buffered_amount(1), kThreshold);
  // ~3 MiB at 8 Mbit/s: about 3 s.
  EXPECT_GT(pair.a().recorded().low[0].first - t0, TimeDelta::Millis(2500));
  ASSERT_TRUE(sim().RunUntil([&] { return pair.b().recorded().messages.size() == 96; },
                             TimeDelta::Seconds(10)));
  sim().RunFor(TimeDelta::Millis(100));
  EXPECT_EQ(pair.a().association().buffered_amount(1), 0u);
  EXPECT_EQ(pair.a().recorded().low.size(), 1u);  // not again on the way to zero
}

TEST_F(SctpLimitsTest, LowThresholdZeroFiresWhenTheStreamDrains) {
  SctpPair pair(sim());
  Connect(pair);
  ASSERT_TRUE(pair.Send(pair.a(), 7, Ppid::kBinary, NumberedPayload(1, 5000)).ok());
  EXPECT_EQ(pair.a().association().buffered_amount(7), 5000u);
  ASSERT_TRUE(
      sim().RunUntil([&] { return !pair.a().recorded().low.empty(); }, TimeDelta::Seconds(2)));
  EXPECT_EQ(pair.a().recorded().low[0].second, 7);
  EXPECT_EQ(pair.a().association().buffered_amount(7), 0u);
}

// RFC 8260: with I-DATA a small message on another stream need not wait for a large one.
class SctpInterleavingTest : public sim::SimTestWithParam<bool> {};

TEST_P(SctpInterleavingTest, SmallMessageOvertakesALargeOneOnlyWithInterleaving) {
  const bool interleave = GetParam();
  AssociationConfig config;
  config.message_interleaving = interleave;
  config.max_message_size = 2 * 1024 * 1024;
  config.remote_max_message_size = 2 * 1024 * 1024;
  SctpPair pair(sim(), config, config);
  pair.SetLinks({.latency = TimeDelta::Millis(10)});
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  EXPECT_EQ(pair.a().association().interleaving(), interleave);
  pair.SetLinks({.latency = TimeDelta::Millis(10), .rate_bps = 2'000'000});
  // 1 MiB takes ~4 s at 2 Mbit/s.
  ASSERT_TRUE(pair.Send(pair.a(), 1, Ppid::kBinary, NumberedPayload(1, 1024 * 1024)).ok());
  sim().RunFor(TimeDelta::Millis(300));
  const Timestamp small_sent = sim().now();
  ASSERT_TRUE(pair.Send(pair.a(), 2, Ppid::kString, NumberedPayload(2, 100)).ok());
  ASSERT_TRUE(sim().RunUntil([&] { return pair.b().recorded().messages.size() == 2; },
                             TimeDelta::Seconds(20)));
  const auto& messages = pair.b().recorded().messages;
  EXPECT_EQ(messages[0].second.stream, interleave ? 2 : 1);
  EXPECT_EQ(messages[0].second.data,
            NumberedPayload(interleave ? 2 : 1, interleave ? 100 : 1 << 20));
  EXPECT_EQ(messages[1].second.data,
            NumberedPayload(interleave ? 1 : 2, interleave ? 1 << 20 : 100));
  const TimeDelta small_latency = (interleave ? messages[0] : messages[1]).first - small_sent;
  std::cout << "[ sctp     ] interleaving " << (interleave ? "on" : "off")
            << ": the small message took " << small_latency << "\n";
  if (interleave) {
    EXPECT_LT(small_latency, TimeDelta::Millis(800));
  }
}

INSTANTIATE_TEST_SUITE_P(IData, SctpInterleavingTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "On" : "Off"; });

}  // namespace
}  // namespace parley::sctp
