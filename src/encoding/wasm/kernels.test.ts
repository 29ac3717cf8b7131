/**
 * The WebAssembly SIMD kernels (kernels.wat) against the TypeScript functions they replace:
 * each kernel on thousands of random inputs (0/255 extremes, QP 0..51, the level clamp), then
 * whole streams byte-identical between kernels 'js' and 'wasm'.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_CAVLC_LEVEL } from '../cavlc.js';
import { ENCODER_PRESETS } from '../constants.js';
import { H264Encoder, type H264EncoderOptions } from '../encoder.js';
import { intra16Available, predictIntra16, satd } from '../intra.js';
import { copyI420Frame } from '../frame.js';
import { LUMA_QPEL, predictChroma8, predictLuma16, sad16, SubpelWindow } from '../motion.js';
import { ParallelH264Encoder } from '../parallel.js';
import { SyntheticSource } from '../synthetic.js';
import { blocksUnder, chromaSums } from '../slice-coder.js';
import { chromaQp, dequantAdd4x4, dequantParams, quantParams, residualQuant4x4, zeroBlockSad } from '../transform.js';
import { createRandom } from '../../../fuzz/engine.js';
import { KERNELS_SHARED_WASM_SHA256, KERNELS_WASM_SHA256 } from './kernels-binary.js';
import { defaultKernels, instantiateKernels, kernelBytes, wasmKernelsSupported } from './kernels.js';

/** A memory with the kernels over it, and a helper filling samples: mostly random, some runs of 0 or 255, some flat. */
function setup(seed: number) {
  const memory = new WebAssembly.Memory({ initial: 4, maximum: 4 });
  const k = instantiateKernels(memory, false);
  const u8 = new Uint8Array(memory.buffer);
  const r = createRandom(seed); // seeded: a failure reproduces
  const fill = (at: number, n: number) => {
    const kind = Math.floor(r() * 5);
    const base = Math.floor(r() * 256);
    for (let i = 0; i < n; i++) {
      u8[at + i] = kind === 0 ? (r() < 0.5 ? 0 : 255) : kind === 1 ? Math.min(255, Math.max(0, base + Math.floor(r() * 9) - 4)) : Math.floor(r() * 256);
    }
  };
  return { memory, k, u8, r, fill };
}

// byte layout of the test memory
const SRC = 0; // 64 x 64 samples, stride 64
const S = 64;
const PRED = 8192; // 256 (luma) or 2 x 64 (chroma)
const LEV = 9216; // 16 x 16 Int32
const NZ = 10240;
const DC = 10304;
const OUT = 12288;
const TMP = 12800;
const TMPJ = 13312;
const WIN = 16384;

describe('encoder WASM kernels: assembly', () => {
  it('the committed kernels-binary.ts is what wabt assembles from kernels.wat (npm run build regenerates it)', async () => {
    // @ts-expect-error: a plain ESM script without type declarations
    const script = (await import('../../../scripts/assemble-wasm.mjs')) as { generate(): Promise<string>; BINARY_PATH: string };
    expect(await script.generate()).toBe(readFileSync(script.BINARY_PATH, 'utf8'));
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    expect(sha(kernelBytes(false))).toBe(KERNELS_WASM_SHA256);
    expect(sha(kernelBytes(true))).toBe(KERNELS_SHARED_WASM_SHA256);
  }, 60_000);

  it('validates here (WebAssembly SIMD), so kernels default to wasm; the shared variant runs over a shared memory', () => {
    expect(wasmKernelsSupported()).toBe(true);
    expect(defaultKernels()).toBe('wasm');
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    const k = instantiateKernels(memory, true);
    const u8 = new Uint8Array(memory.buffer);
    u8.fill(9, 0, 16 * 16);
    expect(k.sad16(0, 16, 4096, 16, 0x7fffffff)).toBe(9 * 256);
    expect(() => new H264Encoder({ width: 32, height: 32, kernels: 'simd' as 'wasm' })).toThrow(RangeError);
  });
});

