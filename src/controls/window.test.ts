import { describe, expect, it } from 'vitest';
import { plus, SampleWindow } from './window.js';

describe('SampleWindow', () => {
  it('keeps the last maxSamples samples inside the time window, oldest out first, across many wraps of its ring', () => {
    const w = new SampleWindow(1000, 4);
    // 10,003 samples 1 ms apart: the ring wraps thousands of times; only the last four stay.
    for (let i = 0; i < 10_003; i++) w.add(i, i);
    expect(w.count(10_002)).toBe(4);
    expect([0, 25, 50, 75, 100].map((p) => w.percentile(p, 10_002))).toEqual([9999, 9999, 10_000, 10_001, 10_002]);
    // Time pruning: 1000 ms after the sample at 10,000 only the two later ones remain.
    expect(w.count(11_000.5)).toBe(2);
    expect(w.percentile(50, 11_000.5)).toBe(10_001);
    expect(w.count(20_000)).toBe(0);
    expect(w.percentile(50, 20_000)).toBeUndefined();
    // Empty after pruning, it fills again from wherever its ring stopped.
    w.add(7, 20_001);
    w.add(3, 20_002);
    expect(w.count(20_002)).toBe(2);
    expect(w.percentile(100, 20_002)).toBe(7);
    expect(w.percentile(1, 20_002)).toBe(3);
  });

  it('gives nearest-rank percentiles and rates over the window, and clear() empties it', () => {
    const w = new SampleWindow(2000, 100);
    [5, 1, 4, 2, 3].forEach((v, i) => w.add(v, 100 + i));
    expect(w.percentile(50, 200)).toBe(3);
    expect(w.percentile(95, 200)).toBe(5);
    expect(w.percentile(0, 200)).toBe(1);
    expect(w.ratePerSecond(200)).toBe(2.5);
    w.clear();
    expect(w.count(200)).toBe(0);
    expect(() => new SampleWindow(1000, 0)).toThrow(RangeError);
    expect(plus(1, 2)).toBe(3);
    expect(plus(1, undefined)).toBeUndefined();
  });
});
