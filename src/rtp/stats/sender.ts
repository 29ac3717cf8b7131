/**
 * Sender-side statistics of one RTP stream: packet and octet counts, the NTP/RTP timestamp
 * mapping a sender report carries (RFC 3550 6.4.1), and the round-trip time computed from
 * the reception reports that come back (6.4.1, RTT = A - LSR - DLSR).
 */
import { SenderReport } from '../rtcp/sender-report.js';
import type { ReportBlock } from '../rtcp/report-block.js';
import { compactNtpFromUnixMs, ntpFromUnixMs } from './ntp.js';
import { computeRttMs } from './rtt.js';

export interface SenderStatisticsOptions {
  ssrc: number;
  clockRate: number;
}

export class SenderStatistics {
  readonly ssrc: number;
  private readonly clockRate: number;
  private packets = 0;
  private octets = 0;
  private refRtp = -1;
  private refMs = 0;
  private lastRtt: number | undefined;

  constructor(options: SenderStatisticsOptions) {
    this.ssrc = options.ssrc;
    this.clockRate = options.clockRate;
  }

  /**
   * Count one sent packet: `payloadBytes` excludes header and padding (6.4.1 octet
   * count). `rtpTimestamp` and `captureUnixMs` pair the media clock with the wall clock: the
   * timestamp was sampled at that wall-clock time.
   */
  onPacketSent(payloadBytes: number, rtpTimestamp: number, captureUnixMs: number): void {
    this.packets = (this.packets + 1) >>> 0;
    this.octets = (this.octets + payloadBytes) >>> 0;
    this.refRtp = rtpTimestamp >>> 0;
    this.refMs = captureUnixMs;
  }

  get packetCount(): number {
    return this.packets;
  }
  get octetCount(): number {
    return this.octets;
  }

  /** The RTP timestamp corresponding to wall-clock time `unixMs` (extrapolated). */
  rtpTimestampAt(unixMs: number): number {
    if (this.refRtp < 0) return 0;
    return (this.refRtp + Math.round(((unixMs - this.refMs) * this.clockRate) / 1000)) >>> 0;
  }

  /**
   * A sender report for wall-clock time `nowUnixMs`: its NTP timestamp and the RTP timestamp
   * of the same instant, so receivers can synchronise streams (6.4.1).
   */
  makeSenderReport(nowUnixMs: number, reports: ReportBlock[] = []): SenderReport {
    const { seconds, fraction } = ntpFromUnixMs(nowUnixMs);
    return new SenderReport(this.ssrc, seconds, fraction, this.rtpTimestampAt(nowUnixMs), this.packets, this.octets, reports);
  }

  /**
   * Take a reception report about this stream, received at `arrivalUnixMs`; returns the RTT
   * in milliseconds, or undefined when it cannot be computed (no SR echoed yet).
   */
  onReportBlock(block: ReportBlock, arrivalUnixMs: number): number | undefined {
    if (block.ssrc !== this.ssrc) return undefined;
    const rtt = computeRttMs(compactNtpFromUnixMs(arrivalUnixMs), block.lastSenderReport, block.delaySinceLastSenderReport);
    if (rtt !== undefined) this.lastRtt = rtt;
    return rtt;
  }

  /** The last RTT measured, in milliseconds. */
  get roundTripTimeMs(): number | undefined {
    return this.lastRtt;
  }
}
