#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds a release build and runs a call
# between two local Parley peers on 127.0.0.1 (see examples/local_call.cc for what it does today).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target local_call >/dev/null
exec build/release/examples/local_call "$@"
