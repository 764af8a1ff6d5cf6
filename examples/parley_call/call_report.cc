#include "parley_call/call_report.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace parley::examples {
namespace {

using Json = nlohmann::ordered_json;

// "ip:port type", IPv6 in brackets.
std::optional<std::string> DescribeCandidate(const StatsReport& report,
                                             const std::optional<std::string>& id) {
  if (!id) return std::nullopt;
  const Stats* candidate = report.Find(*id);
  if (candidate == nullptr) return std::nullopt;
  std::string address = candidate->String("address").value_or("?");
  if (address.find(':') != std::string::npos) address = "[" + address + "]";
  const std::optional<double> port = candidate->Number("port");
  return address + ":" + (port ? std::to_string(static_cast<int64_t>(*port)) : "?") + " " +
         candidate->String("candidateType").value_or("?");
}

const Stats* FindSelectedPair(const StatsReport& report, const Stats* transport) {
  if (transport != nullptr) {
    if (std::optional<std::string> id = transport->String("selectedCandidatePairId")) {
      if (const Stats* pair = report.Find(*id)) return pair;
    }
  }
  const std::vector<const Stats*> pairs = report.OfType("candidate-pair");
  for (const Stats* pair : pairs) {
    const StatsValue* selected = pair->Find("selected");
    if (selected != nullptr && std::holds_alternative<bool>(*selected) &&
        std::get<bool>(*selected)) {
      return pair;
    }
  }
  for (const Stats* pair : pairs) {
    const StatsValue* nominated = pair->Find("nominated");
    if (nominated != nullptr && std::holds_alternative<bool>(*nominated) &&
        std::get<bool>(*nominated) && pair->String("state") == "succeeded") {
      return pair;
    }
  }
  return nullptr;
}

uint64_t Count(const Stats& stats, std::string_view member) {
  const std::optional<double> value = stats.Number(member);
  return value && *value > 0 ? static_cast<uint64_t>(*value) : 0;
}

std::string Milliseconds(std::optional<double> seconds) {
  if (!seconds) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f ms", *seconds * 1000);
  return text;
}

std::string PairText(const PathStats& path) {
  if (!path.local && !path.remote) return "-";
  return path.local.value_or("?") + " <-> " + path.remote.value_or("?");
}

}  // namespace

PathStats ExtractPathStats(const StatsReport& report) {
  PathStats path;
  const std::vector<const Stats*> transports = report.OfType("transport");
  const Stats* transport = transports.empty() ? nullptr : transports.front();
  const Stats* pair = FindSelectedPair(report, transport);
  if (pair != nullptr) {
    path.local = DescribeCandidate(report, pair->String("localCandidateId"));
    path.remote = DescribeCandidate(report, pair->String("remoteCandidateId"));
    path.rtt_seconds = pair->Number("currentRoundTripTime");
  }
  const Stats* traffic =
      transport != nullptr && transport->Find("bytesSent") != nullptr ? transport : pair;
  if (traffic != nullptr) {
    path.bytes_sent = Count(*traffic, "bytesSent");
    path.bytes_received = Count(*traffic, "bytesReceived");
  }
  return path;
}

std::string StatusLine(double elapsed_seconds, std::string_view connection_state,
                       const PathStats& path, const ChatCounters& chat, bool data_channel) {
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "[%6.1fs]", elapsed_seconds);
  std::string line = std::string(elapsed) + " " + std::string(connection_state) + " | pair " +
                     PairText(path) + " | rtt " + Milliseconds(path.rtt_seconds);
  if (data_channel) {
    line += " | pings " + std::to_string(chat.pings_sent) + " sent, " +
            std::to_string(chat.echoes_received) + " echoed, " +
            std::to_string(chat.pings_answered) + " answered";
  }
  line += " | bytes " + std::to_string(path.bytes_sent) + " sent, " +
          std::to_string(path.bytes_received) + " received";
  return line;
}

std::string SummaryText(const CallSummary& summary) {
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.1f s", summary.connected_seconds);
  std::string text = "summary (" + std::string(ToString(summary.role)) +
                     "): " + (summary.success ? "OK" : "FAILED") + ", " + summary.outcome + "\n";
  text += "  state:    " + summary.connection_state +
          (summary.connected ? ", connected for " + std::string(duration) : ", never connected") +
          "\n";
  text += "  pair:     " + PairText(summary.path) + "\n";
  text += "  rtt:      " + Milliseconds(summary.path.rtt_seconds) + "\n";
  text += "  messages: " + std::to_string(summary.chat.pings_sent) + " pings sent, " +
          std::to_string(summary.chat.echoes_received) + " echoed by the peer, " +
          std::to_string(summary.chat.pings_answered) + " of the peer's answered\n";
  text += "  bytes:    " + std::to_string(summary.path.bytes_sent) + " sent, " +
          std::to_string(summary.path.bytes_received) + " received\n";
  return text;
}

std::string SummaryJson(const CallSummary& summary, const std::optional<StatsReport>& stats) {
  Json object;
  object["connected"] = summary.connected;
  object["connectionState"] = summary.connection_state;
  if (summary.path.local || summary.path.remote) {
    object["selectedPair"] = {{"local", summary.path.local.value_or("")},
                              {"remote", summary.path.remote.value_or("")}};
  } else {
    object["selectedPair"] = nullptr;
  }
  if (summary.path.rtt_seconds) {
    object["rtt"] = *summary.path.rtt_seconds;
  } else {
    object["rtt"] = nullptr;
  }
  object["pingsSent"] = summary.chat.pings_sent;
  object["echoesReceived"] = summary.chat.echoes_received;
  object["pingsAnswered"] = summary.chat.pings_answered;
  object["bytesSent"] = summary.path.bytes_sent;
  object["bytesReceived"] = summary.path.bytes_received;
  object["durationSeconds"] = summary.connected_seconds;
  object["role"] = std::string(ToString(summary.role));
  object["success"] = summary.success;
  object["outcome"] = summary.outcome;

  Json document;
  document["summary"] = std::move(object);
  // Parsed back so that the file is one JSON document; null if it ever failed to parse.
  document["stats"] =
      stats ? Json::parse(stats->ToJson(), nullptr, /*allow_exceptions=*/false) : Json(nullptr);
  if (document["stats"].is_discarded()) document["stats"] = nullptr;
  return document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace parley::examples
