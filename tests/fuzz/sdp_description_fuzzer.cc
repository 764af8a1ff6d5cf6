// Parses arbitrary text as an SDP description (RFC 8866). Whatever parses must write out as a
// description that parses again and writes the same bytes (Write(Parse(Write(d))) == Write(d)),
// and every typed attribute value that parses must write back to a value that parses to the same
// text. Failures must be SyntaxErrors.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sdp/attributes.h"
#include "sdp/session_description.h"

namespace {

using namespace parley::sdp;

template <typename T>
void CheckValue(std::string_view value) {
  auto parsed = T::Parse(value);
  if (!parsed.ok()) {
    if (parsed.error().kind() != parley::ErrorKind::kSyntaxError) std::abort();
    return;
  }
  const std::string written = parsed->ToString();
  auto again = T::Parse(written);
  if (!again.ok() || again->ToString() != written) std::abort();
}

void CheckAttributes(const std::vector<Attribute>& attributes) {
  for (const Attribute& attribute : attributes) {
    if (!attribute.value) {
      (void)ParseDirection(attribute.name);
      continue;
    }
    const std::string_view value = *attribute.value;
    const std::string_view name = attribute.name;
    if (name == "rtpmap") CheckValue<Rtpmap>(value);
    if (name == "fmtp") {
      CheckValue<Fmtp>(value);
      if (auto fmtp = Fmtp::Parse(value); fmtp.ok()) (void)fmtp->Get("apt");
    }
    if (name == "rtcp-fb") CheckValue<RtcpFb>(value);
    if (name == "extmap") CheckValue<Extmap>(value);
    if (name == "group") CheckValue<Group>(value);
    if (name == "msid") CheckValue<Msid>(value);
    if (name == "ssrc") CheckValue<SsrcAttribute>(value);
    if (name == "ssrc-group") CheckValue<SsrcGroup>(value);
    if (name == "rid") CheckValue<Rid>(value);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto description = Parse(text);
  if (!description.ok()) {
    if (description.error().kind() != parley::ErrorKind::kSyntaxError) std::abort();
    return 0;
  }
  const std::string written = Write(*description);
  auto again = Parse(written);
  if (!again.ok() || Write(*again) != written) std::abort();

  CheckAttributes(description->attributes);
  (void)DirectionOf(*description);
  for (MediaDescription& media : description->media) {
    CheckAttributes(media.attributes);
    if (auto direction = DirectionOf(media)) {
      SetDirection(media, *direction);
      if (DirectionOf(media) != direction) std::abort();
    }
  }
  return 0;
}
