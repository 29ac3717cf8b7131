/**
 * Send-only media tracks over node-datachannel with NO media handler: we build every RTP
 * packet (src/rtp), node-datachannel only protects it (SRTP, RFC 3711) and sends it. The
 * remote's RTCP arrives raw on `track.onMessage` and is parsed and acted on here:
 *
 * | RTCP | standard | action |
 * | --- | --- | --- |
 * | PLI | RFC 4585 section 6.3.1 | `keyframeRequested` |
 * | FIR | RFC 5104 section 4.3.1 | `keyframeRequested` (once per new command sequence number) |
 * | Generic NACK | RFC 4585 section 6.2.1 | resend stored packets from the RetransmissionBuffer |
 * | RR / SR report blocks | RFC 3550 section 6.4 | loss, jitter, RTT = A - LSR - DLSR |
 * | REMB | draft-alvestrand-rmcat-remb-03 | `bitrateEstimate` |
 * | transport-cc | draft-holmer-rmcat-transport-wide-cc-extensions-01 | parsed and counted |
 *
 * On a send-and-receive track the same `track.onMessage` also brings the remote's RTP: it is
 * told from RTCP as RFC 5761 section 4 says (payload type 64-95 with the marker bit is RTCP)
 * and handed to the attached receiver (`attachReceiver`, an `AudioReceiver`), together with
 * every parsed RTCP packet; our SR then carries the report block about the remote's stream
 * (RFC 3550 section 6.4.1), or an RR goes out instead while we have sent nothing.
 *
 * Test hooks that make loss on purpose (the packets are counted as sent, as a real network's
 * loss would leave them): `setLoss` drops a seeded pseudo-random share of packets (stored, so a
 * NACK can repair them); `dropNextPackets` / `dropNextFrames` drop the next packets or whole
 * frames, stored or, with `recoverable: false`, not (a NACK for them finds nothing).
 */
import type { Track } from 'node-datachannel';
import { TypedEmitter } from '../datachannel/index.js';
import type { HeaderExtension } from '../rtp/index.js';
import {
  H264Packetizer,
  isRtpPacket,
  OpusPacketizer,
  parseRtcp,
  ReceiverReport,
  RetransmissionBuffer,
  SenderStatistics,
  serializeRtcp,
  SourceDescription,
  containsIdr,
  splitAnnexB,
  type ReportBlock,
  type RtcpPacket,
  type TransportSequenceCounter,
} from '../rtp/index.js';
import { DEFAULT_PEER_MTU, DEFAULT_RETRANSMISSION_CAPACITY, DEFAULT_SR_INTERVAL_MS, RATE_WINDOW_MS, UNREPAIRABLE_MEMORY_MS } from './constants.js';
import { LossModel, type LossOptions, type LossStats } from './loss.js';
import { Pacer, type PacerOptions, type PacerStats } from './pacer.js';

export type MediaKind = 'video' | 'audio';

export interface KeyframeRequest {
  mid: string;
  ssrc: number;
  /** Which RTCP message asked: PLI (RFC 4585 6.3.1) or FIR (RFC 5104 4.3.1). */
  cause: 'pli' | 'fir';
}

export interface BitrateEstimate {
  mid: string;
  /** Bits per second the receiver estimates it can take (REMB). */
  bitrate: number;
  ssrcs: number[];
}

export interface SenderEvents {
  keyframeRequested: KeyframeRequest;
  bitrateEstimate: BitrateEstimate;
  /** A report block about this stream arrived (after the statistics were updated). */
  report: RemoteReceptionStats;
  /** A packet the loss hook dropped was resent in answer to a NACK (and not dropped again). */
  lossRepaired: LossRepair;
  /**
   * A NACK asked for packets no longer (or never) in the retransmission buffer: the receiver
   * cannot repair that gap. Raised once per sequence number. Chrome waits about 3 s for a
   * decodable frame before its PLI; an encoder may send an IDR on this instead.
   */
  unrepairable: UnrepairableLoss;
}

/** Sequence numbers a NACK asked for that we cannot resend (RFC 4585 section 6.2.1). */
export interface UnrepairableLoss {
  mid: string;
  ssrc: number;
  sequenceNumbers: number[];
}

