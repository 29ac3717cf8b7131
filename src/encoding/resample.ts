/**
 * Streaming sample-rate conversion to the 48 kHz Opus takes (RFC 7587 section 4.1 clock;
 * libopus itself accepts 8/12/16/24/48 kHz only), with channel mapping.
 *
 * Rational polyphase windowed-sinc: for rates from/to = M/L in lowest terms, output sample n
 * sits at input position n M / L; its value is the input convolved with a Blackman-windowed
 * sinc of cutoff RESAMPLER_CUTOFF x the lower Nyquist frequency, RESAMPLER_ZERO_CROSSINGS
 * zero crossings each side, tabulated once per phase (L phases). Output lags the input by
 * the kernel's half width (under 1 ms at the common rates).
 */
import { RESAMPLER_CUTOFF, RESAMPLER_ZERO_CROSSINGS } from './constants.js';
import { MediaSourceError } from './errors.js';

/** Largest number of phases (L) a resampler tabulates; every common rate pair needs far fewer. */
const MAX_PHASES = 2048;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export class Resampler {
  /** Input samples per output sample, M / L. */
  private readonly up: number;
  private readonly down: number;
  private readonly taps: number;
  private readonly half: number;
  private readonly table: Float32Array;
  /** Per channel: the input not yet consumed, starting `half` samples before the next output's centre. */
  private hist: Float32Array[];
  private len: number;
  /** Next output's position: input index base + phase / up. */
  private phase = 0;
  private base: number;

  constructor(
    readonly from: number,
    readonly to: number,
    readonly channels: number,
  ) {
    if (!Number.isInteger(from) || !Number.isInteger(to) || from <= 0 || to <= 0) throw new MediaSourceError('unsupported-format', `sample rates must be positive integers, got ${from} -> ${to}`, 'sampleRate');
    const g = gcd(from, to);
    this.up = to / g;
    this.down = from / g;
    if (this.up > MAX_PHASES) throw new MediaSourceError('unsupported-format', `${from} -> ${to} Hz needs ${this.up} filter phases (at most ${MAX_PHASES})`, 'sampleRate');
    const cutoff = RESAMPLER_CUTOFF * Math.min(1, to / from);
    this.half = Math.ceil(RESAMPLER_ZERO_CROSSINGS / cutoff);
    this.taps = 2 * this.half;
    this.table = new Float32Array(this.up * this.taps);
    for (let p = 0; p < this.up; p++) {
      const frac = p / this.up;
      for (let k = 0; k < this.taps; k++) {
        // Tap k multiplies input (base - half + 1 + k); its distance from the output position.
        const x = k - this.half + 1 - frac;
        const u = x / this.half;
        if (Math.abs(u) >= 1) continue;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * cutoff * x) / (Math.PI * cutoff * x);
        const w = 0.42 + 0.5 * Math.cos(Math.PI * u) + 0.08 * Math.cos(2 * Math.PI * u);
        this.table[p * this.taps + k] = cutoff * sinc * w;
      }
    }
    this.hist = Array.from({ length: channels }, () => new Float32Array(4096));
    this.len = this.half - 1; // zeros before the first sample
    this.base = this.half - 1;
  }

  /** Feeds interleaved input samples (any scale); returns the interleaved output they complete. */
  push(input: Float32Array): Float32Array {
    const ch = this.channels;
    const frames = Math.floor(input.length / ch);
    if (this.len + frames > this.hist[0].length) {
      this.hist = this.hist.map((h) => {
        const n = new Float32Array(Math.max(2 * h.length, this.len + frames));
        n.set(h.subarray(0, this.len));
        return n;
      });
    }
    for (let c = 0; c < ch; c++) {
      const h = this.hist[c];
      for (let i = 0; i < frames; i++) h[this.len + i] = input[i * ch + c];
    }
    this.len += frames;
    return this.drain();
  }

  private drain(): Float32Array {
    const ch = this.channels;
    const { up, down, taps, half, table } = this;
    // Output at (base, phase) needs input up to base + half.
    let count = 0;
    {
      let b = this.base;
      let p = this.phase;
      while (b + half < this.len) {
        count++;
        p += down;
        b += Math.floor(p / up);
        p %= up;
      }
    }
    const out = new Float32Array(count * ch);
    for (let n = 0; n < count; n++) {
      const start = this.base - half + 1;
      const t = this.phase * taps;
      for (let c = 0; c < ch; c++) {
        const h = this.hist[c];
        let acc = 0;
        for (let k = 0; k < taps; k++) acc += h[start + k] * table[t + k];
        out[n * ch + c] = acc;
      }
      this.phase += down;
      this.base += Math.floor(this.phase / up);
      this.phase %= up;
    }
    const drop = this.base - half + 1;
    if (drop > 0) {
      for (const h of this.hist) h.copyWithin(0, drop, this.len);
      this.len -= drop;
      this.base -= drop;
    }
    return out;
  }
}

/**
 * Interleaved `channels`-channel samples as `outChannels` (1 or 2): mono is copied to both
 * sides; more channels go to mono as their mean and to stereo as the first two (front left,
 * front right in WAVE and SMPTE order).
 */
export function mapChannels(input: Float32Array, channels: number, outChannels: 1 | 2): Float32Array {
  if (channels === outChannels) return input;
  const frames = Math.floor(input.length / channels);
  const out = new Float32Array(frames * outChannels);
  for (let i = 0; i < frames; i++) {
    if (outChannels === 1) {
      let s = 0;
      for (let c = 0; c < channels; c++) s += input[i * channels + c];
      out[i] = s / channels;
    } else if (channels === 1) {
      out[2 * i] = out[2 * i + 1] = input[i];
    } else {
      out[2 * i] = input[i * channels];
      out[2 * i + 1] = input[i * channels + 1];
    }
  }
  return out;
}
