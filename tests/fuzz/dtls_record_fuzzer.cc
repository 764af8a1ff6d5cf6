// The DTLS record reader (src/dtls/record.h) on arbitrary datagrams. Whatever parses must
// re-serialise to exactly the input, every record must satisfy the header rules, and the
// plaintext handshake fragments of epoch-0 handshake records must round-trip too.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "dtls/record.h"

using namespace parley;
using namespace parley::dtls;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView input(data, size);
  const bool looks_like_dtls = LooksLikeDtls(input);
  auto records = ParseRecords(input);
  if (!records) return 0;
  if (records->empty() || !looks_like_dtls) std::abort();
  ByteWriter out;
  for (const RecordView& record : *records) {
    const auto type = static_cast<uint8_t>(record.type);
    if (type < 20 || type > 23) std::abort();
    if (record.version != kDtls10Version && record.version != kDtls12Version) std::abort();
    if (record.fragment.size() > kMaxRecordFragmentLength) std::abort();
    if (record.sequence_number >> 48) std::abort();
    WriteRecord(out, record);
    if (record.type != ContentType::kHandshake || record.epoch != 0) continue;
    auto fragments = ParseHandshakeFragments(record.fragment);
    if (!fragments) continue;
    ByteWriter rebuilt;
    for (const HandshakeFragment& fragment : *fragments) {
      if (uint64_t{fragment.fragment_offset} + fragment.fragment_length > fragment.length) {
        std::abort();
      }
      if (fragment.body.size() != fragment.fragment_length) std::abort();
      WriteHandshakeFragment(rebuilt, fragment);
    }
    const ByteView again = rebuilt.view();
    if (again.size() != record.fragment.size() ||
        !std::equal(again.begin(), again.end(), record.fragment.begin())) {
      std::abort();
    }
  }
  const ByteView serialised = out.view();
  if (serialised.size() != input.size() ||
      !std::equal(serialised.begin(), serialised.end(), input.begin())) {
    std::abort();
  }
  return 0;
}
