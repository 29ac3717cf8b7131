/**
 * `npm run bench -- pipeline`:
 * 1. runtime overhead per frame: 20 ms audio frames through a chain of 10 pass-through function
 *    nodes (each a bounded block queue and an async loop), against calling the same 10
 *    functions directly on each frame (the limit);
 * 2. audio through FastResampleNode (48 to 16 kHz) then AudioLevelNode and SilenceDetectorNode
 *    on two branches, in frames per second and as a multiple of real time.
 *    Then resample + VAD: the same 48 kHz audio (a synthetic voice, 1 s silence, 2 s voice, 1 s
 *    silence, looped) through FastResampleNode and SileroVADNode (the Silero model in
 *    onnxruntime-node, an optional package: without it this part prints why and is skipped).
 * 3. the latency one remote hop adds over loopback: 20 ms frames at real time through a
 *    PassThrough placed on an executor in another process (`spell serve`, from the build),
 *    against the same pipeline with the node here: p50/p95/p99 of the hop (frame sent to its
 *    result back) and of end to end.
 * Sizes: PIPELINE_BENCH_FRAMES (default 20,000), PIPELINE_BENCH_SECONDS of audio (default 120),
 * PIPELINE_BENCH_REMOTE_FRAMES at real time (default 1,500: 30 s).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createNode, fn, Pipeline, sink, source, wallClockMs, type AudioFrame, type Frame } from '../src/pipeline/index.js';
import { syntheticSpeech } from '../src/pipeline/__fixtures__/speech.js';
import { RemoteExecutors } from '../src/remote/index.js';

const FRAMES = Number(process.env.PIPELINE_BENCH_FRAMES ?? 20_000);
const SECONDS = Number(process.env.PIPELINE_BENCH_SECONDS ?? 120);
const CHAIN = 10;

const frame = (i: number): AudioFrame => ({ kind: 'audio', sampleRate: 48000, channels: 1, samples: new Float32Array(960), mediaTimeUs: i * 20_000, captureTimeMs: 0 });
const input = Array.from({ length: FRAMES }, (_, i) => frame(i));
// The work each node does: a real (if tiny) function of the frame, so the direct loop cannot be optimised away.
let checksum = 0;
const work = (f: Frame): Frame => { checksum += f.mediaTimeUs & 1; return f; };

async function chain(): Promise<{ perFrameUs: number; e2eP50: number; e2eP95: number }> {
  // Stamp each frame's capture time as the source hands it over, so end-to-end latency is real.
  function* stamped() { for (const f of input) { f.captureTimeMs = wallClockMs(); yield f; } }
  const p = new Pipeline('chain').add(source('src', stamped(), ['audio']));
  for (let i = 0; i < CHAIN; i++) p.add(fn(`pass${i}`, work, { inputs: ['audio'], outputs: ['audio'] }));
  p.add(sink('sink', () => {}));
  const t0 = performance.now();
  const stats = await p.run();
  return { perFrameUs: ((performance.now() - t0) * 1000) / FRAMES, e2eP50: stats.endToEnd.p50, e2eP95: stats.endToEnd.p95 };
}

function direct(): number {
  const t0 = performance.now();
  for (const f of input) {
    let x: Frame = f;
    for (let i = 0; i < CHAIN; i++) x = work(x);
  }
  return ((performance.now() - t0) * 1000) / FRAMES;
}

async function analysis(): Promise<{ fps: number; realtime: number; framesIn: number }> {
  const p = new Pipeline('analysis')
    .add(createNode('ToneSourceNode', 'tone', { frequency: 440, duration_ms: SECONDS * 1000, sample_rate: 48000 }))
    .add(createNode('FastResampleNode', 'resample', { target_rate: 16000, quality: 'Medium' }))
    .add(createNode('AudioLevelNode', 'level'));
  p.add(createNode('SilenceDetectorNode', 'silence'), { after: 'resample' });
  const t0 = performance.now();
  const stats = await p.run();
  const s = (performance.now() - t0) / 1000;
  const framesIn = stats.nodes.find((n) => n.id === 'tone')!.framesOut;
  return { fps: framesIn / s, realtime: SECONDS / s, framesIn };
}

/** Resample + VAD: 48 kHz speech in 20 ms frames through FastResampleNode (to 16 kHz) and SileroVADNode. */
async function vad(): Promise<{ fps: number; realtime: number; framesIn: number; windows: number; msPerWindow: number }> {
  const clip = syntheticSpeech({ sampleRate: 48000, before: 1, voice: 2, after: 1 });
  const frames = SECONDS * 50;
  function* speech() {
    for (let i = 0; i < frames; i++) {
      const at = (i * 960) % clip.length;
      yield { kind: 'audio', sampleRate: 48000, channels: 1, samples: clip.subarray(at, at + 960), mediaTimeUs: i * 20_000, captureTimeMs: wallClockMs() } satisfies AudioFrame;
    }
  }
  let windows = 0;
  const p = new Pipeline('vad')
    .add(source('speech', speech(), ['audio']))
    .add(createNode('FastResampleNode', 'resample', { target_rate: 16000, quality: 'Medium' }))
    .add(createNode('SileroVADNode', 'vad', { sampling_rate: 16000 }))
    .add(sink('events', (f) => { if (f.kind === 'data') windows++; }));
  const t0 = performance.now();
  await p.run();
  const ms = performance.now() - t0;
  return { fps: frames / (ms / 1000), realtime: SECONDS / (ms / 1000), framesIn: frames, windows, msPerWindow: ms / windows };
}

