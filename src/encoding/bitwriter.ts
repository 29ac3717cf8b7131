/**
 * MSB-first bit writer for H.264 RBSP syntax (ITU-T H.264 7.2: u(n), ue(v), se(v)) and
 * Exp-Golomb codes (9.1). One writer is reused for every NAL unit: `reset()` keeps its buffer.
 */
export class BitWriter {
  private buf: Uint8Array;
  private pos = 0; // bytes fully written
  private acc = 0; // pending bits (up to 31), right-aligned
  private accBits = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = new Uint8Array(initialBytes);
  }

  reset(): void {
    this.pos = 0;
    this.acc = 0;
    this.accBits = 0;
  }

  /** Number of bits written so far. */
  get bitLength(): number {
    return this.pos * 8 + this.accBits;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + extra + 1024));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** u(n): write the `n` (0..32) low bits of `value`, most significant first. */
  u(n: number, value: number): void {
    if (n > 24) {
      this.u(n - 16, Math.floor(value / 65536));
      this.u(16, value & 0xffff);
      return;
    }
    if (n === 0) return;
    this.acc = ((this.acc << n) | (value & ((1 << n) - 1))) >>> 0;
    this.accBits += n;
    if (this.accBits >= 8) {
      this.ensure(4);
      while (this.accBits >= 8) {
        this.accBits -= 8;
        this.buf[this.pos++] = (this.acc >>> this.accBits) & 0xff;
      }
      this.acc &= (1 << this.accBits) - 1;
    }
  }

  /** u(1) */
  flag(b: boolean | number): void {
    this.u(1, b ? 1 : 0);
  }

  /** ue(v), 9.1: codeNum k coded as (leadingZeros) 0s, a 1, then leadingZeros info bits. */
  ue(k: number): void {
    const v = k + 1;
    const len = 32 - Math.clz32(v); // bits of v
    if (len <= 16) {
      this.u(2 * len - 1, v);
    } else {
      this.u(len - 1, 0);
      this.u(len, v);
    }
  }

  /** se(v), 9.1.1: positive v maps to 2v-1, non-positive to -2v. */
  se(v: number): void {
    this.ue(v > 0 ? 2 * v - 1 : -2 * v);
  }

  /** rbsp_trailing_bits(), 7.3.2.11: a stop bit then zero bits to the byte boundary. */
  trailing(): void {
    this.u(1, 1);
    if (this.accBits > 0) this.u(8 - this.accBits, 0);
  }

  get byteAligned(): boolean {
    return this.accBits === 0;
  }

  /** View of the bytes written so far (only complete bytes); valid until the next write. */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Number of bits ue(v) uses for codeNum k. */
export function ueBits(k: number): number {
  return 2 * (32 - Math.clz32(k + 1)) - 1;
}

/** Number of bits se(v) uses for value v. */
export function seBits(v: number): number {
  return ueBits(v > 0 ? 2 * v - 1 : -2 * v);
}
