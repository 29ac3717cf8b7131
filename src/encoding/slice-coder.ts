/**
 * Macroblock-level coding of one slice (a band of macroblock rows) of a Constrained Baseline
 * H.264 picture: mode decision, transform and quantisation, reconstruction into the shared
 * picture buffers, and the slice NAL unit (ITU-T H.264 7.3.4 slice_data, 7.3.5
 * macroblock_layer). Slices of one picture touch disjoint rows of every buffer, so several
 * SliceCoders (one per worker thread) can code the slices of a picture at the same time.
 */
import { BitWriter, seBits } from './bitwriter.js';
import { writeResidualBlock, MAX_CAVLC_LEVEL } from './cavlc.js';
import {
  CHROMA_AC_MIN_COST,
  CHROMA_PAD,
  COEFF_COST,
  INTRA4X4_BIAS_LAMBDAS,
  INTRA_BIAS_LAMBDAS,
  INTRA_TRY_MAD,
  LUMA_8X8_MIN_COST,
  LUMA_MB_MIN_COST,
  LUMA_PAD,
  MV_MARGIN,
  CANDIDATE_EXIT_FULL_QP,
  CPU_RELIEF_TUNING,
  PRESET_TUNING,
  SCRATCH_BYTES,
  WASM_PAGE_BYTES,
  type PresetTuning,
  WORK_CODE_INTER,
  WORK_SAD,
  WORK_INTRA4X4_TRY,
  WORK_INTRA_MB,
  WORK_INTRA_TRY,
  WORK_SEARCH,
  WORK_SUBPEL,
  WORK_TRY_INTER,
} from './constants.js';
import { intra16Available, predictChroma, predictIntra16, satd } from './intra.js';
import { Avail, INTRA_CBP_CODE, Intra4x4Mode, TAPS_LENGTH, blockAvail, loadEdge, modeAvailable, modeBits, predict4x4Taps, predictedMode, prepareEdge } from './intra4x4.js';
import { LUMA_QPEL, predictChroma8, predictLuma16, predictMv, predictSkipMv, sad16, SubpelWindow, type MotionField } from './motion.js';
import { deblockRows, type DeblockInput } from './deblock.js';
import { AnnexBWriter, NalType } from './nal.js';
import { instantiateKernels, type EncoderKernels, type KernelExports } from './wasm/kernels.js';
import { SliceType, writeSliceHeader } from './params.js';
import {
  ZIGZAG,
  chromaQp,
  forwardLumaDc,
  hadamard2x2,
  inverseChromaDc,
  inverseLumaDc,
  dequantAdd4x4,
  quantDc,
  quantParams,
  dequantParams,
  residualQuant4x4,
  zeroBlockSad,
} from './transform.js';

/** Counts of macroblock kinds in one picture (or slice). */
export interface MacroblockStats {
  /** Intra macroblocks of every kind (Intra_16x16, Intra_4x4, I_PCM). */
  intra: number;
  inter: number;
  skip: number;
  /** Of `intra`, the Intra_4x4 (I_NxN) macroblocks (every encoder's frames carry it). */
  intraNxN?: number;
}

/** Sample layout of the padded planes for a picture of widthMbs x heightMbs macroblocks. */
export interface PlaneLayout {
  widthMbs: number;
  heightMbs: number;
  /** Macroblock-aligned luma width and height. */
  w16: number;
  h16: number;
  /** Strides and origin offsets of the padded luma and chroma planes. */
  ls: number;
  cs: number;
  lo: number;
  co: number;
}

export function planeLayout(widthMbs: number, heightMbs: number): PlaneLayout {
  const w16 = widthMbs * 16;
  const h16 = heightMbs * 16;
  const ls = w16 + 2 * LUMA_PAD;
  const cs = w16 / 2 + 2 * CHROMA_PAD;
  return { widthMbs, heightMbs, w16, h16, ls, cs, lo: LUMA_PAD * ls + LUMA_PAD, co: CHROMA_PAD * cs + CHROMA_PAD };
}

/**
 * Everything the slices of a picture share: the macroblock-aligned source, two banks of
 * padded reconstructed planes (the current picture and the reference alternate between them),
 * the per-4x4 TotalCoeff grids and the motion field. On SharedArrayBuffers when shared.
 */
export interface PictureBuffers {
  srcY: Uint8Array;
  srcU: Uint8Array;
  srcV: Uint8Array;
  /** bank[i] = [Y, U, V] padded planes. */
  bank: [Uint8Array, Uint8Array, Uint8Array][];
  nnzY: Uint8Array;
  nnzU: Uint8Array;
  nnzV: Uint8Array;
  mvx: Int16Array;
  mvy: Int16Array;
  ref: Int8Array;
  /**
   * Work units each macroblock of the last picture took (a deterministic proxy for coding
   * time: search, sub-sample refinement, residual trials), for balancing slices.
   */
  work: Uint16Array;
  /** QP_Y of each macroblock as the deblocking filter uses it (0 for I_PCM, 8.7.2.2). */
  mbQp: Uint8Array;
  /** The memory every array above (and the scratch slots) is a view of. */
  memory: WebAssembly.Memory;
  shared: boolean;
  /** Byte offset of scratch slot 0; slot k starts SCRATCH_BYTES x k after it. */
  scratch: number;
  /** Scratch slots: one per slice coder (thread) coding into these buffers. */
  slots: number;
}

/**
 * Byte offsets of a slice coder's scratch inside its slot (SCRATCH_BYTES): the WebAssembly
 * kernels address the same arrays the TypeScript path uses.
 */
const SCRATCH = {
  predY: 0,
  bestPredY: 256,
  predU: 512,
  predV: 576,
  bestPredU: 640,
  bestPredV: 704,
  /** 16 blocks x 16 Int32 levels. */
  levY: 768,
  nzY: 1792,
  dcY: 1856,
  /** 8 chroma blocks (U 0-3, V 4-7) x 16 Int32 levels. */
  levC: 1920,
  nzC: 2432,
  /** 2 x 4 Int32 chroma DC terms. */
  dcC: 2464,
  /** The kernels' sub-sample window: planes G, b, h, j of 18 rows, stride 32 (576 bytes each). */
  window: 2496,
  /** The kernels' b1 rows for the centre plane (23 rows of 16 Int16). */
  tmpJ: 4800,
  /** The kernels' second plane of a luma prediction. */
  lumaTmp: 5536,
  /** Scaled DC terms of the reconstruction (16 Int32). */
  dcTmp: 5792,
  end: 5856,
} as const;

/**
 * Table 8-12 (LUMA_QPEL, motion.ts) as offsets into the kernels' window: per position
 * (dy & 3) * 4 + (dx & 3), the first and the second plane's start + sample offset (576 bytes a
 * plane, 32 a row; the first again when one plane gives the sample).
 */
const WINDOW_MODES = (() => {
  const plane = 576;
  const row = 32;
  const t = new Int32Array(32);
  LUMA_QPEL.forEach(([pa, ax, ay, pb, bx, by], m) => {
    t[2 * m] = pa * plane + ay * row + ax;
    t[2 * m + 1] = pb < 0 ? t[2 * m] : pb * plane + by * row + bx;
  });
  return t;
})();

/**
 * Carve every plane, grid and `slots` slice-coder scratch slots out of ONE WebAssembly.Memory,
 * sized up front and never grown (growing would detach the views of a non-shared memory).
 * Shared (for worker threads): the memory is shared, its buffer a SharedArrayBuffer, and the
 * memory itself travels in workerData so a worker instantiates the kernels over it.
 */
export function allocatePictureBuffers(layout: PlaneLayout, shared: boolean, slots = 1): PictureBuffers {
  const { w16, h16, ls, cs, widthMbs, heightMbs } = layout;
  const lsize = ls * (h16 + 2 * LUMA_PAD);
  const csize = cs * (h16 / 2 + 2 * CHROMA_PAD);
  const n = widthMbs * heightMbs;
  const sizes = [w16 * h16, (w16 * h16) >> 2, (w16 * h16) >> 2, lsize, csize, csize, lsize, csize, csize, n * 16, n * 4, n * 4, 2 * n, 2 * n, n, 2 * n, n];
  const align = (v: number) => (v + 15) & ~15;
  let total = 0;
  for (const size of sizes) total += align(size);
  const scratch = total;
  total += slots * SCRATCH_BYTES;
  const pages = Math.ceil(total / WASM_PAGE_BYTES);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
  const buffer = memory.buffer;
  let at = 0;
  const take = (size: number) => {
    const o = at;
    at += align(size);
    return o;
  };
  const u8 = (size: number) => new Uint8Array(buffer, take(size), size);
  const i16 = (count: number) => new Int16Array(buffer, take(2 * count), count);
  return {
    srcY: u8(w16 * h16),
    srcU: u8((w16 * h16) >> 2),
    srcV: u8((w16 * h16) >> 2),
    bank: [
      [u8(lsize), u8(csize), u8(csize)],
      [u8(lsize), u8(csize), u8(csize)],
    ],
    nnzY: u8(n * 16),
    nnzU: u8(n * 4),
    nnzV: u8(n * 4),
    mvx: i16(n),
    mvy: i16(n),
    ref: new Int8Array(buffer, take(n), n),
    work: new Uint16Array(buffer, take(2 * n), n),
    mbQp: u8(n),
    memory,
    shared,
    scratch,
    slots,
  };
}

/** One slice to code: picture-level parameters and the slice's macroblock rows [top, bottom). */
export interface SliceJob {
  idr: boolean;
  qp: number;
  frameNum: number;
  idrPicId: number;
  /** Bank receiving this picture's reconstruction; the other bank is the reference. */
  bank: number;
  top: number;
  bottom: number;
  /** Take CPU_RELIEF_TUNING's decisions over the preset's (P pictures only). */
  relief?: boolean;
  /**
   * With the filter on, slice edges are filtered too (disable_deblocking_filter_idc 0): the
   * encoder filters the whole picture after every slice, so the slice coder does not.
   */
  deblockAcross?: boolean;
}

/** Order of luma4x4BlkIdx (6.4.3) as raster 4x4 block indices (4 * row + column). */
const BLK_RASTER = Uint8Array.of(0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15);

