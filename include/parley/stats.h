// RTCStatsReport (webrtc-stats): a map of stats objects by id, each with a type
// ("peer-connection", "transport", "candidate-pair", "local-candidate", "remote-candidate",
// "certificate", "data-channel", ...) and the members the W3C names, e.g. bytesSent.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace parley {

using StatsValue = std::variant<bool, int64_t, uint64_t, double, std::string>;

struct Stats {
  std::string id;
  std::string type;
  double timestamp = 0;  // DOMHighResTimeStamp: milliseconds since the Unix epoch
  std::map<std::string, StatsValue> members;

  const StatsValue* Find(std::string_view member) const;
  // Numbers as double, whatever their type; nullopt when absent or not a number.
  std::optional<double> Number(std::string_view member) const;
  std::optional<std::string> String(std::string_view member) const;
};

struct StatsReport {
  std::map<std::string, Stats> stats;  // by id

  std::vector<const Stats*> OfType(std::string_view type) const;
  const Stats* Find(std::string_view id) const;
  // A JSON object keyed by id, each value an object with "id", "type", "timestamp" and the
  // members (as browsers print RTCStatsReport).
  std::string ToJson() const;
};

}  // namespace parley
