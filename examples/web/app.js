// Parley's browser demo peer (plain JavaScript, no build step). It behaves exactly as parley-call:
// JSON signaling through a parley-signal room, the offerer creates the data channel "chat", both
// sides send "ping N" every 500 ms and answer each "ping N" with "echo:ping N", candidates are
// trickled (remote ones queued until the remote description is set), and after `duration`
// seconds of connected time the call ends with a "bye". With `report`, a JSON summary of the call
// (states, counters, getStats() of the selected path) goes to that room afterwards: the interop
// tests read it there. See index.html for the query parameters.
'use strict';

const PING_INTERVAL_MS = 500;
const DEFAULT_TIMEOUT_S = 30;
const REPORT_LOG_LINES = 60;

const $ = (id) => document.getElementById(id);
const logLines = [];

function log(text) {
  const line = `${(performance.now() / 1000).toFixed(3)} ${text}`;
  logLines.push(line);
  const pre = $('log');
  pre.textContent += line + '\n';
  pre.scrollTop = pre.scrollHeight;
  console.log(line);
}

function setStatus(text) {
  $('status').textContent = text;
}

function showMessage(kind, text) {
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = `${kind}: ${text}`;
  $('messages').append(item);
  item.scrollIntoView({block: 'end'});
}

// The page's query parameters, with defaults.
function readOptions() {
  const query = new URLSearchParams(location.search);
  const number = (name, fallback) => {
    const value = Number(query.get(name));
    return query.has(name) && Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return {
    room: query.get('room') || 'demo',
    role: query.get('role') === 'answer' ? 'answer' : 'offer',
    durationS: number('duration', 0),
    timeoutS: number('timeout', DEFAULT_TIMEOUT_S),
    report: query.get('report') || '',
    relay: query.get('relay') || '',
    user: query.get('user') || '',
    pass: query.get('pass') || '',
    autostart: query.get('autostart') === '1',
  };
}

// The RTCConfiguration. `relay` is a TURN URL; its credentials come from `user`/`pass` or, as
// parley-call's --ice-server takes them, from the URL itself: turn:USER:PASS@HOST:PORT?...
function rtcConfiguration(options) {
  if (!options.relay) return {iceServers: [], iceTransportPolicy: 'all'};
  let urls = options.relay;
  let username = options.user;
  let credential = options.pass;
  const inline = /^(turns?):([^:@/]+):([^@/]+)@(.+)$/.exec(urls);
  if (inline) {
    urls = `${inline[1]}:${inline[4]}`;
    username = decodeURIComponent(inline[2]);
    credential = decodeURIComponent(inline[3]);
  }
  return {iceServers: [{urls, username, credential}], iceTransportPolicy: 'relay'};
}

function signalingUrl(room) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws/${encodeURIComponent(room)}`;
}

// getStats() reduced to what tells whether and how the call worked: the selected candidate pair
// and its two candidates, the transport (DTLS state and cipher) and the data channels.
async function flattenStats(pc) {
  const report = await pc.getStats();
  const all = [...report.values()];
  const transport =
    all.find((s) => s.type === 'transport' && s.selectedCandidatePairId) ||
    all.find((s) => s.type === 'transport') ||
    null;
  const pairs = all.filter((s) => s.type === 'candidate-pair');
  const selectedPair =
    (transport && report.get(transport.selectedCandidatePairId)) ||
    pairs.find((s) => s.nominated && s.state === 'succeeded') ||
    null;
  return {
    transport,
    selectedCandidatePair: selectedPair,
    localCandidate: selectedPair ? report.get(selectedPair.localCandidateId) || null : null,
    remoteCandidate: selectedPair ? report.get(selectedPair.remoteCandidateId) || null : null,
    candidatePairStates: pairs.map((s) => s.state),
    dataChannels: all.filter((s) => s.type === 'data-channel'),
    peerConnection: all.find((s) => s.type === 'peer-connection') || null,
  };
}

class Call {
  constructor(options) {
    this.options = options;
    this.pc = null;
    this.ws = null;
    this.channel = null;
    this.pendingCandidates = []; // Remote candidates that came before the remote description.
    this.incoming = Promise.resolve(); // Signaling messages are handled one at a time, in order.
    this.pingTimer = null;
    // getStats() taken at each ping while connected: when both sides end at once, the peer's
    // close can reach us before the final getStats() does.
    this.connectedStats = null;
    this.durationTimer = null;
    this.timeoutTimer = null;
    this.sentEndOfCandidates = false;
    this.ended = false;
    this.result = {
      type: 'report',
      role: options.role,
      connectionState: 'new',
      iceConnectionState: 'new',
      reachedConnected: false,
      channelOpened: false,
      pingsSent: 0,
      echoesReceived: 0,
      pingsAnswered: 0,
      chatReceived: 0,
      byeSent: false,
      byeReceived: false,
      endReason: '',
      errors: [],
    };
  }

  start() {
    const {room, role} = this.options;
    setStatus(`joining room ${room} as ${role}`);
    log(`room ${room}, role ${role}, ICE ${JSON.stringify(rtcConfiguration(this.options))}`);
    this.timeoutTimer = setTimeout(
      () => this.end(`not connected within ${this.options.timeoutS} s`, {failed: true}),
      this.options.timeoutS * 1000,
    );
    this.createPeerConnection();
    this.ws = new WebSocket(signalingUrl(room));
    this.ws.onopen = () => {
      log('signaling open');
      if (role === 'offer') this.run(() => this.sendOffer());
    };
    this.ws.onmessage = (event) => this.onSignalingText(event.data);
    this.ws.onerror = () => log('signaling error');
    this.ws.onclose = (event) => {
      log(`signaling closed (${event.code} ${event.reason})`);
      if (!this.result.reachedConnected) this.end('signaling closed before connecting', {failed: true});
    };
  }

  // Runs an async step; a failure ends the call instead of going unnoticed.
  run(step) {
    return step().catch((error) => this.end(`error: ${error}`, {failed: true}));
  }

  createPeerConnection() {
    const pc = new RTCPeerConnection(rtcConfiguration(this.options));
    this.pc = pc;
    pc.onicecandidate = (event) => {
      const candidate = event.candidate;
      if (candidate && candidate.candidate) {
        log(`local candidate ${candidate.candidate}`);
        this.send({
          type: 'candidate',
          candidate: candidate.candidate,
          sdpMid: candidate.sdpMid,
          sdpMLineIndex: candidate.sdpMLineIndex,
        });
      } else if (!this.sentEndOfCandidates) {
        this.sentEndOfCandidates = true;
        log('local end of candidates');
        this.send({type: 'candidate', candidate: null});
      }
    };
    pc.onicecandidateerror = (event) =>
      log(`candidate error ${event.errorCode} ${event.errorText} (${event.url || ''})`);
    pc.oniceconnectionstatechange = () => {
      this.result.iceConnectionState = pc.iceConnectionState;
      log(`ICE ${pc.iceConnectionState}`);
    };
    pc.onconnectionstatechange = () => this.onConnectionState(pc.connectionState);
    pc.ondatachannel = (event) => this.useChannel(event.channel);
    if (this.options.role === 'offer') this.useChannel(pc.createDataChannel('chat'));
  }

  onConnectionState(state) {
    this.result.connectionState = state;
    log(`connection ${state}`);
    setStatus(`connection ${state}`);
    if (state === 'connected' && !this.result.reachedConnected) {
      this.result.reachedConnected = true;
      clearTimeout(this.timeoutTimer);
      if (this.options.durationS > 0) {
        this.durationTimer = setTimeout(
          () => this.end(`${this.options.durationS} s connected`, {sendBye: true}),
          this.options.durationS * 1000,
        );
      }
    } else if (state === 'failed') {
      this.end('connection failed', {failed: true});
    }
  }

  async sendOffer() {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    log('sending offer');
    this.send({type: 'offer', sdp: this.pc.localDescription.sdp});
  }

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  onSignalingText(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch (error) {
      log(`ignoring signaling text that is not JSON: ${text.slice(0, 80)}`);
      return;
    }
    this.incoming = this.incoming.then(() => this.run(() => this.onSignalingMessage(message)));
  }

  async onSignalingMessage(message) {
    if (this.ended) return;
    switch (message.type) {
      case 'offer':
        if (this.options.role !== 'answer') throw new Error('got an offer while offering');
        log('got offer');
        await this.pc.setRemoteDescription({type: 'offer', sdp: message.sdp});
        await this.addPendingCandidates();
        await this.pc.setLocalDescription(await this.pc.createAnswer());
        log('sending answer');
        this.send({type: 'answer', sdp: this.pc.localDescription.sdp});
        break;
      case 'answer':
        if (this.options.role !== 'offer') throw new Error('got an answer while answering');
        log('got answer');
        await this.pc.setRemoteDescription({type: 'answer', sdp: message.sdp});
        await this.addPendingCandidates();
        break;
      case 'candidate':
        if (this.pc.remoteDescription) {
          await this.addCandidate(message);
        } else {
          this.pendingCandidates.push(message);
        }
        break;
      case 'bye':
        log('got bye');
        this.result.byeReceived = true;
        await this.end('peer said bye', {});
        break;
      default:
        log(`ignoring signaling message of type ${message.type}`);
    }
  }

  async addPendingCandidates() {
    const pending = this.pendingCandidates;
    this.pendingCandidates = [];
    for (const message of pending) await this.addCandidate(message);
  }

  // A remote candidate, or the end of them (a null or empty candidate). A candidate the browser
  // rejects is logged, not fatal: the others may still connect.
  async addCandidate(message) {
    const end = message.candidate === null || message.candidate === '';
    const init = end
      ? {candidate: ''}
      : {
          candidate: message.candidate,
          sdpMid: message.sdpMid ?? null,
          sdpMLineIndex: message.sdpMLineIndex ?? null,
        };
    if (init.sdpMid === null && init.sdpMLineIndex === null) init.sdpMLineIndex = 0;
    try {
      await this.pc.addIceCandidate(init);
      log(end ? 'remote end of candidates' : `remote candidate ${message.candidate}`);
    } catch (error) {
      log(`addIceCandidate(${JSON.stringify(init)}) failed: ${error}`);
    }
  }

  useChannel(channel) {
    this.channel = channel;
    channel.onopen = () => {
      log(`data channel "${channel.label}" open`);
      this.result.channelOpened = true;
      $('chat-input').disabled = false;
      $('chat-send').disabled = false;
      this.pingTimer = setInterval(() => this.ping(), PING_INTERVAL_MS);
    };
    channel.onclose = () => {
      log(`data channel "${channel.label}" closed`);
      clearInterval(this.pingTimer);
    };
    channel.onerror = (event) => log(`data channel error: ${event.error && event.error.message}`);
    channel.onmessage = (event) => this.onChannelMessage(event.data);
  }

  ping() {
    if (this.channel.readyState !== 'open') return;
    this.result.pingsSent += 1;
    this.channel.send(`ping ${this.result.pingsSent}`);
    this.showCounters();
    if (this.pc.connectionState === 'connected') {
      flattenStats(this.pc).then((stats) => {
        if (!this.ended) this.connectedStats = stats;
      });
    }
  }

  onChannelMessage(data) {
    if (typeof data !== 'string') {
      log(`binary message of ${data.byteLength || data.size} bytes`);
      return;
    }
    if (/^ping \d+$/.test(data)) {
      if (this.channel.readyState === 'open') this.channel.send(`echo:${data}`);
      this.result.pingsAnswered += 1;
    } else if (/^echo:ping \d+$/.test(data)) {
      this.result.echoesReceived += 1;
    } else if (data.startsWith('echo:')) {
      showMessage('echo', data.slice('echo:'.length));
    } else {
      this.result.chatReceived += 1;
      showMessage('peer', data);
    }
    this.showCounters();
  }

  sendChat(text) {
    if (!this.channel || this.channel.readyState !== 'open') return;
    this.channel.send(text);
    showMessage('me', text);
  }

  showCounters() {
    const r = this.result;
    $('counters').textContent =
      `pings sent ${r.pingsSent}, echoes received ${r.echoesReceived}, ` +
      `pings answered ${r.pingsAnswered}`;
  }

  // Ends the call once: stops the pings, takes the statistics while the connection still exists,
  // says bye when asked to, closes, and reports.
  async end(reason, {sendBye = false, failed = false}) {
    if (this.ended) return;
    this.ended = true;
    log(`ending: ${reason}`);
    this.result.endReason = reason;
    if (failed) this.result.errors.push(reason);
    clearInterval(this.pingTimer);
    clearTimeout(this.durationTimer);
    clearTimeout(this.timeoutTimer);
    this.result.connectionState = this.pc.connectionState;
    this.result.iceConnectionState = this.pc.iceConnectionState;
    try {
      const stats = await flattenStats(this.pc);
      const stillConnected = stats.transport && stats.transport.dtlsState === 'connected';
      this.result.statsTakenAt = stillConnected || !this.connectedStats ? 'end' : 'last ping';
      this.result.stats = this.result.statsTakenAt === 'end' ? stats : this.connectedStats;
    } catch (error) {
      this.result.errors.push(`getStats failed: ${error}`);
    }
    if (sendBye) {
      this.send({type: 'bye'});
      this.result.byeSent = true;
    }
    this.pc.close();
    if (this.ws) this.ws.close(1000, 'bye');
    $('hangup').disabled = true;
    setStatus(`ended: ${reason} (${this.result.echoesReceived} echoes received)`);
    this.report();
  }

  report() {
    window.parleyReport = this.result;
    if (!this.options.report) return;
    this.result.log = logLines.slice(-REPORT_LOG_LINES);
    const socket = new WebSocket(signalingUrl(this.options.report));
    // Left open: the room drops what it queued once both sides have gone.
    socket.onopen = () => {
      socket.send(JSON.stringify(this.result));
      log(`report sent to room ${this.options.report}`);
    };
    socket.onerror = () => log(`could not send the report to room ${this.options.report}`);
  }
}

function main() {
  const options = readOptions();
  $('room').value = options.room;
  $('role').value = options.role;
  let call = null;

  const start = () => {
    if (call) return;
    options.room = $('room').value;
    options.role = $('role').value;
    $('connect').disabled = true;
    $('hangup').disabled = false;
    call = new Call(options);
    window.parleyCall = call;
    call.start();
  };
  $('settings').addEventListener('submit', (event) => {
    event.preventDefault();
    start();
  });
  $('hangup').addEventListener('click', () => call && call.end('hung up', {sendBye: true}));
  $('chat-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('chat-input');
    if (call && input.value) call.sendChat(input.value);
    input.value = '';
  });
  if (options.autostart) start();
}

main();
