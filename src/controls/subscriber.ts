/**
 * One receiver of a Streamer: a Peer whose senders get the access units of one rendition and
 * the shared Opus stream, with per-subscriber statistics from what our senders measured and
 * from the RTCP its receiver sent back (RFC 3550 section 6.4 reports, RFC 4585 NACK/PLI,
 * RFC 5104 FIR).
 */
import { randomBytes } from 'node:crypto';
import type { KeyframeRequest, Peer, PeerConnectionState, SenderStats } from '../peer/index.js';
import { LATENCY_SAMPLES_MAX, Messages, STATS_WINDOW_MS, UNREPAIRABLE_KEYFRAME_MIN_INTERVAL_MS } from './constants.js';
import { ControlsError } from './errors.js';
import type { Rendition } from './rendition.js';
import type { VideoSettings } from './settings.js';
import { SampleWindow, plus } from './window.js';

/** What one of a subscriber's senders did and what its receiver reported. */
export interface MediaStats {
  /** RTP bits per second handed to the transport over the last second (headers included). */
  bitrateBps: number;
  /** Frames (access units, Opus packets) sent over the last second. */
  framesPerSecond: number;
  framesSent: number;
  keyframesSent: number;
  packetsSent: number;
  /** RTP payload octets (RFC 3550 section 6.4.1 sender's octet count). */
  octetsSent: number;
  /** Round trip from the receiver's last report (RFC 3550 section 6.4.1 A - LSR - DLSR); undefined until one echoes our SR. */
  rttMs: number | undefined;
  /** Fraction lost in the receiver's last report interval, 0..1. */
  fractionLost: number;
  cumulativeLost: number;
  /** Interarrival jitter the receiver reported (RFC 3550 A.8), ms. */
  jitterMs: number;
  /** Report blocks received about this stream. */
  receiverReports: number;
  /** NACK messages (RFC 4585 section 6.2.1), the packets they named, and those we resent. */
  nack: number;
  nackedPackets: number;
  retransmitted: number;
  pli: number;
  fir: number;
}

/**
 * Latency per subscriber. Only `captureToSend*` is measured by the sender: from the moment the
 * synthetic camera drew the frame to the moment its packets were handed to the peer's sender
 * (encoding and packetization included; the pacer's queue and the network are not).
 * `estimatedEndToEnd*` adds half the RTCP round trip and is an estimate, not a measurement.
 * `receiverMeasured*` are what a receiver measured (e.g. from the picture stamp) and fed back
 * through `Subscriber.recordReceiverLatency`.
 */
export interface LatencyStats {
  windowMs: number;
  captureToSendP50Ms: number | undefined;
  captureToSendP95Ms: number | undefined;
  captureToSendSamples: number;
  estimatedEndToEndP50Ms: number | undefined;
  estimatedEndToEndP95Ms: number | undefined;
  receiverMeasuredP50Ms: number | undefined;
  receiverMeasuredP95Ms: number | undefined;
  receiverMeasuredSamples: number;
}

export interface SubscriberStats {
  id: string;
  /** The settings this subscriber asked for. */
  settings: VideoSettings;
  /** The rendition whose frames it receives now (it may be moving to another). */
  renditionId: number | undefined;
  connectionState: PeerConnectionState;
  video: MediaStats | undefined;
  audio: MediaStats | undefined;
  /** Access units not sent because the subscriber was waiting for an IDR (join, move, loss). */
  framesWithheld: number;
  /** PLI/FIR messages its receiver sent that reached us (each asks its rendition for an IDR). */
  keyframeRequests: number;
  /** NACKs of video packets no longer stored (each may have drawn an IDR, see Streamer `keyframeOnUnrepairableLoss`). */
  unrepairableLosses: number;
  latency: LatencyStats;
}

/** Streamer internals a Subscriber calls back into. */
export interface SubscriberHost {
  /** The subscriber now takes its frames from `to` (and no longer from `from`). */
  switched(subscriber: Subscriber, from: Rendition | undefined, to: Rendition): void;
  /** A keyframe request from the subscriber's receiver. */
  keyframeRequested(subscriber: Subscriber, request: KeyframeRequest): void;
  /** The subscriber's receiver NACKed video packets that can no longer be resent. */
  lossUnrepairable(subscriber: Subscriber): void;
}

