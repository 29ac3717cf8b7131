/**
 * H.264 encoder figures, as the issue states them: the synthetic 1280x720 'moving' source at a
 * 2.5 Mbit/s target, rate-controlled, on at most 2 worker threads (ParallelH264Encoder,
 * 2 slices). Prints sustained fps (wall and CPU time per frame), Y-PSNR, per-frame encode time
 * (median, p99), peak RSS, achieved bitrate and the worst 5 s window deviation. In the same
 * run Chromium's WebCodecs VideoEncoder (OpenH264) encodes the same frames at the same target;
 * both are printed side by side with the fps ratio and the PSNR difference. A secondary
 * section encodes at a fixed QP on the calling thread.
 *
 *   npm run bench -- encoder                          (300 frames, 2.5 Mbit/s, IDR every 60)
 *   ENCODER_FRAMES=600 ENCODER_BITRATE=1500000 ENCODER_KEY_INTERVAL=150 npm run bench -- encoder
 *   ENCODER_COMPARE=0 skips Chromium; ENCODER_SINGLE=0 skips the fixed-QP single-thread section.
 */
import { loadavg } from 'node:os';
import { WebCodecsDecoder } from '../harness/webcodecs/index.js';
import { H264Encoder, ParallelH264Encoder, SyntheticSource, psnr, type I420Frame } from '../src/encoding/index.js';
import { windowDeviation } from '../src/encoding/ratecontrol.js';

const frames = Math.max(180, Number(process.env.ENCODER_FRAMES ?? 300));
const width = Number(process.env.ENCODER_WIDTH ?? 1280);
const height = Number(process.env.ENCODER_HEIGHT ?? 720);
const bitrate = Number(process.env.ENCODER_BITRATE ?? 2_500_000);
const keyInterval = Number(process.env.ENCODER_KEY_INTERVAL ?? 60);
const threads = Math.min(2, Number(process.env.ENCODER_THREADS ?? 2));
const fps = 30;
/** Deterministic capture clock, so that every pass renders identical pictures (stamps included). */
const source = () => {
  let n = 0;
  return new SyntheticSource({ width, height, fps, clock: () => (n++ * 1000) / fps });
};
const mib = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;
const sortedPct = (a: number[], p: number) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

interface Figures {
  name: string;
  fpsWall: number;
  cpuMsPerFrame: number | undefined;
  medianMs: number | undefined;
  p99Ms: number | undefined;
  kbps: number;
  worstWindow: number;
  windowRange: [number, number];
  psnrY: number;
}

