// Answers to the offers of real stacks: an aiortc-style and a Chromium-style offer written out
// here, with the exact answers we must give (the o= line aside), and every offer and answer
// captured from Chromium, Firefox, aiortc, GStreamer and Pion in tests/sdp/fixtures/.
#include <gtest/gtest.h>

#include "jsep/media_section.h"
#include "negotiation_harness.h"

namespace parley::jsep {
namespace {

using namespace testing;

std::string Crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// The o= line carries a random session id; everything else must match byte for byte.
std::string WithoutOrigin(std::string text) {
  size_t begin = text.find("\r\no=");
  size_t end = text.find("\r\n", begin + 2);
  return text.erase(begin + 2, end - begin);  // the line and its CRLF
}

// aiortc 1.4 as it offers: a different ice-ufrag in every m-section, candidates and
// end-of-candidates inside (no trickle), "a=msid-semantic:WMS *", the pre-RFC 8841 data
// section "DTLS/SCTP 5000" with a=sctpmap, rtcp-fb without transport-cc, H264 we do not
// support, and (aiortc's bug) two extmap lines with id 1 in the audio section.
constexpr std::string_view kAiortcStyleOffer = R"(v=0
o=- 3853216218 3853216218 IN IP4 0.0.0.0
s=-
t=0 0
a=group:BUNDLE 0 1 2
a=msid-semantic:WMS *
m=audio 52318 UDP/TLS/RTP/SAVPF 96 0 8
c=IN IP4 127.0.0.1
a=sendrecv
a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=mid:0
a=msid:4c9a2f0e-stream 7d1e-audio-track
a=rtcp:9 IN IP4 0.0.0.0
a=rtcp-mux
a=ssrc:1905620676 cname:67298404-f29c-4e26-a463-d363f7ae38c3
a=rtpmap:96 opus/48000/2
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=candidate:f957a2332b1715da3b0ef8ba684454eb 1 udp 2130706431 127.0.0.1 52318 typ host
a=candidate:a0bcf3d9c29a2bc887618212a1623bfa 1 udp 1694498815 192.0.2.9 52318 typ srflx raddr 127.0.0.1 rport 52318
a=end-of-candidates
a=ice-ufrag:lImG
a=ice-pwd:8Gc6wRPZy9k46DK1tpqceF
a=fingerprint:sha-256 0E:EA:89:63:88:73:69:C0:34:18:AD:CF:49:5C:E2:41:0C:3D:08:14:61:6B:B2:24:91:D5:6D:50:AB:88:CF:84
a=setup:actpass
m=video 52319 UDP/TLS/RTP/SAVPF 97 98 99 100
c=IN IP4 127.0.0.1
a=sendrecv
a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=mid:1
a=msid:4c9a2f0e-stream 8e2f-video-track
a=rtcp:9 IN IP4 0.0.0.0
a=rtcp-mux
a=ssrc-group:FID 4031537030 127869527
a=ssrc:4031537030 cname:67298404-f29c-4e26-a463-d363f7ae38c3
a=ssrc:127869527 cname:67298404-f29c-4e26-a463-d363f7ae38c3
a=rtpmap:97 VP8/90000
a=rtcp-fb:97 nack
a=rtcp-fb:97 nack pli
a=rtcp-fb:97 goog-remb
a=rtpmap:98 rtx/90000
a=fmtp:98 apt=97
a=rtpmap:99 H264/90000
a=rtcp-fb:99 nack
a=rtcp-fb:99 nack pli
a=rtcp-fb:99 goog-remb
a=fmtp:99 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f
a=rtpmap:100 rtx/90000
a=fmtp:100 apt=99
a=candidate:f957a2332b1715da3b0ef8ba684454eb 1 udp 2130706431 127.0.0.1 52319 typ host
a=end-of-candidates
a=ice-ufrag:S5or
a=ice-pwd:loVo9AxZwZBjCYgu7TGnJ8
a=fingerprint:sha-256 0E:EA:89:63:88:73:69:C0:34:18:AD:CF:49:5C:E2:41:0C:3D:08:14:61:6B:B2:24:91:D5:6D:50:AB:88:CF:84
a=setup:actpass
m=application 52320 DTLS/SCTP 5000
c=IN IP4 127.0.0.1
a=mid:2
a=sctpmap:5000 webrtc-datachannel 65535
a=max-message-size:65536
a=candidate:f957a2332b1715da3b0ef8ba684454eb 1 udp 2130706431 127.0.0.1 52320 typ host
a=end-of-candidates
a=ice-ufrag:Qr9i
a=ice-pwd:dXrytIpiPqxqIkKz1ntCCt
a=fingerprint:sha-256 0E:EA:89:63:88:73:69:C0:34:18:AD:CF:49:5C:E2:41:0C:3D:08:14:61:6B:B2:24:91:D5:6D:50:AB:88:CF:84
a=setup:actpass
)";

constexpr std::string_view kAnswerToAiortcStyleOffer = R"(v=0
s=-
t=0 0
a=group:BUNDLE 0 1 2
a=msid-semantic: WMS
m=audio 9 UDP/TLS/RTP/SAVPF 96
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:bobufrag
a=ice-pwd:bobpasswordbobpasswordbobpw
a=ice-options:trickle
a=fingerprint:sha-256 B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2
a=setup:active
a=mid:0
a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:2 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=recvonly
a=rtcp-mux
a=rtpmap:96 opus/48000/2
a=fmtp:96 minptime=10;useinbandfec=1
m=video 9 UDP/TLS/RTP/SAVPF 97 98
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:bobufrag
a=ice-pwd:bobpasswordbobpasswordbobpw
a=ice-options:trickle
a=fingerprint:sha-256 B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2
a=setup:active
a=mid:1
a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=recvonly
a=rtcp-mux
a=rtpmap:97 VP8/90000
a=rtcp-fb:97 goog-remb
a=rtcp-fb:97 nack
a=rtcp-fb:97 nack pli
a=rtpmap:98 rtx/90000
a=fmtp:98 apt=97
m=application 9 DTLS/SCTP 5000
c=IN IP4 0.0.0.0
a=ice-ufrag:bobufrag
a=ice-pwd:bobpasswordbobpasswordbobpw
a=ice-options:trickle
a=fingerprint:sha-256 B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2
a=setup:active
a=mid:2
a=sctpmap:5000 webrtc-datachannel 65535
a=max-message-size:262144
)";

