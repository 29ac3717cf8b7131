import { describe, expect, it } from 'vitest';
import { PacedClock, type Tick, type TimeSource } from './clock.js';

/**
 * Virtual time: `sleep` wakes late by a pseudo-random 0..1.5 ms (timer slack), every
 * `hiccupEvery`-th sleep by a further `hiccupMs` (a GC pause); each `now()` costs 0.05 ms
 * (the spin loop). `work(ms)` is time spent in a tick callback.
 */
function simulatedTime(options: { hiccupEvery?: number; hiccupMs?: number } = {}) {
  let t = 1_000;
  let seed = 12345;
  let sleeps = 0;
  let oversleptMs = 0;
  let hiccups = 0;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const source: TimeSource = {
    now: () => (t += 0.05),
    sleep: async (ms) => {
      sleeps++;
      let extra = random() * 1.5;
      if (options.hiccupEvery && sleeps % options.hiccupEvery === 0) {
        extra += options.hiccupMs ?? 0;
        hiccups++;
      }
      oversleptMs += extra;
      t += ms + extra;
    },
  };
  return { source, work: (ms: number) => (t += ms), get oversleptMs() { return oversleptMs; }, get hiccups() { return hiccups; } };
}

describe('PacedClock', () => {
  it('paces 3 s at 30 fps: 90 ticks, each within 15 ms of its deadline, without growing lateness', async () => {
    const clock = new PacedClock({ rate: 30 });
    const ticks: Tick[] = [];
    const stats = await clock.run((t) => void ticks.push(t), { durationMs: 3000 });
    expect(Math.abs(ticks.length - 90)).toBeLessThanOrEqual(1);
    expect(stats.ticks).toBe(ticks.length);
    const lateness = ticks.map((t) => t.lateness);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(lateness.slice(0, 30));
    const last = mean(lateness.slice(-30));
    console.log(`3 s at 30 fps: ${ticks.length} ticks, max lateness ${Math.max(...lateness).toFixed(3)} ms, mean ${first.toFixed(3)} ms (first second) vs ${last.toFixed(3)} ms (last second)`);
    expect(Math.max(...lateness.map(Math.abs))).toBeLessThan(15);
    expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0); // never early: the spin waits for the deadline
    expect(last).toBeLessThanOrEqual(first + 3);
    ticks.forEach((t, n) => expect(t.deadline).toBeCloseTo(clock.deadline(0) + (n * 1000) / 30, 6));
    const span = ticks[ticks.length - 1].time - ticks[0].time;
    expect(Math.abs(span - ((ticks.length - 1) * 1000) / 30)).toBeLessThan(15);
  });

  it('a simulated 10-minute schedule at 30 fps accumulates no drift despite late timers', async () => {
    const sim = simulatedTime({ hiccupEvery: 1000, hiccupMs: 20 });
    const clock = new PacedClock({ rate: 30, time: sim.source });
    const lateness: number[] = [];
    let last: Tick | undefined;
    const stats = await clock.run(
      (t) => {
        lateness.push(t.lateness);
        last = t;
        sim.work(5 + (t.index % 7)); // encoding work inside the tick
      },
      { durationMs: 10 * 60 * 1000 },
    );
    expect(stats.ticks).toBe(18_000);
    // Timer slack alone (< spin) never makes a tick late; only the 20 ms hiccups do, one tick each.
    const late = lateness.filter((l) => l > 0.1).length;
    expect(sim.hiccups).toBeGreaterThanOrEqual(15);
    expect(late).toBe(sim.hiccups);
    expect(stats.lateTicks).toBe(late);
    // The last tick is due at start + 17999 periods and is on time: nothing accumulated.
    expect(last!.index).toBe(17_999);
    expect(last!.deadline).toBeCloseTo(clock.deadline(0) + (17_999 * 1000) / 30, 6);
    expect(last!.lateness).toBeLessThan(0.1);
    console.log(`simulated 10 min: last tick ${last!.lateness.toFixed(3)} ms late; sleeping one period after each tick would have drifted by ${(sim.oversleptMs / 1000).toFixed(1)} s of timer slack plus the work time`);
    expect(sim.oversleptMs).toBeGreaterThan(10_000); // the slack the absolute deadlines absorbed
  });

  it('skips ticks after a long stall when asked to, and bursts them otherwise', async () => {
    for (const whenBehind of ['skip', 'burst'] as const) {
      const sim = simulatedTime();
      const clock = new PacedClock({ rate: 30, time: sim.source, whenBehind });
      const indices: number[] = [];
      const lateAfterStall: number[] = [];
      const stats = await clock.run(
        (t) => {
          indices.push(t.index);
          if (t.index === 10) sim.work(110); // 3.3 periods: tick 11 is due 76.7 ms before this ends
          if (t.index >= 15) lateAfterStall.push(t.lateness);
        },
        { count: 30 },
      );
      if (whenBehind === 'skip') {
        expect(stats.skippedTicks).toBe(2); // 11 and 12; 13 is delivered about 10 ms late
        expect(indices).toEqual([...Array.from({ length: 11 }, (_, i) => i), ...Array.from({ length: 17 }, (_, i) => i + 13)]);
      } else {
        expect(stats.skippedTicks).toBe(0);
        expect(indices).toEqual(Array.from({ length: 30 }, (_, i) => i));
        expect(stats.lateTicks).toBe(2); // 11 (about 77 ms late) and 12 (43 ms); 13 is 10 ms late, under half a period
        expect(stats.maxLatenessMs).toBeGreaterThan(75);
      }
      expect(Math.max(...lateAfterStall)).toBeLessThan(0.1); // back on the original schedule
    }
  });

  it('as fast as possible, ticks carry nominal media time without waiting', async () => {
    const clock = new PacedClock({ rate: 50, asFastAsPossible: true });
    const started = performance.now();
    const media: number[] = [];
    const stats = await clock.run((t) => void media.push(t.mediaTimeMs), { durationMs: 60_000 });
    expect(stats.ticks).toBe(3000);
    expect(media[2999]).toBeCloseTo(59_980, 6);
    expect(stats.lateTicks).toBe(0);
    expect(performance.now() - started).toBeLessThan(5000); // a minute of media in far less than a minute
  });

  it('stop() ends a run between ticks', async () => {
    const clock = new PacedClock({ rate: 100 });
    let seen = 0;
    const stats = await clock.run(() => {
      if (++seen === 5) clock.stop();
    });
    expect(stats.ticks).toBe(5);
    expect(() => new PacedClock({ rate: 0 })).toThrow(RangeError);
  });
});
