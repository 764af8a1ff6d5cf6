// StreamFramer (RFC 8656 §12.5, RFC 8489 §6.2.2): a recorded TURN-over-TCP stream split at
// every offset, byte by byte and in random chunks yields the same messages; garbage is a fatal
// error detected as early as possible; outgoing framing pads ChannelData.
#include "turn/stream_framer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "base/random.h"
#include "stun/message.h"
#include "turn/channel_data.h"

namespace parley::turn {
namespace {

using ::testing::HasSubstr;

// The messages of a recorded stream, as they are handed out (ChannelData without padding).
std::vector<Bytes> RecordedMessages() {
  SeededRandom random(7);
  std::vector<Bytes> messages;
  stun::Message allocate = stun::Message::Request(stun::Method::kAllocate, random);
  allocate.Add(stun::RequestedTransport{}).Add(stun::Lifetime{600});
  messages.push_back(allocate.Serialize());
  messages.push_back(SerializeChannelData(0x4000, Bytes{1, 2, 3, 4, 5}));  // Needs 3 padding.
  stun::Message data = stun::Message::Indication(stun::Method::kData, random);
  data.Add(stun::XorPeerAddress{*SocketAddress::Parse("198.51.100.1:9")})
      .Add(stun::Data{Bytes(1201, 0xEE)});
  messages.push_back(data.Serialize({.fingerprint = true}));
  messages.push_back(SerializeChannelData(0x4FFF, {}));
  messages.push_back(SerializeChannelData(0x4123, Bytes(8, 0x11)));  // No padding needed.
  messages.push_back(SerializeChannelData(0x4001, Bytes{9}));        // 3 padding bytes.
  return messages;
}

Bytes RecordedStream() {
  Bytes stream;
  for (const Bytes& message : RecordedMessages()) {
    const Bytes framed = StreamFramer::Frame(message);
    stream.insert(stream.end(), framed.begin(), framed.end());
  }
  return stream;
}

std::vector<Bytes> PopAll(StreamFramer& framer) {
  std::vector<Bytes> out;
  while (auto message = framer.Pop())
    out.push_back(std::move(*message));
  return out;
}

TEST(StreamFramerTest, SplitsAWholeStream) {
  StreamFramer framer;
  framer.Push(RecordedStream());
  EXPECT_FALSE(framer.failed());
  EXPECT_EQ(PopAll(framer), RecordedMessages());
  EXPECT_EQ(framer.buffered(), 0u);
  EXPECT_FALSE(framer.Pop());
}

TEST(StreamFramerTest, HandlesASplitAtEveryOffset) {
  const Bytes stream = RecordedStream();
  const auto expected = RecordedMessages();
  for (size_t split = 0; split <= stream.size(); ++split) {
    StreamFramer framer;
    framer.Push(ByteView(stream).first(split));
    std::vector<Bytes> got = PopAll(framer);
    framer.Push(ByteView(stream).subspan(split));
    for (Bytes& message : PopAll(framer))
      got.push_back(std::move(message));
    ASSERT_FALSE(framer.failed()) << split;
    ASSERT_EQ(got, expected) << "split at " << split;
  }
}

TEST(StreamFramerTest, HandlesOneByteAtATime) {
  const Bytes stream = RecordedStream();
  StreamFramer framer;
  std::vector<Bytes> got;
  for (uint8_t byte : stream) {
    framer.Push(ByteView(&byte, 1));
    for (Bytes& message : PopAll(framer))
      got.push_back(std::move(message));
  }
  EXPECT_FALSE(framer.failed());
  EXPECT_EQ(got, RecordedMessages());
}

TEST(StreamFramerTest, HandlesRandomChunks) {
  const Bytes stream = RecordedStream();
  SeededRandom random(42);
  for (int round = 0; round < 50; ++round) {
    StreamFramer framer;
    for (size_t at = 0; at < stream.size();) {
      const size_t n = std::min<size_t>(random.Uniform(1, 300), stream.size() - at);
      framer.Push(ByteView(stream).subspan(at, n));
      at += n;
    }
    ASSERT_EQ(PopAll(framer), RecordedMessages()) << round;
  }
}

TEST(StreamFramerTest, KeepsAnIncompleteTail) {
  const Bytes stream = RecordedStream();
  StreamFramer framer;
  framer.Push(ByteView(stream).first(stream.size() - 1));
  auto got = PopAll(framer);
  EXPECT_EQ(got.size(), RecordedMessages().size() - 1);
  EXPECT_EQ(framer.buffered(), 7u);  // The last ChannelData (4 + 1 + 3) minus one byte.
  EXPECT_FALSE(framer.failed());
}

TEST(StreamFramerTest, RejectsAFirstByteThatIsNeitherStunNorChannelData) {
  for (uint8_t first : {0x80, 0xC0, 0xFF, 0x16 /* a TLS record */}) {
    StreamFramer framer;
    const Bytes garbage = {first};
    framer.Push(garbage);
    if (first == 0x16) {
      // 0x16 has top bits 00, so it could be STUN until the cookie is in.
      framer.Push(Bytes{0x03, 0x01, 0x00, 0x40, 0x01, 0x00, 0x00});
    }
    EXPECT_TRUE(framer.failed()) << int{first};
    EXPECT_THAT(framer.error(), HasSubstr("TURN stream framing error"));
  }
}

TEST(StreamFramerTest, RejectsABadCookieAsSoonAsItArrives) {
  Bytes message = RecordedMessages().front();
  message[4] ^= 0xFF;
  StreamFramer framer;
  framer.Push(ByteView(message).first(7));
  EXPECT_FALSE(framer.failed());
  framer.Push(ByteView(message).subspan(7, 1));
  EXPECT_TRUE(framer.failed());
  EXPECT_THAT(framer.error(), HasSubstr("magic cookie"));
}

TEST(StreamFramerTest, RejectsReservedChannelsAndOddStunLengths) {
  StreamFramer reserved;
  reserved.Push(Bytes{0x50, 0x00});
  EXPECT_TRUE(reserved.failed());
  EXPECT_THAT(reserved.error(), HasSubstr("reserved channel number 0x5000"));

  StreamFramer odd;
  odd.Push(Bytes{0x00, 0x01, 0x00, 0x03});
  EXPECT_TRUE(odd.failed());
  EXPECT_THAT(odd.error(), HasSubstr("multiple of 4"));
}

TEST(StreamFramerTest, KeepsMessagesBeforeGarbageAndIgnoresInputAfter) {
  Bytes stream = RecordedStream();
  stream.push_back(0xFF);
  StreamFramer framer;
  framer.Push(stream);
  EXPECT_TRUE(framer.failed());
  EXPECT_EQ(PopAll(framer), RecordedMessages());
  framer.Push(RecordedStream());
  EXPECT_FALSE(framer.Pop());
  EXPECT_EQ(framer.buffered(), 0u);
}

TEST(StreamFramerTest, FramesOutgoingMessages) {
  const Bytes stun = RecordedMessages().front();
  EXPECT_EQ(StreamFramer::Frame(stun), stun);
  EXPECT_EQ(StreamFramer::Frame(SerializeChannelData(0x4001, Bytes{1, 2, 3, 4, 5})),
            SerializeChannelData(0x4001, Bytes{1, 2, 3, 4, 5}, ChannelDataPadding::kFourByte));
  const Bytes padded = SerializeChannelData(0x4001, Bytes{1}, ChannelDataPadding::kFourByte);
  EXPECT_EQ(StreamFramer::Frame(padded), padded);
}

}  // namespace
}  // namespace parley::turn
