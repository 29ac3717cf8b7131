/**
 * Video sources behind one interface: what an encode loop (a Streamer rendition) pulls a
 * picture from at each tick of its own clock.
 *
 * - `SyntheticVideoSource`: the built-in moving test picture, drawn at each reader's size.
 * - `PushedVideoSource`: frames a program pushes (I420, NV12, RGBA, BGRA; pixels.ts), with
 *   their own timestamps.
 * - `Y4mFileSource`: a .y4m file read frame by frame from disk (never whole), looped on request.
 *
 * Pacing rule (pushed and file sources), stated once: each encode tick takes the newest frame
 * that is due by then. A frame is due at its timestamp mapped onto the monotonic clock (the
 * first frame's arrival anchors the mapping; a file's frame n is due n / fps after its first
 * read). Frames arriving faster than the encode rate are dropped (counted `superseded`);
 * when no new frame is due the previous one is repeated (counted `repeated`); early frames
 * wait in a queue of PUSHED_QUEUE_MAX (overflow drops the oldest waiting, counted
 * `overflowed`); a frame whose timestamp is not after the previous one is dropped (counted
 * `outOfOrder`); one due more than PUSHED_RESYNC_MS early or late re-anchors the mapping
 * (counted `resyncs`). Frames are scaled (bilinear) to each reader's size when it differs.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { PUSHED_QUEUE_MAX, PUSHED_RESYNC_MS, SOURCE_STALL_MS, Y4M_MAX_LINE } from './constants.js';
import { MediaSourceError } from './errors.js';
import { createI420Frame, type I420Frame } from './frame.js';
import { scaleI420, toI420, type PixelBuffer } from './pixels.js';
import { openSourceFile, SourceEventHub, type SourceListener } from './source-events.js';
import { SyntheticSource, type SyntheticPattern } from './synthetic.js';
import { parseY4mHeader, type Y4mHeader } from './y4m.js';

/** A picture handed to an encode. */
export interface SourceFrame {
  /** At the reader's size; valid until the reader's next read. */
  frame: I420Frame;
  /** Monotonic time (performance.now(), ms) the picture was captured or arrived. */
  capturedAt: number;
  /** Wall-clock time of the same moment (Date.now(), ms). */
  captureUnixMs: number;
  /** The source's own timestamp of the picture (µs). */
  timestampUs: number;
  /** True when this is the same picture the reader returned last time. */
  repeated: boolean;
}

/** One consumer's view of a source at one size. */
export interface VideoReader {
  /** The picture for a tick at monotonic time `now` (ms); null when there is none yet or the source ended. */
  read(now: number): SourceFrame | null;
}

export interface VideoSourceStats {
  /** Pictures the source produced or accepted. */
  frames: number;
  /** Pictures readers took again because nothing newer was due. */
  repeated: number;
  /** Pictures replaced by a newer one before any reader took them. */
  superseded: number;
  /** Pushed frames dropped because their timestamp was not after the previous one. */
  outOfOrder: number;
  /** Early pushed frames dropped because the waiting queue was full. */
  overflowed: number;
  /** Timeline re-anchorings after a jump in pushed timestamps. */
  resyncs: number;
  /** Times a file started again from its first frame. */
  loops: number;
  ended: boolean;
  stalled: boolean;
}

export interface VideoSource {
  readonly kind: 'synthetic' | 'pushed' | 'y4m';
  readonly description: string;
  /** Native size and nominal rate (a pushed source: the latest frame's size, or what it was told). */
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  /** A reader producing pictures at this size for an encode at this rate. */
  reader(width: number, height: number, frameRate: number): VideoReader;
  /** `stalled`, `resumed`, `looped`, `ended`, `error`; returns the remover. */
  on(listener: SourceListener): () => void;
  stats(): VideoSourceStats;
  /** Releases files; readers return null afterwards. */
  close(): void;
}

function emptyStats(): VideoSourceStats {
  return { frames: 0, repeated: 0, superseded: 0, outOfOrder: 0, overflowed: 0, resyncs: 0, loops: 0, ended: false, stalled: false };
}

/** The moving test picture with its readable stamp, drawn afresh at each reader's size. */
export class SyntheticVideoSource implements VideoSource {
  readonly kind = 'synthetic' as const;
  private readonly hub = new SourceEventHub(() => this.description);
  private readonly counters = emptyStats();
  private closed = false;

  constructor(
    readonly width = 1280,
    readonly height = 720,
    readonly frameRate = 30,
    readonly pattern: SyntheticPattern = 'moving',
  ) {}

  get description(): string {
    return `synthetic ${this.pattern}`;
  }

