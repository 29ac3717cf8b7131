/**
 * One encode shared by every subscriber with the same VideoSettings: a reader of the Streamer's
 * VideoSource at the rendition's size (the synthetic picture by default; pushed frames or a
 * Y4M file, scaled when their size differs), a ParallelH264Encoder, paced in real time by a PacedClock that skips
 * frames rather than drift when encoding falls behind. Each access unit is split into NAL
 * units once and handed to every subscriber (RFC 6184: all NAL units of a picture share one
 * RTP timestamp, derived from the frame's capture deadline on the monotonic clock).
 */
import { PacedClock, ParallelH264Encoder, type EncoderPreset, type VideoReader, type VideoSource } from '../encoding/index.js';
import { splitAnnexB } from '../rtp/index.js';
import { CPU_RELIEF_OFF, CPU_RELIEF_ON, CPU_RELIEF_SMOOTHING, LATENCY_SAMPLES_MAX, MIN_FRAME_RATE, RC_RATE_HYSTERESIS, RC_RATE_WINDOW_MS, STATS_WINDOW_MS } from './constants.js';
import { settingsKey, type VideoSettings } from './settings.js';
import type { Subscriber } from './subscriber.js';
import { SampleWindow } from './window.js';

/** Why an IDR was coded. */
export type KeyframeCause = 'first' | 'start' | 'join' | 'pli' | 'fir' | 'unrepairable' | 'periodic' | 'settings';

export interface RenditionStats {
  id: number;
  settings: VideoSettings;
  /** Subscribers it feeds now or is about to (moving in). */
  subscribers: string[];
  framesEncoded: number;
  keyframesEncoded: number;
  /** Frames the clock skipped because encoding fell behind real time. */
  framesSkipped: number;
  /** Ticks with no picture from the source (none pushed yet, or the source ended). */
  framesIdle: number;
  /** Frames encoded per second over the statistics window. */
  framesPerSecond: number;
  /** Encode time of one picture (ms), median and 95th percentile over the window. */
  encodeP50Ms: number | undefined;
  encodeP95Ms: number | undefined;
  /** Frames per second the rate control budgets for: the nominal rate, or the rate actually coded when frames are skipped. */
  budgetFrameRate: number | undefined;
  /** IDRs by cause (a picture asked for by several causes at once counts under the first). */
  keyframeCauses: Partial<Record<KeyframeCause, number>>;
  /** Pictures coded with the encoder's CPU relief on (encoding was falling behind real time), and whether it is on now. */
  framesCpuRelief: number;
  cpuRelief: boolean;
}

export interface RenditionOptions {
  workers: number;
  /** Encoder speed preset. */
  preset: EncoderPreset;
  /** Seconds between periodic IDRs; 0 for none. */
  keyframeIntervalS: number;
  /** Where pictures come from. */
  source: VideoSource;
  onError(error: unknown): void;
}

/**
 * Whether the encoder should code with CPU relief, given the smoothed encode time of a picture,
 * the frame interval and whether relief is on now (hysteresis between CPU_RELIEF_OFF and _ON).
 */
export function cpuReliefWanted(smoothedEncodeMs: number, intervalMs: number, on: boolean): boolean {
  return on ? smoothedEncodeMs >= CPU_RELIEF_OFF * intervalMs : smoothedEncodeMs > CPU_RELIEF_ON * intervalMs;
}

/**
 * The frame rate the rate control should budget bitrate / fps per picture with, given the
 * pictures actually coded over the last second: that rate, within MIN_FRAME_RATE..nominal;
 * undefined (keep `current`) while it is within RC_RATE_HYSTERESIS of the nominal rate from it.
 */
export function budgetFrameRate(codedPerSecond: number, nominal: number, current: number): number | undefined {
  const actual = Math.min(nominal, Math.max(MIN_FRAME_RATE, codedPerSecond));
  return Math.abs(actual - current) > RC_RATE_HYSTERESIS * nominal ? actual : undefined;
}