/** codeNum of coded_block_pattern for Inter macroblocks (Table 9-4, inverted). */
const INTER_CBP_CODE = (() => {
  const codeToCbp = [
    0, 16, 1, 2, 4, 8, 32, 3, 5, 10, 12, 15, 47, 7, 11, 13, 14, 6, 9, 31, 35, 37, 42, 44, 33, 34, 36, 40, 39, 43, 45, 46, 17, 18, 20, 24, 19,
    21, 26, 28, 23, 27, 29, 30, 22, 25, 38, 41,
  ];
  const t = new Uint8Array(48);
  codeToCbp.forEach((cbp, code) => (t[cbp] = code));
  return t;
})();

function blockCost(lev: Int32Array, start: number): number {
  let cost = 0;
  let run = 0;
  for (let k = start; k < 16; k++) {
    const v = lev[ZIGZAG[k]];
    if (v === 0) run++;
    else if (v === 1 || v === -1) {
      cost += COEFF_COST[run];
      run = 0;
    } else return 999;
  }
  return cost;
}

/** The sad16 kernel's limit for "no limit" (an i32; a SAD is at most 65280). */
const NO_SAD_LIMIT = 0x7fffffff;

/**
 * The SAD under which the integer search stops after the candidate vectors (-1: never): the
 * preset's bound, and when it follows the QP, halved for every 6 QP below QP 28 (see
 * PresetTuning.candidateExitFollowsQp).
 */
export function candidateExitBound(presetBound: number, qp: number, followsQp: boolean): number {
  if (presetBound <= 0) return -1;
  if (!followsQp || qp >= CANDIDATE_EXIT_FULL_QP) return presetBound;
  return Math.floor(presetBound * Math.pow(2, (qp - CANDIDATE_EXIT_FULL_QP) / 6));
}

/** trySkip's answer when the luma alone already rules P_Skip out. */
const SKIP_TRIAL_STOPPED = 0x100;

/** The 8 neighbours of a search position. */
const NEIGHBOUR_X = Int8Array.of(-1, 0, 1, -1, 1, -1, 0, 1);
const NEIGHBOUR_Y = Int8Array.of(-1, -1, -1, 0, 0, 1, 1, 1);
const ALL_NEIGHBOURS = Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7);
/** Above, left, right, below. */
const CROSS_NEIGHBOURS = Uint8Array.of(1, 3, 4, 6);

function make16(n: number): Int32Array[] {
  return Array.from({ length: n }, () => new Int32Array(16));
}

/** Codes slices of pictures into shared PictureBuffers. */
export class SliceCoder {
  readonly widthMbs: number;
  readonly heightMbs: number;
  private readonly searchRange: number;
  private readonly w16: number;
  private readonly h16: number;
  private readonly ls: number;
  private readonly cs: number;
  private readonly lo: number;
  private readonly co: number;
  private readonly srcY: Uint8Array;
  private readonly srcU: Uint8Array;
  private readonly srcV: Uint8Array;
  private recY!: Uint8Array;
  private recU!: Uint8Array;
  private recV!: Uint8Array;
  private refY!: Uint8Array;
  private refU!: Uint8Array;
  private refV!: Uint8Array;
  private readonly nnzY: Uint8Array;
  private readonly nnzU: Uint8Array;
  private readonly nnzV: Uint8Array;
  private readonly motion: MotionField;
  private readonly bw = new BitWriter(1 << 16);

  // per-macroblock scratch (in this coder's scratch slot of the picture memory, see SCRATCH)
  private readonly predY: Uint8Array;
  private readonly bestPredY: Uint8Array;
  private readonly predU: Uint8Array;
  private readonly predV: Uint8Array;
  private readonly bestPredU: Uint8Array;
  private readonly bestPredV: Uint8Array;
  /** Scaled DC terms for the reconstruction (16 luma, or U then V). */
  private readonly tmp: Int32Array;
  private readonly tmpU: Int32Array;
  private readonly tmpV: Int32Array;
  /** dequantParams of the slice's QP for luma and chroma (kernels). */
  private readonly dqLuma = new Int32Array(6);
  private readonly dqChroma = new Int32Array(6);
  private readonly scan = new Int32Array(16);
  private readonly levY: Int32Array[];
  private readonly nzY: Int32Array;
  private readonly dcY: Int32Array;
  private readonly dcLevY = new Int32Array(16);
  private readonly levC: Int32Array[];
  private readonly nzC: Int32Array;
  private readonly dcC: Int32Array[];
  /** The WebAssembly kernels over the picture memory (kernels 'wasm'), or null (the TypeScript path). */
  private readonly k: KernelExports | null;
  /** Byte offset of this coder's scratch slot in the picture memory. */
  private readonly scratchBase: number;
  private readonly dcLevC = make16(2);
  private readonly mvp = new Int32Array(2);
  private readonly mvSkip = new Int32Array(2);
  // Intra_4x4 trial: levels and counts per raster 4x4 block, predicted modes per luma4x4BlkIdx
  private readonly lev4 = make16(16);
  private readonly nz4 = new Int32Array(16);
  private readonly predMode4 = new Uint8Array(16);
  private readonly pred4 = new Uint8Array(16);
  private readonly bestPred4 = new Uint8Array(16);
  private readonly edge4 = new Int32Array(13);
  private readonly taps4 = new Int32Array(TAPS_LENGTH);
  private readonly dc4 = new Int32Array(1);
  /**
   * Intra4x4PredMode of every 4x4 luma block of this coder's slices (raster over the picture),
   * DC (2) for blocks of macroblocks not coded Intra_4x4, as 8.3.1.1 counts them.
   */
  private readonly modes4: Uint8Array;
  /** Set by bestIntra: the Intra_4x4 trial beat Intra_16x16 (its result is in lev4, nz4, modes4 and the reconstruction). */
  private intra4x4Chosen = false;
  /** Intra16x16PredMode bestIntra chose. */
  private mode16 = 0;

  // per-slice state
  private qpValue = 0;
  private sliceTop = 0;
  private skipRun = 0;
  private stats: MacroblockStats = { intra: 0, inter: 0, skip: 0 };
  private lambda = 1;
  // per-QP SAD bounds under which a 4x4 residual quantises to zero (luma inter/intra, chroma inter/intra)
  private zeroLumaInter = 0;
  private zeroLumaIntra = 0;
  private zeroChromaInter = 0;
  private zeroChromaIntra = 0;
  /** Quantiser constants of the slice's QP (quantParams): luma and chroma, inter and intra rounding. */
  private readonly qLumaInter = new Int32Array(5);
  private readonly qLumaIntra = new Int32Array(5);
  private readonly qChromaInter = new Int32Array(5);
  private readonly qChromaIntra = new Int32Array(5);
  private readonly banks: [Uint8Array, Uint8Array, Uint8Array][];
  private readonly work: Uint16Array;
  /** Work units of the macroblock being coded (see PictureBuffers.work). */
  private mbWork = 0;

  /** The decisions of the slice being coded: the preset's, or with CPU relief. */
  private tuning: PresetTuning;
  private readonly presetTuning: PresetTuning;
  private readonly reliefTuning: PresetTuning;
  private readonly mbQp: Uint8Array;
  /** The deblocking filter's view of the buffers; its planes are set to the picture being coded. */
  private readonly deblockInput: DeblockInput;

  /**
   * `slot`: this coder's scratch slot in `buffers` (one per thread coding into them);
   * `kernels`: the WebAssembly SIMD kernels or the TypeScript functions (identical output).
   */
  constructor(layout: PlaneLayout, buffers: PictureBuffers, searchRange: number, private readonly subpixel = true, tuning: PresetTuning = PRESET_TUNING.quality, kernels: EncoderKernels = 'js', slot = 0) {
    if (!Number.isInteger(slot) || slot < 0 || slot >= buffers.slots) throw new RangeError(`scratch slot ${slot} outside the buffers' ${buffers.slots} slots`);
    const mem = buffers.memory.buffer;
    const base = (this.scratchBase = buffers.scratch + slot * SCRATCH_BYTES);
    const u8 = (o: number, n: number) => new Uint8Array(mem, base + o, n);
    const i32 = (o: number, n: number) => new Int32Array(mem, base + o, n);
    const blocks = (all: Int32Array, n: number, len: number) => Array.from({ length: n }, (_, b) => all.subarray(b * len, b * len + len));
    this.predY = u8(SCRATCH.predY, 256);
    this.bestPredY = u8(SCRATCH.bestPredY, 256);
    this.predU = u8(SCRATCH.predU, 64);
    this.predV = u8(SCRATCH.predV, 64);
    this.bestPredU = u8(SCRATCH.bestPredU, 64);
    this.bestPredV = u8(SCRATCH.bestPredV, 64);
    this.levY = blocks(i32(SCRATCH.levY, 256), 16, 16);
    this.nzY = i32(SCRATCH.nzY, 16);
    this.dcY = i32(SCRATCH.dcY, 16);
    this.levC = blocks(i32(SCRATCH.levC, 128), 8, 16);
    this.nzC = i32(SCRATCH.nzC, 8);
    this.dcC = blocks(i32(SCRATCH.dcC, 8), 2, 4);
    this.tmp = i32(SCRATCH.dcTmp, 16);
    this.tmpU = this.tmp.subarray(0, 4);
    this.tmpV = this.tmp.subarray(4, 8);
    this.k = kernels === 'wasm' ? instantiateKernels(buffers.memory, buffers.shared) : null;
    this.tuning = this.presetTuning = tuning;
    this.reliefTuning = { ...tuning, ...CPU_RELIEF_TUNING };
    this.widthMbs = layout.widthMbs;
    this.heightMbs = layout.heightMbs;
    this.w16 = layout.w16;
    this.h16 = layout.h16;
    this.ls = layout.ls;
    this.cs = layout.cs;
    this.lo = layout.lo;
    this.co = layout.co;
    this.searchRange = searchRange;
    this.srcY = buffers.srcY;
    this.srcU = buffers.srcU;
    this.srcV = buffers.srcV;
    this.banks = buffers.bank;
    this.nnzY = buffers.nnzY;
    this.nnzU = buffers.nnzU;
    this.nnzV = buffers.nnzV;
    this.motion = { mvx: buffers.mvx, mvy: buffers.mvy, ref: buffers.ref, widthMbs: this.widthMbs };
    this.work = buffers.work;
    this.mbQp = buffers.mbQp;
    this.modes4 = new Uint8Array(this.widthMbs * this.heightMbs * 16);
    this.deblockInput = { widthMbs: this.widthMbs, Y: this.srcY, U: this.srcU, V: this.srcV, ls: this.ls, lo: this.lo, cs: this.cs, co: this.co, mbQp: buffers.mbQp, ref: buffers.ref, mvx: buffers.mvx, mvy: buffers.mvy, nnzY: buffers.nnzY };
  }

