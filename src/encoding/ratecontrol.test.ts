import { describe, expect, it } from 'vitest';
import { H264Encoder } from './encoder.js';
import { RC_MAX_QP, RC_MIN_QP } from './constants.js';
import { RateController } from './ratecontrol.js';
import { SyntheticSource } from './synthetic.js';

function run(pattern: 'moving' | 'noisy', bitrate: number, frames: number) {
  const src = new SyntheticSource({ width: 320, height: 240, pattern, clock: () => 0 });
  const enc = new H264Encoder({ width: 320, height: 240, bitrate, keyInterval: 60 });
  const sizes: number[] = [];
  const qps: number[] = [];
  for (let i = 0; i < frames; i++) {
    const e = enc.encode(src.next());
    sizes.push(e.data.length);
    qps.push(e.qp);
  }
  const rate = (a: number, b: number) => (sizes.slice(a, b).reduce((x, y) => x + y, 0) * 8 * 30) / (b - a);
  return { rate, qps };
}

describe('RateController', () => {
  it('holds a 300 kbit/s target within 15% on moving content', () => {
    const { rate, qps } = run('moving', 300_000, 75);
    expect(Math.abs(rate(15, 75) / 300_000 - 1)).toBeLessThan(0.15);
    expect(new Set(qps).size).toBeGreaterThan(1);
  });

  it('spends a higher QP on noise than on clean content at the same bitrate', () => {
    const clean = run('moving', 400_000, 30).qps.at(-1) ?? 0;
    const noisy = run('noisy', 400_000, 30).qps.at(-1) ?? 0;
    expect(noisy).toBeGreaterThan(clean + 3);
  });

  it('moves QP by at most 3 per frame and stays in range', () => {
    const rc = new RateController({ bitrate: 100_000, fps: 30, initialQp: 30 });
    let last = rc.qp;
    for (const bytes of [50_000, 50_000, 50_000, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10]) {
      const q = rc.update(bytes, false);
      expect(Math.abs(q - last)).toBeLessThanOrEqual(3);
      expect(q).toBeGreaterThanOrEqual(RC_MIN_QP);
      expect(q).toBeLessThanOrEqual(RC_MAX_QP);
      last = q;
    }
    expect(() => new RateController({ bitrate: 0, fps: 30 })).toThrow(RangeError);
  });

  it('raises QP after an IDR fills the virtual buffer, then brings the buffer back to empty', () => {
    // 100 kbit/s at 30 fps: 3,333 bits per picture; P pictures of exactly the allowance at QP 30
    const rc = new RateController({ bitrate: 100_000, fps: 30, initialQp: 30 });
    for (let i = 0; i < 10; i++) rc.update(3_333 / 8, false);
    expect(rc.qp).toBe(30);
    const before = rc.qp;
    rc.update((10 * 3_333) / 8, true); // an IDR ten times the allowance
    expect(rc.bufferBits).toBeGreaterThan(8 * 3_333);
    expect(rc.qp).toBeGreaterThan(before);
    // P pictures that follow the model (size halves every 6 QP) repay the debt within 3 s
    for (let i = 0; i < 90; i++) rc.update((3_333 * Math.pow(2, -(rc.qp - 30) / 6)) / 8, false);
    expect(Math.abs(rc.bufferBits)).toBeLessThan(3_333);
    expect(Math.abs(rc.qp - 30)).toBeLessThanOrEqual(1);
  });

  it('banks at most 0.25 s of under-spending, so easy content at the lowest QP is not followed by a burst', () => {
    const rc = new RateController({ bitrate: 100_000, fps: 30, initialQp: 20 });
    for (let i = 0; i < 90; i++) rc.update(10, false); // 3 s of pictures far below the 3,333-bit allowance
    expect(rc.qp).toBe(RC_MIN_QP);
    expect(rc.bufferBits).toBeCloseTo(-25_000, 0);
    // pictures at the allowance from here on: the target only exceeds it by the small credit
    const qpBefore = rc.qp;
    rc.update(3_333 / 8, false);
    expect(rc.qp).toBeGreaterThanOrEqual(qpBefore);
  });

  it('codes an IDR at a QP that predicts at most 1 s of the bitrate, and P pictures at qp', () => {
    const rc = new RateController({ bitrate: 100_000, fps: 30, initialQp: 30 });
    expect(rc.qpFor(true)).toBe(30); // no IDR seen yet: the current QP
    rc.update(200_000 / 8, true); // an IDR of 2 s of the bitrate at QP 30
    for (let i = 0; i < 300; i++) rc.update((3_333 * Math.pow(2, -(rc.qpFor(false) - 30) / 6)) / 8, false);
    expect(rc.qpFor(false)).toBe(rc.qp);
    expect(rc.qp).toBeLessThan(36);
    // half the size wanted: 6 QP steps above the QP the last IDR was coded at
    expect(rc.qpFor(true)).toBe(36);
  });

  it('setBitrate halving the target raises QP by about 6 and rejects a non-positive rate', () => {
    const rc = new RateController({ bitrate: 200_000, fps: 30, initialQp: 30 });
    const size = (qp: number) => (200_000 / 30 / 8) * Math.pow(2, -(qp - 30) / 6);
    for (let i = 0; i < 30; i++) rc.update(size(rc.qp), false);
    expect(rc.qp).toBe(30);
    rc.setBitrate(100_000);
    expect(rc.bitrate).toBe(100_000);
    for (let i = 0; i < 60; i++) rc.update(size(rc.qp), false);
    expect(Math.abs(rc.qp - 36)).toBeLessThanOrEqual(1);
    expect(() => rc.setBitrate(0)).toThrow(RangeError);
    expect(() => rc.setBitrate(Number.NaN)).toThrow(RangeError);
  });
});
