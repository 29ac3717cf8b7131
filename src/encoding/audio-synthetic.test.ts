import { describe, expect, it } from 'vitest';
import { SyntheticAudioSource, instantaneousFrequency, type SweepSignal } from './audio-synthetic.js';

/** Concatenate `frames` frames of a source (copies; the source reuses its buffer). */
function render(source: SyntheticAudioSource, frames: number): Int16Array {
  const out = new Int16Array(source.frame.length * frames);
  for (let i = 0; i < frames; i++) out.set(source.next(), i * source.frame.length);
  return out;
}

/** Frequency estimated from upward zero crossings in [from, to) (48 kHz mono). */
function zeroCrossingFrequency(x: Int16Array, from: number, to: number): number {
  const crossings: number[] = [];
  for (let i = from + 1; i < to; i++) if (x[i - 1] < 0 && x[i] >= 0) crossings.push(i - 1 + -x[i - 1] / (x[i] - x[i - 1]));
  return ((crossings.length - 1) * 48_000) / (crossings[crossings.length - 1] - crossings[0]);
}

describe('SyntheticAudioSource', () => {
  it('renders 20 ms frames of 960 samples per channel into one reused buffer', () => {
    const mono = new SyntheticAudioSource({ signal: { kind: 'tone', frequency: 440 } });
    const a = mono.next();
    const b = mono.next();
    expect(a).toBe(b);
    expect(a.length).toBe(960);
    expect([mono.frameIndex, mono.timestamp]).toEqual([2, 1920]);
    const stereo = new SyntheticAudioSource({ signal: { kind: 'tone', frequency: 440 }, channels: 2 });
    const s = stereo.next();
    expect(s.length).toBe(1920);
    for (let i = 0; i < 960; i++) expect(s[2 * i + 1]).toBe(s[2 * i]);
  });

  it('a tone stays phase-continuous across frames: 10 s match one unbroken sine within 1 LSB', () => {
    const source = new SyntheticAudioSource({ signal: { kind: 'tone', frequency: 997, amplitude: 0.8 } });
    const x = render(source, 500);
    let worst = 0;
    for (let n = 0; n < x.length; n++) worst = Math.max(worst, Math.abs(x[n] - 0.8 * 32767 * Math.sin((2 * Math.PI * 997 * n) / 48_000)));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('a sweep has no click at frame boundaries or when it restarts', () => {
    const signal: SweepSignal = { kind: 'sweep', from: 50, to: 12_000, periodSeconds: 0.25, shape: 'linear', amplitude: 1 };
    const x = render(new SyntheticAudioSource({ signal }), 100);
    // A sine of amplitude A at f Hz moves at most 2 pi f A / 48000 per sample (+1 for rounding).
    let worst = 0;
    for (let n = 1; n < x.length; n++) {
      const bound = (2 * Math.PI * Math.max(instantaneousFrequency(signal, n - 1), instantaneousFrequency(signal, n)) * 32767) / 48_000 + 1;
      worst = Math.max(worst, Math.abs(x[n] - x[n - 1]) / bound);
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('linear and log sweeps pass through the mean and the geometric mean at half period', () => {
    for (const shape of ['linear', 'log'] as const) {
      const signal: SweepSignal = { kind: 'sweep', from: 200, to: 3200, periodSeconds: 2, shape };
      const x = render(new SyntheticAudioSource({ signal }), 100);
      const expected = shape === 'linear' ? 1700 : 800;
      const measured = zeroCrossingFrequency(x, 48_000 - 480, 48_000 + 480);
      expect(Math.abs(measured - expected) / expected).toBeLessThan(0.03);
      // Near the start of the period it is close to `from` (its value 10 ms in).
      const early = instantaneousFrequency(signal, 480);
      expect(early).toBeLessThan(shape === 'linear' ? 216 : 205);
      expect(Math.abs(zeroCrossingFrequency(x, 0, 960) - early) / early).toBeLessThan(0.03);
    }
  });

  it('switches to silence and back without reallocating', () => {
    const source = new SyntheticAudioSource({ signal: { kind: 'tone', frequency: 1000 } });
    const buffer = source.next();
    source.setSignal({ kind: 'silence' });
    expect(source.next().every((v) => v === 0)).toBe(true);
    source.setSignal({ kind: 'tone', frequency: 1000, amplitude: 0.25 });
    const f = source.next();
    expect(f).toBe(buffer);
    expect(Math.max(...f)).toBeGreaterThan(8000);
  });

  it('rejects frequencies outside (0, 24000) Hz, amplitudes outside [0, 1] and bad channel counts', () => {
    expect(() => new SyntheticAudioSource({ signal: { kind: 'tone', frequency: 24_000 } })).toThrow(RangeError);
    expect(() => new SyntheticAudioSource({ signal: { kind: 'tone', frequency: 100, amplitude: 1.5 } })).toThrow(RangeError);
    expect(() => new SyntheticAudioSource({ signal: { kind: 'sweep', from: 0, to: 100, periodSeconds: 1 } })).toThrow(RangeError);
    expect(() => new SyntheticAudioSource({ signal: { kind: 'sweep', from: 10, to: 100, periodSeconds: 0 } })).toThrow(RangeError);
    expect(() => new SyntheticAudioSource({ signal: { kind: 'silence' }, channels: 3 as 2 })).toThrow(RangeError);
  });
});
