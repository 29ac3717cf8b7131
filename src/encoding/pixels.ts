/**
 * Pixel formats a program pushes (I420, NV12, RGBA, BGRA; tightly packed, 8 bits) converted to
 * the encoder's I420, and I420 scaling.
 *
 * RGB to Y'CbCr follows ITU-R BT.601 (Kr 0.299, Kb 0.114) or ITU-R BT.709 (Kr 0.2126,
 * Kb 0.0722) section 3 "signal format": Y' = Kr R + (1 - Kr - Kb) G + Kb B,
 * Cb = (B - Y') / (2 (1 - Kb)), Cr = (R - Y') / (2 (1 - Kr)), quantised to the limited
 * ("video") range Y 16..235, C 16..240 (BT.709 section 4.6 with 8 bits), or full range 0..255.
 * H.264 signals neither in our SPS (no VUI colour description), which decoders take as
 * limited-range BT.601; BT.709 is for programs whose pictures are HD-coded already.
 * Chroma is the mean of each 2x2 block's Cb and Cr (centre siting, as 4:2:0 JPEG/MPEG-1).
 */
import { MAX_PUSHED_SIDE } from './constants.js';
import { MediaSourceError } from './errors.js';
import { createI420Frame, type I420Frame } from './frame.js';

export type PixelFormat = 'I420' | 'NV12' | 'RGBA' | 'BGRA';
export const PIXEL_FORMATS: readonly PixelFormat[] = ['I420', 'NV12', 'RGBA', 'BGRA'];
export type ColorMatrix = 'bt601' | 'bt709';
export type ColorRange = 'limited' | 'full';

/** One picture as a program hands it over: one tightly packed buffer. */
export interface PixelBuffer {
  format: PixelFormat;
  width: number;
  height: number;
  data: Uint8Array;
  /** For RGBA/BGRA: the matrix to convert with (default bt601). */
  matrix?: ColorMatrix;
  /** For RGBA/BGRA: the Y'CbCr range to produce (default limited). */
  range?: ColorRange;
}

/** Bytes a tightly packed picture of this format and size takes. */
export function pixelBufferSize(format: PixelFormat, width: number, height: number): number {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  switch (format) {
    case 'I420':
    case 'NV12':
      return width * height + 2 * cw * ch;
    case 'RGBA':
    case 'BGRA':
      return width * height * 4;
  }
}

/** Checks format, size and buffer length; throws MediaSourceError naming the field. */
export function checkPixelBuffer(p: PixelBuffer): void {
  if (!PIXEL_FORMATS.includes(p.format)) throw new MediaSourceError('unsupported-format', `pixel format '${String(p.format)}' is not one of ${PIXEL_FORMATS.join(', ')}`, 'format');
  for (const field of ['width', 'height'] as const) {
    const v = p[field];
    if (!Number.isInteger(v) || v < 2 || v > MAX_PUSHED_SIDE) throw new MediaSourceError('bad-size', `${field} must be an integer in 2..${MAX_PUSHED_SIDE}, got ${String(v)}`, field);
  }
  if (!(p.data instanceof Uint8Array)) throw new MediaSourceError('bad-buffer-size', 'data must be a Uint8Array', 'data');
  const want = pixelBufferSize(p.format, p.width, p.height);
  if (p.data.length !== want) throw new MediaSourceError('bad-buffer-size', `${p.format} ${p.width}x${p.height} takes ${want} bytes, got ${p.data.length}`, 'data');
  if (p.matrix !== undefined && p.matrix !== 'bt601' && p.matrix !== 'bt709') throw new MediaSourceError('unsupported-format', `matrix '${String(p.matrix)}' is not bt601 or bt709`, 'matrix');
  if (p.range !== undefined && p.range !== 'limited' && p.range !== 'full') throw new MediaSourceError('unsupported-format', `range '${String(p.range)}' is not limited or full`, 'range');
}

const KR = { bt601: 0.299, bt709: 0.2126 } as const;
const KB = { bt601: 0.114, bt709: 0.0722 } as const;

/** Coefficients turning 8-bit R, G, B into Y, Cb, Cr offsets of one matrix and range. */
export function rgbToYuvCoefficients(matrix: ColorMatrix, range: ColorRange): { y: [number, number, number]; cb: [number, number, number]; cr: [number, number, number]; yOffset: number } {
  const kr = KR[matrix];
  const kb = KB[matrix];
  const kg = 1 - kr - kb;
  const ys = range === 'limited' ? 219 / 255 : 1;
  const cs = range === 'limited' ? 224 / 255 : 1;
  const cb = 1 / (2 * (1 - kb));
  const cr = 1 / (2 * (1 - kr));
  return {
    y: [kr * ys, kg * ys, kb * ys],
    cb: [-kr * cb * cs, -kg * cb * cs, (1 - kb) * cb * cs],
    cr: [(1 - kr) * cr * cs, -kg * cr * cs, -kb * cr * cs],
    yOffset: range === 'limited' ? 16 : 0,
  };
}

