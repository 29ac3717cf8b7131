import { describe, expect, it } from 'vitest';
import { chooseLevel } from './levels.js';

const level = (w: number, h: number, fps: number) => chooseLevel(Math.ceil(w / 16), Math.ceil(h / 16), fps).levelIdc;

describe('chooseLevel (Table A-1)', () => {
  it('picks the lowest level admitting frame size and macroblock rate', () => {
    expect(level(176, 144, 15)).toBe(10);
    expect(level(176, 144, 30)).toBe(11);
    expect(level(352, 288, 30)).toBe(13);
    expect(level(640, 360, 30)).toBe(30);
    expect(level(1280, 720, 30)).toBe(31);
    expect(level(1280, 720, 60)).toBe(32);
    expect(level(1920, 1080, 30)).toBe(40);
    expect(level(1920, 1080, 60)).toBe(42);
  });

  it('raises the level when the target bitrate exceeds MaxBR', () => {
    expect(chooseLevel(80, 45, 30, 10_000_000).levelIdc).toBe(31);
    expect(chooseLevel(80, 45, 30, 15_000_000).levelIdc).toBe(32);
    expect(chooseLevel(11, 9, 30, 500_000).levelIdc).toBe(13);
  });

  it('respects the sqrt(8 * MaxFS) dimension limit and rejects what no level admits', () => {
    // 99 macroblocks, but 33 wide > sqrt(8 * 99) = 28.1 for level 1
    expect(level(33 * 16, 3 * 16, 1)).toBe(11);
    expect(() => chooseLevel(1000, 1000, 30)).toThrow(RangeError);
  });
});
