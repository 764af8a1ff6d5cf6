// Parses arbitrary bytes as a TURN ChannelData message (RFC 8656 §12.4). Whatever parses must lie
// within the input, and survive a serialize/parse round trip with and without the §12.5
// padding.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "turn/channel_data.h"

using namespace parley;
using namespace parley::turn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  (void)IsChannelData(input);
  ChannelDataError error{};
  auto parsed = ParseChannelData(input, &error);
  (void)ChannelDataErrorName(error);
  if (!parsed) return 0;
  if (!IsValidChannelNumber(parsed->channel) || !IsChannelData(input)) std::abort();
  if (parsed->data.data() != data + kChannelDataHeaderSize) std::abort();
  if (size < kChannelDataHeaderSize + parsed->data.size() ||
      size > PaddedChannelDataSize(parsed->data.size())) {
    std::abort();
  }
  for (auto padding : {ChannelDataPadding::kNone, ChannelDataPadding::kFourByte}) {
    const Bytes wire = SerializeChannelData(parsed->channel, parsed->data, padding);
    auto again = ParseChannelData(wire);
    if (!again || again->channel != parsed->channel ||
        !std::equal(again->data.begin(), again->data.end(), parsed->data.begin(),
                    parsed->data.end())) {
      std::abort();
    }
    if (padding == ChannelDataPadding::kNone &&
        !std::equal(wire.begin(), wire.end(), input.begin())) {
      std::abort();
    }
  }
  return 0;
}