  /** Code one slice and append its NAL unit to `out`; macroblock counts are added to `stats`. */
  codeSlice(job: SliceJob, out: AnnexBWriter, stats: MacroblockStats): void {
    this.tuning = job.relief && !job.idr ? this.reliefTuning : this.presetTuning;
    const qp = job.qp;
    this.candidateExit = candidateExitBound(this.tuning.candidateExitSad, qp, this.tuning.candidateExitFollowsQp);
    if (qp !== this.qpValue || this.lambda === 1) {
      this.qpValue = qp;
      this.lambda = Math.max(1, Math.round(Math.sqrt(0.85 * Math.pow(2, (qp - 12) / 3))));
      this.zeroLumaInter = zeroBlockSad(qp, false);
      this.zeroLumaIntra = zeroBlockSad(qp, true);
      this.zeroChromaInter = zeroBlockSad(chromaQp(qp), false);
      this.zeroChromaIntra = zeroBlockSad(chromaQp(qp), true);
      quantParams(qp, false, this.qLumaInter);
      quantParams(qp, true, this.qLumaIntra);
      quantParams(chromaQp(qp), false, this.qChromaInter);
      quantParams(chromaQp(qp), true, this.qChromaIntra);
      dequantParams(qp, this.dqLuma);
      dequantParams(chromaQp(qp), this.dqChroma);
    }
    [this.recY, this.recU, this.recV] = this.banks[job.bank];
    [this.refY, this.refU, this.refV] = this.banks[job.bank ^ 1];
    this.stats = stats;
    this.sliceTop = job.top;
    this.skipRun = 0;
    this.modes4.fill(Intra4x4Mode.DC, job.top * 16 * this.widthMbs, job.bottom * 16 * this.widthMbs);
    const bw = this.bw;
    bw.reset();
    const deblock = this.tuning.deblock;
    writeSliceHeader(bw, { idr: job.idr, sliceType: job.idr ? SliceType.I : SliceType.P, frameNum: job.frameNum, idrPicId: job.idrPicId, qp, firstMb: job.top * this.widthMbs, deblock, acrossSlices: job.deblockAcross === true });
    for (let mby = job.top; mby < job.bottom; mby++) {
      for (let mbx = 0; mbx < this.widthMbs; mbx++) {
        this.mbWork = 0;
        this.mbQp[mby * this.widthMbs + mbx] = qp;
        if (job.idr) this.encodeIntraMb(mbx, mby, false);
        else this.encodePMb(mbx, mby);
        this.work[mby * this.widthMbs + mbx] = this.mbWork;
      }
    }
    if (this.skipRun > 0) bw.ue(this.skipRun);
    bw.trailing();
    if (deblock && !job.deblockAcross) {
      // after the whole slice: intra prediction reads the samples before the filter (8.3)
      const d = this.deblockInput;
      d.Y = this.recY;
      d.U = this.recU;
      d.V = this.recV;
      deblockRows(d, job.top, job.bottom);
    }
    out.writeNal(3, job.idr ? NalType.IdrSlice : NalType.NonIdrSlice, bw.bytes());
  }

  // ---------------------------------------------------------------- intra

  /** Choose and predict Intra_16x16 luma into bestPredY; returns [mode, SATD]. */
  private bestIntra16(mbx: number, mby: number): number {
    this.mbWork += WORK_INTRA_TRY;
    const off = this.lo + mby * 16 * this.ls + mbx * 16;
    const so = mby * 16 * this.w16 + mbx * 16;
    let best = -1;
    let bestCost = Infinity;
    const k = this.k;
    const top = mby > this.sliceTop;
    const left = mbx > 0;
    for (let mode = 0; mode < 4; mode++) {
      if (k) {
        if (!intra16Available(mode, top, left)) continue;
        k.predictIntra16(this.recY.byteOffset + off, this.ls, mode, top ? 1 : 0, left ? 1 : 0, this.predY.byteOffset);
      } else if (!predictIntra16(this.recY, this.ls, off, top, left, mode, this.predY)) continue;
      const c = this.k ? this.k.satd16(this.srcY.byteOffset + so, this.w16, this.predY.byteOffset, 16) : satd(this.srcY, so, this.w16, this.predY, 16, 16, 16);
      if (c < bestCost) {
        bestCost = c;
        best = mode;
        this.bestPredY.set(this.predY);
      }
    }
    this.intraCost = bestCost;
    return best;
  }
  private intraCost = 0;

  private bestChromaMode(mbx: number, mby: number): number {
    const off = this.co + mby * 8 * this.cs + mbx * 8;
    const so = mby * 8 * (this.w16 >> 1) + mbx * 8;
    let best = 0;
    let bestCost = Infinity;
    for (let mode = 0; mode < 4; mode++) {
      if (!predictChroma(this.recU, this.cs, off, mby > this.sliceTop, mbx > 0, mode, this.predU)) continue;
      predictChroma(this.recV, this.cs, off, mby > this.sliceTop, mbx > 0, mode, this.predV);
      const c = this.k
        ? this.k.satdChroma(this.srcU.byteOffset + so, this.srcV.byteOffset + so, this.w16 >> 1, this.predU.byteOffset, this.predV.byteOffset)
        : satd(this.srcU, so, this.w16 >> 1, this.predU, 8, 8, 8) + satd(this.srcV, so, this.w16 >> 1, this.predV, 8, 8, 8);
      if (c < bestCost) {
        bestCost = c;
        best = mode;
        this.bestPredU.set(this.predU);
        this.bestPredV.set(this.predV);
      }
    }
    return best;
  }

  /**
   * Choose the intra luma coding: the best Intra_16x16 mode (mode16, its cost in intraCost) and,
   * when the preset tries it, an Intra_4x4 trial (intra4x4Chosen when cheaper; intraCost is
   * then its cost).
   */
  private bestIntra(mbx: number, mby: number): void {
    this.mode16 = this.bestIntra16(mbx, mby);
    this.intra4x4Chosen = false;
    if (!this.tuning.intra4x4) return;
    // Intra_4x4 costs at least a bit per block and the bias: below that Intra_16x16 wins untried
    const bias = INTRA4X4_BIAS_LAMBDAS * this.lambda;
    if (this.intraCost <= 16 * this.lambda + bias) return;
    const cost4 = this.trialIntra4x4(mbx, mby, this.intraCost - bias) + bias;
    if (cost4 < this.intraCost) {
      this.intraCost = cost4;
      this.intra4x4Chosen = true;
    } else {
      this.resetModes4(mbx, mby);
    }
  }

  /** The macroblock is not coded Intra_4x4 after all: its blocks count as DC for later prediction (8.3.1.1). */
  private resetModes4(mbx: number, mby: number): void {
    const gw = this.widthMbs * 4;
    for (let y = 0, o = mby * 4 * gw + mbx * 4; y < 4; y++, o += gw) this.modes4.fill(Intra4x4Mode.DC, o, o + 4);
  }

  /**
   * Intra_4x4 trial (8.3.1): for each 4x4 block in decoding order (luma4x4BlkIdx), the mode of
   * least SATD + lambda x mode bits among those its available neighbours allow, predicted from
   * the reconstruction of the blocks before it; its residual is transformed, quantised and
   * reconstructed at once, as a decoder does. Leaves levels in lev4/nz4, modes in modes4,
   * predicted modes in predMode4 and the luma reconstruction in place; returns the summed cost,
   * or stops (returning what it has summed, at least `limit`) once the sum reaches `limit`.
   */
  private trialIntra4x4(mbx: number, mby: number, limit: number): number {
    this.mbWork += WORK_INTRA4X4_TRY;
    const gw = this.widthMbs * 4;
    const mbLeft = mbx > 0;
    const mbTop = mby > this.sliceTop;
    const mbTopRight = mbTop && mbx + 1 < this.widthMbs;
    const lam = this.lambda;
    const qp = this.qpValue;
    const e = this.edge4;
    const pred = this.pred4;
    const best4 = this.bestPred4;
    let total = 0;
    for (let k = 0; k < 16; k++) {
      const b = BLK_RASTER[k];
      const bx = b & 3;
      const by = b >> 2;
      const avail = blockAvail(b, mbLeft, mbTop, mbLeft && mbTop, mbTopRight);
      const off = this.lo + (mby * 16 + by * 4) * this.ls + mbx * 16 + bx * 4;
      loadEdge(this.recY, this.ls, off, avail, e);
      prepareEdge(e, this.taps4);
      const g = (mby * 4 + by) * gw + mbx * 4 + bx;
      const pm = predictedMode(avail & Avail.Left ? this.modes4[g - 1] : -1, avail & Avail.Top ? this.modes4[g - gw] : -1);
      this.predMode4[k] = pm;
      const so = (mby * 16 + by * 4) * this.w16 + mbx * 16 + bx * 4;
      let best = Intra4x4Mode.DC as number;
      let bestCost = Infinity;
      for (let mode = 0; mode < 9; mode++) {
        if (!modeAvailable(mode, avail)) continue;
        const bits = lam * modeBits(mode, pm);
        if (bits >= bestCost) continue;
        predict4x4Taps(this.taps4, avail, mode, pred);
        const c = satd(this.srcY, so, this.w16, pred, 4, 4, 4) + bits;
        if (c < bestCost) {
          bestCost = c;
          best = mode;
          best4.set(pred);
        }
      }
      total += bestCost;
      this.modes4[g] = best;
      if (total >= limit) return total; // Intra_16x16 wins: the rest is not needed
      const lev = this.lev4[b];
      const nz = residualQuant4x4(this.srcY, so, this.w16, best4, 0, 4, lev, this.qLumaIntra, 0, this.zeroLumaIntra, this.dc4, 0, MAX_CAVLC_LEVEL);
      if (nz > 0) {
        this.nz4[b] = nz;
        dequantAdd4x4(lev, 0, 0, qp, best4, 0, 4, this.recY, off, this.ls);
      } else {
        if (nz < 0 && this.nz4[b]) lev.fill(0);
        this.nz4[b] = 0;
        copyBlock(best4, 4, 0, this.recY, off, this.ls);
      }
    }
    return total;
  }

