/** Any RTCP packet this module does not decode (APP, XR, other feedback), kept as bytes. */
import { RTCP_HEADER_SIZE, type RtcpPacketBase } from './header.js';
import { MESSAGES } from '../constants.js';

export class UnknownRtcpPacket implements RtcpPacketBase {
  readonly kind = 'unknown';
  constructor(
    /** The whole packet, header included, without any padding (a copy). */
    public bytes: Uint8Array,
  ) {}

  get packetType(): number {
    return this.bytes[1];
  }

  /** The 5-bit count/FMT field. */
  get count(): number {
    return this.bytes[0] & 0x1f;
  }

  static parse(b: Uint8Array, start: number, end: number): UnknownRtcpPacket {
    return new UnknownRtcpPacket(b.slice(start, end));
  }

  get byteLength(): number {
    return (Math.max(this.bytes.length, RTCP_HEADER_SIZE) + 3) & ~3;
  }

  /** Writes the stored bytes, with the length field and padding brought in line. */
  writeTo(target: Uint8Array, offset: number): number {
    const size = this.byteLength;
    if (offset + size > target.length) throw new RangeError(MESSAGES.bufferTooSmall);
    target.set(this.bytes, offset);
    target.fill(0, offset + this.bytes.length, offset + size);
    target[offset] &= 0xdf; // no padding bit: the padding was not kept
    const words = size / 4 - 1;
    target[offset + 2] = words >>> 8;
    target[offset + 3] = words;
    return size;
  }
}
