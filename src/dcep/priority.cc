#include "dcep/priority.h"

namespace parley::dcep {

uint16_t ToWire(Priority priority) {
  switch (priority) {
    case Priority::kVeryLow:
      return kPriorityVeryLow;
    case Priority::kLow:
      return kPriorityLow;
    case Priority::kMedium:
      return kPriorityMedium;
    case Priority::kHigh:
      return kPriorityHigh;
  }
  return kPriorityLow;
}

Priority PriorityFromWire(uint16_t value) {
  if (value <= kPriorityVeryLow) return Priority::kVeryLow;
  if (value <= kPriorityLow) return Priority::kLow;
  if (value <= kPriorityMedium) return Priority::kMedium;
  return Priority::kHigh;
}

std::string_view ToString(Priority priority) {
  switch (priority) {
    case Priority::kVeryLow:
      return "very-low";
    case Priority::kLow:
      return "low";
    case Priority::kMedium:
      return "medium";
    case Priority::kHigh:
      return "high";
  }
  return "low";
}

}  // namespace parley::dcep
