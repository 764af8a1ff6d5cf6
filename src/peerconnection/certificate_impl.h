// What a public parley::Certificate holds: the DTLS layer's certificate.
#pragma once

#include "dtls/certificate.h"
#include "parley/certificate.h"

namespace parley {

struct Certificate::Impl {
  dtls::Certificate certificate;
};

}  // namespace parley
