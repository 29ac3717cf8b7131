/**
 * Receiver-side statistics of one RTP source (RFC 3550 appendix A): sequence number
 * validation with probation (A.1), lost packets and fraction lost per report interval
 * (A.3), interarrival jitter (A.8), and the report block that carries them (6.4.1).
 */
import { MAX_DROPOUT, MAX_MISORDER, MIN_SEQUENTIAL, RTP_SEQ_MOD } from '../constants.js';
import type { ReportBlock } from '../rtcp/report-block.js';
import type { SenderReport } from '../rtcp/sender-report.js';

export interface ReceiverStatisticsOptions {
  ssrc: number;
  /** RTP clock rate of the source (90000 for H.264, 48000 for Opus). */
  clockRate: number;
  /**
   * Update jitter only when the RTP timestamp changes (default true): packets of one video
   * frame share a timestamp but leave the sender paced over several milliseconds, which A.8
   * would count as jitter. libwebrtc does the same.
   */
  jitterOnNewTimestampOnly?: boolean;
}

/** RFC 3550 A.1 source state, with the A.3 and A.8 additions. */
export class ReceiverStatistics {
  readonly ssrc: number;
  private readonly clockRate: number;
  private readonly jitterOnNewTimestampOnly: boolean;
  private started = false;
  private maxSeq = 0;
  private cycles = 0;
  private baseSeq = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private probation = 0;
  private receivedCount = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private transit = 0;
  private jitterValue = 0;
  private lastTimestamp = -1;
  private hasTransit = false;
  private lastSrCompact = 0;
  private lastSrArrivalMs = 0;

  constructor(options: ReceiverStatisticsOptions) {
    this.ssrc = options.ssrc;
    this.clockRate = options.clockRate;
    this.jitterOnNewTimestampOnly = options.jitterOnNewTimestampOnly ?? true;
  }

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.receivedCount = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }

  /**
   * Account for one received packet (A.1 update_seq). Returns false while the source is on
   * probation or when the packet is a large jump not (yet) confirmed as a restart.
   */
  private updateSeq(seq: number): boolean {
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation) {
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.receivedCount++;
          return true;
        }
      } else {
        this.probation = MIN_SEQUENTIAL - 1;
        this.maxSeq = seq;
      }
      return false;
    } else if (udelta < MAX_DROPOUT) {
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD; // wrapped
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // A very large jump: a restart if the next packet follows it.
      if (seq === this.badSeq) {
        this.initSeq(seq);
      } else {
        this.badSeq = (seq + 1) & (RTP_SEQ_MOD - 1);
        return false;
      }
    }
    // else: duplicate or reordered packet, counted as received
    this.receivedCount++;
    return true;
  }

  /**
   * Record a packet arriving at `arrivalMs` (any millisecond clock). Returns whether the
   * packet counted as valid (A.1).
   */
  onPacket(sequenceNumber: number, rtpTimestamp: number, arrivalMs: number): boolean {
    if (!this.started) {
      this.started = true;
      this.initSeq(sequenceNumber);
      this.maxSeq = (sequenceNumber - 1) & 0xffff;
      this.probation = MIN_SEQUENTIAL;
    }
    const valid = this.updateSeq(sequenceNumber);
    if (!valid) return false;
    // A.8: transit time in timestamp units; J += (|D| - J) / 16
    if (!this.jitterOnNewTimestampOnly || rtpTimestamp !== this.lastTimestamp) {
      const arrival = (arrivalMs * this.clockRate) / 1000;
      const transit = arrival - rtpTimestamp;
      if (this.hasTransit) {
        let d = transit - this.transit;
        // Timestamps wrap at 2^32: take the nearest difference.
        if (d > 0x80000000) d -= 0x1_0000_0000;
        else if (d < -0x80000000) d += 0x1_0000_0000;
        this.jitterValue += (Math.abs(d) - this.jitterValue) / 16;
      }
      this.transit = transit;
      this.hasTransit = true;
      this.lastTimestamp = rtpTimestamp;
    }
    return true;
  }

  /** Remember a sender report from this source, received at `arrivalMs`, for LSR/DLSR. */
  onSenderReport(sr: SenderReport, arrivalMs: number): void {
    this.lastSrCompact = sr.ntpMiddle;
    this.lastSrArrivalMs = arrivalMs;
  }

  /** Packets received (including duplicates, A.3). */
  get received(): number {
    return this.receivedCount;
  }
  /** Extended highest sequence number received (cycles + max_seq). */
  get extendedHighestSequence(): number {
    return this.cycles + this.maxSeq;
  }
  get expected(): number {
    return this.started && !this.probation ? this.extendedHighestSequence - this.baseSeq + 1 : 0;
  }
  /** Cumulative number of packets lost, clamped to 24 signed bits (A.3). */
  get cumulativeLost(): number {
    return Math.max(-0x800000, Math.min(0x7fffff, this.expected - this.receivedCount));
  }
  /** Interarrival jitter in RTP timestamp units. */
  get jitter(): number {
    return this.jitterValue;
  }
  get jitterMs(): number {
    return (this.jitterValue * 1000) / this.clockRate;
  }

  /**
   * The report block for this source, ending the current interval (A.3: fraction lost is
   * over the packets expected since the previous report). `nowMs` is on the same clock as
   * the arrival times given to onSenderReport.
   */
  makeReportBlock(nowMs: number): ReportBlock {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.receivedCount - this.receivedPrior;
    this.receivedPrior = this.receivedCount;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    const dlsr = this.lastSrCompact ? Math.max(0, Math.round(((nowMs - this.lastSrArrivalMs) * 65536) / 1000)) : 0;
    return {
      ssrc: this.ssrc,
      fractionLost: Math.min(255, fractionLost),
      cumulativeLost: this.cumulativeLost,
      extendedHighestSequence: this.extendedHighestSequence >>> 0,
      jitter: Math.floor(this.jitterValue) >>> 0,
      lastSenderReport: this.lastSrCompact,
      delaySinceLastSenderReport: dlsr >>> 0,
    };
  }
}
