/**
 * A synthetic audio capture source: 48 kHz, mono or stereo, 16-bit interleaved PCM in 20 ms
 * frames (960 samples per channel), the frame an Opus encoder for WebRTC takes (RFC 7587 4.2:
 * one Opus packet per RTP packet, 20 ms is the usual ptime).
 *
 * Signals are generated from a phase accumulator carried across frames, so consecutive frames
 * join without a discontinuity (no clicks at frame boundaries), and a sweep that restarts at
 * `from` after each period changes frequency but keeps its phase. One frame buffer is reused:
 * `next()` allocates nothing.
 */

/** Sample rate of every synthetic audio frame (the Opus and RTP clock for WebRTC). */
export const AUDIO_SAMPLE_RATE = 48_000;
/** Samples per channel in one 20 ms frame at 48 kHz. */
export const AUDIO_FRAME_SAMPLES = 960;
/** Full-scale amplitude of 16-bit PCM. */
const FULL_SCALE = 32767;

/** A sine at a fixed frequency. `amplitude` is a fraction of full scale (0..1). */
export interface ToneSignal {
  kind: 'tone';
  frequency: number;
  amplitude?: number;
}

/**
 * A sine whose frequency goes from `from` to `to` Hz over `periodSeconds`, then starts again
 * at `from` (phase-continuous). `shape` 'linear' moves the frequency by equal steps in Hz,
 * 'log' by equal ratios (equal time per octave).
 */
export interface SweepSignal {
  kind: 'sweep';
  from: number;
  to: number;
  periodSeconds: number;
  shape?: 'linear' | 'log';
  amplitude?: number;
}

/** Digital silence (all samples zero), for DTX. */
export interface SilenceSignal {
  kind: 'silence';
}

export type AudioSignal = ToneSignal | SweepSignal | SilenceSignal;

export interface SyntheticAudioOptions {
  signal: AudioSignal;
  /** 1 (mono) or 2 (stereo, the same signal on both channels). Default 1. */
  channels?: 1 | 2;
}

/**
 * Renders 20 ms frames of a tone, sweep or silence into one reused Int16Array (interleaved
 * when stereo). Throws RangeError for frequencies outside (0, 24000) Hz, amplitudes outside
 * [0, 1] or a non-positive sweep period.
 */
export class SyntheticAudioSource {
  readonly sampleRate = AUDIO_SAMPLE_RATE;
  readonly samplesPerChannel = AUDIO_FRAME_SAMPLES;
  readonly channels: 1 | 2;
  /** The reused frame buffer `next()` fills (960 x channels samples). */
  readonly frame: Int16Array;
  private signal: AudioSignal;
  /** Phase in cycles, kept in [0, 1). */
  private phase = 0;
  /** Samples (per channel) produced so far. */
  private produced = 0;

  constructor(options: SyntheticAudioOptions) {
    this.channels = options.channels ?? 1;
    if (this.channels !== 1 && this.channels !== 2) throw new RangeError(`channels must be 1 or 2, not ${String(this.channels)}`);
    this.frame = new Int16Array(AUDIO_FRAME_SAMPLES * this.channels);
    this.signal = checkSignal(options.signal);
  }

  /** Number of frames produced so far. */
  get frameIndex(): number {
    return this.produced / AUDIO_FRAME_SAMPLES;
  }

  /** Presentation time of the next frame's first sample, in 48 kHz ticks (the RTP clock). */
  get timestamp(): number {
    return this.produced;
  }

  /** Switch to another signal from the next sample on; the phase carries over (no click). */
  setSignal(signal: AudioSignal): void {
    this.signal = checkSignal(signal);
  }

  /** Fill and return the reused frame buffer with the next 20 ms. */
  next(): Int16Array {
    const out = this.frame;
    const ch = this.channels;
    const s = this.signal;
    if (s.kind === 'silence') {
      out.fill(0);
      this.produced += AUDIO_FRAME_SAMPLES;
      return out;
    }
    const gain = (s.amplitude ?? 0.5) * FULL_SCALE;
    let phase = this.phase;
    let n = this.produced;
    const inv = 1 / AUDIO_SAMPLE_RATE;
    for (let i = 0; i < AUDIO_FRAME_SAMPLES; i++, n++) {
      const v = Math.round(gain * Math.sin(2 * Math.PI * phase));
      if (ch === 1) out[i] = v;
      else {
        out[2 * i] = v;
        out[2 * i + 1] = v;
      }
      phase += instantaneousFrequency(s, n) * inv;
      if (phase >= 1) phase -= Math.floor(phase);
    }
    this.phase = phase;
    this.produced = n;
    return out;
  }
}

/** Frequency (Hz) of the signal at sample `n` (48 kHz). */
export function instantaneousFrequency(s: ToneSignal | SweepSignal, n: number): number {
  if (s.kind === 'tone') return s.frequency;
  const periodSamples = s.periodSeconds * AUDIO_SAMPLE_RATE;
  const u = (n % periodSamples) / periodSamples;
  return s.shape === 'log' ? s.from * Math.pow(s.to / s.from, u) : s.from + (s.to - s.from) * u;
}

function checkSignal(s: AudioSignal): AudioSignal {
  if (s.kind === 'silence') return s;
  const amplitude = s.amplitude ?? 0.5;
  if (!(amplitude >= 0 && amplitude <= 1)) throw new RangeError(`amplitude must be within [0, 1], not ${amplitude}`);
  const nyquist = AUDIO_SAMPLE_RATE / 2;
  const freqs = s.kind === 'tone' ? [s.frequency] : [s.from, s.to];
  for (const f of freqs) {
    if (!(f > 0 && f < nyquist)) throw new RangeError(`frequency must be within (0, ${nyquist}) Hz, not ${f}`);
  }
  if (s.kind === 'sweep' && !(s.periodSeconds > 0)) throw new RangeError(`sweep period must be positive, not ${s.periodSeconds}`);
  return s;
}
