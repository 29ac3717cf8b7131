import { describe, expect, it } from 'vitest';
import { predictLuma16, predictLuma16Reference, SubpelWindow } from './motion.js';

describe('luma interpolation (8.4.2.2.1)', () => {
  const stride = 40;
  const ref = new Uint8Array(stride * 40);
  let s = 3;
  for (let i = 0; i < ref.length; i++) ref[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
  const origin = 10 * stride + 10;

  it('computes half samples with the 6-tap filter and quarter samples as rounded averages', () => {
    const out = new Uint8Array(256);
    predictLuma16(ref, origin, stride, 2, 0, out); // b
    const q = origin;
    const b1 = ref[q - 2] - 5 * ref[q - 1] + 20 * ref[q] + 20 * ref[q + 1] - 5 * ref[q + 2] + ref[q + 3];
    const b = Math.min(255, Math.max(0, (b1 + 16) >> 5));
    expect(out[0]).toBe(b);
    predictLuma16(ref, origin, stride, 1, 0, out); // a
    expect(out[0]).toBe((ref[q] + b + 1) >> 1);
    predictLuma16(ref, origin, stride, 3, 0, out); // c
    expect(out[0]).toBe((ref[q + 1] + b + 1) >> 1);
    predictLuma16(ref, origin, stride, 0, 0, out);
    expect(out[17]).toBe(ref[q + stride + 1]);
  });

  it('the plane-wise luma interpolation equals the sample-by-sample Table 8-12 reference at all 16 positions', () => {
    const a = new Uint8Array(256);
    const b = new Uint8Array(256);
    for (let yFrac = 0; yFrac < 4; yFrac++) {
      for (let xFrac = 0; xFrac < 4; xFrac++) {
        for (const at of [origin, origin + 3 * stride + 5, origin - 7 * stride - 6]) {
          predictLuma16(ref, at, stride, xFrac, yFrac, a);
          predictLuma16Reference(ref, at, stride, xFrac, yFrac, b);
          expect(a, `${xFrac},${yFrac}`).toEqual(b);
        }
      }
    }
  });

  it('the search window predicts exactly what predictLuma16 does at every offset within 3/4 sample', () => {
    const win = new SubpelWindow();
    win.load(ref, origin, stride);
    const a = new Uint8Array(256);
    const b = new Uint8Array(256);
    for (let dy = -3; dy <= 3; dy++) {
      for (let dx = -3; dx <= 3; dx++) {
        win.predict(dx, dy, a);
        predictLuma16(ref, origin + (dy >> 2) * stride + (dx >> 2), stride, dx & 3, dy & 3, b);
        expect(a, `${dx},${dy}`).toEqual(b);
        // the fused SAD agrees with the SAD of the prediction
        const src = ref.subarray(0, 16 * 16);
        let sad = 0;
        for (let i = 0; i < 256; i++) sad += Math.abs(src[i] - b[i]);
        expect(win.sad(dx, dy, src, 0, 16, Infinity)).toBe(sad);
      }
    }
  });
});
