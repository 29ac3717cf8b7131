/**
 * FastResampleNode: band-limited sample-rate conversion by windowed-sinc interpolation
 * (Blackman window; cutoff 0.95 of the lower Nyquist frequency, as RemoteMedia's rubato
 * settings use), streaming, any ratio. `quality` Low / Medium / High sets the kernel: 16, 32 or
 * 64 zero crossings each side. Output sample n is the input evaluated at n x (in/out) input
 * samples, so there is no delay; at the end of the stream the tail is flushed against zeros.
 * The kernel is tabulated once (512 points per input sample, linearly interpolated) and the
 * taps for each output phase are cached, so a steady ratio costs one dot product per sample.
 */
import type { AudioFrame, Frame } from '../frame.js';
import type { NodeContext } from '../node.js';

const TABLE_RES = 512;
/** Output positions are rounded to 1/1024 of an input sample to reuse taps (timing error below -90 dB at 1 kHz). */
const PHASES = 1024;
const ZERO_CROSSINGS = { Low: 16, Medium: 32, High: 64 } as const;
export type ResampleQuality = keyof typeof ZERO_CROSSINGS;

export class SincResampler {
  readonly step: number;
  readonly halfWidth: number;
  #table: Float32Array;
  #cutoff: number;
  #buf: Float32Array[];
  #len = 0;
  /** Position of the next output sample, in input samples from the start of #buf. */
  #t: number;
  #pad: number;
  #inFrames = 0;
  #outFrames = 0;
  #taps: number;
  #phaseCache: (Float32Array | undefined)[] = new Array(PHASES + 1);

  constructor(readonly from: number, readonly to: number, readonly channels: number, quality: ResampleQuality = 'Medium') {
    this.step = from / to;
    this.#cutoff = 0.95 * Math.min(1, to / from);
    const zc = ZERO_CROSSINGS[quality];
    this.halfWidth = zc / this.#cutoff;
    const n = Math.ceil(this.halfWidth * TABLE_RES) + 2;
    this.#table = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const x = i / TABLE_RES;
      const u = x / this.halfWidth;
      if (u >= 1) break;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * this.#cutoff * x) / (Math.PI * this.#cutoff * x);
      const w = 0.42 + 0.5 * Math.cos(Math.PI * u) + 0.08 * Math.cos(2 * Math.PI * u);
      this.#table[i] = this.#cutoff * sinc * w;
    }
    this.#taps = Math.ceil(this.halfWidth);
    this.#pad = this.#taps + 1;
    this.#buf = Array.from({ length: channels }, () => new Float32Array(4096));
    this.#len = this.#pad; // zeros before the stream
    this.#t = this.#pad;
  }

  #kernel(x: number): number {
    const a = Math.abs(x) * TABLE_RES;
    const i = a | 0;
    if (i + 1 >= this.#table.length) return 0;
    const f = a - i;
    return this.#table[i]! * (1 - f) + this.#table[i + 1]! * f;
  }

  /** Feed interleaved input; returns the interleaved output it makes possible. */
  push(interleaved: Float32Array): Float32Array {
    const frames = interleaved.length / this.channels;
    if (this.#len + frames > this.#buf[0]!.length) {
      this.#buf = this.#buf.map((b) => { const n = new Float32Array(Math.max(b.length * 2, this.#len + frames)); n.set(b.subarray(0, this.#len)); return n; });
    }
    for (let c = 0; c < this.channels; c++) {
      const b = this.#buf[c]!;
      for (let i = 0; i < frames; i++) b[this.#len + i] = interleaved[i * this.channels + c]!;
    }
    this.#len += frames;
    this.#inFrames += frames;
    return this.#drain();
  }

  /** End of stream: the remaining output, computed against zeros after the last sample. */
  flush(): Float32Array {
    const expected = Math.ceil((this.#inFrames * this.to) / this.from);
    const y = this.push(new Float32Array(this.#pad * this.channels));
    return y.subarray(0, Math.max(0, expected - (this.#outFrames - y.length / this.channels)) * this.channels);
  }

  /** Kernel taps for an output at fractional position `frac` past an input sample, cached per phase. */
  #coefficients(frac: number): Float32Array {
    const q = Math.round(frac * PHASES);
    let c = this.#phaseCache[q];
    if (!c) {
      const k = this.#taps;
      c = new Float32Array(2 * k);
      const f = q / PHASES;
      for (let j = 0; j < 2 * k; j++) c[j] = this.#kernel(f + k - 1 - j);
      this.#phaseCache[q] = c;
    }
    return c;
  }

  #drain(): Float32Array {
    const k = this.#taps;
    const last = Math.floor((this.#len - 1 - k - this.#t) / this.step);
    const count = Math.max(0, last + 1);
    const out = new Float32Array(count * this.channels);
    for (let n = 0; n < count; n++) {
      const t = this.#t + n * this.step;
      const base = Math.floor(t);
      const c = this.#coefficients(t - base);
      const lo = base - k + 1;
      for (let ch = 0; ch < this.channels; ch++) {
        const b = this.#buf[ch]!;
        let acc = 0;
        for (let j = 0; j < c.length; j++) acc += b[lo + j]! * c[j]!;
        out[n * this.channels + ch] = acc;
      }
    }
    this.#t += count * this.step;
    this.#outFrames += count;
    // Drop input no longer needed.
    const keep = Math.floor(this.#t) - k - 1;
    if (keep > 0) {
      for (const b of this.#buf) b.copyWithin(0, keep, this.#len);
      this.#len -= keep;
      this.#t -= keep;
    }
    return out;
  }
}

export interface ResampleParams { source_rate?: number | 'auto'; target_rate?: number | 'auto'; quality: ResampleQuality; channels?: number }

/**
 * The node: `target_rate` (RemoteMedia also reads `targetRate`; absent or "auto" passes audio
 * through unchanged), `source_rate` (absent or "auto": taken from the input), `quality`. Media
 * time of the output follows its sample count; capture time is the newest input frame's.
 */
export function resampleNode(p: ResampleParams) {
  let r: SincResampler | undefined;
  let out = 0;
  let startUs = 0;
  let last: AudioFrame | undefined;
  const frameOf = (samples: Float32Array, src: AudioFrame): AudioFrame => {
    const f: AudioFrame = { kind: 'audio', sampleRate: r!.to, channels: src.channels, samples, mediaTimeUs: startUs + (out * 1e6) / r!.to, captureTimeMs: src.captureTimeMs, ...(src.streamId !== undefined ? { streamId: src.streamId } : {}) };
    out += samples.length / src.channels;
    return f;
  };
  return {
    process(frame: Frame, ctx: NodeContext) {
      if (frame.kind !== 'audio') return;
      if (typeof p.source_rate === 'number' && p.source_rate !== frame.sampleRate) throw new Error(`params.source_rate is ${p.source_rate} Hz but the input is ${frame.sampleRate} Hz`);
      const target = typeof p.target_rate === 'number' ? p.target_rate : frame.sampleRate;
      if (target === frame.sampleRate && !r) return ctx.emit(frame);
      if (!r || r.from !== frame.sampleRate || r.channels !== frame.channels) {
        r = new SincResampler(frame.sampleRate, target, frame.channels, p.quality);
        startUs = frame.mediaTimeUs;
        out = 0;
      }
      last = frame;
      const y = r.push(frame.samples);
      if (y.length) return ctx.emit(frameOf(y, frame));
    },
    flush(ctx: NodeContext) {
      if (!r || !last) return;
      const y = r.flush();
      if (y.length) return ctx.emit(frameOf(y, last));
    },
  };
}
