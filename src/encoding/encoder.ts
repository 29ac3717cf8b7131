/**
 * Constrained Baseline H.264 encoder (ITU-T H.264, profile_idc 66 with constraint_set0/1/2):
 * CAVLC, the deblocking filter (across slice edges, within slices, or off), Intra_16x16,
 * Intra_4x4 and I_PCM,
 * P_L0_16x16/P_Skip macroblocks with quarter-sample motion, fixed QP or rate control, one or
 * more slices per picture. Output is an Annex B access
 * unit per frame (SPS + PPS + IDR slices, or P slices). The encoder keeps its reconstruction,
 * which is exactly what a conforming decoder outputs.
 */
import { BitWriter } from './bitwriter.js';
import { CHROMA_PAD, DEFAULT_FPS, DEFAULT_KEY_INTERVAL, DEFAULT_PRESET, DEFAULT_QP, DEFAULT_SEARCH_RANGE, ENCODER_PRESETS, LUMA_PAD, PRESET_TUNING, type EncoderPreset, type PresetTuning } from './constants.js';
import { deblockRows, type DeblockInput } from './deblock.js';
import { createI420Frame, type I420Frame } from './frame.js';
import { chooseLevel, LEVELS } from './levels.js';
import { RateController } from './ratecontrol.js';
import { extendEdges } from './motion.js';
import { AnnexBWriter, NalType } from './nal.js';
import { CONSTRAINT_FLAGS, LOG2_MAX_FRAME_NUM, PROFILE_IDC, writePps, writeSps } from './params.js';
import { defaultKernels, wasmKernelsSupported, type EncoderKernels } from './wasm/kernels.js';
import { allocatePictureBuffers, planeLayout, SliceCoder, type MacroblockStats, type PictureBuffers, type PlaneLayout, type SliceJob } from './slice-coder.js';

export type { MacroblockStats } from './slice-coder.js';
export type { EncoderPreset } from './constants.js';
export type { EncoderKernels } from './wasm/kernels.js';

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
  /**
   * Speed against compression: `quality` (default; the full search), `balanced`, or `realtime`
   * (the Streamer's choice: a third or less of quality's CPU time per P picture, within 0.5 dB
   * at the same bitrate on the synthetic source). Every preset decodes bit-exact.
   */
  preset?: EncoderPreset;
  /**
   * Deblocking filter (8.7) in the reconstruction. Default: on for `quality` and `balanced`, off
   * for `realtime`.
   */
  deblock?: boolean;
  /**
   * With the filter on: filter the edges between slices too (disable_deblocking_filter_idc 0,
   * the whole picture filtered once every slice is coded) rather than each slice on its own
   * (idc 2, each slice coder filters its rows, in parallel on worker threads). Default true.
   */
  deblockAcrossSlices?: boolean;
  /**
   * Intra_4x4 prediction (8.3.1, I_NxN macroblocks) beside Intra_16x16, chosen per macroblock
   * when its SATD cost is lower. Default: on for `quality` and `balanced`, off for `realtime`.
   */
  intra4x4?: boolean;
  /** Integer-sample motion search radius around the predicted vector. Default 16. */
  searchRange?: number;
  /** Refine motion vectors to half and quarter samples (8.4.2.2 interpolation). Default true. */
  subpixel?: boolean;
  /** Force a level_idc (e.g. 31); by default the lowest level of Table A-1 that fits. */
  levelIdc?: number;
  /**
   * Slices per picture (default 1). Each slice is a band of whole macroblock rows, its own
   * NAL unit, and predicts nothing from the other slices of the picture.
   */
  slices?: number;
  /**
   * Target bitrate in bits per second. When set, a RateController picks each frame's QP
   * (starting from `qp`) instead of keeping it fixed.
   */
  bitrate?: number;
  /**
   * Hot kernels (residual transform and quantisation, integer-search SAD): 'wasm', WebAssembly
   * SIMD kernels written for the project (src/encoding/wasm/kernels.wat), or 'js', the
   * TypeScript functions. The streams are byte-identical. Default 'wasm' where WebAssembly
   * SIMD validates, else 'js'.
   */
  kernels?: EncoderKernels;
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


