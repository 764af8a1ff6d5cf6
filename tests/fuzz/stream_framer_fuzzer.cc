// Feeds arbitrary bytes to the TURN stream framer (RFC 8656 §12.5, RFC 8489 §6.2.2) twice: all at
// once, and in chunks whose sizes come from the input itself. Both must yield the same messages
// and the same verdict, every message must be a whole STUN or ChannelData message, and nothing
// may be lost or invented: the messages plus padding plus the buffered tail account for every
// byte unless the stream was rejected.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "stun/message.h"
#include "turn/channel_data.h"
#include "turn/stream_framer.h"

using namespace parley;
using namespace parley::turn;

namespace {

std::vector<Bytes> PopAll(StreamFramer& framer) {
  std::vector<Bytes> out;
  while (auto message = framer.Pop())
    out.push_back(std::move(*message));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t chunk_seed = data[0];
  const std::span<const uint8_t> stream(data + 1, size - 1);

  StreamFramer whole;
  whole.Push(stream);
  const std::vector<Bytes> expected = PopAll(whole);

  StreamFramer chunked;
  std::vector<Bytes> got;
  size_t step = 1 + chunk_seed % 17;
  for (size_t at = 0; at < stream.size();) {
    const size_t n = std::min(step, stream.size() - at);
    chunked.Push(stream.subspan(at, n));
    for (Bytes& message : PopAll(chunked))
      got.push_back(std::move(message));
    at += n;
    step = 1 + (step * 7 + chunk_seed) % 23;
  }
  if (got != expected || whole.failed() != chunked.failed() || whole.error() != chunked.error()) {
    std::abort();
  }

  size_t accounted = 0;
  for (const Bytes& message : expected) {
    if (IsChannelData(message)) {
      auto parsed = ParseChannelData(message);
      if (!parsed || message.size() != kChannelDataHeaderSize + parsed->data.size()) std::abort();
      accounted += PaddedChannelDataSize(parsed->data.size());
    } else {
      auto message_size = stun::MessageSizeFromHeader(message);
      if (!message_size || *message_size != message.size()) std::abort();
      accounted += message.size();
    }
  }
  if (!whole.failed() && accounted + whole.buffered() != stream.size()) std::abort();
  if (whole.failed() && whole.buffered() != 0) std::abort();
  // Framing an outgoing message and reading it back is the identity.
  for (const Bytes& message : expected) {
    StreamFramer echo;
    echo.Push(StreamFramer::Frame(message));
    auto back = echo.Pop();
    if (!back || *back != message || echo.buffered() != 0) std::abort();
  }
  return 0;
}
