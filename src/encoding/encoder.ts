/**
 * Constrained Baseline H.264 encoder (ITU-T H.264, profile_idc 66 with constraint_set0/1/2):
 * one slice per picture, CAVLC, deblocking disabled, Intra_16x16 and P_L0_16x16/P_Skip
 * macroblocks with integer-sample motion, fixed QP. Output is an Annex B access unit per frame
 * (SPS + PPS + IDR slice, or one P slice). The encoder keeps its reconstruction, which is
 * exactly what a conforming decoder outputs.
 */
import { BitWriter, seBits } from './bitwriter.js';
import { writeResidualBlock, MAX_CAVLC_LEVEL } from './cavlc.js';
import {
  CHROMA_AC_MIN_COST,
  CHROMA_PAD,
  COEFF_COST,
  DEFAULT_FPS,
  DEFAULT_KEY_INTERVAL,
  DEFAULT_QP,
  DEFAULT_SEARCH_RANGE,
  INTRA_BIAS_LAMBDAS,
  INTRA_TRY_MAD,
  LUMA_8X8_MIN_COST,
  LUMA_MB_MIN_COST,
  LUMA_PAD,
  MV_MARGIN,
} from './constants.js';
import { createI420Frame, type I420Frame } from './frame.js';
import { predictChroma, predictIntra16, satd } from './intra.js';
import { chooseLevel, LEVELS } from './levels.js';
import { copyLuma16, extendEdges, predictChroma8, predictMv, predictSkipMv, sad16, type MotionField } from './motion.js';
import { AnnexBWriter, NalType } from './nal.js';
import { SliceType, writePps, writeSliceHeader, writeSps, CONSTRAINT_FLAGS, PROFILE_IDC, LOG2_MAX_FRAME_NUM } from './params.js';
import {
  ZIGZAG,
  chromaQp,
  dequant4x4,
  forward4x4,
  forwardLumaDc,
  hadamard2x2,
  inverse4x4,
  inverseChromaDc,
  inverseLumaDc,
  quant4x4,
  quantDc,
  zeroBlockSad,
} from './transform.js';

export interface H264EncoderOptions {
  /** Displayed width and height (even numbers); the coded picture is rounded up to macroblocks and cropped. */
  width: number;
  height: number;
  /** Frame rate written in the VUI timing info and used to choose the level. Default 30. */
  fps?: number;
  /** Fixed quantiser 0..51. Default 28. */
  qp?: number;
  /** Frames from one IDR to the next; 1 = every frame is an IDR, 0 = only the first. Default 60. */
  keyInterval?: number;
  /** Integer-sample motion search radius around the predicted vector. Default 16. */
  searchRange?: number;
  /** Force a level_idc (e.g. 31); by default the lowest level of Table A-1 that fits. */
  levelIdc?: number;
  /**
   * Slices per picture (default 1). Each slice is a band of whole macroblock rows, its own
   * NAL unit, and predicts nothing from the other slices of the picture.
   */
  slices?: number;
}

/** Counts of macroblock kinds in one picture. */
export interface MacroblockStats {
  intra: number;
  inter: number;
  skip: number;
}

export interface EncodedFrame {
  /** Annex B access unit (start codes included); a fresh copy the caller owns. */
  data: Uint8Array;
  keyframe: boolean;
  /** Frames encoded before this one. */
  index: number;
  frameNum: number;
  qp: number;
  mbs: MacroblockStats;
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

function make16(n: number): Int32Array[] {
  return Array.from({ length: n }, () => new Int32Array(16));
}

/** Pure-TypeScript H.264 Constrained Baseline encoder. One instance encodes one stream. */
export class H264Encoder {
  readonly width: number;
  readonly height: number;
  readonly widthMbs: number;
  readonly heightMbs: number;
  readonly fps: number;
  readonly levelIdc: number;
  readonly keyInterval: number;
  readonly searchRange: number;
  readonly slices: number;
  private qpValue: number;
  /** First macroblock row of the slice being coded. */
  private sliceTop = 0;

  private readonly w16: number;
  private readonly h16: number;
  // source, macroblock-aligned and edge-extended
  private readonly srcY: Uint8Array;
  private readonly srcU: Uint8Array;
  private readonly srcV: Uint8Array;
  // reconstruction of the current picture and the reference picture, with margins
  private readonly ls: number;
  private readonly cs: number;
  private readonly lo: number;
  private readonly co: number;
  private recY: Uint8Array;
  private recU: Uint8Array;
  private recV: Uint8Array;
  private refY: Uint8Array;
  private refU: Uint8Array;
  private refV: Uint8Array;