// ---- ours: ParallelH264Encoder, 2 workers x 2 slices, rate-controlled ----
const ours = await (async (): Promise<Figures & { peakRss: number; workerMs: number; criticalMs: number; renderMs: number; qps: number[] }> => {
  const src = source();
  const par = await ParallelH264Encoder.create({ width, height, fps, bitrate, keyInterval, threads });
  // warm-up (JIT in the workers) on a separate encoder, so the measured stream starts with its IDR
  {
    const warm = await ParallelH264Encoder.create({ width, height, fps, qp: 28, threads });
    const ws = source();
    for (let i = 0; i < 8; i++) await warm.encode(ws.next());
    await warm.close();
  }
  const times: number[] = [];
  const bits: number[] = [];
  const qps: number[] = [];
  let critical = 0;
  let workers = 0;
  let ySum = 0;
  let renderMs = 0;
  let peakRss = process.memoryUsage().rss;
  let cpuUs = 0;
  for (let i = 0; i < frames; i++) {
    const r0 = performance.now();
    const frame = src.next();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await par.encode(frame);
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    cpuUs += c1.user + c1.system;
    renderMs += t0 - r0;
    times.push(t1 - t0);
    bits.push(out.data.length * 8);
    qps.push(out.qp);
    critical += Math.max(...par.lastWorkerMs);
    workers += par.lastWorkerMs.reduce((a, b) => a + b, 0);
    ySum += psnr(frame, par.reconstruction()).y;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  await par.close();
  const total = times.reduce((a, b) => a + b, 0);
  const w = windowDeviation(bits, fps, bitrate, 5, 1);
  return {
    name: `ours, ${threads} workers`,
    fpsWall: (frames * 1000) / total,
    cpuMsPerFrame: cpuUs / 1000 / frames,
    medianMs: sortedPct(times, 50),
    p99Ms: sortedPct(times, 99),
    kbps: (bits.reduce((a, b) => a + b, 0) * fps) / frames / 1000,
    worstWindow: w.worst,
    windowRange: [w.min / 1000, w.max / 1000],
    psnrY: ySum / frames,
    peakRss,
    workerMs: workers / frames,
    criticalMs: critical / frames,
    renderMs: renderMs / frames,
    qps,
  };
})();

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(`H.264 encoder, ${width}x${height} synthetic 'moving', ${frames} frames at ${fps} fps, target ${bitrate / 1000} kbit/s, IDR every ${keyInterval}`);
console.log(`  ${ours.name.padEnd(22)} ${ours.fpsWall.toFixed(1)} fps wall (median ${ours.medianMs?.toFixed(1)} ms, p99 ${ours.p99Ms?.toFixed(1)} ms per frame)`);
console.log(`  CPU time               ${ours.cpuMsPerFrame?.toFixed(1)} ms/frame over all threads = ${(2000 / (ours.cpuMsPerFrame ?? 1)).toFixed(1)} fps if both cores were ours alone (load average ${loadavg()[0].toFixed(1)})`);
console.log(`  workers                slowest ${ours.criticalMs.toFixed(1)} ms/frame, both together ${ours.workerMs.toFixed(1)} ms/frame (wall); source rendering ${ours.renderMs.toFixed(1)} ms/frame, not counted`);
console.log(`  bitrate                ${ours.kbps.toFixed(0)} kbit/s (${pct(ours.kbps / (bitrate / 1000) - 1)}); 5 s windows after the first second ${ours.windowRange[0].toFixed(0)}..${ours.windowRange[1].toFixed(0)} kbit/s, worst deviation ${pct(ours.worstWindow)} (goal <= 10%)`);
console.log(`  QP                     ${Math.min(...ours.qps)}..${Math.max(...ours.qps)}, median ${sortedPct(ours.qps, 50)}`);
console.log(`  quality                Y-PSNR ${ours.psnrY.toFixed(2)} dB (goal >= 38 dB)`);
console.log(`  peak RSS               ${mib(ours.peakRss)}`);

// ---- Chromium's WebCodecs VideoEncoder (OpenH264) on the same pictures at the same target ----
if (process.env.ENCODER_COMPARE !== '0') {
  const src = source();
  const pictures: I420Frame[] = [];
  const packed: Uint8Array[] = [];
  for (let i = 0; i < frames; i++) {
    const p = src.next();
    const b = new Uint8Array(p.y.length + p.u.length + p.v.length);
    b.set(p.y);
    b.set(p.u, p.y.length);
    b.set(p.v, p.y.length + p.u.length);
    packed.push(b);
    pictures.push({ width, height, y: b.subarray(0, p.y.length), u: b.subarray(p.y.length, p.y.length + p.u.length), v: b.subarray(p.y.length + p.u.length) });
  }
  const chrome = await WebCodecsDecoder.launch();
  try {
    const codec = 'avc1.42e01f';
    const { chunks, encodeMs } = await chrome.encode(packed, { width, height, codec, bitrate, framerate: fps, keyInterval });
    const cbits = chunks.map((c) => c.data.length * 8);
    const decoded = await chrome.decode(chunks.map((c) => c.data), { codec });
    let cy = 0;
    decoded.forEach((d, i) => (cy += psnr(pictures[i], { width: d.width, height: d.height, y: d.y, u: d.u, v: d.v }).y));
    const w = windowDeviation(cbits, fps, bitrate, 5, 1);
    const theirs: Figures = {
      name: `Chromium WebCodecs`,
      fpsWall: (frames * 1000) / encodeMs,
      cpuMsPerFrame: undefined,
      medianMs: undefined,
      p99Ms: undefined,
      kbps: (cbits.reduce((a, b) => a + b, 0) * fps) / cbits.length / 1000,
      worstWindow: w.worst,
      windowRange: [w.min / 1000, w.max / 1000],
      psnrY: cy / decoded.length,
    };
    console.log(`\nSide by side (same ${frames} pictures, same ${bitrate / 1000} kbit/s target, IDR every ${keyInterval}; Chromium ${await chrome.version()}, OpenH264, realtime, VBR)`);
    const row = (label: string, a: string, b: string) => console.log(`  ${label.padEnd(26)} ${a.padStart(18)} ${b.padStart(22)}`);
    row('', 'ours (2 workers)', 'Chromium WebCodecs');
    row('fps wall', ours.fpsWall.toFixed(1), theirs.fpsWall.toFixed(1));
    row('bitrate kbit/s', ours.kbps.toFixed(0), theirs.kbps.toFixed(0));
    row('worst 5 s window', pct(ours.worstWindow), pct(theirs.worstWindow));
    row('Y-PSNR dB', ours.psnrY.toFixed(2), theirs.psnrY.toFixed(2));
    console.log(`  fps ratio ours/Chromium ${(ours.fpsWall / theirs.fpsWall).toFixed(2)}x; PSNR difference ours - Chromium ${(ours.psnrY - theirs.psnrY).toFixed(2)} dB`);
    console.log(`  (Chromium's time is its page's encode loop, frames already in memory, including VideoFrame creation; its CPU time is not measured)`);
  } finally {
    await chrome.close();
  }
}

// ---- secondary: fixed QP on the calling thread ----
if (process.env.ENCODER_SINGLE !== '0') {
  const n = 90;
  const qp = Number(process.env.ENCODER_QP ?? 28);
  const src = source();
  const enc = new H264Encoder({ width, height, fps, qp, keyInterval: 60 });
  {
    const warm = new H264Encoder({ width, height, fps, qp });
    const ws = source();
    for (let i = 0; i < 3; i++) warm.encode(ws.next());
  }
  const times: number[] = [];
  let bytes = 0;
  let ySum = 0;
  let cpuUs = 0;
  const mbs = { intra: 0, inter: 0, skip: 0 };
  for (let i = 0; i < n; i++) {
    const frame = src.next();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = enc.encode(frame);
    times.push(performance.now() - t0);
    const c1 = process.cpuUsage(c0);
    cpuUs += c1.user + c1.system;
    bytes += out.data.length;
    mbs.intra += out.mbs.intra;
    mbs.inter += out.mbs.inter;
    mbs.skip += out.mbs.skip;
    ySum += psnr(frame, enc.reconstruction()).y;
  }
  const total = times.reduce((a, b) => a + b, 0);
  const t = mbs.intra + mbs.inter + mbs.skip;
  console.log(`\nSecondary: fixed QP ${qp}, 1 thread, ${n} frames`);
  console.log(`  ${((n * 1000) / total).toFixed(1)} fps wall (median ${sortedPct(times, 50).toFixed(1)} ms, p99 ${sortedPct(times, 99).toFixed(1)} ms), CPU ${(cpuUs / 1000 / n).toFixed(1)} ms/frame, ${((bytes * 8 * fps) / n / 1000).toFixed(0)} kbit/s, Y-PSNR ${(ySum / n).toFixed(2)} dB`);
  console.log(`  macroblocks intra ${pct(mbs.intra / t)}, P_L0_16x16 ${pct(mbs.inter / t)}, P_Skip ${pct(mbs.skip / t)}; load average ${loadavg()[0].toFixed(1)}`);
}
