/**
 * Integer transforms and quantisation of ITU-T H.264 8.5 (decoder side, normative) and the
 * matching forward operations (encoder side, JM-style quantiser; not normative).
 * Blocks are 16-entry Int32Array views in raster order (index = 4 * row + column).
 */

/** Zig-zag scan for frame macroblocks (8.5.6, Table 8-13): scan index -> raster index. */
export const ZIGZAG = Uint8Array.of(0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15);

/** normAdjust4x4 v (8.5.9): [QP % 6] x {positions (even,even), (odd,odd), other}. */
const NORM_ADJUST = [
  [10, 16, 13],
  [11, 18, 14],
  [13, 20, 16],
  [14, 23, 18],
  [16, 25, 20],
  [18, 29, 23],
];
/** Forward quantiser multipliers matching NORM_ADJUST (2^15 * 16 / (v * norm^2)). */
const QUANT_MF = [
  [13107, 5243, 8066],
  [11916, 4660, 7490],
  [10082, 4194, 6554],
  [9362, 3647, 5825],
  [8192, 3355, 5243],
  [7282, 2893, 4559],
];

function positionClass(i: number): number {
  const r = i >> 2;
  const c = i & 3;
  if ((r & 1) === 0 && (c & 1) === 0) return 0;
  if ((r & 1) === 1 && (c & 1) === 1) return 1;
  return 2;
}

/** LevelScale4x4 with flat weight matrices (weightScale 16): [qp % 6][raster position]. */
export const LEVEL_SCALE: readonly Int32Array[] = NORM_ADJUST.map((row) => Int32Array.from({ length: 16 }, (_, i) => 16 * row[positionClass(i)]));
/** Forward multiplier: [qp % 6][raster position]. */
export const QUANT_SCALE: readonly Int32Array[] = QUANT_MF.map((row) => Int32Array.from({ length: 16 }, (_, i) => row[positionClass(i)]));

/** QPc as a function of qPI (8.5.8, Table 8-15). */
const CHROMA_QP = Uint8Array.from({ length: 52 }, (_, q) =>
  q < 30 ? q : [29, 30, 31, 32, 32, 33, 34, 34, 35, 35, 36, 36, 37, 37, 37, 38, 38, 38, 39, 39, 39, 39][q - 30],
);

/** QP'c for 8-bit video from QPY and chroma_qp_index_offset (8.5.8). */
export function chromaQp(qpY: number, offset = 0): number {
  const qpi = Math.min(51, Math.max(0, qpY + offset));
  return CHROMA_QP[qpi];
}

/**
 * Largest sum of absolute residuals of a 4x4 block that certainly quantises to all-zero
 * levels: |W(i,j)| <= m_i * m_j * SAD with m = (1, 2, 1, 2) (the largest entries of the rows
 * of Cf), so weight * SAD * MF + f < 2^qbits for every position.
 */
export function zeroBlockSad(qp: number, intra: boolean): number {
  const qbits = 15 + ((qp / 6) | 0);
  const f = intra ? ((1 << qbits) / 3) | 0 : ((1 << qbits) / 6) | 0;
  const mf = QUANT_MF[qp % 6];
  const maxWeighted = Math.max(mf[0], 4 * mf[1], 2 * mf[2]);
  return Math.floor(((1 << qbits) - f - 1) / maxWeighted);
}

/** Forward 4x4 core transform Cf X Cf^T of residual `r` (raster) into `out`. */
export function forward4x4(r: Int32Array, out: Int32Array): void {
  for (let i = 0; i < 16; i += 4) {
    const s03 = r[i] + r[i + 3];
    const d03 = r[i] - r[i + 3];
    const s12 = r[i + 1] + r[i + 2];
    const d12 = r[i + 1] - r[i + 2];
    out[i] = s03 + s12;
    out[i + 1] = 2 * d03 + d12;
    out[i + 2] = s03 - s12;
    out[i + 3] = d03 - 2 * d12;
  }
  for (let j = 0; j < 4; j++) {
    const a = out[j];
    const b = out[4 + j];
    const c = out[8 + j];
    const d = out[12 + j];
    const s03 = a + d;
    const d03 = a - d;
    const s12 = b + c;
    const d12 = b - c;
    out[j] = s03 + s12;
    out[4 + j] = 2 * d03 + d12;
    out[8 + j] = s03 - s12;
    out[12 + j] = d03 - 2 * d12;
  }
}

