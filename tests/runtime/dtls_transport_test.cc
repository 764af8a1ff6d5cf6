// DtlsTransport on real loopback sockets: two transports connect through ICE and DTLS, carry
// SRTP, SRTCP and data channels (SCTP over DTLS) both ways, refuse a wrong fingerprint, and may
// be destroyed from inside their own callbacks. Waits are bounded condition waits, never sleeps.
#include "runtime/dtls_transport.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dtls/certificate.h"
#include "runtime/runtime.h"
#include "runtime/wait.h"

namespace parley {
namespace {

using test::kWaitBound;
using test::Notification;

Bytes RtpPacket(uint16_t seq, uint32_t ssrc) {
  Bytes packet = {0x80,
                  96,
                  static_cast<uint8_t>(seq >> 8),
                  static_cast<uint8_t>(seq),
                  0,
                  0,
                  0,
                  0,
                  static_cast<uint8_t>(ssrc >> 24),
                  static_cast<uint8_t>(ssrc >> 16),
                  static_cast<uint8_t>(ssrc >> 8),
                  static_cast<uint8_t>(ssrc)};
  packet.resize(200, 0x5a);
  return packet;
}

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

// A DtlsTransport with thread-safe records of what its callbacks reported.
class Peer {
 public:
  explicit Peer(std::string name) : name_(std::move(name)) {}
  ~Peer() { Destroy(); }

  Result<void> Create(Runtime& runtime, ice::Role role, DtlsTransport::Callbacks extra = {}) {
    runtime_ = &runtime;
    session::SecureTransportConfig config;
    config.ice.role = role;
    config.ice.local_sockets = {SocketAddress(IpAddress::Loopback(IpFamily::kV4), 0)};
    config.certificate = dtls::Certificate::Generate().value();
    DtlsTransport::Callbacks c;
    c.on_candidate = [this](const ice::Candidate& candidate) {
      if (peer_ != nullptr && peer_->transport_) peer_->transport_->AddRemoteCandidate(candidate);
    };
    c.on_dtls_state = [this, extra](dtls::State state, const std::string& reason) {
      Record([&] {
        dtls_state_ = state;
        reason_ = reason;
      });
      if (extra.on_dtls_state) extra.on_dtls_state(state, reason);
    };
    c.on_rtp = [this, extra](Bytes packet) {
      Record([&] { rtp_.push_back(packet); });
      if (extra.on_rtp) extra.on_rtp(packet);
    };
    c.on_rtcp = [this](Bytes packet) { Record([&] { rtcp_.push_back(std::move(packet)); }); };
    c.on_data_channel = [this, extra](std::shared_ptr<SctpDataChannel> channel) {
      Record([&] { announced_.push_back(channel); });
      channel->SetCallbacks(ChannelCallbacks());
      if (extra.on_data_channel) extra.on_data_channel(channel);
    };
    auto created = DtlsTransport::Create(runtime, std::move(config), std::move(c));
    if (!created.ok()) return created.error();
    transport_ = std::move(created).value();
    return Ok();
  }

  // Exchanges credentials; `a` offers (DTLS server), `b` answers active (DTLS client).
  static void Connect(Peer& a, Peer& b, std::optional<dtls::Fingerprint> b_seen_by_a = {}) {
    a.peer_ = &b;
    b.peer_ = &a;
    ASSERT_TRUE(a.transport_->SetRemoteCredentials(b.transport_->local_credentials()).ok());
    ASSERT_TRUE(b.transport_->SetRemoteCredentials(a.transport_->local_credentials()).ok());
    ASSERT_TRUE(a.transport_
                    ->StartDtls(dtls::Role::kServer,
                                {b_seen_by_a.value_or(b.transport_->local_fingerprint())})
                    .ok());
    ASSERT_TRUE(
        b.transport_->StartDtls(dtls::Role::kClient, {a.transport_->local_fingerprint()}).ok());
    a.transport_->Start();
    b.transport_->Start();
  }

  // Records a channel's messages (as text) and close into this peer.
  SctpDataChannel::Callbacks ChannelCallbacks() {
    SctpDataChannel::Callbacks c;
    c.on_open = [this] { Record([&] { ++opens_; }); };
    c.on_message = [this](const Bytes& data, bool) {
      Record([&] { messages_.emplace_back(data.begin(), data.end()); });
    };
    c.on_buffered_amount_low = [this] { Record([&] { ++lows_; }); };
    c.on_close = [this] { Record([&] { ++closes_; }); };
    return c;
  }

  bool WaitFor(const std::function<bool()>& condition) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kWaitBound, condition);
  }
  bool WaitDtls(dtls::State state) {
    return WaitFor([&] { return dtls_state_ == state; });
  }

