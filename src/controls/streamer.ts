/**
 * The Streamer: live video and audio (synthetic, pushed by the program, or files) for several subscribers (Peers) at once, with
 * start/stop, bitrate, frame rate and resolution changes while live, and statistics per
 * subscriber and in total.
 *
 * Subscribers with identical VideoSettings share one encode (a Rendition). Changing one
 * subscriber's settings moves it to a matching rendition (existing or new) and leaves the
 * others' encode untouched; a rendition left without subscribers is closed (its worker
 * threads terminated). A keyframe request (RFC 4585 section 6.3.1 PLI, RFC 5104 section 4.3.1
 * FIR) from any subscriber asks its rendition for an IDR; a joining subscriber gets an IDR.
 */
import { randomUUID } from 'node:crypto';
import { TypedEmitter } from '../datachannel/index.js';
import { ENCODER_PRESETS, STREAMER_PRESET, SyntheticToneSource, SyntheticVideoSource, type AudioSource, type EncoderPreset, type SourceEvent, type VideoSource } from '../encoding/index.js';
import type { KeyframeRequest, Peer } from '../peer/index.js';
import { AudioPipeline, type AudioStats } from './audio.js';
import { AUDIO_TONE_HZ, DEFAULT_AUDIO_BITRATE_BPS, DEFAULT_KEYFRAME_INTERVAL_S, DEFAULT_WORKERS, MAX_AUDIO_BITRATE_BPS, MIN_AUDIO_BITRATE_BPS, Messages } from './constants.js';
import { ControlsError } from './errors.js';
import { Rendition, type RenditionStats } from './rendition.js';
import { DEFAULT_VIDEO_SETTINGS, mergeSettings, settingsKey, type VideoSettings } from './settings.js';
import { newTimeline, Subscriber, type RtpTimeline, type SubscriberHost, type SubscriberStats } from './subscriber.js';

export interface StreamerOptions {
  /** Default 1280x720, 30 fps, 2,500,000 bit/s. */
  video?: Partial<VideoSettings>;
  /**
   * Where pictures come from (default: the synthetic moving picture). Pushed frames and files
   * are scaled to each rendition's size; the Streamer closes the source when it closes.
   */
  source?: VideoSource;
  /** Opus, 20 ms frames (default true, 32 kbit/s) from `source` (default: the synthetic 440 Hz tone). */
  audio?: boolean | { bitrateBps?: number; source?: AudioSource };
  /** Slice worker threads per encode (default 2). */
  workers?: number;
  /** Encoder speed preset of every rendition (default 'realtime'; see src/encoding, docs/encoding.md). */
  preset?: EncoderPreset;
  /** Seconds between periodic IDRs (default 2; 0: only on join, PLI/FIR and settings changes). */
  keyframeIntervalS?: number;
  /**
   * Answer a NACK for packets no longer stored with an IDR at once, instead of leaving the
   * receiver frozen until its PLI (default true; at most one per subscriber every 500 ms).
   */
  keyframeOnUnrepairableLoss?: boolean;
}

export interface SubscribeOptions {
  /** Default: a random UUID. */
  id?: string;
  /** This subscriber's settings over the Streamer's. */
  video?: Partial<VideoSettings>;
}

/** Sums and extremes over every subscriber. */
export interface StreamerTotals {
  subscribers: number;
  /** Video plus audio RTP bits per second over the last second, all subscribers. */
  bitrateBps: number;
  videoBitrateBps: number;
  audioBitrateBps: number;
  framesSent: number;
  keyframesSent: number;
  packetsSent: number;
  nack: number;
  retransmitted: number;
  pli: number;
  fir: number;
  cumulativeLost: number;
  /** Highest fraction lost / jitter / RTT any subscriber's receiver reported (video). */
  maxFractionLost: number;
  maxJitterMs: number;
  maxRttMs: number | undefined;
  /** Worst subscriber's capture-to-send p95 (measured) and estimated end-to-end p95. */
  maxCaptureToSendP95Ms: number | undefined;
  maxEstimatedEndToEndP95Ms: number | undefined;
}

export interface StreamerStats {
  running: boolean;
  /** Encodes (renditions) open now: subscribers with equal settings share one. */
  encodes: number;
  total: StreamerTotals;
  subscribers: SubscriberStats[];
  renditions: RenditionStats[];
  audio: AudioStats | undefined;
}

export interface StreamerEvents {
  subscribed: { id: string };
  /** `peer-closed`: its Peer was closed and the Streamer dropped it. */
  unsubscribed: { id: string; reason: 'unsubscribe' | 'peer-closed' | 'close' };
  renditionOpened: { id: number; settings: VideoSettings };
  renditionClosed: { id: number };
  /** An encoder or worker failed; the rendition stops. */
  error: Error;
  /** A source stalled, resumed, looped, ended or could not read something (the stream goes on where it can). */
  source: SourceEvent & { media: 'video' | 'audio' };
}

