/**
 * H.264 encoder figures, as issue 12 asks for them, in one run: for each preset (realtime,
 * balanced, quality; interleaved picture by picture so that the machine's load hits all alike)
 * and for the encoder as it was when the issue was filed ("before", commit eb317c9, see
 * encoder-before.ts) the CPU time per frame on one thread and the fps that makes per thread,
 * the bitrate, Y-PSNR and SSIM, on the synthetic 1280x720 'moving' source rate-controlled at
 * 2.5 Mbit/s (or Chromium's fake camera); side by side with Chromium's WebCodecs VideoEncoder
 * (OpenH264) on the same pictures at the same target, and the ratios (against before: the
 * issue's goal, a third of its CPU within 0.5 dB). Then the Streamer's configuration (realtime
 * on 2 worker threads, 2 slices): sustained fps, CPU time, worst 5 s window, peak RSS, and the
 * cold start (the first pictures after `create`, which warms the workers up).
 *
 *   npm run bench -- encoder                    (300 frames, 2.5 Mbit/s, IDR every 60)
 *   ENCODER_FRAMES=600 ENCODER_BITRATE=1500000 ENCODER_KEY_INTERVAL=150 npm run bench -- encoder
 *   ENCODER_PRESETS=realtime,quality limits the presets; ENCODER_COMPARE=0 skips Chromium;
 *   ENCODER_BEFORE=0 skips the old encoder; ENCODER_PARALLEL=0 skips the 2-worker section;
 *   ENCODER_CONTENT=noisy (any SyntheticPattern) or ENCODER_CONTENT=camera (Chromium's fake
 *   camera, captured once and cached, see fake-camera.ts) changes the pictures.
 *   ENCODER_KERNELS=js runs the TypeScript kernels instead of the WebAssembly SIMD ones (the
 *   default); ENCODER_KERNELS=wasm,js runs every preset with both, side by side.
 *
 * Today's encoder is measured from the dist build when it is current (`npm run build`): that is
 * what users run, and the sources run through tsx took about 1.3x the CPU. The machine is
 * shared: CPU time moves with the load (the load average is printed).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebCodecsDecoder } from '../harness/webcodecs/index.js';
import type * as Encoding from '../src/encoding/index.js';
import type { EncoderKernels, EncoderPreset, I420Frame, SyntheticPattern } from '../src/encoding/index.js';
import { loadBeforeEncoder, BEFORE_COMMIT, type BeforeEncoder } from './encoder-before.js';
import { fakeCamera } from './fake-camera.js';
import { kbitPerSecond, lumaQuality, median } from './lib.js';
import { windowDeviation } from '../src/encoding/ratecontrol.js';

/** Today's encoding module: dist/ when every compiled file is at least as new as its source, else the sources (through tsx). */
async function loadEncoding(): Promise<{ enc: typeof Encoding; from: string }> {
  const root = join(import.meta.dirname, '..');
  const srcDir = join(root, 'src', 'encoding');
  const sources = (readdirSync(srcDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !/\.(test|fuzz)\.ts$/.test(f) && !f.includes('__fixtures__'));
  const current = sources.every((f) => {
    const js = join(root, 'dist', 'src', 'encoding', f.replace(/\.ts$/, '.js'));
    return existsSync(js) && statSync(js).mtimeMs >= statSync(join(srcDir, f)).mtimeMs;
  });
  if (current) return { enc: (await import(pathToFileURL(join(root, 'dist', 'src', 'encoding', 'index.js')).href)) as typeof Encoding, from: `the dist build (${relative(process.cwd(), join(root, 'dist')) || 'dist'})` };
  return { enc: await import('../src/encoding/index.js'), from: 'the TypeScript sources through tsx (dist/ is missing or older than src/: npm run build first for the figures users get)' };
}
const { enc: E, from: encodingFrom } = await loadEncoding();
const { ENCODER_PRESETS, H264Encoder, ParallelH264Encoder, SyntheticSource, psnr } = E;

const frames = Math.max(30, Number(process.env.ENCODER_FRAMES ?? 300));
const width = Number(process.env.ENCODER_WIDTH ?? 1280);
const height = Number(process.env.ENCODER_HEIGHT ?? 720);
const bitrate = Number(process.env.ENCODER_BITRATE ?? 2_500_000);
const keyInterval = Number(process.env.ENCODER_KEY_INTERVAL ?? 60);
const content = process.env.ENCODER_CONTENT ?? process.env.ENCODER_PATTERN ?? 'moving';
const presets = (process.env.ENCODER_PRESETS ?? ENCODER_PRESETS.join(',')).split(',') as EncoderPreset[];
const kernelsList = (process.env.ENCODER_KERNELS ?? 'wasm').split(',') as EncoderKernels[];
/** Our configurations: every preset with every kernel choice (named by the preset alone when there is one choice). */
const configs = presets.flatMap((preset) => kernelsList.map((kernels) => ({ preset, kernels, name: kernelsList.length > 1 ? `${preset} ${kernels}` : preset })));
const fps = 30;

/** The camera clip, when the content is the camera (captured once, then read from the cache). */
const camera = content === 'camera' ? await fakeCamera({ width, height, frames, fps }) : undefined;
/** A fresh run of the bench's pictures: every pass sees identical pictures (a deterministic clock for the synthetic ones, stamps included). */
const source = (): { next(): I420Frame } => {
  if (camera) {
    let i = 0;
    return { next: () => camera.pictures[i++ % camera.pictures.length] };
  }
  let n = 0;
  return new SyntheticSource({ width, height, fps, pattern: content as SyntheticPattern, clock: () => (n++ * 1000) / fps });
};
const contentName = camera ? `Chromium's fake camera (${camera.note})` : `synthetic '${content}'`;
const mib = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const sortedPct = (a: number[], p: number) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

interface Row {
  name: string;
  /** CPU time per frame on one thread (ours), or wall time of the page's encode loop per frame (Chromium). */
  msPerFrame: number;
  cpuMeasured: boolean;
  kbps: number;
  psnrY: number;
  ssim: number;
  worstWindow: number;
  pFrameMs?: number;
  idrMs?: number;
}

console.log(`H.264 encoder, ${width}x${height} ${contentName}, ${frames} frames at ${fps} fps, target ${bitrate / 1000} kbit/s, IDR every ${keyInterval}; load average ${loadavg()[0].toFixed(1)} (figures indicative on a shared machine)`);
console.log(`kernels: ${kernelsList.join(', ')} (ENCODER_KERNELS; the streams are byte-identical); today's encoder from ${encodingFrom}`);

// ---- ours, one thread per preset, interleaved: every preset encodes each picture in turn, so
// that the load of a shared machine hits all presets alike ----
const rows: Row[] = [];
/** The old encoder's row, when it could be built (ENCODER_BEFORE=0 skips it). */
let before: Row | undefined;
{
  const Before = process.env.ENCODER_BEFORE === '0' ? 'skipped (ENCODER_BEFORE=0)' : await loadBeforeEncoder();
  if (typeof Before === 'string') console.log(`before: ${Before}`);
  const beforeName = `before ${BEFORE_COMMIT}`;
  const all: { name: string; make: (opts: { qp?: number; bitrate?: number; keyInterval?: number }) => BeforeEncoder }[] = [
    ...(typeof Before === 'string' ? [] : [{ name: beforeName, make: (o: { qp?: number; bitrate?: number; keyInterval?: number }) => new Before({ width, height, fps, ...o }) }]),
    ...configs.map(({ name, preset, kernels }) => ({ name, make: (o: { qp?: number; bitrate?: number; keyInterval?: number }) => new H264Encoder({ width, height, fps, preset, kernels, ...o }) })),
  ];
  const encoders = all.map(({ make }) => {
    // warm-up (JIT) on a separate encoder, so the measured stream starts with its IDR
    const warm = make({ qp: 28 });
    const ws = source();
    for (let i = 0; i < 6; i++) warm.encode(ws.next());
    return make({ bitrate, keyInterval });
  });
  const acc = all.map(() => ({ cpuUs: 0, ySum: 0, sSum: 0, bits: [] as number[], pMs: [] as number[], idrMs: [] as number[] }));
  const src = source();
  for (let i = 0; i < frames; i++) {
    const frame = src.next();
    encoders.forEach((enc, k) => {
      const a = acc[k];
      const c0 = process.cpuUsage();
      const out = enc.encode(frame);
      const c = process.cpuUsage(c0);
      a.cpuUs += c.user + c.system;
      (out.keyframe ? a.idrMs : a.pMs).push((c.user + c.system) / 1000);
      a.bits.push(out.data.length * 8);
      const q = lumaQuality(frame, enc.reconstruction());
      a.ySum += q.psnrY;
      a.sSum += q.ssim;
    });
  }
  all.forEach(({ name }, k) => {
    const a = acc[k];
    const row: Row = {
      name,
      msPerFrame: a.cpuUs / 1000 / frames,
      cpuMeasured: true,
      kbps: kbitPerSecond(a.bits, fps),
      psnrY: a.ySum / frames,
      ssim: a.sSum / frames,
      worstWindow: frames >= 6 * fps ? windowDeviation(a.bits, fps, bitrate, 5, 1).worst : NaN,
      pFrameMs: median(a.pMs),
      idrMs: a.idrMs.length ? median(a.idrMs) : undefined,
    };
    if (name === beforeName) before = row;
    else rows.push(row);
  });
}

// ---- Chromium's WebCodecs VideoEncoder (OpenH264) on the same pictures at the same target ----
let chromium: Row | undefined;
let chromiumVersion = '';
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
    chromiumVersion = await chrome.version();
    const codec = 'avc1.42e01f';
    const { chunks, encodeMs } = await chrome.encode(packed, { width, height, codec, bitrate, framerate: fps, keyInterval });
    const cbits = chunks.map((c) => c.data.length * 8);
    const decoded = await chrome.decode(chunks.map((c) => c.data), { codec });
    let cy = 0;
    let cs = 0;
    decoded.forEach((d, i) => {
      const pic = { width: d.width, height: d.height, y: d.y, u: d.u, v: d.v };
      const q = lumaQuality(pictures[i], pic);
      cy += q.psnrY;
      cs += q.ssim;
    });
    chromium = {
      name: 'Chromium WebCodecs',
      msPerFrame: encodeMs / frames,
      cpuMeasured: false,
      kbps: kbitPerSecond(cbits, fps),
      psnrY: cy / decoded.length,
      ssim: cs / decoded.length,
      worstWindow: frames >= 6 * fps ? windowDeviation(cbits, fps, bitrate, 5, 1).worst : NaN,
    };
  } finally {
    await chrome.close();
  }
}