/**
 * Inverse 4x4 transform of scaled coefficients `d` (8.5.12.2): rows first, then columns,
 * then (x + 32) >> 6. Result replaces `d`.
 */
export function inverse4x4(d: Int32Array): void {
  for (let i = 0; i < 16; i += 4) {
    const e0 = d[i] + d[i + 2];
    const e1 = d[i] - d[i + 2];
    const e2 = (d[i + 1] >> 1) - d[i + 3];
    const e3 = d[i + 1] + (d[i + 3] >> 1);
    d[i] = e0 + e3;
    d[i + 1] = e1 + e2;
    d[i + 2] = e1 - e2;
    d[i + 3] = e0 - e3;
  }
  for (let j = 0; j < 4; j++) {
    const f0 = d[j];
    const f1 = d[4 + j];
    const f2 = d[8 + j];
    const f3 = d[12 + j];
    const g0 = f0 + f2;
    const g1 = f0 - f2;
    const g2 = (f1 >> 1) - f3;
    const g3 = f1 + (f3 >> 1);
    d[j] = (g0 + g3 + 32) >> 6;
    d[4 + j] = (g1 + g2 + 32) >> 6;
    d[8 + j] = (g1 - g2 + 32) >> 6;
    d[12 + j] = (g0 - g3 + 32) >> 6;
  }
}

/**
 * Quantise coefficients `c` (raster) from raster index `start` (0, or 1 when the DC is coded
 * separately) into `levels` (raster), clamping to +/-maxLevel. Returns the count of non-zero levels.
 */
export function quant4x4(c: Int32Array, levels: Int32Array, qp: number, intra: boolean, start: number, maxLevel: number): number {
  const qbits = 15 + ((qp / 6) | 0);
  const f = intra ? ((1 << qbits) / 3) | 0 : ((1 << qbits) / 6) | 0;
  const mf = QUANT_SCALE[qp % 6];
  let nz = 0;
  if (start) levels[0] = 0;
  for (let i = start; i < 16; i++) {
    const v = c[i];
    let l = ((v < 0 ? -v : v) * mf[i] + f) >> qbits;
    if (l) {
      if (l > maxLevel) l = maxLevel;
      levels[i] = v < 0 ? -l : l;
      nz++;
    } else levels[i] = 0;
  }
  return nz;
}

/** Scale levels for the inverse transform (8.5.12.1), AC positions from `start`; result into `d`. */
export function dequant4x4(levels: Int32Array, d: Int32Array, qp: number, start: number): void {
  const ls = LEVEL_SCALE[qp % 6];
  const q6 = (qp / 6) | 0;
  if (qp >= 24) {
    const sh = q6 - 4;
    for (let i = start; i < 16; i++) d[i] = (levels[i] * ls[i]) << sh;
  } else {
    const sh = 4 - q6;
    const rnd = 1 << (3 - q6);
    for (let i = start; i < 16; i++) d[i] = (levels[i] * ls[i] + rnd) >> sh;
  }
}

/**
 * 4x4 Hadamard with the matrix [[1,1,1,1],[1,1,-1,-1],[1,-1,-1,1],[1,-1,1,-1]] on both sides
 * (8.5.10), in place (raster). Symmetric, so the forward and inverse luma DC transforms share it.
 */
