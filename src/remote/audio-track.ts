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

/** Opus packets in, audio frames out. */
export class OpusTrackInput {
  readonly #decoder = new OpusDecoder({ sampleRate: CLOCK, channels: 1 });
  #first: number | undefined;
  #unwrapped = 0;
  #last = 0;
  #expected: number | undefined;
  readonly stats: TrackInputStats = { packets: 0, lost: 0, concealedSamples: 0, undecodable: 0 };

  /** The frames one packet yields: concealment for a gap before it, then its own audio. */
  push(p: AudioPacket): Frame[] {
    this.stats.packets++;
    this.stats.lost += p.lost;
    // Unwrap the 32-bit timestamp (RFC 3550 5.1) relative to the first packet.
    if (this.#first === undefined) {
      this.#first = p.rtpTimestamp;
      this.#last = p.rtpTimestamp;
    } else {
      const delta = (p.rtpTimestamp - this.#last) | 0;
      this.#unwrapped += delta;
      this.#last = p.rtpTimestamp;
    }
    const at = this.#unwrapped;
    const out: Frame[] = [];
    const captureTimeMs = p.receivedAtMs;
    if (this.#expected !== undefined && at > this.#expected) {
      const gap = at - this.#expected;
      if (gap <= CLOCK) { // conceal up to a second; a longer silence is a new talkspurt
        const samples = this.#decoder.decodeLost(gap, p.payload);
        this.stats.concealedSamples += gap;
        out.push(frame(samples, this.#expected, captureTimeMs));
      }
    }
    try {
      const samples = this.#decoder.decodeFloat(p.payload);
      out.push(frame(samples, at, captureTimeMs));
      this.#expected = at + samples.length;
    } catch {
      this.stats.undecodable++;
      this.#expected = at + p.samples;
    }
    return out;
  }

  close(): void {
    this.#decoder.destroy();
  }
}

function frame(samples: Float32Array, at: number, captureTimeMs: number): AudioFrame {
  return { kind: 'audio', mediaTimeUs: (at * 1e6) / CLOCK, captureTimeMs, sampleRate: CLOCK, channels: 1, samples };
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

  constructor(private readonly sender: AudioSender) {}

  push(f: AudioFrame): void {
    if (!this.#encoder) {
      if (!(OPUS_SAMPLE_RATES as readonly number[]).includes(f.sampleRate) || (f.channels !== 1 && f.channels !== 2)) {
        throw new RemoteError('bad-message', `audio of ${f.sampleRate} Hz x ${f.channels} cannot go on the Opus track (8, 12, 16, 24 or 48 kHz, 1 or 2 channels)`);
      }
      this.#encoder = new OpusEncoder({ sampleRate: f.sampleRate as OpusSampleRate, channels: f.channels as 1 | 2, application: 'audio' });
      this.#pcm = new Int16Array(this.#encoder.frameSize * f.channels);
      this.#heldAt = Math.round((f.mediaTimeUs * f.sampleRate) / 1e6);
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
