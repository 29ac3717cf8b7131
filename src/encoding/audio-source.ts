/**
 * Audio sources behind one interface: what the Opus encode loop pulls one 20 ms frame from
 * (960 samples per channel at 48 kHz, RFC 7587 section 4.1) at each tick.
 *
 * - `SyntheticToneSource`: the built-in tone (SyntheticAudioSource).
 * - `PushedAudioSource`: 16-bit or float PCM a program pushes at any common rate
 *   (COMMON_SAMPLE_RATES) and 1..8 channels, resampled to 48 kHz (resample.ts).
 * - `WavFileSource`: a 16-bit PCM .wav file read from disk 20 ms at a time, looped on request.
 *
 * Rule: a tick with less than a frame buffered sends what there is padded with silence
 * (counted `underruns`); pushed audio beyond PUSHED_AUDIO_BUFFER_MS ahead drops the oldest
 * (counted `overflowedMs`); no samples for SOURCE_STALL_MS reports `stalled`.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { AUDIO_FRAME_SAMPLES, AUDIO_SAMPLE_RATE, SyntheticAudioSource, type AudioSignal } from './audio-synthetic.js';
import { COMMON_SAMPLE_RATES, MAX_PCM_CHANNELS, PUSHED_AUDIO_BUFFER_MS, SOURCE_STALL_MS } from './constants.js';
import { MediaParseError, MediaSourceError } from './errors.js';
import { mapChannels, Resampler } from './resample.js';
import { openSourceFile, SourceEventHub, type SourceListener } from './source-events.js';
import { parseWavFmt, type WavFormat } from './wav.js';

export interface AudioSourceStats {
  /** 20 ms frames handed to the encoder. */
  frames: number;
  /** Frames padded with silence because too little was buffered. */
  underruns: number;
  /** Pushed audio dropped because the buffer was full (ms). */
  overflowedMs: number;
  loops: number;
  ended: boolean;
  stalled: boolean;
}

export interface AudioSource {
  readonly kind: 'synthetic' | 'pushed' | 'wav';
  readonly description: string;
  /** Channels of the frames next() returns (what Opus encodes). */
  readonly channels: 1 | 2;
  /** The next 20 ms at 48 kHz (interleaved; valid until the next call), or null when ended. */
  next(): Int16Array | null;
  on(listener: SourceListener): () => void;
  stats(): AudioSourceStats;
  close(): void;
}

function emptyStats(): AudioSourceStats {
  return { frames: 0, underruns: 0, overflowedMs: 0, loops: 0, ended: false, stalled: false };
}

/** The built-in tone, sweep or silence. */
export class SyntheticToneSource implements AudioSource {
  readonly kind = 'synthetic' as const;
  private readonly source: SyntheticAudioSource;
  private readonly hub = new SourceEventHub(() => this.description);
  private readonly counters = emptyStats();
  private closed = false;

  constructor(
    signal: AudioSignal = { kind: 'tone', frequency: 440 },
    readonly channels: 1 | 2 = 1,
  ) {
    this.source = new SyntheticAudioSource({ signal, channels });
  }

  get description(): string {
    return 'synthetic tone';
  }

  next(): Int16Array | null {
    if (this.closed) return null;
    this.counters.frames++;
    return this.source.next();
  }

  on(listener: SourceListener): () => void {
    return this.hub.on(listener);
  }

  stats(): AudioSourceStats {
    return { ...this.counters };
  }

  close(): void {
    this.closed = true;
  }
}

/** 48 kHz samples waiting for the encoder, in a growable ring of floats. */
class SampleFifo {
  private buf: Float32Array;
  private start = 0;
  length = 0;

  constructor(private readonly channels: number, capacityFrames: number) {
    this.buf = new Float32Array(capacityFrames * channels);
  }