const all = [...(before ? [before] : []), ...rows, ...(chromium ? [chromium] : [])];
const cw = Math.max(13, ...all.map((r) => (r.cpuMeasured ? r.name.length : 8) + 2));
const col = (label: string, cells: string[]) => console.log(`  ${label.padEnd(24)}${cells.map((c) => c.padStart(cw)).join('')}`);
console.log(`\nOne thread per preset${chromium ? `, beside Chromium ${chromiumVersion} WebCodecs (OpenH264, realtime, VBR)` : ''}:`);
col('', all.map((r) => (r.cpuMeasured ? r.name : 'Chromium')));
col('ms per frame', all.map((r) => `${r.msPerFrame.toFixed(1)}${r.cpuMeasured ? '' : ' wall'}`));
col('fps per thread', all.map((r) => (r.cpuMeasured ? (1000 / r.msPerFrame).toFixed(1) : `${(1000 / r.msPerFrame).toFixed(1)} wall`)));
col('P frame ms (median)', all.map((r) => (r.pFrameMs !== undefined ? r.pFrameMs.toFixed(1) : '-')));
col('IDR ms (median)', all.map((r) => (r.idrMs !== undefined ? r.idrMs.toFixed(1) : '-')));
col('bitrate kbit/s', all.map((r) => r.kbps.toFixed(0)));
col('worst 5 s window', all.map((r) => (Number.isNaN(r.worstWindow) ? '-' : pct(r.worstWindow))));
col('Y-PSNR dB', all.map((r) => r.psnrY.toFixed(2)));
col('SSIM (Y)', all.map((r) => r.ssim.toFixed(4)));
const quality = rows.find((r) => r.name === 'quality' || r.name === `quality ${kernelsList[0]}`);
if (quality) {
  console.log(`\nRatios against quality (today's search):`);
  for (const r of rows) {
    if (r === quality) continue;
    console.log(`  ${r.name.padEnd(14)} CPU ${(r.msPerFrame / quality.msPerFrame).toFixed(2)}x (P frames ${((r.pFrameMs ?? 0) / (quality.pFrameMs ?? 1)).toFixed(2)}x), Y-PSNR ${(r.psnrY - quality.psnrY >= 0 ? '+' : '')}${(r.psnrY - quality.psnrY).toFixed(2)} dB at ${pct(r.kbps / quality.kbps - 1)} bitrate`);
  }
}
if (before) {
  // Issue 12's goal: realtime at most a third of the old encoder's CPU per frame, within 0.5 dB of its Y-PSNR at the same bitrate.
  console.log(`\nAgainst the encoder when issue 12 was filed (${before.name}: ${before.msPerFrame.toFixed(1)} ms per frame, ${before.psnrY.toFixed(2)} dB at ${before.kbps.toFixed(0)} kbit/s):`);
  for (const r of rows) {
    const ratio = r.msPerFrame / before.msPerFrame;
    const dPsnr = r.psnrY - before.psnrY;
    const goal = r.name.startsWith('realtime') ? `; goal <= 0.33x within 0.5 dB: ${ratio <= 1 / 3 && dPsnr >= -0.5 ? 'met' : 'NOT met'}` : '';
    console.log(`  ${r.name.padEnd(14)} CPU ${ratio.toFixed(2)}x, Y-PSNR ${dPsnr >= 0 ? '+' : ''}${dPsnr.toFixed(2)} dB, SSIM ${r.ssim - before.ssim >= 0 ? '+' : ''}${(r.ssim - before.ssim).toFixed(4)}, bitrate ${pct(r.kbps / before.kbps - 1)}${goal}`);
  }
}
if (chromium) {
  console.log(`\nRatios against Chromium (our CPU time on one thread / its encode loop's wall time per frame):`);
  for (const r of rows) {
    console.log(`  ${r.name.padEnd(14)} time ${(r.msPerFrame / chromium.msPerFrame).toFixed(2)}x, Y-PSNR ${(r.psnrY - chromium.psnrY >= 0 ? '+' : '')}${(r.psnrY - chromium.psnrY).toFixed(2)} dB, SSIM ${(r.ssim - chromium.ssim >= 0 ? '+' : '')}${(r.ssim - chromium.ssim).toFixed(4)}, bitrate ${(r.kbps / chromium.kbps).toFixed(2)}x`);
  }
  console.log(`  (Chromium's time includes VideoFrame creation in its page; its CPU time is not measured, its threads not counted)`);
}

