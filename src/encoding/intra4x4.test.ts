/**
 * Intra_4x4 prediction (H.264 8.3.1) against the standard's equations written out sample by
 * sample on hand-made neighbours, the neighbour availability of 6.4.11.4 (top-right above all)
 * and the predicted mode of 8.3.1.1.
 */
import { describe, expect, it } from 'vitest';
import { Avail, BLK_INDEX, INTRA_CBP_CODE, Intra4x4Mode, TAPS_LENGTH, blockAvail, loadEdge, modeAvailable, modeBits, predict4x4Taps, predictedMode, prepareEdge } from './intra4x4.js';

/**
 * The equations of 8.3.1.2.1-9 as the standard writes them, with p(x, y) the neighbour
 * p[x, y] (x = -1 or y = -1). Top-right substitution is the caller's (the samples given).
 */
function specPredict(p: (x: number, y: number) => number, mode: number, hasTop: boolean, hasLeft: boolean): number[] {
  const out: number[] = [];
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 4; x++) {
      let v = 0;
      switch (mode) {
        case 0:
          v = p(x, -1);
          break;
        case 1:
          v = p(-1, y);
          break;
        case 2: {
          const st = p(0, -1) + p(1, -1) + p(2, -1) + p(3, -1);
          const sl = p(-1, 0) + p(-1, 1) + p(-1, 2) + p(-1, 3);
          v = hasTop && hasLeft ? (st + sl + 4) >> 3 : hasLeft ? (sl + 2) >> 2 : hasTop ? (st + 2) >> 2 : 128;
          break;
        }
        case 3:
          v = x === 3 && y === 3 ? (p(6, -1) + 3 * p(7, -1) + 2) >> 2 : (p(x + y, -1) + 2 * p(x + y + 1, -1) + p(x + y + 2, -1) + 2) >> 2;
          break;
        case 4:
          if (x > y) v = (p(x - y - 2, -1) + 2 * p(x - y - 1, -1) + p(x - y, -1) + 2) >> 2;
          else if (x < y) v = (p(-1, y - x - 2) + 2 * p(-1, y - x - 1) + p(-1, y - x) + 2) >> 2;
          else v = (p(0, -1) + 2 * p(-1, -1) + p(-1, 0) + 2) >> 2;
          break;
        case 5: {
          const z = 2 * x - y;
          if (z === 0 || z === 2 || z === 4 || z === 6) v = (p(x - (y >> 1) - 1, -1) + p(x - (y >> 1), -1) + 1) >> 1;
          else if (z === 1 || z === 3 || z === 5) v = (p(x - (y >> 1) - 2, -1) + 2 * p(x - (y >> 1) - 1, -1) + p(x - (y >> 1), -1) + 2) >> 2;
          else if (z === -1) v = (p(-1, 0) + 2 * p(-1, -1) + p(0, -1) + 2) >> 2;
          else v = (p(-1, y - 1) + 2 * p(-1, y - 2) + p(-1, y - 3) + 2) >> 2;
          break;
        }
        case 6: {
          const z = 2 * y - x;
          if (z === 0 || z === 2 || z === 4 || z === 6) v = (p(-1, y - (x >> 1) - 1) + p(-1, y - (x >> 1)) + 1) >> 1;
          else if (z === 1 || z === 3 || z === 5) v = (p(-1, y - (x >> 1) - 2) + 2 * p(-1, y - (x >> 1) - 1) + p(-1, y - (x >> 1)) + 2) >> 2;
          else if (z === -1) v = (p(-1, 0) + 2 * p(-1, -1) + p(0, -1) + 2) >> 2;
          else v = (p(x - 1, -1) + 2 * p(x - 2, -1) + p(x - 3, -1) + 2) >> 2;
          break;
        }
        case 7:
          if (y === 0 || y === 2) v = (p(x + (y >> 1), -1) + p(x + (y >> 1) + 1, -1) + 1) >> 1;
          else v = (p(x + (y >> 1), -1) + 2 * p(x + (y >> 1) + 1, -1) + p(x + (y >> 1) + 2, -1) + 2) >> 2;
          break;
        case 8: {
          const z = x + 2 * y;
          if (z === 0 || z === 2 || z === 4) v = (p(-1, y + (x >> 1)) + p(-1, y + (x >> 1) + 1) + 1) >> 1;
          else if (z === 1 || z === 3) v = (p(-1, y + (x >> 1)) + 2 * p(-1, y + (x >> 1) + 1) + p(-1, y + (x >> 1) + 2) + 2) >> 2;
          else if (z === 5) v = (p(-1, 2) + 3 * p(-1, 3) + 2) >> 2;
          else v = p(-1, 3);
          break;
        }
      }
      out.push(v);
    }
  }
  return out;
}