  private readonly nnzY: Uint8Array;
  private readonly nnzU: Uint8Array;
  private readonly nnzV: Uint8Array;
  private readonly motion: MotionField;

  private readonly bw = new BitWriter(1 << 18);
  private readonly out = new AnnexBWriter(1 << 18);

  // per-macroblock scratch
  private readonly predY = new Uint8Array(256);
  private readonly bestPredY = new Uint8Array(256);
  private readonly predU = new Uint8Array(64);
  private readonly predV = new Uint8Array(64);
  private readonly bestPredU = new Uint8Array(64);
  private readonly bestPredV = new Uint8Array(64);
  private readonly resid = new Int32Array(16);
  private readonly tmp = new Int32Array(16);
  private readonly scan = new Int32Array(16);
  private readonly coefY = make16(16);
  private readonly levY = make16(16);
  private readonly nzY = new Int32Array(16);
  private readonly dcY = new Int32Array(16);
  private readonly dcLevY = new Int32Array(16);
  private readonly coefC = make16(8);
  private readonly levC = make16(8);
  private readonly nzC = new Int32Array(8);
  private readonly dcC = make16(2);
  private readonly dcLevC = make16(2);
  private readonly mvp = new Int32Array(2);
  private readonly mvSkip = new Int32Array(2);
  private lambda = 1;
  // per-QP SAD bounds under which a 4x4 residual quantises to zero (luma inter/intra, chroma inter/intra)
  private zeroLumaInter = 0;
  private zeroLumaIntra = 0;
  private zeroChromaInter = 0;
  private zeroChromaIntra = 0;

  private frameIndex = 0;
  private frameNum = 0;
  private idrPicId = 1;
  private skipRun = 0;
  private readonly stats: MacroblockStats = { intra: 0, inter: 0, skip: 0 };
  private readonly recon: I420Frame;

  constructor(opts: H264EncoderOptions) {
    const { width, height } = opts;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 2 || height < 2 || width % 2 || height % 2) {
      throw new RangeError(`width and height must be even integers >= 2, got ${width}x${height}`);
    }
    this.width = width;
    this.height = height;
    this.widthMbs = (width + 15) >> 4;
    this.heightMbs = (height + 15) >> 4;
    this.fps = opts.fps ?? DEFAULT_FPS;
    if (!(this.fps > 0)) throw new RangeError(`fps must be positive, got ${this.fps}`);
    this.qpValue = this.checkQp(opts.qp ?? DEFAULT_QP);
    this.keyInterval = opts.keyInterval ?? DEFAULT_KEY_INTERVAL;
    this.searchRange = opts.searchRange ?? DEFAULT_SEARCH_RANGE;
    this.slices = opts.slices ?? 1;
    if (!Number.isInteger(this.slices) || this.slices < 1 || this.slices > this.heightMbs) {
      throw new RangeError(`slices must be an integer 1..${this.heightMbs} (macroblock rows), got ${opts.slices}`);
    }
    if (opts.levelIdc !== undefined) {
      if (!LEVELS.some((l) => l.levelIdc === opts.levelIdc)) throw new RangeError(`unknown level_idc ${opts.levelIdc}`);
      this.levelIdc = opts.levelIdc;
    } else {
      this.levelIdc = chooseLevel(this.widthMbs, this.heightMbs, this.fps).levelIdc;
    }
    const w16 = (this.w16 = this.widthMbs * 16);
    const h16 = (this.h16 = this.heightMbs * 16);
    this.srcY = new Uint8Array(w16 * h16);
    this.srcU = new Uint8Array((w16 * h16) >> 2);
    this.srcV = new Uint8Array((w16 * h16) >> 2);
    this.ls = w16 + 2 * LUMA_PAD;
    this.cs = w16 / 2 + 2 * CHROMA_PAD;
    this.lo = LUMA_PAD * this.ls + LUMA_PAD;
    this.co = CHROMA_PAD * this.cs + CHROMA_PAD;
    const lsize = this.ls * (h16 + 2 * LUMA_PAD);
    const csize = this.cs * (h16 / 2 + 2 * CHROMA_PAD);
    this.recY = new Uint8Array(lsize);
    this.refY = new Uint8Array(lsize);
    this.recU = new Uint8Array(csize);
    this.recV = new Uint8Array(csize);
    this.refU = new Uint8Array(csize);
    this.refV = new Uint8Array(csize);
    this.nnzY = new Uint8Array(this.widthMbs * 4 * this.heightMbs * 4);
    this.nnzU = new Uint8Array(this.widthMbs * 2 * this.heightMbs * 2);
    this.nnzV = new Uint8Array(this.widthMbs * 2 * this.heightMbs * 2);
    const n = this.widthMbs * this.heightMbs;
    this.motion = { mvx: new Int16Array(n), mvy: new Int16Array(n), ref: new Int8Array(n), widthMbs: this.widthMbs };
    this.recon = createI420Frame(width, height);
  }