  DtlsTransport* transport() { return transport_.get(); }
  // Call only while no callback can touch the records (after a Wait).
  const std::vector<Bytes>& rtp() const { return rtp_; }
  const std::vector<Bytes>& rtcp() const { return rtcp_; }
  const std::vector<std::string>& messages() const { return messages_; }
  const std::vector<std::shared_ptr<SctpDataChannel>>& announced() const { return announced_; }
  int opens() const { return opens_; }
  int lows() const { return lows_; }
  int closes() const { return closes_; }
  std::string reason() {
    std::lock_guard lock(mutex_);
    return reason_;
  }
  size_t rtp_count() {
    std::lock_guard lock(mutex_);
    return rtp_.size();
  }
  // From inside one of its callbacks (on the callback thread).
  void ResetFromCallback() { transport_.reset(); }

  // Destroys the transport on the callback thread, so no callback of it runs meanwhile.
  void Destroy() {
    if (!transport_ || runtime_ == nullptr) return;
    Notification done;
    runtime_->callbacks().Post([&] {
      transport_.reset();
      done.Notify();
    });
    EXPECT_TRUE(done.Wait());
  }

 private:
  template <typename F>
  void Record(F fn) {
    {
      std::lock_guard lock(mutex_);
      fn();
    }
    changed_.notify_all();
  }

  std::string name_;
  Runtime* runtime_ = nullptr;
  Peer* peer_ = nullptr;
  std::unique_ptr<DtlsTransport> transport_;
  std::mutex mutex_;
  std::condition_variable changed_;
  dtls::State dtls_state_ = dtls::State::kNew;
  std::string reason_;
  std::vector<Bytes> rtp_;
  std::vector<Bytes> rtcp_;
  std::vector<std::string> messages_;
  std::vector<std::shared_ptr<SctpDataChannel>> announced_;
  int opens_ = 0;
  int lows_ = 0;
  int closes_ = 0;
};

TEST(DtlsTransport, ConnectsAndCarriesSrtpSrtcpAndDataChannelsBothWays) {
  auto runtime = Runtime::Create();
  Peer a("a"), b("b");
  ASSERT_TRUE(a.Create(*runtime, ice::Role::kControlling).ok());
  ASSERT_TRUE(b.Create(*runtime, ice::Role::kControlled).ok());
  // The full stack on real sockets: ICE -> DTLS -> SCTP (data channel) and SRTP.
  auto chat = b.transport()->CreateDataChannel("chat", {}, b.ChannelCallbacks());
  ASSERT_TRUE(chat.ok()) << chat.error();
  EXPECT_EQ((*chat)->state(), datachannel::ChannelState::kConnecting);
  Peer::Connect(a, b);
  ASSERT_TRUE(a.WaitDtls(dtls::State::kConnected));
  ASSERT_TRUE(b.WaitDtls(dtls::State::kConnected));
  // SRTP is keyed on the network thread right when DTLS connects; the callback comes after.
  for (Peer* from : {&a, &b}) {
    ASSERT_TRUE(from->transport()->SendRtp(RtpPacket(1, from == &a ? 0xa : 0xb)).ok());
    ASSERT_TRUE(from->transport()->SendRtcp(RtcpReceiverReport(7)).ok());
  }
  ASSERT_TRUE(b.WaitFor([&] { return b.opens() == 1; }));
  ASSERT_TRUE(a.WaitFor([&] { return a.announced().size() == 1 && a.opens() == 1; }));
  std::shared_ptr<SctpDataChannel> remote = a.announced()[0];
  EXPECT_EQ(remote->label(), "chat");
  EXPECT_EQ(remote->id(), (*chat)->id());
  ASSERT_TRUE((*chat)->Send("ping 1").ok());
  ASSERT_TRUE(remote->Send("echo:ping 1").ok());
  for (Peer* to : {&a, &b}) {
    ASSERT_TRUE(to->WaitFor(
        [&] { return !to->rtp().empty() && !to->rtcp().empty() && !to->messages().empty(); }));
    EXPECT_EQ(to->rtp()[0], RtpPacket(1, to == &a ? 0xb : 0xa));
    EXPECT_EQ(to->rtcp()[0], RtcpReceiverReport(7));
  }
  EXPECT_EQ(a.messages()[0], "ping 1");
  EXPECT_EQ(b.messages()[0], "echo:ping 1");
  const DtlsTransport::Stats stats = a.transport()->GetStats();
  ASSERT_TRUE(stats.transport.srtp.has_value());
  EXPECT_EQ(stats.transport.srtp->rtp_protected, 1u);
  EXPECT_EQ(stats.transport.srtp->rtp_unprotected, 1u);
  EXPECT_GT(stats.io.datagrams_received, 0u);
  ASSERT_TRUE(stats.transport.sctp.has_value());
  EXPECT_GE(stats.transport.sctp->messages_received, 1u);

  // Closing one end closes both (stream reset both ways, RFC 8831 §6.7).
  (*chat)->Close();
  EXPECT_EQ((*chat)->state(), datachannel::ChannelState::kClosing);
  ASSERT_TRUE(a.WaitFor([&] { return a.closes() == 1; }));
  ASSERT_TRUE(b.WaitFor([&] { return b.closes() == 1; }));
  EXPECT_EQ(remote->state(), datachannel::ChannelState::kClosed);
  EXPECT_EQ(remote->Send("late").error().kind(), ErrorKind::kInvalidStateError);
}