  reader(width: number, height: number, frameRate: number): VideoReader {
    const source = new SyntheticSource({ width, height, fps: frameRate, pattern: this.pattern });
    return {
      read: (now) => {
        if (this.closed) return null;
        const frame = source.next();
        this.counters.frames++;
        return { frame, capturedAt: now, captureUnixMs: Date.now(), timestampUs: frame.timestampUs, repeated: false };
      },
    };
  }

  on(listener: SourceListener): () => void {
    return this.hub.on(listener);
  }

  stats(): VideoSourceStats {
    return { ...this.counters };
  }

  close(): void {
    this.closed = true;
  }
}

/** A picture shared by every reader of a pushed or file source. */
interface SharedFrame {
  seq: number;
  frame: I420Frame;
  capturedAt: number;
  captureUnixMs: number;
  timestampUs: number;
}

/** Readers over a source that yields one shared current picture: scale once per picture per reader. */
abstract class SharedFrameSource {
  protected readonly hub: SourceEventHub;
  protected readonly counters = emptyStats();
  /** Seq of the last picture any reader took. */
  private takenSeq = 0;

  abstract readonly description: string;

  constructor() {
    this.hub = new SourceEventHub(() => this.description);
  }

  /** The newest picture due at `now`, or undefined (none yet, or ended). */
  protected abstract due(now: number): SharedFrame | undefined;

  reader(width: number, height: number): VideoReader {
    let lastSeq = -1;
    let scaled: I420Frame | undefined;
    return {
      read: (now) => {
        const current = this.due(now);
        if (!current) return null;
        const repeated = current.seq === lastSeq;
        if (repeated) this.counters.repeated++;
        else {
          lastSeq = current.seq;
          this.takenSeq = Math.max(this.takenSeq, current.seq);
          scaled = current.frame.width === width && current.frame.height === height ? current.frame : scaleI420(current.frame, width, height, scaled === current.frame ? undefined : scaled);
        }
        return { frame: scaled ?? createI420Frame(width, height), capturedAt: current.capturedAt, captureUnixMs: current.captureUnixMs, timestampUs: current.timestampUs, repeated };
      },
    };
  }

  /** A new current picture replaces `previous`: counted superseded when no reader took it. */
  protected replaced(previous: SharedFrame | undefined): void {
    if (previous && previous.seq > this.takenSeq) this.counters.superseded++;
  }

  on(listener: SourceListener): () => void {
    return this.hub.on(listener);
  }

  stats(): VideoSourceStats {
    return { ...this.counters };
  }
}

export interface PushedVideoOptions {
  /** Size and rate to report before the first frame (default 1280x720, 30 fps). */
  width?: number;
  height?: number;
  frameRate?: number;
  /** Monotonic clock in ms (default performance.now). */
  now?: () => number;
  /** No frame for this long reports `stalled` (default SOURCE_STALL_MS). */
  stallMs?: number;
}

/** A frame a program pushes: its pixels and, optionally, its own timestamp. */
export interface PushedFrame extends PixelBuffer {
  /** Presentation time in µs on the program's clock (default: arrival time). */
  timestampUs?: number;
}

interface Waiting extends SharedFrame {
  dueAt: number;
}

/** Frames pushed by the program; see the pacing rule at the top of this file. */
export class PushedVideoSource extends SharedFrameSource implements VideoSource {
  readonly kind = 'pushed' as const;
  private readonly now: () => number;
  private readonly stallMs: number;
  private readonly queue: Waiting[] = [];
  private current: SharedFrame | undefined;
  private offsetMs: number | undefined;
  private lastTimestampUs = -Infinity;
  private lastArrival = 0;
  private seq = 0;
  private size: { width: number; height: number };
  private format = '';
  private endedFlag = false;
  readonly frameRate: number;

  constructor(options: PushedVideoOptions = {}) {
    super();
    this.now = options.now ?? (() => performance.now());
    this.stallMs = options.stallMs ?? SOURCE_STALL_MS;
    this.size = { width: options.width ?? 1280, height: options.height ?? 720 };
    this.frameRate = options.frameRate ?? 30;
  }

  get description(): string {
    return `pushed ${this.format || 'frames'}`.trimEnd();
  }

  get width(): number {
    return this.size.width;
  }

  get height(): number {
    return this.size.height;
  }

