// createOffer (JSEP §5.2) and createAnswer (JSEP §5.3).
#include <algorithm>

#include "ice/credentials.h"
#include "jsep/codec_negotiation.h"
#include "jsep/media_section.h"
#include "jsep/negotiator.h"
#include "sdp/attributes.h"

namespace parley::jsep {
namespace {

using internal::MLine;
using internal::SectionKind;
using internal::State;
using internal::StoredDescription;

constexpr std::string_view kRtpProto = "UDP/TLS/RTP/SAVPF";  // JSEP §5.1.2
constexpr std::string_view kDataProto = "UDP/DTLS/SCTP";     // RFC 8841 §4.1
constexpr std::string_view kLegacyDataProto = "DTLS/SCTP";   // draft-ietf-mmusic-sctp-sdp-05

// The transport attributes every accepted m-section carries (JSEP §5.2.1: all of them, so a
// peer that does not do BUNDLE still finds each complete).
struct LocalTransport {
  ice::Credentials credentials;
  const std::vector<dtls::Fingerprint>& fingerprints;
  dtls::Setup setup;
};

sdp::MediaDescription NewSection(std::string media, uint16_t port, std::string proto) {
  sdp::MediaDescription section;
  section.media = std::move(media);
  section.port = port;
  section.proto = std::move(proto);
  section.connection = sdp::Connection{};  // c=IN IP4 0.0.0.0 (JSEP §5.2.1)
  return section;
}

// JSEP §5.2.2 / §5.3.1: port 0, the m= line as it was and the mid, nothing else.
sdp::MediaDescription RejectedSection(const std::string& media, const std::string& proto,
                                      const std::vector<std::string>& formats,
                                      const std::string& mid) {
  sdp::MediaDescription section = NewSection(media, 0, proto);
  section.formats = formats.empty() ? std::vector<std::string>{"0"} : formats;
  if (!mid.empty()) section.Add("mid", mid);
  return section;
}

struct RtpSection {
  const Transceiver& transceiver;
  const internal::TransceiverExtras& extras;
  std::string mid;
  std::string proto;
  Direction direction;
  std::vector<NegotiatedCodec> codecs;
  std::vector<NegotiatedExtension> extensions;
  bool rtcp_rsize = true;
};

sdp::MediaDescription WriteRtpSection(const RtpSection& plan, const LocalTransport& transport,
                                      const std::string& cname) {
  const Transceiver& transceiver = plan.transceiver;
  sdp::MediaDescription section =
      NewSection(std::string(ToString(transceiver.kind)), 9, plan.proto);
  section.Add("rtcp", "9 IN IP4 0.0.0.0");
  WriteTransport(section, transport.credentials, transport.fingerprints, transport.setup);
  section.Add("mid", plan.mid);
  WriteExtensions(section, plan.extensions);
  sdp::SetDirection(section, ToSdp(plan.direction));
  // JSEP §5.2.1: the sender's msid and SSRCs whenever the transceiver wants to send (even when
  // the answer's direction cannot), so its streams are known once it may.
  const bool sending = HasSend(transceiver.direction);
  LocalSender sender{transceiver.stream_ids, transceiver.track_id.value_or(plan.extras.sender_id),
                     transceiver.ssrc, std::nullopt, cname};
  bool rtx = std::any_of(plan.codecs.begin(), plan.codecs.end(),
                         [](const NegotiatedCodec& c) { return c.rtx_payload_type.has_value(); });
  if (rtx) sender.rtx_ssrc = transceiver.rtx_ssrc;
  if (sending) WriteMsid(section, sender);
  section.Add("rtcp-mux");
  if (plan.rtcp_rsize) section.Add("rtcp-rsize");
  WriteCodecs(section, plan.codecs);
  if (sending) WriteSsrcs(section, sender);
  return section;
}

sdp::MediaDescription WriteDataSection(const std::string& mid, const std::string& proto,
                                       const LocalTransport& transport, const Config& config) {
  sdp::MediaDescription section = NewSection("application", 9, proto);
  const std::string port = std::to_string(config.sctp_port);
  section.formats = {proto == kLegacyDataProto ? port : "webrtc-datachannel"};
  WriteTransport(section, transport.credentials, transport.fingerprints, transport.setup);
  section.Add("mid", mid);
  if (proto == kLegacyDataProto) {
    section.Add("sctpmap", port + " webrtc-datachannel 65535");  // answering the old form in kind
  } else {
    section.Add("sctp-port", port);
  }
  section.Add("max-message-size", std::to_string(config.max_message_size));
  return section;
}

// The smallest number not used as a mid yet.
std::string NextMid(const std::set<std::string>& used, const std::vector<std::string>& planned) {
  for (size_t n = 0;; ++n) {
    std::string mid = std::to_string(n);
    if (!used.count(mid) && std::find(planned.begin(), planned.end(), mid) == planned.end())
      return mid;
  }
}

Direction SectionDirection(const sdp::MediaDescription& media) {
  return FromSdp(sdp::DirectionOf(media).value_or(sdp::Direction::kSendRecv));
}

sdp::SessionDescription NewSession() {
  sdp::SessionDescription description;
  description.origin.username = "-";
  description.origin.address = "127.0.0.1";
  return description;
}

void AddSessionAttributes(sdp::SessionDescription& description,
                          const std::vector<std::string>& bundle, bool extmap_allow_mixed) {
  if (!bundle.empty()) description.Add("group", sdp::Group{"BUNDLE", bundle}.ToString());
  if (extmap_allow_mixed) description.Add("extmap-allow-mixed");  // RFC 8285 §6
  description.Add("msid-semantic", " WMS");                       // as browsers write it
}

std::string StateError(std::string_view call, SignalingState state) {
  return std::string(call) + " is not allowed in signaling state '" + std::string(ToString(state)) +
         "'";
}

}  // namespace

std::string Negotiator::Finish(sdp::SessionDescription& description) {
  description.origin.session_id = std::to_string(session_id_);
  description.origin.session_version = 0;
  std::string body = sdp::Write(description);
  if (body != last_created_body_) {
    if (!last_created_body_.empty()) ++session_version_;
    last_created_body_ = std::move(body);
  }
  description.origin.session_version = session_version_;
  return sdp::Write(description);
}

Result<std::string> Negotiator::CreateOffer(const OfferOptions& options,
                                            std::optional<ice::Credentials> restart_credentials) {
  const SignalingState signaling = state_.signaling;
  if (signaling != SignalingState::kStable && signaling != SignalingState::kHaveLocalOffer)
    return InvalidStateError(StateError("createOffer", signaling));
  if (config_.local_fingerprints.empty())
    return OperationError("createOffer: no local certificate fingerprint");

  // JSEP §5.2.1 / RFC 8839 §4.4.1.1.1: an ICE restart offers new credentials.
  std::optional<ice::Credentials> next_credentials = state_.next_local_credentials;
  if (restart_credentials) {
    if (auto valid = ice::ValidateCredentials(*restart_credentials); !valid) return valid.error();
    next_credentials = restart_credentials;
  }
  const bool restart = options.ice_restart || state_.ice_restart_requested || restart_credentials;
  if (restart && !next_credentials) next_credentials = ice::GenerateCredentials(random_);
  const LocalTransport transport{restart ? *next_credentials : LocalCredentials(state_),
                                 config_.local_fingerprints, dtls::Setup::kActpass};

  const StoredDescription* known[] = {state_.current_local ? &*state_.current_local : nullptr,
                                      state_.pending_local ? &*state_.pending_local : nullptr,
                                      state_.current_remote ? &*state_.current_remote : nullptr,
                                      state_.pending_remote ? &*state_.pending_remote : nullptr};
  std::vector<const sdp::SessionDescription*> descriptions;
  for (const StoredDescription* stored : known)
    if (stored) descriptions.push_back(&stored->sdp);
  OfferNumbering numbering(descriptions);

  sdp::SessionDescription offer = NewSession();
  std::vector<std::string> bundle;
  std::vector<std::string> planned_mids;
  std::map<TransceiverId, size_t> offered_indexes;
  std::optional<size_t> data_index;

  auto add_rtp = [&](const Transceiver& transceiver, const std::string& mid,
                     const std::string& proto) {
    const internal::TransceiverExtras& extras = state_.extras.at(transceiver.id);
    const std::vector<CodecCapability>& preferences =
        extras.codec_preferences.empty() ? config_.capabilities.codecs(transceiver.kind)
                                         : extras.codec_preferences;
    RtpSection plan{transceiver,
                    extras,
                    mid,
                    proto,
                    transceiver.direction,
                    numbering.Codecs(preferences),
                    numbering.Extensions(config_.capabilities.extensions, transceiver.kind)};
    offer.media.push_back(WriteRtpSection(plan, transport, config_.cname));
    bundle.push_back(mid);
  };

  // JSEP §5.2.2: the m-sections negotiated so far, in place, with their mids.
  bool live_data_section = false;
  for (const MLine& line : state_.mlines) {
    const Transceiver* transceiver =
        line.transceiver ? internal::FindTransceiver(state_, *line.transceiver) : nullptr;
    bool live = !line.rejected;
    if (line.kind == SectionKind::kAudio || line.kind == SectionKind::kVideo)
      live = live && transceiver && !transceiver->stopping && !transceiver->stopped;
    if (line.kind == SectionKind::kUnsupported) live = false;
    if (!live) {
      offer.media.push_back(RejectedSection(line.media, line.proto, line.formats, line.mid));
    } else if (line.kind == SectionKind::kData) {
      offer.media.push_back(WriteDataSection(line.mid, line.proto, transport, config_));
      bundle.push_back(line.mid);
      live_data_section = true;
    } else {
      add_rtp(*transceiver, line.mid, line.proto);
    }
  }
  // New transceivers, in the order they were added (JSEP §5.2.1), then the data section.
  std::vector<const Transceiver*> fresh;
  for (const Transceiver& transceiver : state_.transceivers)
    if (!transceiver.mid && !transceiver.stopping && !transceiver.stopped)
      fresh.push_back(&transceiver);
  std::sort(fresh.begin(), fresh.end(), [](auto* a, auto* b) { return a->id < b->id; });
  for (const Transceiver* transceiver : fresh) {
    std::string mid = NextMid(state_.used_mids, planned_mids);
    planned_mids.push_back(mid);
    offered_indexes[transceiver->id] = offer.media.size();
    add_rtp(*transceiver, mid, std::string(kRtpProto));
  }
  if (state_.data_requested && !live_data_section) {
    std::string mid = NextMid(state_.used_mids, planned_mids);
    data_index = offer.media.size();
    offer.media.push_back(WriteDataSection(mid, std::string(kDataProto), transport, config_));
    bundle.push_back(mid);
  }
  AddSessionAttributes(offer, bundle, true);

  // Committed only now that nothing can fail.
  for (auto& [id, extras] : state_.extras) {
    auto offered = offered_indexes.find(id);
    extras.offered_mline_index =
        offered == offered_indexes.end() ? std::nullopt : std::optional(offered->second);
  }
  state_.data_offered_mline_index = data_index;
  if (restart) state_.next_local_credentials = next_credentials;
  return Finish(offer);
}

Result<std::string> Negotiator::CreateAnswer() {
  const SignalingState signaling = state_.signaling;
  if (signaling != SignalingState::kHaveRemoteOffer &&
      signaling != SignalingState::kHaveLocalPranswer)
    return InvalidStateError(StateError("createAnswer", signaling));
  if (config_.local_fingerprints.empty())
    return OperationError("createAnswer: no local certificate fingerprint");
  const sdp::SessionDescription& offer = state_.pending_remote->sdp;

  // RFC 8839 §4.4.1.1.1: when the offer restarts ICE, the answer does too.
  std::optional<ice::Credentials> offered = internal::TransportCredentials(offer);
  std::optional<ice::Credentials> previous;
  if (state_.current_remote) previous = internal::TransportCredentials(state_.current_remote->sdp);
  const bool restart =
      offered && previous && *offered != *previous && signaling == SignalingState::kHaveRemoteOffer;
  std::optional<ice::Credentials> next_credentials = state_.next_local_credentials;
  if (restart && !next_credentials) next_credentials = ice::GenerateCredentials(random_);

  // RFC 8842 §5.3: keep an established DTLS role; otherwise answer the offer's a=setup (actpass:
  // active, as browsers do).
  dtls::Setup setup = dtls::Setup::kActive;
  if (state_.dtls_role) {
    setup = *state_.dtls_role == dtls::Role::kClient ? dtls::Setup::kActive : dtls::Setup::kPassive;
  } else if (std::optional<size_t> tag = TransportSection(offer)) {
    std::string_view value =
        offer.media[*tag].Value("setup").value_or(offer.Value("setup").value_or(""));
    if (std::optional<dtls::Setup> offered_setup = dtls::ParseSetup(value))
      setup = dtls::AnswerSetup(*offered_setup).value_or(dtls::Setup::kActive);
  }
  const LocalTransport transport{restart ? *next_credentials : LocalCredentials(state_),
                                 config_.local_fingerprints, setup};

  const std::optional<sdp::Group> group = BundleGroup(offer);
  sdp::SessionDescription answer = NewSession();
  std::vector<std::string> accepted_mids;
  bool extmap_allow_mixed = offer.Has("extmap-allow-mixed");
  for (size_t i = 0; i < offer.media.size(); ++i) {
    const sdp::MediaDescription& offered_section = offer.media[i];
    const MLine& line = state_.mlines[i];
    extmap_allow_mixed = extmap_allow_mixed || offered_section.Has("extmap-allow-mixed");
    bool accept = !IsRejected(offered_section) && line.kind != SectionKind::kUnsupported;
    // One transport: the offer's BUNDLE group, or without one its first acceptable section.
    if (group)
      accept = accept &&
               std::find(group->mids.begin(), group->mids.end(), line.mid) != group->mids.end();
    else
      accept = accept && accepted_mids.empty();

    if (accept && line.kind == SectionKind::kData) {
      answer.media.push_back(WriteDataSection(line.mid, offered_section.proto, transport, config_));
      accepted_mids.push_back(line.mid);
      continue;
    }
    const Transceiver* transceiver =
        line.transceiver ? internal::FindTransceiver(state_, *line.transceiver) : nullptr;
    accept = accept && transceiver && !transceiver->stopping && !transceiver->stopped;
    if (accept) {
      const internal::TransceiverExtras& extras = state_.extras.at(transceiver->id);
      const std::vector<CodecCapability>& preferences =
          extras.codec_preferences.empty() ? config_.capabilities.codecs(transceiver->kind)
                                           : extras.codec_preferences;
      RtpSection plan{*transceiver,
                      extras,
                      line.mid,
                      offered_section.proto,
                      AnswerDirection(transceiver->direction, SectionDirection(offered_section)),
                      AnswerCodecs(ReadCodecs(offered_section), preferences),
                      AnswerExtensions(ReadExtensions(offered_section),
                                       config_.capabilities.extensions, transceiver->kind),
                      offered_section.Has("rtcp-rsize")};
      // JSEP §5.3.1: no codec in common rejects the m-section.
      if (!plan.codecs.empty()) {
        answer.media.push_back(WriteRtpSection(plan, transport, config_.cname));
        accepted_mids.push_back(line.mid);
        continue;
      }
    }
    answer.media.push_back(RejectedSection(offered_section.media, offered_section.proto,
                                           offered_section.formats, MidOf(offered_section)));
  }

  std::vector<std::string> bundle;
  if (group)
    for (const std::string& mid : group->mids)
      if (std::find(accepted_mids.begin(), accepted_mids.end(), mid) != accepted_mids.end())
        bundle.push_back(mid);
  AddSessionAttributes(answer, bundle, extmap_allow_mixed);

  if (restart) state_.next_local_credentials = next_credentials;
  return Finish(answer);
}

}  // namespace parley::jsep