  /**
   * Code the macroblock as I_NxN (Intra_4x4, mb_type 0 in I slices, 5 in P slices) from the
   * trial's result: prev_intra4x4_pred_mode_flag / rem_intra4x4_pred_mode per block (7.3.5.1),
   * chroma as for Intra_16x16, coded_block_pattern through the Intra mapping of Table 9-4, and
   * 16-coefficient luma blocks per coded 8x8. False (nothing written) when a level saturated.
   */
  private encodeIntra4x4Mb(mbx: number, mby: number, inPSlice: boolean): boolean {
    const cmode = this.bestChromaMode(mbx, mby);
    const cbpC = this.transformChroma(mbx, mby, this.bestPredU, this.bestPredV, true);
    if (this.saturated(false, this.lev4, this.nz4)) return false;
    this.reconChroma(mbx, mby, this.bestPredU, this.bestPredV, cbpC);
    let cbpL = 0;
    for (let k = 0; k < 16; k++) if (this.nz4[BLK_RASTER[k]]) cbpL |= 1 << (k >> 2);
    const bw = this.bw;
    if (inPSlice) {
      bw.ue(this.skipRun);
      this.skipRun = 0;
    }
    bw.ue(inPSlice ? 5 : 0); // I_NxN
    const gw = this.widthMbs * 4;
    const gx0 = mbx * 4;
    const gy0 = mby * 4;
    for (let k = 0; k < 16; k++) {
      const b = BLK_RASTER[k];
      const mode = this.modes4[(gy0 + (b >> 2)) * gw + gx0 + (b & 3)];
      const pm = this.predMode4[k];
      if (mode === pm) bw.u(1, 1);
      else bw.u(4, mode < pm ? mode : mode - 1); // flag 0, then 3 bits of rem_intra4x4_pred_mode
    }
    bw.ue(cmode);
    const cbp = cbpL | (cbpC << 4);
    bw.ue(INTRA_CBP_CODE[cbp]);
    if (cbp) bw.se(0); // mb_qp_delta
    this.writeLumaResidual(mbx, mby, cbpL, this.lev4);
    this.writeChromaResidual(mbx, mby, cbpC);
    const i = mby * this.widthMbs + mbx;
    this.motion.ref[i] = -1;
    this.motion.mvx[i] = 0;
    this.motion.mvy[i] = 0;
    this.stats.intra++;
    this.stats.intraNxN = (this.stats.intraNxN ?? 0) + 1;
    return true;
  }

  /** Code an intra macroblock: as bestIntra decided (already run when `decided`), Intra_4x4 or Intra_16x16, or I_PCM when levels saturate. */
  private encodeIntraMb(mbx: number, mby: number, inPSlice: boolean, decided = false): void {
    this.mbWork += WORK_INTRA_MB;
    if (!decided) this.bestIntra(mbx, mby);
    if (this.intra4x4Chosen) {
      this.intra4x4Chosen = false;
      if (this.encodeIntra4x4Mb(mbx, mby, inPSlice)) return;
      this.resetModes4(mbx, mby);
    }
    const mode = this.mode16;
    const cmode = this.bestChromaMode(mbx, mby);
    const qp = this.qpValue;
    // luma
    const acNz = this.transformLuma(mbx, mby, this.bestPredY, true);
    const cbpL = acNz > 0 ? 15 : 0;
    // chroma
    const cbpC = this.transformChroma(mbx, mby, this.bestPredU, this.bestPredV, true);
    if (this.saturated(true)) {
      this.encodePcmMb(mbx, mby, inPSlice);
      return;
    }
    this.reconLumaIntra16(mbx, mby, cbpL);
    this.reconChroma(mbx, mby, this.bestPredU, this.bestPredV, cbpC);

    const bw = this.bw;
    if (inPSlice) {
      bw.ue(this.skipRun);
      this.skipRun = 0;
    }
    bw.ue((inPSlice ? 5 : 0) + 1 + mode + 4 * cbpC + (cbpL ? 12 : 0));
    bw.ue(cmode);
    bw.se(0); // mb_qp_delta
    // Intra16x16DCLevel
    const sc = this.scan;
    for (let k = 0; k < 16; k++) sc[k] = this.dcLevY[ZIGZAG[k]];
    const gw = this.widthMbs * 4;
    const gx0 = mbx * 4;
    const gy0 = mby * 4;
    writeResidualBlock(bw, sc, 0, 16, nC(this.nnzY, gw, gx0, gy0, this.sliceTop * 4));
    for (let i = 0; i < 16; i++) {
      const b = BLK_RASTER[i];
      const gx = gx0 + (b & 3);
      const gy = gy0 + (b >> 2);
      if (cbpL) {
        const lev = this.levY[b];
        for (let k = 1; k < 16; k++) sc[k - 1] = lev[ZIGZAG[k]];
        this.nnzY[gy * gw + gx] = writeResidualBlock(bw, sc, 0, 15, nC(this.nnzY, gw, gx, gy, this.sliceTop * 4));
      } else {
        this.nnzY[gy * gw + gx] = 0;
      }
    }
    this.writeChromaResidual(mbx, mby, cbpC);
    void qp;
    const i = mby * this.widthMbs + mbx;
    this.motion.ref[i] = -1;
    this.motion.mvx[i] = 0;
    this.motion.mvy[i] = 0;
    this.stats.intra++;
  }

  /**
   * True when a level of the macroblock reached MAX_CAVLC_LEVEL (clamped, so the residual is
   * not represented faithfully). Only possible below QP 12. The Intra16x16 DC levels count only
   * for an intra macroblock (an inter one has none; its buffer holds an earlier macroblock's).
   */
  private saturated(intra16: boolean, levY = this.levY, nzY = this.nzY): boolean {
    if (this.qpValue >= 12) return false;
    const max = MAX_CAVLC_LEVEL;
    const hit = (a: Int32Array) => {
      for (let i = 0; i < a.length; i++) if (a[i] >= max || a[i] <= -max) return true;
      return false;
    };
    if ((intra16 && hit(this.dcLevY)) || hit(this.dcLevC[0]) || hit(this.dcLevC[1])) return true;
    for (let b = 0; b < 16; b++) if (nzY[b] && hit(levY[b])) return true;
    for (let b = 0; b < 8; b++) if (this.nzC[b] && hit(this.levC[b])) return true;
    return false;
  }

  /** I_PCM (7.3.5): the samples themselves; the reconstruction is the source. nC counts it as 16 (9.2.1). */
  private encodePcmMb(mbx: number, mby: number, inPSlice: boolean): void {
    const bw = this.bw;
    if (inPSlice) {
      bw.ue(this.skipRun);
      this.skipRun = 0;
    }
    bw.ue(inPSlice ? 30 : 25);
    while (!bw.byteAligned) bw.u(1, 0); // pcm_alignment_zero_bit
    const sw = this.w16;
    for (let y = 0; y < 16; y++) {
      const s = (mby * 16 + y) * sw + mbx * 16;
      const r = this.lo + (mby * 16 + y) * this.ls + mbx * 16;
      for (let x = 0; x < 16; x++) {
        const v = this.srcY[s + x] || 1; // older editions forbid pcm_sample 0
        bw.u(8, v);
        this.recY[r + x] = v;
      }
    }
    const cw = sw >> 1;
    for (let c = 0; c < 2; c++) {
      const src = c ? this.srcV : this.srcU;
      const rec = c ? this.recV : this.recU;
      for (let y = 0; y < 8; y++) {
        const s = (mby * 8 + y) * cw + mbx * 8;
        const r = this.co + (mby * 8 + y) * this.cs + mbx * 8;
        for (let x = 0; x < 8; x++) {
          const v = src[s + x] || 1;
          bw.u(8, v);
          rec[r + x] = v;
        }
      }
    }
    const gw = this.widthMbs * 4;
    for (let y = 0; y < 4; y++) this.nnzY.fill(16, (mby * 4 + y) * gw + mbx * 4, (mby * 4 + y) * gw + mbx * 4 + 4);
    const gc = this.widthMbs * 2;
    for (let y = 0; y < 2; y++) {
      this.nnzU.fill(16, (mby * 2 + y) * gc + mbx * 2, (mby * 2 + y) * gc + mbx * 2 + 2);
      this.nnzV.fill(16, (mby * 2 + y) * gc + mbx * 2, (mby * 2 + y) * gc + mbx * 2 + 2);
    }
    const i = mby * this.widthMbs + mbx;
    this.motion.ref[i] = -1;
    this.motion.mvx[i] = 0;
    this.motion.mvy[i] = 0;
    this.mbQp[i] = 0; // I_PCM: qPp = 0 for the deblocking filter (8.7.2.2)
    this.stats.intra++;
  }

  // ---------------------------------------------------------------- inter

