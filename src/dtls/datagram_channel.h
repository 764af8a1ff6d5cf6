// Keeps UDP datagram boundaries between OpenSSL and the network, which memory BIOs lose.
// Incoming: each datagram is read whole by one read (DTLS needs that: a record never spans
// datagrams, RFC 6347 §4.1.1). Outgoing: OpenSSL writes one record per write; records are packed
// into datagrams of at most `mtu` bytes (RFC 6347 §4.1.1 allows several records per datagram),
// and OpenSSL sizes handshake fragments to the room left in the open datagram (it asks for the
// pending size), so a flight, first sent or resent, leaves in as few datagrams as fit. No OpenSSL
// here: the endpoint's BIO callbacks are thin wrappers around this class.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <span>

#include "base/byte_io.h"

namespace parley::dtls {

class DatagramChannel {
 public:
  DatagramChannel(size_t mtu, size_t max_incoming) : mtu_(mtu), max_incoming_(max_incoming) {}

  size_t mtu() const { return mtu_; }

  // Queues a received datagram; false (and nothing queued) when max_incoming are waiting.
  bool PushIncoming(Bytes datagram);
  // Moves the oldest datagram into `out`, truncated to out.size() as a UDP read would be; its
  // length, or nullopt when none is waiting.
  std::optional<size_t> ReadIncoming(std::span<uint8_t> out);
  size_t incoming_count() const { return incoming_.size(); }
  // Size of the datagram ReadIncoming would return next (0 when none).
  size_t next_incoming_size() const { return incoming_.empty() ? 0 : incoming_.front().size(); }
  void ClearIncoming() { incoming_.clear(); }

  // One record from OpenSSL. It joins the open datagram when it fits within the mtu, otherwise
  // the open datagram is closed and the record starts the next one. A record larger than the
  // mtu (which the endpoint never lets OpenSSL write) travels alone.
  void WriteRecord(ByteView record);
  // Bytes in the open datagram (OpenSSL's BIO_wpending).
  size_t pending_bytes() const { return open_.size(); }
  // Closes the open datagram, if any (at the end of each endpoint call).
  void Flush();
  // The oldest closed datagram.
  std::optional<Bytes> PollOutgoing();
  bool has_outgoing() const { return !outgoing_.empty(); }

 private:
  size_t mtu_;
  size_t max_incoming_;
  std::deque<Bytes> incoming_;
  Bytes open_;
  std::deque<Bytes> outgoing_;
};

}  // namespace parley::dtls
