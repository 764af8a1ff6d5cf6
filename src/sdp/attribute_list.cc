#include <algorithm>

#include "sdp/session_description.h"

namespace parley::sdp::detail {

const Attribute* FindAttribute(const std::vector<Attribute>& list, std::string_view name) {
  for (const Attribute& attribute : list) {
    if (attribute.name == name) return &attribute;
  }
  return nullptr;
}

std::vector<std::string_view> AttributeValues(const std::vector<Attribute>& list,
                                              std::string_view name) {
  std::vector<std::string_view> values;
  for (const Attribute& attribute : list) {
    if (attribute.name != name) continue;
    values.push_back(attribute.value ? std::string_view(*attribute.value) : std::string_view());
  }
  return values;
}

void RemoveAttributes(std::vector<Attribute>& list, std::string_view name) {
  std::erase_if(list, [&](const Attribute& attribute) { return attribute.name == name; });
}

void SetAttribute(std::vector<Attribute>& list, std::string name,
                  std::optional<std::string> value) {
  for (Attribute& attribute : list) {
    if (attribute.name == name) {
      attribute.value = std::move(value);
      return;
    }
  }
  list.push_back(Attribute{std::move(name), std::move(value)});
}

}  // namespace parley::sdp::detail
