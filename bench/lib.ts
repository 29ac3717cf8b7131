/** Helpers shared by the benchmarks in `bench/`: timing loops, a side-by-side table, picture quality. */
import { psnr, ssimY, type I420Frame } from '../src/encoding/index.js';

export interface Measurement {
  name: string;
  opsPerSecond: number;
  iterations: number;
  elapsedMs: number;
}

/** Run `fn` repeatedly for at least `minMs` (after a warm-up) and return its rate. */
export function measure(name: string, fn: () => void, minMs = 1000): Measurement {
  const warmupEnd = performance.now() + Math.min(300, minMs / 3);
  while (performance.now() < warmupEnd) fn();
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  let batch = 1;
  while (elapsed < minMs) {
    for (let i = 0; i < batch; i++) fn();
    iterations += batch;
    elapsed = performance.now() - start;
    if (elapsed < minMs / 10) batch *= 2;
  }
  return { name, opsPerSecond: (iterations / elapsed) * 1000, iterations, elapsedMs: elapsed };
}

/** Print ours versus the named peer, with the ratio and the goal. */
export function printComparison(title: string, ours: Measurement, peer: Measurement, goal: number, unit = 'ops/s'): void {
  const ratio = ours.opsPerSecond / peer.opsPerSecond;
  const fmt = (m: Measurement) => `${Math.round(m.opsPerSecond).toLocaleString('en-US')} ${unit}`;
  console.log(`${title}`);
  console.log(`  ${ours.name.padEnd(24)} ${fmt(ours)}`);
  console.log(`  ${peer.name.padEnd(24)} ${fmt(peer)}`);
  console.log(`  ratio ${ratio.toFixed(2)}x (goal >= ${goal}x): ${ratio >= goal ? 'met' : 'NOT met'}`);
}

/** Print a single figure with no peer to compare against. */
export function printFigure(title: string, m: Measurement, unit = 'ops/s'): void {
  console.log(`${title}\n  ${m.name.padEnd(24)} ${Math.round(m.opsPerSecond).toLocaleString('en-US')} ${unit}`);
}

/** Y-PSNR (dB) and SSIM (Y) of an encoder's reconstruction against its source picture. */
export function lumaQuality(source: I420Frame, recon: I420Frame): { psnrY: number; ssim: number } {
  return { psnrY: psnr(source, recon).y, ssim: ssimY(source, recon) };
}

/** Mean bitrate in kbit/s of per-picture sizes in bits at `fps` pictures per second. */
export function kbitPerSecond(bits: readonly number[], fps: number): number {
  return bits.length ? (bits.reduce((a, b) => a + b, 0) * fps) / bits.length / 1000 : 0;
}

/** The median (upper middle for an even count). */
export const median = (a: readonly number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1];
