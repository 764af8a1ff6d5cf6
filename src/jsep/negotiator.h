// JSEP (RFC 8829, Unified Plan): the offer/answer state machine of one RTCPeerConnection. It
// writes our offers and answers, validates and applies descriptions (both sides), keeps the
// transceivers, their m-sections and mids, and says what each applied description changed. It
// opens nothing: the PeerConnection drives it from one thread and acts on what it returns
// (Applied): it owns the ICE agent, the DTLS endpoint and SCTP, and starts or restarts them.
//
//   jsep::Negotiator alice(config, random);
//   alice.AddTransceiver(jsep::MediaKind::kAudio, {.stream_ids = {"s"}, .track_id = "mic"});
//   alice.RequestDataChannel();
//   std::string offer = alice.CreateOffer({}).value();
//   alice.SetLocalDescription(jsep::SdpType::kOffer, offer);   // Applied: ice_role controlling
//   ... bob.SetRemoteDescription(kOffer, offer); answer = bob.CreateAnswer(); ...
//   jsep::Applied done = alice.SetRemoteDescription(jsep::SdpType::kAnswer, answer).value();
//   // done.remote_transport, done.dtls_role (kServer: bob answered active), done.sctp
//
// Every call either succeeds or changes nothing (state, transceivers, descriptions). Errors
// carry the W3C names: InvalidStateError for a call in the wrong signaling state (the message
// names the call and the state), SyntaxError for SDP or candidates that do not parse (the SDP
// parser names the line), InvalidAccessError for a remote description that does not fit (a
// missing ice-ufrag/ice-pwd/fingerprint/setup in the BUNDLE tag's m-section, an answer that
// does not match its offer, a=setup:actpass in an answer), InvalidModificationError for a local
// description that is not one we could have created, TypeError and OperationError where the
// W3C says so.
//
// Choices, where RFC 8829 and the W3C leave room or where this differs from them:
//  - BUNDLE (RFC 8843): we have one transport. Our offers put every m-section that is not
//    rejected in one BUNDLE group and write the transport attributes in each of them, for
//    every BundlePolicy (kBalanced, kMaxCompat and kMaxBundle write the same offers and
//    answers; only the PeerConnection's candidate gathering could differ). Answering, we
//    accept the m-sections of the offer's first BUNDLE group and reject those outside it; an
//    offer without BUNDLE gets its first acceptable m-section accepted and the others
//    rejected. A peer that answers without BUNDLE has its first accepted m-section's transport
//    used; its other m-sections are negotiated but have no transport of their own.
//  - Glare: setRemoteDescription(offer) in have-local-offer is an InvalidStateError, not an
//    implicit rollback; the caller rolls back first (as "perfect negotiation" does explicitly).
//    createOffer is refused (InvalidStateError) in the states where its offer could not be
//    applied (have-remote-offer, have-local-pranswer, have-remote-pranswer).
//  - ICE restart: CreateOffer({.ice_restart = true}, creds) offers `creds` (or those given to
//    RestartIce(), or, given neither, fresh ones from our Random). A remote offer that restarts
//    ICE (remote_ice_restart) makes CreateAnswer use new credentials too (RFC 8839 §4.4.1.1.1):
//    those given to RestartIce() before it, else fresh ones from our Random. Either way, the
//    SetLocalDescription that puts them in effect reports local_ice_restart and the credentials
//    (Applied::local_credentials), and so does a rollback that takes them back.
//  - Recycling (JSEP §5.10): a remote offer's m-section without a transceiver takes the first
//    unassociated transceiver of its kind that is not stopping, if the m-section is sendrecv
//    or recvonly (JSEP asks also that addTrack made it; we do not know that here); otherwise a
//    new recvonly transceiver is created (created_by_remote). We never reuse a rejected
//    m-section for a new transceiver in our offers (new ones go at the end); we accept a peer's
//    offer that does.
//  - Stopped transceivers keep their m-section, rejected (port 0, JSEP §5.2.2), and stay in
//    transceivers() with stopped = true (webrtc-pc removes them from getTransceivers(); the
//    PeerConnection filters).
//  - Codecs: the answer takes the intersection in OUR order (or the transceiver's codec
//    preferences) under the offerer's payload types; see codec_negotiation.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/random.h"
#include "dtls/fingerprint.h"
#include "dtls/setup_role.h"
#include "ice/agent_types.h"
#include "ice/candidate.h"
#include "jsep/capabilities.h"
#include "jsep/negotiator_state.h"
#include "jsep/transceiver.h"
#include "jsep/transport.h"
#include "jsep/types.h"
#include "parley/result.h"

