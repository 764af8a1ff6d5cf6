#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "parley/stats.h"

namespace parley {

const StatsValue* Stats::Find(std::string_view member) const {
  auto it = members.find(std::string(member));
  return it == members.end() ? nullptr : &it->second;
}

std::optional<double> Stats::Number(std::string_view member) const {
  const StatsValue* value = Find(member);
  if (value == nullptr) return std::nullopt;
  if (auto* i = std::get_if<int64_t>(value)) return static_cast<double>(*i);
  if (auto* u = std::get_if<uint64_t>(value)) return static_cast<double>(*u);
  if (auto* d = std::get_if<double>(value)) return *d;
  return std::nullopt;
}

std::optional<std::string> Stats::String(std::string_view member) const {
  const StatsValue* value = Find(member);
  if (value == nullptr) return std::nullopt;
  if (auto* s = std::get_if<std::string>(value)) return *s;
  return std::nullopt;
}

std::vector<const Stats*> StatsReport::OfType(std::string_view type) const {
  std::vector<const Stats*> found;
  for (const auto& [id, entry] : stats) {
    if (entry.type == type) found.push_back(&entry);
  }
  return found;
}

const Stats* StatsReport::Find(std::string_view id) const {
  auto it = stats.find(std::string(id));
  return it == stats.end() ? nullptr : &it->second;
}

std::string StatsReport::ToJson() const {
  nlohmann::ordered_json report = nlohmann::ordered_json::object();
  for (const auto& [id, entry] : stats) {
    nlohmann::ordered_json object;
    object["id"] = entry.id;
    object["type"] = entry.type;
    object["timestamp"] = entry.timestamp;
    for (const auto& member : entry.members) {
      const std::string& name = member.first;
      std::visit([&](const auto& v) { object[name] = v; }, member.second);
    }
    report[id] = std::move(object);
  }
  return report.dump();
}

}  // namespace parley
