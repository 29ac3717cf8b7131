/**
 * The deblocking filter (ITU-T H.264 8.7) over macroblock rows, run on the reconstruction once
 * they are coded (intra prediction reads the samples before it, 8.3), so the encoder's
 * reference and output equal a decoder's. With disable_deblocking_filter_idc 0 (the default)
 * the encoder filters the whole picture once every slice is coded, slice edges included; with
 * idc 2 each slice (each worker thread) filters its own rows and leaves its top edge alone. Frame macroblocks, 4:2:0, 8-bit samples, no
 * filter offsets (slice_alpha_c0_offset_div2 = slice_beta_offset_div2 = 0), 16x16 inter
 * partitions with one reference picture.
 */
import { chromaQp } from './transform.js';

/** Table 8-16: alpha'(indexA) and beta'(indexB). */
const ALPHA = Uint8Array.of(
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 5, 6, 7, 8, 9, 10, 12, 13, 15, 17, 20, 22, 25, 28, 32, 36, 40, 45, 50, 56, 63, 71, 80, 90, 101, 113,
  127, 144, 162, 182, 203, 226, 255, 255,
);
const BETA = Uint8Array.of(
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15, 16,
  16, 17, 17, 18, 18,
);
/** Table 8-17: tC0'(indexA) for bS = 1, 2, 3 (52 entries each). */
const TC0: readonly Uint8Array[] = [
  Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 6, 6, 7, 8, 9, 10, 11, 13),
  Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7, 8, 8, 10, 11, 12, 13, 15, 17),
  Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 6, 6, 7, 8, 9, 10, 11, 13, 14, 16, 18, 20, 23, 25),
];

/** What the filter reads besides the samples: per macroblock QP (0 for I_PCM) and motion, per 4x4 luma block TotalCoeff. */
export interface DeblockInput {
  widthMbs: number;
  Y: Uint8Array;
  U: Uint8Array;
  V: Uint8Array;
  /** Luma and chroma stride and origin offsets of the padded planes. */
  ls: number;
  lo: number;
  cs: number;
  co: number;
  /** QP_Y of each macroblock as the filter uses it: 0 for I_PCM (8.7.2.2). */
  mbQp: Uint8Array;
  /** refIdx per macroblock, -1 for intra; quarter-sample vectors. */
  ref: Int8Array;
  mvx: Int16Array;
  mvy: Int16Array;
  /** TotalCoeff per 4x4 luma block, raster over the picture (widthMbs x 4 per row). */
  nnzY: Uint8Array;
}

const bsV = new Uint8Array(16); // [edge * 4 + segment]: vertical edges x = 0, 4, 8, 12
const bsH = new Uint8Array(16); // horizontal edges y = 0, 4, 8, 12