/** A 12x12 plane whose 4x4 block sits at (4, 4): neighbours from `seed` (deterministic LCG). */
function plane(seed: number): { rec: Uint8Array; stride: number; off: number } {
  const rec = new Uint8Array(144);
  let s = seed;
  for (let i = 0; i < rec.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    rec[i] = s >>> 24;
  }
  return { rec, stride: 12, off: 4 * 12 + 4 };
}

/** The encoder's prediction: neighbours gathered (loadEdge), filtered once (prepareEdge), looked up (predict4x4Taps). */
function predicted(rec: Uint8Array, stride: number, off: number, avail: number, mode: number): number[] {
  const e = new Int32Array(13);
  loadEdge(rec, stride, off, avail, e);
  const f = new Int32Array(TAPS_LENGTH);
  prepareEdge(e, f);
  const out = new Uint8Array(16);
  predict4x4Taps(f, avail, mode, out);
  return Array.from(out);
}

const ALL = Avail.Left | Avail.Top | Avail.TopLeft | Avail.TopRight;

describe('Intra_4x4 prediction (8.3.1.2)', () => {
  it('all nine modes equal the equations of 8.3.1.2.1-9 on random neighbours, with and without the top-right samples', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const { rec, stride, off } = plane(seed);
      for (const topRight of [true, false]) {
        const avail = topRight ? ALL : ALL & ~Avail.TopRight;
        // 8.3.1.2: without the top-right samples, p[4..7, -1] take p[3, -1]
        const p = (x: number, y: number) => (y === -1 && x > 3 && !topRight ? rec[off - stride + 3] : rec[off + y * stride + x]);
        for (let mode = 0; mode < 9; mode++) {
          expect(predicted(rec, stride, off, avail, mode), `seed ${seed} mode ${mode} top-right ${topRight}`).toEqual(specPredict(p, mode, true, true));
        }
      }
      // with only some neighbours, every mode those allow
      for (const avail of [Avail.Left, Avail.Top, Avail.Top | Avail.TopRight, Avail.Left | Avail.Top, 0]) {
        const topRight = (avail & Avail.TopRight) !== 0;
        const p = (x: number, y: number) => (y === -1 && x > 3 && !topRight ? rec[off - stride + 3] : rec[off + y * stride + x]);
        for (let mode = 0; mode < 9; mode++) {
          if (!modeAvailable(mode, avail)) continue;
          expect(predicted(rec, stride, off, avail, mode), `seed ${seed} mode ${mode} avail ${avail}`).toEqual(specPredict(p, mode, (avail & Avail.Top) !== 0, (avail & Avail.Left) !== 0));
        }
      }
    }
  });

  it('hand-computed samples: a ramp on the top, a constant on the left', () => {
    // p[x, -1] = 10 * (x + 1) for x = 0..7, p[-1, y] = 50, p[-1, -1] = 0
    const stride = 12;
    const rec = new Uint8Array(144);
    const off = 4 * stride + 4;
    for (let x = 0; x < 8; x++) rec[off - stride + x] = 10 * (x + 1);
    for (let y = 0; y < 4; y++) rec[off + y * stride - 1] = 50;
    rec[off - stride - 1] = 0;
    expect(predicted(rec, stride, off, ALL, Intra4x4Mode.Vertical).slice(0, 4)).toEqual([10, 20, 30, 40]);
    expect(predicted(rec, stride, off, ALL, Intra4x4Mode.Horizontal)).toEqual(new Array(16).fill(50));
    // (10 + 20 + 30 + 40 + 4 * 50 + 4) >> 3 = 38
    expect(predicted(rec, stride, off, ALL, Intra4x4Mode.DC)).toEqual(new Array(16).fill(38));
    // left only: (200 + 2) >> 2 = 50; top only: (100 + 2) >> 2 = 25; neither: 128
    expect(predicted(rec, stride, off, Avail.Left, Intra4x4Mode.DC)[0]).toBe(50);
    expect(predicted(rec, stride, off, Avail.Top, Intra4x4Mode.DC)[0]).toBe(25);
    expect(predicted(rec, stride, off, 0, Intra4x4Mode.DC)[0]).toBe(128);
    // diagonal down left, (0, 0): (10 + 40 + 30 + 2) >> 2 = 20; (3, 3): (70 + 240 + 2) >> 2 = 78
    const ddl = predicted(rec, stride, off, ALL, Intra4x4Mode.DiagonalDownLeft);
    expect([ddl[0], ddl[15]]).toEqual([20, 78]);
    // without top-right, p[4..7, -1] = 40: (3, 3) = (40 + 120 + 2) >> 2 = 40
    expect(predicted(rec, stride, off, ALL & ~Avail.TopRight, Intra4x4Mode.DiagonalDownLeft)[15]).toBe(40);
    // diagonal down right, (0, 0): (10 + 0 + 50 + 2) >> 2 = 15
    expect(predicted(rec, stride, off, ALL, Intra4x4Mode.DiagonalDownRight)[0]).toBe(15);
    // horizontal up: constant left column gives 50 everywhere
    expect(predicted(rec, stride, off, ALL, Intra4x4Mode.HorizontalUp)).toEqual(new Array(16).fill(50));
  });

  it('a mode is allowed only with the samples it reads', () => {
    const needs: Record<number, number> = { 0: Avail.Top, 1: Avail.Left, 2: 0, 3: Avail.Top, 4: 7, 5: 7, 6: 7, 7: Avail.Top, 8: Avail.Left };
    for (let avail = 0; avail < 16; avail++) {
      for (let mode = 0; mode < 9; mode++) expect(modeAvailable(mode, avail), `mode ${mode} avail ${avail}`).toBe((avail & needs[mode]) === needs[mode]);
    }
  });
});

