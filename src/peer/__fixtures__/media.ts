/**
 * Test media: Chrome's own captured H.264 and Opus (fixtures/chrome/rtp, see
 * fixtures/README.md), depacketized by src/rtp into access units and Opus packets, and
 * replayed through a Peer's senders at their original timing, looped.
 */
import { readFileSync } from 'node:fs';
import { readRtpDump } from '../../rtp/index.js';
import { H264Encoder, SyntheticSource } from '../../encoding/index.js';
import { H264Depacketizer, RtpPacket } from '../../rtp/index.js';
import type { AudioSender, VideoSender } from '../sender.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/chrome/rtp/${name}`, import.meta.url));

export interface AccessUnit {
  /** Milliseconds from the first access unit of the recording. */
  atMs: number;
  nalUnits: Uint8Array[];
  keyframe: boolean;
}

export interface OpusFrame {
  atMs: number;
  packet: Uint8Array;
}

/** Chrome's 720p H.264 capture as access units, through our H264Depacketizer. */
export function loadChromeH264(): { units: AccessUnit[]; durationMs: number } {
  const depacketizer = new H264Depacketizer();
  const packets = readRtpDump(fixture('chrome-h264-720p.rtpdump')).packets.filter((p) => !p.isRtcp);
  const frames = packets.flatMap((p) => depacketizer.push(p.data));
  frames.push(...depacketizer.flush());
  const first = frames[0]!.timestamp;
  const units = frames.map((f) => ({ atMs: ((f.timestamp - first) >>> 0) / 90, nalUnits: f.nalUnits, keyframe: f.keyframe }));
  const last = units[units.length - 1]!.atMs;
  // One more frame interval after the last, so the loop keeps the cadence.
  return { units, durationMs: last + last / (units.length - 1) };
}

/** Chrome's Opus capture: the payloads and their 48 kHz timing. */
export function loadChromeOpus(): { frames: OpusFrame[]; durationMs: number } {
  const packets = readRtpDump(fixture('chrome-opus.rtpdump')).packets.filter((p) => !p.isRtcp).map((p) => RtpPacket.parse(p.data));
  const first = packets[0]!.timestamp;
  const frames = packets.map((p) => ({ atMs: ((p.timestamp - first) >>> 0) / 48, packet: p.payload.slice() }));
  const last = frames[frames.length - 1]!.atMs;
  return { frames, durationMs: last + 20 };
}

/**
 * Sends the access units through `sender` at their recorded times, looping, on 90 kHz
 * timestamps of our own. A keyframe request makes it jump to the next IDR (what an encoder
 * does when asked, RFC 4585 6.3.1). `startIndex` > 0 starts on a delta frame.
 */
export class VideoReplay {
  private index: number;
  private loopOffsetMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly start = performance.now();
  private jump = false;
  private readonly baseTimestamp = 0x1234_5678;
  sent = 0;
  keyframeJumps = 0;

  constructor(
    private readonly sender: VideoSender,
    private readonly media: { units: AccessUnit[]; durationMs: number },
    startIndex = 0,
  ) {
    this.index = startIndex;
    this.loopOffsetMs = -media.units[startIndex]!.atMs;
    sender.on('keyframeRequested', () => (this.jump = true));
    this.tick();
  }

  private tick(): void {
    const elapsed = performance.now() - this.start;
    for (;;) {
      if (this.jump) {
        this.jump = false;
        const units = this.media.units;
        let next = this.index;
        for (let n = 0; n < units.length && !units[next]!.keyframe; n++) {
          next = (next + 1) % units.length;
          if (next === 0) this.loopOffsetMs += this.media.durationMs;
        }
        if (next !== this.index) this.keyframeJumps++;
        // Keep time moving forward: the IDR is sent now.
        this.loopOffsetMs = Math.max(this.loopOffsetMs, elapsed - units[next]!.atMs);
        this.index = next;
      }
      const unit = this.media.units[this.index]!;
      const dueMs = unit.atMs + this.loopOffsetMs;
      if (dueMs > elapsed) {
        this.timer = setTimeout(() => this.tick(), Math.max(1, dueMs - elapsed));
        return;
      }
      this.sender.sendAccessUnit(unit.nalUnits, (this.baseTimestamp + Math.round(dueMs * 90)) >>> 0);
      this.sent++;
      this.index++;
      if (this.index === this.media.units.length) {
        this.index = 0;
        this.loopOffsetMs += this.media.durationMs;
      }
    }
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** Sends Opus packets through `sender` at their recorded 20 ms cadence, looping. */
export class AudioReplay {
  private index = 0;
  private loopOffsetMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly start = performance.now();
  private readonly baseTimestamp = 0x0abc_def0;
  sent = 0;

  constructor(
    private readonly sender: AudioSender,
    private readonly media: { frames: OpusFrame[]; durationMs: number },
  ) {
    this.tick();
  }

  private tick(): void {
    const elapsed = performance.now() - this.start;
    for (;;) {
      const frame = this.media.frames[this.index]!;
      const dueMs = frame.atMs + this.loopOffsetMs;
      if (dueMs > elapsed) {
        this.timer = setTimeout(() => this.tick(), Math.max(1, dueMs - elapsed));
        return;
      }
      this.sender.sendOpus(frame.packet, (this.baseTimestamp + Math.round(dueMs * 48)) >>> 0);
      this.sent++;
      this.index++;
      if (this.index === this.media.frames.length) {
        this.index = 0;
        this.loopOffsetMs += this.media.durationMs;
      }
    }
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/**
 * Live frames from our own encoder (src/encoding): a SyntheticSource through an H264Encoder
 * with no periodic IDR (`keyInterval` 0), so the only IDRs after the first are the ones a
 * keyframe request asks for, as a real-time sender with a long keyframe interval does.
 */
export class EncoderFeed {
  private readonly source: SyntheticSource;
  private readonly encoder: H264Encoder;
  private readonly timer: NodeJS.Timeout;
  private forceIdr = false;
  private frames = 0;
  /** performance.now() of each IDR sent. */
  readonly idrTimes: number[] = [];

  constructor(
    private readonly sender: VideoSender,
    options: { width: number; height: number; fps: number; bitrate: number },
  ) {
    this.source = new SyntheticSource({ width: options.width, height: options.height, fps: options.fps });
    this.encoder = new H264Encoder({ width: options.width, height: options.height, fps: options.fps, keyInterval: 0, bitrate: options.bitrate });
    sender.on('keyframeRequested', () => (this.forceIdr = true));
    this.timer = setInterval(() => this.tick(options.fps), 1000 / options.fps);
  }

  private tick(fps: number): void {
    const frame = this.encoder.encode(this.source.next(), { keyframe: this.forceIdr });
    this.forceIdr = false;
    if (frame.keyframe) this.idrTimes.push(performance.now());
    this.sender.sendAccessUnit(frame.data, Math.round((this.frames++ * 90_000) / fps) >>> 0);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
