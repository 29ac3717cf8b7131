/**
 * Inter prediction helpers: motion vector prediction (ITU-T H.264 8.4.1.3 median rule and
 * 8.4.1.1 P_Skip), block SAD, and motion compensation from an edge-extended reference
 * (which equals the sample clamping of 8.4.2.2 as long as vectors stay inside the margin).
 */

/** Motion of already coded macroblocks: quarter-sample vectors and refIdx (-1 = intra). */
export interface MotionField {
  mvx: Int16Array;
  mvy: Int16Array;
  ref: Int8Array;
  widthMbs: number;
}

function median(a: number, b: number, c: number): number {
  return a + b + c - Math.min(a, b, c) - Math.max(a, b, c);
}

/**
 * Predicted vector for a 16x16 partition with refIdx 0 (8.4.1.3); writes [x, y] into `out`.
 * Neighbours: A left, B above, C above-right (D above-left when C is unavailable). Slices
 * start at macroblock rows: rows above `topRow` belong to another slice and are unavailable.
 */
export function predictMv(f: MotionField, mbx: number, mby: number, topRow: number, out: Int32Array): void {
  const w = f.widthMbs;
  const i = mby * w + mbx;
  const availA = mbx > 0;
  const availB = mby > topRow;
  let availC = availB && mbx + 1 < w;
  let iC = i - w + 1;
  if (!availC) {
    availC = availB && mbx > 0; // D
    iC = i - w - 1;
  }
  let ax = 0, ay = 0, ar = -1, bx = 0, by = 0, br = -1, cx = 0, cy = 0, cr = -1;
  if (availA) {
    ar = f.ref[i - 1];
    if (ar >= 0) { ax = f.mvx[i - 1]; ay = f.mvy[i - 1]; }
  }
  if (availB) {
    br = f.ref[i - w];
    if (br >= 0) { bx = f.mvx[i - w]; by = f.mvy[i - w]; }
  }
  if (availC) {
    cr = f.ref[iC];
    if (cr >= 0) { cx = f.mvx[iC]; cy = f.mvy[iC]; }
  }
  if (!availB && !availC && availA) {
    bx = cx = ax; by = cy = ay; br = cr = ar;
  }
  const matches = (ar === 0 ? 1 : 0) + (br === 0 ? 1 : 0) + (cr === 0 ? 1 : 0);
  if (matches === 1) {
    if (ar === 0) { out[0] = ax; out[1] = ay; }
    else if (br === 0) { out[0] = bx; out[1] = by; }
    else { out[0] = cx; out[1] = cy; }
    return;
  }
  out[0] = median(ax, bx, cx);
  out[1] = median(ay, by, cy);
}

/** Inferred vector of a P_Skip macroblock (8.4.1.1); writes [x, y] into `out`. */
export function predictSkipMv(f: MotionField, mbx: number, mby: number, topRow: number, out: Int32Array): void {
  const w = f.widthMbs;
  const i = mby * w + mbx;
  if (mbx === 0 || mby === topRow) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  if ((f.ref[i - 1] === 0 && f.mvx[i - 1] === 0 && f.mvy[i - 1] === 0) || (f.ref[i - w] === 0 && f.mvx[i - w] === 0 && f.mvy[i - w] === 0)) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  predictMv(f, mbx, mby, topRow, out);
}

/** SAD of a 16x16 block, giving up (returning a value >= limit) once `limit` is exceeded. */
export function sad16(a: Uint8Array, ao: number, as: number, b: Uint8Array, bo: number, bs: number, limit: number): number {
  let s = 0;
  for (let y = 0; y < 16; y++) {
    let p = ao + y * as;
    let q = bo + y * bs;
    for (let x = 0; x < 16; x += 4) {
      let d = a[p] - b[q];
      s += d < 0 ? -d : d;
      d = a[p + 1] - b[q + 1];
      s += d < 0 ? -d : d;
      d = a[p + 2] - b[q + 2];
      s += d < 0 ? -d : d;
      d = a[p + 3] - b[q + 3];
      s += d < 0 ? -d : d;
      p += 4;
      q += 4;
    }
    if (s >= limit) return s;
  }
  return s;
}

