/**
 * Reception report block (RFC 3550 6.4.1), carried by SR and RR.
 */
import { readU32, writeU32 } from '../bytes.js';

/**
 * ```
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * ```
 * `cumulativeLost` is a signed 24-bit number (duplicates can make it negative, A.3).
 * `fractionLost` is the fraction of the interval's expected packets lost, times 256.
 * LSR is the middle 32 bits of the last SR's NTP timestamp; DLSR is in 1/65536 s.
 */
export interface ReportBlock {
  ssrc: number;
  fractionLost: number;
  cumulativeLost: number;
  extendedHighestSequence: number;
  jitter: number;
  lastSenderReport: number;
  delaySinceLastSenderReport: number;
}

export const REPORT_BLOCK_SIZE = 24;

export function parseReportBlock(b: Uint8Array, at: number): ReportBlock {
  const lost = ((b[at + 5] << 16) | (b[at + 6] << 8) | b[at + 7]) << 8 >> 8; // sign-extend 24 bits
  return {
    ssrc: readU32(b, at),
    fractionLost: b[at + 4],
    cumulativeLost: lost,
    extendedHighestSequence: readU32(b, at + 8),
    jitter: readU32(b, at + 12),
    lastSenderReport: readU32(b, at + 16),
    delaySinceLastSenderReport: readU32(b, at + 20),
  };
}

export function writeReportBlock(target: Uint8Array, at: number, block: ReportBlock): void {
  writeU32(target, at, block.ssrc);
  const lost = Math.max(-0x800000, Math.min(0x7fffff, block.cumulativeLost)) & 0xffffff;
  writeU32(target, at + 4, ((block.fractionLost & 0xff) << 24) | lost);
  writeU32(target, at + 8, block.extendedHighestSequence);
  writeU32(target, at + 12, block.jitter);
  writeU32(target, at + 16, block.lastSenderReport);
  writeU32(target, at + 20, block.delaySinceLastSenderReport);
}

/** `count` report blocks from `at`, then the profile-specific extensions up to `end` (SR and RR). */
export function parseReportsAndExtensions(b: Uint8Array, at: number, count: number, end: number): { reports: ReportBlock[]; extensions: Uint8Array } {
  const reports: ReportBlock[] = [];
  for (let i = 0; i < count; i++, at += REPORT_BLOCK_SIZE) reports.push(parseReportBlock(b, at));
  return { reports, extensions: b.slice(at, end) };
}

/** Bytes the report blocks and the (32-bit padded) extensions take. */
export function reportsAndExtensionsSize(reports: readonly ReportBlock[], extensions: Uint8Array): number {
  return reports.length * REPORT_BLOCK_SIZE + ((extensions.length + 3) & ~3);
}

/** Write report blocks and extensions at `at`, zero-padding up to `packetEnd`. */
export function writeReportsAndExtensions(target: Uint8Array, at: number, reports: readonly ReportBlock[], extensions: Uint8Array, packetEnd: number): void {
  if (reports.length > 31) throw new RangeError('at most 31 report blocks fit in one SR or RR');
  for (const block of reports) {
    writeReportBlock(target, at, block);
    at += REPORT_BLOCK_SIZE;
  }
  target.set(extensions, at);
  target.fill(0, at + extensions.length, packetEnd);
}