  private checkQp(qp: number): number {
    if (!Number.isInteger(qp) || qp < 0 || qp > 51) throw new RangeError(`qp must be an integer 0..51, got ${qp}`);
    return qp;
  }

  get qp(): number {
    return this.qpValue;
  }

  /** Change the quantiser for the following frames. */
  set qp(value: number) {
    this.qpValue = this.checkQp(value);
  }

  /** RFC 6381 codec string for this stream, e.g. "avc1.42e01f". */
  get codec(): string {
    const hex = (v: number) => v.toString(16).padStart(2, '0');
    return `avc1.${hex(PROFILE_IDC)}${hex(CONSTRAINT_FLAGS)}${hex(this.levelIdc)}`;
  }

  /** Encode one frame (same size as configured). `keyframe` forces an IDR. */
  encode(frame: I420Frame, opts: { keyframe?: boolean } = {}): EncodedFrame {
    if (frame.width !== this.width || frame.height !== this.height) {
      throw new RangeError(`frame is ${frame.width}x${frame.height}, encoder expects ${this.width}x${this.height}`);
    }
    this.loadSource(frame);
    const idr = this.frameIndex === 0 || opts.keyframe === true || (this.keyInterval > 0 && this.frameIndex % this.keyInterval === 0);
    const qp = this.qpValue;
    this.lambda = Math.max(1, Math.round(Math.sqrt(0.85 * Math.pow(2, (qp - 12) / 3))));
    this.zeroLumaInter = zeroBlockSad(qp, false);
    this.zeroLumaIntra = zeroBlockSad(qp, true);
    this.zeroChromaInter = zeroBlockSad(chromaQp(qp), false);
    this.zeroChromaIntra = zeroBlockSad(chromaQp(qp), true);
    this.stats.intra = this.stats.inter = this.stats.skip = 0;
    this.out.reset();
    const bw = this.bw;
    if (idr) {
      this.frameNum = 0;
      this.idrPicId ^= 1;
      bw.reset();
      writeSps(bw, { widthMbs: this.widthMbs, heightMbs: this.heightMbs, width: this.width, height: this.height, levelIdc: this.levelIdc, fps: this.fps });
      this.out.writeNal(3, NalType.Sps, bw.bytes());
      bw.reset();
      writePps(bw);
      this.out.writeNal(3, NalType.Pps, bw.bytes());
    } else {
      this.frameNum = (this.frameNum + 1) % (1 << LOG2_MAX_FRAME_NUM);
    }
    for (let k = 0; k < this.slices; k++) {
      const top = Math.floor((k * this.heightMbs) / this.slices);
      const bottom = Math.floor(((k + 1) * this.heightMbs) / this.slices);
      this.sliceTop = top;
      bw.reset();
      writeSliceHeader(bw, { idr, sliceType: idr ? SliceType.I : SliceType.P, frameNum: this.frameNum, idrPicId: this.idrPicId, qp, firstMb: top * this.widthMbs });
      this.skipRun = 0;
      for (let mby = top; mby < bottom; mby++) {
        for (let mbx = 0; mbx < this.widthMbs; mbx++) {
          if (idr) this.encodeIntraMb(mbx, mby, false);
          else this.encodePMb(mbx, mby);
        }
      }
      if (this.skipRun > 0) bw.ue(this.skipRun);
      bw.trailing();
      this.out.writeNal(3, idr ? NalType.IdrSlice : NalType.NonIdrSlice, bw.bytes());
    }

    // the reconstruction becomes the reference
    extendEdges(this.recY, this.lo, this.ls, this.w16, this.h16, LUMA_PAD);
    extendEdges(this.recU, this.co, this.cs, this.w16 / 2, this.h16 / 2, CHROMA_PAD);
    extendEdges(this.recV, this.co, this.cs, this.w16 / 2, this.h16 / 2, CHROMA_PAD);
    [this.recY, this.refY] = [this.refY, this.recY];
    [this.recU, this.refU] = [this.refU, this.recU];
    [this.recV, this.refV] = [this.refV, this.recV];

    const result: EncodedFrame = {
      data: this.out.toBytes(),
      keyframe: idr,
      index: this.frameIndex,
      frameNum: this.frameNum,
      qp,
      mbs: { ...this.stats },
    };
    this.frameIndex++;
    return result;
  }

