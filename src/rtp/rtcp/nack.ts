/** Generic NACK (RFC 4585 6.2.1). */
import { RTCP_TYPE, RTPFB_FMT } from '../constants.js';
import { readU16, writeU16 } from '../bytes.js';
import { seqDelta } from '../sequence.js';
import type { RtcpPacketBase } from './header.js';
import { FEEDBACK_HEADER_SIZE, readFeedbackSsrcs, writeFeedbackHeader } from './feedback.js';

/** One FCI entry: a lost packet id and a bitmask of the 16 following ones. */
export interface NackEntry {
  pid: number;
  blp: number;
}

/**
 * RTPFB, FMT=1. FCI (one or more):
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            PID                |             BLP               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Bit i of BLP (least significant first) reports packet PID+i+1 lost too.
 */
export class GenericNack implements RtcpPacketBase {
  readonly kind = 'nack';
  constructor(
    public senderSsrc: number,
    public mediaSsrc: number,
    public entries: NackEntry[] = [],
  ) {}

  /**
   * Build the fewest entries covering `sequenceNumbers` (any order, duplicates allowed,
   * wrap-around aware: ordered relative to the first one).
   */
  static fromSequenceNumbers(senderSsrc: number, mediaSsrc: number, sequenceNumbers: readonly number[]): GenericNack {
    const nack = new GenericNack(senderSsrc, mediaSsrc);
    if (!sequenceNumbers.length) return nack;
    const origin = sequenceNumbers[0] & 0xffff;
    const relative = [...new Set(sequenceNumbers.map((s) => seqDelta(origin, s & 0xffff)))].sort((a, b) => a - b);
    let entry: NackEntry | undefined;
    let entryRel = 0;
    for (const rel of relative) {
      if (entry && rel - entryRel <= 16) {
        entry.blp |= 1 << (rel - entryRel - 1);
      } else {
        entry = { pid: (origin + rel) & 0xffff, blp: 0 };
        entryRel = rel;
        nack.entries.push(entry);
      }
    }
    return nack;
  }

  /** Every sequence number this NACK reports lost, in entry order. */
  sequenceNumbers(): number[] {
    const out: number[] = [];
    for (const { pid, blp } of this.entries) {
      out.push(pid);
      for (let i = 0; i < 16; i++) if (blp & (1 << i)) out.push((pid + i + 1) & 0xffff);
    }
    return out;
  }

  static parse(b: Uint8Array, start: number, end: number): GenericNack {
    const { senderSsrc, mediaSsrc } = readFeedbackSsrcs(b, start, end);
    const nack = new GenericNack(senderSsrc, mediaSsrc);
    for (let at = start + FEEDBACK_HEADER_SIZE; at + 4 <= end; at += 4) nack.entries.push({ pid: readU16(b, at), blp: readU16(b, at + 2) });
    return nack;
  }

  get byteLength(): number {
    return FEEDBACK_HEADER_SIZE + this.entries.length * 4;
  }

  writeTo(target: Uint8Array, offset: number): number {
    const size = this.byteLength;
    let at = writeFeedbackHeader(target, offset, RTPFB_FMT.nack, RTCP_TYPE.rtpfb, size, this.senderSsrc, this.mediaSsrc);
    for (const { pid, blp } of this.entries) {
      writeU16(target, at, pid);
      writeU16(target, at + 2, blp);
      at += 4;
    }
    return size;
  }
}