function hadamard4x4(c: Int32Array): void {
  for (let i = 0; i < 16; i += 4) {
    const s03 = c[i] + c[i + 3];
    const d03 = c[i] - c[i + 3];
    const s12 = c[i + 1] + c[i + 2];
    const d12 = c[i + 1] - c[i + 2];
    c[i] = s03 + s12;
    c[i + 1] = d03 + d12;
    c[i + 2] = s03 - s12;
    c[i + 3] = d03 - d12;
  }
  for (let j = 0; j < 4; j++) {
    const s03 = c[j] + c[12 + j];
    const d03 = c[j] - c[12 + j];
    const s12 = c[4 + j] + c[8 + j];
    const d12 = c[4 + j] - c[8 + j];
    c[j] = s03 + s12;
    c[4 + j] = d03 + d12;
    c[8 + j] = s03 - s12;
    c[12 + j] = d03 - d12;
  }
}

/** Forward 4x4 Hadamard of the 16 luma DC terms, halved (JM), in place (raster). */
export function forwardLumaDc(c: Int32Array): void {
  hadamard4x4(c);
  for (let i = 0; i < 16; i++) c[i] >>= 1;
}

/** Quantise DC terms (luma 16 or chroma 4) with doubled rounding and qbits + 1. Returns non-zero count. */
export function quantDc(c: Int32Array, levels: Int32Array, n: number, qp: number, intra: boolean, maxLevel: number): number {
  const qbits = 16 + ((qp / 6) | 0);
  const f = intra ? ((1 << qbits) / 3) | 0 : ((1 << qbits) / 6) | 0;
  const mf = QUANT_SCALE[qp % 6][0];
  let nz = 0;
  for (let i = 0; i < n; i++) {
    const v = c[i];
    let l = ((v < 0 ? -v : v) * mf + f) >> qbits;
    if (l) {
      if (l > maxLevel) l = maxLevel;
      levels[i] = v < 0 ? -l : l;
      nz++;
    } else levels[i] = 0;
  }
  return nz;
}

/**
 * Intra16x16 luma DC: inverse Hadamard then scaling (8.5.10). `c` holds the 16 DC levels
 * (raster: row = 4x4 block row in the macroblock); the result dcY replaces `c`.
 */
export function inverseLumaDc(c: Int32Array, qp: number): void {
  hadamard4x4(c);
  const ls = LEVEL_SCALE[qp % 6][0];
  const q6 = (qp / 6) | 0;
  if (qp >= 36) {
    for (let i = 0; i < 16; i++) c[i] = (c[i] * ls) << (q6 - 6);
  } else {
    const rnd = 1 << (5 - q6);
    for (let i = 0; i < 16; i++) c[i] = (c[i] * ls + rnd) >> (6 - q6);
  }
}

/** 2x2 Hadamard of chroma DC terms (c0 c1 / c2 c3), in place; its own inverse up to scale. */
export function hadamard2x2(c: Int32Array): void {
  const a = c[0];
  const b = c[1];
  const d = c[2];
  const e = c[3];
  c[0] = a + b + d + e;
  c[1] = a - b + d - e;
  c[2] = a + b - d - e;
  c[3] = a - b - d + e;
}

/** Chroma DC (4:2:0) inverse transform and scaling (8.5.11.1-2), in place. */
export function inverseChromaDc(c: Int32Array, qpc: number): void {
  hadamard2x2(c);
  const ls = LEVEL_SCALE[qpc % 6][0];
  const q6 = (qpc / 6) | 0;
  for (let i = 0; i < 4; i++) c[i] = ((c[i] * ls) << q6) >> 5;
}

/**
 * Residual of a 4x4 block (`src` minus raster `pred`), its forward core transform and
 * quantisation in one pass, in locals (the same arithmetic as residual4x4, forward4x4 and
 * quant4x4 in turn). `q` holds the quantiser of one QP: q[0..2] the multipliers of the three
 * position classes, q[3] the rounding offset f, q[4] qbits. When the block's SAD is at most
 * `zeroBound` every level is provably zero: the transform is skipped, -1 returned and `levels`
 * left as they were (the caller zeroes them if they held anything). Otherwise returns the non-zero level count (from `start`: 1 when the DC is coded
 * apart, levels[0] then 0). Either way dc[di] receives the unquantised DC coefficient (the
 * residual sum). Levels are clamped to +/-maxLevel.
 */
