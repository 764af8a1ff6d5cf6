// SecureTransport in the simulator: ICE, then DTLS over the selected pair, then SRTP keyed from
// it, between two peers signalling over virtual time; the offerer's role arriving late; a
// fingerprint mismatch; loss and delay; and hostile input on the connected 5-tuple.
#include "session/secure_transport.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "demux/packet_kind.h"
#include "sim/sim_test.h"

namespace parley::session {
namespace {

using sim::Addr;
using sim::Ip;

// A minimal RTP packet: V=2, PT 111, the given sequence number, SSRC, payload.
Bytes RtpPacket(uint16_t seq, uint32_t ssrc, size_t payload_size = 160) {
  Bytes packet = {0x80,
                  111,
                  static_cast<uint8_t>(seq >> 8),
                  static_cast<uint8_t>(seq),
                  0,
                  0,
                  0,
                  static_cast<uint8_t>(seq),
                  static_cast<uint8_t>(ssrc >> 24),
                  static_cast<uint8_t>(ssrc >> 16),
                  static_cast<uint8_t>(ssrc >> 8),
                  static_cast<uint8_t>(ssrc)};
  for (size_t i = 0; i < payload_size; ++i)
    packet.push_back(static_cast<uint8_t>(seq + i));
  return packet;
}

// An RTCP receiver report without report blocks (RFC 3550 §6.4.2).
Bytes RtcpReceiverReport(uint32_t ssrc) {
  return {0x80,
          201,
          0,
          1,
          static_cast<uint8_t>(ssrc >> 24),
          static_cast<uint8_t>(ssrc >> 16),
          static_cast<uint8_t>(ssrc >> 8),
          static_cast<uint8_t>(ssrc)};
}

// A SecureTransport as a simulator endpoint, recording its events; its local candidates and
// end-of-candidates reach the peer `signaling_delay` later.
class TransportPeer final : public sim::Endpoint {
 public:
  TransportPeer(sim::Simulator& sim, std::string name, sim::Host& host, SocketAddress socket,
                ice::Role role, bool data_channels)
      : sim_(sim), name_(std::move(name)), random_(sim::DeriveSeed(sim.seed(), name_)) {
    SecureTransportConfig config;
    config.data_channels = data_channels;
    config.ice.role = role;
    config.ice.local_sockets = {socket};
    config.certificate = dtls::Certificate::Generate().value();
    transport_ = std::make_unique<SecureTransport>(std::move(config), random_);
    sim_.Attach(host, *this);
  }
  ~TransportPeer() override { sim_.Detach(*this); }

  SecureTransport& transport() { return *transport_; }
  const std::string& name() const { return name_; }

  void HandleDatagram(Timestamp now, const Datagram& in) override {
    transport_->HandleDatagram(now, in);
    Drain(now);
  }
  void HandleTimeout(Timestamp now) override {
    transport_->HandleTimeout(now);
    Drain(now);
  }
  std::optional<Datagram> PollTransmit() override {
    while (auto transmit = transport_->PollTransmit()) {
      if (auto* datagram = std::get_if<Datagram>(&*transmit)) return std::move(*datagram);
    }
    return std::nullopt;
  }
  std::optional<Timestamp> NextTimeout() const override { return transport_->NextTimeout(); }

  // Runs `fn` on the transport now, then lets the simulator carry what it produced.
  template <typename F>
  auto Do(F fn) {
    auto result = fn(*transport_, sim_.now());
    Drain(sim_.now());
    sim_.Kick(*this);
    return result;
  }