/**
 * Stream-level state shared by the single-threaded and the worker-thread encoders: options,
 * parameter sets, IDR cadence, frame_num / idr_pic_id, source loading, reference handling.
 */
export abstract class EncoderBase {
  private frameRate: number;
  readonly keyInterval: number;
  readonly searchRange: number;
  readonly subpixel: boolean;
  readonly preset: EncoderPreset;
  /** The kernels every slice coder runs (H264EncoderOptions.kernels). */
  readonly kernels: EncoderKernels;
  /** Scratch slots of the picture buffers: one per thread that codes slices. */
  protected readonly slots: number;
  /** The decisions `preset` stands for (passed to every slice coder). */
  protected readonly tuning: PresetTuning;
  protected layout: PlaneLayout;
  protected buffers: PictureBuffers;
  protected readonly out = new AnnexBWriter(1 << 18);
  private readonly bw = new BitWriter(256);
  private readonly shared: boolean;
  private readonly requestedSlices: number | undefined;
  private readonly requestedLevel: number | undefined;
  private readonly requestedBitrate: number;
  private size: { width: number; height: number; widthMbs: number; heightMbs: number; levelIdc: number; slices: number };
  private qpValue: number;
  private frameIndex = 0;
  private frameNum = 0;
  private idrPicId = 1;
  private forceIdr = false;
  /** Bank holding the last finished picture (the reference for the next one). */
  private lastBank = 1;
  private recon: I420Frame;
  /** Work units per macroblock row of the last P picture (slice balancing); undefined until one is coded. */
  private rowWork: Float64Array | undefined;
  /** Present when a target bitrate was given. */
  readonly rateControl: RateController | undefined;
  /** Filter slice edges too (idc 0): the picture is filtered in endPicture, not by the slice coders. */
  private readonly deblockAcross: boolean;
  private deblockInput: DeblockInput | undefined;
  /**
   * Code P pictures with CPU_RELIEF_TUNING's cheaper decisions while true: for a caller that
   * sees encoding fall behind real time (a Streamer's rendition switches it). Off by default.
   */
  cpuRelief = false;

  protected constructor(opts: H264EncoderOptions, shared: boolean, slots = 1) {
    this.frameRate = opts.fps ?? DEFAULT_FPS;
    if (!(this.frameRate > 0)) throw new RangeError(`fps must be positive, got ${this.frameRate}`);
    this.qpValue = checkQp(opts.qp ?? DEFAULT_QP);
    this.keyInterval = opts.keyInterval ?? DEFAULT_KEY_INTERVAL;
    this.searchRange = opts.searchRange ?? DEFAULT_SEARCH_RANGE;
    this.subpixel = opts.subpixel ?? true;
    this.preset = opts.preset ?? DEFAULT_PRESET;
    if (!ENCODER_PRESETS.includes(this.preset)) throw new RangeError(`preset must be one of ${ENCODER_PRESETS.join(', ')}, got ${String(opts.preset)}`);
    this.tuning = {
      ...PRESET_TUNING[this.preset],
      ...(opts.deblock !== undefined ? { deblock: opts.deblock } : {}),
      ...(opts.intra4x4 !== undefined ? { intra4x4: opts.intra4x4 } : {}),
    };
    this.deblockAcross = this.tuning.deblock && opts.deblockAcrossSlices !== false;
    this.kernels = opts.kernels ?? defaultKernels();
    if (this.kernels !== 'js' && this.kernels !== 'wasm') throw new RangeError(`kernels must be 'wasm' or 'js', got ${String(opts.kernels)}`);
    if (this.kernels === 'wasm' && !wasmKernelsSupported()) throw new RangeError("kernels 'wasm' needs WebAssembly SIMD, which this runtime does not validate");
    this.shared = shared;
    this.slots = slots;
    this.requestedSlices = opts.slices;
    if (opts.levelIdc !== undefined && !LEVELS.some((l) => l.levelIdc === opts.levelIdc)) throw new RangeError(`unknown level_idc ${opts.levelIdc}`);
    this.requestedLevel = opts.levelIdc;
    this.requestedBitrate = opts.bitrate ?? 0;
    this.size = this.checkSize(opts.width, opts.height);
    this.layout = planeLayout(this.size.widthMbs, this.size.heightMbs);
    this.buffers = allocatePictureBuffers(this.layout, shared, slots);
    this.recon = createI420Frame(opts.width, opts.height);
    this.rateControl = opts.bitrate !== undefined ? new RateController({ bitrate: opts.bitrate, fps: this.fps, initialQp: this.qpValue }) : undefined;
  }

