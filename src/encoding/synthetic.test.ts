import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createI420Frame, type I420Frame } from './frame.js';
import { drawStamp, readStamp, SyntheticSource, type SyntheticPattern } from './synthetic.js';

function meanAbsDiff(a: I420Frame, b: I420Frame): number {
  let s = 0;
  for (let i = 0; i < a.y.length; i++) s += Math.abs(a.y[i] - b.y[i]);
  return s / a.y.length;
}

const snapshot = (f: I420Frame): I420Frame => ({ width: f.width, height: f.height, y: f.y.slice(), u: f.u.slice(), v: f.v.slice() });

describe('SyntheticSource', () => {
  it('draws the same samples as the per-sample formulas: SHA-256 of 40 frames per size and pattern', () => {
    // Recorded from the per-sample renderer (6ec852b and before); the row-copying renderer must not change a sample.
    const expected: [number, number, SyntheticPattern, string][] = [
      [1280, 720, 'moving', 'e7114aa4c59734f0a5737f521fc71ea3fbefa39f5ef7f5fef10a2384bad60d12'],
      [640, 360, 'scenecut', '3f76af6860ef00a0f064f62ff3d3ff181e02869bd8c0e778eff754c59ba45069'],
      [320, 240, 'noisy', '0f550457daf18fb7aaf0ac722c00ae944b961a6680b9e160ecdfe3bfbeebcc76'],
      [178, 100, 'moving', '8530208ae7b660e4536f97ebfcd42c1b91fdc74d70c9592046ced1590f526f7a'],
      [1920, 1080, 'moving', '117520ecc31d06fd5f6c9bc36d22aa69ea60bc152c6bb3b087b393684939fa68'],
    ];
    for (const [width, height, pattern, digest] of expected) {
      const src = new SyntheticSource({ width, height, pattern, clock: () => 1000 });
      const hash = createHash('sha256');
      for (let i = 0; i < 40; i++) {
        const f = src.next();
        hash.update(f.y).update(f.u).update(f.v);
      }
      expect(`${width}x${height} ${pattern} ${hash.digest('hex')}`).toBe(`${width}x${height} ${pattern} ${digest}`);
    }
  });

  it('defaults to 1280x720 at 30 fps with nominal timestamps', () => {
    const src = new SyntheticSource({ clock: () => 5 });
    const a = src.next();
    const b = src.next();
    expect([a.width, a.height, src.fps]).toEqual([1280, 720, 30]);
    expect([a.index, b.index, b.timestampUs, b.captureTimeMs]).toEqual([0, 1, 33333, 5]);
    expect(a.y.length).toBe(1280 * 720);
    expect(a.u.length).toBe(640 * 360);
  });

  it('readStamp recovers frame number and capture time', () => {
    let t = 4294967290; // wraps modulo 2^32
    const src = new SyntheticSource({ width: 320, height: 240, clock: () => (t += 7) });
    for (let i = 0; i < 3; i++) {
      const f = src.next();
      expect(readStamp(f)).toEqual({ frame: i, captureTimeMs: f.captureTimeMs });
    }
    const big = createI420Frame(1280, 720);
    drawStamp(big, 0xabcdef, 0x12345678);
    expect(readStamp(big)).toEqual({ frame: 0xabcdef, captureTimeMs: 0x12345678 });
  });

  it('readStamp returns null without a stamp or with a corrupted cell', () => {
    const f = new SyntheticSource({ width: 176, height: 144, pattern: 'flat', stamp: false }).next();
    expect(readStamp(f)).toBeNull();
    const g = new SyntheticSource({ width: 176, height: 144, clock: () => 1234 }).next();
    expect(readStamp(g)).not.toBeNull();
    for (let y = 8; y < 16; y++) for (let x = 8; x < 16; x++) g.y[y * 176 + x] = 255 - g.y[y * 176 + x]; // flip cell (1,1)
    expect(readStamp(g)).toBeNull();
  });

  it('recycles a fixed pool of frame buffers', () => {
    const src = new SyntheticSource({ width: 64, height: 64, poolSize: 2 });
    const frames = [src.next(), src.next(), src.next(), src.next()];
    expect(frames[0]).toBe(frames[2]);
    expect(frames[1]).toBe(frames[3]);
    expect(frames[0].y).toBe(frames[2].y);
    expect(frames[0]).not.toBe(frames[1]);
  });

  it('renders deterministic moving content', () => {
    const a = new SyntheticSource({ width: 176, height: 144, clock: () => 0 });
    const b = new SyntheticSource({ width: 176, height: 144, clock: () => 0 });
    const a0 = snapshot(a.next());
    const a1 = snapshot(a.next());
    b.next();
    expect(snapshot(b.next())).toEqual(a1);
    const d = meanAbsDiff(a0, a1);
    expect(d).toBeGreaterThan(2);
  });

  it('scene cuts change the whole picture every sceneLength frames', () => {
    const src = new SyntheticSource({ width: 176, height: 144, pattern: 'scenecut', sceneLength: 3 });
    const f = Array.from({ length: 5 }, () => snapshot(src.next()));
    expect(meanAbsDiff(f[2], f[3])).toBeGreaterThan(2 * meanAbsDiff(f[1], f[2]));
    expect(meanAbsDiff(f[2], f[3])).toBeGreaterThan(30);
  });

  it('noisy frames differ from the clean pattern by bounded fresh noise', () => {
    const clean = snapshot(new SyntheticSource({ width: 176, height: 144, stamp: false }).next());
    const noisy = new SyntheticSource({ width: 176, height: 144, pattern: 'noisy', stamp: false });
    const n0 = snapshot(noisy.next());
    const d = meanAbsDiff(clean, n0);
    expect(d).toBeGreaterThan(4);
    expect(d).toBeLessThan(16);
    expect(Math.max(...Array.from(clean.y, (v, i) => Math.abs(v - n0.y[i])))).toBeLessThanOrEqual(16);
  });
});