  /** Appends; drops the oldest beyond capacity, returning how many frames were dropped. */
  write(samples: Float32Array): number {
    const cap = this.buf.length;
    let dropped = 0;
    let data = samples;
    if (data.length > cap) {
      dropped += (data.length - cap) / this.channels;
      data = data.subarray(data.length - cap);
    }
    const over = this.length + data.length - cap;
    if (over > 0) {
      this.start = (this.start + over) % cap;
      this.length -= over;
      dropped += over / this.channels;
    }
    for (let i = 0; i < data.length; i++) this.buf[(this.start + this.length + i) % cap] = data[i];
    this.length += data.length;
    return dropped;
  }

  /** Moves up to out.length samples into `out` (as int16, clipped); the rest is zeroed. Returns samples moved. */
  read(out: Int16Array): number {
    const cap = this.buf.length;
    const n = Math.min(out.length, this.length);
    for (let i = 0; i < n; i++) {
      const v = Math.round(this.buf[(this.start + i) % cap]);
      out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    out.fill(0, n);
    this.start = (this.start + n) % cap;
    this.length -= n;
    return n;
  }
}

function checkFormat(sampleRate: number, channels: number): void {
  if (!COMMON_SAMPLE_RATES.includes(sampleRate)) throw new MediaSourceError('unsupported-format', `sample rate ${sampleRate} Hz is not one of ${COMMON_SAMPLE_RATES.join(', ')}`, 'sampleRate');
  if (!Number.isInteger(channels) || channels < 1 || channels > MAX_PCM_CHANNELS) throw new MediaSourceError('unsupported-format', `channels must be an integer in 1..${MAX_PCM_CHANNELS}, got ${String(channels)}`, 'channels');
}

/** Resampling to 48 kHz and mapping to the output channels, then buffering for the encoder. */
abstract class BufferedAudioSource {
  protected readonly hub: SourceEventHub;
  protected readonly counters = emptyStats();
  protected readonly fifo: SampleFifo;
  private readonly frame: Int16Array;
  private resampler: Resampler | undefined;

  abstract readonly description: string;

  constructor(
    readonly channels: 1 | 2,
    bufferMs: number,
  ) {
    this.hub = new SourceEventHub(() => this.description);
    this.fifo = new SampleFifo(channels, Math.ceil((bufferMs * AUDIO_SAMPLE_RATE) / 1000));
    this.frame = new Int16Array(AUDIO_FRAME_SAMPLES * channels);
  }

  /** Interleaved samples (int16 scale) at `sampleRate` with `channels`, into the buffer. */
  protected feed(samples: Float32Array, sampleRate: number, channels: number): void {
    let mapped = mapChannels(samples, channels, this.channels);
    if (sampleRate !== AUDIO_SAMPLE_RATE) {
      if (!this.resampler || this.resampler.from !== sampleRate) this.resampler = new Resampler(sampleRate, AUDIO_SAMPLE_RATE, this.channels);
      mapped = this.resampler.push(mapped);
    }
    const dropped = this.fifo.write(mapped);
    if (dropped) this.counters.overflowedMs += (dropped * 1000) / AUDIO_SAMPLE_RATE;
  }

  /** One frame from the buffer, padded with silence (an underrun) when short. */
  protected take(): Int16Array {
    const moved = this.fifo.read(this.frame);
    if (moved < this.frame.length) this.counters.underruns++;
    this.counters.frames++;
    return this.frame;
  }

  on(listener: SourceListener): () => void {
    return this.hub.on(listener);
  }

  stats(): AudioSourceStats {
    return { ...this.counters };
  }
}

export interface PushedAudioOptions {
  /** What Opus encodes: 1 or 2 channels (default 2). */
  channels?: 1 | 2;
  /** Buffer ahead of the encoder (default PUSHED_AUDIO_BUFFER_MS). */
  bufferMs?: number;
  now?: () => number;
  stallMs?: number;
}

/** PCM pushed by the program. */
export class PushedAudioSource extends BufferedAudioSource implements AudioSource {
  readonly kind = 'pushed' as const;
  private readonly now: () => number;
  private readonly stallMs: number;
  private lastPush: number | undefined;
  private endedFlag = false;
  private format = '';