  private checkSize(width: number, height: number): EncoderBase['size'] {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 2 || height < 2 || width % 2 || height % 2) {
      throw new RangeError(`width and height must be even integers >= 2, got ${width}x${height}`);
    }
    const widthMbs = (width + 15) >> 4;
    const heightMbs = (height + 15) >> 4;
    const slices = this.requestedSlices ?? 1;
    if (!Number.isInteger(slices) || slices < 1 || slices > heightMbs) {
      throw new RangeError(`slices must be an integer 1..${heightMbs} (macroblock rows), got ${slices}`);
    }
    const levelIdc = this.requestedLevel ?? chooseLevel(widthMbs, heightMbs, this.fps, this.requestedBitrate).levelIdc;
    return { width, height, widthMbs, heightMbs, levelIdc, slices };
  }

  /**
   * Switch to a new picture size: the next frame is an IDR with a new SPS (and a level chosen
   * for the new size, unless one was forced). Subclasses rebuild what depends on the buffers.
   */
  protected resizeTo(width: number, height: number): void {
    const size = this.checkSize(width, height);
    this.size = size;
    this.layout = planeLayout(size.widthMbs, size.heightMbs);
    this.buffers = allocatePictureBuffers(this.layout, this.shared, this.slots);
    this.recon = createI420Frame(width, height);
    this.lastBank = 1;
    this.forceIdr = true;
    this.rowWork = undefined;
  }

  /**
   * Change the frame rate while running: the next frame is an IDR whose SPS carries the new
   * VUI timing (and a level chosen for the new rate, unless one was forced), and the rate
   * control budgets bitrate / fps per picture from then on.
   */
  setFrameRate(fps: number): void {
    if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`fps must be positive, got ${fps}`);
    this.frameRate = fps;
    this.rateControl?.setFrameRate(fps);
    this.size = { ...this.size, levelIdc: this.requestedLevel ?? chooseLevel(this.size.widthMbs, this.size.heightMbs, fps, this.requestedBitrate).levelIdc };
    this.forceIdr = true;
  }

  /** Frames per second written in the VUI timing info and used by rate control. */
  get fps(): number {
    return this.frameRate;
  }

  get width(): number {
    return this.size.width;
  }

  get height(): number {
    return this.size.height;
  }

  get widthMbs(): number {
    return this.size.widthMbs;
  }

  get heightMbs(): number {
    return this.size.heightMbs;
  }

  get levelIdc(): number {
    return this.size.levelIdc;
  }

  get slices(): number {
    return this.size.slices;
  }

  get qp(): number {
    return this.qpValue;
  }

  /** Change the quantiser for the following frames. */
  set qp(value: number) {
    this.qpValue = checkQp(value);
  }

  /** RFC 6381 codec string for this stream, e.g. "avc1.42e01f". */
  get codec(): string {
    const hex = (v: number) => v.toString(16).padStart(2, '0');
    return `avc1.${hex(PROFILE_IDC)}${hex(CONSTRAINT_FLAGS)}${hex(this.levelIdc)}`;
  }

  /**
   * Start a picture: check and load the source, decide IDR, write SPS and PPS for an IDR, and
   * return the slice jobs (in slice order).
   */
  protected beginPicture(frame: I420Frame, keyframe: boolean): SliceJob[] {
    if (frame.width !== this.width || frame.height !== this.height) {
      throw new RangeError(`frame is ${frame.width}x${frame.height}, encoder expects ${this.width}x${this.height}`);
    }
    const chroma = ((frame.width + 1) >> 1) * ((frame.height + 1) >> 1);
    if (frame.y.length < frame.width * frame.height || frame.u.length < chroma || frame.v.length < chroma) {
      throw new RangeError(`frame planes too short for ${frame.width}x${frame.height} I420 (${frame.y.length}/${frame.u.length}/${frame.v.length} bytes)`);
    }
    const { w16, h16 } = this.layout;
    const b = this.buffers;
    copyPlane(frame.y, frame.width, frame.height, b.srcY, w16, h16);
    copyPlane(frame.u, frame.width >> 1, frame.height >> 1, b.srcU, w16 >> 1, h16 >> 1);
    copyPlane(frame.v, frame.width >> 1, frame.height >> 1, b.srcV, w16 >> 1, h16 >> 1);
    const idr = this.frameIndex === 0 || keyframe || this.forceIdr || (this.keyInterval > 0 && this.frameIndex % this.keyInterval === 0);
    this.forceIdr = false;
    this.out.reset();
    if (idr) {
      this.frameNum = 0;
      this.idrPicId ^= 1;
      const bw = this.bw;
      bw.reset();
      writeSps(bw, { widthMbs: this.widthMbs, heightMbs: this.heightMbs, width: this.width, height: this.height, levelIdc: this.levelIdc, fps: this.fps });
      this.out.writeNal(3, NalType.Sps, bw.bytes());
      bw.reset();
      writePps(bw);
      this.out.writeNal(3, NalType.Pps, bw.bytes());
    } else {
      this.frameNum = (this.frameNum + 1) % (1 << LOG2_MAX_FRAME_NUM);
    }
    const jobs: SliceJob[] = [];
    const rows = sliceRows(this.slices, this.heightMbs, idr ? undefined : this.rowWork);
    const qp = this.rateControl ? this.rateControl.qpFor(idr) : this.qpValue;
    for (let k = 0; k < this.slices; k++) {
      jobs.push({
        idr,
        qp,
        frameNum: this.frameNum,
        idrPicId: this.idrPicId,
        bank: this.lastBank ^ 1,
        top: rows[k],
        bottom: rows[k + 1],
        relief: this.cpuRelief && !idr,
        deblockAcross: this.deblockAcross,
      });
    }
    return jobs;
  }

  /** Finish a picture once every slice NAL is in `out`: extend the reconstruction's edges and make it the reference. */
  protected endPicture(jobs: SliceJob[], mbs: MacroblockStats): EncodedFrame {
    const bank = jobs[0].bank;
    const [y, u, v] = this.buffers.bank[bank];
    const { lo, ls, co, cs, w16, h16 } = this.layout;
    if (this.deblockAcross) {
      // Every slice is coded: filter the picture in macroblock order, slice edges included (8.7).
      const b = this.buffers;
      const d = this.deblockInput?.mbQp === b.mbQp ? this.deblockInput : (this.deblockInput = { widthMbs: this.widthMbs, Y: y, U: u, V: v, ls, lo, cs, co, mbQp: b.mbQp, ref: b.ref, mvx: b.mvx, mvy: b.mvy, nnzY: b.nnzY });
      d.Y = y;
      d.U = u;
      d.V = v;
      deblockRows(d, 0, this.heightMbs);
    }
    extendEdges(y, lo, ls, w16, h16, LUMA_PAD);
    extendEdges(u, co, cs, w16 / 2, h16 / 2, CHROMA_PAD);
    extendEdges(v, co, cs, w16 / 2, h16 / 2, CHROMA_PAD);
    this.lastBank = bank;
    if (!jobs[0].idr && jobs.length > 1) {
      const rw = (this.rowWork ??= new Float64Array(this.heightMbs));
      const w = this.buffers.work;
      const n = this.widthMbs;
      for (let r = 0; r < this.heightMbs; r++) {
        let sum = 0;
        for (let i = r * n; i < (r + 1) * n; i++) sum += w[i];
        rw[r] = sum;
      }
    }
    const result: EncodedFrame = {
      data: this.out.toBytes(),
      keyframe: jobs[0].idr,
      index: this.frameIndex,
      frameNum: jobs[0].frameNum,
      qp: jobs[0].qp,
      mbs,
    };
    this.frameIndex++;
    if (this.rateControl) this.qpValue = this.rateControl.update(result.data.length, result.keyframe);
    return result;
  }

  /**
   * Motion of the last encoded picture, per macroblock in raster order: quarter-sample vectors
   * and refIdx (-1 for intra). Views on live buffers: copy before the next encode.
   */
  motionField(): { mvx: Int16Array; mvy: Int16Array; ref: Int8Array } {
    return { mvx: this.buffers.mvx, mvy: this.buffers.mvy, ref: this.buffers.ref };
  }

  /**
   * The decoded picture of the last encoded frame (cropped to width x height), as any
   * conforming decoder outputs it. Copied into `into` when given, else into a buffer reused by
   * every call.
   */
  reconstruction(into?: I420Frame): I420Frame {
    const f = into ?? this.recon;
    const { width: w, height: h } = this;
    const { lo, ls, co, cs } = this.layout;
    const [Y, U, V] = this.buffers.bank[this.lastBank];
    for (let y = 0; y < h; y++) f.y.set(Y.subarray(lo + y * ls, lo + y * ls + w), y * w);
    const cw = w >> 1;
    for (let y = 0; y < h >> 1; y++) {
      f.u.set(U.subarray(co + y * cs, co + y * cs + cw), y * cw);
      f.v.set(V.subarray(co + y * cs, co + y * cs + cw), y * cw);
    }
    return f;
  }
}

