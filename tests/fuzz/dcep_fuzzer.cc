// Parses arbitrary bytes as a DCEP message (RFC 8832 §5). Whatever parses must serialize to the
// parsed bytes (trailing bytes aside) and parse back to the same message.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <variant>

#include "dcep/message.h"
#include "dcep/priority.h"
#include "dcep/reliability.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parley::dcep;
  const std::span<const uint8_t> input(data, size);
  ParseError why{};
  auto message = Parse(input, &why);
  if (!message) {
    (void)ParseErrorName(why);
    return 0;
  }
  const parley::Bytes wire = Serialize(*message);
  if (wire.size() > size || !std::equal(wire.begin(), wire.end(), input.begin())) std::abort();
  auto again = Parse(wire);
  if (!again || *again != *message) std::abort();
  if (const auto* open = std::get_if<Open>(&*message)) {
    (void)ToString(PriorityFromWire(open->priority));
    // The reliability it describes survives re-encoding (up to the ignored parameter of the
    // reliable types and the clamped retransmission count).
    const Reliability reliability = GetReliability(*open);
    Open copy = *open;
    SetReliability(copy, reliability);
    if (copy.channel_type != open->channel_type || GetReliability(copy) != reliability) {
      std::abort();
    }
  }
  return 0;
}