function clamp8(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/** Converts a checked PixelBuffer into a new (or the given, same-size) I420 frame. */
export function toI420(p: PixelBuffer, into?: I420Frame): I420Frame {
  checkPixelBuffer(p);
  const { width: w, height: h, data } = p;
  const f = into && into.width === w && into.height === h ? into : createI420Frame(w, h);
  const cw = (w + 1) >> 1;
  const ch = (h + 1) >> 1;
  if (p.format === 'I420') {
    f.y.set(data.subarray(0, w * h));
    f.u.set(data.subarray(w * h, w * h + cw * ch));
    f.v.set(data.subarray(w * h + cw * ch));
    return f;
  }
  if (p.format === 'NV12') {
    f.y.set(data.subarray(0, w * h));
    for (let i = 0, o = w * h; i < cw * ch; i++, o += 2) {
      f.u[i] = data[o];
      f.v[i] = data[o + 1];
    }
    return f;
  }
  const [ri, bi] = p.format === 'RGBA' ? [0, 2] : [2, 0];
  const k = rgbToYuvCoefficients(p.matrix ?? 'bt601', p.range ?? 'limited');
  const [yr, yg, yb] = k.y;
  const [ur, ug, ub] = k.cb;
  const [vr, vg, vb] = k.cr;
  const yOff = k.yOffset;
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let su = 0;
      let sv = 0;
      let n = 0;
      for (let dy = 0; dy < 2; dy++) {
        const y = 2 * cy + dy;
        if (y >= h) break;
        for (let dx = 0; dx < 2; dx++) {
          const x = 2 * cx + dx;
          if (x >= w) break;
          const o = 4 * (y * w + x);
          const r = data[o + ri];
          const g = data[o + 1];
          const b = data[o + bi];
          f.y[y * w + x] = clamp8(yOff + yr * r + yg * g + yb * b);
          su += ur * r + ug * g + ub * b;
          sv += vr * r + vg * g + vb * b;
          n++;
        }
      }
      f.u[cy * cw + cx] = clamp8(128 + su / n);
      f.v[cy * cw + cx] = clamp8(128 + sv / n);
    }
  }
  return f;
}

/** Bilinear resampling of one 8-bit plane, sample centres aligned. */
function scalePlane(src: Uint8Array, sw: number, sh: number, dst: Uint8Array, dw: number, dh: number): void {
  const fx = sw / dw;
  const fy = sh / dh;
  for (let y = 0; y < dh; y++) {
    const syf = Math.min(sh - 1, Math.max(0, (y + 0.5) * fy - 0.5));
    const y0 = Math.floor(syf);
    const y1 = Math.min(sh - 1, y0 + 1);
    const wy = syf - y0;
    for (let x = 0; x < dw; x++) {
      const sxf = Math.min(sw - 1, Math.max(0, (x + 0.5) * fx - 0.5));
      const x0 = Math.floor(sxf);
      const x1 = Math.min(sw - 1, x0 + 1);
      const wx = sxf - x0;
      const top = src[y0 * sw + x0] * (1 - wx) + src[y0 * sw + x1] * wx;
      const bottom = src[y1 * sw + x0] * (1 - wx) + src[y1 * sw + x1] * wx;
      dst[y * dw + x] = Math.round(top * (1 - wy) + bottom * wy);
    }
  }
}

/** `src` at another size (bilinear), into `into` when it has that size; a plain copy when sizes match. */
export function scaleI420(src: I420Frame, width: number, height: number, into?: I420Frame): I420Frame {
  const f = into && into.width === width && into.height === height ? into : createI420Frame(width, height);
  if (src.width === width && src.height === height) {
    f.y.set(src.y);
    f.u.set(src.u);
    f.v.set(src.v);
    return f;
  }
  const scw = (src.width + 1) >> 1;
  const sch = (src.height + 1) >> 1;
  const dcw = (width + 1) >> 1;
  const dch = (height + 1) >> 1;
  scalePlane(src.y, src.width, src.height, f.y, width, height);
  scalePlane(src.u, scw, sch, f.u, dcw, dch);
  scalePlane(src.v, scw, sch, f.v, dcw, dch);
  return f;
}
