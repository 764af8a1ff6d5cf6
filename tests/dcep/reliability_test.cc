// Reliability <-> channel type and reliability parameter (RFC 8832 §5.1).
#include "dcep/reliability.h"

#include <gtest/gtest.h>

namespace parley::dcep {
namespace {

struct Case {
  Reliability reliability;
  ChannelType type;
  uint32_t parameter;
};

TEST(DcepReliabilityTest, EveryModeBothWays) {
  const Case cases[] = {
      {{}, ChannelType::kReliable, 0},
      {{.ordered = false}, ChannelType::kReliableUnordered, 0},
      {{.max_retransmits = 0}, ChannelType::kPartialReliableRexmit, 0},
      {{.ordered = false, .max_retransmits = 7}, ChannelType::kPartialReliableRexmitUnordered, 7},
      {{.max_lifetime_ms = 250}, ChannelType::kPartialReliableTimed, 250},
      {{.ordered = false, .max_lifetime_ms = 0xFFFFFFFF},
       ChannelType::kPartialReliableTimedUnordered,
       0xFFFFFFFF},
  };
  for (const Case& c : cases) {
    Open open{.reliability_parameter = 99};
    SetReliability(open, c.reliability);
    EXPECT_EQ(open.channel_type, c.type);
    EXPECT_EQ(open.reliability_parameter, c.parameter);
    EXPECT_EQ(GetReliability(open), c.reliability);
  }
}

TEST(DcepReliabilityTest, ReliableTypesIgnoreTheParameter) {
  const Open open{.channel_type = ChannelType::kReliableUnordered, .reliability_parameter = 5};
  EXPECT_EQ(GetReliability(open), (Reliability{.ordered = false}));
}

TEST(DcepReliabilityTest, HugeRetransmitCountIsClamped) {
  const Open open{.channel_type = ChannelType::kPartialReliableRexmit,
                  .reliability_parameter = 100000};
  EXPECT_EQ(GetReliability(open).max_retransmits, 0xFFFF);
}

}  // namespace
}  // namespace parley::dcep
