/**
 * The encoder's WebAssembly SIMD kernels (kernels.wat, assembled at build time by
 * scripts/assemble-wasm.mjs into kernels-binary.ts): instantiated synchronously from the
 * committed bytes over the memory that allocatePictureBuffers carves the picture planes and
 * every slice coder's scratch out of, so kernels and the TypeScript path read and write the
 * same bytes. Addresses are byte offsets into that memory (a typed array's byteOffset).
 * WebAssembly Core Specification 2.0 with the fixed-width SIMD (128-bit) instructions.
 */
import { KERNELS_SHARED_FLAG_OFFSET, KERNELS_WASM_BASE64 } from './kernels-binary.js';

/** Which implementation of the hot kernels a slice coder runs. */
export type EncoderKernels = 'wasm' | 'js';

/** The exports of kernels.wat. */
export interface KernelExports {
  /** transformLuma's 16 residualQuant4x4 calls; returns the summed non-zero counts. */
  lumaResidual(src: number, ss: number, pred: number, lev: number, nz: number, dc: number, m0: number, m1: number, m2: number, f: number, qbits: number, start: number, zeroBound: number, maxLevel: number): number;
  /** transformChroma's 8 residualQuant4x4 calls (start 1); returns the summed non-zero counts. */
  chromaResidual(srcU: number, srcV: number, ss: number, predU: number, predV: number, lev: number, nz: number, dc: number, m0: number, m1: number, m2: number, f: number, qbits: number, zeroBound: number, maxLevel: number): number;
  /** sad16: the 16x16 SAD, or once 8 rows reach `limit` (an i32) that partial sum. */
  sad16(a: number, as: number, b: number, bs: number, limit: number): number;
  /** predictLuma16 as Table 8-12's planes: `pa` at srcA, averaged with `pb` at srcB when pb >= 0 (planes 0 G, 1 b, 2 h, 3 j). */
  predictLuma16(pa: number, srcA: number, pb: number, srcB: number, s: number, out: number, tmp: number, tmpJ: number): void;
  /** SubpelWindow.load into planes of 18 rows, stride 32, 576 bytes apart at `win`. */
  windowLoad(src: number, s: number, win: number, tmpJ: number): void;
  /** SubpelWindow.sad from two window addresses (stops after 8 rows that reached `limit`, an i32). */
  windowSad(a: number, b: number, src: number, ss: number, limit: number): number;
  /** SubpelWindow.predict from two window addresses. */
  windowPredict(a: number, b: number, out: number): void;
  /** predictChroma8 for both chroma components. */
  predictChroma8(refU: number, refV: number, off: number, s: number, mvx: number, mvy: number, outU: number, outV: number): void;
  /** The largest SAD of the 16 4x4 blocks (skipBySad's luma test). */
  maxSad4x4(src: number, ss: number, pred: number, ps: number): number;
  /** Residual sums of the 8 chroma 4x4 blocks into `dc` (U then V) and their largest SAD (skipBySad's chroma test). */
  chromaSadSums(srcU: number, srcV: number, ss: number, predU: number, predV: number, dc: number): number;
  /** The 16 luma blocks' reconstruction (dequantAdd4x4 each; DCs from `dc` when useDc). */
  reconLuma(lev: number, dc: number, useDc: number, ls0: number, ls1: number, ls2: number, shl: number, shr: number, rnd: number, pred: number, out: number, os: number): void;
  /** Both chroma components' reconstruction (dequantAdd4x4 with the scaled DCs at `dc`, U then V). */
  reconChroma(lev: number, dc: number, ls0: number, ls1: number, ls2: number, shl: number, shr: number, rnd: number, predU: number, predV: number, outU: number, outV: number, os: number): void;
  /** satd (intra.ts) of a 16x16 block. */
  satd16(src: number, ss: number, pred: number, ps: number): number;
  /** satd of the 8x8 U block plus satd of the 8x8 V block (raster 8x8 predictions). */
  satdChroma(srcU: number, srcV: number, ss: number, predU: number, predV: number): number;
  /** predictIntra16 (intra.ts) for an available mode; top / left 1 when those neighbours exist. */
  predictIntra16(rec: number, s: number, mode: number, top: number, left: number, out: number): void;
  /** commitSkip's copies: 16x16 luma from `y` (stride ys) to `ry`, 8x8 chroma from u and v (stride cs8) to ru and rv (strides rs, cs). */
  copySkip(y: number, ys: number, ry: number, u: number, v: number, cs8: number, ru: number, rv: number, rs: number, cs: number): void;
}

const modules: { plain?: WebAssembly.Module; shared?: WebAssembly.Module } = {};
let simd: boolean | undefined;

/** The kernels' binary; `shared`: with the memory import's limits flag set to 3 (shared, with a maximum). */
export function kernelBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const text = atob(KERNELS_WASM_BASE64); // atob: in Node and in browsers alike
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  if (shared) out[KERNELS_SHARED_FLAG_OFFSET] = 0x03;
  return out;
}

/** True when this runtime validates the kernels (WebAssembly with SIMD128). */
export function wasmKernelsSupported(): boolean {
  if (simd === undefined) {
    try {
      simd = typeof WebAssembly === 'object' && WebAssembly.validate(kernelBytes(false));
    } catch {
      simd = false;
    }
  }
  return simd;
}

/** The default kernel choice: 'wasm' where SIMD validates, else 'js'. */
export function defaultKernels(): EncoderKernels {
  return wasmKernelsSupported() ? 'wasm' : 'js';
}

/**
 * Instantiate the kernels over `memory` (shared or not; compiled once per thread and kind).
 * Synchronous: the module is small, and Node allows synchronous compilation at any size.
 */
export function instantiateKernels(memory: WebAssembly.Memory, shared: boolean): KernelExports {
  const kind = shared ? 'shared' : 'plain';
  const module = (modules[kind] ??= new WebAssembly.Module(kernelBytes(shared)));
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
}
