// The DTLS 1.2 record layer's framing (RFC 6347 §4.1) and the plaintext handshake message
// header (§4.2.2), read without any crypto: the endpoint checks every datagram with it before
// OpenSSL sees it, so malformed input is dropped and counted (RFC 6347 §4.1.2.7) rather than
// handed to the TLS stack.
//
//   struct {                                   struct {
//     ContentType type;           // 1           HandshakeType msg_type;      // 1
//     ProtocolVersion version;    // 2           uint24 length;               // 3
//     uint16 epoch;               // 2           uint16 message_seq;          // 2
//     uint48 sequence_number;     // 6           uint24 fragment_offset;      // 3
//     uint16 length;              // 2           uint24 fragment_length;      // 3
//     opaque fragment[length];                   opaque body[fragment_length];
//   } DTLSPlaintext;                           } Handshake;
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/byte_io.h"

namespace parley::dtls {

// RFC 5246 §6.2.1 / RFC 6347 §4.1. Heartbeat (24, RFC 6520) and tls12_cid (25, RFC 9146) are
// never negotiated here, so they are invalid like any other value.
enum class ContentType : uint8_t {
  kChangeCipherSpec = 20,
  kAlert = 21,
  kHandshake = 22,
  kApplicationData = 23,
};

inline constexpr uint16_t kDtls10Version = 0xFEFF;  // Allowed in a ClientHello's record.
inline constexpr uint16_t kDtls12Version = 0xFEFD;
inline constexpr size_t kRecordHeaderLength = 13;
// RFC 6347 §4.1 (DTLSCiphertext, as TLS §6.2.3): length MUST NOT exceed 2^14 + 2048.
inline constexpr size_t kMaxRecordFragmentLength = 16384 + 2048;

struct RecordView {
  ContentType type = ContentType::kHandshake;
  uint16_t version = kDtls12Version;
  uint16_t epoch = 0;
  uint64_t sequence_number = 0;  // 48 bits.
  ByteView fragment{};           // Points into the parsed datagram.
};

// Every record of one datagram, in order. nullopt when the datagram is empty, a header is
// truncated, a type or version is not DTLS 1.0/1.2, a length exceeds the maximum, or a
// fragment runs past the end: a datagram that does not frame exactly is discarded whole.
std::optional<std::vector<RecordView>> ParseRecords(ByteView datagram);

// Appends one record (header and fragment). The sequence number is truncated to 48 bits.
void WriteRecord(ByteWriter& out, const RecordView& record);

// RFC 7983 §7: a first byte in [20, 63] is DTLS on a multiplexed socket.
bool LooksLikeDtls(ByteView datagram);

// Handshake message types of DTLS 1.2 (RFC 5246 §7.4, RFC 6347 §4.2.1).
enum class HandshakeType : uint8_t {
  kHelloRequest = 0,
  kClientHello = 1,
  kServerHello = 2,
  kHelloVerifyRequest = 3,
  kCertificate = 11,
  kServerKeyExchange = 12,
  kCertificateRequest = 13,
  kServerHelloDone = 14,
  kCertificateVerify = 15,
  kClientKeyExchange = 16,
  kFinished = 20,
};

inline constexpr size_t kHandshakeHeaderLength = 12;

struct HandshakeFragment {
  uint8_t msg_type = 0;  // A HandshakeType value (not checked: unknown ones are the peer's).
  uint32_t length = 0;   // Of the whole message.
  uint16_t message_seq = 0;
  uint32_t fragment_offset = 0;
  uint32_t fragment_length = 0;
  ByteView body{};
};

// The handshake fragments of one plaintext (epoch 0) handshake record's fragment; a record may
// carry several (RFC 6347 §4.2.3). nullopt unless they tile the record exactly and each lies
// within its message (offset + fragment_length <= length).
std::optional<std::vector<HandshakeFragment>> ParseHandshakeFragments(ByteView record_fragment);

// Appends one handshake fragment (header and body; fragment_length is body.size()).
void WriteHandshakeFragment(ByteWriter& out, const HandshakeFragment& fragment);

}  // namespace parley::dtls
