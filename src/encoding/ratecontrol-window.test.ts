/**
 * The rate-control requirement: within 10% of the target over any 5 s window at steady
 * content. The synthetic 'moving' source at 320x180, 30 fps, IDR every 60 pictures; every
 * sliding 5 s window (one per starting picture) from 1 s on (the first second lets the QP
 * settle from its initial value) must be within +/-10% of the target.
 */
import { describe, expect, it } from 'vitest';
import { H264Encoder } from './encoder.js';
import { windowDeviation } from './ratecontrol.js';
import { SyntheticSource } from './synthetic.js';

const FPS = 30;

/** Encode `frames` pictures; `plan(i)` may return a new target for picture i onwards. Sizes in bits. */
function encode(bitrate: number, frames: number, plan: (i: number) => number | undefined = () => undefined): { bits: number[]; qps: number[] } {
  const src = new SyntheticSource({ width: 320, height: 180, fps: FPS, pattern: 'moving', clock: () => 0 });
  const enc = new H264Encoder({ width: 320, height: 180, fps: FPS, bitrate, keyInterval: 60 });
  const bits: number[] = [];
  const qps: number[] = [];
  for (let i = 0; i < frames; i++) {
    const next = plan(i);
    if (next !== undefined) enc.rateControl?.setBitrate(next);
    const out = enc.encode(src.next());
    bits.push(out.data.length * 8);
    qps.push(out.qp);
  }
  return { bits, qps };
}

describe('rate control over 5 s windows', () => {
  it('holds 300 kbit/s within 10% over every 5 s window of 20 s of moving 320x180 content', () => {
    const { bits, qps } = encode(300_000, 20 * FPS);
    const w = windowDeviation(bits, FPS, 300_000, 5, 1);
    expect(w.windows).toBe(20 * FPS - 5 * FPS - FPS + 1);
    expect(w.worst).toBeLessThan(0.1);
    // the QP really moved: a controller that did nothing could not pass at another target
    expect(Math.max(...qps) - Math.min(...qps)).toBeGreaterThan(2);
  });

  it('holds 600 kbit/s within 10% over every 5 s window of 12 s of moving 320x180 content', () => {
    const { bits } = encode(600_000, 12 * FPS);
    expect(windowDeviation(bits, FPS, 600_000, 5, 1).worst).toBeLessThan(0.1);
  });

  it('after setBitrate from 300 to 150 kbit/s mid-run, every 5 s window from 2 s after the change is within 10% of 150 kbit/s', () => {
    const change = 3 * FPS;
    const { bits } = encode(300_000, 12 * FPS, (i) => (i === change ? 150_000 : undefined));
    // before the change, the old target holds (windows of 2 s, as only 3 s precede it)
    expect(windowDeviation(bits.slice(0, change), FPS, 300_000, 2, 1).worst).toBeLessThan(0.1);
    const after = windowDeviation(bits.slice(change), FPS, 150_000, 5, 2);
    expect(after.windows).toBe(12 * FPS - change - 7 * FPS + 1);
    expect(after.worst).toBeLessThan(0.1);
  });
});

describe('windowDeviation', () => {
  it('computes every sliding window and the worst deviation, and refuses a too short sequence', () => {
    // 1 bit per picture at 2 fps, then one picture of 9 bits: windows of 2 s = 4 pictures
    const bits = [1, 1, 1, 1, 9, 1, 1, 1];
    const w = windowDeviation(bits, 2, 2, 2, 0);
    expect(w.windows).toBe(5);
    expect(w.min).toBe(2);
    expect(w.max).toBe(6);
    expect(w.worst).toBe(2);
    expect(windowDeviation(bits, 2, 2, 2, 2).windows).toBe(1);
    expect(() => windowDeviation(bits, 2, 2, 5, 0)).toThrow(RangeError);
  });
});
