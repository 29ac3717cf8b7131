/**
 * The receive side of an audio track: the remote's Opus RTP (RFC 3550, RFC 7587: one Opus
 * packet per RTP payload, 48 kHz clock) in sequence-number order through a small reorder
 * buffer, with gaps reported so the consumer can conceal them, and reception statistics
 * (RFC 3550 appendix A) for our receiver reports.
 *
 * node-datachannel hands a track without a media handler every incoming packet on
 * `track.onMessage`, SRTP/SRTCP already removed: the remote's RTP and its RTCP on the same
 * callback. They are told apart as RFC 5761 section 4 says: an RTCP packet type (200-204,
 * 205-206...) read as RTP is a payload type of 64-95 with the marker bit set
 * (`isRtpPacket` of src/rtp). On a send-and-receive track the `MediaSender` owns the callback
 * and hands RTP and the parsed RTCP to this receiver; on a receive-only track the receiver
 * binds the track itself (`bind`) and sends receiver reports of its own.
 */
import type { Track } from 'node-datachannel';
import { TypedEmitter } from '../datachannel/index.js';
import {
  isRtpPacket,
  opusPacketSamples,
  parseRtcp,
  ReceiverReport,
  ReceiverStatistics,
  RtpPacket,
  serializeRtcp,
  SourceDescription,
  type ReportBlock,
  type RtcpPacket,
} from '../rtp/index.js';
import { DEFAULT_REORDER_CAPACITY, DEFAULT_REORDER_MAX_DELAY_MS, DEFAULT_RR_INTERVAL_MS } from './constants.js';
import { ReorderBuffer, type ReorderOptions } from './reorder.js';

/** One Opus packet from the remote, released in sequence-number order. */
export interface AudioPacket {
  mid: string;
  /** The remote's RTP SSRC. */
  ssrc: number;
  payloadType: number;
  sequenceNumber: number;
  /** RTP timestamp, 48 kHz clock (RFC 7587 4.1). */
  rtpTimestamp: number;
  /** Marker bit: first packet of a talkspurt (RFC 7587 4.1). */
  marker: boolean;
  /** The Opus packet (RFC 7587 4.2), an owned copy. */
  payload: Uint8Array;
  /** 48 kHz samples per channel it decodes to (from its TOC, RFC 6716 3.1). */
  samples: number;
  /**
   * Packets right before this one that the consumer will never get: lost in the network
   * (skipped by the reorder buffer) or dropped here (not Opus, malformed). Conceal them, e.g.
   * `OpusDecoder.decodeLost` over the RTP timestamp gap.
   */
  lost: number;
  /** `Date.now()` when node-datachannel delivered it. */
  receivedAtMs: number;
}

export interface AudioReceiverEvents {
  audioPacket: AudioPacket;
}

export interface ReceiverStats {
  mid: string;
  kind: 'audio';
  payloadType: number;
  /** The remote's SSRC, once a packet came. */
  ssrc: number | undefined;
  /** RTP packets that reached this track (all of them). */
  packetsReceived: number;
  /** Packets handed out as `audioPacket`. */
  packetsDelivered: number;
  /** Opus payload bytes handed out. */
  bytesDelivered: number;
  /** Sequence numbers never received (skipped after waiting). */
  lost: number;
  /** Packets dropped because their number was already delivered. */
  duplicate: number;
  /** Packets dropped because their number had already been given up as lost. */
  late: number;
  /** Packets that came after a later one and were still delivered in order. */
  reordered: number;
  /** Restarts of the remote's sequence numbers, and SSRC changes. */
  resyncs: number;
  ssrcChanges: number;
  /** RTP packets that did not parse, or whose payload is no Opus packet. */
  malformed: number;
  /** RTP packets of another payload type than the negotiated Opus one (dropped). */
  otherPayloadType: number;
  /** Packets held now, waiting for a missing one. */
  held: number;
  /** RFC 3550 A.8 interarrival jitter, ms. */
  jitterMs: number;
  /** RFC 3550 A.3 cumulative lost, as our reports carry it. */
  cumulativeLost: number;
  /** RTCP from the remote: sender reports about its stream, BYEs, compounds that did not parse. */
  senderReports: number;
  byes: number;
  rtcpMalformed: number;
  /** Receiver reports we sent (receive-only track; on a sending track our SRs carry the report block). */
  receiverReportsSent: number;
}

export interface AudioReceiverOptions {
  mid: string;
  /** The negotiated Opus payload type; any other is dropped and counted. */
  payloadType: number;
  reorder?: ReorderOptions;
}

/** What waits in the reorder buffer: an Opus packet, or a place holder for a packet we drop. */
type Slot = AudioPacket | null;

