/** Full intra request (RFC 5104 4.3.1): PSFB, FMT=4. */
import { PSFB_FMT, RTCP_TYPE } from '../constants.js';
import { readU32, writeU32 } from '../bytes.js';
import type { RtcpPacketBase } from './header.js';
import { FEEDBACK_HEADER_SIZE, readFeedbackSsrcs, writeFeedbackHeader } from './feedback.js';

export interface FirEntry {
  /** SSRC of the media sender asked for a decoder refresh point. */
  ssrc: number;
  /** Command sequence number, incremented per new request (4.3.1.1). */
  sequenceNumber: number;
}

/**
 * The media source SSRC of the common header is 0 (4.3.1.2); the FCI names the targets:
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              SSRC                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Seq nr.       |    Reserved                                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export class FullIntraRequest implements RtcpPacketBase {
  readonly kind = 'fir';
  constructor(
    public senderSsrc: number,
    public entries: FirEntry[] = [],
    public mediaSsrc = 0,
  ) {}

  static parse(b: Uint8Array, start: number, end: number): FullIntraRequest {
    const { senderSsrc, mediaSsrc } = readFeedbackSsrcs(b, start, end);
    const fir = new FullIntraRequest(senderSsrc, [], mediaSsrc);
    for (let at = start + FEEDBACK_HEADER_SIZE; at + 8 <= end; at += 8) fir.entries.push({ ssrc: readU32(b, at), sequenceNumber: b[at + 4] });
    return fir;
  }

  get byteLength(): number {
    return FEEDBACK_HEADER_SIZE + this.entries.length * 8;
  }

  writeTo(target: Uint8Array, offset: number): number {
    const size = this.byteLength;
    let at = writeFeedbackHeader(target, offset, PSFB_FMT.fir, RTCP_TYPE.psfb, size, this.senderSsrc, this.mediaSsrc);
    for (const entry of this.entries) {
      writeU32(target, at, entry.ssrc);
      writeU32(target, at + 4, (entry.sequenceNumber & 0xff) << 24);
      at += 8;
    }
    return size;
  }
}
