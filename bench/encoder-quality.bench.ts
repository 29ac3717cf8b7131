/**
 * Picture quality of the H.264 encoder on camera-like content, before and after the deblocking
 * filter (H.264 8.7) and Intra 4x4 (8.3.1), as issue 12 asks: Y-PSNR and SSIM (Y) at 800 kbit/s
 * and 2.5 Mbit/s, rate-controlled, on
 *   - Chromium's fake camera (--use-fake-device-for-media-stream): real frames taken with
 *     getUserMedia + MediaStreamTrackProcessor, VideoFrame.copyTo (I420 or NV12, converted
 *     with toI420) and pulled to Node; cached as .y4m in the temp dir for later runs;
 *   - the synthetic `noisy` pattern (SyntheticSource, stamp off);
 *   - `textured`: a panning photo-like scene with sensor noise (bench/quality.ts, seeded).
 * "before" is `quality` with deblock and intra4x4 off (byte for byte the old encoder); "after"
 * is each preset with its defaults. Prints a table and writes reports/encoder-quality.html
 * (inline SVG, nothing fetched) and reports/encoder-quality.json.
 *
 *   npm run bench -- encoder-quality                     (1280x720, 90 pictures, 30 fps)
 *   ENCODER_QUALITY_SIZE=320x180 ENCODER_QUALITY_FRAMES=30 npm run bench -- encoder-quality
 *   ENCODER_QUALITY_CONTENT=textured,noisy skips the camera; ENCODER_QUALITY_RECAPTURE=1
 *   takes a fresh camera clip; ENCODER_QUALITY_KEY_INTERVAL (default 60) sets the IDR cadence.
 *
 * Means are over all pictures and over the "settled" pictures (after the first second, once the
 * rate control has found its QP). Quality figures do not depend on the machine's load.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { htmlEscape } from '../harness/report-html.js';
import { copyI420Frame, H264Encoder, parseSize, SyntheticSource, type EncoderPreset, type I420Frame } from '../src/encoding/index.js';
import { fakeCamera } from './fake-camera.js';
import { kbitPerSecond, lumaQuality } from './lib.js';
import { barChartSvg, TexturedScene } from './quality.js';

const fps = 30;
const frames = Math.max(2, Number(process.env.ENCODER_QUALITY_FRAMES ?? 90));
const { width, height } = parseSize(process.env.ENCODER_QUALITY_SIZE ?? '1280x720');
const keyInterval = Number(process.env.ENCODER_QUALITY_KEY_INTERVAL ?? 60);
const bitrates = (process.env.ENCODER_QUALITY_BITRATES ?? '800000,2500000').split(',').map(Number);
const contents = (process.env.ENCODER_QUALITY_CONTENT ?? 'camera,noisy,textured').split(',');
const reportDir = join(import.meta.dirname, '..', 'reports');

interface Config {
  name: string;
  preset: EncoderPreset;
  deblock?: boolean;
  intra4x4?: boolean;
}
const BEFORE: Config = { name: 'before (quality, no deblock, no I4x4)', preset: 'quality', deblock: false, intra4x4: false };
/** The presets as they are, then `quality` with only one of the two tools, to tell their effects apart. */
const CONFIGS: Config[] = [
  BEFORE,
  { name: 'quality', preset: 'quality' },
  { name: 'balanced', preset: 'balanced' },
  { name: 'realtime', preset: 'realtime' },
  { name: 'quality, deblock only', preset: 'quality', intra4x4: false },
  { name: 'quality, I4x4 only', preset: 'quality', deblock: false },
];

interface Result {
  content: string;
  bitrate: number;
  config: string;
  kbps: number;
  kbpsSettled: number;
  psnrAll: number;
  psnrSettled: number;
  ssimAll: number;
  ssimSettled: number;
  qpMedianSettled: number;
}

// ---- content ----

function synthetic(pattern: 'noisy'): I420Frame[] {
  let n = 0;
  const src = new SyntheticSource({ width, height, fps, pattern, stamp: false, clock: () => (n++ * 1000) / fps });
  return Array.from({ length: frames }, () => copyI420Frame(src.next()));
}

function textured(): I420Frame[] {
  const scene = new TexturedScene({ width, height, seed: 12 });
  return Array.from({ length: frames }, (_, i) => scene.frame(i));
}

// ---- encoding ----

function encode(pictures: I420Frame[], bitrate: number, config: Config, content: string): Result {
  const enc = new H264Encoder({ width, height, fps, bitrate, keyInterval, preset: config.preset, deblock: config.deblock, intra4x4: config.intra4x4 });
  const bits: number[] = [];
  const psnrs: number[] = [];
  const ssims: number[] = [];
  const qps: number[] = [];
  for (const pic of pictures) {
    const out = enc.encode(pic);
    bits.push(out.data.length * 8);
    qps.push(out.qp);
    const q = lumaQuality(pic, enc.reconstruction());
    psnrs.push(q.psnrY);
    ssims.push(q.ssim);
  }
  const settle = pictures.length > fps ? fps : 0;
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const settledQps = qps.slice(settle).sort((a, b) => a - b);
  return {
    content,
    bitrate,
    config: config.name,
    kbps: kbitPerSecond(bits, fps),
    kbpsSettled: kbitPerSecond(bits.slice(settle), fps),
    psnrAll: mean(psnrs),
    psnrSettled: mean(psnrs.slice(settle)),
    ssimAll: mean(ssims),
    ssimSettled: mean(ssims.slice(settle)),
    qpMedianSettled: settledQps[settledQps.length >> 1],
  };
}

