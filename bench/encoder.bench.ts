/**
 * H.264 encoder throughput: encode N frames of the synthetic 1280x720 source at a fixed QP,
 * on one thread, then on worker threads (one slice each), then with Chromium's own WebCodecs
 * VideoEncoder (OpenH264) at the bitrate we reached, its output decoded back to measure PSNR.
 * Prints fps, bitrate, Y-PSNR, per-frame encode time (median, p99) and peak RSS.
 * ENCODER_COMPARE=0 skips the Chromium comparison.
 *   npm run bench -- encoder            (N = 90)
 *   ENCODER_FRAMES=300 ENCODER_QP=32 npm run bench -- encoder
 */
import { loadavg } from 'node:os';
import { WebCodecsDecoder } from '../harness/webcodecs/index.js';
import { H264Encoder, ParallelH264Encoder, SyntheticSource, copyI420Frame, psnr, type I420Frame } from '../src/encoding/index.js';

const frames = Number(process.env.ENCODER_FRAMES ?? 90);
const qp = Number(process.env.ENCODER_QP ?? 28);
const width = Number(process.env.ENCODER_WIDTH ?? 1280);
const height = Number(process.env.ENCODER_HEIGHT ?? 720);
const fps = 30;
const threads = Number(process.env.ENCODER_THREADS ?? 2);

const source = new SyntheticSource({ width, height, fps });
const encoder = new H264Encoder({ width, height, fps, qp, keyInterval: 60 });
const times: number[] = [];
let bytes = 0;
let keyBytes = 0;
let ySum = 0;
let peakRss = process.memoryUsage().rss;
let renderMs = 0;
let cpuUs = 0;
const mbs = { intra: 0, inter: 0, skip: 0 };

// warm-up (JIT), not counted
{
  const warm = new H264Encoder({ width, height, fps, qp });
  const ws = new SyntheticSource({ width, height, fps });
  for (let i = 0; i < 3; i++) warm.encode(ws.next());
}

for (let i = 0; i < frames; i++) {
  const r0 = performance.now();
  const frame = source.next();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = encoder.encode(frame);
  const t1 = performance.now();
  const c1 = process.cpuUsage(c0);
  cpuUs += c1.user + c1.system;
  renderMs += t0 - r0;
  times.push(t1 - t0);
  bytes += out.data.length;
  if (out.keyframe) keyBytes += out.data.length;
  mbs.intra += out.mbs.intra;
  mbs.inter += out.mbs.inter;
  mbs.skip += out.mbs.skip;
  ySum += psnr(frame, encoder.reconstruction()).y;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}

const sorted = [...times].sort((a, b) => a - b);
const total = times.reduce((a, b) => a + b, 0);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const kbps = (bytes * 8 * fps) / frames / 1000;
const totalMbs = mbs.intra + mbs.inter + mbs.skip;
console.log(`H.264 encoder, ${width}x${height} synthetic 'moving', QP ${qp}, ${frames} frames, 1 thread (${encoder.codec})`);
console.log(`  encode speed      ${((frames * 1000) / total).toFixed(1)} fps (${(total / frames).toFixed(1)} ms/frame mean)`);
console.log(`  CPU time          ${(cpuUs / 1000 / frames).toFixed(1)} ms/frame = ${((frames * 1e6) / cpuUs).toFixed(1)} fps of CPU (wall figures suffer when other processes share the cores; load ${loadavg()[0].toFixed(1)})`);
console.log(`  frame time        median ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`);
console.log(`  bitrate           ${kbps.toFixed(0)} kbit/s at ${fps} fps (${(bytes / frames / 1024).toFixed(1)} KiB/frame, IDR ${(keyBytes / 1024).toFixed(1)} KiB total)`);
console.log(`  quality           Y-PSNR ${(ySum / frames).toFixed(2)} dB`);
console.log(`  macroblocks       intra ${((100 * mbs.intra) / totalMbs).toFixed(1)}%, P_L0_16x16 ${((100 * mbs.inter) / totalMbs).toFixed(1)}%, P_Skip ${((100 * mbs.skip) / totalMbs).toFixed(1)}%`);
console.log(`  source rendering  ${(renderMs / frames).toFixed(1)} ms/frame (not included above)`);
console.log(`  peak RSS          ${(peakRss / 1048576).toFixed(0)} MiB`);

