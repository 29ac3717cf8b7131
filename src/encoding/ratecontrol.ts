/**
 * Frame-level rate control: picks the QP of the next picture from the bits the previous
 * pictures took, to hold a target bitrate. A leaky-bucket model: each frame drains
 * bitrate / fps from the bucket and adds its own size; the QP moves by at most
 * RC_MAX_STEP per frame towards keeping the bucket near empty. Not HRD-exact.
 */
import { RC_BUCKET_SECONDS, RC_MAX_QP, RC_MAX_STEP, RC_MIN_QP } from './constants.js';

export interface RateControlOptions {
  /** Target bitrate, bits per second. */
  bitrate: number;
  fps: number;
  /** First QP. Default 30. */
  initialQp?: number;
  minQp?: number;
  maxQp?: number;
}

export class RateController {
  readonly bitrate: number;
  readonly fps: number;
  private readonly minQp: number;
  private readonly maxQp: number;
  private qpValue: number;
  /** Bits above the target spent so far (negative: under budget), bounded. */
  private bucket = 0;
  /** Smoothed size of recent non-IDR frames, bits. */
  private avgP = 0;

  constructor(opts: RateControlOptions) {
    if (!(opts.bitrate > 0) || !(opts.fps > 0)) throw new RangeError(`bitrate and fps must be positive, got ${opts.bitrate} and ${opts.fps}`);
    this.bitrate = opts.bitrate;
    this.fps = opts.fps;
    this.minQp = opts.minQp ?? RC_MIN_QP;
    this.maxQp = opts.maxQp ?? RC_MAX_QP;
    this.qpValue = Math.min(this.maxQp, Math.max(this.minQp, opts.initialQp ?? 30));
  }

  /** QP for the next picture. */
  get qp(): number {
    return this.qpValue;
  }

  /** Account for a coded picture of `bytes` and choose the next QP. */
  update(bytes: number, keyframe: boolean): number {
    const budget = this.bitrate / this.fps;
    const bits = bytes * 8;
    const limit = this.bitrate * RC_BUCKET_SECONDS;
    this.bucket = Math.max(-limit, Math.min(limit, this.bucket + bits - budget));
    if (!keyframe) this.avgP = this.avgP === 0 ? bits : 0.7 * this.avgP + 0.3 * bits;
    // expected size of the next frame against what the budget allows after repaying the bucket
    const allowed = Math.max(budget * 0.25, budget - this.bucket / (this.fps * RC_BUCKET_SECONDS));
    const expected = this.avgP || bits;
    const ratio = expected / allowed;
    // about 6 QP steps halve the size: step = 6 * log2(ratio), limited
    let step = Math.round(6 * Math.log2(ratio) * 0.5);
    step = Math.max(-RC_MAX_STEP, Math.min(RC_MAX_STEP, step));
    this.qpValue = Math.min(this.maxQp, Math.max(this.minQp, this.qpValue + step));
    if (step !== 0 && !keyframe) this.avgP *= Math.pow(2, -step / 6); // expectation at the new QP
    return this.qpValue;
  }
}
