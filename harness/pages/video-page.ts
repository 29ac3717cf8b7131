/**
 * The Chromium side of the video scenarios (`video-720p30`, `controls`, `recovery`): a
 * receive-only page. Chromium offers recvonly video (and audio when asked), our Peer answers
 * (JSEP, RFC 9429 section 5.2/5.3); candidates trickle both ways (RFC 8838), Chromium's through
 * the exposed `conformCandidate` function.
 *
 * The received video plays in a <video> element. Every presented frame
 * (`requestVideoFrameCallback`) is taken as a VideoFrame whose top-left stamp region alone is
 * copied (no RGB conversion; a canvas draw of the frame cost about 6.4 ms per 720p frame here)
 * and read with `STAMP_READER_JS`, a port of src/encoding/synthetic.ts `readStamp` (8 x 8 cells of
 * `stampCellSize(width)` samples, 24-bit frame number, 32-bit capture time, CRC-8, the central
 * half of each cell averaged and compared with luma 128). That gives per frame: the frame
 * number (skipped = gaps, repeated = the same number presented again, resets = the number
 * going backwards), and capture-to-display latency (expected display time mapped to the wall
 * clock, minus the stamped `Date.now() % 2^32` of the capture, both on this machine).
 * `conform.frames()` drains what was seen since its last call; `conform.stats()` returns
 * Chromium's inbound-rtp statistics (W3C webrtc-stats) for video and audio. The per-frame
 * watching and counting is `STAMP_WATCHER_JS`, shared with the Chrome-to-Chrome anchor page
 * (harness/pages/anchor-page.ts), so both latencies come from the same reader.
 */

/**
 * The stamp reader, shared by the receiver page and its test page. Defines
 * `readStampVideoFrame(ctx2d, frame, width, height)` (async: the luma of the stamp region,
 * read by `readStampLuma`, the same steps as readStamp; through the canvas for a frame that is
 * not YUV), `readStampFrom(ctx2d, drawable, width, height)` (through a canvas) and
 * `readStampRgba(rgba, stride, cell)`: `rgba` the canvas ImageData bytes of at least the
 * 8 x 8-cell region, `stride` its width in pixels. Luma is BT.601 limited range from RGB
 * (Y = 16 + (65.738 R + 129.057 G + 25.064 B) / 256), the inverse of how Chromium draws a
 * video frame. Returns `{ frame, captureTimeMs }`, or null when the CRC fails or all 64 cells
 * read dark (readStamp accepts that as frame 0 at time 0; a live source never stamps it).
 */
export const STAMP_READER_JS = `
function stampCellSize(width) { return width >= 512 ? 16 : 8; }
function stampCrc8(b, n) {
  let c = 0;
  for (let i = 0; i < n; i++) {
    c ^= b[i];
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  }
  return c;
}
/**
 * readStamp's steps with the luma of sample (x, y) from \`luma(x, y)\`: the central half of each
 * cell averaged against 128, CRC-8 checked. An all-dark region reads as eight zero bytes, whose
 * CRC-8 is zero as well: no stamp.
 */
function readStampWith(cell, luma) {
  const b = new Uint8Array(8);
  const q = cell >> 2;
  for (let bit = 0; bit < 64; bit++) {
    const x0 = (bit % 8) * cell + q;
    const y0 = Math.floor(bit / 8) * cell + q;
    let s = 0;
    for (let y = 0; y < 2 * q; y++) for (let x = 0; x < 2 * q; x++) s += luma(x0 + x, y0 + y);
    if (s / (4 * q * q) >= 128) b[bit >> 3] |= 1 << (7 - (bit & 7));
  }
  if (stampCrc8(b, 7) !== b[7]) return null;
  if (b.every((x) => x === 0)) return null;
  return { frame: (b[0] << 16) | (b[1] << 8) | b[2], captureTimeMs: ((b[3] << 24) | (b[4] << 16) | (b[5] << 8) | b[6]) >>> 0 };
}
/** From canvas RGBA bytes, \`stride\` pixels per row (BT.601 limited-range luma). */
function readStampRgba(rgba, stride, cell) {
  return readStampWith(cell, (x, y) => {
    const o = (y * stride + x) * 4;
    return 16 + (65.738 * rgba[o] + 129.057 * rgba[o + 1] + 25.064 * rgba[o + 2]) / 256;
  });
}
/** From a luma plane: \`y\` from \`offset\`, \`stride\` samples per row. */
function readStampLuma(y, offset, stride, cell) {
  return readStampWith(cell, (x, row) => y[offset + row * stride + x]);
}
const YUV_FORMATS = /^(I420|I420A|I422|I444|NV12)$/;
/**
 * Reads the stamp of a VideoFrame: copies only the stamp region of its planes (no conversion
 * to RGB) and reads the luma plane; frames in other formats go through the canvas.
 */
async function readStampVideoFrame(ctx2d, frame, width, height) {
  const cell = stampCellSize(width);
  const size = cell * 8;
  if (width < size || height < size) return null;
  if (!YUV_FORMATS.test(frame.format || '')) return readStampFrom(ctx2d, frame, width, height);
  const rect = { x: 0, y: 0, width: size, height: size };
  const buf = new Uint8Array(frame.allocationSize({ rect }));
  const planes = await frame.copyTo(buf, { rect });
  return readStampLuma(buf, planes[0].offset, planes[0].stride, cell);
}
/** Reads the stamp of a drawable (video element, VideoFrame) of the given size through a 2D canvas context. */
function readStampFrom(ctx2d, source, width, height) {
  const cell = stampCellSize(width);
  const size = cell * 8;
  if (width < size || height < size) return null;
  if (ctx2d.canvas.width < size) { ctx2d.canvas.width = size; ctx2d.canvas.height = size; }
  ctx2d.drawImage(source, 0, 0, size, size, 0, 0, size, size);
  return readStampRgba(ctx2d.getImageData(0, 0, size, size).data, size, cell);
}
`;