describe('encoder WASM kernels: each equals its TypeScript function', () => {
  it('lumaResidual equals transformLuma\'s 16 residualQuant4x4 calls (QP 0-51, intra/inter, start 0/1, zero bound, level clamp)', () => {
    const { k, u8, r, fill } = setup(12);
    const lev = new Int32Array(u8.buffer, LEV, 256);
    const nzs = new Int32Array(u8.buffer, NZ, 16);
    const dcs = new Int32Array(u8.buffer, DC, 16);
    const src = u8.subarray(SRC, SRC + S * S);
    const pred = u8.subarray(PRED, PRED + 256);
    const eLev = new Int32Array(16);
    const eDc = new Int32Array(16);
    const q = new Int32Array(5);
    for (let trial = 0; trial < 3000; trial++) {
      for (let y = 0; y < 16; y++) fill(SRC + y * S, 16);
      fill(PRED, 256);
      if (trial % 7 === 0) for (let i = 0; i < 256; i++) u8[PRED + i] = Math.min(255, Math.max(0, u8[SRC + (i >> 4) * S + (i & 15)] + Math.floor(r() * 5) - 2)); // near-zero residuals
      const qp = trial < 52 ? trial : Math.floor(r() * 52);
      const intra = r() < 0.5;
      const start = r() < 0.5 ? 1 : 0;
      quantParams(qp, intra, q);
      const zeroBound = r() < 0.2 ? -1 : zeroBlockSad(qp, intra);
      const maxLevel = r() < 0.2 ? 1 + Math.floor(r() * 20) : MAX_CAVLC_LEVEL;
      lev.fill(7); // what the kernel leaves must not depend on what was there
      const total = k.lumaResidual(SRC, S, PRED, LEV, NZ, DC, q[0], q[1], q[2], q[3], q[4], start, zeroBound, maxLevel);
      let eTotal = 0;
      for (let b = 0; b < 16; b++) {
        const bx = (b & 3) * 4;
        const by = (b >> 2) * 4;
        eLev.fill(0);
        const nz = residualQuant4x4(src, by * S + bx, S, pred, by * 16 + bx, 16, eLev, q, start, zeroBound, eDc, b, maxLevel);
        if (nz < 0) eLev.fill(0);
        else eTotal += nz;
        expect(Array.from(lev.subarray(b * 16, b * 16 + 16)), `trial ${trial} block ${b} qp ${qp}`).toEqual(Array.from(eLev));
        expect(nzs[b]).toBe(Math.max(0, nz));
        expect(dcs[b]).toBe(eDc[b]);
      }
      expect(total).toBe(eTotal);
    }
  });

  it('chromaResidual equals transformChroma\'s 8 residualQuant4x4 calls (start 1, both components)', () => {
    const { k, u8, r, fill } = setup(34);
    const lev = new Int32Array(u8.buffer, LEV, 128);
    const nzs = new Int32Array(u8.buffer, NZ, 8);
    const dcs = new Int32Array(u8.buffer, DC, 8);
    const src = u8.subarray(SRC, SRC + S * S);
    const pred = u8.subarray(PRED, PRED + 128);
    const eLev = new Int32Array(16);
    const eDc = new Int32Array(4);
    const q = new Int32Array(5);
    const V = 32; // V's block sits 32 samples right of U's in the test plane
    for (let trial = 0; trial < 3000; trial++) {
      for (let y = 0; y < 8; y++) {
        fill(SRC + y * S, 8);
        fill(SRC + y * S + V, 8);
      }
      fill(PRED, 128);
      const qp = chromaQp(trial < 52 ? trial : Math.floor(r() * 52));
      const intra = r() < 0.5;
      quantParams(qp, intra, q);
      const zeroBound = r() < 0.2 ? -1 : zeroBlockSad(qp, intra);
      const maxLevel = r() < 0.2 ? 1 + Math.floor(r() * 20) : MAX_CAVLC_LEVEL;
      lev.fill(-3);
      const total = k.chromaResidual(SRC, SRC + V, S, PRED, PRED + 64, LEV, NZ, DC, q[0], q[1], q[2], q[3], q[4], zeroBound, maxLevel);
      let eTotal = 0;
      for (let c = 0; c < 2; c++) {
        for (let b = 0; b < 4; b++) {
          const bx = (b & 1) * 4;
          const by = (b >> 1) * 4;
          eLev.fill(0);
          const nz = residualQuant4x4(src, by * S + bx + c * V, S, pred, c * 64 + by * 8 + bx, 8, eLev, q, 1, zeroBound, eDc, b, maxLevel);
          if (nz < 0) eLev.fill(0);
          else eTotal += nz;
          const i = c * 4 + b;
          expect(Array.from(lev.subarray(i * 16, i * 16 + 16)), `trial ${trial} block ${i}`).toEqual(Array.from(eLev));
          expect(nzs[i]).toBe(Math.max(0, nz));
          expect(dcs[i]).toBe(eDc[b]);
        }
      }
      expect(total).toBe(eTotal);
    }
  });

  it('sad16 equals the TypeScript SAD below the limit and is at least the limit past it (it may stop after 8 rows)', () => {
    const { k, u8, r, fill } = setup(56);
    const plane = u8.subarray(0, 16384);
    for (let trial = 0; trial < 5000; trial++) {
      const ao = Math.floor(r() * 40) * S + Math.floor(r() * 40);
      const bo = 4096 + Math.floor(r() * 40) * S + Math.floor(r() * 40);
      for (let y = 0; y < 16; y++) {
        fill(ao + y * S, 16);
        if (trial % 3) fill(bo + y * S, 16);
        else for (let x = 0; x < 16; x++) u8[bo + y * S + x] = trial % 2 ? 255 - u8[ao + y * S + x] : u8[ao + y * S + x];
      }
      const full = sad16(plane, ao, S, plane, bo, S, Infinity);
      expect(k.sad16(ao, S, bo, S, 0x7fffffff)).toBe(full);
      const limit = Math.floor(r() * 2 * full) + 1;
      const got = k.sad16(ao, S, bo, S, limit);
      const ts = sad16(plane, ao, S, plane, bo, S, limit);
      if (ts < limit) expect(got).toBe(ts);
      else expect(got).toBeGreaterThanOrEqual(limit);
      if (full < limit) expect(got).toBe(full);
    }
  });

  it('predictLuma16 equals the TypeScript prediction at all 16 quarter-sample positions', () => {
    const { k, u8, r, fill } = setup(78);
    const ref = u8.subarray(SRC, SRC + S * S);
    const exp = new Uint8Array(256);
    for (let trial = 0; trial < 400; trial++) {
      fill(SRC, S * S);
      const off = (3 + Math.floor(r() * 40)) * S + 3 + Math.floor(r() * 40);
      for (let m = 0; m < 16; m++) {
        predictLuma16(ref, off, S, m & 3, m >> 2, exp);
        const [pa, ax, ay, pb, bx, by] = LUMA_QPEL[m];
        u8.fill(1, OUT, OUT + 256);
        k.predictLuma16(pa, SRC + off + ay * S + ax, pb, SRC + off + by * S + bx, S, OUT, TMP, TMPJ);
        expect(Array.from(u8.subarray(OUT, OUT + 256)), `trial ${trial} position ${m}`).toEqual(Array.from(exp));
      }
    }
  });

  it('windowLoad, windowSad and windowPredict equal SubpelWindow at every offset within +/-3/4 sample (SAD limits on both sides)', () => {
    const { k, u8, r, fill } = setup(90);
    const ref = u8.subarray(SRC, SRC + S * S);
    const w = new SubpelWindow();
    const exp = new Uint8Array(256);
    // SubpelWindow's Table 8-12 pairs with the kernels' window strides (32 a row, 576 a plane)
    const modes = [[0, 0, -1, 0], [0, 0, 1, 0], [1, 0, -1, 0], [0, 1, 1, 0], [0, 0, 2, 0], [1, 0, 2, 0], [1, 0, 3, 0], [1, 0, 2, 1], [2, 0, -1, 0], [2, 0, 3, 0], [3, 0, -1, 0], [3, 0, 2, 1], [0, 32, 2, 0], [2, 0, 1, 32], [3, 0, 1, 32], [2, 1, 1, 32]];
    for (let trial = 0; trial < 300; trial++) {
      fill(SRC, S * S);
      const off = (4 + Math.floor(r() * 36)) * S + 4 + Math.floor(r() * 36);
      const so = Math.floor(r() * 40) * S + Math.floor(r() * 40);
      w.load(ref, off, S);
      k.windowLoad(SRC + off, S, WIN, TMPJ);
      for (let dy = -3; dy <= 3; dy++) {
        for (let dx = -3; dx <= 3; dx++) {
          const [pa, oa, pb, ob] = modes[(dy & 3) * 4 + (dx & 3)];
          const start = WIN + ((dy >> 2) + 1) * 32 + (dx >> 2) + 1;
          const a = start + pa * 576 + oa;
          const b = pb < 0 ? a : start + pb * 576 + ob;
          w.predict(dx, dy, exp);
          k.windowPredict(a, b, OUT);
          expect(Array.from(u8.subarray(OUT, OUT + 256)), `trial ${trial} (${dx}, ${dy})`).toEqual(Array.from(exp));
          const full = w.sad(dx, dy, ref, so, S, Infinity);
          expect(k.windowSad(a, b, SRC + so, S, 0x7fffffff)).toBe(full);
          const limit = Math.floor(r() * 2 * full) + 1;
          const got = k.windowSad(a, b, SRC + so, S, limit);
          const ts = w.sad(dx, dy, ref, so, S, limit);
          if (ts < limit) expect(got).toBe(ts);
          else expect(got).toBeGreaterThanOrEqual(limit);
        }
      }
    }
  });

  it('predictChroma8 equals the TypeScript prediction for every eighth-sample fraction, both components in one call', () => {
    const { k, u8, r, fill } = setup(111);
    const ref = u8.subarray(SRC, SRC + S * S);
    const eu = new Uint8Array(64);
    const ev = new Uint8Array(64);
    for (let trial = 0; trial < 200; trial++) {
      fill(SRC, S * S);
      const off = (8 + Math.floor(r() * 24)) * S + 8 + Math.floor(r() * 16);
      for (let f = 0; f < 64; f++) {
        const mvx = (f & 7) + 8 * (Math.floor(r() * 5) - 2);
        const mvy = (f >> 3) + 8 * (Math.floor(r() * 5) - 2);
        predictChroma8(ref, off, S, mvx, mvy, eu);
        predictChroma8(ref, off + 24, S, mvx, mvy, ev);
        k.predictChroma8(SRC, SRC + 24, off, S, mvx, mvy, OUT, OUT + 64);
        expect(Array.from(u8.subarray(OUT, OUT + 64)), `trial ${trial} (${mvx}, ${mvy})`).toEqual(Array.from(eu));
        expect(Array.from(u8.subarray(OUT + 64, OUT + 128))).toEqual(Array.from(ev));
      }
    }
  });

  it('maxSad4x4 and chromaSadSums decide as blocksUnder and chromaSums (skipBySad), with the same residual sums', () => {
    const { k, u8, r, fill } = setup(151);
    const plane = u8.subarray(0, 16384);
    const dcs = new Int32Array(u8.buffer, DC, 8);
    const e = new Int32Array(4);
    for (let trial = 0; trial < 3000; trial++) {
      const so = Math.floor(r() * 40) * S + Math.floor(r() * 40);
      const po = 8192 - 4096 + Math.floor(r() * 20) * S + Math.floor(r() * 40);
      for (let y = 0; y < 16; y++) {
        fill(so + y * S, 16);
        if (trial % 2) fill(po + y * S, 16);
        else for (let x = 0; x < 16; x++) u8[po + y * S + x] = Math.min(255, Math.max(0, u8[so + y * S + x] + Math.floor(r() * 7) - 3));
      }
      const max = k.maxSad4x4(so, S, po, S);
      for (const bound of [max - 1, max, Math.floor(r() * 3 * max)]) expect(max <= bound).toBe(blocksUnder(plane, so, S, plane, po, S, 4, bound));
      // chroma: U at so, V 16 samples right of it, raster predictions at PRED (U) and PRED + 64 (V)
      for (let i = 0; i < 128; i++) u8[PRED + i] = trial % 2 ? Math.floor(r() * 256) : Math.min(255, Math.max(0, u8[so + (i & 64 ? 16 : 0) + ((i >> 3) & 7) * S + (i & 7)] + Math.floor(r() * 9) - 4));
      const cmax = k.chromaSadSums(so, so + 16, S, PRED, PRED + 64, DC);
      for (const bound of [cmax - 1, cmax, Math.floor(r() * 3 * cmax)]) {
        const okU = chromaSums(plane, so, S, u8.subarray(PRED, PRED + 64), bound, e);
        const okV = chromaSums(plane, so + 16, S, u8.subarray(PRED + 64, PRED + 128), bound, e);
        expect(cmax <= bound).toBe(okU && okV);
      }
      expect(chromaSums(plane, so, S, u8.subarray(PRED, PRED + 64), Infinity, e)).toBe(true);
      expect(Array.from(dcs.subarray(0, 4))).toEqual(Array.from(e));
      chromaSums(plane, so + 16, S, u8.subarray(PRED + 64, PRED + 128), Infinity, e);
      expect(Array.from(dcs.subarray(4, 8))).toEqual(Array.from(e));
    }
  });

  it('reconLuma and reconChroma equal dequantAdd4x4 on every block (QP 0-51, levels up to the CAVLC clamp, DC apart or not)', () => {
    const { k, u8, r, fill } = setup(171);
    const lev = new Int32Array(u8.buffer, LEV, 256);
    const dcs = new Int32Array(u8.buffer, DC, 16);
    const plane = u8.subarray(0, 65536);
    const exp = new Uint8Array(65536);
    const d = new Int32Array(6);
    const OUTS = 32; // output stride
    for (let trial = 0; trial < 2000; trial++) {
      const qp = trial < 52 ? trial : Math.floor(r() * 52);
      const kind = trial % 3; // 0 luma inter, 1 luma with DCs (Intra16x16), 2 chroma
      const big = r() < 0.1;
      for (let i = 0; i < 256; i++) {
        const z = r();
        lev[i] = z < 0.6 ? 0 : big ? Math.floor(r() * 2 * MAX_CAVLC_LEVEL) - MAX_CAVLC_LEVEL : Math.floor(r() * 21) - 10;
      }
      for (let i = 0; i < 16; i++) dcs[i] = big ? Math.floor(r() * 400000) - 200000 : Math.floor(r() * 4000) - 2000;
      fill(PRED, 256);
      fill(OUT, 16 * OUTS);
      exp.set(plane);
      dequantParams(qp, d);
      const pred = plane.subarray(PRED, PRED + 256);
      if (kind < 2) {
        k.reconLuma(LEV, DC, kind, d[0], d[1], d[2], d[3], d[4], d[5], PRED, OUT, OUTS);
        for (let b = 0; b < 16; b++) {
          const bx = (b & 3) * 4;
          const by = (b >> 2) * 4;
          dequantAdd4x4(lev.subarray(b * 16, b * 16 + 16), kind, dcs[b], qp, pred, by * 16 + bx, 16, exp, OUT + by * OUTS + bx, OUTS);
        }
      } else {
        k.reconChroma(LEV, DC, d[0], d[1], d[2], d[3], d[4], d[5], PRED, PRED + 64, OUT, OUT + 8, OUTS);
        for (let c = 0; c < 2; c++) {
          for (let b = 0; b < 4; b++) {
            const bx = (b & 1) * 4;
            const by = (b >> 1) * 4;
            const i = 4 * c + b;
            dequantAdd4x4(lev.subarray(i * 16, i * 16 + 16), 1, dcs[i], qp, pred, 64 * c + by * 8 + bx, 8, exp, OUT + 8 * c + by * OUTS + bx, OUTS);
          }
        }
      }
      expect(Buffer.from(plane).equals(Buffer.from(exp)), `trial ${trial} qp ${qp} kind ${kind}`).toBe(true);
    }
  });

  it('satd16 and satdChroma equal satd on 16x16 blocks and on the two 8x8 chroma blocks (each halved on its own)', () => {
    const { k, u8, r, fill } = setup(191);
    const plane = u8.subarray(0, 16384);
    for (let trial = 0; trial < 3000; trial++) {
      const so = Math.floor(r() * 40) * S + Math.floor(r() * 24);
      for (let y = 0; y < 16; y++) fill(so + y * S, 40);
      fill(PRED, 256);
      if (trial % 4 === 0) for (let i = 0; i < 256; i++) u8[PRED + i] = 255 - u8[so + (i >> 4) * S + (i & 15)];
      expect(k.satd16(so, S, PRED, 16)).toBe(satd(plane, so, S, plane.subarray(PRED, PRED + 256), 16, 16, 16));
      const want = satd(plane, so, S, plane.subarray(PRED, PRED + 64), 8, 8, 8) + satd(plane, so + 24, S, plane.subarray(PRED + 64, PRED + 128), 8, 8, 8);
      expect(k.satdChroma(so, so + 24, S, PRED, PRED + 64)).toBe(want);
    }
  });

  it('predictIntra16 equals the TypeScript Intra_16x16 prediction in every mode and neighbour availability', () => {
    const { k, u8, r, fill } = setup(211);
    const rec = u8.subarray(SRC, SRC + S * S);
    const exp = new Uint8Array(256);
    for (let trial = 0; trial < 1500; trial++) {
      fill(SRC, S * S);
      const off = (1 + Math.floor(r() * 40)) * S + 1 + Math.floor(r() * 40);
      for (let mode = 0; mode < 4; mode++) {
        for (const [top, left] of [[true, true], [true, false], [false, true], [false, false]]) {
          const ok = predictIntra16(rec, S, off, top, left, mode, exp);
          expect(intra16Available(mode, top, left)).toBe(ok);
          if (!ok) continue;
          u8.fill(3, OUT, OUT + 256);
          k.predictIntra16(SRC + off, S, mode, top ? 1 : 0, left ? 1 : 0, OUT);
          expect(Array.from(u8.subarray(OUT, OUT + 256)), `trial ${trial} mode ${mode} ${top} ${left}`).toEqual(Array.from(exp));
        }
      }
    }
  });

  it('copySkip copies a 16x16 luma and two 8x8 chroma blocks and nothing else', () => {
    const { k, u8, fill } = setup(131);
    fill(0, 8192);
    u8.fill(0, 8192, 16384);
    k.copySkip(5, S, 8192 + 3, 2048, 2048 + 8, 16, 12288, 12288 + 20, S, 32);
    const want = new Uint8Array(8192);
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) want[3 + y * S + x] = u8[5 + y * S + x];
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        want[4096 + y * 32 + x] = u8[2048 + y * 16 + x];
        want[4096 + 20 + y * 32 + x] = u8[2048 + 8 + y * 16 + x];
      }
    }
    expect(Buffer.from(u8.subarray(8192, 16384)).equals(Buffer.from(want))).toBe(true);
  });
});