  constructor(options: PushedAudioOptions = {}) {
    super(options.channels ?? 2, options.bufferMs ?? PUSHED_AUDIO_BUFFER_MS);
    this.now = options.now ?? (() => performance.now());
    this.stallMs = options.stallMs ?? SOURCE_STALL_MS;
  }

  get description(): string {
    return `pushed PCM ${this.format}`.trimEnd();
  }

  /**
   * Interleaved samples: Int16Array, or Float32Array in [-1, 1]. Throws MediaSourceError
   * `unsupported-format` (rate not common, channels outside 1..8, another array type),
   * `bad-buffer-size` (length not a multiple of `channels`), `closed`.
   */
  push(samples: Int16Array | Float32Array, sampleRate: number, channels: number): void {
    if (this.endedFlag) throw new MediaSourceError('closed', 'the source was ended', 'push');
    checkFormat(sampleRate, channels);
    if (!(samples instanceof Int16Array) && !(samples instanceof Float32Array)) throw new MediaSourceError('unsupported-format', 'samples must be an Int16Array or a Float32Array', 'samples');
    if (samples.length % channels) throw new MediaSourceError('bad-buffer-size', `${samples.length} samples are not a whole number of ${channels}-channel frames`, 'samples');
    const f = new Float32Array(samples.length);
    const scale = samples instanceof Float32Array ? 32767 : 1;
    for (let i = 0; i < samples.length; i++) f[i] = samples[i] * scale;
    this.format = `${sampleRate} Hz ${channels} ch`;
    this.lastPush = this.now();
    if (this.counters.stalled) {
      this.counters.stalled = false;
      this.hub.emit('resumed');
    }
    this.feed(f, sampleRate, channels);
  }

  /** No more samples: what is buffered still plays, then next() returns null and `ended` is reported. */
  end(): void {
    this.endedFlag = true;
  }

  next(): Int16Array | null {
    if (this.endedFlag && this.fifo.length === 0) {
      if (!this.counters.ended) {
        this.counters.ended = true;
        this.hub.emit('ended');
      }
      return null;
    }
    if (this.lastPush !== undefined && !this.counters.stalled && this.fifo.length === 0 && this.now() - this.lastPush > this.stallMs) {
      this.counters.stalled = true;
      this.hub.emit('stalled');
    }
    return this.take();
  }

  close(): void {
    this.endedFlag = true;
    this.fifo.length = 0;
  }
}

export interface WavFileOptions {
  loop?: boolean;
  /** What Opus encodes (default: 1 for a mono file, else 2). */
  channels?: 1 | 2;
}

/**
 * A 16-bit PCM .wav file streamed from disk: the chunk headers are read to find "fmt " and
 * "data", then 20 ms of samples per tick. A data chunk that claims more bytes than the file
 * has is read to the end of the file and reports `error` (MediaSourceError `truncated`) when
 * it gets there; at the end it loops (loop on) or reports `ended` and returns null.
 */
export class WavFileSource extends BufferedAudioSource implements AudioSource {
  readonly kind = 'wav' as const;
  readonly format: WavFormat;
  private fd: number | undefined;
  private readonly loop: boolean;
  private readonly dataStart: number;
  private readonly dataEnd: number;
  private readonly truncated: boolean;
  private pos: number;
  private endedFlag = false;
  private readonly chunk: Buffer;

  /** Throws MediaSourceError `io` / `unsupported-format`, or MediaParseError for a damaged header. */
  constructor(
    readonly path: string,
    options: WavFileOptions = {},
  ) {
    const h = WavFileSource.readHeader(path);
    super(options.channels ?? (h.format.channels === 1 ? 1 : 2), 200);
    this.fd = h.fd;
    this.format = h.format;
    this.dataStart = h.dataStart;
    this.dataEnd = h.dataEnd;
    this.truncated = h.truncated;
    this.pos = h.dataStart;
    this.loop = options.loop ?? false;
    this.chunk = Buffer.alloc(Math.ceil((h.format.sampleRate * 20) / 1000) * h.format.blockAlign);
  }

