/**
 * The anchor page of `video-720p30`: Chrome to Chrome on the same pictures with the same stamp.
 *
 * The page runs src/encoding's `SyntheticSource` (bundled with esbuild, see browser-bundle.ts:
 * the same code, pattern and stamp that our Streamer sends) on a timer at the frame rate. Each
 * I420 picture goes, unconverted, into a `VideoFrame` written to a `MediaStreamTrackGenerator`
 * (W3C mediacapture-transform); where the browser has none, it is converted to RGB (BT.601
 * limited range) and drawn to a canvas captured with `captureStream(0)` + `requestFrame()`.
 * The track is sent by the browser's own WebRTC H.264 encoder (`setCodecPreferences` keeps
 * only H.264, packetization-mode 1 and constrained baseline first; `maxBitrate` the same as
 * ours; `degradationPreference` 'maintain-resolution' so the stamp keeps its size) over a
 * second RTCPeerConnection in the same page, the two connected by in-page offer/answer (JSEP,
 * RFC 9429) and trickled candidates. The received track plays in a <video> read by the same
 * watcher and stamp reader as the receiver page (STAMP_WATCHER_JS, STAMP_READER_JS of
 * video-page.ts). Capture-to-display latency = display time minus the time the page drew the
 * frame (the stamp's `Date.now() % 2^32`), one clock.
 *
 * `conform.start(options)` returns `{ ok: true, path, codec }` or `{ ok: false, reason }` when
 * the browser cannot do it (no H.264 sender, no way to make a track from pictures);
 * `conform.frames()` drains the stamp readings; `conform.stats()` gives the sender's
 * outbound-rtp and the receiver's inbound-rtp video statistics (W3C webrtc-stats).
 */
import { browserBundle } from './browser-bundle.js';
import { STAMP_READER_JS, STAMP_WATCHER_JS } from './video-page.js';

/** The global the bundled src/encoding/synthetic.ts is assigned to in the page. */
const SYNTHETIC_GLOBAL = 'SpellSynthetic';