/** Pure-TypeScript H.264 Constrained Baseline encoder on the calling thread. One instance encodes one stream. */
export class H264Encoder extends EncoderBase {
  private coder: SliceCoder;

  /**
   * `sharedBuffers` puts the picture buffers on SharedArrayBuffers, as worker threads have them
   * (used to warm a worker's kernels up on the same kind of arrays, see warmup.ts).
   */
  constructor(opts: H264EncoderOptions, sharedBuffers = false) {
    super(opts, sharedBuffers);
    this.coder = new SliceCoder(this.layout, this.buffers, this.searchRange, this.subpixel, this.tuning, this.kernels);
  }

  /** Change the picture size; the next frame is an IDR carrying the new SPS. */
  resize(width: number, height: number): void {
    this.resizeTo(width, height);
    this.coder = new SliceCoder(this.layout, this.buffers, this.searchRange, this.subpixel, this.tuning, this.kernels);
  }

  /** Encode one frame (same size as configured). `keyframe` forces an IDR. */
  encode(frame: I420Frame, opts: { keyframe?: boolean } = {}): EncodedFrame {
    const jobs = this.beginPicture(frame, opts.keyframe === true);
    const mbs: MacroblockStats = { intra: 0, inter: 0, skip: 0, intraNxN: 0 };
    for (const job of jobs) this.coder.codeSlice(job, this.out, mbs);
    return this.endPicture(jobs, mbs);
  }
}