namespace parley::jsep {

// RTCBundlePolicy. See "BUNDLE" above: all three negotiate alike here.
enum class BundlePolicy { kBalanced, kMaxCompat, kMaxBundle };

// What one applied description changed; the PeerConnection acts on it.
struct Applied {
  SignalingState signaling_state = SignalingState::kStable;
  // Each successful SetRemoteDescription (offer, pranswer or answer): the BUNDLE tag's
  // transport (absent when every m-section is rejected). Also on SetLocalDescription(answer)
  // when our answer rejected the offer's tag, which moves the transport to the first mid we
  // accepted (RFC 8843 §7.3.1).
  std::optional<TransportParameters> remote_transport{};
  // The remote ice-ufrag/ice-pwd differ from the previous remote description's (RFC 8839
  // §4.4.1.1.1): restart the ICE agent's remote side.
  bool remote_ice_restart = false;
  // Our credentials changed (an ICE-restart offer or answer applied, or rolled back); they are
  // in local_credentials: restart the ICE agent with them and drop candidates gathered before.
  bool local_ice_restart = false;
  std::optional<ice::Credentials> local_credentials{};
  // Set by the first description applied: the offerer is controlling, the answerer controlled
  // (RFC 8445 §6.1.1, JSEP §3.5.1), except that a full agent facing an ice-lite one controls.
  std::optional<ice::Role> ice_role{};
  // Whenever an answer or pranswer is applied: our DTLS role from the two a=setup values (RFC
  // 8842 §5: the actpass side of an actpass/active pair is the server).
  std::optional<dtls::Role> dtls_role{};
  // Whenever an answer or pranswer is applied with m=application accepted.
  std::optional<SctpParameters> sctp{};
  // webrtc-pc "ontrack": transceivers whose remote side now sends to us (its m-section's
  // direction from the remote's point of view includes send), and those whose remote side no
  // longer does (or which a rollback or a rejection took away).
  std::vector<TransceiverId> new_remote_tracks{};
  std::vector<TransceiverId> removed_remote_tracks{};
  // Transceivers whose m-section this description rejected (now stopped).
  std::vector<TransceiverId> stopped_transceivers{};
  bool negotiation_complete = false;  // back to stable through an answer
};

struct OfferOptions {
  bool ice_restart = false;
};

struct Config {
  // Our initial ICE ufrag/pwd (the PeerConnection's agent uses the same); generated when empty.
  ice::Credentials local_credentials{};
  std::vector<dtls::Fingerprint> local_fingerprints{};
  BundlePolicy bundle_policy = BundlePolicy::kMaxBundle;
  Capabilities capabilities = DefaultCapabilities();
  uint16_t sctp_port = 5000;
  size_t max_message_size = 262144;
  std::string cname{};  // RTCP CNAME (RFC 7022): 16 random characters when empty
};

class Negotiator {
 public:
  Negotiator(Config config, Random& random);

  // addTransceiver / addTrack. A direction of kStopped is taken as kInactive (the W3C throws a
  // TypeError first). Random SSRCs are drawn for the sender.
  TransceiverId AddTransceiver(MediaKind kind, TransceiverInit init = {});
  // RTCRtpTransceiver.direction. TypeError for kStopped (use StopTransceiver), InvalidStateError
  // for a stopping or stopped transceiver or when closed, InvalidAccessError for an unknown id.
  Result<void> SetDirection(TransceiverId id, Direction direction);
  // addTrack/removeTrack/replaceTrack on the sender: its track (the msid track id) and streams.
  // Direction changes that go with addTrack/removeTrack are the caller's (SetDirection).
  Result<void> SetSenderTrack(TransceiverId id, std::optional<std::string> track_id,
                              std::vector<std::string> stream_ids);
  // RTCRtpTransceiver.stop(): direction kStopped, rejected in the next offer or answer, stopped
  // once that is applied (at once if it never had an m-section).
  Result<void> StopTransceiver(TransceiverId id);
  // InvalidModificationError for a codec not in our capabilities (of the transceiver's kind);
  // "rtx" entries are accepted and ignored (RTX follows each codec's capability). Empty
  // restores the capabilities' order. Takes effect in the next offer or answer.
  Result<void> SetCodecPreferences(TransceiverId id, std::vector<CodecCapability> codecs);
  // The first createDataChannel: an m=application is needed.
  void RequestDataChannel();
  // restartIce(): the next offer uses `next_local` (and negotiation is needed).
  void RestartIce(ice::Credentials next_local);

  // JSEP §5.2. InvalidStateError when closed or in a state where the offer could not be applied.
  Result<std::string> CreateOffer(const OfferOptions& options,
                                  std::optional<ice::Credentials> restart_credentials = {});
  // JSEP §5.3. InvalidStateError unless have-remote-offer or have-local-pranswer.
  Result<std::string> CreateAnswer();
  // An empty `sdp` is the implicit form (webrtc-pc setLocalDescription()): an offer in stable
  // and have-local-offer, an answer (a pranswer if `type` is kPranswer) in have-remote-offer and
  // have-local-pranswer. kRollback ignores `sdp`.
  Result<Applied> SetLocalDescription(SdpType type, std::string_view sdp);
  Result<Applied> SetRemoteDescription(SdpType type, std::string_view sdp);

