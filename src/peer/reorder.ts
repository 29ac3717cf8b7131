/**
 * A small reorder buffer for one incoming RTP stream, by 16-bit sequence number (RFC 3550
 * section 5.1: it increments by one per packet and wraps at 65,536; section A.1 for the
 * dropout and misorder limits used here).
 *
 * Packets leave in sequence-number order. A packet after a gap is held until the gap fills,
 * or until `capacity` packets are held, or until the oldest held one has waited `maxDelayMs`
 * (the caller runs `flushDue` at `nextDeadline()`); then the missing numbers are skipped and
 * reported as `lost` on the next packet released. A packet whose number was already released
 * is dropped: counted `duplicate` when it was delivered, `late` when its number had been
 * skipped as lost. A jump beyond the A.1 limits (more than MAX_DROPOUT ahead or MAX_MISORDER
 * behind) is dropped unless the next packet follows it: then the stream restarted there
 * (`resyncs`), held packets are released first and nothing is counted lost across the jump.
 *
 * Pure: no timers, no I/O; time comes from the caller.
 */
import { seqAdd, seqDelta } from '../rtp/index.js';
import { REORDER_MAX_DROPOUT, REORDER_MAX_MISORDER, REORDER_RECENT_MEMORY } from './constants.js';

export interface ReorderOptions {
  /** Packets held at most while waiting for a missing one (default 8). */
  capacity?: number;
  /** Longest a packet waits for a missing one before the gap is declared lost, ms (default 60). */
  maxDelayMs?: number;
}

/** One packet released in order. */
export interface Released<T> {
  item: T;
  sequenceNumber: number;
  /** Sequence numbers skipped (declared lost) right before this packet. */
  lost: number;
}

export interface ReorderStats {
  /** Packets pushed (everything, duplicates and late ones included). */
  received: number;
  /** Packets released in order. */
  delivered: number;
  /** Sequence numbers skipped as lost (a later arrival of one of them counts as `late` too). */
  lost: number;
  /** Packets whose number was already delivered (or is already held): dropped. */
  duplicate: number;
  /** Packets whose number had already been skipped as lost: dropped. */
  late: number;
  /** Packets that arrived after a later one and were still released in order. */
  reordered: number;
  /** Restarts of the sequence (a confirmed jump beyond the A.1 limits). */
  resyncs: number;
  /** Packets dropped for a jump beyond the limits that the next packet did not confirm. */
  outOfRange: number;
  /** Packets held now. */
  held: number;
}

interface Held<T> {
  item: T;
  at: number;
}

export class ReorderBuffer<T> {
  readonly capacity: number;
  readonly maxDelayMs: number;
  private next = -1;
  private readonly held = new Map<number, Held<T>>();
  /** Recently released numbers: true when delivered, false when skipped as lost. */
  private readonly recent = new Map<number, boolean>();
  /** A far-away packet kept in case the next one confirms a restart there. */
  private restart: { seq: number; item: T } | undefined;
  private readonly counts: Omit<ReorderStats, 'held'> = { received: 0, delivered: 0, lost: 0, duplicate: 0, late: 0, reordered: 0, resyncs: 0, outOfRange: 0 };

  constructor(options: ReorderOptions = {}) {
    this.capacity = options.capacity ?? 8;
    this.maxDelayMs = options.maxDelayMs ?? 60;
    if (!Number.isInteger(this.capacity) || this.capacity < 1 || this.capacity > 1024) throw new RangeError(`reorder capacity must be an integer from 1 to 1024, got ${this.capacity}`);
    if (!(this.maxDelayMs >= 0)) throw new RangeError(`reorder maxDelayMs must be 0 or more, got ${this.maxDelayMs}`);
  }

  get stats(): ReorderStats {
    return { ...this.counts, held: this.held.size };
  }

  /** Add one packet arriving at `nowMs`; every packet it releases goes to `out`, in order. */
  push(sequenceNumber: number, item: T, nowMs: number, out: (r: Released<T>) => void): void {
    const seq = sequenceNumber & 0xffff;
    const c = this.counts;
    c.received++;
    if (this.next < 0) {
      this.next = seq;
      this.release(seq, item, 0, out);
      return;
    }
    const d = seqDelta(this.next, seq);
    if (d > REORDER_MAX_DROPOUT || d < -REORDER_MAX_MISORDER) {
      const first = this.restart;
      if (!first || seqAdd(first.seq, 1) !== seq) {
        if (first) c.outOfRange++;
        this.restart = { seq, item };
        return;
      }
      // The packet before this one started the same far-away run: the sender restarted.
      this.restart = undefined;
      c.resyncs++;
      this.releaseAll(out);
      this.recent.clear();
      this.release(first.seq, first.item, 0, out);
      this.release(seq, item, 0, out);
      return;
    }
    if (this.restart) {
      this.restart = undefined;
      c.outOfRange++;
    }
    if (d < 0) {
      if (this.recent.get(seq) === false) c.late++;
      else c.duplicate++;
      return;
    }
    if (d === 0) {
      if (this.held.size > 0) c.reordered++;
      this.release(seq, item, 0, out);
      this.drain(out);
      return;
    }
    if (this.held.has(seq)) {
      c.duplicate++;
      return;
    }
    this.held.set(seq, { item, at: nowMs });
    if (this.held.size > this.capacity) this.skipGap(out);
  }

  /** Release what waited `maxDelayMs` or longer by `nowMs` (skipping the gaps before it). */
  flushDue(nowMs: number, out: (r: Released<T>) => void): void {
    for (;;) {
      const deadline = this.nextDeadline();
      if (deadline === undefined || deadline > nowMs) return;
      this.skipGap(out);
    }
  }

  /** When `flushDue` next has something to release, or undefined while nothing waits. */
  nextDeadline(): number | undefined {
    let oldest = Infinity;
    for (const h of this.held.values()) if (h.at < oldest) oldest = h.at;
    return oldest === Infinity ? undefined : oldest + this.maxDelayMs;
  }

  /** Release everything held, in order, gaps reported as lost (at the end of the stream). */
  releaseAll(out: (r: Released<T>) => void): void {
    while (this.held.size > 0) this.skipGap(out);
  }

  /** Skip the missing numbers before the earliest held packet, then release the run from it. */
  private skipGap(out: (r: Released<T>) => void): void {
    let first = -1;
    let best = Infinity;
    for (const seq of this.held.keys()) {
      const d = seqDelta(this.next, seq);
      if (d < best) {
        best = d;
        first = seq;
      }
    }
    if (first < 0) return;
    for (let s = this.next; s !== first; s = seqAdd(s, 1)) this.remember(s, false);
    this.counts.lost += best;
    const h = this.held.get(first)!;
    this.held.delete(first);
    this.next = first;
    this.release(first, h.item, best, out);
    this.drain(out);
  }

  /** Release the held packets that follow `next` without a gap. */
  private drain(out: (r: Released<T>) => void): void {
    for (let h = this.held.get(this.next); h; h = this.held.get(this.next)) {
      this.held.delete(this.next);
      this.release(this.next, h.item, 0, out);
    }
  }

  private release(seq: number, item: T, lost: number, out: (r: Released<T>) => void): void {
    this.remember(seq, true);
    this.next = seqAdd(seq, 1);
    this.counts.delivered++;
    out({ item, sequenceNumber: seq, lost });
  }

  private remember(seq: number, delivered: boolean): void {
    this.recent.delete(seq);
    this.recent.set(seq, delivered);
    if (this.recent.size > REORDER_RECENT_MEMORY) this.recent.delete(this.recent.keys().next().value!);
  }
}