/** A rendition (one encode) of a Streamer. Internal: created and closed by the Streamer. */
export class Rendition {
  /** Subscribers fed from here, or moving here. */
  readonly members = new Set<Subscriber>();
  private target: VideoSettings;
  private applied: VideoSettings | undefined;
  private encoder: ParallelH264Encoder | undefined;
  private source: VideoReader | undefined;
  private idle = 0;
  private readonly ready: Promise<void>;
  private clock: PacedClock | undefined;
  private loop: Promise<void> | undefined;
  private wantRun = false;
  private closedFlag = false;
  private keyframeCause: KeyframeCause | undefined = 'first';
  private lastKeyframeAt = -Infinity;
  private frames = 0;
  private keyframes = 0;
  private skipped = 0;
  private reliefFrames = 0;
  /** Encode time of a picture, smoothed (CPU_RELIEF_SMOOTHING), for the CPU relief switch. */
  private smoothedEncodeMs: number | undefined;
  private readonly causes: Partial<Record<KeyframeCause, number>> = {};
  private readonly encodeMs = new SampleWindow(STATS_WINDOW_MS, LATENCY_SAMPLES_MAX);
  private readonly encodedAt = new SampleWindow(STATS_WINDOW_MS, 4 * LATENCY_SAMPLES_MAX);
  /** Capture times of the pictures coded in the current clock run, for the rate control's budget. */
  private readonly coded = new SampleWindow(RC_RATE_WINDOW_MS, 1000);
  private runStartedAt = 0;

  constructor(
    readonly id: number,
    settings: VideoSettings,
    private readonly options: RenditionOptions,
    /** Called before each frame (the Streamer drops subscribers whose peer closed). */
    private readonly beforeFrame: () => void,
  ) {
    this.target = settings;
    this.ready = this.open(settings);
  }

  get settings(): VideoSettings {
    return { ...this.target };
  }

