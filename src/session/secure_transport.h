// SecureTransport: what RTCDtlsTransport over RTCIceTransport is in the W3C API, plus SRTP and
// the SCTP transport of data channels. One sans-IO machine owning the ICE agent, the DTLS
// endpoint that runs over the selected pair, the SRTP session keyed by it and the data channels
// (SCTP over DTLS, RFC 8261); everything arriving on the pair is told apart by its first byte
// (RFC 7983) — DTLS to the endpoint (its application data to SCTP), SRTP/SRTCP to the session
// (RFC 5761 mux), anything else dropped and counted.
//
//   SecureTransport transport(config, random);
//   transport.StartGathering(now);                        // LocalCandidate events to trickle
//   transport.SetRemoteCredentials(now, creds);           // from the remote description
//   transport.StartDtls(now, role, remote_fingerprints);  // once a=setup decided the role
//   ... HandleDatagram / HandleTimeout / Handle* ...
//   drain PollTransmit() and PollEvent() after every call, then wake at NextTimeout().
//
// The DTLS client sends its ClientHello once ICE has a selected pair. DTLS records that arrive
// before StartDtls (the peer's ClientHello can beat the answer to the offerer) are kept, a few,
// and handed to the endpoint when it starts. Nothing is released before the peer's certificate
// matched a remote fingerprint: no SRTP keys, no RTP, no DTLS application data.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/byte_io.h"
#include "base/datagram.h"
#include "base/random.h"
#include "base/time.h"
#include "datachannel/transport.h"
#include "dtls/certificate.h"
#include "dtls/endpoint.h"
#include "dtls/fingerprint.h"
#include "dtls/setup_role.h"
#include "ice/agent.h"
#include "parley/result.h"
#include "srtp/profile.h"
#include "srtp/session.h"

namespace parley::session {

struct SecureTransportConfig {
  ice::AgentConfig ice{};
  dtls::Certificate certificate;
  // In preference order; empty: no DTLS-SRTP (data channels only).
  std::vector<srtp::Profile> srtp_profiles{std::begin(srtp::kDefaultProfiles),
                                           std::end(srtp::kDefaultProfiles)};
  // Largest DTLS datagram (handshake fragments and application data records).
  size_t dtls_mtu = 1200;
  srtp::SessionOptions srtp{};
  // SCTP data channels over DTLS (m=application). When false, DTLS application data is handed
  // out as DtlsDataReceived instead.
  bool data_channels = true;
  datachannel::TransportConfig data_channel{};
};

// The DTLS transport's state changed (RTCDtlsTransportState); `reason` says why on failure or
// close, e.g. the fingerprint mismatch.
struct DtlsStateChanged {
  dtls::State state;
  std::string reason;
};
// Decrypted DTLS application data, when data channels are off.
struct DtlsDataReceived {
  Bytes data;
};
// An SRTP packet that authenticated and decrypted: plain RTP.
struct RtpReceived {
  Bytes packet;
};
// An SRTCP compound packet that authenticated and decrypted: plain RTCP.
struct RtcpReceived {
  Bytes packet;
};

using Event = std::variant<ice::Event, DtlsStateChanged, DtlsDataReceived, RtpReceived,
                           RtcpReceived, datachannel::Event>;

struct DemuxStats {
  uint64_t dtls_datagrams = 0;
  uint64_t rtp_packets = 0;
  uint64_t rtcp_packets = 0;
  // RFC 7983: neither DTLS nor RTP/RTCP (STUN and ChannelData never get here: ICE takes them).
  uint64_t dropped_unknown = 0;
  // SRTP/SRTCP before the keys exist, or without a negotiated SRTP profile.
  uint64_t dropped_before_keys = 0;
  // SRTP/SRTCP refused by the session (replayed, tampered, malformed): see srtp stats.
  uint64_t dropped_unprotect = 0;
  // DTLS before StartDtls: kept for the endpoint, and dropped beyond the few kept.
  uint64_t early_dtls_kept = 0;
  uint64_t dropped_early_dtls = 0;
};

struct SecureTransportStats {
  ice::AgentStats ice;
  dtls::Endpoint::Stats dtls;
  std::optional<srtp::Session::Stats> srtp;
  DemuxStats demux;
  std::optional<sctp::Association::Stats> sctp;
  std::optional<datachannel::Transport::Stats> data_channels;
};

class SecureTransport {
 public:
  // DTLS datagrams kept while waiting for StartDtls (a ClientHello flight is 1–3 datagrams),
  // and our own DTLS datagrams kept while ICE has no selected pair to send them on.
  static constexpr size_t kMaxEarlyDtls = 8;

  SecureTransport(SecureTransportConfig config, Random& random);
  ~SecureTransport();
  SecureTransport(const SecureTransport&) = delete;
  SecureTransport& operator=(const SecureTransport&) = delete;

  // ICE (see ice::Agent).
  void StartGathering(Timestamp now);
  Result<void> SetRemoteCredentials(Timestamp now, ice::Credentials remote);
  Result<void> AddRemoteCandidate(Timestamp now, const ice::Candidate& candidate);
  void EndOfRemoteCandidates(Timestamp now);
  void SetIceRole(Timestamp now, ice::Role role);
  ice::Credentials RestartIce(Timestamp now, std::optional<ice::Credentials> local = std::nullopt);

