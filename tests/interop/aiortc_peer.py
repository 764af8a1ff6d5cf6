#!/usr/bin/python3
"""An aiortc peer that behaves as parley-call, for Parley's interop tests.

Run with Debian's Python (/usr/bin/python3, packages python3-aiortc and python3-websockets). It
joins a parley-signal room and speaks the examples' JSON signaling (one object per text frame):
the offerer creates the data channel "chat"; both sides send "ping N" every 500 ms and answer each
"ping N" with "echo:ping N"; after --duration seconds of connected time it sends {"type":"bye"}
and ends; a bye from the peer ends it too.

aiortc 1.4 specifics (see the interop notes):
  - it skips 127.0.0.1 when gathering: aioice's host address discovery is patched to return
    127.0.0.1 only, so it never gathers (or sends from) another address;
  - it gets an explicit empty ICE server list (otherwise it asks a public STUN server);
  - it puts all its candidates in the SDP and does not trickle (it sends one null
    end-of-candidates after its description, as a trickling peer would);
  - it does not accept a null end-of-candidates from the peer: those are ignored. Trickled
    candidates are queued until the remote description is set.

It writes a JSON report to --report FILE and exits 0 only if it connected and echoes flowed both
ways (it received echoes of its pings and answered the peer's pings); 1 otherwise.

Usage: aiortc_peer.py --ws ws://127.0.0.1:PORT/ws/ROOM --role offer|answer
                      [--duration 3] [--timeout 30] [--report FILE]
"""

import argparse
import asyncio
import json
import re
import sys
import time

import aioice.ice
import websockets
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.sdp import candidate_from_sdp

# Loopback only: never gather (or send from) the machine's other addresses.
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

PING_INTERVAL_S = 0.5
PING = re.compile(r"^ping \d+$")
ECHO = re.compile(r"^echo:ping \d+$")
START = time.monotonic()


def log(text):
    sys.stderr.write(f"{time.monotonic() - START:8.3f} aiortc: {text}\n")
    sys.stderr.flush()


