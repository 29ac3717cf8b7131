/** RTCP receiver report (RFC 3550 6.4.2). */
import { RTCP_TYPE } from '../constants.js';
import { readU32, writeU32 } from '../bytes.js';
import { RTCP_HEADER_SIZE, need, writeRtcpHeader, type RtcpPacketBase } from './header.js';
import { REPORT_BLOCK_SIZE, parseReportsAndExtensions, reportsAndExtensionsSize, writeReportsAndExtensions, type ReportBlock } from './report-block.js';

/**
 * ```
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=RR=201   |             length            |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                     SSRC of packet sender                     |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                 report blocks (24 bytes each)                 |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                  profile-specific extensions                  |
 * ```
 */
export class ReceiverReport implements RtcpPacketBase {
  readonly kind = 'rr';
  constructor(
    public ssrc: number,
    public reports: ReportBlock[] = [],
    public extensions: Uint8Array = new Uint8Array(0),
  ) {}

  static parse(b: Uint8Array, start: number, end: number): ReceiverReport {
    const count = b[start] & 0x1f;
    let at = start + RTCP_HEADER_SIZE;
    need(at, 4 + count * REPORT_BLOCK_SIZE, end);
    const rr = new ReceiverReport(readU32(b, at));
    at += 4;
    Object.assign(rr, parseReportsAndExtensions(b, at, count, end));
    return rr;
  }

  get byteLength(): number {
    return RTCP_HEADER_SIZE + 4 + reportsAndExtensionsSize(this.reports, this.extensions);
  }

  writeTo(target: Uint8Array, offset: number): number {
    const size = this.byteLength;
    writeRtcpHeader(target, offset, this.reports.length, RTCP_TYPE.rr, size);
    writeU32(target, offset + 4, this.ssrc);
    writeReportsAndExtensions(target, offset + 8, this.reports, this.extensions, offset + size);
    return size;
  }
}