  private encodePMb(mbx: number, mby: number): void {
    this.windowMb = -1; // the window belongs to one macroblock's search in one picture
    this.triedMb = -1; // so does the last tryInter
    const m = this.motion;
    const i = mby * this.widthMbs + mbx;
    predictMv(m, mbx, mby, this.sliceTop, this.mvp);
    predictSkipMv(m, mbx, mby, this.sliceTop, this.mvSkip);
    const x0 = mbx * 16;
    const y0 = mby * 16;
    const so = y0 * this.w16 + x0;
    const rbase = this.lo + y0 * this.ls + x0;
    const lam = this.lambda;
    const mvpx = this.mvp[0];
    const mvpy = this.mvp[1];

    // 1. P_Skip candidate (quarter-sample vector)
    const skx = this.mvSkip[0];
    const sky = this.mvSkip[1];
    const skipOk = this.inMargin(x0, y0, skx >> 2, sky >> 2);
    const tune = this.tuning;
    let skipSad = Infinity;
    let skipPredReady = false;
    if (skipOk) {
      const k = this.k;
      if (((skx | sky) & 3) === 0) skipSad = k ? k.sad16(this.srcY.byteOffset + so, this.w16, this.refY.byteOffset + rbase + (sky >> 2) * this.ls + (skx >> 2), this.ls, NO_SAD_LIMIT) : sad16(this.srcY, so, this.w16, this.refY, rbase + (sky >> 2) * this.ls + (skx >> 2), this.ls, Infinity);
      else {
        this.lumaPrediction(mbx, mby, skx, sky, this.predY);
        skipPredReady = true;
        skipSad = k ? k.sad16(this.srcY.byteOffset + so, this.w16, this.predY.byteOffset, 16, NO_SAD_LIMIT) : sad16(this.srcY, so, this.w16, this.predY, 0, 16, Infinity);
      }
    }

    // 2. early P_Skip: a small residual at the skip vector often quantises away entirely. When
    // every 4x4 residual is under the bound that provably quantises to zero (and so is chroma's),
    // SADs decide it without a trial coding; otherwise a trial (luma first) decides.
    let skipTried = false;
    if (skipOk && skipSad <= tune.skipSadFactor * 16 * this.zeroLumaInter) {
      if (this.skipBySad(mbx, mby, skx, sky, so, rbase, skipPredReady)) {
        this.commitSkip(mbx, mby, skx, sky, !skipPredReady);
        return;
      }
      if (skipSad <= 16 * this.zeroLumaInter) {
        skipTried = true;
        if (this.trySkip(mbx, mby, skx, sky, skipPredReady) === 0) {
          this.commitSkip(mbx, mby, skx, sky, false);
          return;
        }
        skipPredReady = true;
      }
    }

    // 3. motion search: integer samples, then half and quarter samples
    let best = this.search(mbx, mby, so, rbase, mvpx, mvpy);
    // refine only when the integer vector leaves a residual well above what quantises away
    if (this.subpixel && tune.subpelLevels > 0 && this.sSad >= tune.subpelMinSadFactor * 16 * this.zeroLumaInter) best = this.refineSubpel(mbx, mby, so, mvpx, mvpy);
    const bmx = this.bestQx;
    const bmy = this.bestQy;
    const bestSad = this.bestSad;

    // 4. skip if its residual vanishes
    if (skipOk && !skipTried && skipSad <= best + tune.skipSlackLambdas * lam) {
      if (this.trySkip(mbx, mby, skx, sky, skipPredReady) === 0) {
        this.commitSkip(mbx, mby, skx, sky, false);
        return;
      }
    }

    // 5. intra?
    let predYIntra = false;
    if (bestSad > INTRA_TRY_MAD * 256) {
      predYIntra = true;
      this.lumaPrediction(mbx, mby, bmx, bmy, this.predY);
      const interSatd = (this.k ? this.k.satd16(this.srcY.byteOffset + so, this.w16, this.predY.byteOffset, 16) : satd(this.srcY, so, this.w16, this.predY, 16, 16, 16)) + lam * (seBits(bmx - mvpx) + seBits(bmy - mvpy));
      this.bestIntra(mbx, mby);
      if (this.intraCost + INTRA_BIAS_LAMBDAS * lam < interSatd) {
        this.encodeIntraMb(mbx, mby, true, true);
        return;
      }
      if (this.intra4x4Chosen) {
        this.intra4x4Chosen = false;
        this.resetModes4(mbx, mby);
      }
    }

    // 6. P_L0_16x16 (or P_Skip when it lands on the skip vector without residual). When the
    // skip vector was tried above and is also the search's best, its transform is still in
    // place (nothing since touched the levels or the chroma prediction; the intra check only
    // overwrote the luma prediction, recomputed here): the same result without a second try.
    let cbp: number;
    if (this.triedMb === i && this.triedQx === bmx && this.triedQy === bmy) {
      cbp = this.triedCbp;
      if (predYIntra) this.lumaPrediction(mbx, mby, bmx, bmy, this.predY);
    } else {
      cbp = this.tryInter(mbx, mby, bmx, bmy);
    }
    if (cbp < 0) {
      // levels saturated (QP < 12): intra, or I_PCM, represents the macroblock faithfully
      this.encodeIntraMb(mbx, mby, true);
      return;
    }
    this.commitInter(mbx, mby, cbp);
    m.ref[i] = 0;
    m.mvx[i] = bmx;
    m.mvy[i] = bmy;
    if (cbp === 0 && skipOk && bmx === skx && bmy === sky) {
      this.skipRun++;
      this.clearNnz(mbx, mby);
      this.stats.skip++;
      return;
    }
    const bw = this.bw;
    bw.ue(this.skipRun);
    this.skipRun = 0;
    bw.ue(0); // mb_type P_L0_16x16
    this.mbWork += WORK_CODE_INTER;
    bw.se(bmx - mvpx);
    bw.se(bmy - mvpy);
    bw.ue(INTER_CBP_CODE[cbp]);
    const cbpL = cbp & 15;
    const cbpC = cbp >> 4;
    if (cbp) bw.se(0); // mb_qp_delta
    this.writeLumaResidual(mbx, mby, cbpL, this.levY);
    this.writeChromaResidual(mbx, mby, cbpC);
    this.stats.inter++;
  }

  /**
   * The 16-coefficient luma blocks of an inter or Intra_4x4 macroblock (7.3.5.3): in
   * luma4x4BlkIdx order, those of each 8x8 whose coded_block_pattern bit is set (raster levels
   * `lev`, zig-zag scanned); the others count TotalCoeff 0 for nC.
   */
  private writeLumaResidual(mbx: number, mby: number, cbpL: number, lev: Int32Array[]): void {
    const gw = this.widthMbs * 4;
    const sc = this.scan;
    for (let k = 0; k < 16; k++) {
      const b = BLK_RASTER[k];
      const gx = mbx * 4 + (b & 3);
      const gy = mby * 4 + (b >> 2);
      if (cbpL & (1 << (k >> 2))) {
        const l = lev[b];
        for (let j = 0; j < 16; j++) sc[j] = l[ZIGZAG[j]];
        this.nnzY[gy * gw + gx] = writeResidualBlock(this.bw, sc, 0, 16, nC(this.nnzY, gw, gx, gy, this.sliceTop * 4));
      } else {
        this.nnzY[gy * gw + gx] = 0;
      }
    }
  }

  /** P_Skip: the prediction is the reconstruction (luma from the reference itself when `fromRef`, an integer vector). */
  private commitSkip(mbx: number, mby: number, skx: number, sky: number, fromRef: boolean): void {
    const ro = this.lo + mby * 16 * this.ls + mbx * 16;
    const co = this.co + mby * 8 * this.cs + mbx * 8;
    const k = this.k;
    if (k) {
      const y = fromRef ? this.refY.byteOffset + ro + (sky >> 2) * this.ls + (skx >> 2) : this.predY.byteOffset;
      k.copySkip(y, fromRef ? this.ls : 16, this.recY.byteOffset + ro, this.predU.byteOffset, this.predV.byteOffset, 8, this.recU.byteOffset + co, this.recV.byteOffset + co, this.ls, this.cs);
    } else {
      if (fromRef) copyRows(this.refY, ro + (sky >> 2) * this.ls + (skx >> 2), this.ls, this.recY, ro, this.ls, 16);
      else copyRows(this.predY, 0, 16, this.recY, ro, this.ls, 16);
      copyRows(this.predU, 0, 8, this.recU, co, this.cs, 8);
      copyRows(this.predV, 0, 8, this.recV, co, this.cs, 8);
    }
    this.skipRun++;
    const i = mby * this.widthMbs + mbx;
    this.motion.ref[i] = 0;
    this.motion.mvx[i] = skx;
    this.motion.mvy[i] = sky;
    this.clearNnz(mbx, mby);
    this.stats.skip++;
  }

  /** Both chroma predictions (predU, predV) of the block at `coff` for a quarter-sample luma vector. */
  private chromaPrediction(coff: number, qx: number, qy: number): void {
    const k = this.k;
    if (k) k.predictChroma8(this.refU.byteOffset, this.refV.byteOffset, coff, this.cs, qx, qy, this.predU.byteOffset, this.predV.byteOffset);
    else {
      predictChroma8(this.refU, coff, this.cs, qx, qy, this.predU);
      predictChroma8(this.refV, coff, this.cs, qx, qy, this.predV);
    }
  }

  /** Second plane's address of the last windowAddress (the first's when the position reads one plane). */
  private windowAddressB = 0;

  /**
   * Address in the kernels' window (see windowLoad in kernels.wat: planes of 18 rows, stride 32)
   * of the first plane of the prediction at quarter-sample offset (dx, dy) from the loaded
   * position; the second plane's goes to windowAddressB.
   */
  private windowAddress(dx: number, dy: number): number {
    const m = ((dy & 3) * 4 + (dx & 3)) * 2;
    const start = this.scratchBase + SCRATCH.window + ((dy >> 2) + 1) * 32 + (dx >> 2) + 1;
    this.windowAddressB = start + WINDOW_MODES[m + 1];
    return start + WINDOW_MODES[m];
  }

  private inMargin(x0: number, y0: number, mx: number, my: number): boolean {
    return x0 + mx >= -MV_MARGIN && x0 + mx <= this.w16 + MV_MARGIN - 16 && y0 + my >= -MV_MARGIN && y0 + my <= this.h16 + MV_MARGIN - 16;
  }

  private bestMx = 0;
  private bestMy = 0;
  /** Best vector after sub-sample refinement, quarter samples. */
  private bestQx = 0;
  private bestQy = 0;
  private readonly window = new SubpelWindow();

  /** Macroblock whose integer best position the window holds (-1: none), and that position (quarter samples). */
  private windowMb = -1;
  private windowQx = 0;
  private windowQy = 0;

