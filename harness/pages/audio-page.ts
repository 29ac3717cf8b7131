/**
 * The Chromium side of the `audio-opus` scenario: answers our Peer's send-only Opus offer
 * (RFC 7587) receive-only, trickles its candidates out through the exposed
 * `chromeCandidate(candidate, mid)` function, plays the received track in an <audio>
 * element and analyses it with WebAudio (MediaStreamAudioSourceNode -> AnalyserNode).
 *
 * Chrome only pulls a remote WebRTC audio track through WebAudio while the track also plays
 * in a media element, so both are attached. `stats()` returns the audio inbound-rtp entry of
 * getStats() (W3C webrtc-stats: packets, loss, jitter, concealment, audio level) together
 * with one analyser reading: the dominant frequency (peak bin of the magnitude spectrum) and
 * the RMS level of the latest time-domain window in dBFS.
 */
export const AUDIO_PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>spell conform: audio-opus</title></head>
<body><audio id="a" autoplay playsinline></audio>
<script>
'use strict';
/** FFT size of the analyser: 8192 points, about 5.9 Hz per bin at 48 kHz. */
const FFT_SIZE = 8192;
/** Bins below this are ignored when looking for the peak (DC and rumble). */
const MIN_PEAK_BIN = 4;
const state = { pc: null, audioContext: null, analyser: null, freq: null, time: null, errors: [] };

function analyse(track) {
  const el = document.getElementById('a');
  const stream = new MediaStream([track]);
  el.srcObject = stream;
  el.play().catch((e) => state.errors.push('audio element: ' + e.message));
  const ac = state.audioContext = new AudioContext();
  ac.resume().catch((e) => state.errors.push('AudioContext: ' + e.message));
  const source = ac.createMediaStreamSource(stream);
  const analyser = state.analyser = ac.createAnalyser();
  analyser.fftSize = FFT_SIZE;
  analyser.smoothingTimeConstant = 0;
  // A muted path to the destination keeps the graph pulled.
  const mute = ac.createGain();
  mute.gain.value = 0;
  source.connect(analyser);
  analyser.connect(mute);
  mute.connect(ac.destination);
  state.freq = new Float32Array(analyser.frequencyBinCount);
  state.time = new Float32Array(analyser.fftSize);
}

/** The dominant frequency (peak bin, refined by a parabola through its neighbours) and the RMS level. */
function reading() {
  const a = state.analyser;
  if (!a) return null;
  a.getFloatFrequencyData(state.freq);
  a.getFloatTimeDomainData(state.time);
  const f = state.freq;
  let peak = MIN_PEAK_BIN;
  for (let i = MIN_PEAK_BIN + 1; i < f.length - 1; i++) if (f[i] > f[peak]) peak = i;
  let offset = 0;
  const l = f[peak - 1], c = f[peak], r = f[peak + 1];
  const denom = l - 2 * c + r;
  if (Number.isFinite(denom) && denom !== 0) offset = Math.max(-0.5, Math.min(0.5, 0.5 * (l - r) / denom));
  let sum = 0;
  for (let i = 0; i < state.time.length; i++) sum += state.time[i] * state.time[i];
  const rms = Math.sqrt(sum / state.time.length);
  const binHz = state.audioContext.sampleRate / a.fftSize;
  return {
    peakBin: peak, peakHz: (peak + offset) * binHz, peakDb: Number.isFinite(c) ? c : -1000, binHz,
    rmsDbfs: rms > 0 ? 20 * Math.log10(rms) : -1000,
    sampleRate: state.audioContext.sampleRate, contextState: state.audioContext.state,
  };
}

window.conform = {
  /** Answers our offer receive-only; candidates trickle out through chromeCandidate. */
  async answer(offer) {
    if (state.pc) state.pc.close();
    if (state.audioContext) state.audioContext.close().catch(() => {});
    state.audioContext = null;
    state.analyser = null;
    const pc = state.pc = new RTCPeerConnection();
    pc.onicecandidate = (e) => {
      if (e.candidate && e.candidate.candidate) window.chromeCandidate(e.candidate.candidate, e.candidate.sdpMid || '');
    };
    pc.ontrack = (e) => { if (e.track.kind === 'audio') analyse(e.track); };
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    for (const t of pc.getTransceivers()) t.direction = 'recvonly';
    await pc.setLocalDescription(await pc.createAnswer());
    return pc.localDescription.sdp;
  },
  async addCandidate(candidate, mid) {
    if (state.pc) await state.pc.addIceCandidate({ candidate, sdpMid: mid });
  },
  state() { return state.pc ? state.pc.connectionState : 'none'; },
  async stats() {
    if (!state.pc) return null;
    const report = await state.pc.getStats();
    let s = null;
    report.forEach((x) => { if (x.type === 'inbound-rtp' && x.kind === 'audio') s = x; });
    let codec = null;
    if (s && s.codecId) { const c = report.get(s.codecId); if (c) codec = c.mimeType + '/' + c.clockRate + (c.channels ? '/' + c.channels : '') + ' ' + (c.sdpFmtpLine || ''); }
    return {
      connectionState: state.pc.connectionState,
      inbound: s && {
        timestamp: s.timestamp, ssrc: s.ssrc, packetsReceived: s.packetsReceived || 0, packetsLost: s.packetsLost || 0,
        packetsDiscarded: s.packetsDiscarded || 0, bytesReceived: s.bytesReceived || 0, jitter: s.jitter || 0,
        totalSamplesReceived: s.totalSamplesReceived || 0, concealedSamples: s.concealedSamples || 0,
        silentConcealedSamples: s.silentConcealedSamples || 0, concealmentEvents: s.concealmentEvents || 0,
        insertedSamplesForDeceleration: s.insertedSamplesForDeceleration || 0, removedSamplesForAcceleration: s.removedSamplesForAcceleration || 0,
        audioLevel: s.audioLevel || 0, totalAudioEnergy: s.totalAudioEnergy || 0, totalSamplesDuration: s.totalSamplesDuration || 0,
        jitterBufferDelay: s.jitterBufferDelay || 0, jitterBufferEmittedCount: s.jitterBufferEmittedCount || 0,
        codec,
      },
      analyser: reading(),
      errors: state.errors.slice(0, 10),
    };
  },
  close() {
    if (state.pc) state.pc.close();
    state.pc = null;
    if (state.audioContext) state.audioContext.close().catch(() => {});
    state.audioContext = null;
    state.analyser = null;
    return true;
  },
};
</script>
</body></html>
`;
