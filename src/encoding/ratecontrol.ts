/**
 * Frame-level rate control: picks the QP of the next picture so that the stream holds a
 * target bitrate over any few seconds. A virtual-buffer model:
 *
 * - Each picture is given `bitrate / fps` bits; the virtual buffer holds the bits spent above
 *   that allowance so far (negative when under budget). An IDR, several times a P picture's
 *   size, fills it at once.
 * - The next picture's target is the allowance minus the buffer spread over
 *   RC_HORIZON_SECONDS of pictures, so a debt (an IDR) is repaid by the following P pictures
 *   and the buffer returns to empty with a time constant of that horizon.
 * - Complexity of P and of IDR pictures is kept apart: X = bits x 2^(QP/6) (the size of a
 *   picture halves about every 6 QP steps, since Qstep doubles every 6, ITU-T H.264 8.5.9),
 *   smoothed over recent pictures of the same kind in the log domain.
 * - The next QP is the one at which the P complexity meets the target, at most RC_MAX_STEP
 *   away from the current QP, within minQp..maxQp.
 *
 * The buffer is virtual: nothing is delayed or dropped, and this is not an HRD (Annex C)
 * conformance model. `setBitrate` changes the target while running.
 */
import { RC_GAIN, RC_HORIZON_SECONDS, RC_IDR_MAX_SECONDS, RC_MAX_CREDIT_SECONDS, RC_MAX_DEBT_SECONDS, RC_MAX_QP, RC_MAX_STEP, RC_MIN_QP, RC_SMOOTHING } from './constants.js';

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
  private rate: number;
  private target: number;
  private readonly minQp: number;
  private readonly maxQp: number;
  private qpValue: number;
  /** Bits spent above the per-picture allowance so far (negative: under budget). */
  private buffer = 0;
  /** log2 of the smoothed P and IDR complexities (bits x 2^(QP/6)); NaN until seen. */
  private logP = NaN;
  private logI = NaN;
  /** QP the picture being coded was given by qpFor (the P QP when qpFor was not called). */
  private codedQp = NaN;

  constructor(opts: RateControlOptions) {
    this.target = checkBitrate(opts.bitrate);
    if (!(opts.fps > 0)) throw new RangeError(`bitrate and fps must be positive, got ${opts.bitrate} and ${opts.fps}`);
    this.rate = opts.fps;
    this.minQp = opts.minQp ?? RC_MIN_QP;
    this.maxQp = opts.maxQp ?? RC_MAX_QP;
    this.qpValue = Math.min(this.maxQp, Math.max(this.minQp, opts.initialQp ?? 30));
  }

  /** Frames per second the per-picture budget (bitrate / fps) is computed with. */
  get fps(): number {
    return this.rate;
  }

  /**
   * Change the frame rate (e.g. when the source slows down); applies from the next picture.
   * The complexity estimates are per picture and stay valid; only the budget per picture moves.
   */
  setFrameRate(fps: number): void {
    if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`fps must be positive, got ${fps}`);
    this.rate = fps;
  }

  /** Target bitrate, bits per second. */
  get bitrate(): number {
    return this.target;
  }

  /**
   * Change the target (e.g. from a bandwidth estimate); applies from the next picture. The
   * buffer keeps its debt measured in seconds of the old rate, bounded by the new one.
   */
  setBitrate(bitrate: number): void {
    const next = checkBitrate(bitrate);
    this.buffer = this.clampBuffer((this.buffer * next) / this.target, next);
    this.target = next;
  }

  /** QP for the next picture (when it is a P picture; see `qpFor`). */
  get qp(): number {
    return this.qpValue;
  }

  /**
   * QP to code the next picture with: `qp` for a P picture; for an IDR, at least `qp` and high
   * enough that the IDR complexity seen so far predicts at most RC_IDR_MAX_SECONDS of the
   * bitrate (a safety bound against huge IDRs, e.g. on noise). `update` then accounts the
   * picture at this QP.
   */
  qpFor(keyframe: boolean): number {
    let qp = this.qpValue;
    if (keyframe && !Number.isNaN(this.logI)) {
      const cap = 6 * (this.logI - Math.log2(this.target * RC_IDR_MAX_SECONDS));
      qp = Math.min(this.maxQp, Math.max(qp, Math.ceil(cap)));
    }
    this.codedQp = qp;
    return qp;
  }

  /** Bits the virtual buffer holds above the allowance (negative when under budget). */
  get bufferBits(): number {
    return this.buffer;
  }

  /** Account for a coded picture of `bytes` (coded at the current QP) and choose the next QP. */
  update(bytes: number, keyframe: boolean): number {
    const allowance = this.target / this.fps;
    const bits = Math.max(8, bytes * 8);
    this.buffer = this.clampBuffer(this.buffer + bits - allowance, this.target);
    const complexity = Math.log2(bits) + (Number.isNaN(this.codedQp) ? this.qpValue : this.codedQp) / 6;
    this.codedQp = NaN;
    if (keyframe) this.logI = Number.isNaN(this.logI) ? complexity : mix(this.logI, complexity);
    else this.logP = Number.isNaN(this.logP) ? complexity : mix(this.logP, complexity);
    // before the first P picture, guess P pictures at a sixth of the IDR
    const logP = Number.isNaN(this.logP) ? this.logI - Math.log2(6) : this.logP;
    const want = Math.max(allowance * 0.2, allowance - this.buffer / (this.fps * RC_HORIZON_SECONDS));
    const ideal = 6 * (logP - Math.log2(want));
    let step = Math.round(RC_GAIN * (ideal - this.qpValue));
    step = Math.max(-RC_MAX_STEP, Math.min(RC_MAX_STEP, step));
    this.qpValue = Math.min(this.maxQp, Math.max(this.minQp, this.qpValue + step));
    return this.qpValue;
  }

  /**
   * Debt is bounded by RC_MAX_DEBT_SECONDS of the bitrate; credit (under-spending, e.g. at the
   * lowest QP on easy content) by RC_MAX_CREDIT_SECONDS, so that it is not spent later in a
   * burst above the target.
   */
  private clampBuffer(b: number, bitrate: number): number {
    return Math.max(-RC_MAX_CREDIT_SECONDS * bitrate, Math.min(RC_MAX_DEBT_SECONDS * bitrate, b));
  }
}