TEST(JsepFixtures, AiortcStyleOfferGetsTheExactAnswer) {
  Pair p;
  Applied received = Must(p.bob->SetRemoteDescription(SdpType::kOffer, Crlf(kAiortcStyleOffer)));
  // The BUNDLE tag's (mid 0) credentials and candidates; the others' are not ours to use.
  ASSERT_TRUE(received.remote_transport);
  const TransportParameters& transport = *received.remote_transport;
  EXPECT_EQ(transport.remote_credentials, (ice::Credentials{"lImG", "8Gc6wRPZy9k46DK1tpqceF"}));
  ASSERT_EQ(transport.remote_candidates.size(), 2u);
  EXPECT_EQ(transport.remote_candidates[0].port, 52318);
  EXPECT_EQ(transport.remote_candidates[1].related_port, 52318);
  EXPECT_TRUE(transport.end_of_candidates);
  EXPECT_EQ(transport.remote_setup, dtls::Setup::kActpass);
  ASSERT_EQ(p.bob->transceivers().size(), 2u);
  EXPECT_EQ(p.bob->transceivers()[0].remote_stream_ids,
            std::vector<std::string>{"4c9a2f0e-stream"});
  EXPECT_EQ(p.bob->transceivers()[1].remote_ssrcs, (std::vector<uint32_t>{4031537030, 127869527}));

  std::string answer = Must(p.bob->CreateAnswer());
  EXPECT_EQ(WithoutOrigin(answer), Crlf(kAnswerToAiortcStyleOffer)) << answer;
  Applied applied = Must(p.bob->SetLocalDescription(SdpType::kAnswer, answer));
  EXPECT_EQ(applied.dtls_role, dtls::Role::kClient);
  EXPECT_EQ(applied.sctp, (SctpParameters{"2", 5000, 65536}));
  const Transceiver& video = p.bob->transceivers()[1];
  ASSERT_EQ(video.codecs.size(), 1u);
  EXPECT_EQ(video.codecs[0].payload_type, 97);
  EXPECT_EQ(video.codecs[0].rtx_payload_type, 98);
  EXPECT_EQ(video.codecs[0].feedback, (std::vector<std::string>{"nack", "nack pli", "goog-remb"}));
  EXPECT_EQ(p.bob->transceivers()[0].extensions,
            (std::vector<NegotiatedExtension>{{1, "urn:ietf:params:rtp-hdrext:sdes:mid"},
                                              {2, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"}}));

  // A candidate aiortc would trickle for its video ufrag belongs to a transport we do not use.
  EXPECT_EQ(Must(p.bob->AddRemoteCandidate("candidate:9 1 udp 1 127.0.0.1 9 typ host", "1",
                                           std::nullopt, "S5or")),
            std::nullopt);
}

// Chromium as it offers audio and video from one stream plus a data channel (trimmed to a few
// codecs): VP8 before VP9, VP9 profile 2 we do not do, red and telephone-event, extension ids
// of its own, a=extmap-allow-mixed.
constexpr std::string_view kChromiumStyleOffer = R"(v=0
o=- 2996934742697799341 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0 1 2
a=extmap-allow-mixed
a=msid-semantic: WMS stream
m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 110
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:FR1m
a=ice-pwd:urrsHjjnO3izkJAEUjfe2kW3
a=ice-options:trickle
a=fingerprint:sha-256 E9:92:10:EB:51:67:EC:E8:28:C6:9C:5B:58:30:E8:53:A8:53:80:79:AB:FC:E5:41:1C:7E:66:EB:54:CC:B8:A3
a=setup:actpass
a=mid:0
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=sendrecv
a=msid:stream audio-track
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:111 opus/48000/2
a=rtcp-fb:111 transport-cc
a=fmtp:111 minptime=10;useinbandfec=1
a=rtpmap:63 red/48000/2
a=fmtp:63 111/111
a=rtpmap:9 G722/8000
a=rtpmap:110 telephone-event/48000
a=ssrc:3150699214 cname:Ss6ea+65nOiVW2Fa
a=ssrc:3150699214 msid:stream audio-track
m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:FR1m
a=ice-pwd:urrsHjjnO3izkJAEUjfe2kW3
a=ice-options:trickle
a=fingerprint:sha-256 E9:92:10:EB:51:67:EC:E8:28:C6:9C:5B:58:30:E8:53:A8:53:80:79:AB:FC:E5:41:1C:7E:66:EB:54:CC:B8:A3
a=setup:actpass
a=mid:1
a=extmap:14 urn:ietf:params:rtp-hdrext:toffset
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
a=sendrecv
a=msid:stream video-track
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 goog-remb
a=rtcp-fb:96 transport-cc
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
a=rtpmap:98 VP9/90000
a=rtcp-fb:98 goog-remb
a=rtcp-fb:98 transport-cc
a=rtcp-fb:98 ccm fir
a=rtcp-fb:98 nack
a=rtcp-fb:98 nack pli
a=fmtp:98 profile-id=0
a=rtpmap:99 rtx/90000
a=fmtp:99 apt=98
a=rtpmap:100 VP9/90000
a=rtcp-fb:100 nack
a=fmtp:100 profile-id=2
a=rtpmap:101 rtx/90000
a=fmtp:101 apt=100
a=ssrc-group:FID 2871128429 4048458406
a=ssrc:2871128429 cname:Ss6ea+65nOiVW2Fa
a=ssrc:2871128429 msid:stream video-track
a=ssrc:4048458406 cname:Ss6ea+65nOiVW2Fa
a=ssrc:4048458406 msid:stream video-track
m=application 9 UDP/DTLS/SCTP webrtc-datachannel
c=IN IP4 0.0.0.0
a=ice-ufrag:FR1m
a=ice-pwd:urrsHjjnO3izkJAEUjfe2kW3
a=ice-options:trickle
a=fingerprint:sha-256 E9:92:10:EB:51:67:EC:E8:28:C6:9C:5B:58:30:E8:53:A8:53:80:79:AB:FC:E5:41:1C:7E:66:EB:54:CC:B8:A3
a=setup:actpass
a=mid:2
a=sctp-port:5000
a=max-message-size:262144
)";

// Bob answers with a microphone of his own on the audio transceiver (sendrecv) and receives
// video only.
TEST(JsepFixtures, ChromiumStyleOfferGetsTheExactAnswer) {
  Pair p;
  Applied received = Must(p.bob->SetRemoteDescription(SdpType::kOffer, Crlf(kChromiumStyleOffer)));
  EXPECT_EQ(received.new_remote_tracks.size(), 2u);
  const Transceiver audio = p.bob->transceivers().at(0);
  EXPECT_EQ(audio.remote_track_id, "audio-track");
  Must(p.bob->SetDirection(audio.id, Direction::kSendRecv));
  Must(p.bob->SetSenderTrack(audio.id, "bob-mic", {"bob-stream"}));
  std::string answer = Must(p.bob->CreateAnswer());
  const std::string ssrc = std::to_string(audio.ssrc);
  const std::string expected = R"(v=0
s=-
t=0 0
a=group:BUNDLE 0 1 2
a=extmap-allow-mixed
a=msid-semantic: WMS
m=audio 9 UDP/TLS/RTP/SAVPF 111
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:bobufrag
a=ice-pwd:bobpasswordbobpasswordbobpw
a=ice-options:trickle
a=fingerprint:sha-256 B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2
a=setup:active
a=mid:0
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=sendrecv
a=msid:bob-stream bob-mic
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:111 opus/48000/2
a=rtcp-fb:111 transport-cc
a=fmtp:111 minptime=10;useinbandfec=1
a=ssrc:)" + ssrc + R"( cname:cname-178
a=ssrc:)" + ssrc + R"( msid:bob-stream bob-mic
m=video 9 UDP/TLS/RTP/SAVPF 98 99 96 97
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:bobufrag
a=ice-pwd:bobpasswordbobpasswordbobpw
a=ice-options:trickle
a=fingerprint:sha-256 B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2
a=setup:active
a=mid:1
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
a=recvonly
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:98 VP9/90000
a=rtcp-fb:98 goog-remb
a=rtcp-fb:98 transport-cc
a=rtcp-fb:98 ccm fir
a=rtcp-fb:98 nack
a=rtcp-fb:98 nack pli
a=fmtp:98 profile-id=0
a=rtpmap:99 rtx/90000
a=fmtp:99 apt=98
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 goog-remb
a=rtcp-fb:96 transport-cc
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
m=application 9 UDP/DTLS/SCTP webrtc-datachannel
c=IN IP4 0.0.0.0
a=ice-ufrag:bobufrag
a=ice-pwd:bobpasswordbobpasswordbobpw
a=ice-options:trickle
a=fingerprint:sha-256 B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2:B2
a=setup:active
a=mid:2
a=sctp-port:5000
a=max-message-size:262144
)";
  EXPECT_EQ(WithoutOrigin(answer), Crlf(expected)) << answer;
  Applied applied = Must(p.bob->SetLocalDescription(SdpType::kAnswer, answer));
  EXPECT_TRUE(applied.negotiation_complete);
  // What Bob sends audio with, and what he would send video with: Chromium's order (VP8 first).
  EXPECT_EQ(p.bob->transceivers()[0].codecs.at(0).payload_type, 111);
  const Transceiver& video = p.bob->transceivers()[1];
  ASSERT_EQ(video.codecs.size(), 2u);
  EXPECT_EQ(video.codecs[0].name, "VP8");
  EXPECT_EQ(video.codecs[1].name, "VP9");
  EXPECT_EQ(video.codecs[1].payload_type, 98);
  EXPECT_EQ(video.codecs[1].rtx_payload_type, 99);
  EXPECT_EQ(video.current_direction, Direction::kRecvOnly);
  EXPECT_FALSE(p.bob->negotiation_needed());
}

// Every captured offer: accepted, answered with what we expect, the answer applied.
struct RealOffer {
  const char* file;
  std::vector<std::string> answer_mlines;  // in order
  std::string bundle;                      // the answer's a=group line
  std::string ufrag;                       // the transport's (BUNDLE tag's) remote ufrag
  size_t candidates;
  bool end_of_candidates;
};

class JsepRealOffers : public ::testing::TestWithParam<RealOffer> {};

TEST_P(JsepRealOffers, AreAnsweredAndApplied) {
  const RealOffer& expected = GetParam();
  Pair p;
  const std::string offer = ReadFixture(std::string("sdp/fixtures/") + expected.file);
  Applied received = Must(p.bob->SetRemoteDescription(SdpType::kOffer, offer));
  ASSERT_TRUE(received.remote_transport);
  EXPECT_EQ(received.remote_transport->remote_credentials.ufrag, expected.ufrag);
  EXPECT_EQ(received.remote_transport->remote_candidates.size(), expected.candidates);
  EXPECT_EQ(received.remote_transport->end_of_candidates, expected.end_of_candidates);
  EXPECT_EQ(received.remote_transport->remote_setup, dtls::Setup::kActpass);
  EXPECT_EQ(received.ice_role, ice::Role::kControlled);

  const std::string answer = Must(p.bob->CreateAnswer());
  sdp::SessionDescription parsed = ParseSdp(answer);
  sdp::SessionDescription offered = ParseSdp(offer);
  ASSERT_EQ(parsed.media.size(), expected.answer_mlines.size());
  for (size_t i = 0; i < parsed.media.size(); ++i) {
    EXPECT_TRUE(HasLine(answer, expected.answer_mlines[i])) << answer;
    EXPECT_EQ(parsed.media[i].Value("mid"), offered.media[i].Value("mid"));
    if (parsed.media[i].port == 0) continue;
    EXPECT_EQ(parsed.media[i].Value("setup"), "active");
    EXPECT_EQ(parsed.media[i].Value("ice-ufrag"), "bobufrag");
    // Every codec we answer is one the offer had under that payload type.
    std::vector<SectionCodec> offered_codecs = ReadCodecs(offered.media[i]);
    for (const SectionCodec& codec : ReadCodecs(parsed.media[i])) {
      auto same =
          std::find_if(offered_codecs.begin(), offered_codecs.end(),
                       [&](const SectionCodec& o) { return o.payload_type == codec.payload_type; });
      ASSERT_NE(same, offered_codecs.end()) << "payload type " << int(codec.payload_type);
      EXPECT_TRUE(SameCodec({same->name, same->clock_rate, same->channels, &same->parameters},
                            {codec.name, codec.clock_rate, codec.channels, &codec.parameters}) ||
                  IsRtx(codec.name));
      if (codec.apt) {
        EXPECT_EQ(same->apt, codec.apt);
      }
    }
  }
  EXPECT_TRUE(HasLine(answer, expected.bundle)) << answer;

  Applied applied = Must(p.bob->SetLocalDescription(SdpType::kAnswer, answer));
  EXPECT_TRUE(applied.negotiation_complete);
  EXPECT_EQ(applied.dtls_role, dtls::Role::kClient);
  for (const Transceiver& transceiver : p.bob->transceivers()) {
    EXPECT_FALSE(transceiver.codecs.empty()) << *transceiver.mid;
    EXPECT_EQ(transceiver.current_direction, Direction::kRecvOnly);
  }
  EXPECT_FALSE(p.bob->negotiation_needed());
}

const std::string kAudio = "m=audio 9 UDP/TLS/RTP/SAVPF ";
const std::string kVideo = "m=video 9 UDP/TLS/RTP/SAVPF ";
const std::string kData = "m=application 9 UDP/DTLS/SCTP webrtc-datachannel";

INSTANTIATE_TEST_SUITE_P(
    Jsep, JsepRealOffers,
    ::testing::Values(
        RealOffer{"chromium_offer_audio_video_datachannel.sdp",
                  {kAudio + "111", kVideo + "98 99 96 97", kData},
                  "a=group:BUNDLE 0 1 2",
                  "FR1m",
                  0,
                  false},
        RealOffer{"chromium_offer_datachannel.sdp", {kData}, "a=group:BUNDLE 0", "ftg7", 0, false},
        RealOffer{"chromium_offer_tracks.sdp",
                  {kAudio + "111", kVideo + "98 99 96 97", kData},
                  "a=group:BUNDLE 0 1 2",
                  "n8eh",
                  0,
                  false},
        RealOffer{"chromium_offer_gathered.sdp",
                  {kAudio + "111", kData},
                  "a=group:BUNDLE 0 1",
                  "awKq",
                  8,
                  false},
        RealOffer{"chromium_offer_simulcast.sdp",
                  {kVideo + "98 99 96 97"},
                  "a=group:BUNDLE 0",
                  "8kgO",
                  0,
                  false},
        RealOffer{"firefox_offer_audio_video_datachannel.sdp",
                  {kAudio + "109", kVideo + "121 125 120 124", kData},
                  "a=group:BUNDLE 0 1 2",
                  "2afd0658",
                  0,
                  false},
        RealOffer{
            "firefox_offer_datachannel.sdp", {kData}, "a=group:BUNDLE 0", "7b80daf9", 0, false},
        RealOffer{"firefox_offer_gathered.sdp",
                  {kAudio + "109", kData},
                  "a=group:BUNDLE 0 1",
                  "1dcc7001",
                  8,
                  true},
        RealOffer{"firefox_offer_simulcast.sdp",
                  {kVideo + "121 125 120 124"},
                  "a=group:BUNDLE 0",
                  "0a50b60a",
                  0,
                  false},
        RealOffer{"firefox_offer_tracks.sdp",
                  {kAudio + "109", kVideo + "121 125 120 124", kData},
                  "a=group:BUNDLE 0 1 2",
                  "99c3836e",
                  0,
                  false},
        RealOffer{"aiortc_offer_audio_video_datachannel.sdp",
                  {kAudio + "96", kVideo + "97 98", "m=application 9 DTLS/SCTP 5000"},
                  "a=group:BUNDLE 0 1 2",
                  "lImG",
                  2,
                  true},
        // GStreamer: mids of its own, a=bundle-only m-sections with port 0 (accepted).
        RealOffer{"gstreamer_offer_audio_video_datachannel.sdp",
                  {kAudio + "96", kVideo + "97", kData},
                  "a=group:BUNDLE audio0 video1 application2",
                  "YIQDY2VXgwcGl9NjOp4ZMaOOaAObORFf",
                  0,
                  false},
        RealOffer{"pion_offer_audio_video_datachannel.sdp",
                  {kAudio + "111", kVideo + "98 99 96 97", kData},
                  "a=group:BUNDLE 0 1 2",
                  "oGYpoDHwJyCxtJfh",
                  0,
                  false},
        RealOffer{"pion_offer_datachannel.sdp",
                  {kData},
                  "a=group:BUNDLE 0",
                  "ixoPParjVypVwFIQ",
                  0,
                  false}),
    [](const auto& info) {
      std::string name = info.param.file;
      name = name.substr(0, name.find('.'));
      return name;
    });

// Every captured answer (each to an audio, video and data offer with mids 0, 1, 2) applied to
// our own offer of that shape.
class JsepRealAnswers : public ::testing::TestWithParam<const char*> {};

TEST_P(JsepRealAnswers, ApplyToOurOffer) {
  Pair p;
  TransceiverId audio = p.alice->AddTransceiver(MediaKind::kAudio, {.track_id = "mic"});
  TransceiverId video = p.alice->AddTransceiver(MediaKind::kVideo, {.track_id = "cam"});
  p.alice->RequestDataChannel();
  Must(p.alice->SetLocalDescription(SdpType::kOffer, Must(p.alice->CreateOffer({}))));
  const std::string answer = ReadFixture(std::string("sdp/fixtures/") + GetParam());
  Applied applied = Must(p.alice->SetRemoteDescription(SdpType::kAnswer, answer));
  EXPECT_TRUE(applied.negotiation_complete);
  EXPECT_EQ(applied.dtls_role, dtls::Role::kServer);
  ASSERT_TRUE(applied.remote_transport);
  EXPECT_EQ(applied.remote_transport->remote_credentials.ufrag,
            SectionAt(answer, 0).Value("ice-ufrag"));
  ASSERT_TRUE(applied.sctp);
  EXPECT_EQ(applied.sctp->mid, "2");
  // What Alice sends with: codecs we offered, in the answerer's order.
  const Transceiver& mic = *p.alice->transceiver(audio);
  ASSERT_FALSE(mic.codecs.empty());
  EXPECT_EQ(mic.codecs[0].name == "opus" || mic.codecs[0].name == "OPUS", true)
      << mic.codecs[0].name;
  const Transceiver& cam = *p.alice->transceiver(video);
  ASSERT_FALSE(cam.codecs.empty());
  for (const NegotiatedCodec& codec : cam.codecs) {
    EXPECT_TRUE(codec.name == "VP8" || codec.name == "VP9") << codec.name;
  }
  EXPECT_TRUE(cam.current_direction);
  EXPECT_FALSE(p.alice->negotiation_needed());
}

INSTANTIATE_TEST_SUITE_P(Jsep, JsepRealAnswers,
                         ::testing::Values("chromium_answer_audio_video_datachannel.sdp",
                                           "firefox_answer_audio_video_datachannel.sdp",
                                           "aiortc_answer_audio_video_datachannel.sdp",
                                           "aiortc_answer_to_chromium_offer.sdp",
                                           "gstreamer_answer_to_chromium_offer.sdp",
                                           "pion_answer_to_chromium_offer.sdp"),
                         [](const auto& info) {
                           std::string name = info.param;
                           return name.substr(0, name.find('.'));
                         });

}  // namespace
}  // namespace parley::jsep