function clip1(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function clip3(lo: number, hi: number, v: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/**
 * bS of 8.7.2.1 for frame macroblocks of P_L0_16x16 / P_Skip / intra, across one 4x4 edge
 * segment between blocks p and q (raster 4x4 grid indices) of macroblocks mp and mq. Every
 * intra macroblock (Intra_16x16, Intra_4x4 or I_PCM: refIdx -1) gives 4 on a macroblock edge
 * and 3 inside, whatever its coefficients.
 */
function strength(d: DeblockInput, mp: number, mq: number, gp: number, gq: number, mbEdge: boolean): number {
  if (d.ref[mp] < 0 || d.ref[mq] < 0) return mbEdge ? 4 : 3;
  if (d.nnzY[gp] !== 0 || d.nnzY[gq] !== 0) return 2;
  if (mp === mq) return 0; // one vector per macroblock
  const dx = d.mvx[mp] - d.mvx[mq];
  const dy = d.mvy[mp] - d.mvy[mq];
  return dx >= 4 || dx <= -4 || dy >= 4 || dy <= -4 ? 1 : 0;
}

/**
 * Filter the samples across one edge (8.7.2.3 / 8.7.2.4): 16 luma samples with bS per 4, or 8
 * chroma samples with bS per 2 (the luma segment they lie in); q0 at P[o + i * along], p0 one
 * step of `across` before it.
 */
function filterEdge(P: Uint8Array, o: number, across: number, along: number, bs: Uint8Array, bsOff: number, qpav: number, chroma: boolean): void {
  const alpha = ALPHA[qpav];
  const beta = BETA[qpav];
  if (alpha === 0 || beta === 0) return; // no sample can satisfy |p0 - q0| < alpha
  const n = chroma ? 8 : 16;
  const shift = chroma ? 1 : 2;
  for (let i = 0; i < n; i++) {
    const s = bs[bsOff + (i >> shift)];
    if (s === 0) continue;
    const q = o + i * along;
    const p0 = P[q - across];
    const p1 = P[q - 2 * across];
    const q0 = P[q];
    const q1 = P[q + across];
    if (!(Math.abs(p0 - q0) < alpha && Math.abs(p1 - p0) < beta && Math.abs(q1 - q0) < beta)) continue;
    if (chroma) {
      if (s < 4) {
        const tc = TC0[s - 1][qpav] + 1;
        const delta = clip3(-tc, tc, (((q0 - p0) << 2) + (p1 - q1) + 4) >> 3);
        P[q - across] = clip1(p0 + delta);
        P[q] = clip1(q0 - delta);
      } else {
        P[q - across] = (2 * p1 + p0 + q1 + 2) >> 2;
        P[q] = (2 * q1 + q0 + p1 + 2) >> 2;
      }
      continue;
    }
    const p2 = P[q - 3 * across];
    const q2 = P[q + 2 * across];
    const ap = Math.abs(p2 - p0);
    const aq = Math.abs(q2 - q0);
    if (s < 4) {
      const tc0 = TC0[s - 1][qpav];
      const tc = tc0 + (ap < beta ? 1 : 0) + (aq < beta ? 1 : 0);
      const delta = clip3(-tc, tc, (((q0 - p0) << 2) + (p1 - q1) + 4) >> 3);
      P[q - across] = clip1(p0 + delta);
      P[q] = clip1(q0 - delta);
      if (ap < beta) P[q - 2 * across] = p1 + clip3(-tc0, tc0, (p2 + ((p0 + q0 + 1) >> 1) - (p1 << 1)) >> 1);
      if (aq < beta) P[q + across] = q1 + clip3(-tc0, tc0, (q2 + ((p0 + q0 + 1) >> 1) - (q1 << 1)) >> 1);
    } else {
      const strong = Math.abs(p0 - q0) < (alpha >> 2) + 2;
      if (ap < beta && strong) {
        const p3 = P[q - 4 * across];
        P[q - across] = (p2 + 2 * p1 + 2 * p0 + 2 * q0 + q1 + 4) >> 3;
        P[q - 2 * across] = (p2 + p1 + p0 + q0 + 2) >> 2;
        P[q - 3 * across] = (2 * p3 + 3 * p2 + p1 + p0 + q0 + 4) >> 3;
      } else {
        P[q - across] = (2 * p1 + p0 + q1 + 2) >> 2;
      }
      if (aq < beta && strong) {
        const q3 = P[q + 3 * across];
        P[q] = (p1 + 2 * p0 + 2 * q0 + 2 * q1 + q2 + 4) >> 3;
        P[q + across] = (p0 + q0 + q1 + q2 + 2) >> 2;
        P[q + 2 * across] = (2 * q3 + 3 * q2 + q1 + q0 + p0 + 4) >> 3;
      } else {
        P[q] = (2 * q1 + q0 + p1 + 2) >> 2;
      }
    }
  }
}

/**
 * Deblock macroblock rows [top, bottom) of a slice (8.7, in macroblock address order: per
 * macroblock the luma vertical edges left to right, then the horizontal edges top to bottom,
 * then chroma likewise). Edges on the picture border and on the slice's top row are not
 * filtered (disable_deblocking_filter_idc 2).
 */
export function deblockRows(d: DeblockInput, top: number, bottom: number): void {
  const w = d.widthMbs;
  const gw = w * 4;
  for (let mby = top; mby < bottom; mby++) {
    for (let mbx = 0; mbx < w; mbx++) {
      const mq = mby * w + mbx;
      const left = mbx > 0;
      const above = mby > top;
      // boundary strengths, 4 segments per edge
      let any = 0;
      for (let e = 0; e < 4; e++) {
        for (let s = 0; s < 4; s++) {
          const gq = (mby * 4 + s) * gw + mbx * 4 + e;
          bsV[e * 4 + s] = e === 0 ? (left ? strength(d, mq - 1, mq, gq - 1, gq, true) : 0) : strength(d, mq, mq, gq - 1, gq, false);
          const gh = (mby * 4 + e) * gw + mbx * 4 + s;
          bsH[e * 4 + s] = e === 0 ? (above ? strength(d, mq - w, mq, gh - gw, gh, true) : 0) : strength(d, mq, mq, gh - gw, gh, false);
          any |= bsV[e * 4 + s] | bsH[e * 4 + s];
        }
      }
      if (any === 0) continue; // nothing to filter (e.g. P_Skip among macroblocks with its vector)
      const qp = d.mbQp[mq];
      const qpLeft = left ? (d.mbQp[mq - 1] + qp + 1) >> 1 : qp;
      const qpTop = above ? (d.mbQp[mq - w] + qp + 1) >> 1 : qp;
      // luma
      const lo = d.lo + mby * 16 * d.ls + mbx * 16;
      for (let e = 0; e < 4; e++) filterEdge(d.Y, lo + e * 4, 1, d.ls, bsV, e * 4, e === 0 ? qpLeft : qp, false);
      for (let e = 0; e < 4; e++) filterEdge(d.Y, lo + e * 4 * d.ls, d.ls, 1, bsH, e * 4, e === 0 ? qpTop : qp, false);
      // chroma: edges at chroma 0 and 4 lie on luma edges 0 and 8 (bS of luma edges 0 and 2)
      const qc = chromaQp(qp);
      const qcLeft = left ? (chromaQp(d.mbQp[mq - 1]) + qc + 1) >> 1 : qc;
      const qcTop = above ? (chromaQp(d.mbQp[mq - w]) + qc + 1) >> 1 : qc;
      const co = d.co + mby * 8 * d.cs + mbx * 8;
      for (let c = 0; c < 2; c++) {
        const P = c ? d.V : d.U;
        for (let e = 0; e < 2; e++) filterEdge(P, co + e * 4, 1, d.cs, bsV, e * 8, e === 0 ? qcLeft : qc, true);
        for (let e = 0; e < 2; e++) filterEdge(P, co + e * 4 * d.cs, d.cs, 1, bsH, e * 8, e === 0 ? qcTop : qc, true);
      }
    }
  }
}