function mediaStats(s: SenderStats): MediaStats {
  return {
    bitrateBps: s.bitrateBps,
    framesPerSecond: s.framesPerSecond,
    framesSent: s.framesSent,
    keyframesSent: s.keyframesSent,
    packetsSent: s.packetsSent,
    octetsSent: s.octetsSent,
    rttMs: s.remote.roundTripTimeMs,
    fractionLost: s.remote.fractionLost,
    cumulativeLost: s.remote.cumulativeLost,
    jitterMs: s.remote.jitterMs,
    receiverReports: s.remote.reports,
    nack: s.rtcp.nack,
    nackedPackets: s.rtcp.nackedPackets,
    retransmitted: s.rtcp.retransmitted,
    pli: s.rtcp.pli,
    fir: s.rtcp.fir,
  };
}

/**
 * RTP timestamp state of one Peer's streams: random offsets (RFC 3550 section 5.1) and the
 * last video timestamp sent. Kept per Peer by the Streamer, so a Peer that is unsubscribed
 * and subscribed again continues its timeline instead of jumping to a new random origin.
 */
export interface RtpTimeline {
  videoOffset: number;
  audioOffset: number;
  lastVideoTimestamp: number | undefined;
}

export function newTimeline(): RtpTimeline {
  return { videoOffset: randomBytes(4).readUInt32BE(), audioOffset: randomBytes(4).readUInt32BE(), lastVideoTimestamp: undefined };
}