  /** Luma prediction of the macroblock for a quarter-sample vector (from the search window when it covers it). */
  private lumaPrediction(mbx: number, mby: number, qx: number, qy: number, out: Uint8Array): void {
    const dx = qx - this.windowQx;
    const dy = qy - this.windowQy;
    const k = this.k;
    if (this.windowMb === mby * this.widthMbs + mbx && dx >= -3 && dx <= 3 && dy >= -3 && dy <= 3) {
      if (k) {
        const a = this.windowAddress(dx, dy);
        k.windowPredict(a, this.windowAddressB, out.byteOffset);
      } else this.window.predict(dx, dy, out);
      return;
    }
    const off = this.lo + (mby * 16 + (qy >> 2)) * this.ls + mbx * 16 + (qx >> 2);
    if (k) {
      const t = LUMA_QPEL[(qy & 3) * 4 + (qx & 3)];
      const r = this.refY.byteOffset + off;
      k.predictLuma16(t[0], r + t[2] * this.ls + t[1], t[3], r + t[5] * this.ls + t[4], this.ls, out.byteOffset, this.scratchBase + SCRATCH.lumaTmp, this.scratchBase + SCRATCH.tmpJ);
    } else predictLuma16(this.refY, off, this.ls, qx & 3, qy & 3, out);
  }

  /**
   * Refine the integer search result to half, then quarter samples (8 neighbours each),
   * by SAD + lambda x mvd bits. Returns the best cost; sets bestQx/bestQy/bestSad.
   */
  private refineSubpel(mbx: number, mby: number, so: number, mvpx: number, mvpy: number): number {
    this.mbWork += WORK_SUBPEL;
    let bx = this.bestMx * 4;
    let by = this.bestMy * 4;
    let bestCost = this.sBest;
    let bestSad = this.sSad;
    const lam = this.lambda;
    const ix = bx;
    const iy = by;
    // the integer position lies inside the search margin, so its window stays inside the padding
    const kern = this.k;
    const wo = this.lo + (mby * 16 + this.bestMy) * this.ls + mbx * 16 + this.bestMx;
    if (kern) kern.windowLoad(this.refY.byteOffset + wo, this.ls, this.scratchBase + SCRATCH.window, this.scratchBase + SCRATCH.tmpJ);
    else this.window.load(this.refY, wo, this.ls);
    this.windowMb = mby * this.widthMbs + mbx;
    this.windowQx = ix;
    this.windowQy = iy;
    const last = this.tuning.subpelLevels >= 2 ? 1 : 2;
    const cross = this.tuning.subpelCross;
    for (let step = 2; step >= last; step >>= 1) {
      const cx = bx;
      const cy = by;
      const order = cross ? CROSS_NEIGHBOURS : ALL_NEIGHBOURS;
      for (let n = 0; n < order.length; n++) {
        const k = order[n];
        const qx = cx + step * NEIGHBOUR_X[k];
        const qy = cy + step * NEIGHBOUR_Y[k];
        const mvCost = lam * (seBits(qx - mvpx) + seBits(qy - mvpy));
        if (mvCost >= bestCost) continue;
        // the kernel's SAD equals the window's below the limit, and is at least the limit past it
        const limit = bestCost - mvCost;
        const sad = kern ? kern.windowSad(this.windowAddress(qx - ix, qy - iy), this.windowAddressB, this.srcY.byteOffset + so, this.w16, limit < NO_SAD_LIMIT ? limit : NO_SAD_LIMIT) : this.window.sad(qx - ix, qy - iy, this.srcY, so, this.w16, limit);
        if (sad + mvCost < bestCost) {
          bestCost = sad + mvCost;
          bestSad = sad;
          bx = qx;
          by = qy;
        }
      }
    }
    this.bestQx = bx;
    this.bestQy = by;
    this.bestSad = bestSad;
    return bestCost;
  }
  private bestSad = 0;

  // motion search state (fields rather than a closure: no per-macroblock allocation)
  private sBest = 0;
  private sBx = 0;
  private sBy = 0;
  private sSad = 0;
  private sMinX = 0;
  private sMaxX = 0;
  private sMinY = 0;
  private sMaxY = 0;
  private sSo = 0;
  private sRbase = 0;
  private sMvpx = 0;
  private sMvpy = 0;

  /** Integer candidates tried by the current search (x, y pairs) and their count times 2. */
  private readonly candidates = new Int32Array(10);
  /** This slice's exit bound after the candidate vectors (candidateExitBound; -1: never). */
  private candidateExit = -1;
  private nCandidates = 0;

  /** tryMv for a search candidate, unless the same position was a candidate already. */
  private candidate(mx: number, my: number): void {
    const c = this.candidates;
    const n = this.nCandidates;
    for (let k = 0; k < n; k += 2) if (c[k] === mx && c[k + 1] === my) return;
    c[n] = mx;
    c[n + 1] = my;
    this.nCandidates = n + 2;
    this.tryMv(mx, my);
  }

  private tryMv(mx: number, my: number): void {
    if (mx < this.sMinX || mx > this.sMaxX || my < this.sMinY || my > this.sMaxY) return;
    const mvCost = this.lambda * (seBits(mx * 4 - this.sMvpx) + seBits(my * 4 - this.sMvpy));
    const best = this.sBest;
    if (mvCost >= best) return;
    this.mbWork += WORK_SAD;
    // the kernel's SAD equals sad16's below the limit, and is at least the limit past it
    const k = this.k;
    const limit = best - mvCost;
    const s = k ? k.sad16(this.srcY.byteOffset + this.sSo, this.w16, this.refY.byteOffset + this.sRbase + my * this.ls + mx, this.ls, limit < NO_SAD_LIMIT ? limit : NO_SAD_LIMIT) : sad16(this.srcY, this.sSo, this.w16, this.refY, this.sRbase + my * this.ls + mx, this.ls, best - mvCost);
    const c = s + mvCost;
    if (c < best) {
      this.sBest = c;
      this.sBx = mx;
      this.sBy = my;
      this.sSad = s;
    }
  }

  /** Integer-sample search (candidates, then diamond descent at steps 4, 2, 1, then a square); returns SAD + lambda * bits. */
  private search(mbx: number, mby: number, so: number, rbase: number, mvpx: number, mvpy: number): number {
    const x0 = mbx * 16;
    const y0 = mby * 16;
    const range = this.searchRange;
    const px = Math.round(mvpx / 4);
    const py = Math.round(mvpy / 4);
    this.sMinX = Math.max(-MV_MARGIN - x0, px - range);
    this.sMaxX = Math.min(this.w16 + MV_MARGIN - 16 - x0, px + range);
    this.sMinY = Math.max(-MV_MARGIN - y0, py - range);
    this.sMaxY = Math.min(this.h16 + MV_MARGIN - 16 - y0, py + range);
    this.sSo = so;
    this.sRbase = rbase;
    this.sMvpx = mvpx;
    this.sMvpy = mvpy;
    this.sBest = Infinity;
    this.mbWork += WORK_SEARCH;
    this.sBx = 0;
    this.sBy = 0;
    this.sSad = 0;
    // A position already tried cannot win again (its cost is fixed and the best only falls), so
    // repeated candidates and the centre a diamond step came from are not tried twice: the
    // result is the same as trying them, for fewer SADs.
    this.nCandidates = 0;
    this.candidate(Math.min(this.sMaxX, Math.max(this.sMinX, px)), Math.min(this.sMaxY, Math.max(this.sMinY, py)));
    this.candidate(0, 0);
    const m = this.motion;
    const i = mby * this.widthMbs + mbx;
    if (mbx > 0 && m.ref[i - 1] === 0) this.candidate(m.mvx[i - 1] >> 2, m.mvy[i - 1] >> 2);
    if (mby > this.sliceTop && m.ref[i - this.widthMbs] === 0) this.candidate(m.mvx[i - this.widthMbs] >> 2, m.mvy[i - this.widthMbs] >> 2);
    // previous picture's vector at this place (still in the field until overwritten)
    if (m.ref[i] === 0) this.candidate(m.mvx[i] >> 2, m.mvy[i] >> 2);
    const tune = this.tuning;
    if (this.sSad <= this.candidateExit) return this.searchDone();
    const firstStep = tune.nearDiamondStep && this.sSad <= tune.candidateExitSad ? tune.nearDiamondStep : tune.diamondStep;
    for (let step = firstStep; step >= 1; step >>= 1) {
      // 0: +x, 1: -x, 2: +y, 3: -y; `back` is the side the previous centre lies on (-1: none)
      let back = -1;
      for (let iter = 0; iter < 16; iter++) {
        const cx = this.sBx;
        const cy = this.sBy;
        if (back !== 0) this.tryMv(cx + step, cy);
        if (back !== 1) this.tryMv(cx - step, cy);
        if (back !== 2) this.tryMv(cx, cy + step);
        if (back !== 3) this.tryMv(cx, cy - step);
        const bx = this.sBx;
        const by = this.sBy;
        if (bx === cx && by === cy) break;
        back = bx > cx ? 1 : bx < cx ? 0 : by > cy ? 3 : 2;
      }
    }
    if (tune.square) {
      const cx = this.sBx;
      const cy = this.sBy;
      this.tryMv(cx + 1, cy + 1);
      this.tryMv(cx - 1, cy + 1);
      this.tryMv(cx + 1, cy - 1);
      this.tryMv(cx - 1, cy - 1);
    }
    return this.searchDone();
  }

  private searchDone(): number {
    this.bestMx = this.sBx;
    this.bestMy = this.sBy;
    this.bestQx = this.sBx * 4;
    this.bestQy = this.sBy * 4;
    this.bestSad = this.sSad;
    return this.sBest;
  }

  /** Macroblock (raster index, -1: none), vector and result of the last tryInter in this picture. */
  private triedMb = -1;
  private triedQx = 0;
  private triedQy = 0;
  private triedCbp = 0;

  /**
   * Predict with a quarter-sample vector, transform and quantise the residual; returns
   * coded_block_pattern, or -1 when levels saturated (the residual cannot be coded faithfully).
   */
  private tryInter(mbx: number, mby: number, qx: number, qy: number): number {
    const cbp = this.tryInterOnce(mbx, mby, qx, qy, false, false);
    this.triedMb = mby * this.widthMbs + mbx;
    this.triedQx = qx;
    this.triedQy = qy;
    this.triedCbp = cbp;
    return cbp;
  }