/**
 * The presented-frame watcher, shared by the receiver page and the anchor page
 * (harness/pages/anchor-page.ts), on top of STAMP_READER_JS. Defines
 * `createStampWatcher(video, ctx2d, errors)`: `watch()` starts reading the stamp of every frame
 * the <video> presents (`requestVideoFrameCallback`); `drain()` returns what was read since
 * the last drain (counts, latencies in ms, frame numbers); `reset()` forgets the frame
 * numbering (a new stream). Latency = the callback's `expectedDisplayTime` moved to the wall
 * clock (`Date.now()`) minus the stamped capture time, both `% 2^32` ms.
 */
export const STAMP_WATCHER_JS = `
function createStampWatcher(video, ctx2d, errors) {
  const TWO32 = 4294967296;
  const fresh = () => ({ callbacks: 0, missedCallbacks: 0, notReady: 0, read: 0, unreadable: 0, skipped: 0, repeated: 0, resets: 0, readMs: 0, latencies: [], numbers: [], lastFrame: null, width: 0, height: 0 });
  let frames = fresh();
  let lastNumber = null;
  let lastPresented = null;
  let watching = false;
  let pending = Promise.resolve();
  const error = (text) => { if (errors.length < 10) errors.push(text); };

  function onFrame(now, meta) {
    video.requestVideoFrameCallback(onFrame);
    const f = frames;
    f.callbacks++;
    if (lastPresented !== null && meta.presentedFrames > lastPresented + 1) f.missedCallbacks += meta.presentedFrames - lastPresented - 1;
    lastPresented = meta.presentedFrames;
    f.width = meta.width;
    f.height = meta.height;
    // Wall-clock time of display: the page's Date.now() at performance.now(), moved to expectedDisplayTime.
    const displayMs = Date.now() - performance.now() + meta.expectedDisplayTime;
    // The first callback can come before the element holds the frame's data (readyState below
    // HAVE_CURRENT_DATA; VideoFrame then throws "Invalid source state"): nothing to read yet.
    if (video.readyState < 2) { f.notReady++; return; }
    const t0 = performance.now();
    let frame = null;
    try { frame = new VideoFrame(video); } catch (e) { error('VideoFrame: ' + e.message + ' (readyState ' + video.readyState + ')'); }
    const reading = (frame
      ? readStampVideoFrame(ctx2d, frame, meta.width, meta.height).finally(() => frame.close())
      : new Promise((resolve) => resolve(readStampFrom(ctx2d, video, meta.width, meta.height)))
    ).then((stamp) => { frames.readMs += performance.now() - t0; return stamp; });
    // Readings are counted in presentation order.
    pending = pending.then(() => reading).then(
      (stamp) => count(stamp, displayMs),
      (e) => { error('stamp: ' + e.message); count(null, displayMs); },
    );
  }

  function count(stamp, displayMs) {
    const f = frames;
    if (!stamp) { f.unreadable++; return; }
    f.read++;
    let latency = (displayMs % TWO32) - stamp.captureTimeMs;
    if (latency < -TWO32 / 2) latency += TWO32;
    else if (latency > TWO32 / 2) latency -= TWO32;
    f.latencies.push(Math.round(latency * 10) / 10);
    const n = stamp.frame;
    f.numbers.push(n);
    if (lastNumber !== null) {
      if (n === lastNumber) f.repeated++;
      else if (n > lastNumber) f.skipped += n - lastNumber - 1;
      else f.resets++;
    }
    lastNumber = n;
    f.lastFrame = n;
  }

  return {
    watch() {
      if (watching) return;
      watching = true;
      video.requestVideoFrameCallback(onFrame);
    },
    reset() {
      frames = fresh();
      lastNumber = null;
      lastPresented = null;
    },
    /** What the stamp reader saw since the last call (latencies in ms, one per read frame). */
    async drain() {
      await pending;
      const f = frames;
      frames = fresh();
      f.width = f.width || video.videoWidth;
      f.height = f.height || video.videoHeight;
      return f;
    },
  };
}
`;