  /** Finds and checks "fmt " and "data" by reading chunk headers only. */
  private static readHeader(path: string): { fd: number; format: WavFormat; dataStart: number; dataEnd: number; truncated: boolean } {
    const fd = openSourceFile(path);
    try {
      const size = fstatSync(fd).size;
      const head = Buffer.alloc(12);
      if (readSync(fd, head, 0, 12, 0) < 12) throw new MediaParseError('too short for a RIFF header', 0);
      if (head.toString('latin1', 0, 4) !== 'RIFF') throw new MediaParseError('not a RIFF file', 0);
      if (head.toString('latin1', 8, 12) !== 'WAVE') throw new MediaParseError('RIFF form is not WAVE', 8);
      let pos = 12;
      let format: WavFormat | undefined;
      while (pos + 8 <= size) {
        const h = Buffer.alloc(8);
        readSync(fd, h, 0, 8, pos);
        const id = h.toString('latin1', 0, 4);
        const len = h.readUInt32LE(4);
        if (id === 'fmt ') {
          if (pos + 8 + len > size) throw new MediaParseError(`chunk 'fmt ' of ${len} bytes runs past the end`, pos);
          const body = Buffer.alloc(8 + Math.min(len, 64));
          readSync(fd, body, 0, body.length, pos);
          format = parseWavFmt(new DataView(body.buffer, body.byteOffset, body.byteLength), 0, len);
        } else if (id === 'data') {
          if (!format) throw new MediaParseError('data chunk before fmt chunk', pos);
          checkFormat(format.sampleRate, format.channels);
          const available = size - (pos + 8);
          return { fd, format, dataStart: pos + 8, dataEnd: pos + 8 + Math.min(len, available), truncated: len > available };
        }
        pos += 8 + len + (len & 1);
      }
      throw new MediaParseError(format ? 'no data chunk' : 'no fmt chunk', pos);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  get description(): string {
    return `${this.path} ${this.format.sampleRate} Hz ${this.format.channels} ch${this.loop ? ' loop' : ''}`;
  }

  /** Frames (per channel) the file holds. */
  get frames(): number {
    return Math.floor((this.dataEnd - this.dataStart) / this.format.blockAlign);
  }

  next(): Int16Array | null {
    const need = AUDIO_FRAME_SAMPLES * this.channels;
    let guard = 0;
    while (!this.endedFlag && this.fifo.length < need && guard++ < 8) this.readChunk();
    if (this.endedFlag && this.fifo.length === 0) return null;
    return this.take();
  }

  private readChunk(): void {
    const { blockAlign, sampleRate, channels } = this.format;
    const want = Math.min(this.chunk.length, this.dataEnd - this.pos);
    const whole = want - (want % blockAlign);
    const got = whole > 0 && this.fd !== undefined ? readSync(this.fd, this.chunk, 0, whole, this.pos) : 0;
    const usable = got - (got % blockAlign);
    if (usable > 0) {
      const f = new Float32Array(usable / 2);
      for (let i = 0; i < f.length; i++) f[i] = this.chunk.readInt16LE(2 * i);
      this.pos += usable;
      this.feed(f, sampleRate, channels);
      return;
    }
    if (this.truncated) this.hub.emit('error', new MediaSourceError('truncated', `the data chunk claims more bytes than the file holds; it ends at byte ${this.dataEnd}`, `byte ${this.dataEnd}`));
    if (this.loop && this.dataEnd > this.dataStart) {
      this.pos = this.dataStart;
      this.counters.loops++;
      this.hub.emit('looped');
      return;
    }
    this.endedFlag = true;
    this.counters.ended = true;
    this.hub.emit('ended');
    this.close();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.endedFlag = true;
  }
}

/** `synthetic` or a .wav path, as `spell stream --audio` takes it. */
export function openAudioSource(input: string, options: { loop?: boolean } = {}): AudioSource {
  if (input === 'synthetic') return new SyntheticToneSource();
  if (!/\.wav$/i.test(input)) throw new MediaSourceError('unsupported-format', `audio '${input}' is neither 'synthetic' nor a .wav file`, 'audio');
  return new WavFileSource(input, options);
}