  /**
   * Converts and queues one frame. Returns false when it was dropped at once (timestamp not
   * after the previous one). Throws MediaSourceError (`bad-buffer-size`, `unsupported-format`,
   * `bad-size`, `bad-timestamp`, `closed`) and keeps nothing of a frame it refuses.
   */
  push(input: PushedFrame): boolean {
    if (this.endedFlag) throw new MediaSourceError('closed', 'the source was ended', 'push');
    if (input.timestampUs !== undefined && !Number.isFinite(input.timestampUs)) throw new MediaSourceError('bad-timestamp', `timestampUs must be a finite number, got ${String(input.timestampUs)}`, 'timestampUs');
    const frame = toI420(input);
    const arrival = this.now();
    const ts = input.timestampUs ?? arrival * 1000;
    if (ts <= this.lastTimestampUs) {
      this.counters.outOfOrder++;
      return false;
    }
    this.lastTimestampUs = ts;
    if (this.counters.stalled) {
      this.counters.stalled = false;
      this.hub.emit('resumed');
    }
    this.lastArrival = arrival;
    this.format = input.format;
    this.size = { width: input.width, height: input.height };
    let dueAt = ts / 1000 + (this.offsetMs ??= arrival - ts / 1000);
    if (dueAt - arrival > PUSHED_RESYNC_MS || arrival - dueAt > PUSHED_RESYNC_MS) {
      this.offsetMs = arrival - ts / 1000;
      dueAt = arrival;
      this.counters.resyncs++;
    }
    this.counters.frames++;
    this.queue.push({ seq: ++this.seq, frame, capturedAt: arrival, captureUnixMs: Date.now(), timestampUs: ts, dueAt });
    if (this.queue.length > PUSHED_QUEUE_MAX) {
      this.queue.shift();
      this.counters.overflowed++;
    }
    return true;
  }

  /** No more frames: readers return null from now on and `ended` is reported. */
  end(): void {
    if (this.endedFlag) return;
    this.endedFlag = true;
    this.counters.ended = true;
    this.queue.length = 0;
    this.current = undefined;
    this.hub.emit('ended');
  }

  protected due(now: number): SharedFrame | undefined {
    if (this.endedFlag) return undefined;
    while (this.queue.length && this.queue[0].dueAt <= now) {
      const next = this.queue.shift()!;
      this.replaced(this.current);
      this.current = next;
    }
    if (this.current && !this.counters.stalled && now - this.lastArrival > this.stallMs) {
      this.counters.stalled = true;
      this.hub.emit('stalled');
    }
    return this.current;
  }

  override reader(width: number, height: number, _frameRate?: number): VideoReader {
    return super.reader(width, height);
  }

  close(): void {
    this.end();
  }
}

export interface Y4mFileOptions {
  /** Start again from the first frame at the end (default false: `ended`, then null). */
  loop?: boolean;
  now?: () => number;
}

/**
 * A .y4m file read from disk one frame at a time: only the header and the current frame are
 * in memory. Frame n is due n / fps after the first read. A truncated last frame or a damaged
 * FRAME line reports `error` (MediaSourceError `truncated`, or the MediaParseError's message)
 * and counts as the end of the file: looped when loop is on, else `ended`.
 */
export class Y4mFileSource extends SharedFrameSource implements VideoSource {
  readonly kind = 'y4m' as const;
  readonly header: Y4mHeader;
  private fd: number | undefined;
  private readonly loop: boolean;
  private readonly now: () => number;
  private readonly frameBytes: number;
  private readonly lineBuf = Buffer.alloc(Y4M_MAX_LINE);
  private pos: number;
  private startedAt: number | undefined;
  /** File frame index (counting across loops) of `current`. */
  private index = -1;
  private current: SharedFrame | undefined;
  private endedFlag = false;
  private framesThisPass = 0;

  /** Throws MediaSourceError `io` when the file cannot be opened, MediaParseError for a bad header. */
  constructor(
    readonly path: string,
    options: Y4mFileOptions = {},
  ) {
    super();
    this.loop = options.loop ?? false;
    this.now = options.now ?? (() => performance.now());
    this.fd = openSourceFile(path);
    try {
      const head = Buffer.alloc(Y4M_MAX_LINE);
      const n = readSync(this.fd, head, 0, head.length, 0);
      this.header = parseY4mHeader(head.subarray(0, n));
    } catch (error) {
      this.close();
      throw error;
    }
    const { width, height } = this.header;
    this.frameBytes = width * height + 2 * ((width + 1) >> 1) * ((height + 1) >> 1);
    this.pos = this.header.headerLength;
  }

  get description(): string {
    return `${this.path} ${this.width}x${this.height}@${+this.frameRate.toFixed(2)}${this.loop ? ' loop' : ''}`;
  }

  get width(): number {
    return this.header.width;
  }

  get height(): number {
    return this.header.height;
  }

  get frameRate(): number {
    return this.header.fpsNum / this.header.fpsDen;
  }

