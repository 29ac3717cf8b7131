import { describe, expect, it } from 'vitest';
import {
  chromaQp,
  dequant4x4,
  forward4x4,
  forwardLumaDc,
  hadamard2x2,
  inverse4x4,
  inverseChromaDc,
  inverseLumaDc,
  quant4x4,
  quantDc,
} from './transform.js';

describe('transforms and quantisation (8.5)', () => {
  it('inverse transform of a DC-only block is (d + 32) >> 6 everywhere', () => {
    const d = new Int32Array(16);
    d[0] = 640;
    inverse4x4(d);
    expect(Array.from(d)).toEqual(new Array(16).fill(10));
  });

  it('forward, quantise, dequantise and inverse stay within the quantiser step', () => {
    let s = 99;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) / 16777216;
    for (const qp of [0, 6, 12, 28, 40]) {
      // 1.5 quantiser steps (Qstep = 0.625 * 2^(QP/6)), and lossless to +/-1 at QP 0
      const bound = qp === 0 ? 1 : 1.5 * 0.625 * 2 ** (qp / 6) + 1;
      let worst = 0;
      for (let t = 0; t < 200; t++) {
        const r = Int32Array.from({ length: 16 }, () => Math.round((rnd() - 0.5) * 200));
        const c = new Int32Array(16);
        const lev = new Int32Array(16);
        forward4x4(r, c);
        quant4x4(c, lev, qp, true, 0, 1 << 20);
        const d = new Int32Array(16);
        dequant4x4(lev, d, qp, 0);
        inverse4x4(d);
        for (let i = 0; i < 16; i++) worst = Math.max(worst, Math.abs(d[i] - r[i]));
      }
      expect(worst, `qp ${qp}`).toBeLessThanOrEqual(bound);
    }
  });

  it('a flat luma residual survives the Intra16x16 DC path exactly at QP 28', () => {
    const dc = new Int32Array(16).fill(16 * 10); // DC of each 4x4 block of a flat residual of 10
    forwardLumaDc(dc);
    const lev = new Int32Array(16);
    expect(quantDc(dc, lev, 16, 28, true, 2063)).toBe(1);
    inverseLumaDc(lev, 28);
    for (let b = 0; b < 16; b++) {
      const d = new Int32Array(16);
      d[0] = lev[b];
      inverse4x4(d);
      expect(Array.from(d)).toEqual(new Array(16).fill(10));
    }
  });

  it('a flat chroma residual survives the 2x2 chroma DC path exactly at QP 28', () => {
    const dc = new Int32Array(4).fill(16 * 10);
    hadamard2x2(dc);
    const lev = new Int32Array(4);
    quantDc(dc, lev, 4, chromaQp(28), true, 2063);
    inverseChromaDc(lev, chromaQp(28));
    for (let b = 0; b < 4; b++) {
      const d = new Int32Array(16);
      d[0] = lev[b];
      inverse4x4(d);
      expect(Array.from(d)).toEqual(new Array(16).fill(10));
    }
  });

  it('maps QP to chroma QP by Table 8-15', () => {
    expect([0, 29, 30, 34, 39, 45, 51].map((q) => chromaQp(q))).toEqual([0, 29, 29, 32, 35, 38, 39]);
    expect(chromaQp(50, 5)).toBe(39);
  });
});