  void Drain(Timestamp) {
    while (auto event = transport_->PollEvent()) {
      if (auto* ice_event = std::get_if<ice::Event>(&*event)) {
        OnIceEvent(*ice_event);
      } else if (auto* state = std::get_if<DtlsStateChanged>(&*event)) {
        dtls_states.push_back(state->state);
        dtls_reason = state->reason;
      } else if (auto* data = std::get_if<DtlsDataReceived>(&*event)) {
        data_received.push_back(std::move(data->data));
      } else if (auto* rtp = std::get_if<RtpReceived>(&*event)) {
        rtp_received.push_back(std::move(rtp->packet));
      } else if (auto* rtcp = std::get_if<RtcpReceived>(&*event)) {
        rtcp_received.push_back(std::move(rtcp->packet));
      } else if (auto* channel_event = std::get_if<datachannel::Event>(&*event)) {
        OnChannelEvent(*channel_event);
      }
    }
  }

  void OnIceEvent(const ice::Event& event) {
    if (peer == nullptr) return;
    TransportPeer* target = peer;
    if (auto* local = std::get_if<ice::LocalCandidate>(&event)) {
      sim_.Schedule(signaling_delay, [target, c = local->candidate] {
        (void)target->Do(
            [&](SecureTransport& t, Timestamp now) { return t.AddRemoteCandidate(now, c); });
      });
    }
  }

  void OnChannelEvent(const datachannel::Event& event) {
    if (auto* opened = std::get_if<datachannel::ChannelOpened>(&event)) {
      announced.push_back(opened->handle);
    } else if (auto* message = std::get_if<datachannel::MessageReceived>(&event)) {
      messages.emplace_back(message->handle,
                            std::string(message->data.begin(), message->data.end()));
    } else if (auto* state = std::get_if<datachannel::ChannelStateChanged>(&event)) {
      channel_states.emplace_back(state->handle, state->state);
    }
  }
  bool ChannelReached(datachannel::ChannelHandle handle, datachannel::ChannelState state) const {
    for (const auto& [h, s] : channel_states) {
      if (h == handle && s == state) return true;
    }
    return false;
  }

  bool DtlsConnected() const { return transport_->dtls_state() == dtls::State::kConnected; }

  TransportPeer* peer = nullptr;
  TimeDelta signaling_delay = TimeDelta::Millis(50);
  std::vector<dtls::State> dtls_states;
  std::string dtls_reason;
  std::vector<Bytes> data_received;
  std::vector<Bytes> rtp_received;
  std::vector<Bytes> rtcp_received;
  std::vector<datachannel::ChannelHandle> announced;
  std::vector<std::pair<datachannel::ChannelHandle, std::string>> messages;
  std::vector<std::pair<datachannel::ChannelHandle, datachannel::ChannelState>> channel_states;

 private:
  sim::Simulator& sim_;
  std::string name_;
  SeededRandom random_;
  std::unique_ptr<SecureTransport> transport_;
};

class SecureTransportTest : public sim::SimTest {
 protected:
  // alice offers (a=setup:actpass, ICE controlling); bob answers a=setup:active (DTLS client),
  // as browsers do, so alice is the DTLS server.
  void MakePeers(bool data_channels = false) {
    alice_host_ = &sim().AddHost("alice", {Ip("192.0.2.1")});
    bob_host_ = &sim().AddHost("bob", {Ip("192.0.2.2")});
    alice_ = std::make_unique<TransportPeer>(sim(), "alice", *alice_host_, Addr("192.0.2.1:5000"),
                                             ice::Role::kControlling, data_channels);
    bob_ = std::make_unique<TransportPeer>(sim(), "bob", *bob_host_, Addr("192.0.2.2:6000"),
                                           ice::Role::kControlled, data_channels);
    alice_->peer = bob_.get();
    bob_->peer = alice_.get();
  }

  void SetPathConfig(const sim::LinkConfig& config) {
    for (sim::Host* host : {alice_host_, bob_host_}) {
      host->uplink().set_config(config);
      host->downlink().set_config(config);
    }
  }

  dtls::Fingerprint FingerprintOf(TransportPeer& peer) {
    return peer.transport().certificate().fingerprint();
  }