/** One packet lost by `setLoss` and resent on request. */
export interface LossRepair {
  sequenceNumber: number;
  /** Milliseconds from its first (dropped) transmission to the retransmission that went out. */
  afterMs: number;
  /** Times it was dropped (the first transmission, then retransmissions lost too). */
  drops: number;
}

/** What the remote receiver reported about this stream (RFC 3550 section 6.4.1). */
export interface RemoteReceptionStats {
  /** Fraction of packets lost in the last interval, 0..1. */
  fractionLost: number;
  /** Packets lost since the start (signed 24-bit in the report). */
  cumulativeLost: number;
  /** Interarrival jitter in milliseconds (RFC 3550 A.8 value / clock rate). */
  jitterMs: number;
  /** Extended highest sequence number received. */
  extendedHighestSequence: number;
  /** Last round-trip time from LSR/DLSR, ms; undefined until the receiver echoes an SR. */
  roundTripTimeMs: number | undefined;
  /** Report blocks received about this stream. */
  reports: number;
}

export interface RtcpCounters {
  compounds: number;
  malformed: number;
  senderReportsSent: number;
  receiverReports: number;
  pli: number;
  fir: number;
  nack: number;
  /** Sequence numbers the NACKs asked for. */
  nackedPackets: number;
  /** Packets taken from the buffer in answer to NACKs (the loss hook may still drop some: `loss.retransmissionsDropped`). */
  retransmitted: number;
  /** NACKed sequence numbers no longer in the buffer. */
  retransmitMissing: number;
  remb: number;
  lastRembBps: number | undefined;
  twcc: number;
  /** Packets the transport-cc feedback covered (received or not). */
  twccPacketStatuses: number;
  other: number;
}

export interface SenderStats {
  mid: string;
  kind: MediaKind;
  ssrc: number;
  payloadType: number;
  packetsSent: number;
  /** Payload octets (RFC 3550 6.4.1 sender's octet count). */
  octetsSent: number;
  framesSent: number;
  keyframesSent: number;
  /** Packets left out by the test hooks `dropNextPackets` and `dropNextFrames`. */
  packetsDroppedByHook: number;
  /** Of those, the packets also kept out of the retransmission buffer (`recoverable: false`). */
  packetsUnrecoverableByHook: number;
  /** Frames whose every packet `dropNextFrames` left out. */
  framesDroppedByHook: number;
  /** The loss `setLoss` applies, and what it dropped (first transmissions and retransmissions). */
  loss: LossStats;
  /** RTP bits per second (headers included) handed to the transport over the last second. */
  bitrateBps: number;
  /** Frames (access units or Opus packets) sent over the last second. */
  framesPerSecond: number;
  /** Packets not sent because the track was not open, or node-datachannel refused them. */
  sendFailures: number;
  /** RTP from the remote that reached this track with no receiver attached (dropped). */
  rtpIgnored: number;
  rtcp: RtcpCounters;
  remote: RemoteReceptionStats;
  pacer: PacerStats | undefined;
}

export interface SenderOptions {
  mid: string;
  ssrc: number;
  payloadType: number;
  cname: string;
  mtu?: number;
  /** `false` sends every packet at once; default: a leaky-bucket pacer. */
  pacing?: PacerOptions | false;
  srIntervalMs?: number;
  retransmissionCapacity?: number;
  /** transport-cc header extension id and the transport's counter, when negotiated. */
  transportCc?: { id: number; counter: TransportSequenceCounter };
  /** Header extension elements stamped unchanged on every packet (the playout delay). */
  extensions?: readonly HeaderExtension[];
}

/** What a sending track hands incoming media to (an `AudioReceiver`). */
export interface IncomingMedia {
  handleRtp(bytes: Uint8Array): void;
  handleRtcp(packet: RtcpPacket, arrivalMs: number): void;
  reportBlock(nowMs: number): ReportBlock | undefined;
  noteReportSent(): void;
}

/** The sequence number of an RTP packet we built (RFC 3550 section 5.1, bytes 2-3). */
function sequenceNumberOf(packet: Uint8Array): number {
  return (packet[2]! << 8) | packet[3]!;
}

