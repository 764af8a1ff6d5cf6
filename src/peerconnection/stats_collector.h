// W3C stats (webrtc-stats) from what the transport and the connection know: peer-connection,
// transport, candidate-pair, local-candidate, remote-candidate, certificate, data-channel.
#pragma once

#include <cstdint>
#include <vector>

#include "dtls/certificate.h"
#include "dtls/fingerprint.h"
#include "parley/stats.h"
#include "runtime/dtls_transport.h"

namespace parley {

struct StatsInputs {
  DtlsTransport::Stats transport;
  dtls::Certificate local_certificate;
  std::vector<dtls::Fingerprint> remote_fingerprints;
  uint64_t data_channels_opened = 0;
  uint64_t data_channels_closed = 0;
  // Milliseconds since the Unix epoch; 0: now.
  double timestamp = 0;
};

StatsReport CollectStats(const StatsInputs& inputs);

}  // namespace parley
