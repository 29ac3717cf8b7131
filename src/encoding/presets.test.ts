/**
 * Presets (constants.ts PRESET_TUNING): what each costs in picture quality at the same bitrate
 * (a quality comparison, not a timing one: CPU time is the benchmark's, bench/encoder.bench.ts),
 * and that every preset's stream is the same on worker threads. Bit-exact decoding of every
 * preset in Chromium is in webcodecs.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { CPU_RELIEF_TUNING, ENCODER_PRESETS, PRESET_TUNING, type EncoderPreset } from './constants.js';
import { H264Encoder } from './encoder.js';
import { copyI420Frame, psnr } from './frame.js';
import { ParallelH264Encoder } from './parallel.js';
import { candidateExitBound } from './slice-coder.js';
import { SyntheticSource, type SyntheticPattern } from './synthetic.js';

interface Figures {
  kbps: number;
  psnrY: number;
}

/** Rate-controlled encode; bitrate and mean Y-PSNR over the pictures after the first second (the rate control's settling). */
function measure(preset: EncoderPreset, pattern: SyntheticPattern, bitrate: number, frames: number, intra4x4?: boolean): Figures {
  const width = 640;
  const height = 360;
  const fps = 30;
  let n = 0;
  const source = new SyntheticSource({ width, height, fps, pattern, clock: () => (n++ * 1000) / fps });
  const encoder = new H264Encoder({ width, height, fps, bitrate, keyInterval: 60, preset, intra4x4 });
  let bits = 0;
  let ySum = 0;
  let counted = 0;
  for (let i = 0; i < frames; i++) {
    const f = source.next();
    const out = encoder.encode(f);
    if (i < fps) continue;
    bits += out.data.length * 8;
    ySum += psnr(f, encoder.reconstruction()).y;
    counted++;
  }
  return { kbps: (bits * fps) / counted / 1000, psnrY: ySum / counted };
}