  /** Frames in the file by its size (FRAME lines without parameters assumed). */
  get frameCount(): number {
    if (this.fd === undefined) return 0;
    return Math.floor((fstatSync(this.fd).size - this.header.headerLength) / (this.frameBytes + 6));
  }

  protected due(now: number): SharedFrame | undefined {
    if (this.endedFlag || this.fd === undefined) return undefined;
    this.startedAt ??= now;
    const want = Math.floor(((now - this.startedAt) * this.frameRate) / 1000);
    while (this.index < want && !this.endedFlag) {
      // Frames the clock has passed by are skipped on disk without being read.
      if (!this.advance(this.index + 1 < want)) break;
    }
    return this.current;
  }

  /** Moves to the next frame (reading its planes unless `skip`); false at an end that does not loop. */
  private advance(skip: boolean): boolean {
    const fd = this.fd!;
    const lineLen = readSync(fd, this.lineBuf, 0, this.lineBuf.length, this.pos);
    if (lineLen === 0) return this.atEnd();
    const nl = this.lineBuf.subarray(0, lineLen).indexOf(0x0a);
    const text = this.lineBuf.subarray(0, Math.max(0, nl)).toString('latin1');
    if (nl < 0 || !(text === 'FRAME' || text.startsWith('FRAME '))) {
      this.hub.emit('error', new MediaSourceError('truncated', nl < 0 ? 'FRAME line not terminated' : 'expected a FRAME line', `byte ${this.pos}`));
      return this.atEnd();
    }
    const planes = this.pos + nl + 1;
    // The file must hold the whole frame before any buffer is allocated for it.
    if (planes + this.frameBytes > fstatSync(fd).size) {
      this.hub.emit('error', new MediaSourceError('truncated', `frame needs ${this.frameBytes} bytes, the file has ${Math.max(0, fstatSync(fd).size - planes)}`, `byte ${planes}`));
      return this.atEnd();
    }
    const f = skip ? undefined : createI420Frame(this.width, this.height);
    if (f) {
      const buf = Buffer.alloc(this.frameBytes);
      const got = readSync(fd, buf, 0, buf.length, planes);
      if (got < this.frameBytes) {
        this.hub.emit('error', new MediaSourceError('truncated', `frame needs ${this.frameBytes} bytes, the file has ${got}`, `byte ${planes}`));
        return this.atEnd();
      }
      f.y.set(buf.subarray(0, f.y.length));
      f.u.set(buf.subarray(f.y.length, f.y.length + f.u.length));
      f.v.set(buf.subarray(f.y.length + f.u.length));
    }
    this.pos = planes + this.frameBytes;
    this.index++;
    this.framesThisPass++;
    this.counters.frames++;
    if (f) {
      this.replaced(this.current);
      const now = this.now();
      this.current = { seq: this.index + 1, frame: f, capturedAt: now, captureUnixMs: Date.now(), timestampUs: Math.round((this.index * 1e6) / this.frameRate) };
    }
    return true;
  }

  private atEnd(): boolean {
    if (this.loop && this.framesThisPass > 0) {
      this.pos = this.header.headerLength;
      this.framesThisPass = 0;
      this.counters.loops++;
      this.hub.emit('looped');
      return true;
    }
    this.endedFlag = true;
    this.counters.ended = true;
    this.current = undefined;
    this.hub.emit('ended');
    this.releaseFile();
    return false;
  }

  override reader(width: number, height: number, _frameRate?: number): VideoReader {
    return super.reader(width, height);
  }

  private releaseFile(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  close(): void {
    this.endedFlag = true;
    this.releaseFile();
  }
}

/** `synthetic`, `synthetic:<pattern>` or a .y4m path, as `spell stream --video` takes it. */
export function openVideoSource(input: string, options: { loop?: boolean; width?: number; height?: number; frameRate?: number } = {}): VideoSource {
  const [kind, pattern] = input.split(':', 2);
  if (kind === 'synthetic') {
    const patterns: SyntheticPattern[] = ['moving', 'flat', 'noisy', 'scenecut'];
    if (pattern !== undefined && !patterns.includes(pattern as SyntheticPattern)) throw new MediaSourceError('unsupported-format', `unknown synthetic pattern '${pattern}'; use one of ${patterns.join(', ')}`, 'video');
    return new SyntheticVideoSource(options.width, options.height, options.frameRate, (pattern as SyntheticPattern | undefined) ?? 'moving');
  }
  if (!/\.y4m$/i.test(input)) throw new MediaSourceError('unsupported-format', `video '${input}' is neither 'synthetic' nor a .y4m file`, 'video');
  return new Y4mFileSource(input, { loop: options.loop });
}

