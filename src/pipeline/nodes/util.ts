/** Small helpers shared by the built-in nodes: levels in dBFS and frame construction. */
import type { AudioFrame, DataFrame, Frame } from '../frame.js';

/** Floor for the level of digital silence, as RemoteMedia reports it. */
export const SILENCE_FLOOR_DB = -120;

export function rms(samples: Float32Array, offset = 0, stride = 1): number {
  let sum = 0;
  let n = 0;
  for (let i = offset; i < samples.length; i += stride) { sum += samples[i]! * samples[i]!; n++; }
  return n ? Math.sqrt(sum / n) : 0;
}

export function peak(samples: Float32Array): number {
  let p = 0;
  for (let i = 0; i < samples.length; i++) { const a = Math.abs(samples[i]!); if (a > p) p = a; }
  return p;
}

/** Amplitude (full scale 1.0) to dBFS, -120 for zero. */
export function toDb(amplitude: number): number {
  return amplitude <= 0 ? SILENCE_FLOOR_DB : 20 * Math.log10(amplitude);
}

/** An event frame carrying `value`, timed like the frame it describes. */
export function eventFrame(from: Frame, value: Record<string, unknown>): DataFrame {
  return { kind: 'data', mediaTimeUs: from.mediaTimeUs, captureTimeMs: from.captureTimeMs, ...(from.streamId !== undefined ? { streamId: from.streamId } : {}), value };
}

/** The fields every RemoteMedia analysis event ends with. */
export function eventTail(f: AudioFrame): { stream_id: string | null; timestamp_us: number } {
  return { stream_id: f.streamId ?? null, timestamp_us: Math.round(f.mediaTimeUs) };
}

export function int16ToFloat(s: Int16Array): Float32Array {
  const out = new Float32Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s[i]! / 32768;
  return out;
}

export function floatToInt16(s: Float32Array): Int16Array {
  const out = new Int16Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const v = Math.round(s[i]! * 32768);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}
