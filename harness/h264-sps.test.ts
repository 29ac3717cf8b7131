import { describe, expect, it } from 'vitest';
import { runFuzz } from '../fuzz/engine.js';
import { capturedSpsUnits, targets } from './h264-sps.fuzz.js';
import { parseSps, SpsParseError } from './h264-sps.js';

/** Writes an SPS bit by bit (ue/se as in H.264 9.1), adding emulation prevention. */
class SpsWriter {
  private bits: number[] = [];
  u(n: number, v: number): this {
    for (let i = n - 1; i >= 0; i--) this.bits.push(Math.floor(v / 2 ** i) % 2);
    return this;
  }
  ue(v: number): this {
    const len = Math.floor(Math.log2(v + 1));
    return this.u(len, 0).u(len + 1, v + 1);
  }
  bytes(): Uint8Array {
    const bits = [...this.bits, 1]; // rbsp_stop_one_bit
    while (bits.length % 8) bits.push(0);
    const raw: number[] = [0x67];
    for (let i = 0; i < bits.length; i += 8) raw.push(bits.slice(i, i + 8).reduce((a, b) => a * 2 + b, 0));
    const out: number[] = [];
    let zeros = 0;
    for (const b of raw) {
      if (zeros >= 2 && b <= 3) { out.push(3); zeros = 0; }
      out.push(b);
      zeros = b === 0 ? zeros + 1 : 0;
    }
    return new Uint8Array(out);
  }
}

/** A Baseline/High SPS with the given macroblock size and bottom/right cropping. */
function sps(opts: { profile: number; widthMbs: number; heightMbs: number; cropRight?: number; cropBottom?: number; frameMbsOnly?: boolean }): Uint8Array {
  const w = new SpsWriter().u(8, opts.profile).u(8, 0).u(8, 40).ue(0);
  if (opts.profile === 100) w.ue(1).ue(0).ue(0).u(1, 0).u(1, 0);
  w.ue(0).ue(2).ue(1).u(1, 0).ue(opts.widthMbs - 1).ue(opts.heightMbs - 1);
  const frameMbsOnly = opts.frameMbsOnly ?? true;
  w.u(1, frameMbsOnly ? 1 : 0);
  if (!frameMbsOnly) w.u(1, 0);
  w.u(1, 1);
  const crop = (opts.cropRight ?? 0) || (opts.cropBottom ?? 0);
  w.u(1, crop ? 1 : 0);
  if (crop) w.ue(0).ue(opts.cropRight ?? 0).ue(0).ue(opts.cropBottom ?? 0);
  return w.bytes().subarray(0);
}

describe('H.264 SPS reader', () => {
  it("reads 1280x720 and 42e01f from the SPS of Chromium's captured H.264", () => {
    const units = capturedSpsUnits();
    expect(units.length).toBeGreaterThan(0);
    const info = parseSps(units[0]!);
    expect(info).toMatchObject({ width: 1280, height: 720, profileIdc: 66, frameMbsOnly: true });
    expect(info.profileLevelId.slice(0, 2)).toBe('42');
  });

  it('applies frame cropping in chroma units (1920x1088 cropped to 1080, High profile)', () => {
    expect(parseSps(sps({ profile: 100, widthMbs: 120, heightMbs: 68, cropBottom: 4 }))).toMatchObject({ width: 1920, height: 1080, profileIdc: 100, chromaFormatIdc: 1 });
    expect(parseSps(sps({ profile: 66, widthMbs: 40, heightMbs: 23, cropRight: 3 }))).toMatchObject({ width: 634, height: 368 });
  });

  it('doubles the height of field-coded sequences (frame_mbs_only_flag 0)', () => {
    expect(parseSps(sps({ profile: 66, widthMbs: 45, heightMbs: 18, frameMbsOnly: false }))).toMatchObject({ width: 720, height: 576, frameMbsOnly: false });
  });

  it('throws SpsParseError with a byte offset for a truncated SPS and for a non-SPS NAL unit', () => {
    const full = capturedSpsUnits()[0]!;
    const cut = full.subarray(0, 5);
    expect(() => parseSps(cut)).toThrow(SpsParseError);
    try {
      parseSps(cut);
    } catch (e) {
      expect((e as SpsParseError).offset).toBeGreaterThanOrEqual(1);
      expect((e as SpsParseError).offset).toBeLessThan(cut.length);
    }
    expect(() => parseSps(new Uint8Array([0x68, 0xce, 0x3c, 0x80]))).toThrow(/not an SPS/);
  });

  it('survives 2,000 mutated SPS units seeded from the Chromium capture', () => {
    const result = runFuzz(targets[0]!, { cases: 2000, seed: 11 });
    expect(result.failures).toEqual([]);
    expect(result.accepted).toBeGreaterThan(0);
    expect(result.rejected).toBeGreaterThan(0);
  });
});