/** A subscribed Peer. Created by `Streamer.subscribe`. */
export class Subscriber {
  /** Rendition whose frames this subscriber receives now. */
  feeding: Rendition | undefined;
  /** Rendition matching its settings (equal to `feeding` except while moving). */
  target: Rendition | undefined;
  private requestedSettings: VideoSettings;
  private needsKeyframe = true;
  private withheld = 0;
  private keyframeRequests = 0;
  private readonly captureToSend = new SampleWindow(STATS_WINDOW_MS, LATENCY_SAMPLES_MAX);
  private readonly receiverLatency = new SampleWindow(STATS_WINDOW_MS, LATENCY_SAMPLES_MAX);
  private readonly offKeyframe: () => void;
  private readonly offUnrepairable: () => void;
  private unrepairableLosses = 0;
  private lastUnrepairableKeyframeAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly id: string,
    readonly peer: Peer,
    settings: VideoSettings,
    private readonly host: SubscriberHost,
    private readonly timeline: RtpTimeline = newTimeline(),
  ) {
    this.requestedSettings = settings;
    this.offKeyframe = peer.on('keyframeRequested', (request) => {
      if (request.mid !== peer.video?.mid) return;
      this.keyframeRequests++;
      this.host.keyframeRequested(this, request);
    });
    this.offUnrepairable = peer.on('unrepairable', (loss) => {
      if (loss.mid !== peer.video?.mid) return;
      this.unrepairableLosses++;
      const now = performance.now();
      if (now - this.lastUnrepairableKeyframeAt < UNREPAIRABLE_KEYFRAME_MIN_INTERVAL_MS) return;
      this.lastUnrepairableKeyframeAt = now;
      this.host.lossUnrepairable(this);
    });
  }

  /** The settings this subscriber asked for (the Streamer's, merged with its own). */
  get settings(): VideoSettings {
    return { ...this.requestedSettings };
  }

  /** @internal set by the Streamer after validation. */
  setSettings(settings: VideoSettings): void {
    this.requestedSettings = settings;
  }

  /**
   * A capture-to-display latency the receiver measured (e.g. from the picture stamp), in ms.
   * Reported as `latency.receiverMeasured*` over the statistics window.
   */
  recordReceiverLatency(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new ControlsError('bad-option', Messages.latency(ms), 'latency');
    this.receiverLatency.add(ms);
  }

  /**
   * One access unit of rendition `from` (NAL units shared by every subscriber of it). A
   * subscriber whose sender is open but who has not had an IDR yet (joined, moved, or its
   * track just opened) waits for one and asks for it: H.264 P pictures cannot be decoded
   * without their reference (RFC 6184 section 8.4; webrtc-facts: "send an IDR first when a
   * subscriber joins"). A subscriber moving to another rendition keeps the old stream until
   * the new one's first IDR, so its picture never stops.
   * @internal
   */
  deliverVideo(from: Rendition, nalUnits: readonly Uint8Array[], keyframe: boolean, timestampMs: number, captureUnixMs: number, capturedAt: number): void {
    const sender = this.peer.video;
    const open = sender !== undefined && sender.isOpen && !this.peer.closed;
    if (this.feeding !== from) {
      if (this.target !== from) return;
      if (open && !keyframe) return this.withholdUntilIdr(from);
      const old = this.feeding;
      this.feeding = from;
      this.host.switched(this, old, from);
    }
    if (!open) {
      this.needsKeyframe = true;
      return;
    }
    if (this.needsKeyframe && !keyframe) return this.withholdUntilIdr(from);
    this.needsKeyframe = false;
    // 90 kHz (RFC 6184 section 5.1) from the shared monotonic clock; kept increasing across a
    // move between renditions, whose capture instants differ by up to a frame.
    const t = this.timeline;
    let ts = (t.videoOffset + Math.round(timestampMs * 90)) >>> 0;
    if (t.lastVideoTimestamp !== undefined && ((ts - t.lastVideoTimestamp) | 0) <= 0) ts = (t.lastVideoTimestamp + 90) >>> 0;
    t.lastVideoTimestamp = ts;
    sender.sendAccessUnit(nalUnits, ts, captureUnixMs);
    this.captureToSend.add(performance.now() - capturedAt);
  }

  /** A P picture this subscriber could not decode yet: hold it back and ask its encode for an IDR. */
  private withholdUntilIdr(from: Rendition): void {
    this.withheld++;
    from.requestKeyframe('join');
  }

  /** One 20 ms Opus packet with its 48 kHz media time (RFC 7587 section 4.1). @internal */
  deliverAudio(packet: Uint8Array, timestamp48k: number, captureUnixMs: number): void {
    const sender = this.peer.audio;
    if (!sender || this.peer.closed || !sender.isOpen) return;
    sender.sendOpus(packet, (this.timeline.audioOffset + timestamp48k) >>> 0, captureUnixMs);
  }

  getStats(): SubscriberStats {
    const video = this.peer.video ? mediaStats(this.peer.video.getStats()) : undefined;
    const audio = this.peer.audio ? mediaStats(this.peer.audio.getStats()) : undefined;
    const now = performance.now();
    const p50 = this.captureToSend.percentile(50, now);
    const p95 = this.captureToSend.percentile(95, now);
    const halfRtt = video?.rttMs === undefined ? undefined : video.rttMs / 2;
    return {
      id: this.id,
      settings: this.settings,
      renditionId: this.feeding?.id,
      connectionState: this.peer.closed ? 'closed' : this.peer.connectionState,
      video,
      audio,
      framesWithheld: this.withheld,
      keyframeRequests: this.keyframeRequests,
      unrepairableLosses: this.unrepairableLosses,
      latency: {
        windowMs: STATS_WINDOW_MS,
        captureToSendP50Ms: p50,
        captureToSendP95Ms: p95,
        captureToSendSamples: this.captureToSend.count(now),
        estimatedEndToEndP50Ms: plus(p50, halfRtt),
        estimatedEndToEndP95Ms: plus(p95, halfRtt),
        receiverMeasuredP50Ms: this.receiverLatency.percentile(50, now),
        receiverMeasuredP95Ms: this.receiverLatency.percentile(95, now),
        receiverMeasuredSamples: this.receiverLatency.count(now),
      },
    };
  }

  /** Stop listening to the peer (the peer itself belongs to the caller). @internal */
  detach(): void {
    this.offKeyframe();
    this.offUnrepairable();
  }
}
