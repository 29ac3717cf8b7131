import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWav, splitAnnexB, writeWav, writeY4m, SyntheticSource, copyI420Frame, parseOpusToc, OpusDecoder } from '../encoding/index.js';
import { createNode, Pipeline, sink, source, SincResampler, type AudioFrame, type DataFrame, type Frame } from './index.js';

type Ev = Record<string, unknown> & { timestamp_us: number };

/** Run `nodes` after a tone source with these params; collect the last node's frames. */
async function run(toneParams: Record<string, unknown>, ...nodes: [string, Record<string, unknown>][]): Promise<Frame[]> {
  const out: Frame[] = [];
  const p = new Pipeline('t').add(createNode('ToneSourceNode', 'tone', toneParams));
  nodes.forEach(([type, params], i) => p.add(createNode(type, `n${i}`, params)));
  p.add(sink('sink', (f) => void out.push(f)));
  await p.run();
  return out;
}
const events = (frames: Frame[]) => frames.map((f) => (f as DataFrame).value as Ev);

/** Frequency by counting upward zero crossings over a span of a mono signal. */
function zeroCrossingHz(x: Float32Array, rate: number): number {
  let first = -1;
  let last = -1;
  let n = 0;
  for (let i = 1; i < x.length; i++) if (x[i - 1]! < 0 && x[i]! >= 0) { if (first < 0) first = i; last = i; n++; }
  return ((n - 1) * rate) / (last - first);
}
/** The frequency with the most power between lo and hi (1 Hz steps, Goertzel). */
function peakHz(x: Float32Array, rate: number, lo: number, hi: number): number {
  let best = lo;
  let bestPower = -1;
  for (let f = lo; f <= hi; f++) {
    const w = (2 * Math.PI * f) / rate;
    let re = 0;
    let im = 0;
    for (let i = 0; i < x.length; i++) { re += x[i]! * Math.cos(w * i); im -= x[i]! * Math.sin(w * i); }
    const power = re * re + im * im;
    if (power > bestPower) { bestPower = power; best = f; }
  }
  return best;
}
const concat = (frames: Frame[]) => {
  const a = frames as AudioFrame[];
  const out = new Float32Array(a.reduce((s, f) => s + f.samples.length, 0));
  let at = 0;
  for (const f of a) { out.set(f.samples, at); at += f.samples.length; }
  return out;
};