/** Copy a 16x16 luma block at integer offset into `out` (raster 16x16). */
export function copyLuma16(ref: Uint8Array, off: number, stride: number, out: Uint8Array): void {
  for (let y = 0; y < 16; y++) {
    const r = off + y * stride;
    const o = y * 16;
    for (let x = 0; x < 16; x++) out[o + x] = ref[r + x];
  }
}

/**
 * 8x8 chroma prediction for a quarter-luma-sample vector (mvCLX = mvLX, 1/8 chroma sample,
 * 8.4.1.4 and 8.4.2.2.2 bilinear interpolation). `off` addresses the co-located block.
 */
export function predictChroma8(ref: Uint8Array, off: number, stride: number, mvx: number, mvy: number, out: Uint8Array): void {
  const xf = mvx & 7;
  const yf = mvy & 7;
  const base = off + (mvy >> 3) * stride + (mvx >> 3);
  if (xf === 0 && yf === 0) {
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) out[y * 8 + x] = ref[base + y * stride + x];
    return;
  }
  const wA = (8 - xf) * (8 - yf);
  const wB = xf * (8 - yf);
  const wC = (8 - xf) * yf;
  const wD = xf * yf;
  for (let y = 0; y < 8; y++) {
    const r = base + y * stride;
    for (let x = 0; x < 8; x++) {
      const p = r + x;
      out[y * 8 + x] = (wA * ref[p] + wB * ref[p + 1] + wC * ref[p + stride] + wD * ref[p + stride + 1] + 32) >> 6;
    }
  }
}

/** Replicate the outer samples of a `w` x `h` picture into a margin of `pad` samples on each side. */
export function extendEdges(plane: Uint8Array, origin: number, stride: number, w: number, h: number, pad: number): void {
  for (let y = 0; y < h; y++) {
    const row = origin + y * stride;
    plane.fill(plane[row], row - pad, row);
    plane.fill(plane[row + w - 1], row + w, row + w + pad);
  }
  const first = origin - pad;
  const last = origin + (h - 1) * stride - pad;
  for (let y = 1; y <= pad; y++) {
    plane.copyWithin(first - y * stride, first, first + w + 2 * pad);
    plane.copyWithin(last + y * stride, last, last + w + 2 * pad);
  }
}

