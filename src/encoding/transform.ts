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
