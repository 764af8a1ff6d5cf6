#include "turn/channel_data.h"

#include <cstdio>
#include <cstdlib>

namespace parley::turn {
namespace {

[[noreturn]] void ProgrammingError(const char* what) {
  std::fprintf(stderr, "parley::turn::SerializeChannelData: %s\n", what);
  std::abort();
}

}  // namespace

bool IsChannelData(ByteView message) {
  return !message.empty() && message[0] >= 0x40 && message[0] <= 0x4F;
}

std::string_view ChannelDataErrorName(ChannelDataError error) {
  switch (error) {
    case ChannelDataError::kTooShort:
      return "too short";
    case ChannelDataError::kBadChannelNumber:
      return "bad channel number";
    case ChannelDataError::kTruncated:
      return "truncated";
    case ChannelDataError::kTrailingBytes:
      return "trailing bytes";
  }
  return "unknown";
}

std::optional<ChannelDataView> ParseChannelData(ByteView message, ChannelDataError* error) {
  auto fail = [error](ChannelDataError why) -> std::optional<ChannelDataView> {
    if (error != nullptr) *error = why;
    return std::nullopt;
  };
  ByteReader reader(message);
  const auto channel = reader.ReadU16();
  const auto length = reader.ReadU16();
  if (!channel || !length) return fail(ChannelDataError::kTooShort);
  if (!IsValidChannelNumber(*channel)) return fail(ChannelDataError::kBadChannelNumber);
  // §12.4: the length counts the application data only, never the padding.
  const auto data = reader.ReadBytes(*length);
  if (!data) return fail(ChannelDataError::kTruncated);
  // §12.5: up to 3 padding bytes may follow (mandatory over TCP/TLS, optional over UDP).
  if (message.size() > PaddedChannelDataSize(*length)) {
    return fail(ChannelDataError::kTrailingBytes);
  }
  return ChannelDataView{*channel, *data};
}

Bytes SerializeChannelData(uint16_t channel, ByteView data, ChannelDataPadding padding) {
  if (!IsValidChannelNumber(channel)) ProgrammingError("channel number outside 0x4000-0x4FFF");
  if (data.size() > 0xFFFF) ProgrammingError("data longer than 65535 bytes");
  ByteWriter out(PaddedChannelDataSize(data.size()));
  out.WriteU16(channel).WriteU16(static_cast<uint16_t>(data.size())).WriteBytes(data);
  if (padding == ChannelDataPadding::kFourByte) out.PadTo(4);
  return std::move(out).Take();
}

}  // namespace parley::turn
