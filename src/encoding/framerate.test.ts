/**
 * Frame rate changes while running: the next picture is an IDR whose SPS carries the new
 * VUI timing, and rate control budgets the same bitrate over the new number of pictures.
 */
import { describe, expect, it } from 'vitest';
import { parseSps } from './__fixtures__/test-support.js';
import { H264Encoder } from './encoder.js';
import { NalType, splitAnnexB, unescapeRbsp } from './nal.js';
import { windowDeviation } from './ratecontrol.js';
import { SyntheticSource } from './synthetic.js';

function spsFps(accessUnit: Uint8Array): number {
  const sps = splitAnnexB(accessUnit).find((n) => n.type === NalType.Sps);
  if (!sps) throw new Error('no SPS in this access unit');
  const parsed = parseSps(unescapeRbsp(sps.payload));
  // Frame-based timing (H.264 E.2.1): one frame lasts two ticks.
  return parsed.timeScale / (2 * parsed.numUnitsInTick);
}

describe('frame rate changes while running', () => {
  it('setFrameRate makes the next picture an IDR whose SPS carries the new VUI timing', () => {
    const src = new SyntheticSource({ width: 176, height: 144, clock: () => 0 });
    const enc = new H264Encoder({ width: 176, height: 144, fps: 30, qp: 28, keyInterval: 0 });
    const first = enc.encode(src.next());
    expect(spsFps(first.data)).toBe(30);
    expect(enc.encode(src.next()).keyframe).toBe(false);
    enc.setFrameRate(15);
    const changed = enc.encode(src.next());
    expect(changed.keyframe).toBe(true);
    expect(spsFps(changed.data)).toBe(15);
    expect(enc.fps).toBe(15);
    expect(enc.encode(src.next()).keyframe).toBe(false);
    expect(() => enc.setFrameRate(0)).toThrow(RangeError);
  });

  it('after setFrameRate from 30 to 15 fps at 300 kbit/s, every 5 s window from 2 s after the change is within 10%', () => {
    const src = new SyntheticSource({ width: 320, height: 180, fps: 30, pattern: 'moving', clock: () => 0 });
    const enc = new H264Encoder({ width: 320, height: 180, fps: 30, bitrate: 300_000, keyInterval: 60 });
    const before: number[] = [];
    for (let i = 0; i < 3 * 30; i++) before.push(enc.encode(src.next()).data.length * 8);
    enc.setFrameRate(15);
    expect(enc.rateControl?.fps).toBe(15);
    const after: number[] = [];
    for (let i = 0; i < 9 * 15; i++) after.push(enc.encode(src.next()).data.length * 8);
    const windows = windowDeviation(after, 15, 300_000, 5, 2);
    expect(windows.worst).toBeLessThan(0.1);
    // Half the pictures for the same bitrate: each picture gets about twice the bits.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(after.slice(30)) / mean(before.slice(30))).toBeGreaterThan(1.6);
  });
});