export function residualQuant4x4(src: Uint8Array, so: number, ss: number, pred: Uint8Array, po: number, ps: number, levels: Int32Array, q: Int32Array, start: number, zeroBound: number, dc: Int32Array, di: number, maxLevel: number): number {
  const s0 = so;
  const p0 = po;
  const r0 = src[s0] - pred[p0];
  const r1 = src[s0 + 1] - pred[p0 + 1];
  const r2 = src[s0 + 2] - pred[p0 + 2];
  const r3 = src[s0 + 3] - pred[p0 + 3];
  const s1 = so + 1 * ss;
  const p1 = po + 1 * ps;
  const r4 = src[s1] - pred[p1];
  const r5 = src[s1 + 1] - pred[p1 + 1];
  const r6 = src[s1 + 2] - pred[p1 + 2];
  const r7 = src[s1 + 3] - pred[p1 + 3];
  const s2 = so + 2 * ss;
  const p2 = po + 2 * ps;
  const r8 = src[s2] - pred[p2];
  const r9 = src[s2 + 1] - pred[p2 + 1];
  const r10 = src[s2 + 2] - pred[p2 + 2];
  const r11 = src[s2 + 3] - pred[p2 + 3];
  const s3 = so + 3 * ss;
  const p3 = po + 3 * ps;
  const r12 = src[s3] - pred[p3];
  const r13 = src[s3 + 1] - pred[p3 + 1];
  const r14 = src[s3 + 2] - pred[p3 + 2];
  const r15 = src[s3 + 3] - pred[p3 + 3];
  const sad = (r0 < 0 ? -r0 : r0) + (r1 < 0 ? -r1 : r1) + (r2 < 0 ? -r2 : r2) + (r3 < 0 ? -r3 : r3) + (r4 < 0 ? -r4 : r4) + (r5 < 0 ? -r5 : r5) + (r6 < 0 ? -r6 : r6) + (r7 < 0 ? -r7 : r7) + (r8 < 0 ? -r8 : r8) + (r9 < 0 ? -r9 : r9) + (r10 < 0 ? -r10 : r10) + (r11 < 0 ? -r11 : r11) + (r12 < 0 ? -r12 : r12) + (r13 < 0 ? -r13 : r13) + (r14 < 0 ? -r14 : r14) + (r15 < 0 ? -r15 : r15);
  if (sad <= zeroBound) {
    dc[di] = r0 + r1 + r2 + r3 + r4 + r5 + r6 + r7 + r8 + r9 + r10 + r11 + r12 + r13 + r14 + r15;
    return -1;
  }
  const s03_0 = r0 + r3, d03_0 = r0 - r3, s12_0 = r1 + r2, d12_0 = r1 - r2;
  const t0 = s03_0 + s12_0, t1 = 2 * d03_0 + d12_0, t2 = s03_0 - s12_0, t3 = d03_0 - 2 * d12_0;
  const s03_1 = r4 + r7, d03_1 = r4 - r7, s12_1 = r5 + r6, d12_1 = r5 - r6;
  const t4 = s03_1 + s12_1, t5 = 2 * d03_1 + d12_1, t6 = s03_1 - s12_1, t7 = d03_1 - 2 * d12_1;
  const s03_2 = r8 + r11, d03_2 = r8 - r11, s12_2 = r9 + r10, d12_2 = r9 - r10;
  const t8 = s03_2 + s12_2, t9 = 2 * d03_2 + d12_2, t10 = s03_2 - s12_2, t11 = d03_2 - 2 * d12_2;
  const s03_3 = r12 + r15, d03_3 = r12 - r15, s12_3 = r13 + r14, d12_3 = r13 - r14;
  const t12 = s03_3 + s12_3, t13 = 2 * d03_3 + d12_3, t14 = s03_3 - s12_3, t15 = d03_3 - 2 * d12_3;
  const S03_0 = t0 + t12, D03_0 = t0 - t12, S12_0 = t4 + t8, D12_0 = t4 - t8;
  const c0 = S03_0 + S12_0, c4 = 2 * D03_0 + D12_0, c8 = S03_0 - S12_0, c12 = D03_0 - 2 * D12_0;
  const S03_1 = t1 + t13, D03_1 = t1 - t13, S12_1 = t5 + t9, D12_1 = t5 - t9;
  const c1 = S03_1 + S12_1, c5 = 2 * D03_1 + D12_1, c9 = S03_1 - S12_1, c13 = D03_1 - 2 * D12_1;
  const S03_2 = t2 + t14, D03_2 = t2 - t14, S12_2 = t6 + t10, D12_2 = t6 - t10;
  const c2 = S03_2 + S12_2, c6 = 2 * D03_2 + D12_2, c10 = S03_2 - S12_2, c14 = D03_2 - 2 * D12_2;
  const S03_3 = t3 + t15, D03_3 = t3 - t15, S12_3 = t7 + t11, D12_3 = t7 - t11;
  const c3 = S03_3 + S12_3, c7 = 2 * D03_3 + D12_3, c11 = S03_3 - S12_3, c15 = D03_3 - 2 * D12_3;
  dc[di] = c0;
  const m0 = q[0], m1 = q[1], m2 = q[2], f = q[3], qbits = q[4];
  let nz = 0;
  let v = 0;
  let l = 0;
  if (start === 0) {
    v = c0;
    l = ((v < 0 ? -v : v) * m0 + f) >> qbits;
    if (l) {
      if (l > maxLevel) l = maxLevel;
      levels[0] = v < 0 ? -l : l;
      nz++;
    } else levels[0] = 0;
  } else levels[0] = 0;
  v = c1;
  l = ((v < 0 ? -v : v) * m2 + f) >> qbits;
  if (l) {
    if (l > maxLevel) l = maxLevel;
    levels[1] = v < 0 ? -l : l;
    nz++;
  } else levels[1] = 0;
  v = c2;
  l = ((v < 0 ? -v : v) * m0 + f) >> qbits;
  if (l) {
    if (l > maxLevel) l = maxLevel;
    levels[2] = v < 0 ? -l : l;
    nz++;
  } else levels[2] = 0;
  v = c3;
  l = ((v < 0 ? -v : v) * m2 + f) >> qbits;
  if (l) {
    if (l > maxLevel) l = maxLevel;
    levels[3] = v < 0 ? -l : l;
    nz++;
  } else levels[3] = 0;
  v = c4;
  l = ((v < 0 ? -v : v) * m2 + f) >> qbits;
  if (l) {
    if (l > maxLevel) l = maxLevel;
    levels[4] = v < 0 ? -l : l;
    nz++;
  } else levels[4] = 0;
  v = c5;
  l = ((v < 0 ? -v : v) * m1 + f) >> qbits;
  if (l) {
    if (l > maxLevel) l = maxLevel;
    levels[5] = v < 0 ? -l : l;
    nz++;
  } else levels[5] = 0;
  v = c6;
  l = ((v < 0 ? -v : v) * m2 + f) >> qbits;
  if (l) {
    if (l > maxLevel) l = maxLevel;
    levels[6] = v < 0 ? -l : l;
    nz++;
  } else levels[6] = 0;
  v = c7;
  l = ((v < 0 ? -v : v) * m1 + f) >> qbits;
  if (l) {
    if (l > maxLevel) l = maxLevel;
    levels[7] = v < 0 ? -l : l;
    nz++;
  } else levels[7] = 0;
  v = c8;
  l = ((v < 0 ? -v : v) * m0 + f) >> qbits;
  if (l) {
    if (l > maxLevel) l = maxLevel;
    levels[8] = v < 0 ? -l : l;
    nz++;
  } else levels[8] = 0;
  v = c9;
  l = ((v < 0 ? -v : v) * m2 + f) >> qbits;
  if (l) {
    if (l > maxLevel) l = maxLevel;
    levels[9] = v < 0 ? -l : l;
    nz++;
  } else levels[9] = 0;
  v = c10;
  l = ((v < 0 ? -v : v) * m0 + f) >> qbits;
  if (l) {
    if (l > maxLevel) l = maxLevel;
    levels[10] = v < 0 ? -l : l;
    nz++;
  } else levels[10] = 0;
  v = c11;
  l = ((v < 0 ? -v : v) * m2 + f) >> qbits;
  if (l) {
    if (l > maxLevel) l = maxLevel;
    levels[11] = v < 0 ? -l : l;
    nz++;
  } else levels[11] = 0;
  v = c12;
  l = ((v < 0 ? -v : v) * m2 + f) >> qbits;
  if (l) {
    if (l > maxLevel) l = maxLevel;
    levels[12] = v < 0 ? -l : l;
    nz++;
  } else levels[12] = 0;
  v = c13;
  l = ((v < 0 ? -v : v) * m1 + f) >> qbits;
  if (l) {
    if (l > maxLevel) l = maxLevel;
    levels[13] = v < 0 ? -l : l;
    nz++;
  } else levels[13] = 0;
  v = c14;
  l = ((v < 0 ? -v : v) * m2 + f) >> qbits;
  if (l) {
    if (l > maxLevel) l = maxLevel;
    levels[14] = v < 0 ? -l : l;
    nz++;
  } else levels[14] = 0;
  v = c15;
  l = ((v < 0 ? -v : v) * m1 + f) >> qbits;
  if (l) {
    if (l > maxLevel) l = maxLevel;
    levels[15] = v < 0 ? -l : l;
    nz++;
  } else levels[15] = 0;
  return nz;
}

