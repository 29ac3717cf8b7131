/**
 * NAL unit framing: header (H.264 7.3.1), emulation prevention (7.4.1) and the Annex B
 * byte stream format (B.1: each NAL unit preceded by a 0x00000001 start code).
 */

/** nal_unit_type values used by this encoder (Table 7-1). */
export const NalType = {
  NonIdrSlice: 1,
  IdrSlice: 5,
  Sps: 7,
  Pps: 8,
} as const;

/**
 * Growable output buffer that appends Annex B NAL units: start code, header byte, then the
 * RBSP with an emulation_prevention_three_byte inserted wherever two zero bytes would be
 * followed by a byte <= 3 (7.4.1), and after a trailing 0x0000 (cabac_zero_words rule keeps
 * a NAL from ending in 0x00).
 */
export class AnnexBWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = new Uint8Array(initialBytes);
  }

  reset(): void {
    this.pos = 0;
  }

  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + extra + 1024));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Append one NAL unit: nal_ref_idc (0..3), nal_unit_type, RBSP payload. */
  writeNal(refIdc: number, type: number, rbsp: Uint8Array): void {
    // worst case: every third byte gets a 0x03
    this.ensure(5 + rbsp.length + Math.ceil(rbsp.length / 2) + 1);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0;
    b[p++] = 0;
    b[p++] = 0;
    b[p++] = 1;
    b[p++] = ((refIdc & 3) << 5) | (type & 31);
    let zeros = 0;
    for (let i = 0; i < rbsp.length; i++) {
      const v = rbsp[i];
      if (zeros >= 2 && v <= 3) {
        b[p++] = 3;
        zeros = 0;
      }
      b[p++] = v;
      zeros = v === 0 ? zeros + 1 : 0;
    }
    // An RBSP always ends with the stop bit, so its last byte is never 0; nothing more to do.
    this.pos = p;
  }

  /** Append bytes that are already Annex B NAL units (e.g. slices coded elsewhere). */
  append(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Copy of everything written since the last reset. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Remove emulation prevention bytes (inverse of the above), for tests and inspection. */
export function unescapeRbsp(ebsp: Uint8Array): Uint8Array {
  const out = new Uint8Array(ebsp.length);
  let n = 0;
  let zeros = 0;
  for (let i = 0; i < ebsp.length; i++) {
    const v = ebsp[i];
    if (zeros >= 2 && v === 3) {
      zeros = 0;
      continue;
    }
    out[n++] = v;
    zeros = v === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}

export interface NalUnit {
  /** Byte offset of the NAL header within the stream. */
  offset: number;
  refIdc: number;
  type: number;
  /** Escaped payload after the header byte (a view into the stream). */
  payload: Uint8Array;
}

/** Split an Annex B byte stream at its start codes (3- or 4-byte). */
export function splitAnnexB(stream: Uint8Array): NalUnit[] {
  const starts: number[] = [];
  for (let i = 0; i + 2 < stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      starts.push(i + 3);
      i += 2;
    }
  }
  const units: NalUnit[] = [];
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k];
    let e = k + 1 < starts.length ? starts[k + 1] - 3 : stream.length;
    while (e > s && stream[e - 1] === 0) e--; // trailing zero of a 4-byte start code
    if (e <= s) continue;
    units.push({ offset: s, refIdc: (stream[s] >> 5) & 3, type: stream[s] & 31, payload: stream.subarray(s + 1, e) });
  }
  return units;
}