  /**
   * The decoded picture of the last encoded frame (cropped to width x height), as any
   * conforming decoder outputs it. Copied into `into` when given, else into a buffer reused by
   * every call.
   */
  reconstruction(into?: I420Frame): I420Frame {
    const f = into ?? this.recon;
    const { width: w, height: h } = this;
    for (let y = 0; y < h; y++) f.y.set(this.refY.subarray(this.lo + y * this.ls, this.lo + y * this.ls + w), y * w);
    const cw = w >> 1;
    for (let y = 0; y < h >> 1; y++) {
      f.u.set(this.refU.subarray(this.co + y * this.cs, this.co + y * this.cs + cw), y * cw);
      f.v.set(this.refV.subarray(this.co + y * this.cs, this.co + y * this.cs + cw), y * cw);
    }
    return f;
  }

  private loadSource(frame: I420Frame): void {
    copyPlane(frame.y, frame.width, frame.height, this.srcY, this.w16, this.h16);
    copyPlane(frame.u, frame.width >> 1, frame.height >> 1, this.srcU, this.w16 >> 1, this.h16 >> 1);
    copyPlane(frame.v, frame.width >> 1, frame.height >> 1, this.srcV, this.w16 >> 1, this.h16 >> 1);
  }

  // ---------------------------------------------------------------- intra

  /** Choose and predict Intra_16x16 luma into bestPredY; returns [mode, SATD]. */
  private bestIntra16(mbx: number, mby: number): number {
    const off = this.lo + mby * 16 * this.ls + mbx * 16;
    const so = mby * 16 * this.w16 + mbx * 16;
    let best = -1;
    let bestCost = Infinity;
    for (let mode = 0; mode < 4; mode++) {
      if (!predictIntra16(this.recY, this.ls, off, mby > this.sliceTop, mbx > 0, mode, this.predY)) continue;
      const c = satd(this.srcY, so, this.w16, this.predY, 16, 16, 16);
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
      const c = satd(this.srcU, so, this.w16 >> 1, this.predU, 8, 8, 8) + satd(this.srcV, so, this.w16 >> 1, this.predV, 8, 8, 8);
      if (c < bestCost) {
        bestCost = c;
        best = mode;
        this.bestPredU.set(this.predU);
        this.bestPredV.set(this.predV);
      }
    }
    return best;
  }

