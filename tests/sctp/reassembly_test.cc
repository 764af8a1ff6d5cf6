// Reassembly on its own: whole messages, pieces, interleaved streams, the size limit.
#include "sctp/reassembly.h"

#include <gtest/gtest.h>

namespace parley::sctp {
namespace {

ByteView View(const Bytes& b) {
  return b;
}

TEST(ReassemblyTest, WholeMessageInOnePiece) {
  Reassembly r(100);
  const Bytes data{1, 2, 3};
  auto outcome = r.Add(5, 51, data, true);
  ASSERT_TRUE(outcome.message.has_value());
  EXPECT_EQ(outcome.message->stream, 5);
  EXPECT_EQ(outcome.message->ppid, 51u);
  EXPECT_EQ(outcome.message->data, data);
}

TEST(ReassemblyTest, PiecesOfInterleavedStreams) {
  Reassembly r(0);
  EXPECT_FALSE(r.Add(1, 53, View(Bytes{1, 2}), false).message);
  EXPECT_FALSE(r.Add(2, 51, View(Bytes{9}), false).message);
  EXPECT_FALSE(r.Add(1, 53, View(Bytes{3}), false).message);
  EXPECT_EQ(r.buffered(), 4u);
  auto two = r.Add(2, 51, View(Bytes{8}), true);
  ASSERT_TRUE(two.message);
  EXPECT_EQ(two.message->data, (Bytes{9, 8}));
  auto one = r.Add(1, 0, View(Bytes{4}), true);  // the first piece's PPID counts
  ASSERT_TRUE(one.message);
  EXPECT_EQ(one.message->ppid, 53u);
  EXPECT_EQ(one.message->data, (Bytes{1, 2, 3, 4}));
  EXPECT_EQ(r.buffered(), 0u);
}

TEST(ReassemblyTest, OversizedMessageIsDroppedWholeAndTheStreamGoesOn) {
  Reassembly r(4);
  EXPECT_FALSE(r.Add(1, 53, View(Bytes{1, 2, 3}), false).message);
  auto over = r.Add(1, 53, View(Bytes{4, 5}), false);
  EXPECT_FALSE(over.message);
  EXPECT_FALSE(over.dropped_oversized);  // not yet at its end
  EXPECT_EQ(r.buffered(), 0u);           // nothing kept meanwhile
  auto end = r.Add(1, 53, View(Bytes{6}), true);
  EXPECT_FALSE(end.message);
  EXPECT_TRUE(end.dropped_oversized);
  auto next = r.Add(1, 53, View(Bytes{7, 8, 9, 10}), true);  // exactly the limit
  ASSERT_TRUE(next.message);
  EXPECT_EQ(next.message->data.size(), 4u);
  auto single = r.Add(1, 53, View(Bytes(5, 0)), true);
  EXPECT_FALSE(single.message);
  EXPECT_TRUE(single.dropped_oversized);
}

TEST(ReassemblyTest, DiscardForgetsAPartialMessage) {
  Reassembly r(0);
  r.Add(3, 53, View(Bytes{1}), false);
  r.Discard(3);
  auto outcome = r.Add(3, 51, View(Bytes{2}), true);
  ASSERT_TRUE(outcome.message);
  EXPECT_EQ(outcome.message->data, (Bytes{2}));
  EXPECT_EQ(outcome.message->ppid, 51u);
}

}  // namespace
}  // namespace parley::sctp