/** Encode `frames` pictures with kernels 'js' and 'wasm' side by side; every access unit and the final reconstruction must be the same bytes. */
function expectIdentical(opts: Omit<H264EncoderOptions, 'kernels'>, pattern: 'moving' | 'noisy', frames: number): number {
  let t = 0;
  const src = new SyntheticSource({ width: opts.width, height: opts.height, pattern, clock: () => (t += 33) });
  const js = new H264Encoder({ ...opts, kernels: 'js' });
  const wasm = new H264Encoder({ ...opts, kernels: 'wasm' });
  expect([js.kernels, wasm.kernels]).toEqual(['js', 'wasm']);
  let bytes = 0;
  for (let i = 0; i < frames; i++) {
    const f = src.next();
    const a = js.encode(f);
    const b = wasm.encode(f);
    expect(Buffer.from(b.data).equals(Buffer.from(a.data)), `${JSON.stringify(opts)} ${pattern} frame ${i}`).toBe(true);
    expect(b.mbs).toEqual(a.mbs);
    bytes += a.data.length;
  }
  expect(copyI420Frame(wasm.reconstruction())).toEqual(copyI420Frame(js.reconstruction()));
  return bytes;
}

describe('encoder WASM kernels: whole streams', () => {
  it('WASM kernels byte-identical to the TypeScript path: every preset, moving and noisy, fixed QP 0 to 51, IDR and P pictures', () => {
    for (const preset of ENCODER_PRESETS) {
      for (const pattern of ['moving', 'noisy'] as const) {
        for (const qp of [0, 10, 24, 36, 51]) expectIdentical({ width: 176, height: 144, qp, preset, keyInterval: 4 }, pattern, 6);
      }
    }
  }, 240_000);

  it('WASM kernels byte-identical to the TypeScript path: rate control, several slices, odd sizes', () => {
    for (const preset of ENCODER_PRESETS) {
      expectIdentical({ width: 320, height: 192, preset, bitrate: 300_000, keyInterval: 10, slices: 3 }, 'moving', 12);
      expectIdentical({ width: 200, height: 120, preset, bitrate: 900_000, keyInterval: 0, slices: 2 }, 'noisy', 8);
    }
  }, 240_000);

  it('WASM kernels byte-identical to the TypeScript path: the parallel encoder with 2 workers (shared memory) against the single-threaded js encoder', async () => {
    const opts = { width: 320, height: 192, bitrate: 500_000, keyInterval: 6, slices: 3, preset: 'realtime' as const };
    let t = 0;
    const src = new SyntheticSource({ width: 320, height: 192, pattern: 'moving', clock: () => (t += 33) });
    const single = new H264Encoder({ ...opts, kernels: 'js' });
    const parallel = await ParallelH264Encoder.create({ ...opts, threads: 2, kernels: 'wasm', warmUp: false });
    try {
      expect(parallel.kernels).toBe('wasm');
      for (let i = 0; i < 10; i++) {
        const f = src.next();
        const x = single.encode(f);
        const y = await parallel.encode(f);
        expect(Buffer.from(y.data).equals(Buffer.from(x.data)), `frame ${i}`).toBe(true);
        expect(y.mbs).toEqual(x.mbs);
      }
      expect(copyI420Frame(parallel.reconstruction())).toEqual(copyI420Frame(single.reconstruction()));
    } finally {
      await parallel.close();
    }
  }, 120_000);
});
