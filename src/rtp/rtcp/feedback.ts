/**
 * The common header of RTCP feedback messages (RFC 4585 6.1): transport layer (RTPFB,
 * PT=205) and payload-specific (PSFB, PT=206).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|   FMT   |       PT      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :            Feedback Control Information (FCI)                 :
 * ```
 */
import { readU32, writeU32 } from '../bytes.js';
import { RTCP_HEADER_SIZE, need, writeRtcpHeader } from './header.js';

export const FEEDBACK_HEADER_SIZE = RTCP_HEADER_SIZE + 8;

export function readFeedbackSsrcs(b: Uint8Array, start: number, end: number): { senderSsrc: number; mediaSsrc: number } {
  need(start + RTCP_HEADER_SIZE, 8, end);
  return { senderSsrc: readU32(b, start + 4), mediaSsrc: readU32(b, start + 8) };
}

/** Write the 12-byte feedback header; returns the offset of the FCI. */
export function writeFeedbackHeader(
  target: Uint8Array,
  offset: number,
  fmt: number,
  packetType: number,
  byteLength: number,
  senderSsrc: number,
  mediaSsrc: number,
): number {
  writeRtcpHeader(target, offset, fmt, packetType, byteLength);
  writeU32(target, offset + 4, senderSsrc);
  writeU32(target, offset + 8, mediaSsrc);
  return offset + FEEDBACK_HEADER_SIZE;
}
