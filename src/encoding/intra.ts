/**
 * Intra prediction for Intra_16x16 luma (ITU-T H.264 8.3.3) and 4:2:0 chroma (8.3.4),
 * read from the reconstructed picture, plus the SATD cost used to choose a mode.
 */

/** Intra16x16PredMode values (Table 8-4). */
export const Intra16Mode = { Vertical: 0, Horizontal: 1, DC: 2, Plane: 3 } as const;
/** intra_chroma_pred_mode values (Table 8-5). */
export const ChromaMode = { DC: 0, Horizontal: 1, Vertical: 2, Plane: 3 } as const;

function clip255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Whether Intra16x16PredMode `mode` has the neighbours it needs (8.3.3): vertical the row above, horizontal the left column, plane both, DC none. */
export function intra16Available(mode: number, hasTop: boolean, hasLeft: boolean): boolean {
  return mode === Intra16Mode.Vertical ? hasTop : mode === Intra16Mode.Horizontal ? hasLeft : mode === Intra16Mode.DC ? true : mode === Intra16Mode.Plane && hasTop && hasLeft;
}

/**
 * Predict a 16x16 luma block at offset `off` of `rec` (stride `stride`) into `out` (raster 16x16).
 * Returns false when the mode needs neighbours that are not available.
 */
export function predictIntra16(rec: Uint8Array, stride: number, off: number, hasTop: boolean, hasLeft: boolean, mode: number, out: Uint8Array): boolean {
  switch (mode) {
    case Intra16Mode.Vertical: {
      if (!hasTop) return false;
      const t = off - stride;
      for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) out[y * 16 + x] = rec[t + x];
      return true;
    }
    case Intra16Mode.Horizontal: {
      if (!hasLeft) return false;
      for (let y = 0; y < 16; y++) out.fill(rec[off + y * stride - 1], y * 16, y * 16 + 16);
      return true;
    }
    case Intra16Mode.DC: {
      let s = 0;
      let dc = 128;
      if (hasTop && hasLeft) {
        for (let i = 0; i < 16; i++) s += rec[off - stride + i] + rec[off + i * stride - 1];
        dc = (s + 16) >> 5;
      } else if (hasLeft) {
        for (let i = 0; i < 16; i++) s += rec[off + i * stride - 1];
        dc = (s + 8) >> 4;
      } else if (hasTop) {
        for (let i = 0; i < 16; i++) s += rec[off - stride + i];
        dc = (s + 8) >> 4;
      }
      out.fill(dc, 0, 256);
      return true;
    }
    case Intra16Mode.Plane: {
      if (!hasTop || !hasLeft) return false;
      const t = off - stride; // p[x, -1] = rec[t + x], p[-1, y] = rec[off + y*stride - 1], p[-1,-1] = rec[t - 1]
      let h = 0;
      let v = 0;
      for (let i = 0; i < 8; i++) {
        h += (i + 1) * (rec[t + 8 + i] - rec[t + 6 - i]);
        v += (i + 1) * (rec[off + (8 + i) * stride - 1] - rec[off + (6 - i) * stride - 1]);
      }
      const a = 16 * (rec[off + 15 * stride - 1] + rec[t + 15]);
      const b = (5 * h + 32) >> 6;
      const c = (5 * v + 32) >> 6;
      for (let y = 0; y < 16; y++) {
        const base = a + c * (y - 7) + 16;
        for (let x = 0; x < 16; x++) out[y * 16 + x] = clip255((base + b * (x - 7)) >> 5);
      }
      return true;
    }
  }
  return false;
}

