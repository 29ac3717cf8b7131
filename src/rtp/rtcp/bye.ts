/** RTCP goodbye (RFC 3550 6.6). */
import { MESSAGES, RTCP_TYPE } from '../constants.js';
import { readU32, writeU32 } from '../bytes.js';
import { RTCP_HEADER_SIZE, need, pad4, writeRtcpHeader, type RtcpPacketBase } from './header.js';

/**
 * ```
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |V=2|P|    SC   |   PT=BYE=203  |             length            |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                           SSRC/CSRC                           |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       :                              ...                              :
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * (opt) |     length    |               reason for leaving            ...
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export class Goodbye implements RtcpPacketBase {
  readonly kind = 'bye';
  constructor(
    public ssrcs: number[] = [],
    public reason?: string,
  ) {}

  static parse(b: Uint8Array, start: number, end: number): Goodbye {
    const count = b[start] & 0x1f;
    let at = start + RTCP_HEADER_SIZE;
    need(at, count * 4, end);
    const bye = new Goodbye();
    for (let i = 0; i < count; i++, at += 4) bye.ssrcs.push(readU32(b, at));
    if (at < end) {
      const length = b[at];
      need(at + 1, length, end, MESSAGES.rtcpByeReasonOverrun);
      bye.reason = new TextDecoder().decode(b.subarray(at + 1, at + 1 + length));
    }
    return bye;
  }

  private reasonBytes(): Uint8Array | undefined {
    return this.reason === undefined ? undefined : new TextEncoder().encode(this.reason);
  }

  get byteLength(): number {
    const reason = this.reasonBytes();
    return RTCP_HEADER_SIZE + this.ssrcs.length * 4 + (reason ? pad4(1 + reason.length) : 0);
  }

  writeTo(target: Uint8Array, offset: number): number {
    const size = this.byteLength;
    if (this.ssrcs.length > 31) throw new RangeError('at most 31 SSRCs fit in one BYE');
    writeRtcpHeader(target, offset, this.ssrcs.length, RTCP_TYPE.bye, size);
    let at = offset + RTCP_HEADER_SIZE;
    for (const ssrc of this.ssrcs) {
      writeU32(target, at, ssrc);
      at += 4;
    }
    const reason = this.reasonBytes();
    if (reason) {
      if (reason.length > 255) throw new RangeError('a BYE reason holds at most 255 bytes');
      target[at] = reason.length;
      target.set(reason, at + 1);
      target.fill(0, at + 1 + reason.length, offset + size);
    }
    return size;
  }
}