// ---- run ----

const started = Date.now();
console.log(`Encoder picture quality, ${width}x${height}, ${frames} pictures at ${fps} fps, IDR every ${keyInterval}, targets ${bitrates.map((b) => b / 1000).join(' and ')} kbit/s; settled = pictures ${frames > fps ? `${fps}..${frames - 1}` : 'all'}`);
const results: Result[] = [];
const notes: Record<string, string> = {};
for (const content of contents) {
  let pictures: I420Frame[];
  if (content === 'camera') {
    const cam = await fakeCamera({ width, height, frames, fps });
    pictures = cam.pictures;
    notes[content] = `Chromium's fake camera: ${cam.note}`;
  } else if (content === 'noisy') {
    pictures = synthetic('noisy');
    notes[content] = "SyntheticSource 'noisy' (moving gradient, checker band and shapes plus fresh noise every picture), stamp off";
  } else if (content === 'textured') {
    pictures = textured();
    notes[content] = 'TexturedScene seed 12: photo-like fractal texture with textured objects, panning about 1.6 samples/picture with shake, sensor noise sigma 2.5';
  } else throw new Error(`unknown content '${content}' (camera, noisy, textured)`);
  console.log(`\n${content}: ${notes[content]}`);
  for (const bitrate of bitrates) {
    for (const config of CONFIGS) {
      const r = encode(pictures, bitrate, config, content);
      results.push(r);
      console.log(`  ${String(bitrate / 1000).padStart(5)} kbit/s  ${config.name.padEnd(38)} ${r.kbps.toFixed(0).padStart(5)} kbit/s  Y-PSNR ${r.psnrSettled.toFixed(2)} dB settled / ${r.psnrAll.toFixed(2)} all  SSIM ${r.ssimSettled.toFixed(4)} / ${r.ssimAll.toFixed(4)}  QP ${r.qpMedianSettled}`);
    }
  }
}

const before = (r: Result) => results.find((b) => b.content === r.content && b.bitrate === r.bitrate && b.config === BEFORE.name)!;
const sign = (v: number, d: number) => `${v >= 0 ? '+' : ''}${v.toFixed(d)}`;
const header = ['content', 'target', 'configuration', 'kbit/s', 'Y-PSNR settled', 'Y-PSNR all', 'SSIM settled', 'SSIM all', 'dPSNR settled', 'dPSNR all', 'dSSIM settled'];
const rowsOut = results.map((r) => {
  const b = before(r);
  const isBefore = r.config === BEFORE.name;
  return [r.content, `${r.bitrate / 1000}k`, r.config, r.kbps.toFixed(0), r.psnrSettled.toFixed(2), r.psnrAll.toFixed(2), r.ssimSettled.toFixed(4), r.ssimAll.toFixed(4), isBefore ? '-' : sign(r.psnrSettled - b.psnrSettled, 2), isBefore ? '-' : sign(r.psnrAll - b.psnrAll, 2), isBefore ? '-' : sign(r.ssimSettled - b.ssimSettled, 4)];
});
console.log(`\nTable (d = after minus before, dB / SSIM units):\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const row of rowsOut) console.log(`| ${row.join(' | ')} |`);
console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s`);

// ---- report ----
const series = CONFIGS.map((c) => c.name);
const charts = contents
  .map((content) => {
    const groups = (pick: (r: Result) => number) =>
      bitrates.map((bitrate) => ({ label: `${bitrate / 1000} kbit/s`, values: CONFIGS.map((c) => pick(results.find((r) => r.content === content && r.bitrate === bitrate && r.config === c.name)!)) }));
    return `<h2>${htmlEscape(content)}</h2><p>${htmlEscape(notes[content])}</p>${barChartSvg(`${content}: Y-PSNR, settled pictures`, series, groups((r) => r.psnrSettled), { unit: 'dB' })}${barChartSvg(`${content}: SSIM (Y), settled pictures`, series, groups((r) => r.ssimSettled), { digits: 4 })}`;
  })
  .join('\n');
const table = `<table><tr>${header.map((h) => `<th>${htmlEscape(h)}</th>`).join('')}</tr>${rowsOut.map((row) => `<tr>${row.map((c) => `<td>${htmlEscape(c)}</td>`).join('')}</tr>`).join('')}</table>`;
const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Encoder picture quality (issue 12)</title><style>
body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#f3f3f3}
svg{display:inline-block;margin:6px 12px 6px 0;background:#fff;border:1px solid #eee}.ct{font-size:13px;font-weight:bold}.yl{font-size:10px;text-anchor:end;dominant-baseline:middle}
.xl{font-size:11px;text-anchor:middle}.bv{font-size:9px;text-anchor:middle}.lg{font-size:11px}.grid{stroke:#eee}</style></head><body>
<h1>H.264 encoder picture quality on camera-like content</h1>
<p>${htmlEscape(`${width}x${height}, ${frames} pictures at ${fps} fps, IDR every ${keyInterval}, rate-controlled. Settled = after the first second. "before" = quality preset with deblock and intra4x4 off (the old encoder). Generated ${new Date().toISOString()} by npm run bench -- encoder-quality.`)}</p>
${table}
${charts}
</body></html>
`;
mkdirSync(reportDir, { recursive: true });
writeFileSync(join(reportDir, 'encoder-quality.html'), html);
writeFileSync(join(reportDir, 'encoder-quality.json'), JSON.stringify({ width, height, frames, fps, keyInterval, notes, results }, null, 2));
console.log(`wrote ${join(reportDir, 'encoder-quality.html')} and encoder-quality.json`);
