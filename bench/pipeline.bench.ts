/**
 * `npm run bench -- pipeline`:
 * 1. runtime overhead per frame: 20 ms audio frames through a chain of 10 pass-through function
 *    nodes (each a bounded block queue and an async loop), against calling the same 10
 *    functions directly on each frame (the limit);
 * 2. audio through FastResampleNode (48 to 16 kHz) then AudioLevelNode and SilenceDetectorNode
 *    on two branches, in frames per second and as a multiple of real time.
 * Sizes: PIPELINE_BENCH_FRAMES (default 20,000) and PIPELINE_BENCH_SECONDS of audio (default 120).
 */
import { createNode, fn, Pipeline, sink, source, wallClockMs, type AudioFrame, type Frame } from '../src/pipeline/index.js';

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
if (checksum < 0) console.log(checksum);