// ---- the Streamer's configuration: realtime on 2 workers, cold start included ----
if (process.env.ENCODER_PARALLEL !== '0') {
  const threads = 2;
  const c0 = performance.now();
  const par = await ParallelH264Encoder.create({ width, height, fps, bitrate, keyInterval, threads, preset: 'realtime', kernels: kernelsList[0] });
  const createMs = performance.now() - c0;
  const src = source();
  const times: number[] = [];
  const bits: number[] = [];
  let cpuUs = 0;
  let ySum = 0;
  let peakRss = process.memoryUsage().rss;
  for (let i = 0; i < frames; i++) {
    const frame = src.next();
    const c = process.cpuUsage();
    const t0 = performance.now();
    const out = await par.encode(frame);
    times.push(performance.now() - t0);
    const cu = process.cpuUsage(c);
    cpuUs += cu.user + cu.system;
    bits.push(out.data.length * 8);
    ySum += psnr(frame, par.reconstruction()).y;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  await par.close();
  const total = times.reduce((a, b) => a + b, 0);
  const w = frames >= 6 * fps ? windowDeviation(bits, fps, bitrate, 5, 1) : undefined;
  console.log(`\nStreamer configuration: realtime, ${threads} workers x ${threads} slices, ${kernelsList[0]} kernels`);
  console.log(`  cold start             create ${createMs.toFixed(0)} ms (worker warm-up ${par.warmUpMs.toFixed(0)} ms); first IDR ${times[0].toFixed(1)} ms; first second: median ${median(times.slice(1, fps)).toFixed(1)} ms, max ${Math.max(...times.slice(1, fps)).toFixed(1)} ms per frame`);
  console.log(`  sustained              ${((frames * 1000) / total).toFixed(1)} fps wall (median ${sortedPct(times, 50).toFixed(1)} ms, p99 ${sortedPct(times, 99).toFixed(1)} ms per frame)`);
  console.log(`  CPU time               ${(cpuUs / 1000 / frames).toFixed(1)} ms/frame over all threads`);
  console.log(`  bitrate                ${kbitPerSecond(bits, fps).toFixed(0)} kbit/s${w ? `; worst 5 s window ${pct(w.worst)}` : ''}; Y-PSNR ${(ySum / frames).toFixed(2)} dB; peak RSS ${mib(peakRss)}`);
}