/** Predict one 8x8 chroma block (4:2:0) into `out` (raster 8x8). False when the mode is unavailable. */
export function predictChroma(rec: Uint8Array, stride: number, off: number, hasTop: boolean, hasLeft: boolean, mode: number, out: Uint8Array): boolean {
  switch (mode) {
    case ChromaMode.DC: {
      // 8.3.4.1-3: each 4x4 chroma block's DC from its own top and/or left samples
      const t = off - stride;
      let t0 = 0, t1 = 0, l0 = 0, l1 = 0;
      if (hasTop) {
        t0 = rec[t] + rec[t + 1] + rec[t + 2] + rec[t + 3];
        t1 = rec[t + 4] + rec[t + 5] + rec[t + 6] + rec[t + 7];
      }
      if (hasLeft) {
        const l = off - 1;
        l0 = rec[l] + rec[l + stride] + rec[l + 2 * stride] + rec[l + 3 * stride];
        l1 = rec[l + 4 * stride] + rec[l + 5 * stride] + rec[l + 6 * stride] + rec[l + 7 * stride];
      }
      // corner blocks (0,0) and (4,4) use both; (4,0) prefers the top, (0,4) the left
      const dc00 = chromaDcBoth(hasTop, hasLeft, t0, l0);
      const dc11 = chromaDcBoth(hasTop, hasLeft, t1, l1);
      const dc10 = hasTop ? (t1 + 2) >> 2 : hasLeft ? (l0 + 2) >> 2 : 128;
      const dc01 = hasLeft ? (l1 + 2) >> 2 : hasTop ? (t0 + 2) >> 2 : 128;
      for (let y = 0; y < 8; y++) {
        const a = y < 4 ? dc00 : dc01;
        const b = y < 4 ? dc10 : dc11;
        const o = y * 8;
        out[o] = out[o + 1] = out[o + 2] = out[o + 3] = a;
        out[o + 4] = out[o + 5] = out[o + 6] = out[o + 7] = b;
      }
      return true;
    }
    case ChromaMode.Horizontal: {
      if (!hasLeft) return false;
      for (let y = 0; y < 8; y++) out.fill(rec[off + y * stride - 1], y * 8, y * 8 + 8);
      return true;
    }
    case ChromaMode.Vertical: {
      if (!hasTop) return false;
      const t = off - stride;
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) out[y * 8 + x] = rec[t + x];
      return true;
    }
    case ChromaMode.Plane: {
      if (!hasTop || !hasLeft) return false;
      const t = off - stride;
      let h = 0;
      let v = 0;
      for (let i = 0; i < 4; i++) {
        h += (i + 1) * (rec[t + 4 + i] - rec[t + 2 - i]);
        v += (i + 1) * (rec[off + (4 + i) * stride - 1] - rec[off + (2 - i) * stride - 1]);
      }
      const a = 16 * (rec[off + 7 * stride - 1] + rec[t + 7]);
      const b = (34 * h + 32) >> 6;
      const c = (34 * v + 32) >> 6;
      for (let y = 0; y < 8; y++) {
        const base = a + c * (y - 3) + 16;
        for (let x = 0; x < 8; x++) out[y * 8 + x] = clip255((base + b * (x - 3)) >> 5);
      }
      return true;
    }
  }
  return false;
}

/** DC of a chroma 4x4 block that uses both neighbours when it has them (8.3.4.1). */
function chromaDcBoth(hasTop: boolean, hasLeft: boolean, st: number, sl: number): number {
  return hasTop && hasLeft ? (st + sl + 4) >> 3 : hasLeft ? (sl + 2) >> 2 : hasTop ? (st + 2) >> 2 : 128;
}

/**
 * Sum of absolute 4x4 Hadamard-transformed differences between `src` (offset, stride) and the
 * raster prediction `pred` (width `pw`, `w` x `h` samples, multiples of 4).
 */
export function satd(src: Uint8Array, off: number, stride: number, pred: Uint8Array, pw: number, w: number, h: number): number {
  let total = 0;
  for (let by = 0; by < h; by += 4) {
    for (let bx = 0; bx < w; bx += 4) total += satd4x4(src, off + by * stride + bx, stride, pred, by * pw + bx, pw);
  }
  return total >> 1;
}

