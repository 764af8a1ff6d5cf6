#!/usr/bin/env bash
# The README's test command: installs what is missing, then builds and runs the whole suite three
# ways: the libFuzzer targets briefly (clang), the normal build, and ASan+UBSan. Ends with
# ctest's summary of the sanitizer run; any failure stops it with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh

run_preset() {
  local preset=$1
  echo "=== ${preset}: configure, build, test ==="
  cmake --preset "${preset}" >/dev/null
  cmake --build --preset "${preset}" -j "$(nproc)"
  ctest --preset "${preset}"
}

run_preset fuzz
run_preset default
run_preset asan
