/** Planar 4:2:0 frames (I420) and simple quality measures. */

/** An 8-bit I420 picture with tightly packed planes: Y is width x height, U and V are ceil(width/2) x ceil(height/2). */
export interface I420Frame {
  width: number;
  height: number;
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

/** Allocate a zeroed I420 frame. */
export function createI420Frame(width: number, height: number): I420Frame {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  return { width, height, y: new Uint8Array(width * height), u: new Uint8Array(cw * ch), v: new Uint8Array(cw * ch) };
}

/** Sum of squared differences between two equally sized planes. */
function sse(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

function psnrFromSse(s: number, n: number): number {
  if (s === 0) return Infinity;
  return 10 * Math.log10((255 * 255 * n) / s);
}

export interface Psnr {
  y: number;
  u: number;
  v: number;
  /** 6:1:1 weighted average over the planes. */
  avg: number;
}

/** PSNR (dB) of `b` against reference `a`, per plane. Infinity when identical. */
export function psnr(a: I420Frame, b: I420Frame): Psnr {
  if (a.width !== b.width || a.height !== b.height) throw new RangeError(`frame sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  const y = psnrFromSse(sse(a.y, b.y), a.y.length);
  const u = psnrFromSse(sse(a.u, b.u), a.u.length);
  const v = psnrFromSse(sse(a.v, b.v), a.v.length);
  return { y, u, v, avg: (6 * y + u + v) / 8 };
}

/** Deep copy of a frame (into `into` when given and the same size). */
export function copyI420Frame(src: I420Frame, into?: I420Frame): I420Frame {
  const dst = into && into.width === src.width && into.height === src.height ? into : createI420Frame(src.width, src.height);
  dst.y.set(src.y);
  dst.u.set(src.u);
  dst.v.set(src.v);
  return dst;
}

/**
 * Mean SSIM of two luma planes (Wang et al. 2004) over 8x8 windows stepped by 4 samples, with
 * C1 = (0.01 x 255)^2 and C2 = (0.03 x 255)^2, uniform weights and population (biased)
 * variances (the 8x8 form codec tools report, not the 11x11 Gaussian of the paper). 1 for
 * identical planes.
 */
export function ssimY(a: I420Frame, b: I420Frame): number {
  if (a.width !== b.width || a.height !== b.height) throw new RangeError(`frame sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  const w = a.width;
  const c1 = (0.01 * 255) ** 2 * 64 * 64;
  const c2 = (0.03 * 255) ** 2 * 64 * 64;
  let total = 0;
  let n = 0;
  for (let y0 = 0; y0 + 8 <= a.height; y0 += 4) {
    for (let x0 = 0; x0 + 8 <= w; x0 += 4) {
      let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
      for (let y = y0; y < y0 + 8; y++) {
        const o = y * w + x0;
        for (let x = 0; x < 8; x++) {
          const p = a.y[o + x];
          const q = b.y[o + x];
          sa += p;
          sb += q;
          saa += p * p;
          sbb += q * q;
          sab += p * q;
        }
      }
      // (2 mu_a mu_b + C1)(2 cov + C2) / ((mu_a^2 + mu_b^2 + C1)(var_a + var_b + C2)), each factor scaled by 64^2 to stay in sums
      const num = (2 * sa * sb + c1) * (2 * (64 * sab - sa * sb) + c2);
      const den = (sa * sa + sb * sb + c1) * (64 * (saa + sbb) - sa * sa - sb * sb + c2);
      total += num / den;
      n++;
    }
  }
  return n ? total / n : 1;
}