/** The quantiser constants residualQuant4x4 takes, for `qp` (flat weights; f = 1/3 intra, 1/6 inter). */
export function quantParams(qp: number, intra: boolean, out: Int32Array = new Int32Array(5)): Int32Array {
  const qbits = 15 + ((qp / 6) | 0);
  const mf = QUANT_MF[qp % 6];
  out[0] = mf[0];
  out[1] = mf[1];
  out[2] = mf[2];
  out[3] = intra ? ((1 << qbits) / 3) | 0 : ((1 << qbits) / 6) | 0;
  out[4] = qbits;
  return out;
}

/**
 * dequantAdd4x4's scaling for `qp` as the WebAssembly kernels take it: LevelScale of the three
 * position classes (even/even, odd/odd, other), then shl, shr and the rounding term of
 * ((level x scale + rnd) << shl) >> shr (8.5.12.1: a left shift from QP 24, else a rounded
 * right shift).
 */
export function dequantParams(qp: number, out: Int32Array = new Int32Array(6)): Int32Array {
  const ls = LEVEL_SCALE[qp % 6];
  const q6 = (qp / 6) | 0;
  out[0] = ls[0];
  out[1] = ls[5];
  out[2] = ls[1];
  out[3] = qp >= 24 ? q6 - 4 : 0;
  out[4] = qp >= 24 ? 0 : 4 - q6;
  out[5] = qp >= 24 ? 0 : 1 << (3 - q6);
  return out;
}