function checkOptions(options: StreamerOptions): { workers: number; keyframeIntervalS: number; audioBps: number | undefined } {
  const workers = options.workers ?? DEFAULT_WORKERS;
  if (!Number.isInteger(workers) || workers < 1) throw new ControlsError('bad-option', Messages.workers(workers), 'workers');
  const keyframeIntervalS = options.keyframeIntervalS ?? DEFAULT_KEYFRAME_INTERVAL_S;
  if (typeof keyframeIntervalS !== 'number' || !(keyframeIntervalS >= 0) || !Number.isFinite(keyframeIntervalS)) throw new ControlsError('bad-option', Messages.keyframeInterval(keyframeIntervalS), 'keyframeIntervalS');
  const audio = options.audio ?? true;
  let audioBps: number | undefined;
  if (audio !== false) {
    audioBps = audio === true ? DEFAULT_AUDIO_BITRATE_BPS : (audio.bitrateBps ?? DEFAULT_AUDIO_BITRATE_BPS);
    if (!Number.isInteger(audioBps) || audioBps < MIN_AUDIO_BITRATE_BPS || audioBps > MAX_AUDIO_BITRATE_BPS) throw new ControlsError('bad-option', Messages.audioBitrate(audioBps), 'audio.bitrateBps');
  }
  return { workers, keyframeIntervalS, audioBps };
}

function max(values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? Math.max(...defined) : undefined;
}

export class Streamer extends TypedEmitter<StreamerEvents> {
  private defaults: VideoSettings;
  private readonly workers: number;
  private readonly preset: EncoderPreset;
  private readonly keyframeIntervalS: number;
  private readonly subscribers = new Map<string, Subscriber>();
  private readonly renditions: Rendition[] = [];
  private readonly audio: AudioPipeline | undefined;
  private readonly videoSource: VideoSource;
  private readonly audioSource: AudioSource | undefined;
  private readonly host: SubscriberHost;
  /** RTP timelines per Peer, kept across unsubscribe and subscribe again. */
  private readonly timelines = new WeakMap<Peer, RtpTimeline>();
  private nextRenditionId = 1;
  private runningFlag = false;
  private closedFlag = false;
  private keyframeOnUnrepairable: boolean;

  constructor(options: StreamerOptions = {}) {
    super();
    this.defaults = mergeSettings(DEFAULT_VIDEO_SETTINGS, options.video);
    const { workers, keyframeIntervalS, audioBps } = checkOptions(options);
    this.workers = workers;
    this.preset = options.preset ?? STREAMER_PRESET;
    if (!ENCODER_PRESETS.includes(this.preset)) throw new ControlsError('bad-option', Messages.preset(options.preset, ENCODER_PRESETS), 'preset');
    this.keyframeIntervalS = keyframeIntervalS;
    this.keyframeOnUnrepairable = options.keyframeOnUnrepairableLoss ?? true;
    this.videoSource = options.source ?? new SyntheticVideoSource();
    this.videoSource.on((e) => this.emit('source', { ...e, media: 'video' }));
    const audio = options.audio;
    this.audioSource = audioBps === undefined ? undefined : ((typeof audio === 'object' ? audio.source : undefined) ?? new SyntheticToneSource({ kind: 'tone', frequency: AUDIO_TONE_HZ }));
    this.audioSource?.on((e) => this.emit('source', { ...e, media: 'audio' }));
    this.audio = this.audioSource && audioBps !== undefined ? new AudioPipeline(audioBps, this.audioSource, () => this.subscribers.values(), (e) => this.fail(e)) : undefined;
    this.host = {
      switched: (subscriber, from) => {
        if (from) {
          from.members.delete(subscriber);
          this.closeIfEmpty(from);
        }
      },
      keyframeRequested: (subscriber, request: KeyframeRequest) => subscriber.feeding?.requestKeyframe(request.cause),
      lossUnrepairable: (subscriber) => {
        if (this.keyframeOnUnrepairable) subscriber.feeding?.requestKeyframe('unrepairable');
      },
    };
  }

  /** Turns the IDR answer to unanswerable NACKs on or off while live (see `StreamerOptions`). */
  setKeyframeOnUnrepairableLoss(enabled: boolean): void {
    this.keyframeOnUnrepairable = enabled;
  }