  // Starts DTLS in `role` (from a=setup, see dtls::DecideRole). `remote_fingerprints` may be
  // empty and given later through SetRemoteFingerprints. InvalidStateError when already started
  // or closed.
  Result<void> StartDtls(Timestamp now, dtls::Role role,
                         std::vector<dtls::Fingerprint> remote_fingerprints);
  Result<void> SetRemoteFingerprints(Timestamp now, std::vector<dtls::Fingerprint> fingerprints);

  // Protects and sends on the selected pair. InvalidStateError until the SRTP keys exist (DTLS
  // connected with a negotiated profile); OperationError when protection fails.
  Result<void> SendRtp(Timestamp now, Bytes packet);
  Result<void> SendRtcp(Timestamp now, Bytes packet);
  // DTLS application data, when data channels are off. InvalidStateError unless DTLS is
  // connected.
  Result<void> SendData(Timestamp now, ByteView data);

  // Data channels (see datachannel::Transport; SCTP starts once DTLS connects, in the DTLS
  // role's stream parity). InvalidStateError when data channels are off.
  Result<datachannel::ChannelHandle> CreateDataChannel(Timestamp now, std::string label,
                                                       datachannel::ChannelInit init = {});
  Result<void> SendMessage(Timestamp now, datachannel::ChannelHandle channel, bool binary,
                           ByteView data);
  void CloseDataChannel(Timestamp now, datachannel::ChannelHandle channel);
  // The remote description's a=sctp-port / a=max-message-size, before DTLS connects.
  // InvalidStateError when data channels are off or SCTP already started.
  Result<void> SetRemoteSctpParameters(uint16_t remote_port, size_t remote_max_message_size);
  void SetBufferedAmountLowThreshold(datachannel::ChannelHandle channel, size_t threshold);
  // Forgets a closed channel's record.
  void ReleaseDataChannel(datachannel::ChannelHandle channel);
  // Null when data channels are off.
  const datachannel::Transport* data_channels() const { return data_channels_.get(); }

  // close_notify, then the ICE agent closes (TURN allocations released).
  void Close(Timestamp now);

  void HandleDatagram(Timestamp now, const Datagram& datagram);
  void HandleStreamConnected(Timestamp now, uint64_t stream);
  void HandleStreamData(Timestamp now, uint64_t stream, ByteView data);
  void HandleStreamClosed(Timestamp now, uint64_t stream, std::string reason);
  void HandleTimeout(Timestamp now);
  std::optional<ice::Transmit> PollTransmit();
  std::optional<Event> PollEvent();
  std::optional<Timestamp> NextTimeout() const;

  const ice::Agent& ice() const { return agent_; }
  ice::ConnectionState connection_state() const { return agent_.connection_state(); }
  std::optional<ice::SelectedPairChanged> selected_pair() const { return agent_.selected_pair(); }
  dtls::State dtls_state() const;
  // Null before StartDtls.
  const dtls::Endpoint* dtls() const { return dtls_.get(); }
  const dtls::Certificate& certificate() const { return config_.certificate; }
  // DTLS-SRTP keys exported; the SRTP session itself is created on first use.
  bool srtp_ready() const { return srtp_.has_value() || srtp_keys_.has_value(); }
  SecureTransportStats GetStats() const;

 private:
  // Processes what the agent and the endpoint produced after an input until both are quiet:
  // demultiplexes received data, carries DTLS datagrams over the agent, keys SRTP.
  void Pump(Timestamp now);
  void OnIceData(Timestamp now, Bytes data);
  void OnDtlsEvent(Timestamp now, dtls::Event event);
  void MaybeStartDtlsClient(Timestamp now);
  void KeySrtp();
  // The SRTP session, created from the exported keys on first use; null without keys.
  srtp::Session* Srtp();
  void DrainDtls(Timestamp now);
  void DrainDataChannels(Timestamp now);
  void FlushUnsentDtls(Timestamp now);
  void SendDtlsDatagram(Timestamp now, ByteView datagram);

  SecureTransportConfig config_;
  ice::Agent agent_;
  std::unique_ptr<dtls::Endpoint> dtls_;
  bool dtls_started_ = false;  // Endpoint::Start called (the client waits for a pair).
  std::optional<srtp::Session> srtp_;
  // Keys not yet turned into srtp_: a session costs ~30 KiB (libsrtp and its crypto backend), and
  // a connection with data channels only never needs one.
  std::optional<srtp::SessionKeys> srtp_keys_;
  std::unique_ptr<datachannel::Transport> data_channels_;
  bool data_channels_started_ = false;
  std::deque<Bytes> early_dtls_;
  // A server answering a kept ClientHello before its own checks succeeded: sent on selection
  // rather than after a retransmission timeout.
  std::deque<Bytes> unsent_dtls_;
  std::deque<Event> events_;
  DemuxStats demux_;
};

}  // namespace parley::session