/**
 * Scale levels (8.5.12.1), inverse-transform (8.5.12.2), add to the raster prediction and clip
 * into `out`, in locals (the same arithmetic as dequant4x4, inverse4x4 and the add of a
 * decoder). With `start` 1 the DC coefficient is `dcv`, already scaled (Intra16x16 and chroma
 * DC paths); with 0 it is levels[0], scaled like the others.
 */
export function dequantAdd4x4(levels: Int32Array, start: number, dcv: number, qp: number, pred: Uint8Array, po: number, ps: number, out: Uint8Array, oo: number, os: number): void {
  const ls = LEVEL_SCALE[qp % 6];
  const q6 = (qp / 6) | 0;
  let d0: number, d1: number, d2: number, d3: number, d4: number, d5: number, d6: number, d7: number, d8: number, d9: number, d10: number, d11: number, d12: number, d13: number, d14: number, d15: number;
  if (qp >= 24) {
    const sh = q6 - 4;
    d0 = start ? dcv : (levels[0] * ls[0]) << sh;
    d1 = (levels[1] * ls[1]) << sh;
    d2 = (levels[2] * ls[2]) << sh;
    d3 = (levels[3] * ls[3]) << sh;
    d4 = (levels[4] * ls[4]) << sh;
    d5 = (levels[5] * ls[5]) << sh;
    d6 = (levels[6] * ls[6]) << sh;
    d7 = (levels[7] * ls[7]) << sh;
    d8 = (levels[8] * ls[8]) << sh;
    d9 = (levels[9] * ls[9]) << sh;
    d10 = (levels[10] * ls[10]) << sh;
    d11 = (levels[11] * ls[11]) << sh;
    d12 = (levels[12] * ls[12]) << sh;
    d13 = (levels[13] * ls[13]) << sh;
    d14 = (levels[14] * ls[14]) << sh;
    d15 = (levels[15] * ls[15]) << sh;
  } else {
    const sh = 4 - q6;
    const rnd = 1 << (3 - q6);
    d0 = start ? dcv : (levels[0] * ls[0] + rnd) >> sh;
    d1 = (levels[1] * ls[1] + rnd) >> sh;
    d2 = (levels[2] * ls[2] + rnd) >> sh;
    d3 = (levels[3] * ls[3] + rnd) >> sh;
    d4 = (levels[4] * ls[4] + rnd) >> sh;
    d5 = (levels[5] * ls[5] + rnd) >> sh;
    d6 = (levels[6] * ls[6] + rnd) >> sh;
    d7 = (levels[7] * ls[7] + rnd) >> sh;
    d8 = (levels[8] * ls[8] + rnd) >> sh;
    d9 = (levels[9] * ls[9] + rnd) >> sh;
    d10 = (levels[10] * ls[10] + rnd) >> sh;
    d11 = (levels[11] * ls[11] + rnd) >> sh;
    d12 = (levels[12] * ls[12] + rnd) >> sh;
    d13 = (levels[13] * ls[13] + rnd) >> sh;
    d14 = (levels[14] * ls[14] + rnd) >> sh;
    d15 = (levels[15] * ls[15] + rnd) >> sh;
  }
  const e0_0 = d0 + d2, e1_0 = d0 - d2, e2_0 = (d1 >> 1) - d3, e3_0 = d1 + (d3 >> 1);
  const h0 = e0_0 + e3_0, h1 = e1_0 + e2_0, h2 = e1_0 - e2_0, h3 = e0_0 - e3_0;
  const e0_1 = d4 + d6, e1_1 = d4 - d6, e2_1 = (d5 >> 1) - d7, e3_1 = d5 + (d7 >> 1);
  const h4 = e0_1 + e3_1, h5 = e1_1 + e2_1, h6 = e1_1 - e2_1, h7 = e0_1 - e3_1;
  const e0_2 = d8 + d10, e1_2 = d8 - d10, e2_2 = (d9 >> 1) - d11, e3_2 = d9 + (d11 >> 1);
  const h8 = e0_2 + e3_2, h9 = e1_2 + e2_2, h10 = e1_2 - e2_2, h11 = e0_2 - e3_2;
  const e0_3 = d12 + d14, e1_3 = d12 - d14, e2_3 = (d13 >> 1) - d15, e3_3 = d13 + (d15 >> 1);
  const h12 = e0_3 + e3_3, h13 = e1_3 + e2_3, h14 = e1_3 - e2_3, h15 = e0_3 - e3_3;
  const g0_0 = h0 + h8, g1_0 = h0 - h8, g2_0 = (h4 >> 1) - h12, g3_0 = h4 + (h12 >> 1);
  const o0 = (g0_0 + g3_0 + 32) >> 6, o4 = (g1_0 + g2_0 + 32) >> 6, o8 = (g1_0 - g2_0 + 32) >> 6, o12 = (g0_0 - g3_0 + 32) >> 6;
  const g0_1 = h1 + h9, g1_1 = h1 - h9, g2_1 = (h5 >> 1) - h13, g3_1 = h5 + (h13 >> 1);
  const o1 = (g0_1 + g3_1 + 32) >> 6, o5 = (g1_1 + g2_1 + 32) >> 6, o9 = (g1_1 - g2_1 + 32) >> 6, o13 = (g0_1 - g3_1 + 32) >> 6;
  const g0_2 = h2 + h10, g1_2 = h2 - h10, g2_2 = (h6 >> 1) - h14, g3_2 = h6 + (h14 >> 1);
  const o2 = (g0_2 + g3_2 + 32) >> 6, o6 = (g1_2 + g2_2 + 32) >> 6, o10 = (g1_2 - g2_2 + 32) >> 6, o14 = (g0_2 - g3_2 + 32) >> 6;
  const g0_3 = h3 + h11, g1_3 = h3 - h11, g2_3 = (h7 >> 1) - h15, g3_3 = h7 + (h15 >> 1);
  const o3 = (g0_3 + g3_3 + 32) >> 6, o7 = (g1_3 + g2_3 + 32) >> 6, o11 = (g1_3 - g2_3 + 32) >> 6, o15 = (g0_3 - g3_3 + 32) >> 6;
  let v = 0;
  v = pred[po + 0] + o0;
  out[oo + 0 * os + 0] = v < 0 ? 0 : v > 255 ? 255 : v;
  v = pred[po + 1] + o1;
  out[oo + 0 * os + 1] = v < 0 ? 0 : v > 255 ? 255 : v;
  v = pred[po + 2] + o2;
  out[oo + 0 * os + 2] = v < 0 ? 0 : v > 255 ? 255 : v;
  v = pred[po + 3] + o3;
  out[oo + 0 * os + 3] = v < 0 ? 0 : v > 255 ? 255 : v;
  v = pred[po + 1 * ps + 0] + o4;
  out[oo + 1 * os + 0] = v < 0 ? 0 : v > 255 ? 255 : v;
  v = pred[po + 1 * ps + 1] + o5;
  out[oo + 1 * os + 1] = v < 0 ? 0 : v > 255 ? 255 : v;
  v = pred[po + 1 * ps + 2] + o6;
  out[oo + 1 * os + 2] = v < 0 ? 0 : v > 255 ? 255 : v;
  v = pred[po + 1 * ps + 3] + o7;
  out[oo + 1 * os + 3] = v < 0 ? 0 : v > 255 ? 255 : v;
  v = pred[po + 2 * ps + 0] + o8;
  out[oo + 2 * os + 0] = v < 0 ? 0 : v > 255 ? 255 : v;
  v = pred[po + 2 * ps + 1] + o9;
  out[oo + 2 * os + 1] = v < 0 ? 0 : v > 255 ? 255 : v;
  v = pred[po + 2 * ps + 2] + o10;
  out[oo + 2 * os + 2] = v < 0 ? 0 : v > 255 ? 255 : v;
  v = pred[po + 2 * ps + 3] + o11;
  out[oo + 2 * os + 3] = v < 0 ? 0 : v > 255 ? 255 : v;
  v = pred[po + 3 * ps + 0] + o12;
  out[oo + 3 * os + 0] = v < 0 ? 0 : v > 255 ? 255 : v;
  v = pred[po + 3 * ps + 1] + o13;
  out[oo + 3 * os + 1] = v < 0 ? 0 : v > 255 ? 255 : v;
  v = pred[po + 3 * ps + 2] + o14;
  out[oo + 3 * os + 2] = v < 0 ? 0 : v > 255 ? 255 : v;
  v = pred[po + 3 * ps + 3] + o15;
  out[oo + 3 * os + 3] = v < 0 ? 0 : v > 255 ? 255 : v;
}