/** Opus reception of one track (see the module comment). */
export class AudioReceiver extends TypedEmitter<AudioReceiverEvents> {
  readonly kind = 'audio';
  readonly clockRate = 48_000;
  readonly mid: string;
  readonly payloadType: number;
  private reorder: ReorderBuffer<Slot>;
  private readonly reorderOptions: ReorderOptions;
  private readonly view = new RtpPacket();
  private remoteSsrc: number | undefined;
  private statistics: ReceiverStatistics | undefined;
  /** Dropped packets (null slots) released since the last delivered packet. */
  private pendingDropped = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushAt = Infinity;
  private rrTimer: NodeJS.Timeout | undefined;
  private track: Track | undefined;
  private closed = false;
  /** Counters kept across SSRC changes (the reorder buffer's are added in getStats). */
  private readonly past = { lost: 0, duplicate: 0, late: 0, reordered: 0, resyncs: 0, delivered: 0 };
  private readonly counts = { packetsReceived: 0, bytesDelivered: 0, ssrcChanges: 0, malformed: 0, otherPayloadType: 0, senderReports: 0, byes: 0, rtcpMalformed: 0, receiverReportsSent: 0 };
  /** The last error a native callback swallowed (kept for diagnosis). */
  lastError: unknown;

  constructor(options: AudioReceiverOptions) {
    super();
    this.mid = options.mid;
    this.payloadType = options.payloadType;
    this.reorderOptions = { capacity: options.reorder?.capacity ?? DEFAULT_REORDER_CAPACITY, maxDelayMs: options.reorder?.maxDelayMs ?? DEFAULT_REORDER_MAX_DELAY_MS };
    this.reorder = new ReorderBuffer(this.reorderOptions);
  }

  /** The remote's SSRC, once a packet came. */
  get ssrc(): number | undefined {
    return this.remoteSsrc;
  }

  /**
   * Take one RTP packet as node-datachannel delivered it (SRTP removed). Malformed bytes and
   * other payload types are counted and dropped; never throws.
   */
  handleRtp(bytes: Uint8Array, receivedAtMs = Date.now(), nowMs = performance.now()): void {
    if (this.closed) return;
    this.counts.packetsReceived++;
    let p: RtpPacket;
    try {
      p = this.view.wrap(bytes);
    } catch {
      this.counts.malformed++;
      return;
    }
    const ssrc = p.ssrc;
    if (this.remoteSsrc !== ssrc) {
      if (this.remoteSsrc !== undefined) this.restart();
      this.remoteSsrc = ssrc;
      this.statistics = new ReceiverStatistics({ ssrc, clockRate: this.clockRate });
    }
    this.statistics!.onPacket(p.sequenceNumber, p.timestamp, receivedAtMs);
    let slot: Slot = null;
    if (p.payloadType !== this.payloadType) this.counts.otherPayloadType++;
    else {
      const payload = p.payload;
      const samples = opusPacketSamples(payload);
      if (samples < 0) this.counts.malformed++;
      else {
        slot = {
          mid: this.mid,
          ssrc,
          payloadType: p.payloadType,
          sequenceNumber: p.sequenceNumber,
          rtpTimestamp: p.timestamp,
          marker: p.marker,
          payload: payload.slice(),
          samples,
          lost: 0,
          receivedAtMs,
        };
      }
    }
    this.reorder.push(p.sequenceNumber, slot, nowMs, this.out);
    this.armFlush(nowMs);
  }

  /** One RTCP packet from the remote (already parsed): its SRs give LSR/DLSR for our reports. */
  handleRtcp(packet: RtcpPacket, arrivalMs = Date.now()): void {
    if (this.closed || this.remoteSsrc === undefined) return;
    if (packet.kind === 'sr' && packet.ssrc === this.remoteSsrc) {
      this.counts.senderReports++;
      this.statistics?.onSenderReport(packet, arrivalMs);
    } else if (packet.kind === 'bye' && packet.ssrcs.includes(this.remoteSsrc)) {
      this.counts.byes++;
    }
  }

  /** One message of a track this receiver owns: RTP or RTCP (RFC 5761 section 4). */
  handleMessage(bytes: Uint8Array): void {
    if (isRtpPacket(bytes)) return this.handleRtp(bytes);
    let packets: RtcpPacket[];
    try {
      packets = parseRtcp(bytes);
    } catch {
      this.counts.rtcpMalformed++;
      return;
    }
    const arrival = Date.now();
    for (const p of packets) this.handleRtcp(p, arrival);
  }

  /** The RFC 3550 6.4.1 report block about the remote's stream (ends the report interval), or undefined before any packet. */
  reportBlock(nowMs = Date.now()): ReportBlock | undefined {
    return this.statistics?.makeReportBlock(nowMs);
  }