function clip1(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Unrounded 6-tap (1, -5, 20, 20, -5, 1) value between samples q and q + d (8.4.2.2.1, b1 / h1). */
function tap6(r: Uint8Array, q: number, d: number): number {
  return r[q - 2 * d] - 5 * r[q - d] + 20 * r[q] + 20 * r[q + d] - 5 * r[q + 2 * d] + r[q + 3 * d];
}

/** Half sample between q and q + 1 (b). */
function halfH(r: Uint8Array, q: number): number {
  return clip1((tap6(r, q, 1) + 16) >> 5);
}

/** Half sample between q and q + stride (h). */
function halfV(r: Uint8Array, q: number, s: number): number {
  return clip1((tap6(r, q, s) + 16) >> 5);
}

/** Centre half sample j: the 6-tap filter down the unrounded horizontal half values b1. */
function halfC(r: Uint8Array, q: number, s: number): number {
  const j1 = tap6(r, q - 2 * s, 1) - 5 * tap6(r, q - s, 1) + 20 * tap6(r, q, 1) + 20 * tap6(r, q + s, 1) - 5 * tap6(r, q + 2 * s, 1) + tap6(r, q + 3 * s, 1);
  return clip1((j1 + 512) >> 10);
}

/**
 * 16x16 luma prediction at a quarter-sample position (8.4.2.2.1, Table 8-12). `off` addresses
 * the integer sample G of the block's top-left (vector's integer part applied); xFrac and
 * yFrac are the vector's low two bits. The reference must extend 3 samples past the block.
 */
export function predictLuma16(ref: Uint8Array, off: number, stride: number, xFrac: number, yFrac: number, out: Uint8Array): void {
  const mode = yFrac * 4 + xFrac;
  if (mode === 0) {
    copyLuma16(ref, off, stride, out);
    return;
  }
  // Table 8-12 as (plane, dx, dy) pairs: a quarter sample is one plane's value or the rounded
  // average of two. Only the half-sample planes a position needs are computed, each once.
  const [pa, ax, ay, pb, bx, by] = LUMA_QPEL[mode];
  const needB = pa === 1 || pb === 1;
  const needH = pa === 2 || pb === 2;
  if (needB) fillHalfH(ref, off, stride, pa === 1 ? ay : 0, pb === 1 ? by : 0);
  if (needH) fillHalfV(ref, off, stride, pa === 2 ? ax : 0, pb === 2 ? bx : 0);
  if (pa === 3 || pb === 3) fillCentre(ref, off, stride);
  const A = pa === 0 ? ref : pa === 1 ? QB : pa === 2 ? QH : QJ;
  const sa = pa === 0 ? stride : QS;
  let ia = pa === 0 ? off + ay * stride + ax : ay * QS + ax;
  if (pb < 0) {
    for (let y = 0; y < 16; y++, ia += sa) for (let x = 0; x < 16; x++) out[y * 16 + x] = A[ia + x];
    return;
  }
  const B = pb === 0 ? ref : pb === 1 ? QB : pb === 2 ? QH : QJ;
  const sb = pb === 0 ? stride : QS;
  let ib = pb === 0 ? off + by * stride + bx : by * QS + bx;
  for (let y = 0; y < 16; y++, ia += sa, ib += sb) {
    const o = y * 16;
    for (let x = 0; x < 16; x++) out[o + x] = (A[ia + x] + B[ib + x] + 1) >> 1;
  }
}

/** Stride of the half-sample scratch planes (17 samples: a block and one more column). */
const QS = 17;
/** Half samples b (horizontal), h (vertical) and j (centre) of one block, rows/columns 0..16. */
const QB = new Uint8Array(QS * QS);
const QH = new Uint8Array(QS * QS);
const QJ = new Uint8Array(QS * QS);
/** Unrounded b1 values for rows -2..18 of the block (for j). */
const QB1 = new Int32Array(21 * 16);

/**
 * Table 8-12 per (yFrac * 4 + xFrac): [plane A, dx, dy, plane B, dx, dy] with planes 0 G
 * (integer samples), 1 b, 2 h, 3 j; plane B -1 when the sample is plane A's value alone.
 */
export const LUMA_QPEL: readonly (readonly [number, number, number, number, number, number])[] = [
  [0, 0, 0, -1, 0, 0], [0, 0, 0, 1, 0, 0], [1, 0, 0, -1, 0, 0], [0, 1, 0, 1, 0, 0],
  [0, 0, 0, 2, 0, 0], [1, 0, 0, 2, 0, 0], [1, 0, 0, 3, 0, 0], [1, 0, 0, 2, 1, 0],
  [2, 0, 0, -1, 0, 0], [2, 0, 0, 3, 0, 0], [3, 0, 0, -1, 0, 0], [3, 0, 0, 2, 1, 0],
  [0, 0, 1, 2, 0, 0], [2, 0, 0, 1, 0, 1], [3, 0, 0, 1, 0, 1], [2, 1, 0, 1, 0, 1],
];

/** b for rows 0..15 (+1 when a position reads the row below) into QB. */
function fillHalfH(ref: Uint8Array, off: number, s: number, extraA: number, extraB: number): void {
  const rows = 16 + (extraA | extraB);
  for (let y = 0; y < rows; y++) {
    const r = off + y * s;
    const o = y * QS;
    for (let x = 0; x < 16; x++) {
      const q = r + x;
      const v = (ref[q - 2] - 5 * ref[q - 1] + 20 * ref[q] + 20 * ref[q + 1] - 5 * ref[q + 2] + ref[q + 3] + 16) >> 5;
      QB[o + x] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
}

/** h for columns 0..15 (+1 when a position reads the column to the right) into QH. */
function fillHalfV(ref: Uint8Array, off: number, s: number, extraA: number, extraB: number): void {
  const cols = 16 + (extraA | extraB);
  for (let y = 0; y < 16; y++) {
    const r = off + y * s;
    const o = y * QS;
    for (let x = 0; x < cols; x++) {
      const q = r + x;
      const v = (ref[q - 2 * s] - 5 * ref[q - s] + 20 * ref[q] + 20 * ref[q + s] - 5 * ref[q + 2 * s] + ref[q + 3 * s] + 16) >> 5;
      QH[o + x] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
}

/** j: the 6-tap filter down the unrounded horizontal values b1 (8.4.2.2.1), into QJ. */
function fillCentre(ref: Uint8Array, off: number, s: number): void {
  for (let r = 0; r < 21; r++) {
    const row = off + (r - 2) * s;
    const o = r * 16;
    for (let x = 0; x < 16; x++) QB1[o + x] = tap6(ref, row + x, 1);
  }
  for (let y = 0; y < 16; y++) {
    const o = y * QS;
    for (let x = 0; x < 16; x++) {
      const k = y * 16 + x; // row y - 2 of b1
      const j1 = QB1[k] - 5 * QB1[k + 16] + 20 * QB1[k + 32] + 20 * QB1[k + 48] - 5 * QB1[k + 64] + QB1[k + 80];
      const v = (j1 + 512) >> 10;
      QJ[o + x] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
}

/**
 * predictLuma16 sample by sample, straight from Table 8-12 (every half sample recomputed where
 * it is used): the reference the fast path is tested against.
 */
export function predictLuma16Reference(ref: Uint8Array, off: number, stride: number, xFrac: number, yFrac: number, out: Uint8Array): void {
  const s = stride;
  const mode = yFrac * 4 + xFrac;
  if (mode === 0) {
    copyLuma16(ref, off, stride, out);
    return;
  }
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) {
      const q = off + y * s + x;
      let v: number;
      switch (mode) {
        case 1: // a
          v = (ref[q] + halfH(ref, q) + 1) >> 1;
          break;
        case 2: // b
          v = halfH(ref, q);
          break;
        case 3: // c
          v = (ref[q + 1] + halfH(ref, q) + 1) >> 1;
          break;
        case 4: // d
          v = (ref[q] + halfV(ref, q, s) + 1) >> 1;
          break;
        case 5: // e
          v = (halfH(ref, q) + halfV(ref, q, s) + 1) >> 1;
          break;
        case 6: // f
          v = (halfH(ref, q) + halfC(ref, q, s) + 1) >> 1;
          break;
        case 7: // g
          v = (halfH(ref, q) + halfV(ref, q + 1, s) + 1) >> 1;
          break;
        case 8: // h
          v = halfV(ref, q, s);
          break;
        case 9: // i
          v = (halfV(ref, q, s) + halfC(ref, q, s) + 1) >> 1;
          break;
        case 10: // j
          v = halfC(ref, q, s);
          break;
        case 11: // k
          v = (halfC(ref, q, s) + halfV(ref, q + 1, s) + 1) >> 1;
          break;
        case 12: // n
          v = (ref[q + s] + halfV(ref, q, s) + 1) >> 1;
          break;
        case 13: // p
          v = (halfV(ref, q, s) + halfH(ref, q + s) + 1) >> 1;
          break;
        case 14: // q
          v = (halfC(ref, q, s) + halfH(ref, q + s) + 1) >> 1;
          break;
        default: // 15: r
          v = (halfV(ref, q + 1, s) + halfH(ref, q + s) + 1) >> 1;
          break;
      }
      out[y * 16 + x] = v;
    }
  }
}

/** Window side: block samples -1..16 around the integer position. */
const WIN = 18;

/**
 * The full, half (b, h, j) samples of 8.4.2.2.1 around one integer position of a 16x16 block,
 * computed once so that motion search can try the 48 quarter-sample positions within +/-3/4
 * sample of it cheaply. `predict` equals predictLuma16 at those positions.
 */
export class SubpelWindow {
  private readonly g = new Uint8Array(WIN * WIN);
  private readonly b = new Uint8Array(WIN * WIN);
  private readonly h = new Uint8Array(WIN * WIN);
  private readonly j = new Uint8Array(WIN * WIN);
  /** Unrounded horizontal half values b1 for rows -3..19 (for j). */
  private readonly b1 = new Int32Array((WIN + 5) * WIN);

  /** Fill the window for the block whose integer top-left sample is `ref[off]`. */
  load(ref: Uint8Array, off: number, stride: number): void {
    const s = stride;
    for (let r = 0; r < WIN + 5; r++) {
      const row = off + (r - 3) * s - 1;
      for (let c = 0; c < WIN; c++) this.b1[r * WIN + c] = tap6(ref, row + c, 1);
    }
    for (let y = 0; y < WIN; y++) {
      const row = off + (y - 1) * s - 1;
      for (let x = 0; x < WIN; x++) {
        const q = row + x;
        const i = y * WIN + x;
        this.g[i] = ref[q];
        this.h[i] = clip1((tap6(ref, q, s) + 16) >> 5);
        const k = (y + 2) * WIN + x; // b1 row of this sample (rows start at -3)
        const b1 = this.b1;
        this.b[i] = clip1((b1[k] + 16) >> 5);
        const j1 = b1[k - 2 * WIN] - 5 * b1[k - WIN] + 20 * b1[k] + 20 * b1[k + WIN] - 5 * b1[k + 2 * WIN] + b1[k + 3 * WIN];
        this.j[i] = clip1((j1 + 512) >> 10);
      }
    }
  }

  /**
   * Table 8-12 (LUMA_QPEL) as (first plane, offset, second plane, offset) in this window's rows:
   * a quarter sample is one plane's value or the rounded average of two. Planes: 0 g, 1 b,
   * 2 h, 3 j; -1 = none.
   */
  private static readonly MODES: readonly (readonly [number, number, number, number])[] = LUMA_QPEL.map(([pa, ax, ay, pb, bx, by]) => [pa, ay * WIN + ax, pb, by * WIN + bx] as const);

  private plane(k: number): Uint8Array {
    return k === 0 ? this.g : k === 1 ? this.b : k === 2 ? this.h : this.j;
  }

  /** 16x16 prediction at quarter-sample offset (dx, dy), each in -3..3, from the loaded position. */
  predict(dx: number, dy: number, out: Uint8Array): void {
    const [pa, oa, pb, ob] = SubpelWindow.MODES[(dy & 3) * 4 + (dx & 3)];
    const A = this.plane(pa);
    const start = ((dy >> 2) + 1) * WIN + (dx >> 2) + 1;
    if (pb < 0) {
      for (let y = 0; y < 16; y++) {
        const i = start + y * WIN + oa;
        for (let x = 0; x < 16; x++) out[y * 16 + x] = A[i + x];
      }
      return;
    }
    const B = this.plane(pb);
    for (let y = 0; y < 16; y++) {
      const ia = start + y * WIN + oa;
      const ib = start + y * WIN + ob;
      for (let x = 0; x < 16; x++) out[y * 16 + x] = (A[ia + x] + B[ib + x] + 1) >> 1;
    }
  }

  /** SAD of `src` (offset, stride) against the prediction at (dx, dy); stops early past `limit`. */
  sad(dx: number, dy: number, src: Uint8Array, so: number, ss: number, limit: number): number {
    const [pa, oa, pb, ob] = SubpelWindow.MODES[(dy & 3) * 4 + (dx & 3)];
    const A = this.plane(pa);
    const B = this.plane(pb < 0 ? pa : pb);
    const start = ((dy >> 2) + 1) * WIN + (dx >> 2) + 1;
    const off2 = pb < 0 ? oa : ob;
    let sum = 0;
    for (let y = 0; y < 16; y++) {
      const ia = start + y * WIN + oa;
      const ib = start + y * WIN + off2;
      const r = so + y * ss;
      for (let x = 0; x < 16; x++) {
        const d = src[r + x] - ((A[ia + x] + B[ib + x] + 1) >> 1);
        sum += d < 0 ? -d : d;
      }
      if (sum >= limit) return sum;
    }
    return sum;
  }
}