/**
 * First macroblock row of each slice, and the row count at the end: equal bands of rows, or,
 * given the work of each row in the last P picture, bands of about equal work (each boundary
 * at the row whose cumulative work is nearest its share, ties to the upper band; at least one
 * row per slice).
 */
function sliceRows(slices: number, heightMbs: number, rowWork: Float64Array | undefined): number[] {
  const rows = [0];
  let total = 0;
  if (rowWork) for (let r = 0; r < heightMbs; r++) total += rowWork[r];
  if (!rowWork || !(total > 0)) {
    for (let k = 1; k <= slices; k++) rows.push(Math.floor((k * heightMbs) / slices));
    return rows;
  }
  let r = 0;
  let cum = 0; // work of rows < r
  for (let k = 1; k < slices; k++) {
    const target = (k * total) / slices;
    const last = heightMbs - (slices - k); // leave a row for each later slice
    if (r < rows[k - 1] + 1) {
      cum += rowWork[r];
      r++;
    }
    while (r < last && Math.abs(cum + rowWork[r] - target) < Math.abs(cum - target)) {
      cum += rowWork[r];
      r++;
    }
    rows.push(r);
  }
  rows.push(heightMbs);
  return rows;
}

function checkQp(qp: number): number {
  if (!Number.isInteger(qp) || qp < 0 || qp > 51) throw new RangeError(`qp must be an integer 0..51, got ${qp}`);
  return qp;
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
