/**
 * The receiving page Chromium loads (from http://localhost, a secure context). `window.rx`
 * holds the steps the Node side drives with page.evaluate; Chrome's trickled candidates go
 * out through the exposed `chromeCandidate` function.
 */
export const RECEIVER_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>spellbook peer receiver</title></head>
<body><video id="v" autoplay muted playsinline></video><audio id="a" autoplay></audio>
<script>
let pc;
const stream = new MediaStream();
function watch() {
  pc.onicecandidate = (e) => { if (e.candidate && e.candidate.candidate) window.chromeCandidate(e.candidate.candidate, e.candidate.sdpMid || ''); };
  pc.ontrack = (e) => {
    stream.addTrack(e.track);
    const el = document.getElementById(e.track.kind === 'video' ? 'v' : 'a');
    el.srcObject = new MediaStream([e.track]);
    el.play().catch(() => {});
  };
}
window.rx = {
  /** Chrome offers: receive-only video and audio; codecs restricted to \`videoCodec\` (mime type) when given. */
  async offer(videoCodec) {
    pc = new RTCPeerConnection();
    watch();
    const video = pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    if (videoCodec) {
      const codecs = RTCRtpReceiver.getCapabilities('video').codecs.filter((c) => c.mimeType === videoCodec);
      video.setCodecPreferences(codecs);
    }
    await pc.setLocalDescription();
    return pc.localDescription.sdp;
  },
  /** Chrome offers send-and-receive video and audio from its fake camera and microphone. */
  async offerSendRecv() {
    pc = new RTCPeerConnection();
    watch();
    const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 }, audio: true });
    for (const track of media.getTracks()) pc.addTrack(track, media);
    await pc.setLocalDescription();
    return pc.localDescription.sdp;
  },
  /**
   * Chrome offers send-and-receive audio only: its track is a WebAudio OscillatorNode at
   * the given frequency (gain 0.5) through a MediaStreamAudioDestinationNode.
   */
  async offerTone(frequency) {
    pc = new RTCPeerConnection();
    watch();
    const ctx = new AudioContext({ sampleRate: 48000 });
    window.toneCtx = ctx;
    window.analyser = undefined;
    const osc = ctx.createOscillator();
    osc.frequency.value = frequency;
    const gain = ctx.createGain();
    gain.gain.value = 0.5;
    const dest = ctx.createMediaStreamDestination();
    osc.connect(gain).connect(dest);
    osc.start();
    await ctx.resume();
    pc.addTrack(dest.stream.getAudioTracks()[0], dest.stream);
    await pc.setLocalDescription();
    return pc.localDescription.sdp;
  },
  /**
   * The strongest frequency of the audio Chrome receives, from an AnalyserNode (FFT 8192 at
   * 48 kHz, 5.9 Hz bins, refined by parabolic interpolation over the neighbouring bins).
   */
  peakFrequency() {
    const ctx = window.toneCtx;
    if (!window.analyser) {
      const receiver = pc.getReceivers().find((r) => r.track.kind === 'audio');
      const source = ctx.createMediaStreamSource(new MediaStream([receiver.track]));
      window.analyser = ctx.createAnalyser();
      window.analyser.fftSize = 8192;
      window.analyser.smoothingTimeConstant = 0;
      source.connect(window.analyser);
    }
    const a = window.analyser;
    const bins = new Float32Array(a.frequencyBinCount);
    a.getFloatFrequencyData(bins);
    let best = 1;
    for (let i = 2; i < bins.length - 1; i++) if (bins[i] > bins[best]) best = i;
    const [l, c, r] = [bins[best - 1], bins[best], bins[best + 1]];
    const shift = Number.isFinite(l + c + r) && l - 2 * c + r !== 0 ? (0.5 * (l - r)) / (l - 2 * c + r) : 0;
    return { frequency: ((best + shift) * ctx.sampleRate) / a.fftSize, db: c, contextState: ctx.state };
  },
  directions() { return pc.getTransceivers().map((t) => ({ mid: t.mid, kind: t.receiver.track.kind, direction: t.direction, currentDirection: t.currentDirection })); },
  async answer(sdp) { await pc.setRemoteDescription({ type: 'answer', sdp }); },
  /** Chrome answers an offer from us. */
  async acceptOffer(sdp) {
    pc = new RTCPeerConnection();
    watch();
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription();
    return pc.localDescription.sdp;
  },
  async addCandidate(candidate, mid) { await pc.addIceCandidate({ candidate, sdpMid: mid }); },
  state() { return pc ? pc.connectionState : 'none'; },
  async stats() {
    const out = { inbound: {}, outbound: {}, remoteOutbound: {}, transport: null };
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp') out.inbound[s.kind] = {
        ssrc: s.ssrc, packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, framesDecoded: s.framesDecoded,
        keyFramesDecoded: s.keyFramesDecoded, frameWidth: s.frameWidth, frameHeight: s.frameHeight, nackCount: s.nackCount,
        pliCount: s.pliCount, firCount: s.firCount, jitter: s.jitter, framesPerSecond: s.framesPerSecond,
        totalDecodeTime: s.totalDecodeTime, retransmittedPacketsReceived: s.retransmittedPacketsReceived, bytesReceived: s.bytesReceived,
        decoderImplementation: s.decoderImplementation, framesReceived: s.framesReceived, framesDropped: s.framesDropped,
        freezeCount: s.freezeCount, totalFreezesDuration: s.totalFreezesDuration,
        audioLevel: s.audioLevel, totalSamplesReceived: s.totalSamplesReceived, concealedSamples: s.concealedSamples };
      if (s.type === 'outbound-rtp') out.outbound[s.kind] = { ssrc: s.ssrc, packetsSent: s.packetsSent, bytesSent: s.bytesSent };
      if (s.type === 'remote-outbound-rtp') out.remoteOutbound[s.kind] = { ssrc: s.ssrc, packetsSent: s.packetsSent, reportsSent: s.reportsSent, remoteTimestamp: s.remoteTimestamp };
      if (s.type === 'transport') out.transport = { dtlsState: s.dtlsState, srtpCipher: s.srtpCipher, dtlsCipher: s.dtlsCipher };
    });
    return out;
  },
  close() {
    if (pc) pc.close();
    pc = undefined;
    if (window.toneCtx) void window.toneCtx.close();
    window.toneCtx = undefined;
  },
};
</script></body></html>`;

export interface InboundStats {
  ssrc: number;
  packetsReceived: number;
  packetsLost: number;
  framesDecoded?: number;
  keyFramesDecoded?: number;
  frameWidth?: number;
  frameHeight?: number;
  nackCount?: number;
  pliCount?: number;
  firCount?: number;
  jitter?: number;
  framesPerSecond?: number;
  totalDecodeTime?: number;
  retransmittedPacketsReceived?: number;
  bytesReceived?: number;
  decoderImplementation?: string;
  framesReceived?: number;
  framesDropped?: number;
  freezeCount?: number;
  /** Seconds. */
  totalFreezesDuration?: number;
  /** Audio: 0..1, the level of the last samples played out. */
  audioLevel?: number;
  totalSamplesReceived?: number;
  concealedSamples?: number;
}

export interface ChromeStats {
  inbound: { video?: InboundStats; audio?: InboundStats };
  outbound: { audio?: { ssrc: number; packetsSent: number; bytesSent: number } };
  remoteOutbound: { video?: { ssrc: number; packetsSent: number; reportsSent: number; remoteTimestamp: number }; audio?: { ssrc: number; packetsSent: number; reportsSent: number } };
  transport: { dtlsState: string; srtpCipher: string; dtlsCipher: string } | null;
}
