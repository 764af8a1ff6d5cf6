// DtlsTransport: a session::SecureTransport (ICE, DTLS over the selected pair, SRTP keyed from
// it, RFC 7983 demultiplexing) driven by the runtime with real sockets — what RTCDtlsTransport
// and its RTCIceTransport are in the W3C API. Threads as for IceTransport: inputs post to the
// network thread and return at once; events reach the Callbacks on the Runtime's callback
// thread, in order, never under a lock; a callback may call any method and may destroy the
// transport.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/byte_io.h"
#include "base/random.h"
#include "dtls/fingerprint.h"
#include "dtls/setup_role.h"
#include "parley/result.h"
#include "runtime/data_channel.h"
#include "runtime/runtime.h"
#include "runtime/transport_io.h"
#include "session/secure_transport.h"

namespace parley {

class DtlsTransport {
 public:
  // All optional; each runs on the Runtime's callback thread. None starts once the destructor
  // has begun.
  struct Callbacks {
    std::function<void(const ice::Candidate& candidate)> on_candidate;
    std::function<void(ice::GatheringState state)> on_gathering_state;
    std::function<void(ice::ConnectionState state)> on_ice_state;
    std::function<void(const ice::Candidate& local, const ice::Candidate& remote)> on_selected_pair;
    // RTCDtlsTransportState; `reason` says why on failure or close.
    std::function<void(dtls::State state, const std::string& reason)> on_dtls_state;
    // Decrypted RTP / RTCP, and DTLS application data when data channels are off.
    std::function<void(Bytes packet)> on_rtp;
    std::function<void(Bytes packet)> on_rtcp;
    std::function<void(Bytes data)> on_data;
    // A data channel the peer opened (RTCPeerConnection.ondatachannel). Set its callbacks here:
    // its on_open and messages follow, on this thread.
    std::function<void(std::shared_ptr<SctpDataChannel> channel)> on_data_channel;
  };

  struct Stats {
    session::SecureTransportStats transport;
    TransportIo::Stats io;
    uint64_t sends_refused = 0;  // Sends the machine refused on the network thread.
    // For W3C stats (RTCTransportStats, RTCDataChannelStats).
    ice::Role ice_role = ice::Role::kControlling;
    std::string local_ufrag;
    ice::ConnectionState ice_state = ice::ConnectionState::kNew;
    dtls::State dtls_state = dtls::State::kNew;
    std::optional<dtls::Role> dtls_role;
    std::string dtls_cipher;  // IANA name, once connected
    std::string srtp_cipher;  // profile name, once keyed
    std::vector<datachannel::ChannelInfo> channels;
  };

  // Binds a UdpSocket per config.ice.local_sockets address (see IceTransport::Create). Nothing
  // else happens until Start(). `random` (default: CryptoRandom) must outlive the transport.
  static Result<std::unique_ptr<DtlsTransport>> Create(Runtime& runtime,
                                                       session::SecureTransportConfig config,
                                                       Callbacks callbacks,
                                                       Random* random = nullptr);
  // Sends close_notify and releases TURN allocations (best effort), closes the sockets, on the
  // network thread, waiting for it. Allowed from inside a callback.
  ~DtlsTransport();
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  ice::Credentials local_credentials() const;
  // sha-256 of our certificate, for a=fingerprint.
  dtls::Fingerprint local_fingerprint() const;
  std::vector<SocketAddress> local_addresses() const;

  // ICE, as IceTransport.
  void Start();
  Result<void> SetRemoteCredentials(ice::Credentials remote);
  void AddRemoteCandidate(ice::Candidate candidate);
  Result<void> AddRemoteCandidate(std::string_view sdp_candidate);
  void EndOfRemoteCandidates();
  // The peer's a=sctp-port / a=max-message-size (before DTLS connects).
  void SetRemoteSctpParameters(uint16_t remote_port, size_t remote_max_message_size);
  // The ICE role from offer/answer (the offerer controls); see ice::Agent::SetRole.
  void SetIceRole(ice::Role role);
  // New local credentials (`local`, or generated), returned. SyntaxError for malformed ones.
  Result<ice::Credentials> RestartIce(std::optional<ice::Credentials> local = std::nullopt);

  // DTLS in `role` (a=setup); fingerprints may follow with SetRemoteFingerprints.
  // InvalidStateError when already started or closed (checked on the network thread).
  Result<void> StartDtls(dtls::Role role, std::vector<dtls::Fingerprint> remote_fingerprints);
  Result<void> SetRemoteFingerprints(std::vector<dtls::Fingerprint> fingerprints);

  // RTCPeerConnection.createDataChannel: validation errors at once (TypeError, OperationError,
  // InvalidStateError as datachannel::Transport::CreateChannel), then the channel opens once
  // SCTP is up (in-band through DCEP, or at once when negotiated). Waits for the network thread.
  Result<std::shared_ptr<SctpDataChannel>> CreateDataChannel(
      std::string label, datachannel::ChannelInit init = {},
      SctpDataChannel::Callbacks callbacks = {});

  // Protect and send / send over DTLS, from the network thread. InvalidStateError at once when
  // the keys (resp. the DTLS connection) do not exist (yet, or any more); a later refusal is
  // counted in Stats::sends_refused, like loss.
  Result<void> SendRtp(Bytes packet);
  Result<void> SendRtcp(Bytes packet);
  Result<void> SendData(ByteView data);

  // close_notify, then ICE closes; the sockets stay open until destruction.
  void Close();

  // A snapshot, taken on the network thread (waits for it).
  Stats GetStats() const;

  // The implementation (shared with the tasks it posts and its data channels' links).
  struct Core;

 private:
  explicit DtlsTransport(std::shared_ptr<Core> core);

  std::shared_ptr<Core> core_;
};

}  // namespace parley
