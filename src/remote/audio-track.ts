/**
 * Audio over the connection's Opus track (RFC 7587) instead of the data channel: what a
 * browser caller sends with its microphone track, and what it plays back.
 *
 * In: each Opus packet (in order, from src/peer's receiver) is decoded to 48 kHz float audio;
 * a gap (packets lost before it) is concealed with libopus' PLC over the RTP timestamp gap, so
 * media time stays continuous. Media time is the RTP timestamp (unwrapped, 48 kHz clock)
 * since the first packet; capture time is when the packet arrived.
 * Out: audio frames are cut into 20 ms, encoded with our Opus encoder at their own rate
 * (8-48 kHz) and sent with RTP timestamps from their media time.
 */
import { OpusDecoder, OpusEncoder, OPUS_SAMPLE_RATES, type OpusSampleRate } from '../encoding/index.js';
import type { AudioSender, AudioPacket } from '../peer/index.js';
import { LatencyWindow, type AudioFrame, type Frame } from '../pipeline/index.js';
import { RemoteError } from './errors.js';

const CLOCK = 48_000;

export interface TrackInputStats {
  packets: number;
  lost: number;
  concealedSamples: number;
  undecodable: number;
}

export interface TrackInputOptions {
  /** Decode at this rate (default 48 kHz) and channel count (default 1). */
  sampleRate?: OpusSampleRate;
  channels?: 1 | 2;
  /** Media time is the RTP timestamp itself (our own senders), not counted from the first packet (browsers). */
  absoluteTime?: boolean;
}

/** Opus packets in, audio frames out. */
export class OpusTrackInput {
  readonly #decoder: OpusDecoder;
  readonly #rate: number;
  readonly #channels: number;
  readonly #absolute: boolean;
  #first: number | undefined;
  #unwrapped = 0;
  #last = 0;
  #expected: number | undefined;
  readonly stats: TrackInputStats = { packets: 0, lost: 0, concealedSamples: 0, undecodable: 0 };

  constructor(options: TrackInputOptions = {}) {
    this.#rate = options.sampleRate ?? CLOCK;
    this.#channels = options.channels ?? 1;
    this.#absolute = options.absoluteTime === true;
    this.#decoder = new OpusDecoder({ sampleRate: this.#rate as OpusSampleRate, channels: this.#channels as 1 | 2 });
  }

  /** Count from now (the session's pipeline is open: what came before was dropped). */
  resetStats(): void {
    Object.assign(this.stats, { packets: 0, lost: 0, concealedSamples: 0, undecodable: 0 });
  }

  /** Media time (us) where the audio decoded so far ends. */
  get reachedUs(): number {
    return this.#expected === undefined ? -1 : (this.#expected * 1e6) / CLOCK;
  }