// Warm up both paths once, then measure.
await chain();
direct();
const c = await chain();
const d = direct();
console.log(`chain of ${CHAIN} pass-through nodes, ${FRAMES.toLocaleString('en-US')} frames of 20 ms audio`);
console.log(`  pipeline            ${c.perFrameUs.toFixed(2)} us/frame (${(c.perFrameUs / CHAIN).toFixed(2)} us per node hop); end to end p50 ${c.e2eP50.toFixed(2)} ms, p95 ${c.e2eP95.toFixed(2)} ms (queues full: the source runs ahead)`);
console.log(`  direct calls        ${d.toFixed(3)} us/frame (the limit)`);
console.log(`  runtime overhead    ${(c.perFrameUs - d).toFixed(2)} us/frame, ${((c.perFrameUs - d) / CHAIN).toFixed(2)} us per node`);
const a = await analysis();
console.log(`resample 48->16 kHz + level + silence, ${SECONDS} s of 48 kHz mono in 20 ms frames`);
console.log(`  ${Math.round(a.fps).toLocaleString('en-US')} frames/s, ${a.realtime.toFixed(0)}x real time (${a.framesIn} frames)`);
try {
  const v = await vad();
  console.log(`resample 48->16 kHz + SileroVADNode (Silero model, onnxruntime-node on 1 thread), ${SECONDS} s of 48 kHz speech in 20 ms frames`);
  console.log(`  ${Math.round(v.fps).toLocaleString('en-US')} frames/s, ${v.realtime.toFixed(0)}x real time (${v.framesIn} frames, ${v.windows} model windows of 32 ms, ${v.msPerWindow.toFixed(2)} ms each all in)`);
} catch (e) {
  if ((e as { code?: string }).code !== 'missing-runtime') throw e;
  console.log(`resample + SileroVADNode: not run: ${(e as Error).message}`);
}

const REMOTE_FRAMES = Number(process.env.PIPELINE_BENCH_REMOTE_FRAMES ?? 1500);

/** 20 ms frames at real time (a live source), stamped with their capture time as they leave. */
async function* live(n: number): AsyncGenerator<Frame> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const wait = t0 + i * 20 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    yield { ...frame(i), captureTimeMs: wallClockMs() };
  }
}

async function hop(remote?: RemoteExecutors, host?: string): Promise<{ e2e: { p50: number; p95: number; p99: number } }> {
  const p = new Pipeline('hop').add(source('src', live(REMOTE_FRAMES), ['audio']));
  p.add(createNode('PassThrough', 'pass', {}, host ? { requirements: { host } } : {}));
  p.add(sink('sink', () => {}));
  const stats = await p.run(remote ? { remote } : {});
  return { e2e: stats.endToEnd };
}

const executor = spawn(process.execPath, [join(import.meta.dirname, '..', 'bin', 'spell.js'), 'serve', '--port', '0', '--name', 'bench'], { stdio: ['ignore', 'pipe', 'ignore'] });
try {
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    executor.stdout!.on('data', (d: Buffer) => { out += d.toString(); const m = /listening on (ws:\/\/\S+)/.exec(out); if (m) resolve(m[1]!); });
    executor.once('exit', (code) => reject(new Error(`spell serve exited with ${code} (is dist/ built? npm run build)`)));
  });
  const local = await hop();
  const remote = new RemoteExecutors();
  const far = await hop(remote, url);
  const h = remote.hopStats()[0]!;
  await remote.close();
  const f = (x: number) => x.toFixed(2);
  console.log(`one remote hop over loopback (executor in another process), ${REMOTE_FRAMES} frames of 20 ms at real time`);
  console.log(`  hop, frame sent to result back   p50 ${f(h.p50)} ms, p95 ${f(h.p95)} ms, p99 ${f(h.p99)} ms (${h.count} frames, ${h.dropped} dropped)`);
  console.log(`  end to end, node remote          p50 ${f(far.e2e.p50)} ms, p95 ${f(far.e2e.p95)} ms, p99 ${f(far.e2e.p99)} ms`);
  console.log(`  end to end, node here            p50 ${f(local.e2e.p50)} ms, p95 ${f(local.e2e.p95)} ms, p99 ${f(local.e2e.p99)} ms`);
  console.log(`  added by the hop                 p50 ${f(far.e2e.p50 - local.e2e.p50)} ms, p95 ${f(far.e2e.p95 - local.e2e.p95)} ms`);
} finally {
  executor.kill('SIGTERM');
}
if (checksum < 0) console.log(checksum);