export const VIDEO_PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>spell conform: video receiver</title></head>
<body>
<video id="v" autoplay muted playsinline></video><audio id="a" autoplay></audio>
<canvas id="c" width="128" height="128"></canvas>
<script>
'use strict';
${STAMP_READER_JS}
${STAMP_WATCHER_JS}
const state = { pc: null, video: document.getElementById('v'), audio: document.getElementById('a'), errors: [] };
const ctx2d = document.getElementById('c').getContext('2d', { willReadFrequently: true });
const watcher = createStampWatcher(state.video, ctx2d, state.errors);

function inboundVideo(s) {
  return {
    ssrc: s.ssrc, frameWidth: s.frameWidth || 0, frameHeight: s.frameHeight || 0, framesPerSecond: s.framesPerSecond || 0,
    framesReceived: s.framesReceived || 0, framesDecoded: s.framesDecoded || 0, framesDropped: s.framesDropped || 0,
    keyFramesDecoded: s.keyFramesDecoded || 0, freezeCount: s.freezeCount || 0, totalFreezesDuration: s.totalFreezesDuration || 0,
    pauseCount: s.pauseCount || 0, packetsReceived: s.packetsReceived || 0, packetsLost: s.packetsLost || 0,
    nackCount: s.nackCount || 0, pliCount: s.pliCount || 0, firCount: s.firCount || 0, jitter: s.jitter || 0,
    bytesReceived: s.bytesReceived || 0, retransmittedPacketsReceived: s.retransmittedPacketsReceived || 0,
    totalDecodeTime: s.totalDecodeTime || 0, jitterBufferDelay: s.jitterBufferDelay || 0,
    jitterBufferEmittedCount: s.jitterBufferEmittedCount || 0, decoderImplementation: s.decoderImplementation || '',
  };
}
function inboundAudio(s) {
  return {
    ssrc: s.ssrc, packetsReceived: s.packetsReceived || 0, packetsLost: s.packetsLost || 0, jitter: s.jitter || 0,
    bytesReceived: s.bytesReceived || 0, totalSamplesReceived: s.totalSamplesReceived || 0, concealedSamples: s.concealedSamples || 0,
    silentConcealedSamples: s.silentConcealedSamples || 0, concealmentEvents: s.concealmentEvents || 0,
    nackCount: s.nackCount || 0, jitterBufferDelay: s.jitterBufferDelay || 0, jitterBufferEmittedCount: s.jitterBufferEmittedCount || 0,
  };
}

window.conform = {
  /** Chromium offers receive-only video, and audio when \`audio\` is true. */
  async offer(audio) {
    if (state.pc) state.pc.close();
    watcher.reset();
    const pc = state.pc = new RTCPeerConnection();
    pc.onicecandidate = (e) => { if (e.candidate && e.candidate.candidate) window.conformCandidate(e.candidate.candidate, e.candidate.sdpMid || ''); };
    pc.ontrack = (e) => {
      const el = e.track.kind === 'video' ? state.video : state.audio;
      el.srcObject = new MediaStream([e.track]);
      el.play().catch((err) => { if (state.errors.length < 10) state.errors.push('play: ' + err.message); });
      if (e.track.kind === 'video') watcher.watch();
    };
    pc.addTransceiver('video', { direction: 'recvonly' });
    if (audio) pc.addTransceiver('audio', { direction: 'recvonly' });
    await pc.setLocalDescription();
    return pc.localDescription.sdp;
  },
  async answer(sdp) { await state.pc.setRemoteDescription({ type: 'answer', sdp }); },
  async addCandidate(candidate, mid) { await state.pc.addIceCandidate({ candidate, sdpMid: mid }); },
  state() { return state.pc ? state.pc.connectionState : 'none'; },
  /** What the stamp reader saw since the last call (latencies in ms, one per read frame). */
  frames() { return watcher.drain(); },
  async stats() {
    const out = { at: Date.now(), connectionState: state.pc ? state.pc.connectionState : 'none', video: null, audio: null, rttMs: null, errors: state.errors.slice() };
    if (!state.pc) return out;
    const report = await state.pc.getStats();
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') out.video = inboundVideo(s);
      if (s.type === 'inbound-rtp' && s.kind === 'audio') out.audio = inboundAudio(s);
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' && s.currentRoundTripTime !== undefined) out.rttMs = s.currentRoundTripTime * 1000;
    });
    return out;
  },
  close() {
    if (state.pc) state.pc.close();
    state.pc = null;
    state.video.srcObject = null;
    state.audio.srcObject = null;
    return true;
  },
};
</script>
</body></html>
`;
