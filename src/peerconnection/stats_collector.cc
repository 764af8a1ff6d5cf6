#include "peerconnection/stats_collector.h"

#include <chrono>
#include <string>

#include "ice/candidate.h"

namespace parley {
namespace {

constexpr char kTransportId[] = "T01";

std::string Base64(const Bytes& data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const uint32_t n = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    for (int shift : {18, 12, 6, 0})
      out += kAlphabet[(n >> shift) & 63];
  }
  if (i + 1 == data.size()) {
    const uint32_t n = data[i] << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    const uint32_t n = (data[i] << 16) | (data[i + 1] << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string CandidateId(const char* prefix, const ice::Candidate& candidate) {
  return std::string(prefix) + candidate.foundation + "_" + candidate.address + "_" +
         std::to_string(candidate.port);
}

Stats CandidateStats(const std::string& id, const char* type, const ice::Candidate& candidate,
                     double timestamp) {
  Stats stats{id, type, timestamp, {}};
  stats.members["transportId"] = std::string(kTransportId);
  stats.members["address"] = candidate.address;
  stats.members["port"] = static_cast<int64_t>(candidate.port);
  stats.members["protocol"] = std::string(ice::ToString(candidate.transport));
  stats.members["candidateType"] = std::string(ice::ToString(candidate.type));
  stats.members["priority"] = static_cast<int64_t>(candidate.priority);
  stats.members["foundation"] = candidate.foundation;
  return stats;
}

std::string DtlsStateName(dtls::State state) {
  switch (state) {
    case dtls::State::kNew:
      return "new";
    case dtls::State::kConnecting:
      return "connecting";
    case dtls::State::kConnected:
      return "connected";
    case dtls::State::kClosed:
      return "closed";
    case dtls::State::kFailed:
      break;
  }
  return "failed";
}

}  // namespace

StatsReport CollectStats(const StatsInputs& inputs) {
  const double now = inputs.timestamp != 0
                         ? inputs.timestamp
                         : std::chrono::duration<double, std::milli>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  StatsReport report;
  auto add = [&](Stats stats) { report.stats[stats.id] = std::move(stats); };
  const DtlsTransport::Stats& t = inputs.transport;

  Stats pc{"P", "peer-connection", now, {}};
  pc.members["dataChannelsOpened"] = inputs.data_channels_opened;
  pc.members["dataChannelsClosed"] = inputs.data_channels_closed;
  add(std::move(pc));

  Stats transport{kTransportId, "transport", now, {}};
  uint64_t bytes_sent = 0, bytes_received = 0, packets_sent = 0, packets_received = 0;
  std::string selected_pair_id;
  for (const ice::CandidatePairStats& pair : t.transport.ice.pairs) {
    const std::string local_id = CandidateId("I", pair.local);
    const std::string remote_id = CandidateId("I", pair.remote);
    const std::string pair_id = "CP" + local_id.substr(1) + "-" + remote_id.substr(1);
    add(CandidateStats(local_id, "local-candidate", pair.local, now));
    add(CandidateStats(remote_id, "remote-candidate", pair.remote, now));
    Stats stats{pair_id, "candidate-pair", now, {}};
    stats.members["transportId"] = std::string(kTransportId);
    stats.members["localCandidateId"] = local_id;
    stats.members["remoteCandidateId"] = remote_id;
    stats.members["state"] = std::string(ice::ToString(pair.state));
    stats.members["nominated"] = pair.nominated;
    stats.members["selected"] = pair.selected;  // Chromium's (non-standard) flag, handy
    stats.members["priority"] = pair.priority;
    stats.members["packetsSent"] = pair.packets_sent;
    stats.members["packetsReceived"] = pair.packets_received;
    stats.members["bytesSent"] = pair.bytes_sent;
    stats.members["bytesReceived"] = pair.bytes_received;
    stats.members["requestsSent"] = pair.requests_sent;
    stats.members["requestsReceived"] = pair.requests_received;
    stats.members["responsesSent"] = pair.responses_sent;
    stats.members["responsesReceived"] = pair.responses_received;
    stats.members["consentRequestsSent"] = pair.consent_requests_sent;
    if (pair.current_rtt) stats.members["currentRoundTripTime"] = pair.current_rtt->seconds();
    stats.members["totalRoundTripTime"] = pair.total_rtt.seconds();
    add(std::move(stats));
    bytes_sent += pair.bytes_sent;
    bytes_received += pair.bytes_received;
    packets_sent += pair.packets_sent;
    packets_received += pair.packets_received;
    if (pair.selected) selected_pair_id = pair_id;
  }
  transport.members["bytesSent"] = bytes_sent;
  transport.members["bytesReceived"] = bytes_received;
  transport.members["packetsSent"] = packets_sent;
  transport.members["packetsReceived"] = packets_received;
  transport.members["iceRole"] =
      std::string(t.ice_role == ice::Role::kControlling ? "controlling" : "controlled");
  transport.members["iceLocalUsernameFragment"] = t.local_ufrag;
  transport.members["iceState"] = std::string(ice::ToString(t.ice_state));
  transport.members["dtlsState"] = DtlsStateName(t.dtls_state);
  if (t.dtls_role) {
    transport.members["dtlsRole"] =
        std::string(*t.dtls_role == dtls::Role::kClient ? "client" : "server");
  }
  if (!t.dtls_cipher.empty()) {
    transport.members["tlsVersion"] = std::string("FEFD");  // DTLS 1.2
    transport.members["dtlsCipher"] = t.dtls_cipher;
  }
  if (!t.srtp_cipher.empty()) transport.members["srtpCipher"] = t.srtp_cipher;
  if (!selected_pair_id.empty()) transport.members["selectedCandidatePairId"] = selected_pair_id;

  if (!inputs.local_certificate.empty()) {
    const dtls::Fingerprint fingerprint = inputs.local_certificate.fingerprint();
    const std::string text = fingerprint.ToString();
    const size_t space = text.find(' ');
    Stats certificate{"CF" + text.substr(space + 1), "certificate", now, {}};
    certificate.members["fingerprint"] = text.substr(space + 1);
    certificate.members["fingerprintAlgorithm"] = text.substr(0, space);
    certificate.members["base64Certificate"] = Base64(inputs.local_certificate.der());
    transport.members["localCertificateId"] = certificate.id;
    add(std::move(certificate));
  }
  for (const dtls::Fingerprint& fingerprint : inputs.remote_fingerprints) {
    const std::string text = fingerprint.ToString();
    const size_t space = text.find(' ');
    Stats certificate{"CF" + text.substr(space + 1), "certificate", now, {}};
    certificate.members["fingerprint"] = text.substr(space + 1);
    certificate.members["fingerprintAlgorithm"] = text.substr(0, space);
    if (t.dtls_state == dtls::State::kConnected) {
      transport.members["remoteCertificateId"] = certificate.id;
    }
    add(std::move(certificate));
  }
  add(std::move(transport));

  for (const datachannel::ChannelInfo& channel : t.channels) {
    Stats stats{"D" + std::to_string(channel.id.value_or(65535)), "data-channel", now, {}};
    stats.members["label"] = channel.label;
    stats.members["protocol"] = channel.protocol;
    if (channel.id) stats.members["dataChannelIdentifier"] = static_cast<int64_t>(*channel.id);
    stats.members["state"] = std::string(datachannel::ToString(channel.state));
    stats.members["messagesSent"] = channel.messages_sent;
    stats.members["bytesSent"] = channel.bytes_sent;
    stats.members["messagesReceived"] = channel.messages_received;
    stats.members["bytesReceived"] = channel.bytes_received;
    add(std::move(stats));
  }
  return report;
}

}  // namespace parley