TEST(DtlsTransport, DataChannelSendNeverBlocksAndBufferedAmountDrains) {
  auto runtime = Runtime::Create();
  Peer a("a"), b("b");
  ASSERT_TRUE(a.Create(*runtime, ice::Role::kControlling).ok());
  ASSERT_TRUE(b.Create(*runtime, ice::Role::kControlled).ok());
  auto channel = a.transport()->CreateDataChannel("bulk", {}, a.ChannelCallbacks());
  ASSERT_TRUE(channel.ok());
  Peer::Connect(a, b);
  ASSERT_TRUE(a.WaitFor([&] { return a.opens() == 1; }));
  (*channel)->set_buffered_amount_low_threshold(64 * 1024);
  const Bytes chunk(16 * 1024, 0x42);
  constexpr int kChunks = 64;  // 1 MiB, queued at once.
  for (int i = 0; i < kChunks; ++i)
    ASSERT_TRUE((*channel)->Send(ByteView(chunk)).ok());
  // bufferedAmount grew synchronously with every send (webrtc-pc §6.2).
  EXPECT_GT((*channel)->buffered_amount(), 64u * 1024);
  ASSERT_TRUE(b.WaitFor([&] { return b.messages().size() == kChunks; }));
  ASSERT_TRUE(a.WaitFor([&] { return a.lows() >= 1; }));
  EXPECT_LE((*channel)->buffered_amount(), 64u * 1024);
  // Over the peer's max-message-size: a TypeError, nothing sent.
  const Bytes huge(64 * 1024 + 1, 0);
  EXPECT_EQ((*channel)->Send(ByteView(huge)).error().kind(), ErrorKind::kTypeError);
}

TEST(DtlsTransport, WrongFingerprintFailsWithAReasonAndNothingIsSent) {
  auto runtime = Runtime::Create();
  Peer a("a"), b("b");
  ASSERT_TRUE(a.Create(*runtime, ice::Role::kControlling).ok());
  ASSERT_TRUE(b.Create(*runtime, ice::Role::kControlled).ok());
  const dtls::Certificate stranger = dtls::Certificate::Generate().value();
  Peer::Connect(a, b, stranger.fingerprint());
  ASSERT_TRUE(a.WaitDtls(dtls::State::kFailed));
  EXPECT_NE(a.reason().find("fingerprint"), std::string::npos) << a.reason();
  const Result<void> sent = a.transport()->SendRtp(RtpPacket(1, 1));
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind(), ErrorKind::kInvalidStateError);
  auto late = a.transport()->CreateDataChannel("late");
  ASSERT_TRUE(late.ok());  // Created, but it never opens.
  EXPECT_EQ((*late)->Send("x").error().kind(), ErrorKind::kInvalidStateError);
}

TEST(DtlsTransport, DestroyedInsideItsOwnCallbacks) {
  auto runtime = Runtime::Create();
  Peer a("a"), b("b");
  Notification destroyed;
  DtlsTransport::Callbacks extra;
  extra.on_rtp = [&](const Bytes&) {
    b.ResetFromCallback();
    destroyed.Notify();
  };
  ASSERT_TRUE(a.Create(*runtime, ice::Role::kControlling).ok());
  ASSERT_TRUE(b.Create(*runtime, ice::Role::kControlled, extra).ok());
  Peer::Connect(a, b);
  ASSERT_TRUE(a.WaitDtls(dtls::State::kConnected));
  ASSERT_TRUE(a.transport()->SendRtp(RtpPacket(1, 9)).ok());
  ASSERT_TRUE(a.transport()->SendRtp(RtpPacket(2, 9)).ok());
  ASSERT_TRUE(destroyed.Wait());
  EXPECT_EQ(b.transport(), nullptr);
  EXPECT_EQ(b.rtp_count(), 1u);  // Nothing delivered after the destruction.
}

TEST(DtlsTransport, SendsBeforeConnectingAreInvalidStateErrors) {
  auto runtime = Runtime::Create();
  Peer a("a");
  ASSERT_TRUE(a.Create(*runtime, ice::Role::kControlling).ok());
  EXPECT_EQ(a.transport()->SendRtp(RtpPacket(1, 1)).error().kind(), ErrorKind::kInvalidStateError);
  EXPECT_EQ(a.transport()->SendData(Bytes{1}).error().kind(), ErrorKind::kInvalidStateError);
  EXPECT_EQ(a.transport()->CreateDataChannel("x", {.negotiated = true}).error().kind(),
            ErrorKind::kTypeError);  // negotiated without an id
  ASSERT_TRUE(a.transport()->StartDtls(dtls::Role::kServer, {}).ok());
  EXPECT_EQ(a.transport()->StartDtls(dtls::Role::kServer, {}).error().kind(),
            ErrorKind::kInvalidStateError);
  a.transport()->Close();
  EXPECT_EQ(a.transport()->SendRtcp(RtcpReceiverReport(1)).error().kind(),
            ErrorKind::kInvalidStateError);
}

}  // namespace
}  // namespace parley