/** Common part of the video and audio senders: transmission, history, RTCP in and out. */
export abstract class MediaSender extends TypedEmitter<SenderEvents> {
  abstract readonly kind: MediaKind;
  abstract readonly clockRate: number;
  readonly mid: string;
  readonly ssrc: number;
  readonly payloadType: number;
  readonly cname: string;
  /** The native track. Held for the sender's life: a collected native object crashes on close. */
  readonly track: Track;
  protected readonly history: RetransmissionBuffer;
  private readonly historyCapacity: number;
  protected readonly senderStats: SenderStatistics;
  private readonly pacer: Pacer | undefined;
  private readonly srIntervalMs: number;
  private srTimer: NodeJS.Timeout | undefined;
  private dropBudget = 0;
  private dropRecoverable = true;
  private frameDropBudget = 0;
  private frameDropRecoverable = true;
  /** What the hooks do with the packets of the frame being sent. */
  private frameDrop: 'send' | 'recoverable' | 'unrecoverable' = 'send';
  private lossModel: LossModel | undefined;
  private readonly lossCounts = { considered: 0, dropped: 0, retransmissionsConsidered: 0, retransmissionsDropped: 0, repaired: 0 };
  /** Packets the loss hook dropped and no retransmission has delivered yet: sequence number -> first drop time and drops. */
  private readonly unrepaired = new Map<number, { at: number; drops: number }>();
  /** Sequence numbers reported by `unrepairable` and when (the receiver NACKs a gap many times), oldest first. */
  private readonly reportedMissing = new Map<number, number>();
  private closed = false;
  private lastFirSeq = new Map<number, number>();
  protected frames = 0;
  /** Send times and sizes of the last second's packets and frames, oldest first. */
  private readonly recentPackets: { at: number; bytes: number }[] = [];
  private readonly recentFrames: number[] = [];
  protected keyframes = 0;
  private hookDrops = 0;
  private hookUnrecoverable = 0;
  private hookFrames = 0;
  private failures = 0;
  private receiver: IncomingMedia | undefined;
  /** RTP that arrived on this track with no receiver attached (a send-only track: libdatachannel normally drops it first). */
  private rtpIgnored = 0;
  /** The most recent error node-datachannel raised while sending (kept, never thrown into a native callback). */
  lastSendError: unknown;
  readonly rtcp: RtcpCounters = {
    compounds: 0, malformed: 0, senderReportsSent: 0, receiverReports: 0, pli: 0, fir: 0, nack: 0, nackedPackets: 0,
    retransmitted: 0, retransmitMissing: 0, remb: 0, lastRembBps: undefined, twcc: 0, twccPacketStatuses: 0, other: 0,
  };
  readonly remote: RemoteReceptionStats = {
    fractionLost: 0, cumulativeLost: 0, jitterMs: 0, extendedHighestSequence: 0, roundTripTimeMs: undefined, reports: 0,
  };

  protected constructor(track: Track, options: SenderOptions, clockRate: number) {
    super();
    this.track = track;
    this.mid = options.mid;
    this.ssrc = options.ssrc >>> 0;
    this.payloadType = options.payloadType;
    this.cname = options.cname;
    this.historyCapacity = options.retransmissionCapacity ?? DEFAULT_RETRANSMISSION_CAPACITY;
    this.history = new RetransmissionBuffer({ capacity: this.historyCapacity, slotSize: Math.max(1500, options.mtu ?? DEFAULT_PEER_MTU) });
    this.senderStats = new SenderStatistics({ ssrc: this.ssrc, clockRate });
    this.pacer = options.pacing === false ? undefined : new Pacer((p) => this.sendNative(p), options.pacing ?? {});
    this.srIntervalMs = options.srIntervalMs ?? DEFAULT_SR_INTERVAL_MS;
    // Everything node-datachannel calls back must never throw into it (that aborts the process).
    track.onMessage((message) => this.guard(() => this.onMessage(message)));
    track.onOpen(() => this.guard(() => this.startReports()));
    // node-datachannel releases a track's native callbacks (which keep Node's event loop
    // alive) only from the closed callback, and only hooks that callback when one is set.
    track.onClosed(() => this.guard(() => this.stopTimers()));
  }

