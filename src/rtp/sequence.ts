/** 16-bit RTP sequence number arithmetic (RFC 3550 5.1: the number wraps at 65536). */

/** Signed distance from `a` to `b`, in (-32768, 32768]: positive when `b` is newer. */
export function seqDelta(a: number, b: number): number {
  const d = (b - a) & 0xffff;
  return d > 0x8000 ? d - 0x10000 : d;
}

/** True when `b` comes after `a` in wrapped order. */
export function seqNewer(a: number, b: number): boolean {
  return seqDelta(a, b) > 0;
}

/** `seq + n` wrapped to 16 bits. */
export function seqAdd(seq: number, n: number): number {
  return (seq + n) & 0xffff;
}

/**
 * Extends 16-bit sequence numbers to a monotonic number line by tracking wrap-arounds
 * relative to the newest value seen (the "cycles" of RFC 3550 A.1).
 */
export class SequenceUnwrapper {
  private last = -1;

  /** The extended value of `seq`, placed nearest to the newest value seen so far. */
  unwrap(seq: number): number {
    if (this.last < 0) {
      this.last = seq & 0xffff;
      return this.last;
    }
    const extended = this.last + seqDelta(this.last & 0xffff, seq);
    if (extended > this.last) this.last = extended;
    return extended;
  }

  /** Newest extended value seen, or -1. */
  get newest(): number {
    return this.last;
  }

  reset(): void {
    this.last = -1;
  }
}