/** The anchor page's HTML, with src/encoding/synthetic.ts bundled in (built once per process). */
export async function anchorPage(): Promise<string> {
  const bundle = await browserBundle('encoding', 'synthetic', SYNTHETIC_GLOBAL);
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>spell conform: Chrome-to-Chrome anchor</title></head>
<body>
<video id="v" autoplay muted playsinline></video>
<canvas id="c" width="128" height="128"></canvas><canvas id="src"></canvas>
<script>${bundle.replace(/<\/script/gi, '<\\/script')}</script>
<script>
'use strict';
${STAMP_READER_JS}
${STAMP_WATCHER_JS}
const video = document.getElementById('v');
const ctx2d = document.getElementById('c').getContext('2d', { willReadFrequently: true });
const A = { send: null, recv: null, timer: null, running: false, drawn: 0, lateTicks: 0, errors: [], path: '', track: null };
const watcher = createStampWatcher(video, ctx2d, A.errors);
const error = (text) => { if (A.errors.length < 10) A.errors.push(text); };

/** H.264 entries of the sender's capabilities, packetization-mode 1 and constrained baseline (42e0..) first. */
function h264Codecs() {
  const caps = typeof RTCRtpSender !== 'undefined' && RTCRtpSender.getCapabilities ? RTCRtpSender.getCapabilities('video') : null;
  const all = (caps && caps.codecs) || [];
  const h264 = all.filter((c) => /^video\\/h264$/i.test(c.mimeType));
  const score = (c) => (/packetization-mode=1/.test(c.sdpFmtpLine || '') ? 0 : 2) + (/profile-level-id=42e0/i.test(c.sdpFmtpLine || '') ? 0 : 1);
  h264.sort((a, b) => score(a) - score(b));
  return { h264, listed: [...new Set(all.map((c) => c.mimeType.replace(/^video\\//i, '')))].join(', ') };
}

/** A track fed with I420 pictures: \`push(frame)\` sends one SyntheticSource frame. */
function pictureTrack(width, height, fps, force) {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  if (force !== 'canvas' && typeof MediaStreamTrackGenerator === 'function' && typeof VideoFrame === 'function') {
    const generator = new MediaStreamTrackGenerator({ kind: 'video' });
    const writer = generator.writable.getWriter();
    const buf = new Uint8Array(width * height + 2 * cw * ch);
    return {
      path: 'MediaStreamTrackGenerator (I420 VideoFrame)',
      track: generator,
      push(f) {
        buf.set(f.y, 0);
        buf.set(f.u, width * height);
        buf.set(f.v, width * height + cw * ch);
        const frame = new VideoFrame(buf, { format: 'I420', codedWidth: width, codedHeight: height, timestamp: f.timestampUs });
        writer.write(frame).catch((e) => error('write: ' + e.message)).finally(() => frame.close());
      },
    };
  }
  const canvas = document.getElementById('src');
  if (force === 'generator' || typeof canvas.captureStream !== 'function') return null;
  canvas.width = width;
  canvas.height = height;
  const c2 = canvas.getContext('2d');
  const img = c2.createImageData(width, height);
  const track = canvas.captureStream(0).getVideoTracks()[0];
  return {
    path: 'canvas.captureStream (I420 to RGB, BT.601)',
    track,
    push(f) {
      const d = img.data;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const Y = 1.164 * (f.y[y * width + x] - 16);
          const c = (y >> 1) * cw + (x >> 1);
          const U = f.u[c] - 128;
          const V = f.v[c] - 128;
          const o = (y * width + x) * 4;
          d[o] = Y + 1.596 * V;
          d[o + 1] = Y - 0.813 * V - 0.391 * U;
          d[o + 2] = Y + 2.018 * U;
          d[o + 3] = 255;
        }
      }
      c2.putImageData(img, 0, 0);
      if (track.requestFrame) track.requestFrame();
    },
  };
}

/** Offer/answer between the two connections of this page; candidates wait for the remote description. */
async function connect(send, recv) {
  const described = new Map([[send, null], [recv, null]]);
  const remoteSet = (pc) => { let done; const p = new Promise((r) => (done = r)); described.set(pc, { p, done }); };
  remoteSet(send);
  remoteSet(recv);
  const trickle = (from, to) => (from.onicecandidate = (e) => {
    if (e.candidate && e.candidate.candidate) described.get(to).p.then(() => to.addIceCandidate(e.candidate)).catch((err) => error('candidate: ' + err.message));
  });
  trickle(send, recv);
  trickle(recv, send);
  await send.setLocalDescription();
  await recv.setRemoteDescription(send.localDescription);
  described.get(recv).done();
  await recv.setLocalDescription();
  await send.setRemoteDescription(recv.localDescription);
  described.get(send).done();
}

window.conform = {
  /** Starts the anchor: { width, height, fps, bitrateBps, force?: 'generator' | 'canvas' }. */
  async start(o) {
    if (typeof SpellSynthetic === 'undefined') return { ok: false, reason: 'the synthetic source bundle did not load' };
    const { h264, listed } = h264Codecs();
    if (!h264.length) return { ok: false, reason: "RTCRtpSender.getCapabilities('video') lists " + (listed || 'no codec') + ' and no H.264' };
    if (typeof HTMLVideoElement.prototype.requestVideoFrameCallback !== 'function') return { ok: false, reason: 'no requestVideoFrameCallback to read presented frames' };
    const pictures = pictureTrack(o.width, o.height, o.fps, o.force);
    if (!pictures) return { ok: false, reason: 'no MediaStreamTrackGenerator and no canvas.captureStream to make a track from pictures' };
    A.path = pictures.path;
    A.track = pictures.track;
    const send = A.send = new RTCPeerConnection();
    const recv = A.recv = new RTCPeerConnection();
    recv.ontrack = (e) => {
      video.srcObject = new MediaStream([e.track]);
      video.play().catch((err) => error('play: ' + err.message));
      watcher.watch();
    };
    const transceiver = send.addTransceiver(pictures.track, { direction: 'sendonly', sendEncodings: [{ maxBitrate: o.bitrateBps, maxFramerate: o.fps }] });
    if (typeof transceiver.setCodecPreferences !== 'function') return { ok: false, reason: 'no RTCRtpTransceiver.setCodecPreferences to ask for H.264' };
    transceiver.setCodecPreferences(h264);
    try {
      const p = transceiver.sender.getParameters();
      p.degradationPreference = 'maintain-resolution';
      await transceiver.sender.setParameters(p);
    } catch (e) { error('degradationPreference: ' + e.message); }
    await connect(send, recv);
    const source = new SpellSynthetic.SyntheticSource({ width: o.width, height: o.height, fps: o.fps });
    const period = 1000 / o.fps;
    let next = performance.now();
    A.running = true;
    const tick = () => {
      if (!A.running) return;
      pictures.push(source.next());
      A.drawn++;
      next += period;
      const now = performance.now();
      // Behind by more than a frame: start again from now rather than send a burst.
      if (next < now - period) { A.lateTicks++; next = now; }
      A.timer = setTimeout(tick, Math.max(0, next - now));
    };
    tick();
    return { ok: true, path: pictures.path, codec: 'H264 ' + (h264[0].sdpFmtpLine || '') };
  },
  frames() { return watcher.drain(); },
  async stats() {
    const out = { at: Date.now(), state: A.recv ? A.recv.connectionState : 'none', drawn: A.drawn, lateTicks: A.lateTicks, visibility: document.visibilityState, errors: A.errors.slice(), sent: null, received: null, codec: '' };
    if (!A.send || !A.recv) return out;
    const [s, r] = await Promise.all([A.send.getStats(), A.recv.getStats()]);
    s.forEach((x) => {
      if (x.type === 'outbound-rtp' && x.kind === 'video') {
        out.sent = { framesEncoded: x.framesEncoded || 0, frameWidth: x.frameWidth || 0, frameHeight: x.frameHeight || 0, bytesSent: x.bytesSent || 0, totalEncodeTime: x.totalEncodeTime || 0, encoderImplementation: x.encoderImplementation || '', qualityLimitationReason: x.qualityLimitationReason || '', targetBitrate: x.targetBitrate || 0 };
        const codec = x.codecId && s.get(x.codecId);
        if (codec) out.codec = codec.mimeType + (codec.sdpFmtpLine ? ' ' + codec.sdpFmtpLine : '');
      }
    });
    r.forEach((x) => {
      if (x.type === 'inbound-rtp' && x.kind === 'video') {
        out.received = { framesDecoded: x.framesDecoded || 0, framesPerSecond: x.framesPerSecond || 0, frameWidth: x.frameWidth || 0, frameHeight: x.frameHeight || 0, bytesReceived: x.bytesReceived || 0, totalDecodeTime: x.totalDecodeTime || 0, jitterBufferDelay: x.jitterBufferDelay || 0, jitterBufferEmittedCount: x.jitterBufferEmittedCount || 0, decoderImplementation: x.decoderImplementation || '', packetsLost: x.packetsLost || 0 };
      }
    });
    return out;
  },
  close() {
    A.running = false;
    clearTimeout(A.timer);
    if (A.track) A.track.stop();
    if (A.send) A.send.close();
    if (A.recv) A.recv.close();
    A.send = A.recv = A.track = null;
    video.srcObject = null;
    return true;
  },
};
</script>
</body></html>
`;
}