  // ICE credentials both ways, gathering, and DTLS: bob (answerer) at once, alice when the
  // answer reaches her `answer_delay` later.
  void Start(TimeDelta answer_delay = TimeDelta::Millis(50),
             std::optional<dtls::Fingerprint> bob_fingerprint_at_alice = std::nullopt) {
    const ice::Credentials a_credentials = alice_->transport().ice().local_credentials();
    const ice::Credentials b_credentials = bob_->transport().ice().local_credentials();
    const dtls::Fingerprint alice_fingerprint = FingerprintOf(*alice_);
    const dtls::Fingerprint bob_fingerprint =
        bob_fingerprint_at_alice.value_or(FingerprintOf(*bob_));
    // Bob has the offer: alice's credentials and fingerprint.
    (void)bob_->Do([&](SecureTransport& t, Timestamp now) {
      return t.SetRemoteCredentials(now, a_credentials);
    });
    (void)bob_->Do([&](SecureTransport& t, Timestamp now) {
      return t.StartDtls(now, dtls::Role::kClient, {alice_fingerprint});
    });
    bob_->Do([](SecureTransport& t, Timestamp now) {
      t.StartGathering(now);
      return 0;
    });
    alice_->Do([](SecureTransport& t, Timestamp now) {
      t.StartGathering(now);
      return 0;
    });
    sim().Schedule(answer_delay, [this, b_credentials, bob_fingerprint] {
      (void)alice_->Do([&](SecureTransport& t, Timestamp now) {
        return t.SetRemoteCredentials(now, b_credentials);
      });
      (void)alice_->Do([&](SecureTransport& t, Timestamp now) {
        return t.StartDtls(now, dtls::Role::kServer, {bob_fingerprint});
      });
    });
  }

  bool BothDtlsConnected() const { return alice_->DtlsConnected() && bob_->DtlsConnected(); }

  Result<void> SendRtp(TransportPeer& from, Bytes packet) {
    return from.Do([&](SecureTransport& t, Timestamp now) { return t.SendRtp(now, packet); });
  }
  Result<void> SendRtcp(TransportPeer& from, Bytes packet) {
    return from.Do([&](SecureTransport& t, Timestamp now) { return t.SendRtcp(now, packet); });
  }
  Result<void> SendData(TransportPeer& from, Bytes data) {
    return from.Do([&](SecureTransport& t, Timestamp now) { return t.SendData(now, data); });
  }

  // Both directions: RTP, RTCP and DTLS data arrive decrypted and unchanged.
  void ExpectMediaAndDataFlowBothWays(uint16_t first_seq = 1) {
    for (auto [from, to] :
         {std::pair{alice_.get(), bob_.get()}, std::pair{bob_.get(), alice_.get()}}) {
      const size_t rtp_before = to->rtp_received.size();
      const size_t rtcp_before = to->rtcp_received.size();
      const size_t data_before = to->data_received.size();
      const Bytes rtp = RtpPacket(first_seq, 0x1234);
      const Bytes rtcp = RtcpReceiverReport(0x5678);
      const Bytes data = {'h', 'e', 'l', 'l', 'o'};
      ASSERT_TRUE(SendRtp(*from, rtp).ok());
      ASSERT_TRUE(SendRtcp(*from, rtcp).ok());
      ASSERT_TRUE(SendData(*from, data).ok());
      ASSERT_TRUE(sim().RunUntil(
          [&] {
            return to->rtp_received.size() > rtp_before && to->rtcp_received.size() > rtcp_before &&
                   to->data_received.size() > data_before;
          },
          TimeDelta::Seconds(5)))
          << from->name() << " -> " << to->name();
      EXPECT_EQ(to->rtp_received.back(), rtp);
      EXPECT_EQ(to->rtcp_received.back(), rtcp);
      EXPECT_EQ(to->data_received.back(), data);
    }
  }

