// The W3C createDataChannel() and send() errors (webrtc-pc §6.1, §6.2), and what CreateChannel()
// keeps of its arguments.
#include <gtest/gtest.h>

#include "datachannel/dc_harness.h"
#include "sim/sim_test.h"

namespace parley::datachannel {
namespace {

using testing::DcPair;
using testing::Text;

class DataChannelValidationTest : public sim::SimTest {
 protected:
  ErrorKind CreateError(Transport& transport, std::string label, ChannelInit init) {
    auto created = transport.CreateChannel(sim().now(), std::move(label), std::move(init));
    EXPECT_FALSE(created.ok());
    return created.ok() ? ErrorKind::kNotSupportedError : created.error().kind();
  }
};

TEST_F(DataChannelValidationTest, CreateChannelErrors) {
  Transport transport({});
  const Timestamp now = sim().now();
  EXPECT_EQ(CreateError(transport, "x",
                        {.max_retransmits = 1, .max_packet_lifetime = TimeDelta::Millis(10)}),
            ErrorKind::kTypeError);
  EXPECT_EQ(CreateError(transport, "x", {.negotiated = true}), ErrorKind::kTypeError);
  EXPECT_EQ(CreateError(transport, "x", {.negotiated = true, .id = 65535}), ErrorKind::kTypeError);
  EXPECT_EQ(CreateError(transport, std::string(65536, 'l'), {}), ErrorKind::kTypeError);
  EXPECT_EQ(CreateError(transport, "x", {.protocol = std::string(65536, 'p')}),
            ErrorKind::kTypeError);
  EXPECT_EQ(CreateError(transport, "x", {.max_packet_lifetime = TimeDelta::Millis(-1)}),
            ErrorKind::kTypeError);
  // The longest label and protocol are fine.
  ASSERT_TRUE(
      transport
          .CreateChannel(now, std::string(65535, 'l'),
                         {.protocol = std::string(65535, 'p'), .negotiated = true, .id = 65534})
          .ok());
  ASSERT_TRUE(transport.CreateChannel(now, "n", {.negotiated = true, .id = 3}).ok());
  EXPECT_EQ(CreateError(transport, "x", {.negotiated = true, .id = 3}), ErrorKind::kOperationError);
  EXPECT_EQ(transport.channels().size(), 2u);
  transport.Close(now);
  EXPECT_EQ(CreateError(transport, "x", {}), ErrorKind::kInvalidStateError);
}

TEST_F(DataChannelValidationTest, IdInUseByAnInBandChannelAndIdBeyondTheStreams) {
  DcPair pair(sim());
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  const ChannelHandle in_band = pair.Create(pair.a(), "in-band");
  ASSERT_EQ(pair.a().transport().channel(in_band)->id, 0);
  EXPECT_EQ(CreateError(pair.a().transport(), "x", {.negotiated = true, .id = 0}),
            ErrorKind::kOperationError);
  // Bob's channels count too.
  pair.Create(pair.b(), "from-bob");
  ASSERT_TRUE(pair.WaitForOpened(pair.a(), "from-bob"));
  EXPECT_EQ(CreateError(pair.a().transport(), "x", {.negotiated = true, .id = 1}),
            ErrorKind::kOperationError);
  const uint16_t streams = sctp::AssociationConfig{}.streams;
  EXPECT_EQ(pair.a().transport().max_channels(), streams);
  EXPECT_EQ(CreateError(pair.a().transport(), "x", {.negotiated = true, .id = streams}),
            ErrorKind::kOperationError);
}

TEST_F(DataChannelValidationTest, WhatCreateChannelKeeps) {
  Transport transport({});
  const Timestamp now = sim().now();
  // An id without negotiated is ignored (W3C); the lifetime is kept in whole milliseconds.
  auto handle = transport.CreateChannel(now, "label",
                                        {.ordered = false,
                                         .max_packet_lifetime = TimeDelta::Micros(2'500),
                                         .protocol = "proto",
                                         .id = 10,
                                         .priority = Priority::kMedium});
  ASSERT_TRUE(handle.ok());
  const ChannelInfo& info = *transport.channel(*handle);
  EXPECT_EQ(info.label, "label");
  EXPECT_EQ(info.protocol, "proto");
  EXPECT_FALSE(info.id.has_value());
  EXPECT_FALSE(info.ordered);
  EXPECT_EQ(info.max_packet_lifetime, TimeDelta::Millis(2));
  EXPECT_FALSE(info.max_retransmits.has_value());
  EXPECT_FALSE(info.negotiated);
  EXPECT_EQ(info.priority, Priority::kMedium);
  EXPECT_EQ(info.state, ChannelState::kConnecting);
  EXPECT_EQ(transport.channel(ChannelHandle{12345}), nullptr);
}

TEST_F(DataChannelValidationTest, SendErrors) {
  DcPair pair(sim());
  const ChannelHandle early = pair.Create(pair.a(), "early");
  EXPECT_EQ(pair.a().transport().Send(sim().now(), early, false, Text("x")).error().kind(),
            ErrorKind::kInvalidStateError);  // connecting
  EXPECT_EQ(
      pair.a().transport().Send(sim().now(), ChannelHandle{777}, false, Text("x")).error().kind(),
      ErrorKind::kInvalidAccessError);
  pair.Start();
  ASSERT_TRUE(pair.RunUntilConnected());
  ASSERT_TRUE(pair.SendText(pair.a(), early, "fine").ok());
  pair.Close(pair.a(), early);
  EXPECT_EQ(pair.a().transport().Send(sim().now(), early, false, Text("x")).error().kind(),
            ErrorKind::kInvalidStateError);  // closing
  ASSERT_TRUE(sim().RunUntil(
      [&] { return pair.a().transport().channel(early)->state == ChannelState::kClosed; },
      TimeDelta::Seconds(2)));
  EXPECT_EQ(pair.a().transport().Send(sim().now(), early, false, Text("x")).error().kind(),
            ErrorKind::kInvalidStateError);  // closed
}

}  // namespace
}  // namespace parley::datachannel
