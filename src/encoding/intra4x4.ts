/**
 * Intra_4x4 luma prediction (ITU-T H.264 8.3.1): the nine Intra4x4PredMode predictors
 * (8.3.1.2.1-9), the availability of a 4x4 block's neighbouring samples (6.4.11.4, with the
 * top-right substitution of 8.3.1.2), the predicted mode (8.3.1.1) and the coded_block_pattern
 * mapping of Intra macroblocks (9.1.2, Table 9-4).
 */

/** Intra4x4PredMode values (Table 8-2). */
export const Intra4x4Mode = {
  Vertical: 0,
  Horizontal: 1,
  DC: 2,
  DiagonalDownLeft: 3,
  DiagonalDownRight: 4,
  VerticalRight: 5,
  HorizontalDown: 6,
  VerticalLeft: 7,
  HorizontalUp: 8,
} as const;

/** Which neighbouring samples of a 4x4 block are available for Intra_4x4 prediction (8.3.1.2). */
export const enum Avail {
  Left = 1,
  Top = 2,
  TopLeft = 4,
  TopRight = 8,
}

/**
 * The 13 neighbouring samples of a 4x4 block in one array: E[3 - y] = p[-1, y] for y = -1..3
 * (so E[4] = p[-1, -1]) and E[5 + x] = p[x, -1] for x = 0..7.
 */
export type Edge = Int32Array;

/**
 * Gather the neighbours of the 4x4 block at offset `off` of `rec` (stride `stride`) into `e`.
 * Unavailable samples are left as they are except p[4..7, -1], which take p[3, -1] when the
 * top-right is not available but the top is (8.3.1.2).
 */
export function loadEdge(rec: Uint8Array, stride: number, off: number, avail: number, e: Edge): void {
  if (avail & Avail.Left) {
    for (let y = 0; y < 4; y++) e[3 - y] = rec[off + y * stride - 1];
  }
  if (avail & Avail.TopLeft) e[4] = rec[off - stride - 1];
  if (avail & Avail.Top) {
    const t = off - stride;
    for (let x = 0; x < 4; x++) e[5 + x] = rec[t + x];
    if (avail & Avail.TopRight) for (let x = 4; x < 8; x++) e[5 + x] = rec[t + x];
    else e[9] = e[10] = e[11] = e[12] = rec[t + 3];
  }
}

/** True when `mode` may be used with the neighbours `avail` (8.3.1.2.1-9: which samples each mode reads). */
export function modeAvailable(mode: number, avail: number): boolean {
  switch (mode) {
    case Intra4x4Mode.Vertical:
    case Intra4x4Mode.DiagonalDownLeft:
    case Intra4x4Mode.VerticalLeft:
      return (avail & Avail.Top) !== 0;
    case Intra4x4Mode.Horizontal:
    case Intra4x4Mode.HorizontalUp:
      return (avail & Avail.Left) !== 0;
    case Intra4x4Mode.DC:
      return true;
    case Intra4x4Mode.DiagonalDownRight:
    case Intra4x4Mode.VerticalRight:
    case Intra4x4Mode.HorizontalDown:
      return (avail & (Avail.Top | Avail.Left | Avail.TopLeft)) === (Avail.Top | Avail.Left | Avail.TopLeft);
  }
  return false;
}

/**
 * Intra_4x4 prediction (8.3.1.2.1-9) by lookup. Every sample of every mode but DC is one of a
 * few values computed once per block (prepareEdge): the
 * 13 neighbours e[0..12] (see Edge), the 2-tap averages (e[i] + e[i+1] + 1) >> 1 at 13 + i
 * (i = 0..11) and the 3-tap filters (e[i-1] + 2 e[i] + e[i+1] + 2) >> 2 at 25 + i (i = 0..12,
 * e[-1] read as e[0] and e[13] as e[12], which gives the corner samples of Diagonal_Down_Left
 * and Horizontal_Up). Each mode's 16 samples are then entries of it (MODE_TAPS).
 */
export const TAPS_LENGTH = 38;
const F2 = 13;
const F3 = 25;

/** Fill `f` (TAPS_LENGTH entries) from the neighbours `e` (the edge loadEdge gathered). */
export function prepareEdge(e: Edge, f: Int32Array): void {
  for (let i = 0; i < 13; i++) f[i] = e[i];
  for (let i = 0; i < 12; i++) f[F2 + i] = (e[i] + e[i + 1] + 1) >> 1;
  for (let i = 0; i < 13; i++) f[F3 + i] = (e[i > 0 ? i - 1 : 0] + 2 * e[i] + e[i < 12 ? i + 1 : 12] + 2) >> 2;
}

/**
 * For each mode (DC's row unused) and raster sample x + 4y, its index in prepareEdge's array:
 * the equations of 8.3.1.2.1-9 rewritten as lookups (p[-1, y] = e[3 - y], p[x, -1] = e[5 + x];
 * e.g. Diagonal_Down_Right's (p[x-y-2, -1] + 2 p[x-y-1, -1] + p[x-y, -1] + 2) >> 2 for x > y is
 * the 3-tap filter centred on e[4 + x - y], and so are its x < y and x = y cases).
 */
