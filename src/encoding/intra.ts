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
      const t = off - stride;
      for (let by = 0; by < 8; by += 4) {
        for (let bx = 0; bx < 8; bx += 4) {
          let st = 0;
          let sl = 0;
          if (hasTop) for (let i = 0; i < 4; i++) st += rec[t + bx + i];
          if (hasLeft) for (let i = 0; i < 4; i++) sl += rec[off + (by + i) * stride - 1];
          let dc: number;
          if ((bx === 0 && by === 0) || (bx > 0 && by > 0)) {
            dc = hasTop && hasLeft ? (st + sl + 4) >> 3 : hasLeft ? (sl + 2) >> 2 : hasTop ? (st + 2) >> 2 : 128;
          } else if (bx > 0) {
            dc = hasTop ? (st + 2) >> 2 : hasLeft ? (sl + 2) >> 2 : 128;
          } else {
            dc = hasLeft ? (sl + 2) >> 2 : hasTop ? (st + 2) >> 2 : 128;
          }
          for (let y = 0; y < 4; y++) out.fill(dc, (by + y) * 8 + bx, (by + y) * 8 + bx + 4);
        }
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

/**
 * Sum of absolute 4x4 Hadamard-transformed differences between `src` (offset, stride) and the
 * raster prediction `pred` (width `pw`, `w` x `h` samples, multiples of 4).
 */
export function satd(src: Uint8Array, off: number, stride: number, pred: Uint8Array, pw: number, w: number, h: number): number {
  let total = 0;
  for (let by = 0; by < h; by += 4) {
    for (let bx = 0; bx < w; bx += 4) {
      let s = 0;
      // rows
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0, e0 = 0, e1 = 0, e2 = 0, e3 = 0;
      for (let y = 0; y < 4; y++) {
        const so = off + (by + y) * stride + bx;
        const po = (by + y) * pw + bx;
        const d0 = src[so] - pred[po];
        const d1 = src[so + 1] - pred[po + 1];
        const d2 = src[so + 2] - pred[po + 2];
        const d3 = src[so + 3] - pred[po + 3];
        const s01 = d0 + d1, m01 = d0 - d1, s23 = d2 + d3, m23 = d2 - d3;
        const r0 = s01 + s23, r1 = s01 - s23, r2 = m01 - m23, r3 = m01 + m23;
        if (y === 0) { a0 = r0; a1 = r1; a2 = r2; a3 = r3; }
        else if (y === 1) { b0 = r0; b1 = r1; b2 = r2; b3 = r3; }
        else if (y === 2) { c0 = r0; c1 = r1; c2 = r2; c3 = r3; }
        else { e0 = r0; e1 = r1; e2 = r2; e3 = r3; }
      }
      s += col(a0, b0, c0, e0) + col(a1, b1, c1, e1) + col(a2, b2, c2, e2) + col(a3, b3, c3, e3);
      total += s;
    }
  }
  return total >> 1;
}

function col(a: number, b: number, c: number, d: number): number {
  const s01 = a + b, m01 = a - b, s23 = c + d, m23 = c - d;
  return Math.abs(s01 + s23) + Math.abs(s01 - s23) + Math.abs(m01 - m23) + Math.abs(m01 + m23);
}
