// A fixed self-signed ECDSA P-256 certificate and key made with the openssl CLI, and its
// fingerprints as `openssl x509 -noout -fingerprint -sha1|-sha224|-sha256|-sha384|-sha512`
// printed them (the digests are over the DER encoding, which RFC 8122 §5 fingerprints hash).
#pragma once

#include <string_view>

namespace parley::dtls::fixtures {

inline constexpr std::string_view kCertificatePem = R"(-----BEGIN CERTIFICATE-----
MIIBhjCCAS2gAwIBAgIUFOz0F4tC/WSXFYEz6PIcQ0IrliYwCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOcGFybGV5LWZpeHR1cmUwHhcNMjYxMTIyMDYwMDI1WhcNMzYx
MTE5MDYwMDI1WjAZMRcwFQYDVQQDDA5wYXJsZXktZml4dHVyZTBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABK9EV6gYiresUNE6Y7qaSoqZUkNbNbQ1p0WsjP7bA7mD
FS1MNsmWFrmWyNW+1c4uSrt8dY1cTkqpsig7JyYUhjijUzBRMB0GA1UdDgQWBBT2
wGqKMDaqqt2b5AD+Am1kvUFlBTAfBgNVHSMEGDAWgBT2wGqKMDaqqt2b5AD+Am1k
vUFlBTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIEefC4GQssf2
ynevpDeB9dDTZk+rmIzwyut5Bi0AGyFtAiBKCeg0vifm273xISotVl68zY5zZTOJ
m4icT91PAveDdQ==
-----END CERTIFICATE-----
)";

inline constexpr std::string_view kPrivateKeyPem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgWVSqLUuWWaL5R8F5
pbrXIyPiVdMyZaQZjsK/3FPg5mahRANCAASvRFeoGIq3rFDROmO6mkqKmVJDWzW0
NadFrIz+2wO5gxUtTDbJlha5lsjVvtXOLkq7fHWNXE5KqbIoOycmFIY4
-----END PRIVATE KEY-----
)";

inline constexpr std::string_view kSha1 =
    "CA:B7:67:A5:50:E7:AB:F3:E3:CE:24:05:D7:9F:71:75:F0:08:A9:AD";
inline constexpr std::string_view kSha224 =
    "5F:E5:E5:2C:FD:1E:3F:6B:0D:41:2E:B0:B0:D3:9B:D9:3B:B3:E1:2D:B7:82:8D:89:2A:3E:F5:71";
inline constexpr std::string_view kSha256 =
    "90:6E:BA:55:D9:BA:BB:82:61:23:3C:3F:71:5C:02:AE:A3:67:A2:EA:90:92:A8:9A:C9:BA:7B:D2:87:F1:"
    "8B:B8";
inline constexpr std::string_view kSha384 =
    "A4:E6:C5:A1:35:BC:FD:E1:B6:A6:A6:AC:0A:A1:DE:A4:3C:0D:5B:56:59:E3:86:D5:E9:FB:46:8D:E1:C5:"
    "73:80:DC:07:06:AF:E1:23:28:5D:C4:88:76:DA:0E:0F:9D:8F";
inline constexpr std::string_view kSha512 =
    "F2:FF:7A:3C:BE:AE:D2:71:71:4C:DC:91:E2:9B:E6:6B:12:FB:1C:2D:2E:7C:CA:C6:DC:EF:AD:89:15:AB:"
    "B4:90:2A:F0:4A:43:EA:80:96:4F:5B:DA:0C:6A:97:BE:56:A1:B3:E6:CC:CC:45:46:86:C1:23:37:FA:D7:"
    "07:20:A3:E6";

}  // namespace parley::dtls::fixtures
