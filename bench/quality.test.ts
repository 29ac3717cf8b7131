import { describe, expect, it } from 'vitest';
import { createI420Frame } from '../src/encoding/index.js';
import { kbitPerSecond, lumaQuality, median } from './lib.js';
import { barChartSvg, seededRandom, TexturedScene, valueNoise } from './quality.js';

describe('encoder-quality bench content', () => {
  it('seededRandom repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });

  it('valueNoise stays in [0, 1] and is not flat', () => {
    const n = valueNoise(64, 48, 3, 16, 4, 0.5);
    const min = Math.min(...n);
    const max = Math.max(...n);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(max - min).toBeGreaterThan(0.3);
  });

  it('TexturedScene gives the same pictures for the same seed, in any order, and other pictures for another seed', () => {
    const a = new TexturedScene({ width: 96, height: 64, seed: 5 });
    const b = new TexturedScene({ width: 96, height: 64, seed: 5 });
    const c = new TexturedScene({ width: 96, height: 64, seed: 6 });
    const a3 = a.frame(3);
    const a7 = a.frame(7);
    // b renders in the other order: picture n depends only on the seed and n
    const b7 = b.frame(7);
    const b3 = b.frame(3);
    expect(b3).toEqual(a3);
    expect(b7).toEqual(a7);
    expect(c.frame(3).y).not.toEqual(a3.y);
    expect(a7.y).not.toEqual(a3.y);
  });

  it('TexturedScene is textured and moves like a pan: picture 40 matches picture 0 shifted by the pan, not unshifted', () => {
    const w = 160;
    const h = 96;
    const scene = new TexturedScene({ width: w, height: h, seed: 9, noise: 0 });
    const f0 = scene.frame(0);
    const f10 = scene.frame(40);
    const mean = f0.y.reduce((s, v) => s + v, 0) / f0.y.length;
    const sd = Math.sqrt(f0.y.reduce((s, v) => s + (v - mean) ** 2, 0) / f0.y.length);
    expect(sd).toBeGreaterThan(20);
    const o0 = scene.offset(0);
    const o10 = scene.offset(40);
    const dx = Math.round(o10.x - o0.x);
    const dy = Math.round(o10.y - o0.y);
    expect(Math.abs(dx) + Math.abs(dy)).toBeGreaterThan(2);
    // mean absolute difference of f10(x, y) against f0(x + dx, y + dy) over the overlap
    const mad = (sx: number, sy: number) => {
      let s = 0;
      let n = 0;
      for (let y = 8; y < h - 8; y++) {
        for (let x = 8; x < w - 8; x++) {
          const xx = x + sx;
          const yy = y + sy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          s += Math.abs(f10.y[y * w + x] - f0.y[yy * w + xx]);
          n++;
        }
      }
      return s / n;
    };
    expect(mad(dx, dy)).toBeLessThan(mad(0, 0) / 2);
  });

  it('TexturedScene adds fresh sensor noise per picture only when asked', () => {
    const clean = new TexturedScene({ width: 64, height: 32, seed: 1, noise: 0 });
    const noisy = new TexturedScene({ width: 64, height: 32, seed: 1, noise: 3 });
    const a = clean.frame(4);
    const b = noisy.frame(4);
    let sq = 0;
    for (let i = 0; i < a.y.length; i++) sq += (a.y[i] - b.y[i]) ** 2;
    const sigma = Math.sqrt(sq / a.y.length);
    expect(sigma).toBeGreaterThan(2);
    expect(sigma).toBeLessThan(4);
  });

  it('TexturedScene rejects odd or tiny sizes', () => {
    expect(() => new TexturedScene({ width: 15, height: 16 })).toThrow(RangeError);
    expect(() => new TexturedScene({ width: 8, height: 8 })).toThrow(RangeError);
  });
});

describe('encoder-quality bench report', () => {
  it('barChartSvg draws one bar per value with its figure, a legend per series, and escapes text', () => {
    const svg = barChartSvg('PSNR <&> x', ['before', 'after'], [
      { label: '800 kbit/s', values: [30, 31] },
      { label: '2500 kbit/s', values: [34, 36] },
    ], { unit: 'dB' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain('PSNR &lt;&amp;&gt; x (dB)');
    expect(svg).not.toContain('<&>');
    // 4 bars (with a title each) + 2 legend swatches
    expect(svg.match(/<rect /g)?.length).toBe(6);
    expect(svg).toContain('>36.00</text>');
    const heights = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="36" height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(4);
    expect(heights[3]).toBeGreaterThan(heights[2]);
    expect(heights[1]).toBeGreaterThan(heights[0]);
    expect(svg).not.toMatch(/https?:/);
  });

  it('lumaQuality, kbitPerSecond and median compute the bench figures', () => {
    const a = createI420Frame(16, 16);
    const b = createI420Frame(16, 16);
    a.y.fill(100);
    b.y.fill(100);
    expect(lumaQuality(a, b)).toEqual({ psnrY: Infinity, ssim: 1 });
    b.y.fill(110);
    const q = lumaQuality(a, b);
    expect(q.psnrY).toBeCloseTo(10 * Math.log10((255 * 255) / 100), 6);
    expect(q.ssim).toBeLessThan(1);
    expect(kbitPerSecond([8000, 16000], 30)).toBeCloseTo(360, 9);
    expect(kbitPerSecond([], 30)).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
  });
});