describe('audio analysis nodes against signals with known answers', () => {
  it('AudioLevelNode: a 440 Hz tone at amplitude 0.5 reads -9.03 dBFS RMS and -6.02 dBFS peak; silence reads -120', async () => {
    const ev = events(await run({ frequency: 440, amplitude: 0.5, duration_ms: 200, segments: [{ duration_ms: 100 }, { duration_ms: 100, amplitude: 0 }] }, ['AudioLevelNode', {}]));
    expect(ev).toHaveLength(10);
    expect(ev[0]!.rms_db as number).toBeCloseTo(20 * Math.log10(0.5 / Math.SQRT2), 1);
    expect(ev[0]!.peak_db as number).toBeCloseTo(-6.02, 1);
    expect(ev[0]).toMatchObject({ is_silence: false, is_low_volume: false, health: 1, _schema: 'audio_level_event', timestamp_us: 0 });
    expect(ev[9]).toMatchObject({ rms_db: -120, is_silence: true, health: 0, timestamp_us: 180_000 });
  });

  it('AudioLevelNode: a tone at -26 dBFS is low volume with health between 0 and 1', async () => {
    const [e] = events(await run({ amplitude: 0.07, duration_ms: 20 }, ['AudioLevelNode', { low_volume_threshold_db: -20, silence_threshold_db: -60 }]));
    expect(e).toMatchObject({ is_low_volume: true, is_silence: false });
    expect(e!.health as number).toBeCloseTo((-26.1 + 60) / 40, 1);
  });

  it('SilenceDetectorNode: silence from 1.0 s to 2.0 s is found at 1.0 s, sustained at 1.5 s, and ends at 2.0 s, each within 50 ms', async () => {
    const ev = events(await run({ duration_ms: 3000, segments: [{ duration_ms: 1000 }, { duration_ms: 1000, amplitude: 0 }, { duration_ms: 1000 }] }, ['SilenceDetectorNode', {}]));
    const firstSilent = ev.find((e) => e.is_silent)!;
    const sustained = ev.find((e) => e.is_sustained_silence)!;
    const back = ev.find((e) => !e.is_silent && e.timestamp_us > firstSilent.timestamp_us)!;
    expect(Math.abs(firstSilent.timestamp_us - 1_000_000)).toBeLessThanOrEqual(50_000);
    expect(Math.abs(sustained.timestamp_us + 20_000 - 1_500_000)).toBeLessThanOrEqual(50_000);
    expect(Math.abs(back.timestamp_us - 2_000_000)).toBeLessThanOrEqual(50_000);
    expect(ev.filter((e) => e.is_sustained_silence).length).toBe(Math.round((2_000_000 - sustained.timestamp_us) / 20_000));
    expect(back).toMatchObject({ silence_duration_ms: 0, dropout_count: 1, has_intermittent_dropouts: false, _schema: 'silence_event' });
  });

  it('SilenceDetectorNode: three short dropouts within the window raise intermittent dropouts', async () => {
    const segs = [];
    for (let i = 0; i < 3; i++) segs.push({ duration_ms: 200 }, { duration_ms: 100, amplitude: 0 });
    const ev = events(await run({ duration_ms: 900, segments: segs }, ['SilenceDetectorNode', { dropout_window_ms: 5000 }]));
    expect(ev.at(-1)).toMatchObject({ dropout_count: 3, has_intermittent_dropouts: true, is_sustained_silence: false });
  });

  it('ClippingDetectorNode: a sine driven into clipping is detected; a clean sine is not', async () => {
    // A pure sine's crest factor is 3.01 dB, right at RemoteMedia's default threshold of 3 dB (a
    // 20 ms frame's sampled peak falls just short, so the default flags a pure tone): use 2 dB.
    const clean = events(await run({ amplitude: 0.5, duration_ms: 20 }, ['ClippingDetectorNode', { crest_factor_threshold_db: 2 }]))[0]!;
    expect(clean).toMatchObject({ is_clipping: false, saturation_ratio: 0, health: 1, _schema: 'clipping_event' });
    expect(clean.crest_factor_db as number).toBeCloseTo(3.01, 0);
    // A sine of amplitude 4 clipped at full scale: most samples sit at +-1.
    const hot: AudioFrame = { kind: 'audio', sampleRate: 48000, channels: 1, mediaTimeUs: 0, captureTimeMs: Date.now(), samples: Float32Array.from({ length: 960 }, (_, i) => Math.max(-1, Math.min(1, 4 * Math.sin((2 * Math.PI * 440 * i) / 48000)))) };
    const out: Frame[] = [];
    await new Pipeline('clip').add(source('src', [hot], ['audio'])).add(createNode('ClippingDetectorNode', 'clip')).add(sink('s', (f) => void out.push(f))).run();
    const e = events(out)[0]!;
    expect(e.is_clipping).toBe(true);
    expect(e.saturation_ratio as number).toBeGreaterThan(50);
    expect(e.crest_factor_db as number).toBeLessThan(1);
    expect(e.health).toBe(0);
  });

  it('ChannelBalanceNode: right at a tenth of left is 20 dB of imbalance; a silent right is a dead channel; mono is balanced', async () => {
    const [tenth] = events(await run({ channels: 2, channel_gains: [1, 0.1], duration_ms: 20 }, ['ChannelBalanceNode', {}]));
    expect(tenth!.imbalance_db as number).toBeCloseTo(20, 1);
    expect(tenth!.balance_ratio as number).toBeCloseTo(10, 2);
    expect(tenth).toMatchObject({ is_imbalanced: true, has_dead_channel: false, dead_channel: 'none', health: 0 });
    const [dead] = events(await run({ channels: 2, channel_gains: [1, 0], duration_ms: 20 }, ['ChannelBalanceNode', {}]));
    expect(dead).toMatchObject({ has_dead_channel: true, dead_channel: 'right', is_imbalanced: true, right_rms_db: -120, balance_ratio: null });
    const [even] = events(await run({ channels: 2, channel_gains: [0.5, 0.45], duration_ms: 20 }, ['ChannelBalanceNode', {}]));
    expect(even).toMatchObject({ is_imbalanced: false, has_dead_channel: false });
    const [mono] = events(await run({ channels: 1, duration_ms: 20 }, ['ChannelBalanceNode', {}]));
    expect(mono).toMatchObject({ health: 1, balance_ratio: 1, dead_channel: 'none' });
  });

  it('HealthEmitterNode: upstream silence and clipping events become alerts and the score follows the lowest health', async () => {
    const out: Frame[] = [];
    const ev = (value: Record<string, unknown>, t: number): DataFrame => ({ kind: 'data', value, mediaTimeUs: t, captureTimeMs: 1_700_000_000_000 + t / 1000 });
    await new Pipeline('health')
      .add(source('src', [ev({ _schema: 'audio_level_event', is_silence: false, health: 1 }, 0), ev({ _schema: 'clipping_event', is_clipping: true, health: 0.2 }, 20_000), ev({ _schema: 'clipping_event', is_clipping: false, health: 1 }, 40_000)], ['data']))
      .add(createNode('HealthEmitterNode', 'health'))
      .add(sink('s', (f) => void out.push(f)))
      .run();
    const h = events(out);
    expect(h.map((e) => [e.type, e.score, e.alerts])).toEqual([['health', 1, []], ['health', 0.2, ['CLIPPING', 'HEALTH_LOW']], ['health', 1, []]]);
  });

  it('HealthEmitterNode: a gap in capture time over freeze_threshold_ms is a freeze', async () => {
    const out: Frame[] = [];
    const a = (i: number, capture: number): AudioFrame => ({ kind: 'audio', sampleRate: 16000, channels: 1, samples: new Float32Array(320).fill(0.1), mediaTimeUs: i * 20_000, captureTimeMs: capture });
    await new Pipeline('freeze')
      .add(source('src', [a(0, 1000), a(1, 1020), a(2, 1700)], ['audio']))
      .add(createNode('HealthEmitterNode', 'health', { freeze_threshold_ms: 500, lead_threshold_ms: 1000 }))
      .add(sink('s', (f) => void out.push(f)))
      .run();
    expect(events(out).find((e) => e.type === 'freeze')).toMatchObject({ duration_ms: 680 });
  });
});