  sim::Host* alice_host_ = nullptr;
  sim::Host* bob_host_ = nullptr;
  std::unique_ptr<TransportPeer> alice_;
  std::unique_ptr<TransportPeer> bob_;
};

TEST_F(SecureTransportTest, IceThenDtlsThenSrtpCarryMediaAndDataBothWays) {
  MakePeers();
  Start();
  ASSERT_TRUE(sim().RunUntil([&] { return BothDtlsConnected(); }, TimeDelta::Seconds(10)));
  EXPECT_TRUE(alice_->transport().srtp_ready());
  EXPECT_TRUE(bob_->transport().srtp_ready());
  EXPECT_EQ(alice_->transport().dtls()->srtp_keys(), bob_->transport().dtls()->srtp_keys());
  EXPECT_EQ(alice_->transport().dtls()->srtp_profile(), srtp::Profile::kAeadAes128Gcm);
  ExpectMediaAndDataFlowBothWays();
  const SecureTransportStats stats = alice_->transport().GetStats();
  EXPECT_GE(stats.demux.rtp_packets, 1u);
  EXPECT_GE(stats.demux.rtcp_packets, 1u);
  EXPECT_EQ(stats.demux.dropped_unknown, 0u);
}

TEST_F(SecureTransportTest, ClientHelloBeforeTheOffererHasTheAnswerIsKeptUntilDtlsStarts) {
  MakePeers();
  // ICE connects within ~100 ms; the answer (and with it alice's DTLS role) takes a second.
  const Timestamp start = sim().now();
  Start(/*answer_delay=*/TimeDelta::Seconds(1));
  ASSERT_TRUE(sim().RunUntil([&] { return BothDtlsConnected(); }, TimeDelta::Seconds(10)));
  EXPECT_GE(alice_->transport().GetStats().demux.early_dtls_kept, 1u);
  // The kept ClientHello is answered at once: no wait for bob's retransmission timer.
  EXPECT_LT(sim().now() - start, TimeDelta::Millis(1200));
  ExpectMediaAndDataFlowBothWays();
}

TEST_F(SecureTransportTest, FingerprintMismatchFailsAndReleasesNothing) {
  MakePeers();
  const dtls::Certificate stranger = dtls::Certificate::Generate().value();
  Start(TimeDelta::Millis(50), stranger.fingerprint());
  ASSERT_TRUE(
      sim().RunUntil([&] { return alice_->transport().dtls_state() == dtls::State::kFailed; },
                     TimeDelta::Seconds(10)));
  EXPECT_NE(alice_->dtls_reason.find("fingerprint"), std::string::npos) << alice_->dtls_reason;
  EXPECT_FALSE(alice_->transport().srtp_ready());
  EXPECT_FALSE(alice_->transport().dtls()->srtp_keys().has_value());
  const Result<void> sent = SendRtp(*alice_, RtpPacket(1, 1));
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind(), ErrorKind::kInvalidStateError);
  EXPECT_FALSE(SendData(*alice_, {1, 2, 3}).ok());
  // Bob hears the fatal alert (or times out) and never connects either.
  sim().RunFor(TimeDelta::Seconds(2));
  EXPECT_FALSE(bob_->DtlsConnected());
  EXPECT_TRUE(alice_->data_received.empty());
  EXPECT_TRUE(bob_->rtp_received.empty());
}

TEST_F(SecureTransportTest, WholeStackConnectsWithLossAndDelay) {
  MakePeers();
  // 10 % loss each way and 200 ms RTT: ICE and DTLS retransmit in virtual time.
  SetPathConfig({.latency = TimeDelta::Millis(50), .loss = 0.1});
  Start();
  ASSERT_TRUE(sim().RunUntil([&] { return BothDtlsConnected(); }, TimeDelta::Seconds(60)));
  EXPECT_EQ(alice_->transport().dtls()->srtp_keys(), bob_->transport().dtls()->srtp_keys());
}

TEST_F(SecureTransportTest, HostileInputOnTheConnectedPairIsDroppedAndCounted) {
  MakePeers();
  Start();
  ASSERT_TRUE(sim().RunUntil([&] { return BothDtlsConnected(); }, TimeDelta::Seconds(10)));
  ExpectMediaAndDataFlowBothWays(1);
  const SecureTransportStats before = alice_->transport().GetStats();

  // Everything below arrives from bob's own address (spoofed), i.e. on the valid pair.
  const Datagram template_datagram{Addr("192.0.2.2:6000"), Addr("192.0.2.1:5000"), {}};
  auto inject = [&](Bytes payload) {
    Datagram datagram = template_datagram;
    datagram.payload = std::move(payload);
    alice_->Do([&](SecureTransport& t, Timestamp now) {
      t.HandleDatagram(now, datagram);
      return 0;
    });
  };
  inject({0xff, 0x00, 0x01});                                  // Outside every RFC 7983 range.
  inject({0x10, 1, 2, 3, 4, 5});                               // ZRTP.
  inject({23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 9, 0, 40, 1});  // Truncated application data.
  inject({22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1});   // A stranger's ClientHello stub.
  Bytes forged = RtpPacket(7, 0x1234);
  forged.resize(forged.size() + 16, 0xab);  // SRTP with a made-up tag.
  inject(forged);
  inject(RtcpReceiverReport(0x1234));  // SRTCP without index and tag.
  Bytes garbage(300);
  for (size_t i = 0; i < garbage.size(); ++i)
    garbage[i] = static_cast<uint8_t>(i * 37 + 11);
  inject(garbage);

  const SecureTransportStats after = alice_->transport().GetStats();
  EXPECT_GE(after.demux.dropped_unknown, before.demux.dropped_unknown + 2);
  EXPECT_GE(after.demux.dropped_unprotect, before.demux.dropped_unprotect + 2);
  EXPECT_TRUE(alice_->DtlsConnected());
  EXPECT_TRUE(bob_->DtlsConnected());
  ExpectMediaAndDataFlowBothWays(2);
}

TEST_F(SecureTransportTest, ReplayedSrtpIsDroppedNotDelivered) {
  MakePeers();
  Start();
  ASSERT_TRUE(sim().RunUntil([&] { return BothDtlsConnected(); }, TimeDelta::Seconds(10)));
  // Capture what bob sends on the wire and deliver it again.
  std::vector<Datagram> captured;
  sim().AddObserver([&](const sim::PacketEvent& e) {
    if (e.kind == sim::PacketEventKind::kSent && e.node == "bob" &&
        demux::Classify(e.datagram.payload) == demux::PacketKind::kRtp) {
      captured.push_back(e.datagram);
    }
  });
  ASSERT_TRUE(SendRtp(*bob_, RtpPacket(100, 0x42)).ok());
  ASSERT_TRUE(sim().RunUntil([&] { return !alice_->rtp_received.empty(); }, TimeDelta::Seconds(2)));
  ASSERT_EQ(captured.size(), 1u);
  alice_->Do([&](SecureTransport& t, Timestamp now) {
    t.HandleDatagram(now, captured[0]);
    return 0;
  });
  EXPECT_EQ(alice_->rtp_received.size(), 1u);
  EXPECT_EQ(alice_->transport().GetStats().demux.dropped_unprotect, 1u);
}

TEST_F(SecureTransportTest, CloseSendsCloseNotifyAndThePeerSeesClosed) {
  MakePeers();
  Start();
  ASSERT_TRUE(sim().RunUntil([&] { return BothDtlsConnected(); }, TimeDelta::Seconds(10)));
  bob_->Do([](SecureTransport& t, Timestamp now) {
    t.Close(now);
    return 0;
  });
  ASSERT_TRUE(
      sim().RunUntil([&] { return alice_->transport().dtls_state() == dtls::State::kClosed; },
                     TimeDelta::Seconds(5)));
  EXPECT_FALSE(alice_->transport().srtp_ready());
  EXPECT_EQ(bob_->transport().connection_state(), ice::ConnectionState::kClosed);
}

TEST_F(SecureTransportTest, StartDtlsTwiceIsAnInvalidStateError) {
  MakePeers();
  Start();
  const Result<void> again = bob_->Do(
      [](SecureTransport& t, Timestamp now) { return t.StartDtls(now, dtls::Role::kClient, {}); });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind(), ErrorKind::kInvalidStateError);
}