// the same frames on worker threads, one slice per thread
{
  const src = new SyntheticSource({ width, height, fps });
  const par = await ParallelH264Encoder.create({ width, height, fps, qp, keyInterval: 60, threads });
  await par.encode(src.next()); // warm-up
  const ptimes: number[] = [];
  const critical: number[] = [];
  const workerSum: number[] = [];
  let pbytes = 0;
  let py = 0;
  for (let i = 0; i < frames; i++) {
    const frame = src.next();
    const t0 = performance.now();
    const out = await par.encode(frame);
    ptimes.push(performance.now() - t0);
    critical.push(Math.max(...par.lastWorkerMs));
    workerSum.push(par.lastWorkerMs.reduce((a, b) => a + b, 0));
    pbytes += out.data.length;
    py += psnr(frame, par.reconstruction()).y;
  }
  await par.close();
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const ps = [...ptimes].sort((a, b) => a - b);
  const ptotal = ptimes.reduce((a, b) => a + b, 0);
  console.log(`  ${threads} worker threads  ${((frames * 1000) / ptotal).toFixed(1)} fps wall (median ${ps[Math.floor(ps.length / 2)].toFixed(1)} ms, p99 ${ps[Math.min(ps.length - 1, Math.floor(0.99 * ps.length))].toFixed(1)} ms), ${((pbytes * 8 * fps) / frames / 1000).toFixed(0)} kbit/s, Y-PSNR ${(py / frames).toFixed(2)} dB, load ${loadavg()[0].toFixed(1)}`);
  console.log(`                    slowest worker ${mean(critical).toFixed(1)} ms/frame, all workers ${mean(workerSum).toFixed(1)} ms/frame, main thread and messaging ${(mean(ptimes) - mean(critical)).toFixed(1)} ms/frame`);
}

// Chromium's WebCodecs VideoEncoder on the same pictures, at the bitrate we reached
if (process.env.ENCODER_COMPARE !== '0') {
  const n = Math.min(frames, 60);
  const src = new SyntheticSource({ width, height, fps });
  const pictures: I420Frame[] = [];
  for (let i = 0; i < n; i++) pictures.push(copyI420Frame(src.next()));
  const packed = pictures.map((p) => {
    const b = new Uint8Array(p.y.length + p.u.length + p.v.length);
    b.set(p.y);
    b.set(p.u, p.y.length);
    b.set(p.v, p.y.length + p.u.length);
    return b;
  });
  const chrome = await WebCodecsDecoder.launch();
  try {
    const target = Math.round((bytes * 8 * fps) / frames);
    const { chunks, encodeMs } = await chrome.encode(packed, { width, height, codec: encoder.codec, bitrate: target, framerate: fps, keyInterval: 60 });
    const cbytes = chunks.reduce((a, c) => a + c.data.length, 0);
    const decoded = await chrome.decode(chunks.map((c) => c.data), { codec: encoder.codec });
    let cy = 0;
    decoded.forEach((d, i) => (cy += psnr(pictures[i], { width: d.width, height: d.height, y: d.y, u: d.u, v: d.v }).y));
    console.log(`  Chromium WebCodecs ${((n * 1000) / encodeMs).toFixed(1)} fps wall (${n} frames, OpenH264 in ${await chrome.version()}), ${((cbytes * 8 * fps) / n / 1000).toFixed(0)} kbit/s for a ${Math.round(target / 1000)} kbit/s target, Y-PSNR ${(cy / decoded.length).toFixed(2)} dB`);
  } finally {
    await chrome.close();
  }
}
