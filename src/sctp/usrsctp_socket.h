// One usrsctp one-to-one (SOCK_STREAM) socket in AF_CONN mode, non-blocking, tuned for data
// channels (the option values and their reasons are in usrsctp_socket.cc and in
// docs/architecture.md, "SCTP tuning"). It hides every usrsctp type from the association logic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "base/byte_io.h"
#include "parley/result.h"
#include "sctp/association.h"

namespace parley::sctp {

class UsrsctpSocket {
 public:
  // A socket bound to `address` (already registered with usrsctp) and config.local_port.
  // OperationError naming the failing call.
  static Result<std::unique_ptr<UsrsctpSocket>> Open(void* address,
                                                     const AssociationConfig& config);
  // Aborts the association if there is one (SO_LINGER 0: no lingering SHUTDOWN that would keep
  // using our address after we are gone) and closes the socket.
  ~UsrsctpSocket();
  UsrsctpSocket(const UsrsctpSocket&) = delete;
  UsrsctpSocket& operator=(const UsrsctpSocket&) = delete;

  // Sends INIT to config.remote_port at the same address (non-blocking).
  Result<void> Connect(uint16_t remote_port);

  struct SendInfo {
    uint16_t stream = 0;
    uint32_t ppid = 0;
    bool unordered = false;
    bool end = false;  // the last piece of the message (SCTP_EOR)
    // RFC 3758 policies; at most one.
    std::optional<uint16_t> max_retransmits{};
    std::optional<uint32_t> lifetime_ms{};
    // Ours to choose; usrsctp reports it back with the message's SCTP_SEND_FAILED_EVENTs.
    uint32_t context = 0;
  };
  // Hands (part of) a message to usrsctp. Returns the bytes it took: possibly fewer than offered
  // and 0 when its send buffer is full (EWOULDBLOCK). Errors are anything else (e.g. the
  // association is gone, or the stream is being reset).
  Result<size_t> Send(const SendInfo& info, ByteView data);

  struct DataPiece {
    uint16_t stream;
    uint32_t ppid;
    size_t size;
    bool end;  // MSG_EOR: the message ends here
  };
  struct NotificationPiece {
    size_t size;
    bool end;
  };
  struct EndOfStream {};  // the peer shut down (read returns 0) or the association is gone
  using Received = std::variant<DataPiece, NotificationPiece, EndOfStream>;
  // Reads one piece into `buffer`; nullopt when there is nothing to read.
  std::optional<Received> Receive(std::span<uint8_t> buffer);

  struct Window {
    size_t queued = 0;     // bytes usrsctp holds: unsent, or sent and not yet acknowledged
    size_t cwnd = 0;       // congestion window of the (only) path, bytes
    size_t peer_rwnd = 0;  // the peer's receive window left, bytes
  };
  // All zero without an association.
  Window GetWindow() const;
  // RFC 6525 Outgoing SSN Reset Request for `streams`. usrsctp defers it until the streams'
  // queued data is sent and any earlier request is answered.
  Result<void> ResetOutgoing(std::span<const uint16_t> streams);
  // Graceful SHUTDOWN once usrsctp's queue is sent (RFC 9260 §9.2).
  void Shutdown();
  // ABORT with a User-Initiated Abort cause carrying `reason` (RFC 9260 §3.3.10.12).
  void Abort(std::string_view reason);

 private:
  struct Handle;
  explicit UsrsctpSocket(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> handle_;
};

}  // namespace parley::sctp