  // addIceCandidate (webrtc-pc §4.4.1.5). `candidate` is "candidate:..." (with or without
  // "a="); empty means end-of-candidates (of the m-section, or of all when mid and index are
  // both null). Returns the parsed candidate for the ICE agent, or nullopt when there is
  // nothing to add: end-of-candidates (recorded in the remote description), a candidate for a
  // rejected m-section or one outside the BUNDLE group we use, or one whose ufrag belongs to an
  // earlier remote description (an old ICE generation) or to another m-section. Accepted
  // candidates are recorded in the remote description's m-section.
  // Errors: InvalidStateError when closed or without a remote description (the PeerConnection
  // queues candidates until then); TypeError for a candidate with neither mid nor index;
  // OperationError for an unknown mid, an index out of range or a ufrag no remote description
  // ever had; SyntaxError for a candidate that does not parse.
  Result<std::optional<ice::Candidate>> AddRemoteCandidate(
      std::string_view candidate, std::optional<std::string> sdp_mid,
      std::optional<int> sdp_mline_index, std::optional<std::string> username_fragment);

  // Where a gathered local candidate is signalled (the BUNDLE tag's m-section); it is recorded
  // in the local description (a=candidate), as localDescription shows them. nullopt before a
  // local description exists (the PeerConnection gathers after setLocalDescription).
  struct CandidateLocation {
    std::string mid;
    int mline_index = 0;
    bool operator==(const CandidateLocation&) const = default;
  };
  std::optional<CandidateLocation> AddLocalCandidate(const ice::Candidate& candidate);
  // Gathering completed: a=end-of-candidates in the local description.
  void SetLocalEndOfCandidates();

  // Every later call fails with InvalidStateError; transceivers are stopped.
  void Close();

  SignalingState signaling_state() const { return state_.signaling; }
  // webrtc-pc §4.7.3 "check if negotiation is needed": false unless stable; true while a
  // transceiver, its direction or streams, a stop, a data channel or restartIce() is not yet
  // reflected in the current descriptions.
  bool negotiation_needed() const;

  struct Description {
    SdpType type = SdpType::kOffer;
    std::string sdp;
    bool operator==(const Description&) const = default;
  };
  // pending ?: current, with the candidates gathered (local) or added (remote) since.
  std::optional<Description> local_description() const;
  std::optional<Description> remote_description() const;
  std::optional<Description> current_local_description() const;
  std::optional<Description> pending_local_description() const;
  std::optional<Description> current_remote_description() const;
  std::optional<Description> pending_remote_description() const;

  // In m-line order, then those without an m-section (in the order they were added).
  const std::vector<Transceiver>& transceivers() const { return state_.transceivers; }
  // nullptr for an unknown id; valid until the next call that changes the Negotiator.
  const Transceiver* transceiver(TransceiverId id) const;
  // The data channel m-section as negotiated (an answer applied with it accepted).
  std::optional<SctpParameters> sctp() const { return state_.sctp; }
  bool has_data_channel_section() const { return state_.sctp.has_value(); }
  // The ICE credentials in effect (those of the latest local description; Config's before).
  ice::Credentials local_credentials() const;
  const Config& config() const { return config_; }

 private:
  Result<Applied> Apply(bool local, SdpType type, std::string_view sdp);
  Result<void> ApplyLocalOffer(internal::State& next, sdp::SessionDescription description);
  Result<void> ApplyLocalAnswer(internal::State& next, SdpType type,
                                sdp::SessionDescription description, Applied& applied);
  Result<void> ApplyRemoteOffer(internal::State& next, sdp::SessionDescription description,
                                Applied& applied);
  Result<void> ApplyRemoteAnswer(internal::State& next, SdpType type,
                                 sdp::SessionDescription description, Applied& applied);
  Result<void> Complete(internal::State& next, const sdp::SessionDescription& local,
                        const sdp::SessionDescription& remote, bool local_is_answer,
                        Applied& applied) const;
  Result<Applied> Rollback(std::string_view call);
  // Fills `applied` with what differs between `before` and `after` (tracks, stops, roles,
  // credentials) and resets what new local credentials make stale.
  void ReportChanges(const internal::State& before, internal::State& after, bool rollback,
                     Applied& applied) const;

  // Sets the o= line (session id, version) and writes the description.
  std::string Finish(sdp::SessionDescription& description);
  TransceiverId CreateTransceiver(internal::State& state, MediaKind kind, TransceiverInit init);

  Description Render(const internal::StoredDescription& stored, bool local) const;
  ice::Credentials LocalCredentials(const internal::State& state) const;

  Config config_;
  Random& random_;
  internal::State state_;
  TransceiverId next_transceiver_id_ = 1;
  // RFC 3264 §5 / §8: one session id for the session; the version goes up with every
  // description we create that differs from the previous one.
  uint64_t session_id_ = 0;
  uint64_t session_version_ = 1;
  std::string last_created_body_{};
};

}  // namespace parley::jsep