  /**
   * Own a receive-only track: its messages come here (guarded: nothing throws into
   * node-datachannel), and once it opens an RR (RFC 3550 6.4.2) with SDES CNAME goes out
   * every `intervalMs` under `reporterSsrc`.
   */
  bind(track: Track, report: { reporterSsrc: number; cname: string; intervalMs?: number }): void {
    this.track = track;
    track.onMessage((m) => this.guard(() => this.handleMessage(new Uint8Array(m.buffer, m.byteOffset, m.byteLength))));
    track.onOpen(() =>
      this.guard(() => {
        if (this.closed || this.rrTimer) return;
        this.rrTimer = setInterval(() => this.guard(() => this.sendReceiverReport(report.reporterSsrc, report.cname)), report.intervalMs ?? DEFAULT_RR_INTERVAL_MS);
      }),
    );
    // node-datachannel releases a track's native callbacks only from its closed callback.
    track.onClosed(() => this.guard(() => this.stopTimers()));
  }

  private sendReceiverReport(reporterSsrc: number, cname: string): void {
    const track = this.track;
    const block = this.reportBlock();
    if (!track || this.closed || !block || !track.isOpen()) return;
    const compound = serializeRtcp([new ReceiverReport(reporterSsrc, [block]), SourceDescription.cname(reporterSsrc, cname)]);
    if (track.sendMessageBinary(Buffer.from(compound.buffer, compound.byteOffset, compound.byteLength))) this.counts.receiverReportsSent++;
  }

  /** Counted by the MediaSender when its SR carried our report block. */
  noteReportSent(): void {
    this.counts.receiverReportsSent++;
  }

  getStats(): ReceiverStats {
    const r = this.reorder.stats;
    const p = this.past;
    return {
      mid: this.mid,
      kind: 'audio',
      payloadType: this.payloadType,
      ssrc: this.remoteSsrc,
      packetsReceived: this.counts.packetsReceived,
      packetsDelivered: p.delivered + r.delivered - this.droppedReleased,
      bytesDelivered: this.counts.bytesDelivered,
      lost: p.lost + r.lost,
      duplicate: p.duplicate + r.duplicate,
      late: p.late + r.late,
      reordered: p.reordered + r.reordered,
      resyncs: p.resyncs + r.resyncs,
      ssrcChanges: this.counts.ssrcChanges,
      malformed: this.counts.malformed,
      otherPayloadType: this.counts.otherPayloadType,
      held: r.held,
      jitterMs: this.statistics?.jitterMs ?? 0,
      cumulativeLost: this.statistics?.cumulativeLost ?? 0,
      senderReports: this.counts.senderReports,
      byes: this.counts.byes,
      rtcpMalformed: this.counts.rtcpMalformed,
      receiverReportsSent: this.counts.receiverReportsSent,
    };
  }

  /** Stops the timers (held packets are dropped) and closes a bound track. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopTimers();
    if (this.track) {
      try {
        this.track.close();
      } catch {
        // closed with its peer already
      }
    }
  }

  /** Null slots released (dropped packets): not delivered, so not in packetsDelivered. */
  private droppedReleased = 0;

  private readonly out = (r: { item: Slot; sequenceNumber: number; lost: number }): void => {
    if (r.item === null) {
      this.pendingDropped += r.lost + 1;
      this.droppedReleased++;
      return;
    }
    const packet = r.item;
    packet.lost = r.lost + this.pendingDropped;
    this.pendingDropped = 0;
    this.counts.bytesDelivered += packet.payload.length;
    this.emit('audioPacket', packet);
  };

  /** A new SSRC: the old stream's held packets go out first, then counting starts again. */
  private restart(): void {
    this.reorder.releaseAll(this.out);
    const r = this.reorder.stats;
    const p = this.past;
    p.lost += r.lost;
    p.duplicate += r.duplicate;
    p.late += r.late;
    p.reordered += r.reordered;
    p.resyncs += r.resyncs;
    p.delivered += r.delivered;
    this.counts.ssrcChanges++;
    this.pendingDropped = 0;
    this.reorder = new ReorderBuffer(this.reorderOptions);
  }

  /** Runs `flushDue` when the oldest held packet's wait runs out. */
  private armFlush(nowMs: number): void {
    const deadline = this.reorder.nextDeadline();
    if (deadline === undefined || deadline >= this.flushAt) return;
    clearTimeout(this.flushTimer);
    this.flushAt = deadline;
    this.flushTimer = setTimeout(() => this.guard(() => this.onFlushTimer()), Math.max(1, Math.ceil(deadline - nowMs)));
  }

  private onFlushTimer(): void {
    this.flushTimer = undefined;
    this.flushAt = Infinity;
    if (this.closed) return;
    const now = performance.now();
    this.reorder.flushDue(now, this.out);
    this.armFlush(now);
  }

  private stopTimers(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushAt = Infinity;
    if (this.rrTimer) clearInterval(this.rrTimer);
    this.rrTimer = undefined;
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.lastError = error;
    }
  }
}