const MODE_TAPS = (() => {
  const t = new Uint8Array(9 * 16);
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 4; x++) {
      const k = 4 * y + x;
      t[0 * 16 + k] = 5 + x;
      t[1 * 16 + k] = 3 - y;
      t[3 * 16 + k] = F3 + 6 + x + y;
      t[4 * 16 + k] = F3 + 4 + x - y;
      const zvr = 2 * x - y;
      const ivr = 5 + x - (y >> 1);
      t[5 * 16 + k] = zvr >= 0 ? ((zvr & 1) === 0 ? F2 + ivr - 1 : F3 + ivr - 1) : zvr === -1 ? F3 + 4 : F3 + 5 - y;
      const zhd = 2 * y - x;
      const ihd = 3 - (y - (x >> 1));
      t[6 * 16 + k] = zhd >= 0 ? ((zhd & 1) === 0 ? F2 + ihd : F3 + ihd + 1) : zhd === -1 ? F3 + 4 : F3 + 3 + x;
      const ivl = 5 + x + (y >> 1);
      t[7 * 16 + k] = (y & 1) === 0 ? F2 + ivl : F3 + ivl + 1;
      const zhu = x + 2 * y;
      const khu = y + (x >> 1);
      t[8 * 16 + k] = zhu > 5 ? 0 : zhu === 5 ? F3 : (zhu & 1) === 0 ? F2 + 2 - khu : F3 + 2 - khu;
    }
  }
  return t;
})();

/**
 * Predict a 4x4 block with `mode` into the raster 4x4 `out` from prepareEdge's array `f`. The
 * caller checks modeAvailable first; `avail` only matters for DC (8.3.1.2.3).
 */
export function predict4x4Taps(f: Int32Array, avail: number, mode: number, out: Uint8Array): void {
  if (mode === Intra4x4Mode.DC) {
    const top = (avail & Avail.Top) !== 0;
    const left = (avail & Avail.Left) !== 0;
    const st = f[5] + f[6] + f[7] + f[8];
    const sl = f[0] + f[1] + f[2] + f[3];
    out.fill(top && left ? (st + sl + 4) >> 3 : left ? (sl + 2) >> 2 : top ? (st + 2) >> 2 : 128);
    return;
  }
  const m = mode * 16;
  for (let k = 0; k < 16; k++) out[k] = f[MODE_TAPS[m + k]];
}

/** luma4x4BlkIdx (6.4.3) of each raster 4x4 block (4 * row + column) of a macroblock. */
export const BLK_INDEX = Uint8Array.of(0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15);

/**
 * Availability of the neighbours of raster block `b` (0..15) of a macroblock, given whether the
 * macroblocks to the left, above, above-left and above-right are available (6.4.11.4 with
 * 6.4.12: inside the picture and the slice). The top-right block must also be decoded
 * already: inside the macroblock only when its luma4x4BlkIdx is lower, so blocks 3, 7, 11, 13
 * and 15 (and 5's lower neighbours) never have it; a block on the right edge of the macroblock
 * and below its top row would need the next macroblock, which is not decoded yet.
 */
export function blockAvail(b: number, mbLeft: boolean, mbTop: boolean, mbTopLeft: boolean, mbTopRight: boolean): number {
  const bx = b & 3;
  const by = b >> 2;
  let a = 0;
  if (bx > 0 || mbLeft) a |= Avail.Left;
  if (by > 0 || mbTop) a |= Avail.Top;
  if (bx > 0 && by > 0) a |= Avail.TopLeft;
  else if (bx > 0) a |= mbTop ? Avail.TopLeft : 0;
  else if (by > 0) a |= mbLeft ? Avail.TopLeft : 0;
  else a |= mbTopLeft ? Avail.TopLeft : 0;
  if (by === 0) {
    if (bx < 3 ? mbTop : mbTopRight) a |= Avail.TopRight;
  } else if (bx < 3 && BLK_INDEX[b - 3] < BLK_INDEX[b]) {
    a |= Avail.TopRight;
  }
  return a;
}

/**
 * predIntra4x4PredMode (8.3.1.1): DC when the left or upper block is unavailable, else the
 * smaller of their modes, a block of a macroblock not coded Intra_4x4 counting as DC (2).
 * `left` / `top` are -1 when unavailable.
 */
export function predictedMode(left: number, top: number): number {
  if (left < 0 || top < 0) return Intra4x4Mode.DC;
  return left < top ? left : top;
}

/** Bits of prev_intra4x4_pred_mode_flag and rem_intra4x4_pred_mode (7.3.5.1) for `mode` given the predicted one. */
export function modeBits(mode: number, predicted: number): number {
  return mode === predicted ? 1 : 4;
}

/** codeNum of coded_block_pattern for Intra_4x4 macroblocks (me(v), 9.1.2 Table 9-4, inverted). */
export const INTRA_CBP_CODE = (() => {
  const codeToCbp = [
    47, 31, 15, 0, 23, 27, 29, 30, 7, 11, 13, 14, 39, 43, 45, 46, 16, 3, 5, 10, 12, 19, 21, 26, 28, 35, 37, 42, 44, 1, 2, 4, 8, 17, 18, 20, 24, 6, 9,
    22, 25, 32, 33, 34, 36, 40, 38, 41,
  ];
  const t = new Uint8Array(48);
  codeToCbp.forEach((cbp, code) => (t[cbp] = code));
  return t;
})();
