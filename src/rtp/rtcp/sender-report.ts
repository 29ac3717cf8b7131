/** RTCP sender report (RFC 3550 6.4.1). */
import { RTCP_TYPE } from '../constants.js';
import { readU32, writeU32 } from '../bytes.js';
import { RTCP_HEADER_SIZE, need, writeRtcpHeader, type RtcpPacketBase } from './header.js';
import { REPORT_BLOCK_SIZE, parseReportsAndExtensions, reportsAndExtensionsSize, writeReportsAndExtensions, type ReportBlock } from './report-block.js';

/**
 * ```
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=SR=200   |             length            |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         SSRC of sender                        |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * sender |              NTP timestamp, most significant word             |
 * info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |             NTP timestamp, least significant word             |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         RTP timestamp                         |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                     sender's packet count                     |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                      sender's octet count                     |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                 report blocks (24 bytes each)                 |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                  profile-specific extensions                  |
 * ```
 */
export class SenderReport implements RtcpPacketBase {
  readonly kind = 'sr';
  constructor(
    public ssrc: number,
    /** NTP timestamp, seconds since 1900 (most significant word). */
    public ntpSeconds: number,
    /** NTP timestamp, fraction of a second in 1/2^32 (least significant word). */
    public ntpFraction: number,
    public rtpTimestamp: number,
    public packetCount: number,
    public octetCount: number,
    public reports: ReportBlock[] = [],
    public extensions: Uint8Array = new Uint8Array(0),
  ) {}

  /** Middle 32 bits of the NTP timestamp: what a receiver echoes as LSR (6.4.1). */
  get ntpMiddle(): number {
    return (((this.ntpSeconds & 0xffff) << 16) | (this.ntpFraction >>> 16)) >>> 0;
  }

  static parse(b: Uint8Array, start: number, end: number): SenderReport {
    const count = b[start] & 0x1f;
    let at = start + RTCP_HEADER_SIZE;
    need(at, 24 + count * REPORT_BLOCK_SIZE, end);
    const sr = new SenderReport(readU32(b, at), readU32(b, at + 4), readU32(b, at + 8), readU32(b, at + 12), readU32(b, at + 16), readU32(b, at + 20));
    at += 24;
    Object.assign(sr, parseReportsAndExtensions(b, at, count, end));
    return sr;
  }

  get byteLength(): number {
    return RTCP_HEADER_SIZE + 24 + reportsAndExtensionsSize(this.reports, this.extensions);
  }

  writeTo(target: Uint8Array, offset: number): number {
    const size = this.byteLength;
    writeRtcpHeader(target, offset, this.reports.length, RTCP_TYPE.sr, size);
    let at = offset + RTCP_HEADER_SIZE;
    for (const v of [this.ssrc, this.ntpSeconds, this.ntpFraction, this.rtpTimestamp, this.packetCount, this.octetCount]) {
      writeU32(target, at, v);
      at += 4;
    }
    writeReportsAndExtensions(target, at, this.reports, this.extensions, offset + size);
    return size;
  }
}