class Peer:
    def __init__(self, options):
        self.options = options
        self.pc = None
        self.ws = None
        self.channel = None
        self.pending_candidates = []
        self.done = None
        self.connected = None
        self.ping_task = None
        self.report = {
            "role": options.role,
            "connectionState": "new",
            "reachedConnected": False,
            "channelOpened": False,
            "pingsSent": 0,
            "echoesReceived": 0,
            "pingsAnswered": 0,
            "byeSent": False,
            "byeReceived": False,
            "ignoredEndOfCandidates": 0,
            "remoteCandidatesAdded": 0,
            "endReason": "",
            "errors": [],
        }

    # Inside the event loop: aiortc and asyncio objects belong to the running loop.
    def create_peer_connection(self):
        self.done = asyncio.Event()
        self.connected = asyncio.Event()
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))

        @self.pc.on("connectionstatechange")
        def on_connection_state():
            state = self.pc.connectionState
            log(f"connection {state}")
            if self.done.is_set():
                return  # The report keeps the state the call ended in.
            self.report["connectionState"] = state
            if state == "connected":
                self.report["reachedConnected"] = True
                self.report["selectedPair"] = self.selected_pair()
                self.report["dtlsState"] = self.dtls_state()
                self.connected.set()
            elif state == "failed":
                self.end("connection failed", failed=True)

        @self.pc.on("datachannel")
        def on_datachannel(channel):
            self.use_channel(channel)

        if self.options.role == "offer":
            self.use_channel(self.pc.createDataChannel("chat"))

    # The nominated ICE pair, from aioice (aiortc 1.4's getStats has no candidate pairs).
    def selected_pair(self):
        sctp = self.pc.sctp
        if sctp is None:
            return None
        connection = sctp.transport.transport._connection
        for pair in connection._nominated.values():
            local, remote = pair.local_candidate, pair.remote_candidate
            return {
                "local": {"type": local.type, "address": local.host, "port": local.port},
                "remote": {"type": remote.type, "address": remote.host, "port": remote.port},
            }
        return None

    def dtls_state(self):
        return self.pc.sctp.transport.state if self.pc.sctp is not None else None

    def use_channel(self, channel):
        self.channel = channel

        def on_open():
            if self.ping_task is None:
                log(f'data channel "{channel.label}" open')
                self.report["channelOpened"] = True
                self.ping_task = asyncio.ensure_future(self.ping_loop())

        channel.on("open", on_open)
        channel.on("message", self.on_channel_message)
        if channel.readyState == "open":  # Channels the peer opened arrive open.
            on_open()

    async def ping_loop(self):
        while self.channel.readyState == "open":
            self.report["pingsSent"] += 1
            self.channel.send(f"ping {self.report['pingsSent']}")
            await asyncio.sleep(PING_INTERVAL_S)

    def on_channel_message(self, data):
        if not isinstance(data, str):
            log(f"binary message of {len(data)} bytes")
        elif PING.match(data):
            self.channel.send("echo:" + data)
            self.report["pingsAnswered"] += 1
        elif ECHO.match(data):
            self.report["echoesReceived"] += 1
        else:
            log(f"message: {data[:80]}")

    async def send(self, message):
        try:
            await self.ws.send(json.dumps(message))
        except websockets.ConnectionClosed:
            log(f"signaling closed: {message['type']} not sent")

    async def send_description(self):
        await self.send({"type": self.pc.localDescription.type, "sdp": self.pc.localDescription.sdp})
        # Every candidate is in the SDP: say so, as a trickling peer would.
        await self.send({"type": "candidate", "candidate": None})

    async def on_signaling(self, message):
        kind = message.get("type")
        if kind == "offer" and self.options.role == "answer":
            log("got offer")
            await self.pc.setRemoteDescription(RTCSessionDescription(message["sdp"], "offer"))
            await self.add_pending_candidates()
            await self.pc.setLocalDescription(await self.pc.createAnswer())
            log("sending answer")
            await self.send_description()
        elif kind == "answer" and self.options.role == "offer":
            log("got answer")
            await self.pc.setRemoteDescription(RTCSessionDescription(message["sdp"], "answer"))
            await self.add_pending_candidates()
        elif kind == "candidate":
            if not message.get("candidate"):
                self.report["ignoredEndOfCandidates"] += 1
            elif self.pc.remoteDescription is None:
                self.pending_candidates.append(message)
            else:
                await self.add_candidate(message)
        elif kind == "bye":
            log("got bye")
            self.report["byeReceived"] = True
            self.end("peer said bye")
        else:
            log(f"ignoring signaling message {str(message)[:80]}")

    async def add_pending_candidates(self):
        pending, self.pending_candidates = self.pending_candidates, []
        for message in pending:
            await self.add_candidate(message)

    async def add_candidate(self, message):
        text = message["candidate"]
        try:
            candidate = candidate_from_sdp(text.split(":", 1)[1] if text.startswith("candidate:") else text)
            # aiortc matches candidates by mid only; a data-only call has one m-line.
            candidate.sdpMid = message.get("sdpMid")
            if candidate.sdpMid is None and self.pc.sctp is not None:
                candidate.sdpMid = self.pc.sctp.mid
            candidate.sdpMLineIndex = message.get("sdpMLineIndex")
            await self.pc.addIceCandidate(candidate)
            self.report["remoteCandidatesAdded"] += 1
            log(f"remote candidate {text}")
        except Exception as error:  # A bad candidate is logged; the others may still connect.
            log(f"ignoring candidate {text!r}: {error!r}")

    def end(self, reason, failed=False):
        if self.done.is_set():
            return
        log(f"ending: {reason}")
        self.report["endReason"] = reason
        if failed:
            self.report["errors"].append(reason)
        self.done.set()

    async def read_signaling(self):
        async for text in self.ws:
            try:
                message = json.loads(text)
            except ValueError:
                log(f"ignoring text that is not JSON: {text[:80]}")
                continue
            if not isinstance(message, dict):
                continue
            await self.on_signaling(message)
        if not self.report["reachedConnected"]:
            self.end("signaling closed before connecting", failed=True)

    async def run_duration(self):
        await self.connected.wait()
        await asyncio.sleep(self.options.duration)
        await self.send({"type": "bye"})
        self.report["byeSent"] = True
        self.end(f"{self.options.duration} s connected")

    async def run(self):
        self.create_peer_connection()
        async with websockets.connect(self.options.ws, open_timeout=10) as ws:
            self.ws = ws
            log(f"joined {self.options.ws} as {self.options.role}")
            if self.options.role == "offer":
                await self.pc.setLocalDescription(await self.pc.createOffer())
                log("sending offer")
                await self.send_description()
            tasks = [asyncio.ensure_future(self.read_signaling())]
            if self.options.duration > 0:
                tasks.append(asyncio.ensure_future(self.run_duration()))
            waits = [asyncio.ensure_future(event.wait()) for event in (self.connected, self.done)]
            await asyncio.wait(waits, timeout=self.options.timeout,
                               return_when=asyncio.FIRST_COMPLETED)
            for wait in waits:
                wait.cancel()
            if not self.connected.is_set():
                self.end(f"not connected within {self.options.timeout} s", failed=True)
            await self.done.wait()
            if self.ping_task is not None:
                self.ping_task.cancel()
            self.report["connectionState"] = self.pc.connectionState
            # Either side may close first: this can already be "closed".
            self.report["dtlsStateAtEnd"] = self.dtls_state()
            for task in tasks:
                task.cancel()
            await self.pc.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ws", required=True, help="ws://HOST:PORT/ws/ROOM")
    parser.add_argument("--role", choices=["offer", "answer"], required=True)
    parser.add_argument("--duration", type=float, default=3.0,
                        help="seconds of connected time before bye")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="give up if not connected within this many seconds")
    parser.add_argument("--report", help="write the JSON report to this file")
    options = parser.parse_args()

    peer = Peer(options)
    try:
        asyncio.run(peer.run())
    except Exception as error:
        peer.report["errors"].append(f"{type(error).__name__}: {error}")
        log(f"failed: {error!r}")
    report = peer.report
    success = (report["reachedConnected"] and report["echoesReceived"] > 0
               and report["pingsAnswered"] > 0 and not report["errors"])
    report["success"] = success
    text = json.dumps(report)
    log(f"report {text}")
    if options.report:
        with open(options.report, "w") as out:
            out.write(text)
    sys.exit(0 if success else 1)


if __name__ == "__main__":
    main()
