#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds parley-signal and parley-call, and
# runs a call between two local Parley peers on 127.0.0.1. parley-signal relays the offer, the
# answer and the trickled candidates in room "demo"; alice (offerer) and bob (answerer) connect
# (ICE, DTLS), open a data channel, ping each other every 500 ms for 5 seconds of connected time
# and hang up. Each line of their status and summary is prefixed with their name. Extra
# arguments go to both parley-call processes (e.g. --ice-server, --no-datachannel). Exits
# non-zero if either peer failed; Ctrl-C makes both hang up.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" --target parley-signal parley-call >/dev/null
bin=build/default/examples

workdir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT

coproc SIGNAL { exec "$bin/signaling/parley-signal" --host 127.0.0.1 --port 0 --quiet; }
pids+=("$SIGNAL_PID")
if ! read -r -t 10 -u "${SIGNAL[0]}" listening; then
  echo "demo: parley-signal did not start" >&2
  exit 1
fi
room_url=${listening#parley-signal listening on }
room_url=${room_url%<room>}demo
echo "demo: parley-signal relaying on ${room_url}"

# start_call NAME ROLE: runs parley-call in the background (its PID in $!), its output
# prefixed with NAME by a filter reading a FIFO.
filters=()
start_call() {
  local name=$1 role=$2 fifo="$workdir/$2"
  mkfifo "$fifo"
  sed -u "s/^/${name}: /" <"$fifo" &
  filters+=("$!")
  "$bin/parley_call/parley-call" --role "$role" --ice-address 127.0.0.1 --ws "$room_url" \
    --duration 5 "${extra_args[@]}" >"$fifo" 2>&1 &
  pids+=("$!")
}
extra_args=("$@")
start_call "bob  " answer
bob=$!
start_call "alice" offer
alice=$!
# Ctrl-C (or a TERM to this script) hangs both up: they send bye, print a summary and exit.
trap 'kill -TERM "$alice" "$bob" 2>/dev/null || true' INT TERM

# wait_for PID: its exit status, waiting again when a trapped signal interrupts the wait.
wait_for() {
  local rc
  while true; do
    rc=0
    wait "$1" || rc=$?
    kill -0 "$1" 2>/dev/null || return "$rc"
  done
}
failed=0
wait_for "$alice" || failed=1
wait_for "$bob" || failed=1
wait "${filters[@]}"
if [ "$failed" -ne 0 ]; then
  echo "demo: FAILED (see the summaries above)" >&2
  exit 1
fi
echo "demo: alice and bob connected and echoed each other's pings"