  /**
   * tryInter for the question "is the skip vector's residual all zero?": stops after the luma
   * when it is not (the chroma and the trial's result are then incomplete, so not reused).
   * Returns 0 exactly when tryInter would.
   */
  private trySkip(mbx: number, mby: number, qx: number, qy: number, predReady: boolean): number {
    const cbp = this.tryInterOnce(mbx, mby, qx, qy, true, predReady);
    if (cbp === SKIP_TRIAL_STOPPED) {
      this.triedMb = -1;
      return cbp;
    }
    this.triedMb = mby * this.widthMbs + mbx;
    this.triedQx = qx;
    this.triedQy = qy;
    this.triedCbp = cbp;
    return cbp;
  }

  /**
   * True when the skip vector's residual provably codes to nothing (exactly the trial's answer
   * when tuning.skipSadFactor is 1): every luma 4x4 residual's SAD is at most skipSadFactor x
   * the zero bound, every chroma 4x4 residual's SAD under the chroma zero bound (so no AC
   * level) and the chroma DC terms, the residual sums through the 2x2 Hadamard, quantise to
   * zero. An integer vector is compared with the reference in place (predY is then left as it
   * was); chroma predictions are left in predU and predV.
   */
  private skipBySad(mbx: number, mby: number, qx: number, qy: number, so: number, rbase: number, predReady: boolean): boolean {
    this.mbWork += WORK_SAD;
    const lumaBound = this.tuning.skipSadFactor * this.zeroLumaInter;
    const k = this.k;
    const ro = rbase + (qy >> 2) * this.ls + (qx >> 2);
    const under = k
      ? (predReady ? k.maxSad4x4(this.srcY.byteOffset + so, this.w16, this.predY.byteOffset, 16) : k.maxSad4x4(this.srcY.byteOffset + so, this.w16, this.refY.byteOffset + ro, this.ls)) <= lumaBound
      : predReady
        ? blocksUnder(this.srcY, so, this.w16, this.predY, 0, 16, 4, lumaBound)
        : blocksUnder(this.srcY, so, this.w16, this.refY, ro, this.ls, 4, lumaBound);
    if (!under) return false;
    const coff = this.co + mby * 8 * this.cs + mbx * 8;
    this.chromaPrediction(coff, qx, qy);
    const cw = this.w16 >> 1;
    const cso = mby * 8 * cw + mbx * 8;
    const qpc = chromaQp(this.qpValue);
    const bound = this.zeroChromaInter;
    // the kernel: every block's SAD at once (the sums of a failing test are not used)
    if (k && k.chromaSadSums(this.srcU.byteOffset + cso, this.srcV.byteOffset + cso, cw, this.predU.byteOffset, this.predV.byteOffset, this.dcC[0].byteOffset) > bound) return false;
    for (let c = 0; c < 2; c++) {
      const dc = this.dcC[c];
      if (!k && !chromaSums(c ? this.srcV : this.srcU, cso, cw, c ? this.predV : this.predU, bound, dc)) return false;
      hadamard2x2(dc);
      if (quantDc(dc, this.dcLevC[c], 4, qpc, false, MAX_CAVLC_LEVEL) !== 0) return false;
    }
    return true;
  }

  private tryInterOnce(mbx: number, mby: number, qx: number, qy: number, skipOnly: boolean, predReady: boolean): number {
    this.mbWork += WORK_TRY_INTER;
    if (!predReady) this.lumaPrediction(mbx, mby, qx, qy, this.predY);
    this.transformLuma(mbx, mby, this.predY, false);
    // drop 8x8 blocks (and whole macroblocks) holding only a few isolated +/-1 levels
    let cbpL = 0;
    let mbCost = 0;
    for (let b8 = 0; b8 < 4; b8++) {
      const r0 = (b8 >> 1) * 8 + (b8 & 1) * 2; // raster index of its top-left 4x4
      let cost = 0;
      let nz = 0;
      for (let k = 0; k < 4; k++) {
        const b = r0 + (k & 1) + ((k >> 1) << 2);
        if (this.nzY[b]) {
          nz += this.nzY[b];
          cost += blockCost(this.levY[b], 0);
        }
      }
      if (nz === 0) continue;
      if (cost < LUMA_8X8_MIN_COST) {
        for (let k = 0; k < 4; k++) this.zeroLuma(r0 + (k & 1) + ((k >> 1) << 2));
      } else {
        cbpL |= 1 << b8;
        mbCost += cost;
      }
    }
    if (cbpL && mbCost < LUMA_MB_MIN_COST) {
      for (let b = 0; b < 16; b++) this.zeroLuma(b);
      cbpL = 0;
    }
    if (skipOnly && cbpL) return SKIP_TRIAL_STOPPED;
    const coff = this.co + mby * 8 * this.cs + mbx * 8;
    this.chromaPrediction(coff, qx, qy);
    const cbpC = this.transformChroma(mbx, mby, this.predU, this.predV, false);
    if (this.saturated(false)) return -1;
    return cbpL | (cbpC << 4);
  }

  private zeroLuma(b: number): void {
    if (this.nzY[b]) {
      this.levY[b].fill(0);
      this.nzY[b] = 0;
    }
  }

  private commitInter(mbx: number, mby: number, cbp: number): void {
    this.reconLumaInter(mbx, mby, cbp & 15);
    this.reconChroma(mbx, mby, this.predU, this.predV, cbp >> 4);
  }

  private clearNnz(mbx: number, mby: number): void {
    const gw = this.widthMbs * 4;
    const Y = this.nnzY;
    for (let y = 0, o = mby * 4 * gw + mbx * 4; y < 4; y++, o += gw) Y[o] = Y[o + 1] = Y[o + 2] = Y[o + 3] = 0;
    const cw = this.widthMbs * 2;
    const U = this.nnzU;
    const V = this.nnzV;
    for (let y = 0, o = mby * 2 * cw + mbx * 2; y < 2; y++, o += cw) U[o] = U[o + 1] = V[o] = V[o + 1] = 0;
  }

  // ---------------------------------------------------------------- residual

  /**
   * Transform and quantise the 16 luma 4x4 residual blocks against `pred`. Intra16: the DC
   * terms go through the Hadamard into dcLevY and AC count is returned; inter: all 16
   * coefficients per block, returns the total non-zero count.
   */
  private transformLuma(mbx: number, mby: number, pred: Uint8Array, intra16: boolean): number {
    const src = this.srcY;
    const sw = this.w16;
    const so = mby * 16 * sw + mbx * 16;
    const qp = this.qpValue;
    const zeroBound = intra16 ? this.zeroLumaIntra : this.zeroLumaInter;
    const q = intra16 ? this.qLumaIntra : this.qLumaInter;
    const start = intra16 ? 1 : 0;
    let total = 0;
    const k = this.k;
    if (k) total = k.lumaResidual(src.byteOffset + so, sw, pred.byteOffset, this.levY[0].byteOffset, this.nzY.byteOffset, this.dcY.byteOffset, q[0], q[1], q[2], q[3], q[4], start, zeroBound, MAX_CAVLC_LEVEL);
    else for (let b = 0; b < 16; b++) {
      const bx = (b & 3) * 4;
      const by = (b >> 2) * 4;
      // dcY[b] receives the DC coefficient (the plain residual sum when the block is all-zero)
      const nz = residualQuant4x4(src, so + by * sw + bx, sw, pred, by * 16 + bx, 16, this.levY[b], q, start, zeroBound, this.dcY, b, MAX_CAVLC_LEVEL);
      if (nz < 0) {
        if (this.nzY[b]) this.levY[b].fill(0);
        this.nzY[b] = 0;
        continue;
      }
      this.nzY[b] = nz;
      total += nz;
    }
    if (intra16) {
      forwardLumaDc(this.dcY);
      quantDc(this.dcY, this.dcLevY, 16, qp, true, MAX_CAVLC_LEVEL);
    }
    return total;
  }

  private reconLumaIntra16(mbx: number, mby: number, cbpL: number): void {
    const dc = this.tmp;
    dc.set(this.dcLevY);
    inverseLumaDc(dc, this.qpValue);
    const out = this.recY;
    const ro = this.lo + mby * 16 * this.ls + mbx * 16;
    const k = this.k;
    if (k) {
      // blocks without levels (all of them when cbpL is 0) hold zeros: dequantAdd4x4 then equals addDc
      const d = this.dqLuma;
      k.reconLuma(this.levY[0].byteOffset, dc.byteOffset, 1, d[0], d[1], d[2], d[3], d[4], d[5], this.bestPredY.byteOffset, out.byteOffset + ro, this.ls);
      return;
    }
    for (let b = 0; b < 16; b++) {
      const po = ((b >> 2) * 4) * 16 + (b & 3) * 4;
      const oo = ro + (b >> 2) * 4 * this.ls + (b & 3) * 4;
      if (cbpL && this.nzY[b]) dequantAdd4x4(this.levY[b], 1, dc[b], this.qpValue, this.bestPredY, po, 16, out, oo, this.ls);
      else addDc(dc[b], this.bestPredY, po, 16, out, oo, this.ls);
    }
  }

  private reconLumaInter(mbx: number, mby: number, cbpL: number): void {
    const out = this.recY;
    const ro = this.lo + mby * 16 * this.ls + mbx * 16;
    const k = this.k;
    if (k) {
      // the blocks of 8x8s outside cbpL and blocks without levels hold zeros: dequantAdd4x4 then copies the prediction
      const d = this.dqLuma;
      k.reconLuma(this.levY[0].byteOffset, 0, 0, d[0], d[1], d[2], d[3], d[4], d[5], this.predY.byteOffset, out.byteOffset + ro, this.ls);
      return;
    }
    for (let b = 0; b < 16; b++) {
      const b8 = ((b >> 3) << 1) | ((b & 3) >> 1);
      const po = ((b >> 2) * 4) * 16 + (b & 3) * 4;
      const oo = ro + (b >> 2) * 4 * this.ls + (b & 3) * 4;
      if (cbpL & (1 << b8) && this.nzY[b]) {
        dequantAdd4x4(this.levY[b], 0, 0, this.qpValue, this.predY, po, 16, out, oo, this.ls);
      } else {
        copyBlock(this.predY, 16, po, out, oo, this.ls);
      }
    }
  }