  /**
   * Test hook: do not send the next `n` packets. They are stored for retransmission unless
   * `recoverable` is false, in which case a NACK for them finds nothing (RFC 4585 section
   * 6.2.1 leaves it to the receiver to give up and ask for a keyframe).
   */
  dropNextPackets(n: number, options: { recoverable?: boolean } = {}): void {
    this.dropBudget = n;
    this.dropRecoverable = options.recoverable ?? true;
  }

  /**
   * Test hook: do not send any packet of the next `n` frames (access units or Opus packets),
   * stored for retransmission unless `recoverable` is false.
   */
  dropNextFrames(n: number, options: { recoverable?: boolean } = {}): void {
    this.frameDropBudget = n;
    this.frameDropRecoverable = options.recoverable ?? true;
  }

  /**
   * Test and harness hook: from now on drop a seeded pseudo-random `rate` of the packets
   * before they reach node-datachannel (see `LossOptions`: retransmissions are subject to it
   * by default, as on a real lossy path). `undefined` stops the loss. Throws `RangeError` for
   * a rate outside 0..1 or a seed that is not an integer.
   */
  setLoss(options: LossOptions | undefined): void {
    this.lossModel = options === undefined ? undefined : new LossModel(options);
  }

  /** The loss in force and what the loss hook dropped so far. */
  get loss(): LossStats {
    const m = this.lossModel;
    return { rate: m?.rate ?? 0, seed: m?.seed ?? 0, retransmissions: m?.retransmissions ?? false, ...this.lossCounts };
  }

  get isOpen(): boolean {
    return !this.closed && this.track.isOpen();
  }

  /** Called by the subclasses before the packets of one frame: applies `dropNextFrames`. */
  protected beginFrame(): void {
    if (this.frameDropBudget > 0) {
      this.frameDropBudget--;
      this.hookFrames++;
      this.frameDrop = this.frameDropRecoverable ? 'recoverable' : 'unrecoverable';
    } else {
      this.frameDrop = 'send';
    }
  }

  /** What the drop hooks decide for the next packet. */
  private hookDecision(): 'send' | 'recoverable' | 'unrecoverable' {
    if (this.frameDrop !== 'send') return this.frameDrop;
    if (this.dropBudget === 0) return 'send';
    this.dropBudget--;
    return this.dropRecoverable ? 'recoverable' : 'unrecoverable';
  }

  /** One packet built by our packetizer (borrowed view): keep, count, then drop (hooks) or pace and send. */
  protected transmit(packet: Uint8Array, headerSize: number, rtpTimestamp: number, captureUnixMs: number): void {
    const hook = this.hookDecision();
    if (hook !== 'unrecoverable') this.history.store(packet);
    this.senderStats.onPacketSent(packet.length - headerSize, rtpTimestamp, captureUnixMs);
    this.recentPackets.push({ at: performance.now(), bytes: packet.length });
    if (hook !== 'send') {
      this.hookDrops++;
      if (hook === 'unrecoverable') this.hookUnrecoverable++;
      return;
    }
    if (this.lostOnPurpose(packet, false)) return;
    this.send(packet);
  }

  /** Whether `setLoss` takes this packet; counted, and remembered for `lossRepaired`, when it does. */
  private lostOnPurpose(packet: Uint8Array, retransmission: boolean): boolean {
    const model = this.lossModel;
    if (!model || (retransmission && !model.retransmissions)) return false;
    const counts = this.lossCounts;
    if (retransmission) counts.retransmissionsConsidered++;
    else counts.considered++;
    if (!model.drop(retransmission)) return false;
    if (retransmission) counts.retransmissionsDropped++;
    else counts.dropped++;
    this.noteLoss(packet);
    return true;
  }

