/** Picture loss indication (RFC 4585 6.3.1): PSFB, FMT=1, no FCI. */
import { PSFB_FMT, RTCP_TYPE } from '../constants.js';
import type { RtcpPacketBase } from './header.js';
import { FEEDBACK_HEADER_SIZE, readFeedbackSsrcs, writeFeedbackHeader } from './feedback.js';

/**
 * ```
 * |V=2|P| FMT=1   |    PT=206     |          length=2             |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source                         |
 * ```
 * The receiver lost an undefined amount of coded video and asks for a decoder refresh.
 */
export class PictureLossIndication implements RtcpPacketBase {
  readonly kind = 'pli';
  constructor(
    public senderSsrc: number,
    public mediaSsrc: number,
  ) {}

  static parse(b: Uint8Array, start: number, end: number): PictureLossIndication {
    const { senderSsrc, mediaSsrc } = readFeedbackSsrcs(b, start, end);
    return new PictureLossIndication(senderSsrc, mediaSsrc);
  }

  get byteLength(): number {
    return FEEDBACK_HEADER_SIZE;
  }

  writeTo(target: Uint8Array, offset: number): number {
    writeFeedbackHeader(target, offset, PSFB_FMT.pli, RTCP_TYPE.psfb, FEEDBACK_HEADER_SIZE, this.senderSsrc, this.mediaSsrc);
    return FEEDBACK_HEADER_SIZE;
  }
}
