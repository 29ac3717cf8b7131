/**
 * Deliberate packet loss at our sender, for tests and the conformance harness: a packet the
 * loss model drops is stored for retransmission and counted like any other (RFC 3550 section
 * 6.4.1 sender's packet count), but never handed to node-datachannel, so the receiver sees a
 * sequence-number gap it may ask for with a generic NACK (RFC 4585 section 6.2.1).
 *
 * The model is independent (Bernoulli) loss: each packet is lost with the same probability,
 * decided by a seeded pseudo-random sequence, so the same seed and the same packets give the
 * same drops in every run.
 */
import { DEFAULT_LOSS_SEED, Messages } from './constants.js';

export interface LossOptions {
  /** Probability that a packet is dropped, 0..1 (0.05 = 5 %). */
  rate: number;
  /** Seed of the pseudo-random sequence (any integer; default `DEFAULT_LOSS_SEED`). */
  seed?: number;
  /**
   * Whether retransmissions are dropped at the same rate (default `true`): real loss hits a
   * resent packet as well, and the receiver then NACKs it again. `false` lets every
   * retransmission through, so one NACK always repairs a gap.
   */
  retransmissions?: boolean;
}

/** The loss a sender applies now, and what it dropped since it was created. */
export interface LossStats {
  /** Rate in force (0 when no loss is set). */
  rate: number;
  seed: number;
  retransmissions: boolean;
  /** First transmissions the model decided on while a loss was set, and how many it dropped. */
  considered: number;
  dropped: number;
  /** Retransmissions the model decided on (only when `retransmissions` is on), and how many it dropped. */
  retransmissionsConsidered: number;
  retransmissionsDropped: number;
  /** Packets the loss dropped that a retransmission has since delivered (see the `lossRepaired` event). */
  repaired: number;
}

/**
 * xorshift32 (Marsaglia, "Xorshift RNGs", 2003): 32 bits of state, period 2^32 - 1, enough
 * for a loss pattern. The seed goes through MurmurHash3's 32-bit finalizer first, so that
 * neighbouring seeds (1, 2, 3...) start far apart instead of giving similar first values;
 * a state of 0 (which xorshift never leaves) is replaced by a golden-ratio constant.
 */
export class Xorshift32 {
  private state: number;

  constructor(seed: number) {
    let h = Math.trunc(seed) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    this.state = h >>> 0 || 0x9e3779b9;
  }

  /** The next value, uniform in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x1_0000_0000;
  }
}

/** Decides which packets are lost and counts them. One per sender; replaced by `setLoss`. */
export class LossModel {
  readonly rate: number;
  readonly seed: number;
  readonly retransmissions: boolean;
  /** Two sequences, so the first transmissions' pattern does not depend on how many NACKs arrived. */
  private readonly firstRandom: Xorshift32;
  private readonly retransmissionRandom: Xorshift32;

  constructor(options: LossOptions) {
    if (!(options.rate >= 0 && options.rate <= 1)) throw new RangeError(Messages.lossRate(options.rate));
    const seed = options.seed ?? DEFAULT_LOSS_SEED;
    if (!Number.isInteger(seed)) throw new RangeError(Messages.lossSeed(seed));
    this.rate = options.rate;
    this.seed = seed;
    this.retransmissions = options.retransmissions ?? true;
    this.firstRandom = new Xorshift32(seed);
    this.retransmissionRandom = new Xorshift32(seed ^ 0x5bd1e995);
  }

  /**
   * Whether the next packet is dropped. First transmissions and retransmissions draw from
   * separate sequences, so the n-th packet sent is dropped or not whatever the NACKs did; with
   * `retransmissions` off a retransmission always passes.
   */
  drop(retransmission: boolean): boolean {
    if (!retransmission) return this.firstRandom.next() < this.rate;
    return this.retransmissions && this.retransmissionRandom.next() < this.rate;
  }
}