/** Sum of absolute values of the 4x4 Hadamard transform of `src` minus `pred` (both with strides). */
function satd4x4(src: Uint8Array, so: number, ss: number, pred: Uint8Array, po: number, ps: number): number {
  // rows: horizontal Hadamard of each row of differences
  const s0 = so;
  const p0 = po;
  const d00 = src[s0] - pred[p0], d01 = src[s0 + 1] - pred[p0 + 1], d02 = src[s0 + 2] - pred[p0 + 2], d03 = src[s0 + 3] - pred[p0 + 3];
  const a0 = d00 + d01, b0 = d00 - d01, c0 = d02 + d03, e0 = d02 - d03;
  const r00 = a0 + c0, r01 = a0 - c0, r02 = b0 - e0, r03 = b0 + e0;
  const s1 = so + 1 * ss;
  const p1 = po + 1 * ps;
  const d10 = src[s1] - pred[p1], d11 = src[s1 + 1] - pred[p1 + 1], d12 = src[s1 + 2] - pred[p1 + 2], d13 = src[s1 + 3] - pred[p1 + 3];
  const a1 = d10 + d11, b1 = d10 - d11, c1 = d12 + d13, e1 = d12 - d13;
  const r10 = a1 + c1, r11 = a1 - c1, r12 = b1 - e1, r13 = b1 + e1;
  const s2 = so + 2 * ss;
  const p2 = po + 2 * ps;
  const d20 = src[s2] - pred[p2], d21 = src[s2 + 1] - pred[p2 + 1], d22 = src[s2 + 2] - pred[p2 + 2], d23 = src[s2 + 3] - pred[p2 + 3];
  const a2 = d20 + d21, b2 = d20 - d21, c2 = d22 + d23, e2 = d22 - d23;
  const r20 = a2 + c2, r21 = a2 - c2, r22 = b2 - e2, r23 = b2 + e2;
  const s3 = so + 3 * ss;
  const p3 = po + 3 * ps;
  const d30 = src[s3] - pred[p3], d31 = src[s3 + 1] - pred[p3 + 1], d32 = src[s3 + 2] - pred[p3 + 2], d33 = src[s3 + 3] - pred[p3 + 3];
  const a3 = d30 + d31, b3 = d30 - d31, c3 = d32 + d33, e3 = d32 - d33;
  const r30 = a3 + c3, r31 = a3 - c3, r32 = b3 - e3, r33 = b3 + e3;
  // columns: vertical Hadamard, absolute values summed
  let s = 0;
  {
    const a = r00 + r10, b = r00 - r10, c = r20 + r30, e = r20 - r30;
    const t0 = a + c, t1 = a - c, t2 = b - e, t3 = b + e;
    s += (t0 < 0 ? -t0 : t0) + (t1 < 0 ? -t1 : t1) + (t2 < 0 ? -t2 : t2) + (t3 < 0 ? -t3 : t3);
  }
  {
    const a = r01 + r11, b = r01 - r11, c = r21 + r31, e = r21 - r31;
    const t0 = a + c, t1 = a - c, t2 = b - e, t3 = b + e;
    s += (t0 < 0 ? -t0 : t0) + (t1 < 0 ? -t1 : t1) + (t2 < 0 ? -t2 : t2) + (t3 < 0 ? -t3 : t3);
  }
  {
    const a = r02 + r12, b = r02 - r12, c = r22 + r32, e = r22 - r32;
    const t0 = a + c, t1 = a - c, t2 = b - e, t3 = b + e;
    s += (t0 < 0 ? -t0 : t0) + (t1 < 0 ? -t1 : t1) + (t2 < 0 ? -t2 : t2) + (t3 < 0 ? -t3 : t3);
  }
  {
    const a = r03 + r13, b = r03 - r13, c = r23 + r33, e = r23 - r33;
    const t0 = a + c, t1 = a - c, t2 = b - e, t3 = b + e;
    s += (t0 < 0 ? -t0 : t0) + (t1 < 0 ? -t1 : t1) + (t2 < 0 ? -t2 : t2) + (t3 < 0 ? -t3 : t3);
  }
  return s;
}