  /** The frames one packet yields: concealment for a gap before it, then its own audio. */
  push(p: AudioPacket): Frame[] {
    this.stats.packets++;
    this.stats.lost += p.lost;
    // Unwrap the 32-bit timestamp (RFC 3550 5.1) relative to the first packet.
    if (this.#first === undefined) {
      this.#first = p.rtpTimestamp;
      this.#last = p.rtpTimestamp;
      if (this.#absolute) this.#unwrapped = p.rtpTimestamp;
    } else {
      const delta = (p.rtpTimestamp - this.#last) | 0;
      this.#unwrapped += delta;
      this.#last = p.rtpTimestamp;
    }
    const at = this.#unwrapped;
    const out: Frame[] = [];
    const captureTimeMs = p.receivedAtMs;
    // Positions count 48 kHz ticks (the RTP clock); samples are at the decoder's rate.
    const ticksPerSample = CLOCK / this.#rate;
    if (this.#expected !== undefined && at > this.#expected) {
      const gap = at - this.#expected;
      if (gap <= CLOCK) { // conceal up to a second; a longer silence is a new talkspurt
        const samples = this.#decoder.decodeLost(Math.round(gap / ticksPerSample), p.payload);
        this.stats.concealedSamples += gap / ticksPerSample;
        out.push(this.#frame(samples, this.#expected, captureTimeMs));
      }
    }
    try {
      const samples = this.#decoder.decodeFloat(p.payload);
      out.push(this.#frame(samples, at, captureTimeMs));
      this.#expected = at + (samples.length / this.#channels) * ticksPerSample;
    } catch {
      this.stats.undecodable++;
      this.#expected = at + p.samples;
    }
    return out;
  }

  #frame(samples: Float32Array, at: number, captureTimeMs: number): AudioFrame {
    return { kind: 'audio', mediaTimeUs: (at * 1e6) / CLOCK, captureTimeMs, sampleRate: this.#rate, channels: this.#channels, samples };
  }

  close(): void {
    this.#decoder.destroy();
  }
}

/** Audio frames in, 20 ms Opus packets out on the track. */
export class OpusTrackOutput {
  #encoder: OpusEncoder | undefined;
  #pcm: Int16Array = new Int16Array(0);
  #filled = 0;
  /** Media time (in samples at the frame rate) of the first sample held. */
  #heldAt = 0;
  packets = 0;
  /** The executor's hop: packet received to the packet made from it sent, ms (wall clock). */
  readonly hop = new LatencyWindow(4096);

  /** `onFormat` is told the rate and channels once, before the first packet. */
  constructor(private readonly sender: AudioSender, private readonly onFormat?: (sampleRate: OpusSampleRate, channels: 1 | 2) => void) {}

  /** Send what is held as a last packet padded with silence (the end of the stream). */
  flush(captureTimeMs: number = Date.now()): void {
    const enc = this.#encoder;
    if (!enc || this.#filled === 0) return;
    this.#pcm.fill(0, this.#filled);
    const ts = Math.round((this.#heldAt * CLOCK) / enc.sampleRate) >>> 0;
    this.sender.sendOpus(enc.encode(this.#pcm), ts, captureTimeMs);
    this.packets++;
    this.#heldAt += enc.frameSize;
    this.#filled = 0;
  }

  push(f: AudioFrame): void {
    if (!this.#encoder) {
      if (!(OPUS_SAMPLE_RATES as readonly number[]).includes(f.sampleRate) || (f.channels !== 1 && f.channels !== 2)) {
        throw new RemoteError('bad-message', `audio of ${f.sampleRate} Hz x ${f.channels} cannot go on the Opus track (8, 12, 16, 24 or 48 kHz, 1 or 2 channels)`);
      }
      this.#encoder = new OpusEncoder({ sampleRate: f.sampleRate as OpusSampleRate, channels: f.channels as 1 | 2, application: 'audio' });
      this.#pcm = new Int16Array(this.#encoder.frameSize * f.channels);
      this.#heldAt = Math.round((f.mediaTimeUs * f.sampleRate) / 1e6);
      this.onFormat?.(this.#encoder.sampleRate, this.#encoder.channels);
    }
    const enc = this.#encoder;
    if (f.sampleRate !== enc.sampleRate || f.channels !== enc.channels) throw new RemoteError('bad-message', `audio changed to ${f.sampleRate} Hz x ${f.channels} mid-stream`);
    const s = f.samples;
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!;
      this.#pcm[this.#filled++] = v >= 1 ? 32767 : v <= -1 ? -32768 : Math.round(v * 32767);
      if (this.#filled === this.#pcm.length) {
        const packet = enc.encode(this.#pcm);
        const ts = Math.round((this.#heldAt * CLOCK) / enc.sampleRate) >>> 0;
        this.sender.sendOpus(packet, ts, f.captureTimeMs);
        this.hop.record(Date.now() - f.captureTimeMs);
        this.packets++;
        this.#heldAt += enc.frameSize;
        this.#filled = 0;
      }
    }
  }
}