TEST_F(SecureTransportTest, DataChannelsRunOverSctpOverDtls) {
  MakePeers(/*data_channels=*/true);
  // Bob creates a channel before anything is connected; it opens in-band (DCEP) once SCTP is up.
  auto early = bob_->Do([](SecureTransport& t, Timestamp now) {
    return t.CreateDataChannel(now, "chat", {.protocol = "text"});
  });
  ASSERT_TRUE(early.ok()) << early.error();
  // A negotiated channel both sides create with the same id.
  datachannel::ChannelInit negotiated{.ordered = false, .negotiated = true, .id = 7};
  auto alice_state = alice_->Do([&](SecureTransport& t, Timestamp now) {
    return t.CreateDataChannel(now, "state", negotiated);
  });
  auto bob_state = bob_->Do([&](SecureTransport& t, Timestamp now) {
    return t.CreateDataChannel(now, "state", negotiated);
  });
  ASSERT_TRUE(alice_state.ok() && bob_state.ok());
  Start();
  ASSERT_TRUE(sim().RunUntil(
      [&] {
        return !alice_->announced.empty() &&
               bob_->ChannelReached(*early, datachannel::ChannelState::kOpen);
      },
      TimeDelta::Seconds(10)));
  const datachannel::ChannelHandle alice_chat = alice_->announced[0];
  const datachannel::ChannelInfo* info = alice_->transport().data_channels()->channel(alice_chat);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->label, "chat");
  EXPECT_EQ(info->protocol, "text");
  // Bob is the DTLS client: his in-band channel has an even stream id (RFC 8832 §6).
  ASSERT_TRUE(info->id.has_value());
  EXPECT_EQ(*info->id % 2, 0);

  auto send = [&](TransportPeer& from, datachannel::ChannelHandle channel, std::string text) {
    return from.Do([&](SecureTransport& t, Timestamp now) {
      return t.SendMessage(now, channel, false,
                           ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    });
  };
  ASSERT_TRUE(send(*bob_, *early, "ping 1").ok());
  ASSERT_TRUE(send(*alice_, alice_chat, "echo:ping 1").ok());
  ASSERT_TRUE(send(*alice_, *alice_state, "position 3,4").ok());
  ASSERT_TRUE(
      sim().RunUntil([&] { return alice_->messages.size() >= 1 && bob_->messages.size() >= 2; },
                     TimeDelta::Seconds(5)));
  EXPECT_EQ(alice_->messages[0], std::make_pair(alice_chat, std::string("ping 1")));
  EXPECT_EQ(bob_->messages.size(), 2u);

  // Closing from alice's side closes both ends (stream reset, RFC 8831 §6.7).
  alice_->Do([&](SecureTransport& t, Timestamp now) {
    t.CloseDataChannel(now, alice_chat);
    return 0;
  });
  ASSERT_TRUE(sim().RunUntil(
      [&] { return bob_->ChannelReached(*early, datachannel::ChannelState::kClosed); },
      TimeDelta::Seconds(5)));
  const SecureTransportStats stats = bob_->transport().GetStats();
  ASSERT_TRUE(stats.sctp.has_value());
  EXPECT_GT(stats.sctp->messages_received, 0u);
  // DTLS application data is SCTP's now.
  EXPECT_EQ(SendData(*alice_, {1}).error().kind(), ErrorKind::kInvalidStateError);
}

}  // namespace
}  // namespace parley::session