  /** Transform and quantise both chroma components against their predictions; returns CodedBlockPatternChroma. */
  private transformChroma(mbx: number, mby: number, pu: Uint8Array, pv: Uint8Array, intra: boolean): number {
    const cw = this.w16 >> 1;
    const so = mby * 8 * cw + mbx * 8;
    const qpc = chromaQp(this.qpValue);
    const zeroBound = intra ? this.zeroChromaIntra : this.zeroChromaInter;
    const q = intra ? this.qChromaIntra : this.qChromaInter;
    let anyDc = 0;
    let acCost = 0;
    let anyAc = 0;
    const k = this.k;
    if (k) k.chromaResidual(this.srcU.byteOffset + so, this.srcV.byteOffset + so, cw, pu.byteOffset, pv.byteOffset, this.levC[0].byteOffset, this.nzC.byteOffset, this.dcC[0].byteOffset, q[0], q[1], q[2], q[3], q[4], zeroBound, MAX_CAVLC_LEVEL);
    for (let c = 0; c < 2; c++) {
      const dc = this.dcC[c];
      if (k) {
        for (let b = c * 4; b < c * 4 + 4; b++) {
          const nz = this.nzC[b];
          if (nz) {
            anyAc += nz;
            acCost += intra ? 999 : blockCost(this.levC[b], 1);
          }
        }
      } else for (let b = 0; b < 4; b++) {
        const src = c ? this.srcV : this.srcU;
        const pred = c ? pv : pu;
        const bx = (b & 1) * 4;
        const by = (b >> 1) * 4;
        const nz = residualQuant4x4(src, so + by * cw + bx, cw, pred, by * 8 + bx, 8, this.levC[c * 4 + b], q, 1, zeroBound, dc, b, MAX_CAVLC_LEVEL);
        if (nz < 0) {
          if (this.nzC[c * 4 + b]) this.levC[c * 4 + b].fill(0);
          this.nzC[c * 4 + b] = 0;
          continue;
        }
        this.nzC[c * 4 + b] = nz;
        if (nz) {
          anyAc += nz;
          acCost += intra ? 999 : blockCost(this.levC[c * 4 + b], 1);
        }
      }
      hadamard2x2(dc);
      anyDc += quantDc(dc, this.dcLevC[c], 4, qpc, intra, MAX_CAVLC_LEVEL);
    }
    if (anyAc && acCost < CHROMA_AC_MIN_COST) {
      for (let b = 0; b < 8; b++) {
        if (this.nzC[b]) {
          this.levC[b].fill(0);
          this.nzC[b] = 0;
        }
      }
      anyAc = 0;
    }
    return anyAc ? 2 : anyDc ? 1 : 0;
  }

  private reconChroma(mbx: number, mby: number, pu: Uint8Array, pv: Uint8Array, cbpC: number): void {
    const qpc = chromaQp(this.qpValue);
    const dc = this.tmp;
    const k = this.k;
    if (k) {
      // cbpC 0: every DC and AC level is zero; 1: every AC level: dequantAdd4x4 then equals the copy and addDc
      const ro = this.co + mby * 8 * this.cs + mbx * 8;
      const u = this.tmpU;
      const v = this.tmpV;
      const lu = this.dcLevC[0];
      const lv = this.dcLevC[1];
      for (let i = 0; i < 4; i++) {
        u[i] = lu[i];
        v[i] = lv[i];
      }
      inverseChromaDc(this.tmpU, qpc);
      inverseChromaDc(this.tmpV, qpc);
      const d = this.dqChroma;
      k.reconChroma(this.levC[0].byteOffset, dc.byteOffset, d[0], d[1], d[2], d[3], d[4], d[5], pu.byteOffset, pv.byteOffset, this.recU.byteOffset + ro, this.recV.byteOffset + ro, this.cs);
      return;
    }
    for (let c = 0; c < 2; c++) {
      const out = c ? this.recV : this.recU;
      const pred = c ? pv : pu;
      const ro = this.co + mby * 8 * this.cs + mbx * 8;
      if (cbpC === 0) {
        for (let b = 0; b < 4; b++) copyBlock(pred, 8, (b >> 1) * 32 + (b & 1) * 4, out, ro + (b >> 1) * 4 * this.cs + (b & 1) * 4, this.cs);
        continue;
      }
      dc[0] = this.dcLevC[c][0];
      dc[1] = this.dcLevC[c][1];
      dc[2] = this.dcLevC[c][2];
      dc[3] = this.dcLevC[c][3];
      inverseChromaDc(dc, qpc);
      const dcs0 = dc[0], dcs1 = dc[1], dcs2 = dc[2], dcs3 = dc[3];
      for (let b = 0; b < 4; b++) {
        const dcv = b === 0 ? dcs0 : b === 1 ? dcs1 : b === 2 ? dcs2 : dcs3;
        const po = (b >> 1) * 32 + (b & 1) * 4;
        const oo = ro + (b >> 1) * 4 * this.cs + (b & 1) * 4;
        if (cbpC === 2 && this.nzC[c * 4 + b]) dequantAdd4x4(this.levC[c * 4 + b], 1, dcv, qpc, pred, po, 8, out, oo, this.cs);
        else addDc(dcv, pred, po, 8, out, oo, this.cs);
      }
    }
  }

  private writeChromaResidual(mbx: number, mby: number, cbpC: number): void {
    const bw = this.bw;
    const sc = this.scan;
    if (cbpC & 3) {
      for (let c = 0; c < 2; c++) writeResidualBlock(bw, this.dcLevC[c], 0, 4, -1);
    }
    const gw = this.widthMbs * 2;
    for (let c = 0; c < 2; c++) {
      const grid = c ? this.nnzV : this.nnzU;
      for (let b = 0; b < 4; b++) {
        const gx = mbx * 2 + (b & 1);
        const gy = mby * 2 + (b >> 1);
        if (cbpC === 2) {
          const lev = this.levC[c * 4 + b];
          for (let k = 1; k < 16; k++) sc[k - 1] = lev[ZIGZAG[k]];
          grid[gy * gw + gx] = writeResidualBlock(bw, sc, 0, 15, nC(grid, gw, gx, gy, this.sliceTop * 2));
        } else {
          grid[gy * gw + gx] = 0;
        }
      }
    }
  }
}

/**
 * nC of 9.2.1 from the left and upper 4x4 blocks' TotalCoeff. Slices start at macroblock
 * rows, so a block is available when inside the picture and not above `top` (the slice's
 * first row of 4x4 blocks).
 */
function nC(grid: Uint8Array, gw: number, gx: number, gy: number, top: number): number {
  if (gx > 0) {
    if (gy > top) return (grid[gy * gw + gx - 1] + grid[(gy - 1) * gw + gx] + 1) >> 1;
    return grid[gy * gw + gx - 1];
  }
  if (gy > top) return grid[(gy - 1) * gw + gx];
  return 0;
}




function copyBlock(pred: Uint8Array, pw: number, po: number, out: Uint8Array, oo: number, os: number): void {
  for (let y = 0; y < 4; y++) {
    const p = po + y * pw;
    const o = oo + y * os;
    out[o] = pred[p];
    out[o + 1] = pred[p + 1];
    out[o + 2] = pred[p + 2];
    out[o + 3] = pred[p + 3];
  }
}


/**
 * True when every 4x4 block of an n x n (4 or 2 blocks a side) residual of `src` against the
 * raster prediction `pred` (stride `ps`) has a SAD of at most `bound`.
 */
export function blocksUnder(src: Uint8Array, so: number, ss: number, pred: Uint8Array, po: number, ps: number, n: number, bound: number): boolean {
  for (let by = 0; by < n; by++) {
    for (let bx = 0; bx < n; bx++) {
      let sad = 0;
      for (let y = 0; y < 4; y++) {
        const s = so + (by * 4 + y) * ss + bx * 4;
        const p = po + (by * 4 + y) * ps + bx * 4;
        let d = src[s] - pred[p];
        sad += d < 0 ? -d : d;
        d = src[s + 1] - pred[p + 1];
        sad += d < 0 ? -d : d;
        d = src[s + 2] - pred[p + 2];
        sad += d < 0 ? -d : d;
        d = src[s + 3] - pred[p + 3];
        sad += d < 0 ? -d : d;
      }
      if (sad > bound) return false;
    }
  }
  return true;
}

/**
 * For an 8x8 chroma residual of `src` against raster `pred` (stride 8): false when a 4x4 block's
 * SAD exceeds `bound`; else true, with each block's residual sum (its DC coefficient) in `dc`.
 */
export function chromaSums(src: Uint8Array, so: number, ss: number, pred: Uint8Array, bound: number, dc: Int32Array): boolean {
  for (let b = 0; b < 4; b++) {
    const bx = (b & 1) * 4;
    const by = (b >> 1) * 4;
    let sad = 0;
    let sum = 0;
    for (let y = 0; y < 4; y++) {
      const s = so + (by + y) * ss + bx;
      const p = (by + y) * 8 + bx;
      for (let x = 0; x < 4; x++) {
        const d = src[s + x] - pred[p + x];
        sum += d;
        sad += d < 0 ? -d : d;
      }
    }
    if (sad > bound) return false;
    dc[b] = sum;
  }
  return true;
}

/** Copy an n x n block (n = 8 or 16) between planes. */
function copyRows(src: Uint8Array, so: number, ss: number, dst: Uint8Array, d: number, ds: number, n: number): void {
  for (let y = 0; y < n; y++, so += ss, d += ds) {
    for (let x = 0; x < n; x += 4) {
      dst[d + x] = src[so + x];
      dst[d + x + 1] = src[so + x + 1];
      dst[d + x + 2] = src[so + x + 2];
      dst[d + x + 3] = src[so + x + 3];
    }
  }
}

/**
 * A block whose only scaled coefficient is the DC `dcv`: the inverse transform (8.5.12.2) of it
 * is (dcv + 32) >> 6 at every sample, added to the prediction and clipped.
 */
function addDc(dcv: number, pred: Uint8Array, po: number, ps: number, out: Uint8Array, oo: number, os: number): void {
  const a = (dcv + 32) >> 6;
  for (let y = 0; y < 4; y++, po += ps, oo += os) {
    for (let x = 0; x < 4; x++) {
      const v = pred[po + x] + a;
      out[oo + x] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
}