  get key(): string {
    return settingsKey(this.target);
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  private async open(s: VideoSettings): Promise<void> {
    this.encoder = await ParallelH264Encoder.create({
      width: s.width,
      height: s.height,
      fps: s.frameRate,
      bitrate: s.bitrateBps,
      threads: this.options.workers,
      preset: this.options.preset,
      // IDRs come from this class (join, PLI/FIR, periodic by time, not by frame count).
      keyInterval: 0,
    });
    this.source = this.options.source.reader(s.width, s.height, s.frameRate);
    this.applied = { ...s };
    if (this.closedFlag) await this.encoder.close();
  }

  /** The next picture is coded as an IDR (several requests before it give one IDR). */
  requestKeyframe(cause: KeyframeCause): void {
    this.keyframeCause ??= cause;
  }

  /**
   * New settings for this encode. A bitrate change goes to the rate control at once (no IDR);
   * a frame rate change restarts the clock and gives an IDR with the new VUI timing
   * (encoder.setFrameRate); a size change resizes the encoder (new SPS and IDR) and the source.
   */
  retune(settings: VideoSettings): void {
    this.target = { ...settings };
    const a = this.applied;
    if (!a || !this.encoder) return;
    if (a.bitrateBps !== settings.bitrateBps) {
      this.encoder.rateControl?.setBitrate(settings.bitrateBps);
      a.bitrateBps = settings.bitrateBps;
    }
    if (a.width !== settings.width || a.height !== settings.height || a.frameRate !== settings.frameRate) this.clock?.stop();
  }

  /** Start encoding and sending (the first picture is an IDR). Resolves once the encoder is ready. */
  async start(): Promise<void> {
    if (this.closedFlag) return;
    this.wantRun = true;
    await this.ready;
    if (this.loop || !this.wantRun || this.closedFlag) return;
    this.keyframeCause ??= 'start';
    this.loop = this.run().finally(() => (this.loop = undefined));
  }

  /** Stop after the picture being encoded (subscribers stay). */
  async stop(): Promise<void> {
    this.wantRun = false;
    this.clock?.stop();
    await this.loop;
  }

  /** Stop and terminate the encoder's worker threads. Idempotent. */
  async close(): Promise<void> {
    this.closedFlag = true;
    await this.stop();
    await this.ready.catch(() => undefined);
    await this.encoder?.close();
  }

  /** Apply a pending size or frame rate change between pictures. */
  private async apply(): Promise<void> {
    const a = this.applied!;
    const t = this.target;
    const encoder = this.encoder!;
    if (a.width !== t.width || a.height !== t.height) {
      await encoder.resize(t.width, t.height);
      this.source = this.options.source.reader(t.width, t.height, t.frameRate);
      a.width = t.width;
      a.height = t.height;
      this.keyframeCause ??= 'settings';
    }
    if (a.frameRate !== t.frameRate) {
      encoder.setFrameRate(t.frameRate);
      a.frameRate = t.frameRate;
      this.keyframeCause ??= 'settings';
    }
    if (a.bitrateBps !== t.bitrateBps) {
      encoder.rateControl?.setBitrate(t.bitrateBps);
      a.bitrateBps = t.bitrateBps;
    }
  }

  private pending(): boolean {
    const a = this.applied!;
    const t = this.target;
    return a.width !== t.width || a.height !== t.height || a.frameRate !== t.frameRate || a.bitrateBps !== t.bitrateBps;
  }

  private async run(): Promise<void> {
    try {
      while (this.wantRun && !this.closedFlag) {
        if (this.pending()) await this.apply();
        if (!this.wantRun || this.closedFlag) break;
        if (this.pending()) continue;
        const clock = new PacedClock({ rate: this.applied!.frameRate, whenBehind: 'skip' });
        this.clock = clock;
        this.runStartedAt = performance.now();
        this.coded.clear();
        this.encoder!.rateControl?.setFrameRate(this.applied!.frameRate);
        const stats = await clock.run(() => this.frame());
        this.skipped += stats.skippedTicks;
      }
    } catch (error) {
      this.wantRun = false;
      this.options.onError(error);
    } finally {
      this.clock = undefined;
    }
  }

  private async frame(): Promise<void> {
    this.beforeFrame();
    if (this.closedFlag) return;
    const encoder = this.encoder!;
    const tickAt = performance.now();
    const pulled = this.source!.read(tickAt);
    if (!pulled) {
      this.idle++;
      return;
    }
    // RTP time follows the tick; latency counts from the picture's own capture unless it is a repeat.
    const capturedAt = pulled.repeated ? tickAt : Math.min(tickAt, pulled.capturedAt);
    const captureUnixMs = pulled.repeated ? Date.now() : pulled.captureUnixMs;
    const picture = pulled.frame;
    const interval = this.options.keyframeIntervalS * 1000;
    if (interval > 0 && tickAt - this.lastKeyframeAt >= interval) this.keyframeCause ??= 'periodic';
    const cause = this.keyframeCause;
    this.keyframeCause = undefined;
    const encoded = await encoder.encode(picture, { keyframe: cause !== undefined });
    const done = performance.now();
    this.frames++;
    if (encoder.cpuRelief && !encoded.keyframe) this.reliefFrames++; // relief changes P pictures only
    this.encodeMs.add(done - tickAt, done);
    this.smoothedEncodeMs = this.smoothedEncodeMs === undefined ? done - tickAt : this.smoothedEncodeMs + CPU_RELIEF_SMOOTHING * (done - tickAt - this.smoothedEncodeMs);
    encoder.cpuRelief = cpuReliefWanted(this.smoothedEncodeMs, 1000 / this.applied!.frameRate, encoder.cpuRelief);
    this.encodedAt.add(0, done);
    if (encoded.keyframe) {
      this.keyframes++;
      this.lastKeyframeAt = tickAt;
      const c = cause ?? 'first';
      this.causes[c] = (this.causes[c] ?? 0) + 1;
    }
    this.budget(tickAt);
    const nalUnits = splitAnnexB(encoded.data);
    for (const subscriber of [...this.members]) subscriber.deliverVideo(this, nalUnits, encoded.keyframe, tickAt, captureUnixMs, capturedAt);
  }

  /**
   * Once the clock has run a full window, budget the rate control for the pictures actually
   * coded (at most the nominal rate): skipped frames would otherwise leave their share of the
   * bitrate unspent.
   */
  private budget(capturedAt: number): void {
    this.coded.add(0, capturedAt);
    const rc = this.encoder?.rateControl;
    if (!rc || capturedAt - this.runStartedAt < RC_RATE_WINDOW_MS) return;
    const next = budgetFrameRate(this.coded.ratePerSecond(capturedAt), this.applied!.frameRate, rc.fps);
    if (next !== undefined) rc.setFrameRate(next);
  }

  getStats(): RenditionStats {
    const now = performance.now();
    return {
      id: this.id,
      settings: this.settings,
      subscribers: [...this.members].map((s) => s.id),
      framesEncoded: this.frames,
      keyframesEncoded: this.keyframes,
      framesSkipped: this.skipped + (this.clock?.stats.skippedTicks ?? 0),
      framesIdle: this.idle,
      framesPerSecond: this.encodedAt.ratePerSecond(now),
      encodeP50Ms: this.encodeMs.percentile(50, now),
      encodeP95Ms: this.encodeMs.percentile(95, now),
      budgetFrameRate: this.encoder?.rateControl?.fps,
      keyframeCauses: { ...this.causes },
      framesCpuRelief: this.reliefFrames,
      cpuRelief: this.encoder?.cpuRelief ?? false,
    };
  }
}