  /** Remembers when a packet was first lost, for `lossRepaired`; as many as the retransmission buffer holds. */
  private noteLoss(packet: Uint8Array): void {
    const seq = sequenceNumberOf(packet);
    const known = this.unrepaired.get(seq);
    if (known) {
      known.drops++;
      return;
    }
    this.unrepaired.set(seq, { at: performance.now(), drops: 1 });
    if (this.unrepaired.size > this.historyCapacity) this.unrepaired.delete(this.unrepaired.keys().next().value!);
  }

  /** A stored packet a NACK asked for: subject to the loss hook when it covers retransmissions. */
  private retransmit(packet: Uint8Array): void {
    if (this.lostOnPurpose(packet, true)) return;
    this.send(packet);
    if (this.unrepaired.size === 0) return;
    const seq = sequenceNumberOf(packet);
    const lost = this.unrepaired.get(seq);
    if (!lost) return;
    this.unrepaired.delete(seq);
    this.lossCounts.repaired++;
    this.emit('lossRepaired', { sequenceNumber: seq, afterMs: performance.now() - lost.at, drops: lost.drops });
  }

  private send(packet: Uint8Array): void {
    if (this.pacer) this.pacer.enqueue(packet);
    else this.sendNative(packet);
  }

  private sendNative(packet: Uint8Array): void {
    if (!this.isOpen) {
      this.failures++;
      return;
    }
    try {
      if (!this.track.sendMessageBinary(Buffer.from(packet.buffer, packet.byteOffset, packet.length))) this.failures++;
    } catch (error) {
      this.failures++;
      this.lastSendError = error;
    }
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.lastSendError = error;
    }
  }

  /** RTCP SR + SDES CNAME every interval (RFC 3550 sections 6.4.1 and 6.1: a compound starts with a report and carries CNAME). */
  private startReports(): void {
    if (this.srTimer !== undefined || this.closed) return;
    this.srTimer = setInterval(() => this.sendSenderReport(), this.srIntervalMs);
  }

  /**
   * Send one SR now (also done every `srIntervalMs` once the track is open), with the report
   * block about the remote's stream when a receiver is attached; before our first packet, an
   * RR with that block alone (RFC 3550 section 6.4: SR only from a sender).
   */
  sendSenderReport(): void {
    if (!this.isOpen) return;
    const now = Date.now();
    const block = this.receiver?.reportBlock(now);
    const blocks = block ? [block] : [];
    const sending = this.senderStats.packetCount > 0;
    if (!sending && !block) return;
    const report = sending ? this.senderStats.makeSenderReport(now, blocks) : new ReceiverReport(this.ssrc, blocks);
    this.sendNative(serializeRtcp([report, SourceDescription.cname(this.ssrc, this.cname)]));
    if (sending) this.rtcp.senderReportsSent++;
    if (block) this.receiver!.noteReportSent();
  }

  /**
   * Hand the remote's RTP and RTCP on this (send-and-receive) track to `receiver`. Without one,
   * RTP arriving here is counted (`rtpIgnored`) and dropped.
   */
  attachReceiver(receiver: IncomingMedia): void {
    this.receiver = receiver;
  }

  /** One message node-datachannel delivered on this track: RTP (RFC 5761 section 4 demultiplexing) or an RTCP compound. */
  private onMessage(message: Uint8Array): void {
    if (this.closed) return;
    if (!isRtpPacket(message)) return this.onRtcp(message);
    if (this.receiver) this.receiver.handleRtp(message);
    else this.rtpIgnored++;
  }

  /** Handle one RTCP compound node-datachannel delivered on this track. */
  onRtcp(message: Uint8Array): void {
    if (this.closed) return;
    const arrival = Date.now();
    let packets: RtcpPacket[];
    try {
      packets = parseRtcp(message);
    } catch {
      this.rtcp.malformed++;
      return;
    }
    this.rtcp.compounds++;
    for (const p of packets) this.onRtcpPacket(p, arrival);
    if (this.receiver) for (const p of packets) this.receiver.handleRtcp(p, arrival);
  }

  private onRtcpPacket(p: RtcpPacket, arrival: number): void {
    switch (p.kind) {
      case 'rr':
      case 'sr':
        for (const block of p.reports) {
          if (block.ssrc !== this.ssrc) continue;
          if (p.kind === 'rr') this.rtcp.receiverReports++;
          const rtt = this.senderStats.onReportBlock(block, arrival);
          const r = this.remote;
          r.fractionLost = block.fractionLost / 256;
          r.cumulativeLost = block.cumulativeLost;
          r.jitterMs = (block.jitter / this.clockRate) * 1000;
          r.extendedHighestSequence = block.extendedHighestSequence;
          if (rtt !== undefined) r.roundTripTimeMs = rtt;
          r.reports++;
          this.emit('report', { ...r });
        }
        break;
      case 'pli':
        if (p.mediaSsrc !== this.ssrc) break;
        this.rtcp.pli++;
        this.emit('keyframeRequested', { mid: this.mid, ssrc: this.ssrc, cause: 'pli' });
        break;
      case 'fir':
        for (const entry of p.entries) {
          if (entry.ssrc !== this.ssrc) continue;
          // RFC 5104 4.3.1.2: a repeated command sequence number is a retransmitted request.
          if (this.lastFirSeq.get(p.senderSsrc) === entry.sequenceNumber) continue;
          this.lastFirSeq.set(p.senderSsrc, entry.sequenceNumber);
          this.rtcp.fir++;
          this.emit('keyframeRequested', { mid: this.mid, ssrc: this.ssrc, cause: 'fir' });
        }
        break;
      case 'nack': {
        if (p.mediaSsrc !== this.ssrc) break;
        this.rtcp.nack++;
        const answer = this.history.answerNack(p, (packet) => this.retransmit(packet));
        this.rtcp.nackedPackets += answer.resent + answer.missing.length;
        this.rtcp.retransmitted += answer.resent;
        this.rtcp.retransmitMissing += answer.missing.length;
        if (answer.missing.length > 0) this.reportUnrepairable(answer.missing, arrival);
        break;
      }
      case 'remb':
        if (!p.ssrcs.includes(this.ssrc)) break;
        this.rtcp.remb++;
        this.rtcp.lastRembBps = p.bitrate;
        this.emit('bitrateEstimate', { mid: this.mid, bitrate: p.bitrate, ssrcs: [...p.ssrcs] });
        break;
      case 'twcc':
        if (p.mediaSsrc !== this.ssrc) break;
        this.rtcp.twcc++;
        this.rtcp.twccPacketStatuses += p.packets.length;
        break;
      default:
        this.rtcp.other++;
    }
  }

  /**
   * Raises `unrepairable` for the sequence numbers not reported within UNREPAIRABLE_MEMORY_MS
   * (a sequence number comes round again after 65,536 packets).
   */
  private reportUnrepairable(missing: number[], now: number): void {
    for (const [seq, at] of this.reportedMissing) {
      if (now - at < UNREPAIRABLE_MEMORY_MS && this.reportedMissing.size <= this.historyCapacity) break;
      this.reportedMissing.delete(seq);
    }
    const fresh = missing.filter((seq) => !this.reportedMissing.has(seq));
    if (fresh.length === 0) return;
    for (const seq of fresh) this.reportedMissing.set(seq, now);
    this.emit('unrepairable', { mid: this.mid, ssrc: this.ssrc, sequenceNumbers: fresh });
  }

  /** Count one frame for the frame rate (called by the subclasses once per frame, after its packets). */
  protected frameSent(): void {
    this.frameDrop = 'send';
    this.frames++;
    this.recentFrames.push(performance.now());
  }

  private rates(): { bitrateBps: number; framesPerSecond: number } {
    const since = performance.now() - RATE_WINDOW_MS;
    while (this.recentPackets.length && this.recentPackets[0]!.at < since) this.recentPackets.shift();
    while (this.recentFrames.length && this.recentFrames[0]! < since) this.recentFrames.shift();
    const bytes = this.recentPackets.reduce((n, p) => n + p.bytes, 0);
    return { bitrateBps: (bytes * 8 * 1000) / RATE_WINDOW_MS, framesPerSecond: (this.recentFrames.length * 1000) / RATE_WINDOW_MS };
  }

  getStats(): SenderStats {
    return {
      mid: this.mid,
      kind: this.kind,
      ssrc: this.ssrc,
      payloadType: this.payloadType,
      packetsSent: this.senderStats.packetCount,
      octetsSent: this.senderStats.octetCount,
      framesSent: this.frames,
      ...this.rates(),
      keyframesSent: this.keyframes,
      packetsDroppedByHook: this.hookDrops,
      packetsUnrecoverableByHook: this.hookUnrecoverable,
      framesDroppedByHook: this.hookFrames,
      loss: this.loss,
      sendFailures: this.failures,
      rtpIgnored: this.rtpIgnored,
      rtcp: { ...this.rtcp },
      remote: { ...this.remote },
      pacer: this.pacer ? { ...this.pacer.stats } : undefined,
    };
  }

  private stopTimers(): void {
    if (this.srTimer !== undefined) clearInterval(this.srTimer);
    this.srTimer = undefined;
    this.pacer?.stop();
  }

  /** Stop the SR timer and the pacer, then close the native track. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopTimers();
    try {
      this.track.close();
    } catch {
      // already closed with its peer
    }
  }
}

export interface VideoSenderOptions extends SenderOptions {}

/** H.264 (RFC 6184, packetization-mode 1) from encoded access units, 90 kHz clock. */
export class VideoSender extends MediaSender {
  readonly kind = 'video';
  readonly clockRate = 90_000;
  private readonly packetizer: H264Packetizer;