describe('Intra_4x4 neighbour availability (6.4.11.4) and predicted mode (8.3.1.1)', () => {
  /** Raster index of the block with luma4x4BlkIdx `i`. */
  const raster = (i: number) => BLK_INDEX.indexOf(i);

  it('inside a macroblock with every neighbour macroblock: top-right missing exactly for blocks 3, 7, 11, 13 and 15', () => {
    const without: number[] = [];
    for (let i = 0; i < 16; i++) {
      const a = blockAvail(raster(i), true, true, true, true);
      expect(a & (Avail.Left | Avail.Top | Avail.TopLeft)).toBe(Avail.Left | Avail.Top | Avail.TopLeft);
      if (!(a & Avail.TopRight)) without.push(i);
    }
    expect(without).toEqual([3, 7, 11, 13, 15]);
  });

  it('block 5 takes its top-right from the macroblock above-right, blocks 0, 1 and 4 from the one above', () => {
    expect(blockAvail(raster(5), true, true, true, false) & Avail.TopRight).toBe(0);
    expect(blockAvail(raster(5), true, true, true, true) & Avail.TopRight).toBe(Avail.TopRight);
    for (const i of [0, 1, 4]) {
      expect(blockAvail(raster(i), true, false, false, false) & (Avail.Top | Avail.TopRight)).toBe(0);
      expect(blockAvail(raster(i), true, true, false, false) & Avail.TopRight).toBe(Avail.TopRight);
    }
  });

  it('at the picture or slice edges: no top for the top row, no left for the left column, top-left from the macroblock it lies in', () => {
    // first macroblock of a slice at the left picture edge
    for (let i = 0; i < 16; i++) {
      const b = raster(i);
      const a = blockAvail(b, false, false, false, false);
      expect(!!(a & Avail.Top), `blk ${i} top`).toBe(b >> 2 > 0);
      expect(!!(a & Avail.Left), `blk ${i} left`).toBe((b & 3) > 0);
      expect(!!(a & Avail.TopLeft), `blk ${i} top-left`).toBe((b & 3) > 0 && b >> 2 > 0);
    }
    // left column below the top: top-left is in the left macroblock
    expect(blockAvail(raster(2), true, false, false, false) & Avail.TopLeft).toBe(Avail.TopLeft);
    expect(blockAvail(raster(2), false, true, false, false) & Avail.TopLeft).toBe(0);
    // top row right of the corner: top-left is in the macroblock above
    expect(blockAvail(raster(1), false, true, false, false) & Avail.TopLeft).toBe(Avail.TopLeft);
    // the corner block needs the above-left macroblock
    expect(blockAvail(0, true, true, false, true) & Avail.TopLeft).toBe(0);
    expect(blockAvail(0, true, true, true, true) & Avail.TopLeft).toBe(Avail.TopLeft);
  });

  it('predicted mode: DC without a neighbour, else the smaller of the two; prev flag or 3 bits', () => {
    expect(predictedMode(-1, 0)).toBe(2);
    expect(predictedMode(8, -1)).toBe(2);
    expect(predictedMode(8, 3)).toBe(3);
    expect(predictedMode(0, 2)).toBe(0);
    expect(modeBits(3, 3)).toBe(1);
    expect(modeBits(4, 3)).toBe(4);
  });

  it('the Intra coded_block_pattern mapping is one-to-one over 0..47 (Table 9-4)', () => {
    expect(new Set(INTRA_CBP_CODE).size).toBe(48);
    expect([INTRA_CBP_CODE[47], INTRA_CBP_CODE[31], INTRA_CBP_CODE[15], INTRA_CBP_CODE[0], INTRA_CBP_CODE[41]]).toEqual([0, 1, 2, 3, 47]);
  });
});
