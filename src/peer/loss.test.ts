import { describe, expect, it } from 'vitest';
import { LossModel, Xorshift32 } from './loss.js';

function pattern(model: LossModel, n: number, retransmission = false): boolean[] {
  return Array.from({ length: n }, () => model.drop(retransmission));
}

describe('LossModel', () => {
  it('neighbouring seeds give unrelated patterns from the first packet on', () => {
    // Seeding xorshift32 with the seed itself gave seeds n and n + 1 first values a few
    // thousandths apart (so seeds 56, 57 and 58 all dropped the second packet at 5 %);
    // unrelated uniform values are 1/3 apart on average.
    let gap = 0;
    for (let seed = 0; seed < 1000; seed++) gap += Math.abs(new Xorshift32(seed).next() - new Xorshift32(seed + 1).next());
    expect(gap / 1000).toBeGreaterThan(0.3);
    expect(gap / 1000).toBeLessThan(0.37);
  });

  it('drops the same packets for the same seed and different ones for another seed', () => {
    const a = pattern(new LossModel({ rate: 0.05, seed: 42 }), 2000);
    const b = pattern(new LossModel({ rate: 0.05, seed: 42 }), 2000);
    const c = pattern(new LossModel({ rate: 0.05, seed: 43 }), 2000);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a.filter(Boolean).length).toBeGreaterThan(0);
  });

  it('drops close to the rate asked for over many packets, none at 0 and all at 1', () => {
    for (const rate of [0.01, 0.05, 0.2]) {
      const dropped = pattern(new LossModel({ rate, seed: 1 }), 100_000).filter(Boolean).length;
      // Binomial standard deviation at 100,000 draws is at most 0.0013 of the rate scale; allow 4 of them.
      expect(Math.abs(dropped / 100_000 - rate)).toBeLessThan(4 * Math.sqrt((rate * (1 - rate)) / 100_000));
    }
    expect(pattern(new LossModel({ rate: 0, seed: 1 }), 10_000).some(Boolean)).toBe(false);
    expect(pattern(new LossModel({ rate: 1, seed: 1 }), 10_000).every(Boolean)).toBe(true);
  });

  it('keeps the first transmissions on their own sequence, so retransmissions do not shift which packets are lost', () => {
    const quiet = new LossModel({ rate: 0.1, seed: 9 });
    const busy = new LossModel({ rate: 0.1, seed: 9 });
    const a: boolean[] = [];
    const b: boolean[] = [];
    for (let i = 0; i < 1000; i++) {
      a.push(quiet.drop(false));
      b.push(busy.drop(false));
      if (i % 3 === 0) busy.drop(true);
    }
    expect(b).toEqual(a);
    const off = new LossModel({ rate: 1, seed: 9, retransmissions: false });
    expect(pattern(off, 100, true).some(Boolean)).toBe(false);
    expect(off.drop(false)).toBe(true);
  });

  it('rejects a rate outside 0..1 and a seed that is not an integer', () => {
    for (const rate of [-0.1, 1.5, Number.NaN]) expect(() => new LossModel({ rate })).toThrow(RangeError);
    expect(() => new LossModel({ rate: 0.1, seed: 1.5 })).toThrow(/seed must be an integer/);
  });

  it('xorshift32 yields values in [0, 1) from any seed, 0 included', () => {
    for (const seed of [0, -1, 1, 2 ** 40]) {
      const r = new Xorshift32(seed);
      const values = Array.from({ length: 1000 }, () => r.next());
      expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
      expect(new Set(values).size).toBe(1000);
    }
  });
});
