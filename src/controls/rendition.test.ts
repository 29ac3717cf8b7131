/** The rate control's frame-rate budget when the clock skips frames, and the CPU relief switch (the Streamer's rules, pure). */
import { describe, expect, it } from 'vitest';
import { budgetFrameRate, cpuReliefWanted } from './rendition.js';

describe('budgetFrameRate', () => {
  it('budgets for the pictures actually coded, within 1..nominal, and ignores changes under 5 % of nominal', () => {
    // 30 fps asked, 18 coded: each picture may spend bitrate / 18, not bitrate / 30.
    expect(budgetFrameRate(18, 30, 30)).toBe(18);
    // Back at full speed: the nominal rate again, never more.
    expect(budgetFrameRate(31, 30, 18)).toBe(30);
    expect(budgetFrameRate(30, 30, 18)).toBe(30);
    // Within 1.5 fps (5 % of 30) of the current budget: unchanged.
    expect(budgetFrameRate(29, 30, 30)).toBeUndefined();
    expect(budgetFrameRate(19, 30, 18)).toBeUndefined();
    // Nothing coded in the window: at least 1 fps.
    expect(budgetFrameRate(0, 30, 30)).toBe(1);
    expect(budgetFrameRate(12, 15, 15)).toBe(12);
  });
});

describe('cpuReliefWanted', () => {
  it('switches relief on above 85 % of the frame interval and off only below 60 %, so it does not flap', () => {
    const interval = 1000 / 30;
    expect(cpuReliefWanted(25, interval, false)).toBe(false); // 75 %: keeps up
    expect(cpuReliefWanted(29, interval, false)).toBe(true); // 87 %: about to fall behind
    expect(cpuReliefWanted(25, interval, true)).toBe(true); // relief made it cheaper: stays on
    expect(cpuReliefWanted(20.5, interval, true)).toBe(true);
    expect(cpuReliefWanted(19.5, interval, true)).toBe(false); // 58 %: room again
    expect(cpuReliefWanted(55, 1000 / 15, false)).toBe(false); // the interval is the rendition's own
  });
});
