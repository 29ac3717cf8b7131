/**
 * The Chromium side of the `pipeline` scenario: a caller of a remote executor written with
 * the page's own RTCPeerConnection and WebSocket, and src/remote's wire codec and signaling
 * client (bundled from src/remote/browser.ts). It sends a WebAudio test signal on a sendrecv
 * Opus track, runs a sub-pipeline on the executor that takes that track as input and sends its
 * processed audio back on it, and collects the events the sub-pipeline sends on the data
 * channel and what Chrome's own statistics say about the audio it gets back.
 *
 * The test signal: a 440 Hz tone at amplitude 0.5 switched on and off by a gain node every
 * `periodMs`, starting `leadMs` after the session starts (WebAudio schedules gain changes to
 * the sample), so transitions fall on a known grid.
 */
import { browserBundle } from './browser-bundle.js';

export function pipelinePageHtml(): Promise<string> {
  return browserBundle('remote', 'browser', 'Remote').then((bundle) => `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>spell conform: pipeline</title></head>
<body>
<script>${bundle.replace(/<\/script/gi, '<\\/script')}</script>
<script>
'use strict';
const state = { dest: null, pc: null, dc: null, signaling: null, ac: null, gain: null, reader: new Remote.WireReader(), events: [], errors: [], hello: null, started: null, done: null, waiters: [], signalStartAt: 0, returned: null };
function waitFor(cond, ms, what) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const tick = () => {
      const v = cond();
      if (v) return resolve(v);
      if (performance.now() - t0 > ms) return reject(new Error(what + ': not within ' + ms + ' ms (errors: ' + state.errors.join('; ') + ')'));
      setTimeout(tick, 20);
    };
    tick();
  });
}
function send(msg) {
  for (const chunk of Remote.chunkMessage(Remote.encodeMessage(msg))) state.dc.send(chunk);
}
window.conform = {
  /** Connect to the executor at \`url\` with a sendrecv audio track and the remote data channel; resolves with its hello. */
  async connect(url) {
    const ac = state.ac = new AudioContext({ sampleRate: 48000 });
    await ac.resume();
    const osc = ac.createOscillator();
    osc.frequency.value = 440;
    const gain = state.gain = ac.createGain();
    gain.gain.value = 0;
    const dest = state.dest = ac.createMediaStreamDestination();
    osc.connect(gain).connect(dest);
    osc.start();
    const pc = state.pc = new RTCPeerConnection();
    pc.addTransceiver(dest.stream.getAudioTracks()[0], { direction: 'sendrecv', streams: [dest.stream] });
    pc.ontrack = (e) => {
      // Play what comes back into an analyser (not the speakers): Chrome only decodes a track something consumes.
      const stream = e.streams[0] || new MediaStream([e.track]);
      const src = ac.createMediaStreamSource(stream);
      const analyser = ac.createAnalyser();
      analyser.fftSize = 2048;
      src.connect(analyser);
      state.returned = analyser;
      const el = new Audio();
      el.srcObject = stream;
      el.muted = true;
      el.play().catch(() => {});
    };
    const dc = state.dc = pc.createDataChannel(Remote.DEFAULTS.channelLabel);
    dc.binaryType = 'arraybuffer';
    dc.onmessage = (e) => {
      try {
        const m = state.reader.push(new Uint8Array(e.data));
        if (!m) return;
        if (m.type === 'hello') state.hello = m;
        else if (m.type === 'started') state.started = m;
        else if (m.type === 'done') state.done = m;
        else if (m.type === 'error') state.errors.push(m.code + ': ' + m.message);
        else if (m.type === 'frame' && m.frame.kind === 'data') state.events.push({ node: m.node, mediaTimeUs: m.frame.mediaTimeUs, value: m.frame.value });
      } catch (err) { state.errors.push(String(err && err.message || err)); }
    };
    const signaling = state.signaling = new Remote.SignalingClient({ url, room: Remote.DEFAULTS.room, metadata: { role: 'caller' }, reconnect: false });
    signaling.on('error', (e) => state.errors.push('signaling: ' + e.message));
    const executor = Remote.DEFAULTS.executorPeerId;
    pc.onicecandidate = (e) => { if (e.candidate && e.candidate.candidate) signaling.send({ type: 'ice-candidate', to: executor, candidate: e.candidate.candidate, mid: e.candidate.sdpMid || '0' }); };
    signaling.on('ice-candidate', ({ from, candidate, mid }) => { if (from === executor) pc.addIceCandidate({ candidate, sdpMid: mid }).catch((err) => state.errors.push('ice: ' + err.message)); });
    signaling.on('answer', ({ from, sdp }) => { if (from === executor) pc.setRemoteDescription({ type: 'answer', sdp }).catch((err) => state.errors.push('answer: ' + err.message)); });
    await signaling.connect();
    await pc.setLocalDescription(await pc.createOffer());
    signaling.send({ type: 'offer', to: executor, sdp: pc.localDescription.sdp });
    const hello = await waitFor(() => state.hello, 20000, 'the executor\\'s hello');
    return { protocol: hello.protocol, name: hello.name, capabilities: hello.capabilities };
  },
  /** Start the sub-pipeline on the track and schedule the test signal; resolves with the session's nodes. */
  async start(manifest, signal) {
    send({ type: 'start', session: 1, manifest: JSON.stringify(manifest), audio: { input: true, output: true } });
    const started = await waitFor(() => state.started || (state.errors.length && { error: state.errors.join('; ') }), 20000, 'started');
    if (started.error) throw new Error(started.error);
    const ac = state.ac;
    const t0 = ac.currentTime + signal.leadMs / 1000;
    state.signalStartAt = t0;
    for (let k = 0; k < signal.periods; k++) state.gain.gain.setValueAtTime(k % 2 === 0 ? 0.5 : 0, t0 + (k * signal.periodMs) / 1000);
    state.gain.gain.setValueAtTime(0, t0 + (signal.periods * signal.periodMs) / 1000);
    if (signal.speech) {
      // A synthetic voice after the tone, \`speech.gapMs\` after its last switch.
      const buf = ac.createBuffer(1, signal.speech.samples.length, 48000);
      buf.copyToChannel(Float32Array.from(signal.speech.samples), 0);
      const src = ac.createBufferSource();
      src.buffer = buf;
      src.connect(state.dest);
      src.start(t0 + (signal.periods * signal.periodMs + signal.speech.gapMs) / 1000);
    }
    return started.nodes;
  },
  /** Energy of the returned audio now (RMS of the analyser's window), and Chrome's inbound/outbound audio statistics. */
  async audioStats() {
    let rms = 0;
    if (state.returned) {
      const buf = new Float32Array(state.returned.fftSize);
      state.returned.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += v * v;
      rms = Math.sqrt(sum / buf.length);
    }
    const out = { rms, inbound: null, outbound: null, remoteInbound: null };
    for (const s of (await state.pc.getStats()).values()) {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') out.inbound = { packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, jitter: s.jitter, totalAudioEnergy: s.totalAudioEnergy, concealedSamples: s.concealedSamples, totalSamplesReceived: s.totalSamplesReceived };
      if (s.type === 'outbound-rtp' && s.kind === 'audio') out.outbound = { packetsSent: s.packetsSent };
      if (s.type === 'remote-inbound-rtp' && s.kind === 'audio') out.remoteInbound = { roundTripTime: s.roundTripTime, packetsLost: s.packetsLost };
    }
    return out;
  },
  events() { return state.events; },
  errors() { return state.errors; },
  /** End the session's input and wait for the executor's statistics. */
  async finish() {
    send({ type: 'end', session: 1 });
    const done = await waitFor(() => state.done || (state.errors.length && { error: state.errors.join('; ') }), 30000, 'done');
    if (done.error) throw new Error(done.error);
    return done.stats;
  },
  close() {
    try { state.dc && state.dc.close(); } catch {}
    try { state.pc && state.pc.close(); } catch {}
    try { state.signaling && state.signaling.close(); } catch {}
    try { state.ac && state.ac.close(); } catch {}
  },
};
</script>
</body></html>`);
}
