// A data channel's delivery guarantees as DATA_CHANNEL_OPEN carries them (RFC 8832 §5.1): the
// channel type's unordered bit, its reliability kind, and the reliability parameter.
#pragma once

#include <cstdint>
#include <optional>

#include "dcep/message.h"

namespace parley::dcep {

// At most one of max_retransmits and max_lifetime_ms (partial reliability, RFC 3758).
struct Reliability {
  bool ordered = true;
  std::optional<uint16_t> max_retransmits{};  // PARTIAL_RELIABLE_REXMIT
  std::optional<uint32_t> max_lifetime_ms{};  // PARTIAL_RELIABLE_TIMED

  friend bool operator==(const Reliability&, const Reliability&) = default;
};

// Sets open.channel_type and open.reliability_parameter. With both limits set, the
// retransmission limit wins (callers refuse that combination before, as the W3C API does).
void SetReliability(Open& open, const Reliability& reliability);
// What an OPEN asks for. A retransmission count beyond 65535 (the W3C API's unsigned short) is
// clamped to 65535; the reliability parameter of the reliable types is ignored (§5.1).
Reliability GetReliability(const Open& open);

}  // namespace parley::dcep