  get running(): boolean {
    return this.runningFlag;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** The settings new subscribers get (the constructor's, changed by `setVideo` without an id). */
  get video(): VideoSettings {
    return { ...this.defaults };
  }

  /**
   * Adds a Peer (connected or not yet; its senders are looked up at every frame). It joins the
   * rendition with its settings (a new one if none matches) and gets an IDR as soon as its
   * video track is open. Throws ControlsError: `peer-closed`, `duplicate-subscriber`,
   * `bad-settings`, `closed`.
   */
  subscribe(peer: Peer, options: SubscribeOptions = {}): Subscriber {
    this.assertOpen();
    if (peer.closed) throw new ControlsError('peer-closed', Messages.peerClosed);
    const id = options.id ?? randomUUID();
    if (this.subscribers.has(id)) throw new ControlsError('duplicate-subscriber', Messages.duplicateSubscriber(id));
    for (const s of this.subscribers.values()) if (s.peer === peer) throw new ControlsError('duplicate-subscriber', Messages.peerSubscribed(s.id));
    const settings = mergeSettings(this.defaults, options.video);
    let timeline = this.timelines.get(peer);
    if (!timeline) this.timelines.set(peer, (timeline = newTimeline()));
    const subscriber = new Subscriber(id, peer, settings, this.host, timeline);
    this.subscribers.set(id, subscriber);
    this.reconcile();
    this.emit('subscribed', { id });
    return subscriber;
  }

  /** Removes a subscriber; the others' streams go on untouched. Throws ControlsError `unknown-subscriber`. */
  unsubscribe(id: string): void {
    this.remove(this.get(id), 'unsubscribe');
  }

  private remove(subscriber: Subscriber, reason: StreamerEvents['unsubscribed']['reason']): void {
    if (this.subscribers.get(subscriber.id) !== subscriber) return;
    this.subscribers.delete(subscriber.id);
    subscriber.detach();
    for (const r of new Set([subscriber.feeding, subscriber.target])) {
      if (!r) continue;
      r.members.delete(subscriber);
      this.closeIfEmpty(r);
    }
    subscriber.feeding = subscriber.target = undefined;
    this.emit('unsubscribed', { id: subscriber.id, reason });
  }

  private get(id: string): Subscriber {
    const s = this.subscribers.get(id);
    if (!s) throw new ControlsError('unknown-subscriber', Messages.unknownSubscriber(id));
    return s;
  }

  /** The subscriber with this id, if any. */
  subscriber(id: string): Subscriber | undefined {
    return this.subscribers.get(id);
  }

  /**
   * Changes video settings while live: for every subscriber (and new ones) without an id, else
   * for that subscriber only. Bitrate goes to the rate control (no IDR); frame rate and size
   * give an IDR (new VUI timing, new SPS). Validated first: nothing changes when it throws
   * (ControlsError `bad-settings`, `unknown-subscriber`, `closed`).
   */
  setVideo(settings: Partial<VideoSettings>, subscriberId?: string): void {
    this.assertOpen();
    if (subscriberId !== undefined) {
      const s = this.get(subscriberId);
      s.setSettings(mergeSettings(s.settings, settings));
    } else {
      const next = [...this.subscribers.values()].map((s) => [s, mergeSettings(s.settings, settings)] as const);
      this.defaults = mergeSettings(this.defaults, settings);
      for (const [s, v] of next) s.setSettings(v);
    }
    this.reconcile();
  }

  /**
   * Puts every subscriber on a rendition matching its settings while touching as few encodes
   * as possible: a rendition keeps its settings when any of its subscribers still wants them;
   * otherwise it is retuned in place to what most of its subscribers want (when no other
   * rendition has that already); remaining subscribers move to a matching rendition or a new
   * one. Renditions left empty close once their last subscriber has moved.
   */
  private reconcile(): void {
    const claimed = new Map<string, Rendition>();
    const wanted = (r: Rendition) => [...r.members].filter((s) => s.target === r).map((s) => settingsKey(s.settings));
    for (const r of this.renditions) {
      if (!claimed.has(r.key) && wanted(r).includes(r.key)) claimed.set(r.key, r);
    }
    for (const r of this.renditions) {
      if ([...claimed.values()].includes(r)) continue;
      const counts = new Map<string, number>();
      for (const k of wanted(r)) if (!claimed.has(k)) counts.set(k, (counts.get(k) ?? 0) + 1);
      const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
      if (!best) continue;
      const settings = [...r.members].find((s) => s.target === r && settingsKey(s.settings) === best[0])!.settings;
      r.retune(settings);
      claimed.set(best[0], r);
    }
    for (const s of this.subscribers.values()) {
      const key = settingsKey(s.settings);
      let r = claimed.get(key);
      if (!r) {
        r = this.open(s.settings);
        claimed.set(key, r);
      }
      if (s.target === r) continue;
      const previous = s.target;
      s.target = r;
      r.members.add(s);
      if (previous && previous !== s.feeding) {
        previous.members.delete(s);
        this.closeIfEmpty(previous);
      }
      // A subscriber whose track is open gets the next picture as an IDR; one not connected
      // yet asks for it when its track opens (deliverVideo), so others see no wasted IDR.
      if (s.feeding !== r && s.peer.video?.isOpen) r.requestKeyframe('join');
    }
    for (const r of [...this.renditions]) this.closeIfEmpty(r);
  }

  private open(settings: VideoSettings): Rendition {
    const r = new Rendition(this.nextRenditionId++, settings, { workers: this.workers, preset: this.preset, keyframeIntervalS: this.keyframeIntervalS, source: this.videoSource, onError: (e) => this.fail(e) }, () => this.sweep());
    this.renditions.push(r);
    this.emit('renditionOpened', { id: r.id, settings: r.settings });
    if (this.runningFlag) r.start().catch((e: unknown) => this.fail(e));
    return r;
  }

  private closeIfEmpty(r: Rendition): void {
    if (r.members.size > 0 || r.closed) return;
    const i = this.renditions.indexOf(r);
    if (i >= 0) this.renditions.splice(i, 1);
    this.emit('renditionClosed', { id: r.id });
    r.close().catch((e: unknown) => this.fail(e));
  }

  /** Drops subscribers whose Peer was closed. */
  private sweep(): void {
    for (const s of [...this.subscribers.values()]) if (s.peer.closed) this.remove(s, 'peer-closed');
  }

  private fail(error: unknown): void {
    this.emit('error', error instanceof Error ? error : new Error(String(error)));
  }

  /** Starts (or resumes) capture and encoding; every rendition starts with an IDR. Resolves once the encoders run. */
  async start(): Promise<void> {
    this.assertOpen();
    this.runningFlag = true;
    this.audio?.start();
    await Promise.all(this.renditions.map((r) => r.start()));
  }

  /** Halts capture and encoding (subscribers stay attached; receivers see the stream pause). */
  async stop(): Promise<void> {
    this.runningFlag = false;
    await Promise.all([...this.renditions.map((r) => r.stop()), this.audio?.stop()]);
  }

  getStats(): StreamerStats {
    const subscribers = [...this.subscribers.values()].map((s) => s.getStats());
    const sum = (f: (s: SubscriberStats) => number | undefined) => subscribers.reduce((n, s) => n + (f(s) ?? 0), 0);
    const videoBitrateBps = sum((s) => s.video?.bitrateBps);
    const audioBitrateBps = sum((s) => s.audio?.bitrateBps);
    return {
      running: this.runningFlag,
      encodes: this.renditions.length,
      total: {
        subscribers: subscribers.length,
        bitrateBps: videoBitrateBps + audioBitrateBps,
        videoBitrateBps,
        audioBitrateBps,
        framesSent: sum((s) => s.video?.framesSent),
        keyframesSent: sum((s) => s.video?.keyframesSent),
        packetsSent: sum((s) => (s.video?.packetsSent ?? 0) + (s.audio?.packetsSent ?? 0)),
        nack: sum((s) => s.video?.nack),
        retransmitted: sum((s) => s.video?.retransmitted),
        pli: sum((s) => s.video?.pli),
        fir: sum((s) => s.video?.fir),
        cumulativeLost: sum((s) => (s.video?.cumulativeLost ?? 0) + (s.audio?.cumulativeLost ?? 0)),
        maxFractionLost: Math.max(0, ...subscribers.map((s) => s.video?.fractionLost ?? 0)),
        maxJitterMs: Math.max(0, ...subscribers.map((s) => s.video?.jitterMs ?? 0)),
        maxRttMs: max(subscribers.map((s) => s.video?.rttMs)),
        maxCaptureToSendP95Ms: max(subscribers.map((s) => s.latency.captureToSendP95Ms)),
        maxEstimatedEndToEndP95Ms: max(subscribers.map((s) => s.latency.estimatedEndToEndP95Ms)),
      },
      subscribers,
      renditions: this.renditions.map((r) => r.getStats()),
      audio: this.audio?.getStats(),
    };
  }

  /** Stops everything and terminates every encoder's workers; the peers stay open (they are the caller's). Idempotent. */
  async close(): Promise<void> {
    if (this.closedFlag) return;
    await this.stop();
    this.closedFlag = true;
    for (const s of [...this.subscribers.values()]) this.remove(s, 'close');
    await Promise.all(this.renditions.splice(0).map((r) => r.close()));
    this.videoSource.close();
    this.audioSource?.close();
  }

  /** The video source and audio source in use (for a program pushing frames or samples, or to read their statistics). */
  get sources(): { video: VideoSource; audio: AudioSource | undefined } {
    return { video: this.videoSource, audio: this.audioSource };
  }

  private assertOpen(): void {
    if (this.closedFlag) throw new ControlsError('closed', Messages.closed);
  }
}
