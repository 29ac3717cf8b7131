import { describe, expect, it } from 'vitest';
import { H264Encoder } from './encoder.js';
import { createI420Frame, psnr } from './frame.js';
import { NalType, splitAnnexB } from './nal.js';
import { SyntheticSource } from './synthetic.js';

describe('H264Encoder', () => {
  it('rejects odd sizes, bad QP and frames of the wrong size', () => {
    expect(() => new H264Encoder({ width: 175, height: 144 })).toThrow(RangeError);
    expect(() => new H264Encoder({ width: 176, height: 144, qp: 52 })).toThrow(RangeError);
    expect(() => new H264Encoder({ width: 176, height: 144, levelIdc: 33 })).toThrow(RangeError);
    const enc = new H264Encoder({ width: 176, height: 144 });
    expect(() => enc.encode(createI420Frame(160, 144))).toThrow(RangeError);
    expect(() => (enc.qp = -1)).toThrow(RangeError);
    const short = createI420Frame(176, 144);
    expect(() => enc.encode({ ...short, u: short.u.subarray(1) })).toThrow(/too short/);
  });

  it('sends SPS and PPS with every IDR and one P slice per other frame', () => {
    const enc = new H264Encoder({ width: 96, height: 64, keyInterval: 4 });
    const src = new SyntheticSource({ width: 96, height: 64, stamp: false });
    const types = Array.from({ length: 6 }, () => splitAnnexB(enc.encode(src.next()).data).map((n) => `${n.type}/${n.refIdc}`));
    const idr = [`${NalType.Sps}/3`, `${NalType.Pps}/3`, `${NalType.IdrSlice}/3`];
    expect(types).toEqual([idr, ['1/3'], ['1/3'], ['1/3'], idr, ['1/3']]);
    expect(enc.encode(src.next(), { keyframe: true }).keyframe).toBe(true);
  });

  it('Intra 4x4 (I_NxN) macroblocks are chosen in quality and balanced, never in realtime or with intra4x4: false', () => {
    const count = (opts: { preset: 'quality' | 'balanced' | 'realtime'; intra4x4?: boolean }) => {
      const src = new SyntheticSource({ width: 176, height: 144, pattern: 'moving', stamp: false });
      const enc = new H264Encoder({ width: 176, height: 144, qp: 28, ...opts });
      const f = enc.encode(src.next());
      expect(f.keyframe).toBe(true);
      expect(f.mbs.intra).toBe(99);
      return f.mbs.intraNxN ?? 0;
    };
    expect(count({ preset: 'quality' })).toBeGreaterThan(10);
    expect(count({ preset: 'balanced' })).toBeGreaterThan(10);
    expect(count({ preset: 'realtime' })).toBe(0);
    expect(count({ preset: 'quality', intra4x4: false })).toBe(0);
    expect(count({ preset: 'realtime', intra4x4: true })).toBeGreaterThan(10);
  });

  it('codes an unchanged picture as P_Skip macroblocks only', () => {
    const src = new SyntheticSource({ width: 176, height: 144, stamp: false });
    const f = src.next();
    const enc = new H264Encoder({ width: 176, height: 144, qp: 28 });
    enc.encode(f);
    // the first P picture may refine a few macroblocks left coarse by the IDR; then nothing is left to code
    const first = enc.encode(f);
    expect(first.mbs.skip).toBeGreaterThan(90);
    expect(first.mbs.intra).toBe(0);
    const p = enc.encode(f);
    expect(p.mbs).toEqual({ intra: 0, inter: 0, skip: 99, intraNxN: 0 });
    expect(p.data.length).toBeLessThan(16);
  });

  it('finds the motion of moving content (P frames far smaller than IDR frames)', () => {
    const src = new SyntheticSource({ width: 320, height: 240, stamp: false });
    const enc = new H264Encoder({ width: 320, height: 240, qp: 28 });
    const sizes = Array.from({ length: 4 }, () => enc.encode(src.next()).data.length);
    for (const s of sizes.slice(1)) expect(s).toBeLessThan(sizes[0] / 4);
  });

  it('reconstruction quality falls and size shrinks as QP rises', () => {
    const results = [10, 28, 51].map((qp) => {
      const src = new SyntheticSource({ width: 176, height: 144, clock: () => 0 });
      const enc = new H264Encoder({ width: 176, height: 144, qp });
      let bytes = 0;
      let y = 0;
      for (let i = 0; i < 3; i++) {
        const f = src.next();
        bytes += enc.encode(f).data.length;
        y += psnr(f, enc.reconstruction()).y;
      }
      return { bytes, y: y / 3 };
    });
    expect(results[0].y).toBeGreaterThan(results[1].y);
    expect(results[1].y).toBeGreaterThan(results[2].y);
    expect(results[1].y).toBeGreaterThan(38);
    expect(results[0].bytes).toBeGreaterThan(results[1].bytes);
    expect(results[1].bytes).toBeGreaterThan(results[2].bytes);
  });

  it('resize switches size and level at the next frame, which is an IDR', () => {
    const enc = new H264Encoder({ width: 1280, height: 720, keyInterval: 0 });
    expect(enc.codec).toBe('avc1.42e01f');
    enc.encode(createI420Frame(1280, 720));
    enc.resize(176, 144);
    expect([enc.width, enc.height, enc.widthMbs, enc.heightMbs, enc.codec]).toEqual([176, 144, 11, 9, 'avc1.42e00b']);
    expect(() => enc.encode(createI420Frame(1280, 720))).toThrow(RangeError);
    const out = enc.encode(createI420Frame(176, 144));
    expect(out.keyframe).toBe(true);
    expect(splitAnnexB(out.data).map((n) => n.type)).toEqual([NalType.Sps, NalType.Pps, NalType.IdrSlice]);
    expect(enc.encode(createI420Frame(176, 144)).keyframe).toBe(false);
    expect(() => enc.resize(175, 144)).toThrow(RangeError);
  });

  it('names its codec from profile, constraints and chosen level', () => {
    expect(new H264Encoder({ width: 1280, height: 720 }).codec).toBe('avc1.42e01f');
    expect(new H264Encoder({ width: 1280, height: 720, fps: 60 }).codec).toBe('avc1.42e020');
    expect(new H264Encoder({ width: 176, height: 144 }).codec).toBe('avc1.42e00b');
    expect(new H264Encoder({ width: 176, height: 144, levelIdc: 31 }).codec).toBe('avc1.42e01f');
  });
});