  constructor(track: Track, options: VideoSenderOptions) {
    super(track, options, 90_000);
    this.packetizer = new H264Packetizer({
      ssrc: this.ssrc,
      payloadType: options.payloadType,
      mtu: options.mtu ?? DEFAULT_PEER_MTU,
      transportCc: options.transportCc,
      extensions: options.extensions,
    });
  }

  /** Sequence number the next packet will carry. */
  get sequenceNumber(): number {
    return this.packetizer.sequenceNumber;
  }

  /**
   * Send one access unit (Annex B bytes or its NAL units) with its 90 kHz timestamp; every
   * packet shares it and the last one carries the marker (RFC 6184 section 5.1). Returns the
   * number of RTP packets.
   */
  sendAccessUnit(accessUnit: Uint8Array | readonly Uint8Array[], timestamp: number, captureUnixMs = Date.now()): number {
    if (!this.isOpen) return 0;
    const idr = containsIdr(accessUnit instanceof Uint8Array ? splitAnnexB(accessUnit) : accessUnit);
    const headerSize = this.packetizer.headerSize;
    this.beginFrame();
    const count = this.packetizer.packetize(accessUnit, timestamp, (packet) => this.transmit(packet, headerSize, timestamp, captureUnixMs));
    this.frameSent();
    if (idr) this.keyframes++;
    return count;
  }
}