describe('resampling and chunking', () => {
  it('FastResampleNode: 48 kHz to 16 kHz keeps a 440 Hz tone at 440 Hz, its level, and a third of the samples', async () => {
    const frames = await run({ frequency: 440, amplitude: 0.5, duration_ms: 1000 }, ['FastResampleNode', { target_rate: 16000 }]);
    const y = concat(frames);
    expect((frames[0] as AudioFrame).sampleRate).toBe(16000);
    expect(y.length).toBe(16000);
    expect(zeroCrossingHz(y.subarray(200, 15800), 16000)).toBeCloseTo(440, 0);
    let s = 0;
    for (let i = 200; i < 15800; i++) s += y[i]! * y[i]!;
    expect(Math.sqrt(s / 15600)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    // Media time follows the output sample count.
    expect(frames.map((f) => f.mediaTimeUs).every((t, i, a) => i === 0 || t > a[i - 1]!)).toBe(true);
  });

  it('FastResampleNode: 44.1 kHz to 48 kHz (a non-integer ratio) keeps 1 kHz at 1 kHz', () => {
    const r = new SincResampler(44100, 48000, 1, 'High');
    const x = Float32Array.from({ length: 44100 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 44100));
    const parts: Float32Array[] = [];
    for (let i = 0; i < x.length; i += 441) parts.push(r.push(x.subarray(i, i + 441)));
    parts.push(r.flush());
    const y = concat(parts.map((samples) => ({ kind: 'audio', samples, sampleRate: 48000, channels: 1, mediaTimeUs: 0, captureTimeMs: 0 })));
    expect(y.length).toBe(48000);
    expect(zeroCrossingHz(y.subarray(500, 47500), 48000)).toBeCloseTo(1000, 0);
  });

  it('FastResampleNode: a tone above the new Nyquist frequency is filtered out, not aliased', async () => {
    const y = concat(await run({ frequency: 10_000, amplitude: 0.5, duration_ms: 500 }, ['FastResampleNode', { targetRate: 16000, quality: 'high' }]));
    let s = 0;
    for (let i = 500; i < y.length - 500; i++) s += y[i]! * y[i]!;
    expect(20 * Math.log10(Math.sqrt(s / (y.length - 1000)))).toBeLessThan(-50);
  });

  it('AudioChunkerNode: re-frames 20 ms frames into exact 512-sample chunks with media times from the sample count; the partial tail stays buffered', async () => {
    const frames = (await run({ sample_rate: 16000, duration_ms: 1000 }, ['AudioChunkerNode', { chunkSize: 512 }])) as AudioFrame[];
    expect(frames).toHaveLength(Math.floor(16000 / 512));
    expect(frames.every((f) => f.samples.length === 512)).toBe(true);
    expect(frames.map((f) => f.mediaTimeUs)).toEqual(frames.map((_, i) => (i * 512 * 1e6) / 16000));
  });
});

describe('our sources, sinks and encoders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-'));

  it('WavSourceNode -> WavSinkNode copies a stereo 16-bit file sample for sample', async () => {
    const pcm = Int16Array.from({ length: 44100 * 2 }, (_, i) => Math.round(10000 * Math.sin(i / 7)));
    writeFileSync(join(dir, 'in.wav'), writeWav(pcm, 44100, 2));
    await new Pipeline('copy')
      .add(createNode('WavSourceNode', 'in', { path: join(dir, 'in.wav') }))
      .add(createNode('PassThrough', 'pass'))
      .add(createNode('WavSinkNode', 'out', { path: join(dir, 'out.wav') }))
      .run();
    const back = parseWav(new Uint8Array(readFileSync(join(dir, 'out.wav'))));
    expect(back).toMatchObject({ sampleRate: 44100, channels: 2, frames: 44100 });
    expect(Array.from(back.samples)).toEqual(Array.from(pcm));
  });

  it('OpusEncodeNode makes one 20 ms packet per 20 ms of audio that decodes back to the tone', async () => {
    const frames = (await run({ frequency: 440, amplitude: 0.5, duration_ms: 1000, frame_ms: 10 }, ['OpusEncodeNode', { bitrate: 32000 }])) as DataFrame[];
    expect(frames).toHaveLength(50);
    expect(frames.map((f) => f.mediaTimeUs)).toEqual(frames.map((_, i) => i * 20_000));
    expect(frames.every((f) => f.contentType === 'audio/opus' && parseOpusToc(f.bytes![0]!).frameMs === 20)).toBe(true);
    const dec = new OpusDecoder({ channels: 1, sampleRate: 48000 });
    const pcm = frames.slice(10).map((f) => Int16Array.from(dec.decode(f.bytes!)));
    dec.destroy();
    const floats = Float32Array.from(pcm.flatMap((p) => Array.from(p)), (v) => v / 32768);
    expect(peakHz(floats, 48000, 400, 480)).toBe(440);
  });

  it('SyntheticVideoSourceNode and Y4mSourceNode feed H264EncodeNode: one Annex B access unit per picture, the first an IDR', async () => {
    const src = new SyntheticSource({ width: 64, height: 48, stamp: false });
    writeFileSync(join(dir, 'clip.y4m'), writeY4m([copyI420Frame(src.next()), copyI420Frame(src.next()), copyI420Frame(src.next())], 30));
    for (const [type, params] of [['SyntheticVideoSourceNode', { width: 64, height: 48, frames: 3 }], ['Y4mSourceNode', { path: join(dir, 'clip.y4m') }]] as const) {
      const out: DataFrame[] = [];
      await new Pipeline('video').add(createNode(type, 'src', params)).add(createNode('H264EncodeNode', 'h264', { qp: 28 })).add(sink('s', (f) => void out.push(f as DataFrame))).run();
      expect(out).toHaveLength(3);
      expect(out[0]!.value).toMatchObject({ keyframe: true });
      expect(splitAnnexB(out[0]!.bytes!).map((n) => n.type)).toEqual([7, 8, 5]);
      expect(out.map((f) => f.mediaTimeUs)).toEqual([0, 33_333.333333333336, 66_666.66666666667]);
    }
  });
});