function mix(old: number, now: number): number {
  return old + RC_SMOOTHING * (now - old);
}

function checkBitrate(bitrate: number): number {
  if (!(bitrate > 0) || !Number.isFinite(bitrate)) throw new RangeError(`bitrate and fps must be positive, got ${bitrate}`);
  return bitrate;
}

/** Bitrates of every sliding window over a sequence of picture sizes, and the worst deviation from a target. */
export interface WindowFigures {
  /** Lowest and highest window bitrate, bits/s. */
  min: number;
  max: number;
  /** Largest |window / target - 1|. */
  worst: number;
  /** Number of windows (one per starting picture). */
  windows: number;
}

/**
 * Bitrate of every `windowSeconds` window of pictures (`bits[i]` bits each at `fps`),
 * starting at each picture from `skipSeconds` on, against `target`. Throws when no whole
 * window fits.
 */
export function windowDeviation(bits: readonly number[], fps: number, target: number, windowSeconds = 5, skipSeconds = 0): WindowFigures {
  const len = Math.round(windowSeconds * fps);
  const start = Math.round(skipSeconds * fps);
  if (len < 1 || start + len > bits.length) throw new RangeError(`${bits.length} pictures hold no ${windowSeconds} s window after ${skipSeconds} s at ${fps} fps`);
  let sum = 0;
  for (let i = start; i < start + len; i++) sum += bits[i];
  let min = Infinity;
  let max = -Infinity;
  let windows = 0;
  for (let s = start; ; s++) {
    const rate = sum / windowSeconds;
    min = Math.min(min, rate);
    max = Math.max(max, rate);
    windows++;
    if (s + len >= bits.length) break;
    sum += bits[s + len] - bits[s];
  }
  return { min, max, worst: Math.max(Math.abs(min / target - 1), Math.abs(max / target - 1)), windows };
}
