/**
 * The header every RTCP packet starts with (RFC 3550 6.4.1, 6.1), and the interface every
 * RTCP packet class implements.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| RC/FMT  |      PT       |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * `length` is the packet size in 32-bit words minus one, header and padding included.
 */
import { MESSAGES, RTP_VERSION } from '../constants.js';
import { RtcpParseError } from '../errors.js';

export const RTCP_HEADER_SIZE = 4;

/** Every RTCP packet: a discriminating `kind`, its wire size, and a writer. */
export interface RtcpPacketBase {
  readonly kind: string;
  /** Size on the wire in bytes (a multiple of 4). */
  readonly byteLength: number;
  /** Write at `offset`; returns the bytes written. Throws RangeError when `target` is short. */
  writeTo(target: Uint8Array, offset: number): number;
}

/** Write the common header for a packet of `byteLength` bytes (a multiple of 4). */
export function writeRtcpHeader(target: Uint8Array, offset: number, count: number, packetType: number, byteLength: number): void {
  if (offset + byteLength > target.length) throw new RangeError(MESSAGES.bufferTooSmall);
  const words = byteLength / 4 - 1;
  target[offset] = (RTP_VERSION << 6) | (count & 0x1f);
  target[offset + 1] = packetType;
  target[offset + 2] = words >>> 8;
  target[offset + 3] = words;
}

/** Throw RtcpParseError unless `need` bytes remain before `end`. */
export function need(at: number, bytes: number, end: number, message: string = MESSAGES.rtcpBodyTooShort): void {
  if (at + bytes > end) throw new RtcpParseError(message, at);
}

/** Pad `n` up to a multiple of 4. */
export function pad4(n: number): number {
  return (n + 3) & ~3;
}
