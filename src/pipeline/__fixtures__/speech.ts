/**
 * A deterministic synthetic voice for the SileroVADNode tests and the bench: a glottal pulse
 * train (f0 about 120 Hz with a slow vibrato and a seeded jitter of the period) through three
 * formant resonators in cascade (730, 1090 and 2440 Hz, bandwidths 90, 110 and 170 Hz: an open
 * vowel), shaped into syllables at 4 per second (envelope max(0, sin(2 pi 4 t))^0.5). The
 * Silero model hears it as speech (0.6-0.97 in most windows) where a pure tone reads under 0.45.
 * Each resonator is the two-pole section y[n] = A x[n] + B y[n-1] + C y[n-2] with
 * C = -r^2, B = 2 r cos(2 pi F / fs), r = exp(-pi BW / fs) and A = 1 - B - C (unity gain at
 * 0 Hz), the formant synthesiser's building block.
 */
import { createRandom } from '../../../fuzz/engine.js';

export interface SpeechLayout {
  sampleRate: number;
  /** Silence before the voice, then voice, then silence after, in seconds. */
  before: number;
  voice: number;
  after: number;
  /** Peak of the voice after normalisation (default 0.5). */
  peak?: number;
  seed?: number;
}

const FORMANTS: readonly (readonly [number, number])[] = [[730, 90], [1090, 110], [2440, 170]];

/** Mono float32 samples: silence, the synthetic voice, silence. */
export function syntheticSpeech(l: SpeechLayout): Float32Array {
  const fs = l.sampleRate;
  const rnd = createRandom(l.seed ?? 7);
  const start = Math.round(l.before * fs);
  const n = Math.round(l.voice * fs);
  const out = new Float32Array(start + n + Math.round(l.after * fs));
  const voice = new Float64Array(n);
  // Glottal source: one unit pulse per period; the period follows f0(t) with a seeded jitter.
  let phase = 0;
  let jitter = 1;
  for (let i = 0; i < n; i++) {
    const t = i / fs;
    const f0 = 120 * (1 + 0.04 * Math.sin(2 * Math.PI * 0.7 * t)) * jitter;
    phase += f0 / fs;
    if (phase >= 1) { phase -= 1; voice[i] = 1; jitter = 1 + (rnd() - 0.5) * 0.02; }
  }
  for (const [f, bw] of FORMANTS) {
    const r = Math.exp((-Math.PI * bw) / fs);
    const b = 2 * r * Math.cos((2 * Math.PI * f) / fs);
    const c = -r * r;
    const a = 1 - b - c;
    let y1 = 0;
    let y2 = 0;
    for (let i = 0; i < n; i++) {
      const y = a * voice[i]! + b * y1 + c * y2;
      y2 = y1;
      y1 = y;
      voice[i] = y;
    }
  }
  let peak = 0;
  for (let i = 0; i < n; i++) {
    voice[i] = voice[i]! * Math.sqrt(Math.max(0, Math.sin(2 * Math.PI * 4 * (i / fs))));
    peak = Math.max(peak, Math.abs(voice[i]!));
  }
  const gain = (l.peak ?? 0.5) / (peak || 1);
  for (let i = 0; i < n; i++) out[start + i] = voice[i]! * gain;
  return out;
}
