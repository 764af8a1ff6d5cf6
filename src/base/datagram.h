// A datagram as protocol machines hand it out and take it in: who sent it, to whom, and the
// bytes. The runtime maps it onto a socket; the simulator routes it through its virtual network.
#pragma once

#include "base/byte_io.h"
#include "base/socket_address.h"

namespace parley {

struct Datagram {
  SocketAddress source;
  SocketAddress destination;
  Bytes payload;
};

}  // namespace parley
