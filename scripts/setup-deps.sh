#!/usr/bin/env bash
# Installs, with apt-get, only the Debian 12 packages Parley needs that are missing. Idempotent and
# silent when everything is already there. Each package is listed with its purpose in
# third_party/README.md.
set -euo pipefail

packages=(
  # Toolchain. clang + its runtime build the libFuzzer targets; g++ builds everything else.
  build-essential cmake ninja-build pkg-config clang lld libclang-rt-14-dev
  # Libraries.
  libssl-dev libsrtp2-dev libusrsctp-dev libvpx-dev libopus-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev libboost-dev
  # Interop tests (tests/interop): a real TURN server, a real ICE peer (run with /usr/bin/python3)
  # and the openssl CLI that makes the TURN server's test certificate.
  coturn python3-aioice openssl
  # Call interop tests (tests/interop/*_call_test.cc): headless Chromium on the demo page, and an
  # aiortc peer with a WebSocket client for the examples' signaling (run with /usr/bin/python3).
  chromium python3-aiortc python3-websockets
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup-deps: installing ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-deps: done"
