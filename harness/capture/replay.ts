import { isKeyframe } from './h264-inspect.js';
import { absSendTimeValue, buildRtp, parseRtp, transportSequenceValue } from './rtp-packet.js';
import type { RtpDumpPacket } from '../../src/rtp/index.js';

/** RTP clock of video (RFC 6184 section 8.2.1). */
const VIDEO_CLOCK_PER_MS = 90;
/** Frame gap used when the replay wraps from the last access unit to the first. */
const WRAP_GAP_MS = 33;
/** Sent packets kept for answering NACKs. */
const HISTORY_SIZE = 1024;

interface AccessUnit {
  /** Milliseconds after the previous access unit in the recording. */
  gapMs: number;
  payloads: Uint8Array[];
  markers: boolean[];
  key: boolean;
}

export interface ReplayOptions {
  ssrc: number;
  payloadType: number;
  /** RFC 8285 one-byte ids negotiated for these extensions, if any. */
  transportCcId?: number;
  absSendTimeId?: number;
  /** Shared transport-wide sequence counter (one per transport). */
  nextTransportSeq: () => number;
  send: (packet: Uint8Array) => void;
  /** Outgoing sequence numbers left out of the first transmission (to draw NACKs). */
  dropSequenceNumbers?: ReadonlySet<number>;
  initialSequenceNumber: number;
  initialTimestamp: number;
}

export interface ReplayCounters {
  packetsSent: number;
  octetsSent: number;
  retransmitted: number;
  dropped: number;
  keyframeJumps: number;
}

/**
 * Sends H.264 access units recorded from Chrome (their RTP payloads, unchanged: Chrome's own
 * FU-A/STAP-A packetization) under a new SSRC, sequence and timestamp base, paced by the
 * recorded frame gaps. A PLI makes it jump to the next keyframe; a NACK resends from history.
 */
export class H264Replay {
  private readonly units: AccessUnit[];
  private readonly options: ReplayOptions;
  private index = 0;
  private dueMs = 0;
  private seq: number;
  private jumpToKey = false;
  private readonly history = new Map<number, { payload: Uint8Array; marker: boolean; timestamp: number }>();
  readonly counters: ReplayCounters = { packetsSent: 0, octetsSent: 0, retransmitted: 0, dropped: 0, keyframeJumps: 0 };

  constructor(recorded: readonly RtpDumpPacket[], options: ReplayOptions) {
    this.options = options;
    this.seq = options.initialSequenceNumber;
    this.units = [];
    let lastTs: number | undefined;
    for (const packet of recorded) {
      if (packet.isRtcp) continue;
      const rtp = parseRtp(packet.data);
      if (lastTs === undefined || rtp.timestamp !== lastTs) {
        const gapMs = lastTs === undefined ? 0 : ((rtp.timestamp - lastTs) >>> 0) / VIDEO_CLOCK_PER_MS;
        this.units.push({ gapMs, payloads: [], markers: [], key: false });
        lastTs = rtp.timestamp;
      }
      const unit = this.units[this.units.length - 1];
      unit.payloads.push(rtp.payload.slice());
      unit.markers.push(rtp.marker);
    }
    for (const unit of this.units) unit.key = isKeyframe(unit.payloads);
    if (!this.units.some((u) => u.key)) throw new Error('recording holds no H.264 keyframe');
  }

  get unitCount(): number {
    return this.units.length;
  }

  /** Index of the first access unit that is not a keyframe, after the first keyframe. */
  firstDeltaIndex(): number {
    const firstKey = this.units.findIndex((u) => u.key);
    const delta = this.units.findIndex((u, i) => i > firstKey && !u.key);
    return delta < 0 ? 0 : delta;
  }

  /** Start at access unit `index` (a delta frame makes the receiver ask for a keyframe). */
  startAt(index: number): void {
    this.index = index % this.units.length;
    this.dueMs = 0;
  }

  requestKeyframe(): void {
    this.jumpToKey = true;
  }

  private timestampAt(ms: number): number {
    return (this.options.initialTimestamp + Math.round(ms * VIDEO_CLOCK_PER_MS)) >>> 0;
  }

  /** RTP timestamp for a wall-clock point `ms` after the start (for sender reports). */
  rtpTimestampAt(ms: number): number {
    return this.timestampAt(ms);
  }

  private transmit(payload: Uint8Array, marker: boolean, timestamp: number, seq: number, elapsedMs: number): void {
    const extensions: { id: number; value: Uint8Array }[] = [];
    if (this.options.transportCcId !== undefined) {
      extensions.push({ id: this.options.transportCcId, value: transportSequenceValue(this.options.nextTransportSeq()) });
    }
    if (this.options.absSendTimeId !== undefined) {
      extensions.push({ id: this.options.absSendTimeId, value: absSendTimeValue(elapsedMs) });
    }
    const packet = buildRtp({
      marker,
      payloadType: this.options.payloadType,
      sequenceNumber: seq,
      timestamp,
      ssrc: this.options.ssrc,
      extensions,
      payload,
    });
    this.options.send(packet);
    this.counters.packetsSent++;
    this.counters.octetsSent += payload.length;
  }

  /** Send every access unit due at `elapsedMs` after the start. */
  tick(elapsedMs: number): void {
    while (this.dueMs <= elapsedMs) {
      if (this.jumpToKey) {
        this.jumpToKey = false;
        let next = this.index;
        for (let n = 0; n < this.units.length && !this.units[next].key; n++) next = (next + 1) % this.units.length;
        if (next !== this.index) this.counters.keyframeJumps++;
        this.index = next;
      }
      const unit = this.units[this.index];
      const timestamp = this.timestampAt(this.dueMs);
      for (let i = 0; i < unit.payloads.length; i++) {
        const seq = this.seq;
        this.seq = (this.seq + 1) & 0xffff;
        const marker = i === unit.payloads.length - 1;
        this.history.set(seq, { payload: unit.payloads[i], marker, timestamp });
        this.history.delete((seq - HISTORY_SIZE) & 0xffff);
        if (this.options.dropSequenceNumbers?.has(seq)) {
          this.counters.dropped++;
          continue;
        }
        this.transmit(unit.payloads[i], marker, timestamp, seq, elapsedMs);
      }
      const nextIndex = (this.index + 1) % this.units.length;
      this.dueMs += nextIndex === 0 ? WRAP_GAP_MS : this.units[nextIndex].gapMs;
      this.index = nextIndex;
    }
  }

  /** Resend packets a NACK asked for (RFC 4585 section 6.2.1), in-band with their own seq. */
  retransmit(seqs: readonly number[], elapsedMs: number): void {
    for (const seq of seqs) {
      const sent = this.history.get(seq);
      if (!sent) continue;
      this.transmit(sent.payload, sent.marker, sent.timestamp, seq, elapsedMs);
      this.counters.retransmitted++;
    }
  }
}