describe('encoder presets', () => {
  /**
   * Realtime and balanced against quality: the same bitrate (within 5%) and at most 0.5 dB less
   * Y-PSNR. Balanced has quality's coding tools and is held to quality itself; realtime has no
   * Intra 4x4 (CPU), so its search cuts are held to quality with the same intra tools
   * (`intra4x4: false`, the quality of before Intra 4x4): Intra 4x4 alone adds up to 2.7 dB on
   * `moving` (next test), which no search effort gives back.
   */
  function withinHalfDb(pattern: SyntheticPattern, bitrate: number): void {
    const quality = measure('quality', pattern, bitrate, 120);
    const quality16 = measure('quality', pattern, bitrate, 120, false);
    for (const preset of ['balanced', 'realtime'] as const) {
      const q = preset === 'realtime' ? quality16 : quality;
      const r = measure(preset, pattern, bitrate, 120);
      console.log(`${pattern} ${bitrate / 1000} kbit/s: ${preset} ${r.kbps.toFixed(0)} kbit/s ${r.psnrY.toFixed(2)} dB; quality ${q.kbps.toFixed(0)} kbit/s ${q.psnrY.toFixed(2)} dB`);
      expect(Math.abs(r.kbps / q.kbps - 1), `${preset} bitrate against quality`).toBeLessThan(0.05);
      expect(r.psnrY, `${preset} Y-PSNR against quality`).toBeGreaterThan(q.psnrY - 0.5);
    }
  }

  it('realtime and balanced stay within 0.5 dB Y-PSNR of quality at the same bitrate (moving 640x360, 700 kbit/s)', () => withinHalfDb('moving', 700_000), 240_000);
  it('realtime and balanced stay within 0.5 dB Y-PSNR of quality at the same bitrate (moving 640x360, 400 kbit/s)', () => withinHalfDb('moving', 400_000), 240_000);
  it('realtime and balanced stay within 0.5 dB Y-PSNR of quality at the same bitrate (noisy 640x360, 1500 kbit/s)', () => withinHalfDb('noisy', 1_500_000), 240_000);

  it('Intra 4x4 raises Y-PSNR at the same bitrate: more than 1 dB on moving 640x360 at 700 kbit/s, no loss on noise at 1500 kbit/s', () => {
    for (const [pattern, bitrate, gain] of [['moving', 700_000, 1], ['noisy', 1_500_000, -0.1]] as const) {
      const on = measure('quality', pattern, bitrate, 120, true);
      const off = measure('quality', pattern, bitrate, 120, false);
      console.log(`${pattern} ${bitrate / 1000} kbit/s, quality: Intra 4x4 ${on.kbps.toFixed(0)} kbit/s ${on.psnrY.toFixed(2)} dB; without ${off.kbps.toFixed(0)} kbit/s ${off.psnrY.toFixed(2)} dB`);
      expect(Math.abs(on.kbps / off.kbps - 1), `${pattern} bitrate with and without Intra 4x4`).toBeLessThan(0.05);
      expect(on.psnrY - off.psnrY, `${pattern} Y-PSNR gain of Intra 4x4`).toBeGreaterThan(gain);
    }
  }, 240_000);

  it('every preset gives the same bytes on worker threads as on the calling thread', async () => {
    for (const preset of ENCODER_PRESETS) {
      const opts = { width: 320, height: 240, qp: 24, keyInterval: 6, slices: 2, preset };
      const a = new SyntheticSource({ width: 320, height: 240, pattern: 'scenecut', sceneLength: 4, clock: () => 7 });
      const b = new SyntheticSource({ width: 320, height: 240, pattern: 'scenecut', sceneLength: 4, clock: () => 7 });
      const single = new H264Encoder(opts);
      const parallel = await ParallelH264Encoder.create({ ...opts, threads: 2, warmUp: false });
      try {
        for (let i = 0; i < 8; i++) {
          const x = single.encode(a.next());
          const y = await parallel.encode(b.next());
          expect(y.data, `${preset} frame ${i}`).toEqual(x.data);
          expect(copyI420Frame(parallel.reconstruction())).toEqual(copyI420Frame(single.reconstruction()));
        }
      } finally {
        await parallel.close();
      }
    }
  }, 120_000);

  it('workers warm up before create resolves, unless asked not to', async () => {
    const warm = await ParallelH264Encoder.create({ width: 64, height: 64, threads: 2, preset: 'realtime' });
    const cold = await ParallelH264Encoder.create({ width: 64, height: 64, threads: 2, warmUp: false });
    try {
      expect(warm.warmUpMs).toBeGreaterThan(0);
      expect(cold.warmUpMs).toBe(0);
    } finally {
      await warm.close();
      await cold.close();
    }
  }, 120_000);

  it('the exit after the candidate vectors halves every 6 QP below 28 for the presets, and stays fixed for CPU relief', () => {
    const rt = PRESET_TUNING.realtime;
    expect(candidateExitBound(rt.candidateExitSad, 51, rt.candidateExitFollowsQp)).toBe(192);
    expect(candidateExitBound(rt.candidateExitSad, 28, rt.candidateExitFollowsQp)).toBe(192);
    expect(candidateExitBound(rt.candidateExitSad, 22, rt.candidateExitFollowsQp)).toBe(96);
    expect(candidateExitBound(rt.candidateExitSad, 10, rt.candidateExitFollowsQp)).toBe(24);
    expect(candidateExitBound(PRESET_TUNING.quality.candidateExitSad, 10, true)).toBe(-1);
    const relief = { ...rt, ...CPU_RELIEF_TUNING };
    expect(candidateExitBound(relief.candidateExitSad, 10, relief.candidateExitFollowsQp)).toBe(384);
  });

  it('quality is the default preset and an unknown preset is refused', () => {
    expect(new H264Encoder({ width: 64, height: 64 }).preset).toBe('quality');
    expect(() => new H264Encoder({ width: 64, height: 64, preset: 'fastest' as EncoderPreset })).toThrow(/preset must be one of realtime, balanced, quality/);
  });
});
