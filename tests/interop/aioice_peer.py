#!/usr/bin/python3
"""An aioice (aiortc's ICE agent) peer for Parley's interop tests.

Run with Debian's Python (/usr/bin/python3, package python3-aioice). It gathers host candidates
on 127.0.0.1 only (aioice skips loopback by default, so get_host_addresses is patched), uses no
STUN or TURN server, and talks to the test over one JSON object per line:

  out: {"type": "credentials", "ufrag": ..., "pwd": ...}
       {"type": "candidate", "candidate": "candidate:..."}   (each local candidate)
       {"type": "end-of-candidates"}
       {"type": "connected"} | {"type": "error", "message": ...}
       {"type": "received", "data": <text>}                   (and echoes "echo:" + data back)
       {"type": "closed"}
  in:  {"type": "credentials", "ufrag": ..., "pwd": ...}
       {"type": "candidate", "candidate": "candidate:..."}
       {"type": "end-of-candidates"}
       {"type": "send", "data": <text>}
       {"type": "bye"}                                        (or end of input)

Usage: aioice_peer.py controlling|controlled
"""

import asyncio
import json
import sys

import aioice
import aioice.ice
from aioice import Candidate

# Loopback only: never gather (or send from) the machine's other addresses.
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]


def emit(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def open_stdin():
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def next_message(reader):
    line = await reader.readline()
    if not line:
        return {"type": "bye"}
    return json.loads(line)


async def receive_loop(connection):
    while True:
        data = await connection.recv()
        emit({"type": "received", "data": data.decode("utf-8", "replace")})
        await connection.send(b"echo:" + data)


async def main(role):
    connection = aioice.Connection(ice_controlling=(role == "controlling"), components=1,
                                   use_ipv6=False)
    reader = await open_stdin()
    await connection.gather_candidates()
    emit({"type": "credentials", "ufrag": connection.local_username,
          "pwd": connection.local_password})
    for candidate in connection.local_candidates:
        emit({"type": "candidate", "candidate": "candidate:" + candidate.to_sdp()})
    emit({"type": "end-of-candidates"})

    # The peer's credentials and candidates, up to its end of candidates.
    while True:
        message = await next_message(reader)
        kind = message["type"]
        if kind == "credentials":
            connection.remote_username = message["ufrag"]
            connection.remote_password = message["pwd"]
        elif kind == "candidate":
            sdp = message["candidate"]
            if sdp.startswith("a="):
                sdp = sdp[2:]
            if sdp.startswith("candidate:"):
                sdp = sdp[len("candidate:"):]
            await connection.add_remote_candidate(Candidate.from_sdp(sdp))
        elif kind == "end-of-candidates":
            await connection.add_remote_candidate(None)
            break
        elif kind == "bye":
            await connection.close()
            emit({"type": "closed"})
            return

    try:
        await connection.connect()
    except ConnectionError as error:
        emit({"type": "error", "message": str(error)})
        await connection.close()
        return
    emit({"type": "connected"})

    receiver = asyncio.ensure_future(receive_loop(connection))
    while True:
        message = await next_message(reader)
        if message["type"] == "send":
            await connection.send(message["data"].encode("utf-8"))
        elif message["type"] == "bye":
            break
    receiver.cancel()
    await connection.close()
    emit({"type": "closed"})


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("controlling", "controlled"):
        sys.exit(__doc__)
    asyncio.run(main(sys.argv[1]))