  private encodeIntraMb(mbx: number, mby: number, inPSlice: boolean, knownMode = -1): void {
    const mode = knownMode >= 0 ? knownMode : this.bestIntra16(mbx, mby);
    const cmode = this.bestChromaMode(mbx, mby);
    const qp = this.qpValue;
    // luma
    const acNz = this.transformLuma(mbx, mby, this.bestPredY, true);
    const cbpL = acNz > 0 ? 15 : 0;
    this.reconLumaIntra16(mbx, mby, cbpL);
    // chroma
    const cbpC = this.transformChroma(mbx, mby, this.bestPredU, this.bestPredV, true);
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

  // ---------------------------------------------------------------- inter

  private encodePMb(mbx: number, mby: number): void {
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

    // 1. P_Skip candidate
    const skx = this.mvSkip[0] >> 2;
    const sky = this.mvSkip[1] >> 2;
    const skipOk = this.inMargin(x0, y0, skx, sky);
    let skipSad = Infinity;
    if (skipOk) skipSad = sad16(this.srcY, so, this.w16, this.refY, rbase + sky * this.ls + skx, this.ls, Infinity);

    // 2. early P_Skip: a small residual at the skip vector often quantises away entirely
    let skipTried = false;
    if (skipOk && skipSad <= 16 * this.zeroLumaInter) {
      skipTried = true;
      if (this.tryInter(mbx, mby, skx, sky) === 0) {
        this.commitSkip(mbx, mby, skx, sky);
        return;
      }
    }

    // 3. motion search
    const best = this.search(mbx, mby, so, rbase, mvpx, mvpy);
    const bmx = this.bestMx;
    const bmy = this.bestMy;
    const bestSad = this.bestSad;

    // 4. skip if its residual vanishes
    if (skipOk && !skipTried && skipSad <= best + 2 * lam) {
      if (this.tryInter(mbx, mby, skx, sky) === 0) {
        this.commitSkip(mbx, mby, skx, sky);
        return;
      }
    }

    // 5. intra?
    if (bestSad > INTRA_TRY_MAD * 256) {
      copyLuma16(this.refY, rbase + bmy * this.ls + bmx, this.ls, this.predY);
      const interSatd = satd(this.srcY, so, this.w16, this.predY, 16, 16, 16) + lam * (seBits(bmx * 4 - mvpx) + seBits(bmy * 4 - mvpy));
      const mode = this.bestIntra16(mbx, mby);
      if (this.intraCost + INTRA_BIAS_LAMBDAS * lam < interSatd) {
        this.encodeIntraMb(mbx, mby, true, mode);
        return;
      }
    }

    // 6. P_L0_16x16 (or P_Skip when it lands on the skip vector without residual)
    const cbp = this.tryInter(mbx, mby, bmx, bmy);
    this.commitInter(mbx, mby, cbp);
    m.ref[i] = 0;
    m.mvx[i] = bmx * 4;
    m.mvy[i] = bmy * 4;
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
    bw.se(bmx * 4 - mvpx);
    bw.se(bmy * 4 - mvpy);
    bw.ue(INTER_CBP_CODE[cbp]);
    const cbpL = cbp & 15;
    const cbpC = cbp >> 4;
    const gw = this.widthMbs * 4;
    const gx0 = mbx * 4;
    const gy0 = mby * 4;
    if (cbp) bw.se(0); // mb_qp_delta
    const sc = this.scan;
    for (let k = 0; k < 16; k++) {
      const b = BLK_RASTER[k];
      const gx = gx0 + (b & 3);
      const gy = gy0 + (b >> 2);
      if (cbpL & (1 << (k >> 2))) {
        const lev = this.levY[b];
        for (let j = 0; j < 16; j++) sc[j] = lev[ZIGZAG[j]];
        this.nnzY[gy * gw + gx] = writeResidualBlock(bw, sc, 0, 16, nC(this.nnzY, gw, gx, gy, this.sliceTop * 4));
      } else {
        this.nnzY[gy * gw + gx] = 0;
      }
    }
    this.writeChromaResidual(mbx, mby, cbpC);
    this.stats.inter++;
  }

  private commitSkip(mbx: number, mby: number, skx: number, sky: number): void {
    this.commitInter(mbx, mby, 0);
    this.skipRun++;
    const i = mby * this.widthMbs + mbx;
    this.motion.ref[i] = 0;
    this.motion.mvx[i] = skx * 4;
    this.motion.mvy[i] = sky * 4;
    this.clearNnz(mbx, mby);
    this.stats.skip++;
  }

  private inMargin(x0: number, y0: number, mx: number, my: number): boolean {
    return x0 + mx >= -MV_MARGIN && x0 + mx <= this.w16 + MV_MARGIN - 16 && y0 + my >= -MV_MARGIN && y0 + my <= this.h16 + MV_MARGIN - 16;
  }

  private bestMx = 0;
  private bestMy = 0;
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

  private tryMv(mx: number, my: number): void {
    if (mx < this.sMinX || mx > this.sMaxX || my < this.sMinY || my > this.sMaxY) return;
    const mvCost = this.lambda * (seBits(mx * 4 - this.sMvpx) + seBits(my * 4 - this.sMvpy));
    const best = this.sBest;
    if (mvCost >= best) return;
    const s = sad16(this.srcY, this.sSo, this.w16, this.refY, this.sRbase + my * this.ls + mx, this.ls, best - mvCost);
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
    this.sBx = 0;
    this.sBy = 0;
    this.sSad = 0;
    this.tryMv(Math.min(this.sMaxX, Math.max(this.sMinX, px)), Math.min(this.sMaxY, Math.max(this.sMinY, py)));
    this.tryMv(0, 0);
    const m = this.motion;
    const i = mby * this.widthMbs + mbx;
    if (mbx > 0 && m.ref[i - 1] === 0) this.tryMv(m.mvx[i - 1] >> 2, m.mvy[i - 1] >> 2);
    if (mby > this.sliceTop && m.ref[i - this.widthMbs] === 0) this.tryMv(m.mvx[i - this.widthMbs] >> 2, m.mvy[i - this.widthMbs] >> 2);
    // previous picture's vector at this place (still in the field until overwritten)
    if (m.ref[i] === 0) this.tryMv(m.mvx[i] >> 2, m.mvy[i] >> 2);
    for (let step = 4; step >= 1; step >>= 1) {
      for (let iter = 0; iter < 16; iter++) {
        const cx = this.sBx;
        const cy = this.sBy;
        this.tryMv(cx + step, cy);
        this.tryMv(cx - step, cy);
        this.tryMv(cx, cy + step);
        this.tryMv(cx, cy - step);
        if (this.sBx === cx && this.sBy === cy) break;
      }
    }
    const cx = this.sBx;
    const cy = this.sBy;
    this.tryMv(cx + 1, cy + 1);
    this.tryMv(cx - 1, cy + 1);
    this.tryMv(cx + 1, cy - 1);
    this.tryMv(cx - 1, cy - 1);
    this.bestMx = this.sBx;
    this.bestMy = this.sBy;
    this.bestSad = this.sSad;
    return this.sBest;
  }

  /** Predict with an integer vector, transform and quantise the residual; returns coded_block_pattern. */
  private tryInter(mbx: number, mby: number, mx: number, my: number): number {
    copyLuma16(this.refY, this.lo + (mby * 16 + my) * this.ls + mbx * 16 + mx, this.ls, this.predY);
    const coff = this.co + mby * 8 * this.cs + mbx * 8;
    predictChroma8(this.refU, coff, this.cs, mx * 4, my * 4, this.predU);
    predictChroma8(this.refV, coff, this.cs, mx * 4, my * 4, this.predV);
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
    const cbpC = this.transformChroma(mbx, mby, this.predU, this.predV, false);
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
    for (let y = 0; y < 4; y++) this.nnzY.fill(0, (mby * 4 + y) * gw + mbx * 4, (mby * 4 + y) * gw + mbx * 4 + 4);
    const cw = this.widthMbs * 2;
    for (let y = 0; y < 2; y++) {
      this.nnzU.fill(0, (mby * 2 + y) * cw + mbx * 2, (mby * 2 + y) * cw + mbx * 2 + 2);
      this.nnzV.fill(0, (mby * 2 + y) * cw + mbx * 2, (mby * 2 + y) * cw + mbx * 2 + 2);
    }
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
    const r = this.resid;
    const qp = this.qpValue;
    const zeroBound = intra16 ? this.zeroLumaIntra : this.zeroLumaInter;
    let total = 0;
    for (let b = 0; b < 16; b++) {
      const bx = (b & 3) * 4;
      const by = (b >> 2) * 4;
      let sad = 0;
      let sum = 0;
      for (let y = 0; y < 4; y++) {
        const s = so + (by + y) * sw + bx;
        const p = (by + y) * 16 + bx;
        for (let x = 0; x < 4; x++) {
          const v = src[s + x] - pred[p + x];
          r[y * 4 + x] = v;
          sad += v < 0 ? -v : v;
          sum += v;
        }
      }
      if (sad <= zeroBound) {
        // every level is zero; the DC term of the forward transform is the plain sum
        if (this.nzY[b]) this.levY[b].fill(0);
        this.nzY[b] = 0;
        if (intra16) this.dcY[b] = sum;
        continue;
      }
      const c = this.coefY[b];
      forward4x4(r, c);
      if (intra16) this.dcY[b] = c[0];
      const nz = quant4x4(c, this.levY[b], qp, intra16, intra16 ? 1 : 0, MAX_CAVLC_LEVEL);
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
    const d = this.resid;
    const out = this.recY;
    const ro = this.lo + mby * 16 * this.ls + mbx * 16;
    for (let b = 0; b < 16; b++) {
      if (cbpL && this.nzY[b]) dequant4x4(this.levY[b], d, this.qpValue, 1);
      else d.fill(0);
      d[0] = dc[b];
      addBlock(d, this.bestPredY, 16, ((b >> 2) * 4) * 16 + (b & 3) * 4, out, ro + (b >> 2) * 4 * this.ls + (b & 3) * 4, this.ls);
    }
  }

  private reconLumaInter(mbx: number, mby: number, cbpL: number): void {
    const d = this.resid;
    const out = this.recY;
    const ro = this.lo + mby * 16 * this.ls + mbx * 16;
    for (let b = 0; b < 16; b++) {
      const b8 = ((b >> 3) << 1) | ((b & 3) >> 1);
      const po = ((b >> 2) * 4) * 16 + (b & 3) * 4;
      const oo = ro + (b >> 2) * 4 * this.ls + (b & 3) * 4;
      if (cbpL & (1 << b8) && this.nzY[b]) {
        dequant4x4(this.levY[b], d, this.qpValue, 0);
        addBlock(d, this.predY, 16, po, out, oo, this.ls);
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
    const r = this.resid;
    let anyDc = 0;
    let acCost = 0;
    let anyAc = 0;
    for (let c = 0; c < 2; c++) {
      const src = c ? this.srcV : this.srcU;
      const pred = c ? pv : pu;
      const dc = this.dcC[c];
      for (let b = 0; b < 4; b++) {
        const bx = (b & 1) * 4;
        const by = (b >> 1) * 4;
        let sad = 0;
        let sum = 0;
        for (let y = 0; y < 4; y++) {
          const s = so + (by + y) * cw + bx;
          const p = (by + y) * 8 + bx;
          for (let x = 0; x < 4; x++) {
            const v = src[s + x] - pred[p + x];
            r[y * 4 + x] = v;
            sad += v < 0 ? -v : v;
            sum += v;
          }
        }
        if (sad <= zeroBound) {
          if (this.nzC[c * 4 + b]) this.levC[c * 4 + b].fill(0);
          this.nzC[c * 4 + b] = 0;
          dc[b] = sum;
          continue;
        }
        const co = this.coefC[c * 4 + b];
        forward4x4(r, co);
        dc[b] = co[0];
        const nz = quant4x4(co, this.levC[c * 4 + b], qpc, intra, 1, MAX_CAVLC_LEVEL);
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
      for (let k = 0; k < 8; k++) {
        if (this.nzC[k]) {
          this.levC[k].fill(0);
          this.nzC[k] = 0;
        }
      }
      anyAc = 0;
    }
    return anyAc ? 2 : anyDc ? 1 : 0;
  }

  private reconChroma(mbx: number, mby: number, pu: Uint8Array, pv: Uint8Array, cbpC: number): void {
    const qpc = chromaQp(this.qpValue);
    const d = this.resid;
    const dc = this.tmp;
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
        if (cbpC === 2 && this.nzC[c * 4 + b]) dequant4x4(this.levC[c * 4 + b], d, qpc, 1);
        else d.fill(0);
        d[0] = b === 0 ? dcs0 : b === 1 ? dcs1 : b === 2 ? dcs2 : dcs3;
        addBlock(d, pred, 8, (b >> 1) * 32 + (b & 1) * 4, out, ro + (b >> 1) * 4 * this.cs + (b & 1) * 4, this.cs);
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

/** Inverse-transform scaled coefficients `d` (in place), add to the prediction and clip into `out`. */
function addBlock(d: Int32Array, pred: Uint8Array, pw: number, po: number, out: Uint8Array, oo: number, os: number): void {
  let any = 0;
  for (let i = 0; i < 16; i++) any |= d[i];
  if (any === 0) {
    copyBlock(pred, pw, po, out, oo, os);
    return;
  }
  inverse4x4(d);
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 4; x++) {
      const v = pred[po + y * pw + x] + d[y * 4 + x];
      out[oo + y * os + x] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
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

/** Copy a w x h plane into a larger W x H one, replicating the last column and row. */
function copyPlane(src: Uint8Array, w: number, h: number, dst: Uint8Array, W: number, H: number): void {
  for (let y = 0; y < H; y++) {
    const sy = y < h ? y : h - 1;
    const s = sy * w;
    const d = y * W;
    dst.set(src.subarray(s, s + w), d);
    if (W > w) dst.fill(src[s + w - 1], d + w, d + W);
  }
}
