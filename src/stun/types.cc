#include "stun/types.h"

#include <cstdio>

namespace parley::stun {
namespace {

std::string Hex16(uint16_t value, int digits) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%0*x", digits, value);
  return buffer;
}

}  // namespace

TransactionId NewTransactionId(Random& random) {
  TransactionId id;
  random.Fill(id);
  return id;
}

std::string ToHex(const TransactionId& id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(id.size() * 2);
  for (uint8_t b : id) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

bool IsKnownAttribute(AttributeType type) {
  switch (type) {
    case AttributeType::kMappedAddress:
    case AttributeType::kUsername:
    case AttributeType::kMessageIntegrity:
    case AttributeType::kErrorCode:
    case AttributeType::kUnknownAttributes:
    case AttributeType::kChannelNumber:
    case AttributeType::kLifetime:
    case AttributeType::kXorPeerAddress:
    case AttributeType::kData:
    case AttributeType::kRealm:
    case AttributeType::kNonce:
    case AttributeType::kXorRelayedAddress:
    case AttributeType::kRequestedAddressFamily:
    case AttributeType::kEvenPort:
    case AttributeType::kRequestedTransport:
    case AttributeType::kDontFragment:
    case AttributeType::kMessageIntegritySha256:
    case AttributeType::kPasswordAlgorithm:
    case AttributeType::kUserhash:
    case AttributeType::kXorMappedAddress:
    case AttributeType::kReservationToken:
    case AttributeType::kPriority:
    case AttributeType::kUseCandidate:
    case AttributeType::kPasswordAlgorithms:
    case AttributeType::kSoftware:
    case AttributeType::kAlternateServer:
    case AttributeType::kFingerprint:
    case AttributeType::kIceControlled:
    case AttributeType::kIceControlling:
      return true;
    default:
      return false;
  }
}

std::string_view DefaultReasonPhrase(uint16_t code) {
  switch (code) {
    case error_code::kTryAlternate:
      return "Try Alternate";
    case error_code::kBadRequest:
      return "Bad Request";
    case error_code::kUnauthorized:
      return "Unauthorized";
    case error_code::kForbidden:
      return "Forbidden";
    case error_code::kUnknownAttribute:
      return "Unknown Attribute";
    case error_code::kAllocationMismatch:
      return "Allocation Mismatch";
    case error_code::kStaleNonce:
      return "Stale Nonce";
    case error_code::kAddressFamilyNotSupported:
      return "Address Family not Supported";
    case error_code::kWrongCredentials:
      return "Wrong Credentials";
    case error_code::kUnsupportedTransportProtocol:
      return "Unsupported Transport Protocol";
    case error_code::kPeerAddressFamilyMismatch:
      return "Peer Address Family Mismatch";
    case error_code::kAllocationQuotaReached:
      return "Allocation Quota Reached";
    case error_code::kRoleConflict:
      return "Role Conflict";
    case error_code::kServerError:
      return "Server Error";
    case error_code::kInsufficientCapacity:
      return "Insufficient Capacity";
    default:
      return "";
  }
}

std::string MethodName(Method method) {
  switch (method) {
    case Method::kBinding:
      return "Binding";
    case Method::kAllocate:
      return "Allocate";
    case Method::kRefresh:
      return "Refresh";
    case Method::kSend:
      return "Send";
    case Method::kData:
      return "Data";
    case Method::kCreatePermission:
      return "CreatePermission";
    case Method::kChannelBind:
      return "ChannelBind";
  }
  return Hex16(static_cast<uint16_t>(method), 3);
}

std::string_view MessageClassName(MessageClass cls) {
  switch (cls) {
    case MessageClass::kRequest:
      return "request";
    case MessageClass::kIndication:
      return "indication";
    case MessageClass::kSuccessResponse:
      return "success response";
    case MessageClass::kErrorResponse:
      return "error response";
  }
  return "?";
}

std::string AttributeTypeName(AttributeType type) {
  switch (type) {
    case AttributeType::kMappedAddress:
      return "MAPPED-ADDRESS";
    case AttributeType::kUsername:
      return "USERNAME";
    case AttributeType::kMessageIntegrity:
      return "MESSAGE-INTEGRITY";
    case AttributeType::kErrorCode:
      return "ERROR-CODE";
    case AttributeType::kUnknownAttributes:
      return "UNKNOWN-ATTRIBUTES";
    case AttributeType::kChannelNumber:
      return "CHANNEL-NUMBER";
    case AttributeType::kLifetime:
      return "LIFETIME";
    case AttributeType::kXorPeerAddress:
      return "XOR-PEER-ADDRESS";
    case AttributeType::kData:
      return "DATA";
    case AttributeType::kRealm:
      return "REALM";
    case AttributeType::kNonce:
      return "NONCE";
    case AttributeType::kXorRelayedAddress:
      return "XOR-RELAYED-ADDRESS";
    case AttributeType::kRequestedAddressFamily:
      return "REQUESTED-ADDRESS-FAMILY";
    case AttributeType::kEvenPort:
      return "EVEN-PORT";
    case AttributeType::kRequestedTransport:
      return "REQUESTED-TRANSPORT";
    case AttributeType::kDontFragment:
      return "DONT-FRAGMENT";
    case AttributeType::kMessageIntegritySha256:
      return "MESSAGE-INTEGRITY-SHA256";
    case AttributeType::kPasswordAlgorithm:
      return "PASSWORD-ALGORITHM";
    case AttributeType::kUserhash:
      return "USERHASH";
    case AttributeType::kXorMappedAddress:
      return "XOR-MAPPED-ADDRESS";
    case AttributeType::kReservationToken:
      return "RESERVATION-TOKEN";
    case AttributeType::kPriority:
      return "PRIORITY";
    case AttributeType::kUseCandidate:
      return "USE-CANDIDATE";
    case AttributeType::kAdditionalAddressFamily:
      return "ADDITIONAL-ADDRESS-FAMILY";
    case AttributeType::kAddressErrorCode:
      return "ADDRESS-ERROR-CODE";
    case AttributeType::kPasswordAlgorithms:
      return "PASSWORD-ALGORITHMS";
    case AttributeType::kAlternateDomain:
      return "ALTERNATE-DOMAIN";
    case AttributeType::kIcmp:
      return "ICMP";
    case AttributeType::kSoftware:
      return "SOFTWARE";
    case AttributeType::kAlternateServer:
      return "ALTERNATE-SERVER";
    case AttributeType::kFingerprint:
      return "FINGERPRINT";
    case AttributeType::kIceControlled:
      return "ICE-CONTROLLED";
    case AttributeType::kIceControlling:
      return "ICE-CONTROLLING";
    case AttributeType::kGoogNetworkInfo:
      return "GOOG-NETWORK-INFO";
  }
  return Hex16(static_cast<uint16_t>(type), 4);
}

std::ostream& operator<<(std::ostream& os, Method method) {
  return os << MethodName(method);
}
std::ostream& operator<<(std::ostream& os, MessageClass cls) {
  return os << MessageClassName(cls);
}
std::ostream& operator<<(std::ostream& os, AttributeType type) {
  return os << AttributeTypeName(type);
}

}  // namespace parley::stun
