#include "support/stun_server.h"

#include "stun/integrity.h"
#include "stun/message.h"

namespace parley::testing {

void StunServer::HandleDatagram(Timestamp /*now*/, const Datagram& in) {
  auto request = stun::Parse(in.payload);
  if (!request || !request->is_request()) {
    ++stats_.dropped;  // §6.3: indications and responses to a server are ignored here.
    return;
  }
  // §6.3.1: a FINGERPRINT, when present, must be right.
  if (request->fingerprint_offset() &&
      stun::VerifyFingerprint(*request) != stun::IntegrityResult::kOk) {
    ++stats_.dropped;
    return;
  }
  const bool fingerprint = request->fingerprint_offset().has_value();
  stun::Message response = stun::Message::SuccessResponse(*request);
  if (auto unknown = request->UnknownComprehensionRequired(); !unknown.empty()) {
    // §6.3.1.1: 420 listing the unknown comprehension-required attributes.
    response = stun::Message::UnknownAttributesResponse(*request, std::move(unknown));
    ++stats_.errors;
  } else if (request->method() != stun::Method::kBinding) {
    response = stun::Message::ErrorResponse(*request, stun::error_code::kBadRequest);
    ++stats_.errors;
  } else {
    ++stats_.binding_requests;
    response.Add(stun::XorMappedAddress{in.source});  // §14.2
  }
  transmit_.push_back(
      Datagram{in.destination, in.source, response.Serialize({.fingerprint = fingerprint})});
}

std::optional<Datagram> StunServer::PollTransmit() {
  if (transmit_.empty()) return std::nullopt;
  Datagram out = std::move(transmit_.front());
  transmit_.pop_front();
  return out;
}

}  // namespace parley::testing
