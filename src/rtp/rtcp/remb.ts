/** Receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb-03 2.2): PSFB, FMT=15. */
import { MESSAGES, PSFB_FMT, REMB_IDENTIFIER, RTCP_TYPE } from '../constants.js';
import { readU32, writeU32 } from '../bytes.js';
import { RtcpParseError } from '../errors.js';
import { need, type RtcpPacketBase } from './header.js';
import { FEEDBACK_HEADER_SIZE, readFeedbackSsrcs, writeFeedbackHeader } from './feedback.js';

/**
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=15  |   PT=206      |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source (0)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   SSRC feedback                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Bitrate in bits per second = mantissa (18 bits) x 2^exp (6 bits).
 */
export class ReceiverEstimatedMaxBitrate implements RtcpPacketBase {
  readonly kind = 'remb';
  constructor(
    public senderSsrc: number,
    /** Bits per second (rounded down to what exponent/mantissa can express when written). */
    public bitrate: number,
    public ssrcs: number[] = [],
    public mediaSsrc = 0,
  ) {}

  /** True when a PSFB FMT=15 body starts with the 'REMB' identifier. */
  static matches(b: Uint8Array, start: number, end: number): boolean {
    return start + FEEDBACK_HEADER_SIZE + 4 <= end && readU32(b, start + FEEDBACK_HEADER_SIZE) === REMB_IDENTIFIER;
  }

  static parse(b: Uint8Array, start: number, end: number): ReceiverEstimatedMaxBitrate {
    const { senderSsrc, mediaSsrc } = readFeedbackSsrcs(b, start, end);
    let at = start + FEEDBACK_HEADER_SIZE;
    need(at, 8, end);
    if (readU32(b, at) !== REMB_IDENTIFIER) throw new RtcpParseError(MESSAGES.rtcpRembIdentifier, at);
    const count = b[at + 4];
    const exp = b[at + 5] >> 2;
    const mantissa = ((b[at + 5] & 0x03) << 16) | (b[at + 6] << 8) | b[at + 7];
    at += 8;
    need(at, count * 4, end, MESSAGES.rtcpRembOverrun);
    const ssrcs: number[] = [];
    for (let i = 0; i < count; i++, at += 4) ssrcs.push(readU32(b, at));
    return new ReceiverEstimatedMaxBitrate(senderSsrc, mantissa * 2 ** exp, ssrcs, mediaSsrc);
  }

  /** The exponent and 18-bit mantissa that express `bitrate` (rounded down). */
  static encodeBitrate(bitrate: number): { exp: number; mantissa: number } {
    let exp = 0;
    let value = Math.max(0, Math.floor(bitrate));
    while (value >= 0x40000 && exp < 63) {
      value = Math.floor(value / 2);
      exp++;
    }
    return { exp, mantissa: Math.min(value, 0x3ffff) };
  }

  get byteLength(): number {
    return FEEDBACK_HEADER_SIZE + 8 + this.ssrcs.length * 4;
  }

  writeTo(target: Uint8Array, offset: number): number {
    const size = this.byteLength;
    if (this.ssrcs.length > 255) throw new RangeError('at most 255 SSRCs fit in one REMB');
    let at = writeFeedbackHeader(target, offset, PSFB_FMT.afb, RTCP_TYPE.psfb, size, this.senderSsrc, this.mediaSsrc);
    const { exp, mantissa } = ReceiverEstimatedMaxBitrate.encodeBitrate(this.bitrate);
    writeU32(target, at, REMB_IDENTIFIER);
    target[at + 4] = this.ssrcs.length;
    target[at + 5] = (exp << 2) | (mantissa >>> 16);
    target[at + 6] = mantissa >>> 8;
    target[at + 7] = mantissa;
    at += 8;
    for (const ssrc of this.ssrcs) {
      writeU32(target, at, ssrc);
      at += 4;
    }
    return size;
  }
}