export interface AudioSenderOptions extends SenderOptions {
  /** RTP timestamp of the first packet (default random, RFC 3550 5.1). */
  initialTimestamp?: number;
}

/** Opus (RFC 7587): one Opus packet per RTP packet, 48 kHz clock. */
export class AudioSender extends MediaSender {
  readonly kind = 'audio';
  readonly clockRate = 48_000;
  private readonly packetizer: OpusPacketizer;

  constructor(track: Track, options: AudioSenderOptions) {
    super(track, options, 48_000);
    this.packetizer = new OpusPacketizer({
      ssrc: this.ssrc,
      payloadType: options.payloadType,
      mtu: options.mtu ?? DEFAULT_PEER_MTU,
      initialTimestamp: options.initialTimestamp,
      transportCc: options.transportCc,
    });
  }

  /** Send one Opus packet; `timestamp` (48 kHz) defaults to the previous one plus its duration. */
  sendOpus(packet: Uint8Array, timestamp?: number, captureUnixMs = Date.now()): void {
    if (!this.isOpen) return;
    const headerSize = this.packetizer.headerSize;
    this.beginFrame();
    this.packetizer.packetize(packet, (rtp) => this.transmit(rtp, headerSize, (rtp[4] << 24 | rtp[5] << 16 | rtp[6] << 8 | rtp[7]) >>> 0, captureUnixMs), timestamp);
    this.frameSent();
  }
}
