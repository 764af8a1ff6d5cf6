// What parley-call reports: the selected path read from W3C stats, the live status line, the
// final summary as text and as the --stats-json document.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parley/stats.h"
#include "parley_call/call_options.h"

namespace parley::examples {

// The selected candidate pair and its traffic, from getStats().
struct PathStats {
  std::optional<std::string> local;   // "127.0.0.1:50000 host"
  std::optional<std::string> remote;  // "[::1]:50001 srflx"
  std::optional<double> rtt_seconds;  // currentRoundTripTime
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
};

// The selected pair is the transport's selectedCandidatePairId, else a candidate-pair flagged
// "selected", else a nominated pair in state "succeeded". Bytes are the transport's (all ICE
// traffic), else the pair's.
PathStats ExtractPathStats(const StatsReport& report);

struct ChatCounters {
  uint64_t pings_sent = 0;
  uint64_t echoes_received = 0;  // Our pings the peer echoed.
  uint64_t pings_answered = 0;   // The peer's pings we echoed.
};

// One status line (no newline): elapsed time, connection state, selected pair, RTT, pings and
// bytes.
std::string StatusLine(double elapsed_seconds, std::string_view connection_state,
                       const PathStats& path, const ChatCounters& chat, bool data_channel);

struct CallSummary {
  CallRole role = CallRole::kOffer;
  bool connected = false;        // Reached "connected" at some point.
  std::string connection_state;  // When the call ended.
  PathStats path;                // From the final stats.
  ChatCounters chat;
  double connected_seconds = 0;  // Time from "connected" to the end of the call.
  bool success = false;          // The exit criteria were met.
  std::string outcome;           // Why the call ended, e.g. "duration reached".
};

// Several lines, each ending in a newline.
std::string SummaryText(const CallSummary& summary);

// {"summary":{...},"stats":{...}}: the summary object's members are connected, connectionState,
// selectedPair ({"local","remote"} or null), rtt (seconds or null), pingsSent, echoesReceived,
// pingsAnswered, bytesSent, bytesReceived, durationSeconds (connected time), role; "stats" is
// StatsReport::ToJson() of the final report (null when none could be taken).
std::string SummaryJson(const CallSummary& summary, const std::optional<StatsReport>& stats);

}  // namespace parley::examples
